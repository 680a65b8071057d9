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

/// A decoded value kept in process, weighed by the size of its encoding.
struct LocalCopy<T> {
    fresh_until_ms: u64,
    value: Arc<T>,
    encoded_bytes: usize,
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
    /// Decoded copies of recently read entries, so hot keys skip the store round trip and the
    /// JSON decoding. Kept for a short time only, so instances sharing a Redis converge.
    local: Option<moka::future::Cache<String, Arc<LocalCopy<T>>>>,
    /// Coalesces concurrent misses: moka runs one init future per key and hands its result to
    /// every waiter. Entries are removed as soon as the flight lands; the store keeps the value.
    flights: moka::future::Cache<String, Arc<T>>,
}

impl<T> Clone for Cache<T> {
    fn clone(&self) -> Self {
        Self { store: self.store.clone(), local: self.local.clone(), flights: self.flights.clone() }
    }
}

impl<T> Cache<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    /// Every read goes to the store: for values that must never be stale across instances.
    pub fn new(store: Arc<dyn CacheStore>) -> Self {
        let flights = moka::future::Cache::builder().time_to_live(Duration::from_secs(5)).build();
        Self { store, local: None, flights }
    }

    /// Also keeps decoded copies in process for up to `max_age`, as many as fit in `max_bytes`.
    /// A copy weighs what its encoded form does: a decoded value's heap size cannot be read
    /// cheaply, and it follows its JSON closely (the same strings, plus fixed-size fields).
    pub fn with_local_copies(store: Arc<dyn CacheStore>, max_age: Duration, max_bytes: u64) -> Self {
        let local = moka::future::Cache::builder()
            .time_to_live(max_age)
            .weigher(|key: &String, copy: &Arc<LocalCopy<T>>| {
                u32::try_from(key.len() + copy.encoded_bytes).unwrap_or(u32::MAX)
            })
            .max_capacity(max_bytes)
            .build();
        Self { local: Some(local), ..Self::new(store) }
    }

    /// Applies the evictions moka has queued (it applies them in batches, on later calls), so
    /// that a test or a measurement sees the bound at once.
    pub async fn run_pending_evictions(&self) {
        if let Some(local) = &self.local {
            local.run_pending_tasks().await;
        }
    }

    pub async fn invalidate(&self, key: &str) {
        if let Err(error) = self.store.delete(key).await {
            tracing::warn!(%error, key, "cache invalidation failed");
        }
        if let Some(local) = &self.local {
            local.invalidate(key).await;
        }
        self.flights.invalidate(key).await;
    }

    /// The cached value for `key`, or `fetch`'s result stored for `ttl`.
    pub async fn get_or_fetch<E, F, Fut>(&self, key: &str, ttl: Ttl, fetch: F) -> Result<Arc<T>, E>
    where
        E: std::error::Error + Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(local) = &self.local
            && let Some(entry) = local.get(key).await
            && entry.fresh_until_ms > now_ms()
        {
            count("local_hit");
            return Ok(entry.value.clone());
        }
        let stale = match self.read(key).await {
            Some((entry, encoded_bytes)) if entry.fresh_until_ms > now_ms() => {
                count("hit");
                let value = Arc::new(entry.value);
                self.keep_local(key, entry.fresh_until_ms, &value, encoded_bytes).await;
                return Ok(value);
            }
            other => other.map(|(entry, _)| entry),
        };
        count("miss");

        let flight = self
            .flights
            .try_get_with(key.to_owned(), async {
                // A caller that missed just before another flight stored the value must not
                // start a second upstream call: look again inside the flight.
                if let Some((entry, _)) = self.read(key).await.filter(|(entry, _)| entry.fresh_until_ms > now_ms()) {
                    return Ok::<_, E>(Arc::new(entry.value));
                }
                let value = fetch().await?;
                let fresh_until_ms = now_ms() + jittered(ttl.fresh).as_millis() as u64;
                let encoded_bytes = self.write(key, fresh_until_ms, &value, ttl).await;
                let value = Arc::new(value);
                if let Some(encoded_bytes) = encoded_bytes {
                    self.keep_local(key, fresh_until_ms, &value, encoded_bytes).await;
                }
                Ok::<_, E>(value)
            })
            .await;
        self.flights.invalidate(key).await;

        match (flight, stale) {
            (Ok(value), _) => Ok(value),
            (Err(error), Some(entry)) => {
                count("stale");
                tracing::warn!(%error, key, "upstream failed; serving a stale copy");
                Ok(Arc::new(entry.value))
            }
            (Err(error), None) => Err(E::clone(&error)),
        }
    }

    async fn keep_local(&self, key: &str, fresh_until_ms: u64, value: &Arc<T>, encoded_bytes: usize) {
        if let Some(local) = &self.local {
            let copy = LocalCopy { fresh_until_ms, value: value.clone(), encoded_bytes };
            local.insert(key.to_owned(), Arc::new(copy)).await;
        }
    }

    /// The stored entry and the size of its encoding.
    async fn read(&self, key: &str) -> Option<(Entry<T>, usize)> {
        match self.store.get(key).await {
            Ok(Some(bytes)) => match serde_json::from_slice(&bytes) {
                Ok(entry) => Some((entry, bytes.len())),
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

    /// Stores `value`; the size of its encoding, unless it does not encode.
    async fn write(&self, key: &str, fresh_until_ms: u64, value: &T, ttl: Ttl) -> Option<usize> {
        let entry = Entry { fresh_until_ms, value };
        let bytes = match serde_json::to_vec(&entry) {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::error!(%error, key, "value does not encode; not cached");
                return None;
            }
        };
        let encoded_bytes = bytes.len();
        if let Err(error) = self.store.put(key, bytes, ttl.fresh + ttl.stale).await {
            tracing::warn!(%error, key, "cache write failed; serving uncached");
        }
        Some(encoded_bytes)
    }
}

/// `cache_lookups_total{result}`: `local_hit` (this instance's copy), `hit` (the store), `miss`
/// (went upstream), `stale` (upstream failed, an expired copy answered).
fn count(result: &'static str) {
    metrics::counter!("cache_lookups_total", "result" => result).increment(1);
}
