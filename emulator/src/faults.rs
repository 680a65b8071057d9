//! Fault injection: the emulator can be slow, fail, rate-limit or refuse connections, so the
//! client's retries, the cache's stale copies and the server's error paths can be exercised
//! against real HTTP. Settings change at run time (`PUT /__emulator/faults`).

use std::sync::RwLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What the emulator does wrong, and how often. The default does nothing wrong.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultSettings {
    /// Share of requests (0.0–1.0) answered `500` with a TMDb error body.
    pub failure_rate: f64,
    /// Share of requests (0.0–1.0) answered `429` with `Retry-After`.
    pub rate_limit_rate: f64,
    /// The `Retry-After` value, in seconds, sent with an injected `429`.
    pub retry_after_secs: u64,
    /// Added to every request before it is answered.
    pub latency_ms: u64,
    /// Close every new connection at once, as a service that is down would.
    pub refuse_connections: bool,
}

impl FaultSettings {
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [("failure_rate", self.failure_rate), ("rate_limit_rate", self.rate_limit_rate)] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1"));
            }
        }
        Ok(())
    }
}

/// The fault that applies to one request, drawn from the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    RateLimited { retry_after_secs: u64 },
    Failure,
}

#[derive(Debug, Default)]
pub struct Faults {
    settings: RwLock<FaultSettings>,
}

impl Faults {
    pub fn new(settings: FaultSettings) -> Self {
        Self { settings: RwLock::new(settings) }
    }

    pub fn settings(&self) -> FaultSettings {
        self.settings.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn set(&self, settings: FaultSettings) {
        *self.settings.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = settings;
    }

    pub fn refusing_connections(&self) -> bool {
        self.settings.read().map(|s| s.refuse_connections).unwrap_or(false)
    }

    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.settings().latency_ms)
    }

    /// Draws the fault for one request.
    pub fn draw(&self) -> Option<Fault> {
        let settings = self.settings();
        if settings.rate_limit_rate > 0.0 && rand::random::<f64>() < settings.rate_limit_rate {
            return Some(Fault::RateLimited { retry_after_secs: settings.retry_after_secs });
        }
        if settings.failure_rate > 0.0 && rand::random::<f64>() < settings.failure_rate {
            return Some(Fault::Failure);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certain_faults_always_apply_and_none_never_do() {
        let faults = Faults::default();
        assert_eq!(faults.draw(), None);
        faults.set(FaultSettings { failure_rate: 1.0, ..FaultSettings::default() });
        assert_eq!(faults.draw(), Some(Fault::Failure));
        faults.set(FaultSettings { rate_limit_rate: 1.0, retry_after_secs: 3, ..FaultSettings::default() });
        assert_eq!(faults.draw(), Some(Fault::RateLimited { retry_after_secs: 3 }));
    }

    #[test]
    fn rates_outside_zero_to_one_are_rejected() {
        let settings = FaultSettings { failure_rate: 1.5, ..FaultSettings::default() };
        assert!(settings.validate().is_err());
    }
}
