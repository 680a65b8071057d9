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
    /// Decoded copies of recently read entries, so hot keys skip the store round trip and the
    /// JSON decoding. Kept for a short time only, so instances sharing a Redis converge.
    local: Option<moka::future::Cache<String, Arc<Entry<Arc<T>>>>>,
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

    /// Also keeps decoded copies in process for up to `max_age`, at most `max_entries` of them.
    pub fn with_local_copies(store: Arc<dyn CacheStore>, max_age: Duration, max_entries: u64) -> Self {
        let local = moka::future::Cache::builder().time_to_live(max_age).max_capacity(max_entries).build();
        Self { local: Some(local), ..Self::new(store) }
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
            Some(entry) if entry.fresh_until_ms > now_ms() => {
                count("hit");
                let value = Arc::new(entry.value);
                self.keep_local(key, entry.fresh_until_ms, &value).await;
                return Ok(value);
            }
            other => other,
        };
        count("miss");

        let flight = self
            .flights
            .try_get_with(key.to_owned(), async {
                // A caller that missed just before another flight stored the value must not
                // start a second upstream call: look again inside the flight.
                if let Some(entry) = self.read(key).await.filter(|entry| entry.fresh_until_ms > now_ms()) {
                    return Ok::<_, E>(Arc::new(entry.value));
                }
                let value = fetch().await?;
                let fresh_until_ms = now_ms() + jittered(ttl.fresh).as_millis() as u64;
                self.write(key, fresh_until_ms, &value, ttl).await;
                let value = Arc::new(value);
                self.keep_local(key, fresh_until_ms, &value).await;
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

    async fn keep_local(&self, key: &str, fresh_until_ms: u64, value: &Arc<T>) {
        if let Some(local) = &self.local {
            local.insert(key.to_owned(), Arc::new(Entry { fresh_until_ms, value: value.clone() })).await;
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

    async fn write(&self, key: &str, fresh_until_ms: u64, value: &T, ttl: Ttl) {
        let entry = Entry { fresh_until_ms, value };
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

/// `cache_lookups_total{result}`: `local_hit` (this instance's copy), `hit` (the store), `miss`
/// (went upstream), `stale` (upstream failed, an expired copy answered).
fn count(result: &'static str) {
    metrics::counter!("cache_lookups_total", "result" => result).increment(1);
}
