//! Password rules and hashing: argon2id (19 MiB, t=2, p=1, OWASP's first choice), on threads
//! of its own so a sign-in never stalls the async workers, a bounded number at a time
//! ([`HashPool`]).

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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
pub enum HashError {
    /// Every hashing slot stayed taken for the whole wait: the server is saturated.
    #[error("too many password checks at once")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// Runs the argon2 work on a few threads of its own, a bounded number at a time.
///
/// Each hash holds 19 MiB and a core for tens of milliseconds. Unbounded, a few hundred
/// concurrent sign-ins or registrations would take gigabytes and every blocking thread (which
/// DNS lookups and file serving need too); bounded, the excess waits briefly and is then
/// refused as busy, and the rest of the server keeps answering.
///
/// The threads are the pool's own and live as long as it does: on tokio's blocking pool each
/// hash could land on a new thread, and the allocator keeps a 19 MiB block in every thread's
/// arena it ever used (measured: 644 MiB after 300 concurrent registrations with only two
/// hashes at a time). On `concurrency` fixed threads that memory is bounded by their number.
#[derive(Clone)]
pub struct HashPool {
    permits: Arc<Semaphore>,
    jobs: std::sync::mpsc::SyncSender<Job>,
    wait: Duration,
}

type Job = Box<dyn FnOnce() + Send>;

impl HashPool {
    /// `concurrency` hashes at once on as many threads (at least one); a caller waits up to
    /// `wait` for a slot.
    pub fn new(concurrency: usize, wait: Duration) -> Self {
        let concurrency = concurrency.max(1);
        // A slot is taken before a job is sent, so the queue never holds more than that.
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(concurrency);
        let queue = Arc::new(std::sync::Mutex::new(queue));
        for index in 0..concurrency {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new().name(format!("argon2-{index}")).spawn(move || {
                loop {
                    // The lock is held only while waiting for the next job, not while hashing.
                    let next = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => break,
                    };
                    match next {
                        Ok(job) => job(),
                        // Every handle to the pool is gone.
                        Err(_) => break,
                    }
                }
            });
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a password-hashing thread");
            }
        }
        Self { permits: Arc::new(Semaphore::new(concurrency)), jobs, wait }
    }

    /// One hash per core, and up to two seconds' wait.
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, usize::from), Duration::from_secs(2))
    }

    /// How long a refused caller should wait before trying again.
    pub fn retry_after(&self) -> Duration {
        self.wait
    }

    /// Runs `work` on one of the pool's threads once a slot is free, or refuses as busy.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = match tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(closed)) => return Err(HashError::Failed(closed.to_string())),
            Err(_) => {
                metrics::counter!("password_hash_busy_total").increment(1);
                return Err(HashError::Busy);
            }
        };
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let result = work();
            // The slot is free before the answer leaves, so whoever reads the answer and hashes
            // again at once finds it free.
            drop::<OwnedSemaphorePermit>(permit);
            // The caller may have gone (a closed connection): then nobody needs the answer.
            let _ = answer.send(result);
        });
        self.jobs.send(job).map_err(|_| HashError::Failed("the password-hashing threads are gone".into()))?;
        answered.await.map_err(|_| HashError::Failed("a password-hashing thread stopped".into()))?
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| HashError::Failed(e.to_string()))
        })
        .await
    }

    /// Whether `password` matches `phc`. With `None` (no such account) the same work is done
    /// against a fixed hash, so response times do not tell which emails have accounts.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, HashError> {
        static DUMMY: LazyLock<String> = LazyLock::new(|| {
            let salt = SaltString::encode_b64(b"nexus-dummy-salt").unwrap_or_else(|_| SaltString::generate(&mut OsRng));
            argon2().hash_password(b"no account has this password", &salt).map(|h| h.to_string()).unwrap_or_default()
        });
        self.run(move || {
            let known = phc.is_some();
            let phc = phc.unwrap_or_else(|| DUMMY.clone());
            let parsed = PasswordHash::new(&phc).map_err(|e| HashError::Failed(e.to_string()))?;
            let matches = argon2().verify_password(password.as_bytes(), &parsed).is_ok();
            Ok(known && matches)
        })
        .await
    }
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
        let pool = HashPool::per_core();
        let phc = pool.hash("correct horse battery staple".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(pool.verify("correct horse battery staple".into(), Some(phc.clone())).await.expect("verify"));
        assert!(!pool.verify("wrong horse".into(), Some(phc)).await.expect("verify"));
        assert!(!pool.verify("anything".into(), None).await.expect("dummy verify"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashing_is_bounded_and_the_excess_is_refused_as_busy() {
        // One slot, and no patience: of many hashes started together, one runs at a time and
        // those that cannot get the slot at once are refused rather than queued without end.
        let pool = HashPool::new(1, Duration::from_millis(1));
        let attempts = (0..8).map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { pool.hash("correct horse battery staple".into()).await })
        });
        let mut busy = 0;
        let mut hashed = 0;
        for attempt in attempts.collect::<Vec<_>>() {
            match attempt.await.expect("task") {
                Ok(_) => hashed += 1,
                Err(HashError::Busy) => busy += 1,
                Err(other) => panic!("{other}"),
            }
        }
        assert!(hashed >= 1 && busy >= 1, "hashed {hashed}, busy {busy}");
        // With the slot free again, the next one runs.
        pool.hash("correct horse battery staple".into()).await.expect("a free slot hashes");
    }
}
