//! Redis cache store: one `ConnectionManager` (multiplexed, reconnecting) per process.
//!
//! Redis is an optimisation, never a dependency of a request: every operation is bounded by a
//! short timeout, and after a failure the store is skipped for a moment (answering as a miss)
//! instead of making each request wait for a dead server. The connection is (re)made lazily,
//! so the server starts, and recovers, whether or not Redis is up.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::Mutex;

use super::{CacheStore, StoreError, now_ms};

/// How long the store is skipped after a failure.
const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(2);
const OPERATION_TIMEOUT: Duration = Duration::from_millis(250);

pub struct RedisStore {
    client: redis::Client,
    manager: Mutex<Option<ConnectionManager>>,
    /// Milliseconds since the epoch until which the store is skipped.
    paused_until_ms: AtomicU64,
    prefix: String,
}

impl RedisStore {
    /// Checks the URL; connects on first use. `prefix` namespaces every key.
    pub fn new(url: &str, prefix: impl Into<String>) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| StoreError(format!("invalid REDIS_URL: {e}")))?;
        Ok(Self { client, manager: Mutex::new(None), paused_until_ms: AtomicU64::new(0), prefix: prefix.into() })
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        if now_ms() < self.paused_until_ms.load(Ordering::Relaxed) {
            return Err(StoreError("redis paused after a recent failure".into()));
        }
        let mut manager = self.manager.lock().await;
        if let Some(connection) = manager.as_ref() {
            return Ok(connection.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(OPERATION_TIMEOUT)
            .set_response_timeout(OPERATION_TIMEOUT)
            .set_number_of_retries(1);
        match ConnectionManager::new_with_config(self.client.clone(), config).await {
            Ok(connection) => {
                tracing::info!("connected to redis");
                *manager = Some(connection.clone());
                Ok(connection)
            }
            Err(error) => {
                drop(manager);
                Err(self.failed(error).await)
            }
        }
    }

    /// Pauses the store and drops the connection, so the first use after the pause connects
    /// afresh instead of trying a connection that may be dead.
    async fn failed(&self, error: redis::RedisError) -> StoreError {
        self.paused_until_ms.store(now_ms() + PAUSE_AFTER_FAILURE.as_millis() as u64, Ordering::Relaxed);
        *self.manager.lock().await = None;
        StoreError(error.to_string())
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

#[async_trait]
impl CacheStore for RedisStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let mut connection = self.connection().await?;
        match connection.get(self.key(key)).await {
            Ok(value) => Ok(value),
            Err(error) => Err(self.failed(error).await),
        }
    }

    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), StoreError> {
        let mut connection = self.connection().await?;
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        match connection.pset_ex(self.key(key), value, millis).await {
            Ok(()) => Ok(()),
            Err(error) => Err(self.failed(error).await),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let mut connection = self.connection().await?;
        match connection.del::<_, ()>(self.key(key)).await {
            Ok(()) => Ok(()),
            Err(error) => Err(self.failed(error).await),
        }
    }

    async fn ping(&self) -> Result<(), StoreError> {
        // Readiness must see the real state, so it is not skipped while paused.
        self.paused_until_ms.store(0, Ordering::Relaxed);
        let mut connection = self.connection().await?;
        match redis::cmd("PING").query_async::<String>(&mut connection).await {
            Ok(_) => Ok(()),
            Err(error) => Err(self.failed(error).await),
        }
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}
