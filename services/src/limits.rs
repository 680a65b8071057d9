//! Rate limits: how often one key (a client's network, an account) may do something, as a
//! sustained rate with a burst (GCRA, the algorithm behind `governor`).
//!
//! With Redis configured, every instance charges the same budget through one atomic script per
//! check, so N instances behind a load balancer do not multiply a limit by N. Without Redis, or
//! while Redis does not answer, each instance keeps the budget itself: a limit fails open to
//! the local limiter, never to no limit at all.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::cache::RedisStore;

/// A sustained rate (one action per `interval`) that allows `burst` actions at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    interval: Duration,
    burst: NonZeroU32,
}

impl Rate {
    /// `count` actions per `period`, `burst` of them at once; `None` when `count` is 0 (no
    /// limit). A zero burst means `count`.
    pub fn new(count: u32, period: Duration, burst: u32) -> Option<Self> {
        let count = NonZeroU32::new(count)?;
        let burst = NonZeroU32::new(burst).unwrap_or(count);
        Some(Self { interval: (period / count.get()).max(Duration::from_micros(1)), burst })
    }

    pub fn per_second(count: u32, burst: u32) -> Option<Self> {
        Self::new(count, Duration::from_secs(1), burst)
    }

    pub fn per_minute(count: u32, burst: u32) -> Option<Self> {
        Self::new(count, Duration::from_secs(60), burst)
    }

    pub fn per_hour(count: u32, burst: u32) -> Option<Self> {
        Self::new(count, Duration::from_secs(3600), burst)
    }

    fn quota(self) -> Quota {
        Quota::with_period(self.interval).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(self.burst)
    }
}

/// The key a client is limited by: its IPv4 address, or the /64 network of its IPv6 address
/// (one home line or phone gets a whole /64, so single addresses would be free to rotate).
pub fn client_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            let network = std::net::Ipv6Addr::new(segments[0], segments[1], segments[2], segments[3], 0, 0, 0, 0);
            format!("{network}/64")
        }
    }
}

/// One named limit (its name namespaces its keys in Redis).
#[derive(Clone)]
pub struct Limiter {
    name: &'static str,
    rate: Rate,
    local: Arc<DefaultKeyedRateLimiter<String>>,
    shared: Option<Arc<RedisStore>>,
}

impl Limiter {
    /// A limit kept in this process only.
    pub fn local(name: &'static str, rate: Rate) -> Self {
        Self::new(name, rate, None)
    }

    /// A limit shared through `shared` when given, with the local one as its fallback.
    pub fn new(name: &'static str, rate: Rate, shared: Option<Arc<RedisStore>>) -> Self {
        let local = Arc::new(RateLimiter::keyed(rate.quota()));
        forget_quiet_keys(&local);
        Self { name, rate, local, shared }
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// `Ok` when `key` may go ahead now (and is charged for it), else how long it must wait.
    pub async fn check(&self, key: &str) -> Result<(), Duration> {
        if let Some(redis) = &self.shared {
            let shared_key = format!("limit:{}:{key}", self.name);
            match redis.gcra(&shared_key, self.rate.interval, self.rate.burst.get()).await {
                Ok(None) => return Ok(()),
                Ok(Some(wait)) => return Err(wait),
                Err(error) => {
                    metrics::counter!("rate_limit_local_fallbacks_total", "limit" => self.name).increment(1);
                    tracing::debug!(limit = self.name, %error, "shared rate limit unavailable: limiting in process");
                }
            }
        }
        self.local
            .check_key(&key.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// Keys are chosen by clients (addresses, emails): forget the ones that have been quiet long
/// enough to have their whole burst back, every minute, so the table cannot grow without
/// bound.
fn forget_quiet_keys(limiter: &Arc<DefaultKeyedRateLimiter<String>>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    let weak = Arc::downgrade(limiter);
    runtime.spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        tick.tick().await;
        loop {
            tick.tick().await;
            let Some(limiter) = weak.upgrade() else { break };
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    });
}

/// Seconds for a `Retry-After` header: whole seconds, rounded up, at least one.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_network() {
        let key = |ip: &str| client_key(ip.parse().expect("ip"));
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), key("2001:db8:1:2::1"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        // An IPv4 client seen through a dual-stack socket is still that IPv4 client.
        assert_eq!(key("::ffff:203.0.113.9"), "203.0.113.9");
    }

    #[tokio::test]
    async fn a_local_limit_allows_its_burst_then_says_how_long_to_wait() {
        let limiter = Limiter::local("test", Rate::per_minute(6, 3).expect("rate"));
        for _ in 0..3 {
            limiter.check("a").await.expect("within the burst");
        }
        let wait = limiter.check("a").await.expect_err("over the burst");
        assert!(wait > Duration::from_secs(5) && wait <= Duration::from_secs(10), "{wait:?}");
        assert_eq!(retry_after_secs(wait), wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        limiter.check("b").await.expect("another key has its own budget");
    }

    #[test]
    fn rates_of_zero_are_no_limit() {
        assert!(Rate::per_second(0, 10).is_none());
        assert_eq!(Rate::per_minute(30, 0), Rate::per_minute(30, 30));
    }
}
