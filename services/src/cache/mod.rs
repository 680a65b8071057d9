//! The cache in front of TMDb.
//!
//! [`CacheStore`] is the storage: Redis when configured, in-process otherwise. [`Cache`] adds
//! the policy every caller wants: per-entry TTL with ±10 % jitter, single-flight (concurrent
//! misses for one key make one upstream call), stale-if-error (an expired copy is served when
//! the upstream fails), and soft store errors (a broken store only costs cache hits).

mod memory;
mod redis;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use self::memory::MemoryStore;
pub use self::redis::RedisStore;

#[derive(Debug, thiserror::Error)]
#[error("cache store error: {0}")]
pub struct StoreError(pub String);

/// Where cached bytes live. Implementations expire entries after `ttl` on their own.
#[async_trait]
pub trait CacheStore: Send + Sync {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError>;
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// Checks the store answers (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;
    fn kind(&self) -> &'static str;
}

/// How long an entry is fresh, and how long after that it may still be served on upstream
/// failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ttl {
    pub fresh: Duration,
    pub stale: Duration,
}

/// What is stored: the value and when it stops being fresh.
#[derive(Serialize, Deserialize)]
struct Entry<T> {
    fresh_until_ms: u64,
    value: T,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// ±10 %, so entries written together do not all expire together.
fn jittered(ttl: Duration) -> Duration {
    ttl.mul_f64(0.9 + 0.2 * rand::random::<f64>())
}

/// The caching policy over a [`CacheStore`], for values of one type.
///
/// Being typed per value keeps the single-flight results typed too: concurrent callers for one
/// key share the very value (or error) the one upstream call produced.
pub struct Cache<T> {
    store: Arc<dyn CacheStore>,
    /// Coalesces concurrent misses: moka runs one init future per key and hands its result to
    /// every waiter. Entries are removed as soon as the flight lands; the store keeps the value.
    flights: moka::future::Cache<String, Arc<T>>,
}

impl<T> Clone for Cache<T> {
    fn clone(&self) -> Self {
        Self { store: self.store.clone(), flights: self.flights.clone() }
    }
}

impl<T> Cache<T>
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    pub fn new(store: Arc<dyn CacheStore>) -> Self {
        let flights = moka::future::Cache::builder().time_to_live(Duration::from_secs(5)).build();
        Self { store, flights }
    }

    pub async fn invalidate(&self, key: &str) {
        if let Err(error) = self.store.delete(key).await {
            tracing::warn!(%error, key, "cache invalidation failed");
        }
        self.flights.invalidate(key).await;
    }

    /// The cached value for `key`, or `fetch`'s result stored for `ttl`.
    pub async fn get_or_fetch<E, F, Fut>(&self, key: &str, ttl: Ttl, fetch: F) -> Result<T, E>
    where
        E: std::error::Error + Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let stale = match self.read(key).await {
            Some(entry) if entry.fresh_until_ms > now_ms() => return Ok(entry.value),
            other => other,
        };

        let flight = self
            .flights
            .try_get_with(key.to_owned(), async {
                let value = fetch().await?;
                self.write(key, &value, ttl).await;
                Ok::<_, E>(Arc::new(value))
            })
            .await;
        self.flights.invalidate(key).await;

        match (flight, stale) {
            (Ok(value), _) => Ok(T::clone(&value)),
            (Err(error), Some(entry)) => {
                tracing::warn!(%error, key, "upstream failed; serving a stale copy");
                Ok(entry.value)
            }
            (Err(error), None) => Err(E::clone(&error)),
        }
    }

    async fn read(&self, key: &str) -> Option<Entry<T>> {
        match self.store.get(key).await {
            Ok(Some(bytes)) => match serde_json::from_slice(&bytes) {
                Ok(entry) => Some(entry),
                Err(error) => {
                    // A shape change between releases: treat as a miss and overwrite it.
                    tracing::debug!(%error, key, "unreadable cache entry");
                    None
                }
            },
            Ok(None) => None,
            Err(error) => {
                tracing::warn!(%error, key, "cache read failed; going upstream");
                None
            }
        }
    }

    async fn write(&self, key: &str, value: &T, ttl: Ttl) {
        let entry = Entry { fresh_until_ms: now_ms() + jittered(ttl.fresh).as_millis() as u64, value };
        let bytes = match serde_json::to_vec(&entry) {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::error!(%error, key, "value does not encode; not cached");
                return;
            }
        };
        if let Err(error) = self.store.put(key, bytes, ttl.fresh + ttl.stale).await {
            tracing::warn!(%error, key, "cache write failed; serving uncached");
        }
    }
}
