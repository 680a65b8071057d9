//! Where catalog data comes from: TMDb when a credential is configured, otherwise the
//! built-in emulator, started in-process on a loopback port. Either way the server talks to
//! it through the same TMDb client, retries and cache.

use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use emulator::{EmulatorConfig, RunningEmulator};
use services::tmdb::{Credential, TmdbConfig};

use crate::config::Config;

/// The path under which the server itself serves the emulator's images, so pages work from
/// any browser that can reach the server.
pub const EMULATOR_IMAGES_PATH: &str = "/emulator";

pub struct Upstream {
    pub tmdb: TmdbConfig,
    /// Set when the built-in emulator serves; stopped when dropped.
    pub emulator: Option<RunningEmulator>,
}

pub async fn start(config: &Config, public_url: &str) -> std::io::Result<Upstream> {
    let credential = match (&config.tmdb_read_token, &config.tmdb_api_key) {
        (Some(token), _) => Some(Credential::ReadToken(token.clone())),
        (None, Some(key)) => Some(Credential::ApiKey(key.clone())),
        (None, None) => None,
    };
    let (base_url, credential, emulator) = match credential {
        Some(credential) => {
            tracing::info!(base_url = %config.tmdb_base_url, "catalog from TMDb");
            (config.tmdb_base_url.clone(), credential, None)
        }
        None => {
            // A fresh key per start: the emulator is only reachable through our client.
            let key: String = (0..16).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
            let emulator = RunningEmulator::start(
                EmulatorConfig {
                    credential: Some(key.clone()),
                    // Nothing in the server changes faults: a random token nobody knows
                    // closes the fault endpoints to other local processes.
                    admin_token: Some((0..16).map(|_| format!("{:02x}", rand::random::<u8>())).collect()),
                    image_base_url: Some(format!("{public_url}{EMULATOR_IMAGES_PATH}/t/p/")),
                    ..EmulatorConfig::default()
                },
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            )
            .await?;
            tracing::warn!(
                base_url = %emulator.base_url(),
                "no TMDB_API_KEY or TMDB_READ_TOKEN: serving the bundled catalog from the built-in TMDb emulator"
            );
            (emulator.base_url(), Credential::ApiKey(key), Some(emulator))
        }
    };
    let mut tmdb = TmdbConfig::new(base_url, credential);
    tmdb.call_budget = Duration::from_secs(config.tmdb_timeout_secs);
    tmdb.requests_per_second = NonZeroU32::new(config.tmdb_requests_per_second).unwrap_or(NonZeroU32::MIN);
    Ok(Upstream { tmdb, emulator })
}
