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

    /// Charges one action to `key` under a GCRA limit (one action per `interval`, `burst` at
    /// once), atomically for every instance: `None` when it may go ahead, else how long it must
    /// wait. Redis' own clock decides, so instances with skewed clocks agree.
    pub async fn gcra(&self, key: &str, interval: Duration, burst: u32) -> Result<Option<Duration>, StoreError> {
        // Times in microseconds; the key holds the "theoretical arrival time" of the next action.
        static SCRIPT: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
            redis::Script::new(
                r"
                local time = redis.call('TIME')
                local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
                local interval = tonumber(ARGV[1])
                local tat = tonumber(redis.call('GET', KEYS[1])) or now
                if tat < now then tat = now end
                local next_tat = tat + interval
                local wait = next_tat - now - tonumber(ARGV[2]) * interval
                if wait > 0 then return wait end
                redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000))
                return 0
                ",
            )
        });
        let mut connection = self.connection().await?;
        let interval_us = u64::try_from(interval.as_micros()).unwrap_or(u64::MAX).max(1);
        let mut invocation = SCRIPT.prepare_invoke();
        invocation.key(self.key(key)).arg(interval_us).arg(burst);
        match invocation.invoke_async::<i64>(&mut connection).await {
            Ok(wait_us) if wait_us > 0 => Ok(Some(Duration::from_micros(wait_us.unsigned_abs()))),
            Ok(_) => Ok(None),
            Err(error) => Err(self.failed(error).await),
        }
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
