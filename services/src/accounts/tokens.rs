//! Access tokens (short-lived JWTs, HS256 pinned, `iss`/`aud`/`sub`/`exp`/`nbf` all checked)
//! and refresh tokens (random, opaque, stored only as a SHA-256 hash).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const ISSUER: &str = "nexus";
pub const AUDIENCE: &str = "nexus-api";
pub const ACCESS_TTL: Duration = Duration::from_secs(15 * 60);
pub const REFRESH_TTL: Duration = Duration::from_secs(14 * 24 * 3600);

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    iat: i64,
    nbf: i64,
    exp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the access token has expired")]
    Expired,
    #[error("the access token is not valid")]
    Invalid,
    #[error("could not sign a token: {0}")]
    Signing(String),
}

/// Signs and checks access tokens with one secret.
#[derive(Clone)]
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl AccessTokens {
    pub fn new(secret: &[u8]) -> Self {
        // Only HS256: a token claiming `none` or another algorithm is refused outright.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation }
    }

    /// A token for `account`, and when it expires.
    pub fn issue(&self, account: Uuid, now: DateTime<Utc>) -> Result<(String, DateTime<Utc>), TokenError> {
        let expires = now + ACCESS_TTL;
        let claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: account.to_string(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: expires.timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| TokenError::Signing(e.to_string()))?;
        Ok((token, expires))
    }

    /// The account a valid token was issued to.
    pub fn verify(&self, token: &str) -> Result<Uuid, TokenError> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|error| {
                match error.kind() {
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                    _ => TokenError::Invalid,
                }
            })?;
        Uuid::parse_str(&data.claims.sub).map_err(|_| TokenError::Invalid)
    }
}

/// Derives the successor of a spent refresh token: the same spent token always has the same
/// successor. A retry within the reuse grace (a lost answer, two racing tabs or instances)
/// therefore gets the very pair the first use got, and a stolen copy replayed within the grace
/// gets that pair too, never an independent branch of the session that would outlive its
/// owner's sign-out. Keyed with the server's secret, so nobody can compute a successor who has
/// not seen the token it follows.
#[derive(Clone)]
pub struct SuccessorKey([u8; 32]);

impl SuccessorKey {
    pub fn new(secret: &[u8]) -> Self {
        let mut digest = Sha256::new();
        digest.update(b"nexus/refresh-successor/v1\0");
        digest.update(secret);
        Self(digest.finalize().into())
    }

    /// The successor of `spent`: what the client keeps, and the hash the database keeps.
    pub fn successor(&self, spent: &str) -> Result<(String, Vec<u8>), TokenError> {
        use hmac::Mac;
        // HMAC takes keys of any length, so this cannot fail; the error is kept typed anyway.
        let mut mac =
            hmac::Hmac::<Sha256>::new_from_slice(&self.0).map_err(|error| TokenError::Signing(error.to_string()))?;
        mac.update(spent.as_bytes());
        let token = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        let hash = hash_refresh_token(&token);
        Ok((token, hash))
    }
}

/// A new refresh token: what the client keeps, and the hash the database keeps.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let bytes: [u8; 32] = rand::random();
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

/// Whether `token` has the shape of the refresh tokens this service issues (32 bytes,
/// base64url without padding: 43 characters). Anything else is refused before any lookup.
pub fn is_well_formed_refresh_token(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> AccessTokens {
        AccessTokens::new(b"0123456789abcdef0123456789abcdef")
    }

    fn forge(claims: serde_json::Value, secret: &[u8], algorithm: Algorithm) -> String {
        jsonwebtoken::encode(&Header::new(algorithm), &claims, &EncodingKey::from_secret(secret)).expect("signed")
    }

    fn claims(now: i64) -> serde_json::Value {
        serde_json::json!({
            "iss": ISSUER, "aud": AUDIENCE, "sub": Uuid::nil().to_string(),
            "iat": now, "nbf": now, "exp": now + 60,
        })
    }

    #[test]
    fn issued_tokens_verify_and_expire_within_fifteen_minutes() {
        let now = Utc::now();
        let account = Uuid::new_v4();
        let (token, expires) = tokens().issue(account, now).expect("issued");
        assert_eq!(tokens().verify(&token), Ok(account));
        assert!(expires - now <= chrono::Duration::minutes(15));
    }

    #[test]
    fn expired_tampered_foreign_and_unsigned_tokens_are_refused() {
        let now = Utc::now().timestamp();
        let (old, _) = tokens().issue(Uuid::new_v4(), Utc::now() - chrono::Duration::hours(1)).expect("issued");
        assert_eq!(tokens().verify(&old), Err(TokenError::Expired));

        let (good, _) = tokens().issue(Uuid::new_v4(), Utc::now()).expect("issued");
        let mut tampered = good.clone();
        tampered.insert(good.len() / 2, 'x');
        assert_eq!(tokens().verify(&tampered), Err(TokenError::Invalid));

        let other_secret = forge(claims(now), b"another secret of thirty-two b!!", Algorithm::HS256);
        assert_eq!(tokens().verify(&other_secret), Err(TokenError::Invalid));

        let mut wrong_audience = claims(now);
        wrong_audience["aud"] = "someone-else".into();
        let token = forge(wrong_audience, b"0123456789abcdef0123456789abcdef", Algorithm::HS256);
        assert_eq!(tokens().verify(&token), Err(TokenError::Invalid));

        let mut not_yet = claims(now);
        not_yet["nbf"] = (now + 3600).into();
        not_yet["exp"] = (now + 7200).into();
        let token = forge(not_yet, b"0123456789abcdef0123456789abcdef", Algorithm::HS256);
        assert_eq!(tokens().verify(&token), Err(TokenError::Invalid));

        let other_algorithm = forge(claims(now), b"0123456789abcdef0123456789abcdef", Algorithm::HS512);
        assert_eq!(tokens().verify(&other_algorithm), Err(TokenError::Invalid));

        // `alg: none`, no signature.
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims(now).to_string());
        assert_eq!(tokens().verify(&format!("{header}.{payload}.")), Err(TokenError::Invalid));
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(hash_a, hash_refresh_token(&a));
        assert_eq!(hash_a.len(), 32);
        assert!(is_well_formed_refresh_token(&a) && is_well_formed_refresh_token(&b));
        let key = SuccessorKey::new(b"a secret of at least thirty-two bytes");
        let successor_of = |key: &SuccessorKey, token: &str| key.successor(token).expect("successor");
        let (successor, successor_hash) = successor_of(&key, &a);
        assert_eq!(successor_of(&key, &a).0, successor, "the same token has the same successor");
        assert_ne!(successor_of(&key, &b).0, successor);
        let other = SuccessorKey::new(b"another secret of thirty-two bytes!");
        assert_ne!(successor_of(&other, &a).0, successor);
        assert!(is_well_formed_refresh_token(&successor));
        assert_eq!(successor_hash, hash_refresh_token(&successor));
        let long = "a".repeat(4096);
        for bad in ["", "not-a-real-token", &a[..42], &format!("{a}x"), &a.replacen(&a[..1], "+", 1), &long] {
            assert!(!is_well_formed_refresh_token(bad), "{bad}");
        }
    }
}
