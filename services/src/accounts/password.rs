//! Password rules and hashing: argon2id (19 MiB, t=2, p=1, OWASP's first choice), always on
//! the blocking pool so a sign-in never stalls the async workers.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// The 10,000 most common passwords of allowed length (see `data/convert_common_passwords.py`).
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../data/common-passwords.txt").lines().collect());

/// Why a new password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRejected {
    #[error("must be at least {MIN_CHARS} characters")]
    TooShort,
    #[error("must be at most {MAX_CHARS} characters")]
    TooLong,
    #[error("is one of the most common passwords; choose another")]
    Common,
}

/// Checks a new password against the rules.
pub fn check_new(password: &str) -> Result<(), PasswordRejected> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PasswordRejected::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordRejected::TooLong);
    }
    if COMMON.contains(password) || COMMON.contains(password.to_lowercase().as_str()) {
        return Err(PasswordRejected::Common);
    }
    Ok(())
}

fn argon2() -> Argon2<'static> {
    // 19 MiB, 2 iterations, 1 lane: valid constants, so `Params::new` cannot fail here.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`), computed on the blocking pool.
pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| HashError(e.to_string()))
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

/// Whether `password` matches `phc`, computed on the blocking pool. With `None` (no such
/// account) the same work is done against a fixed hash, so response times do not tell which
/// emails have accounts.
pub async fn verify(password: String, phc: Option<String>) -> Result<bool, HashError> {
    static DUMMY: LazyLock<String> = LazyLock::new(|| {
        let salt = SaltString::encode_b64(b"nexus-dummy-salt").unwrap_or_else(|_| SaltString::generate(&mut OsRng));
        argon2().hash_password(b"no account has this password", &salt).map(|h| h.to_string()).unwrap_or_default()
    });
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| DUMMY.clone());
        let parsed = PasswordHash::new(&phc).map_err(|e| HashError(e.to_string()))?;
        let matches = argon2().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_reject_short_long_and_common_passwords() {
        assert_eq!(check_new("short"), Err(PasswordRejected::TooShort));
        assert_eq!(check_new(&"x".repeat(129)), Err(PasswordRejected::TooLong));
        assert_eq!(check_new("password"), Err(PasswordRejected::Common));
        assert_eq!(check_new("PASSWORD1"), Err(PasswordRejected::Common));
        assert_eq!(check_new("iloveyou"), Err(PasswordRejected::Common));
        assert_eq!(check_new("correct horse battery staple"), Ok(()));
        // Characters, not bytes: eight accented letters are long enough.
        assert_eq!(check_new("éééééééé"), Ok(()));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let phc = hash("correct horse battery staple".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery staple".into(), Some(phc.clone())).await.expect("verify"));
        assert!(!verify("wrong horse".into(), Some(phc)).await.expect("verify"));
        assert!(!verify("anything".into(), None).await.expect("dummy verify"));
    }
}
