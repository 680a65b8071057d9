//! Registration, sign-in, token refresh with rotation, sign-out: the rules, in one place for
//! the REST API and the UI alike.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use super::password::{self, HashPool, PasswordRejected};
use super::store::{Account, AccountStore, NewRefreshFamily, NewRefreshToken, Purged, RefreshUse, StoreError};
use super::tokens::{self, AccessTokens, REFRESH_TTL, SuccessorKey, TokenError};
use crate::cache::RedisStore;
use crate::limits::{Limiter, Rate};

/// What a client keeps after signing in.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh: String,
    pub refresh_expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("enter a valid email address")]
    InvalidEmail,
    #[error("password {0}")]
    WeakPassword(PasswordRejected),
    #[error("that email address already has an account")]
    EmailTaken,
    /// One message for unknown emails and wrong passwords alike.
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("the refresh token is invalid, expired or already used")]
    InvalidRefreshToken,
    #[error("{0}")]
    InvalidAccessToken(TokenError),
    #[error("too many attempts; try again in {} seconds", crate::limits::retry_after_secs(*.retry_after))]
    Throttled { retry_after: Duration },
    /// Every password-hashing slot is taken: the server is saturated, not the caller at fault.
    #[error("too many sign-ins at once; try again in {} seconds", crate::limits::retry_after_secs(*.retry_after))]
    Busy { retry_after: Duration },
    #[error("the account store is unavailable")]
    Unavailable(#[source] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AuthError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::EmailTaken => Self::EmailTaken,
            StoreError::Unavailable(_) => Self::Unavailable(error),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<password::HashError> for AuthError {
    fn from(error: password::HashError) -> Self {
        match error {
            // The pool's own wait is a fair estimate of when a slot frees up.
            password::HashError::Busy => Self::Busy { retry_after: Duration::from_secs(2) },
            password::HashError::Failed(cause) => Self::Internal(cause),
        }
    }
}

fn grace(duration: Duration) -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(duration).unwrap_or(chrono::TimeDelta::MAX)
}

/// Trimmed and lowercased, if it looks like an address at all.
pub fn normalise_email(email: &str) -> Result<String, AuthError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid { Ok(email) } else { Err(AuthError::InvalidEmail) }
}

/// The throttles in front of the password checks, keyed by [`client_key`](crate::limits::client_key) or by account.
#[derive(Clone)]
pub struct AuthLimits {
    pub sign_in_by_client: Limiter,
    pub sign_in_by_account: Limiter,
    /// `None`: registration is not throttled (test servers that register many accounts).
    pub registration_by_client: Option<Limiter>,
}

impl AuthLimits {
    /// 30 sign-ins a minute per client network, 10 per account, and `registrations_per_hour`
    /// registrations per client network (10 at once); shared through Redis when given.
    pub fn new(registrations_per_hour: u32, shared: Option<Arc<RedisStore>>) -> Self {
        let fixed = |count| Rate::per_minute(count, count).unwrap_or_else(|| Rate::per_minute(1, 1).expect("one"));
        Self {
            sign_in_by_client: Limiter::new("sign_in_client", fixed(30), shared.clone()),
            sign_in_by_account: Limiter::new("sign_in_account", fixed(10), shared.clone()),
            registration_by_client: Rate::per_hour(registrations_per_hour, registrations_per_hour.min(10))
                .map(|rate| Limiter::new("register_client", rate, shared)),
        }
    }
}

impl Default for AuthLimits {
    fn default() -> Self {
        Self::new(DEFAULT_REGISTRATIONS_PER_HOUR, None)
    }
}

/// Registrations per hour from one client network: a household or an office registers a few;
/// a script registering thousands is refused.
pub const DEFAULT_REGISTRATIONS_PER_HOUR: u32 = 30;

/// How long a spent refresh token may be presented again for another pair, by default.
///
/// The owner presents one twice when an answer is lost (a mobile network drops the response,
/// the app retries) or when two requests race (two tabs, two instances behind a load
/// balancer): with strict rotation either signs the user out. A copy presented later is
/// treated as stolen. Auth0 ("reuse interval") and Okta ("grace period") do the same.
pub const DEFAULT_REFRESH_REUSE_GRACE: Duration = Duration::from_secs(30);

/// How long a session lasts at most, by default, however often its tokens rotate: a stolen
/// session ends by then too, and a user signs in again about once a month.
pub const DEFAULT_SESSION_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);

/// How long a revoked session's rows outlive the revocation before the purge removes them:
/// long past any rotation that was in flight when it was revoked.
const REVOKED_SESSION_RETENTION: chrono::TimeDelta = chrono::TimeDelta::hours(1);

pub struct AccountService {
    store: Arc<dyn AccountStore>,
    tokens: AccessTokens,
    successors: SuccessorKey,
    limits: AuthLimits,
    hashing: HashPool,
    refresh_reuse_grace: chrono::TimeDelta,
    session_max_age: chrono::TimeDelta,
}

impl AccountService {
    pub fn new(store: Arc<dyn AccountStore>, jwt_secret: &[u8], limits: AuthLimits) -> Self {
        Self {
            store,
            tokens: AccessTokens::new(jwt_secret),
            successors: SuccessorKey::new(jwt_secret),
            limits,
            hashing: HashPool::per_core(),
            refresh_reuse_grace: grace(DEFAULT_REFRESH_REUSE_GRACE),
            session_max_age: grace(DEFAULT_SESSION_MAX_AGE),
        }
    }

    /// How many password hashes run at once, and how long the rest wait before being refused.
    pub fn with_hash_pool(mut self, hashing: HashPool) -> Self {
        self.hashing = hashing;
        self
    }

    /// How long a spent refresh token still gets another pair (see
    /// [`DEFAULT_REFRESH_REUSE_GRACE`]); zero makes every second use a theft.
    pub fn with_refresh_reuse_grace(mut self, reuse_grace: Duration) -> Self {
        self.refresh_reuse_grace = grace(reuse_grace);
        self
    }

    /// How long a session lasts at most from sign-in (see [`DEFAULT_SESSION_MAX_AGE`]).
    pub fn with_session_max_age(mut self, max_age: Duration) -> Self {
        self.session_max_age = grace(max_age);
        self
    }

    pub fn store(&self) -> &Arc<dyn AccountStore> {
        &self.store
    }

    /// `client` is the caller's [`client_key`](crate::limits::client_key), for throttling.
    pub async fn register(&self, email: &str, password: &str, client: &str) -> Result<(Account, Session), AuthError> {
        let email = normalise_email(email)?;
        password::check_new(password).map_err(AuthError::WeakPassword)?;
        if let Some(limiter) = &self.limits.registration_by_client {
            throttle(limiter, client, client).await?;
        }
        // A taken address is refused before the hash: it would be refused after it anyway
        // (registration says so by design), so it should not cost 19 MiB and a core.
        if self.store.credentials_by_email(&email).await?.is_some() {
            return Err(AuthError::EmailTaken);
        }
        let hash = self.hashing.hash(password.to_owned()).await?;
        let account = self.store.create_account(&email, &hash, Utc::now()).await?;
        tracing::info!(account = %account.id, "account registered");
        let session = self.start_session(account.id).await?;
        Ok((account, session))
    }

    /// `client` is the caller's [`client_key`](crate::limits::client_key), for throttling.
    pub async fn sign_in(&self, email: &str, password: &str, client: &str) -> Result<(Account, Session), AuthError> {
        let email = normalise_email(email).map_err(|_| AuthError::InvalidCredentials)?;
        throttle(&self.limits.sign_in_by_client, client, client).await?;
        throttle(&self.limits.sign_in_by_account, &email, client).await?;
        let credentials = self.store.credentials_by_email(&email).await?;
        let hash = credentials.as_ref().map(|c| c.password_hash.clone());
        // Verified even when there is no account, so both cases take the same time.
        let matches = self.hashing.verify(password.to_owned(), hash).await?;
        match credentials {
            Some(credentials) if matches => {
                let session = self.start_session(credentials.account.id).await?;
                Ok((credentials.account, session))
            }
            _ => Err(AuthError::InvalidCredentials),
        }
    }

    /// Spends a refresh token for the next pair. Presenting a spent token again within the
    /// reuse grace gets the very same pair again (its successor is derived from it, and the
    /// access token is issued as of the first use); later, it revokes the whole family:
    /// whoever holds a copy, thief or owner, must sign in again.
    pub async fn refresh(&self, refresh: &str) -> Result<Session, AuthError> {
        if !tokens::is_well_formed_refresh_token(refresh) {
            return Err(AuthError::InvalidRefreshToken);
        }
        let hash = tokens::hash_refresh_token(refresh);
        // Microseconds: what both databases keep, so a replay recomputes the same times.
        let now = Utc::now().trunc_subsecs(6);
        match self.store.use_refresh_token(&hash, now).await? {
            RefreshUse::Spent { account, family, family_expires_at } => {
                self.successor_session(refresh, account, family, now, family_expires_at).await
            }
            RefreshUse::Reused { account, family, used_at, family_expires_at }
                if now - used_at <= self.refresh_reuse_grace =>
            {
                tracing::info!(%account, %family, "refresh token presented again within the reuse grace: the same pair");
                self.successor_session(refresh, account, family, used_at, family_expires_at).await
            }
            RefreshUse::Reused { account, family, .. } => {
                tracing::warn!(%account, %family, "refresh token reused: revoking its family");
                self.store.revoke_refresh_family(family, Utc::now()).await?;
                Err(AuthError::InvalidRefreshToken)
            }
            RefreshUse::Expired | RefreshUse::Revoked | RefreshUse::Unknown => Err(AuthError::InvalidRefreshToken),
        }
    }

    /// The pair that follows `spent`, as issued when it was spent (`spent_at`).
    async fn successor_session(
        &self,
        spent: &str,
        account: Uuid,
        family: Uuid,
        spent_at: DateTime<Utc>,
        family_expires_at: DateTime<Utc>,
    ) -> Result<Session, AuthError> {
        let (refresh, hash) = self.successors.successor(spent).map_err(|e| AuthError::Internal(e.to_string()))?;
        self.save_session(account, family, refresh, hash, spent_at, family_expires_at).await
    }

    /// Revokes the family of `refresh`; unknown and revoked tokens are ignored (signing out
    /// twice is fine).
    pub async fn sign_out(&self, refresh: &str) -> Result<(), AuthError> {
        if !tokens::is_well_formed_refresh_token(refresh) {
            return Ok(());
        }
        let hash = tokens::hash_refresh_token(refresh);
        let family = match self.store.use_refresh_token(&hash, Utc::now()).await? {
            RefreshUse::Spent { family, .. } | RefreshUse::Reused { family, .. } => family,
            RefreshUse::Expired | RefreshUse::Revoked | RefreshUse::Unknown => return Ok(()),
        };
        self.store.revoke_refresh_family(family, Utc::now()).await?;
        Ok(())
    }

    /// The account an access token was issued to.
    pub fn authenticate(&self, access: &str) -> Result<Uuid, AuthError> {
        self.tokens.verify(access).map_err(AuthError::InvalidAccessToken)
    }

    pub async fn account(&self, id: Uuid) -> Result<Account, AuthError> {
        // A valid token for a deleted account is as good as an invalid one.
        self.store.account(id).await?.ok_or(AuthError::InvalidAccessToken(TokenError::Invalid))
    }

    /// Deletes expired refresh tokens and ended or revoked sessions; run periodically.
    pub async fn purge_expired_sessions(&self) -> Result<Purged, AuthError> {
        let now = Utc::now();
        let purged = self.store.purge_refresh_tokens(now, now - REVOKED_SESSION_RETENTION).await?;
        tracing::info!(families = purged.families, tokens = purged.tokens, "expired sessions purged");
        Ok(purged)
    }

    /// Purges expired sessions every `interval` (the first time at once), for as long as the
    /// service lives. Every instance may run it: the deletes are idempotent.
    pub fn purge_sessions_periodically(self: &Arc<Self>, interval: Duration) {
        let service = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(service) = service.upgrade() else { break };
                if let Err(error) = service.purge_expired_sessions().await {
                    tracing::warn!(%error, "could not purge expired sessions; retrying at the next interval");
                }
            }
        });
    }

    /// A new session: a new family, ending [`session_max_age`](Self::with_session_max_age)
    /// from now, and its first pair.
    async fn start_session(&self, account: Uuid) -> Result<Session, AuthError> {
        let now = Utc::now().trunc_subsecs(6);
        let family =
            NewRefreshFamily { id: Uuid::new_v4(), account, created_at: now, expires_at: now + self.session_max_age };
        self.store.start_refresh_family(&family).await?;
        let (refresh, hash) = tokens::new_refresh_token();
        self.save_session(account, family.id, refresh, hash, now, family.expires_at).await
    }

    /// Saves a pair issued at `issued_at`; its refresh token ends with its family at the latest.
    async fn save_session(
        &self,
        account: Uuid,
        family: Uuid,
        refresh: String,
        hash: Vec<u8>,
        issued_at: DateTime<Utc>,
        family_expires_at: DateTime<Utc>,
    ) -> Result<Session, AuthError> {
        let (access, access_expires_at) =
            self.tokens.issue(account, issued_at).map_err(|e| AuthError::Internal(e.to_string()))?;
        let refresh_expires_at = (issued_at + REFRESH_TTL).min(family_expires_at);
        self.store
            .save_refresh_token(&NewRefreshToken {
                id: Uuid::new_v4(),
                hash,
                family,
                account,
                issued_at,
                expires_at: refresh_expires_at,
            })
            .await?;
        Ok(Session { access, access_expires_at, refresh, refresh_expires_at })
    }
}

/// Charges `key` to `limiter`, or refuses with how long to wait.
async fn throttle(limiter: &Limiter, key: &str, client: &str) -> Result<(), AuthError> {
    limiter.check(key).await.map_err(|retry_after| {
        tracing::warn!(client, "authentication throttled");
        AuthError::Throttled { retry_after }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(normalise_email("  Ada@Example.COM ").ok().as_deref(), Some("ada@example.com"));
        for bad in ["", "ada", "ada@", "@example.com", "ada@example", "a da@example.com", "a@b@c.com", "ada@.com"] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
    }
}
