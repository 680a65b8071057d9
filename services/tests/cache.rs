//! The cache policy over both stores: the in-process one, and a real Redis
//! (`TEST_REDIS_URL`, default `redis://127.0.0.1:6379`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use services::cache::{Cache, CacheStore, MemoryStore, RedisStore, Ttl};

#[derive(Debug, Clone, thiserror::Error)]
#[error("upstream down")]
struct Down;

const LONG: Ttl = Ttl { fresh: Duration::from_secs(60), stale: Duration::from_secs(60) };

fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A Redis store whose keys no other test run shares.
fn redis_store() -> Arc<dyn CacheStore> {
    let prefix = format!("nexus-test:{}:", rand::random::<u64>());
    Arc::new(RedisStore::new(&redis_url(), prefix).expect("valid url"))
}

fn memory_store() -> Arc<dyn CacheStore> {
    Arc::new(MemoryStore::new(1 << 20))
}

async fn hit_after_miss(store: Arc<dyn CacheStore>) {
    let cache: Cache<String> = Cache::new(store);
    let calls = AtomicUsize::new(0);
    for _ in 0..3 {
        let value = cache
            .get_or_fetch("k", LONG, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Ok::<_, Down>("v".to_owned())
            })
            .await
            .expect("value");
        assert_eq!(*value, "v");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

async fn concurrent_misses_share_one_call(store: Arc<dyn CacheStore>) {
    let cache: Cache<u64> = Cache::new(store);
    let calls = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let cache = cache.clone();
            let calls = calls.clone();
            tokio::spawn(async move {
                cache
                    .get_or_fetch("popular", LONG, || async move {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Ok::<_, Down>(42)
                    })
                    .await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(*task.await.expect("joined").expect("value"), 42);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

async fn stale_copy_served_when_upstream_fails(store: Arc<dyn CacheStore>) {
    let cache: Cache<String> = Cache::new(store);
    let short = Ttl { fresh: Duration::from_millis(100), stale: Duration::from_secs(60) };
    cache.get_or_fetch("k", short, || async { Ok::<_, Down>("old".to_owned()) }).await.expect("stored");
    tokio::time::sleep(Duration::from_millis(250)).await;

    let served = cache.get_or_fetch("k", short, || async { Err::<String, _>(Down) }).await;
    assert_eq!(*served.expect("stale copy"), "old");

    // Once the upstream is back, the entry is refreshed.
    let fresh = cache.get_or_fetch("k", short, || async { Ok::<_, Down>("new".to_owned()) }).await;
    assert_eq!(*fresh.expect("refreshed"), "new");
}

async fn expired_entries_are_fetched_again(store: Arc<dyn CacheStore>) {
    let cache: Cache<u32> = Cache::new(store);
    let short = Ttl { fresh: Duration::from_millis(100), stale: Duration::from_millis(100) };
    cache.get_or_fetch("k", short, || async { Ok::<_, Down>(1) }).await.expect("stored");
    tokio::time::sleep(Duration::from_millis(350)).await;
    // Past fresh + stale: gone, so an upstream error is the caller's.
    let result = cache.get_or_fetch("k", short, || async { Err::<u32, _>(Down) }).await;
    assert!(result.is_err());
}

async fn invalidation_forces_a_fetch(store: Arc<dyn CacheStore>) {
    let cache: Cache<u32> = Cache::new(store);
    cache.get_or_fetch("k", LONG, || async { Ok::<_, Down>(1) }).await.expect("stored");
    cache.invalidate("k").await;
    let value = cache.get_or_fetch("k", LONG, || async { Ok::<_, Down>(2) }).await.expect("refetched");
    assert_eq!(*value, 2);
}

macro_rules! for_both_stores {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(#[tokio::test] async fn $name() { super::$name(super::memory_store()).await })*
        }
        mod redis {
            $(#[tokio::test] async fn $name() { super::$name(super::redis_store()).await })*
        }
    };
}

for_both_stores!(
    hit_after_miss,
    concurrent_misses_share_one_call,
    stale_copy_served_when_upstream_fails,
    expired_entries_are_fetched_again,
    invalidation_forces_a_fetch,
);

#[tokio::test]
async fn a_redis_outage_never_fails_a_request() {
    // Nothing listens here: every store call fails, and every request must still succeed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("redis://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let cache: Cache<u32> = Cache::new(Arc::new(RedisStore::new(&url, "x:").expect("valid url")));
    for expected in 1..=3 {
        let value = cache.get_or_fetch("k", LONG, || async move { Ok::<_, Down>(expected) }).await;
        assert_eq!(*value.expect("served from upstream"), expected);
    }
}

#[tokio::test]
async fn local_copies_serve_hot_keys_without_the_store_until_they_age_out() {
    let store = memory_store();
    let cache: Cache<u32> = Cache::with_local_copies(store.clone(), Duration::from_millis(200), 1024);
    cache.get_or_fetch("k", LONG, || async { Ok::<_, Down>(1) }).await.expect("stored");
    // Gone from the store, yet served from the local copy, with no upstream call.
    store.delete("k").await.expect("deleted");
    let value = cache.get_or_fetch("k", LONG, || async { Err::<u32, _>(Down) }).await;
    assert_eq!(*value.expect("local copy"), 1);
    // Once the copy ages out, the store (now empty) decides: the upstream is asked again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let value = cache.get_or_fetch("k", LONG, || async { Ok::<_, Down>(2) }).await;
    assert_eq!(*value.expect("refetched"), 2);
}

#[tokio::test]
async fn local_copies_are_bounded_by_bytes_not_by_entries() {
    let store = memory_store();
    // Room for about four 1 KiB values.
    let cache: Cache<String> = Cache::with_local_copies(store.clone(), Duration::from_secs(60), 4 * 1024);
    let keys: Vec<String> = (0..16).map(|n| format!("k{n}")).collect();
    for key in &keys {
        cache.get_or_fetch(key, LONG, || async { Ok::<_, Down>("x".repeat(1000)) }).await.expect("stored");
    }
    cache.run_pending_evictions().await;
    // With the store emptied and the upstream down, only local copies can answer.
    for key in &keys {
        store.delete(key).await.expect("deleted");
    }
    let mut served_locally = 0;
    for key in &keys {
        if cache.get_or_fetch(key, LONG, || async { Err::<String, _>(Down) }).await.is_ok() {
            served_locally += 1;
        }
    }
    assert!((1..=4).contains(&served_locally), "{served_locally} of 16 one-kB values kept in a 4 kB budget");
}
