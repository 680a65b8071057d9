//! Typed configuration from the environment (and an optional `.env`), with the embedded
//! defaults: the app runs with no TMDb key, no PostgreSQL and no Redis.
//!
//! Every setting is also a command-line flag (`server --help` lists them). A bad value stops
//! start-up with a message naming the variable.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use services::catalog::CacheTtls;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Parser)]
#[command(name = "server", version, about = "Nexus, the movie recommendation hub", args_override_self = true)]
pub struct Config {
    /// `production` requires real secrets (JWT_SECRET) and turns off development helpers.
    #[arg(long, env = "APP_ENV", value_name = "APP_ENV", value_enum, default_value = "development")]
    pub app_env: AppEnv,

    /// Address the server listens on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", value_name = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub site_addr: SocketAddr,

    /// The public origin of the site (for absolute links), e.g. `https://movies.example.com`.
    /// Defaults to `http://` + LEPTOS_SITE_ADDR.
    #[arg(long, env = "PUBLIC_URL", value_name = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Folder with the built site (`pkg/` with the WASM, JS and CSS), written by cargo-leptos.
    #[arg(long, env = "LEPTOS_SITE_ROOT", value_name = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Set by `cargo leptos watch`: pages then carry Leptos' live-reload script, the CSP lets it
    /// reach cargo-leptos' reload socket (LEPTOS_RELOAD_PORT), and the bundle is revalidated on
    /// every use instead of cached for good, since it changes under the same version while the
    /// server runs. Refused when APP_ENV=production.
    #[arg(long = "live-reload", env = "LEPTOS_WATCH", value_name = "LEPTOS_WATCH")]
    pub leptos_watch: Option<String>,

    /// Where the embedded database and the generated development secret are kept.
    #[arg(long, env = "DATA_DIR", value_name = "DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// `postgres://…` for PostgreSQL; default: an embedded SQLite file under DATA_DIR.
    #[arg(long, env = "DATABASE_URL", value_name = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// `redis://…` to cache in Redis; unset: an in-process cache.
    #[arg(long, env = "REDIS_URL", value_name = "REDIS_URL")]
    pub redis_url: Option<String>,

    /// TMDb v3 API key. With neither this nor TMDB_READ_TOKEN, the built-in emulator serves.
    #[arg(long, env = "TMDB_API_KEY", value_name = "TMDB_API_KEY", hide_env_values = true)]
    pub tmdb_api_key: Option<String>,

    /// TMDb v4 read access token (preferred over the API key when both are set).
    #[arg(long, env = "TMDB_READ_TOKEN", value_name = "TMDB_READ_TOKEN", hide_env_values = true)]
    pub tmdb_read_token: Option<String>,

    #[arg(long, env = "TMDB_BASE_URL", value_name = "TMDB_BASE_URL", default_value = "https://api.themoviedb.org/3")]
    pub tmdb_base_url: String,

    /// The most one TMDb call may take, retries included.
    #[arg(long, env = "TMDB_TIMEOUT_SECS", value_name = "TMDB_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub tmdb_timeout_secs: u64,

    /// Outbound limit, to stay under TMDb's rate limit.
    #[arg(long, env = "TMDB_REQUESTS_PER_SECOND", value_name = "TMDB_REQUESTS_PER_SECOND", default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub tmdb_requests_per_second: u32,

    /// Fresh lifetime of trending lists, seconds.
    #[arg(long, env = "CACHE_TTL_TRENDING", value_name = "CACHE_TTL_TRENDING", default_value_t = 3600)]
    pub cache_ttl_trending: u64,
    /// Fresh lifetime of other lists and searches, seconds.
    #[arg(long, env = "CACHE_TTL_LISTS", value_name = "CACHE_TTL_LISTS", default_value_t = 3600)]
    pub cache_ttl_lists: u64,
    /// Fresh lifetime of movie details, seconds.
    #[arg(long, env = "CACHE_TTL_DETAILS", value_name = "CACHE_TTL_DETAILS", default_value_t = 86400)]
    pub cache_ttl_details: u64,
    /// How long past its lifetime a copy may still be served when TMDb fails, seconds.
    #[arg(long, env = "CACHE_TTL_STALE", value_name = "CACHE_TTL_STALE", default_value_t = 86400)]
    pub cache_ttl_stale: u64,

    /// The in-process cache's budget in MiB (keys and encoded values), when REDIS_URL is not
    /// set. The hot set of the built-in emulator's catalog (lists, details, people) fits in a
    /// few MiB; beyond the budget the least used entries go and are fetched again.
    #[arg(long, env = "MEMORY_CACHE_MIB", value_name = "MEMORY_CACHE_MIB", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub memory_cache_mib: u64,

    /// Signs access tokens. Development: generated once under DATA_DIR. Production: required.
    #[arg(long, env = "JWT_SECRET", value_name = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// How long a spent refresh token may be presented again for another pair, seconds: a
    /// lost answer or two racing requests (tabs, instances) must not sign the user out. Later
    /// it counts as stolen and revokes its family. `0`: strict rotation.
    #[arg(long, env = "REFRESH_REUSE_GRACE_SECS", value_name = "REFRESH_REUSE_GRACE_SECS", default_value_t = services::accounts::DEFAULT_REFRESH_REUSE_GRACE.as_secs(), value_parser = clap::value_parser!(u64).range(0..=300))]
    pub refresh_reuse_grace_secs: u64,

    /// How long a browser or API session lasts at most from sign-in, days, however often its
    /// tokens rotate; then the user signs in again.
    #[arg(long, env = "SESSION_MAX_DAYS", value_name = "SESSION_MAX_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub session_max_days: u32,

    /// Token that `GET /metrics` requires, as `Authorization: Bearer <token>` (at least 16
    /// characters). Unset: the metrics are open in development and off in production, where
    /// traffic and pool figures are not for everyone.
    #[arg(long, env = "METRICS_TOKEN", value_name = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Proxies whose `X-Forwarded-For` is believed (IPs or CIDR ranges, comma-separated), so
    /// throttling sees the real client behind a load balancer. Empty: the peer is the client;
    /// the header is ignored, since anyone can send it.
    #[arg(long, env = "TRUSTED_PROXIES", value_name = "TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Origins (e.g. `https://app.example.com`) whose pages may call `/api` from a browser,
    /// comma-separated; `*` allows any origin (never with credentials). Empty: same origin only.
    #[arg(long, env = "CORS_ORIGINS", value_name = "CORS_ORIGINS", value_delimiter = ',', value_parser = parse_origin)]
    pub cors_origins: Vec<String>,

    /// Sustained requests per second each client network (IPv4 address or IPv6 /64) may make
    /// to `/api`; 0 turns the limit off (benchmarks). Over it: 429 with `Retry-After`. Shared by
    /// every instance when REDIS_URL is set.
    #[arg(long, env = "API_RATE_LIMIT_PER_SECOND", value_name = "API_RATE_LIMIT_PER_SECOND", default_value_t = 20)]
    pub api_rate_limit_per_second: u32,

    /// Requests a client may make at once before the sustained rate applies.
    #[arg(long, env = "API_RATE_LIMIT_BURST", value_name = "API_RATE_LIMIT_BURST", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    pub api_rate_limit_burst: u32,

    /// Sustained requests per second each client network (IPv4 address or IPv6 /64) may make
    /// to pages and server functions; 0 turns the limit off. Sized for a person clicking and
    /// typing quickly: a page is one request plus its islands' calls. Over it: 429.
    #[arg(long, env = "UI_RATE_LIMIT_PER_SECOND", value_name = "UI_RATE_LIMIT_PER_SECOND", default_value_t = 20)]
    pub ui_rate_limit_per_second: u32,

    /// Page and server-function requests a client may make at once before the sustained rate
    /// applies.
    #[arg(long, env = "UI_RATE_LIMIT_BURST", value_name = "UI_RATE_LIMIT_BURST", default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..))]
    pub ui_rate_limit_burst: u32,

    /// Accounts each client network may register per hour (10 of them at once), through the
    /// API and the UI alike; 0 turns the limit off (test servers). Over it: 429.
    #[arg(long, env = "REGISTRATIONS_PER_HOUR", value_name = "REGISTRATIONS_PER_HOUR", default_value_t = services::accounts::DEFAULT_REGISTRATIONS_PER_HOUR)]
    pub registrations_per_hour: u32,

    /// Password hashes (argon2, 19 MiB and a core each) computed at once; more wait up to 2 s,
    /// then get 503 with `Retry-After`. Default: the number of cores.
    #[arg(long, env = "PASSWORD_HASH_CONCURRENCY", value_name = "PASSWORD_HASH_CONCURRENCY", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub password_hash_concurrency: Option<u16>,

    /// The most a client may take to send a request's head; slower connections are closed.
    #[arg(long, env = "HEADER_READ_TIMEOUT_SECS", value_name = "HEADER_READ_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_read_timeout_secs: u64,

    /// The most one request may take to be answered (a page, an API call); then 408.
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", value_name = "REQUEST_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub request_timeout_secs: u64,

    /// Open connections at most; more clients wait to be accepted.
    #[arg(long, env = "MAX_CONNECTIONS", value_name = "MAX_CONNECTIONS", default_value_t = 2048, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// Requests handled at once at most; beyond it 503 with `Retry-After` at once, so that
    /// overload sheds work instead of queueing it without bound.
    #[arg(long, env = "MAX_CONCURRENT_REQUESTS", value_name = "MAX_CONCURRENT_REQUESTS", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent_requests: u32,

    /// After SIGTERM or SIGINT: `/readyz` answers 503 and in-flight requests may take this long
    /// to finish before the server exits.
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", value_name = "SHUTDOWN_GRACE_SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=600))]
    pub shutdown_grace_secs: u64,

    #[arg(long, env = "LOG_FORMAT", value_name = "LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,
}

/// `*`, or a scheme and host (and port) with no path: what browsers send as `Origin`.
fn parse_origin(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    let valid = value == "*"
        || value.split_once("://").is_some_and(|(scheme, host)| {
            matches!(scheme, "http" | "https") && !host.is_empty() && !host.contains(['/', '?', '#', ' '])
        });
    if valid { Ok(value.to_owned()) } else { Err(format!("`{value}` is not an origin like https://app.example.com")) }
}

/// `10.0.0.0/8` or a single address such as `10.1.2.3`.
fn parse_network(value: &str) -> Result<ipnet::IpNet, String> {
    let value = value.trim();
    value
        .parse::<ipnet::IpNet>()
        .or_else(|_| value.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{value}` is neither an IP address nor a CIDR range"))
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("JWT_SECRET is required when APP_ENV=production (at least 32 characters)")]
    MissingJwtSecret,
    #[error("JWT_SECRET must be at least 32 characters")]
    WeakJwtSecret,
    #[error("could not keep the development JWT secret in {path}: {source}")]
    SecretFile { path: PathBuf, source: std::io::Error },
    #[error("PUBLIC_URL must start with http:// or https://")]
    PublicUrl,
    #[error("METRICS_TOKEN must be at least 16 characters")]
    WeakMetricsToken,
    #[error("LEPTOS_WATCH (set by `cargo leptos watch`) is for development only, not APP_ENV=production")]
    LiveReloadInProduction,
}

/// Who may read `/metrics`.
#[derive(Clone, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Anyone (development without a token).
    Open,
    /// Whoever presents this bearer token.
    Token(Arc<str>),
    /// Nobody: the route answers 404 (production without a token).
    Off,
}

impl std::fmt::Debug for MetricsAccess {
    // The token is a secret: never in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Open => "Open",
            Self::Token(_) => "Token(..)",
            Self::Off => "Off",
        })
    }
}

impl Config {
    /// Reads `.env` (if any), then the environment and the command line.
    pub fn load() -> Self {
        // A missing .env is the normal case; a malformed one is worth saying.
        if let Err(error) = dotenvy::dotenv()
            && !error.not_found()
        {
            eprintln!("warning: ignoring .env: {error}");
        }
        Self::parse()
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.embedded_database_path().display()))
    }

    /// The SQLite file used when DATABASE_URL is not set.
    pub fn embedded_database_path(&self) -> PathBuf {
        self.data_dir.join("nexus.db")
    }

    pub fn public_url(&self) -> Result<String, ConfigError> {
        let url = self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.site_addr));
        if url.starts_with("http://") || url.starts_with("https://") {
            Ok(url.trim_end_matches('/').to_owned())
        } else {
            Err(ConfigError::PublicUrl)
        }
    }

    /// Whether pages reload themselves when `cargo leptos watch` rebuilds (see `leptos_watch`).
    pub fn live_reload(&self) -> Result<bool, ConfigError> {
        match (self.leptos_watch.is_some(), self.app_env) {
            (true, AppEnv::Production) => Err(ConfigError::LiveReloadInProduction),
            (watching, _) => Ok(watching),
        }
    }

    pub fn serve_limits(&self) -> crate::serve::ServeLimits {
        crate::serve::ServeLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
            shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
        }
    }

    pub fn cache_ttls(&self) -> CacheTtls {
        CacheTtls {
            trending: Duration::from_secs(self.cache_ttl_trending),
            lists: Duration::from_secs(self.cache_ttl_lists),
            details: Duration::from_secs(self.cache_ttl_details),
            reference: Duration::from_secs(24 * 3600),
            stale: Duration::from_secs(self.cache_ttl_stale),
        }
    }

    pub fn metrics_access(&self) -> Result<MetricsAccess, ConfigError> {
        match (&self.metrics_token, self.app_env) {
            (Some(token), _) if token.len() >= 16 => Ok(MetricsAccess::Token(token.as_str().into())),
            (Some(_), _) => Err(ConfigError::WeakMetricsToken),
            (None, AppEnv::Development) => Ok(MetricsAccess::Open),
            (None, AppEnv::Production) => Ok(MetricsAccess::Off),
        }
    }

    /// The JWT signing secret: the configured one, or in development one generated once and
    /// kept under DATA_DIR so sessions survive restarts.
    pub fn jwt_secret(&self) -> Result<String, ConfigError> {
        match (&self.jwt_secret, self.app_env) {
            (Some(secret), _) if secret.len() >= 32 => Ok(secret.clone()),
            (Some(_), _) => Err(ConfigError::WeakJwtSecret),
            (None, AppEnv::Production) => Err(ConfigError::MissingJwtSecret),
            (None, AppEnv::Development) => development_secret(&self.data_dir.join("jwt-secret")),
        }
    }
}

fn development_secret(path: &Path) -> Result<String, ConfigError> {
    let failed = |source| ConfigError::SecretFile { path: path.to_owned(), source };
    if let Ok(secret) = std::fs::read_to_string(path) {
        let secret = secret.trim().to_owned();
        if secret.len() >= 32 {
            return Ok(secret);
        }
    }
    if let Some(parent) = path.parent() {
        create_private_dir(parent).map_err(failed)?;
    }
    let secret: String = (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
    // Written whole under another name, then renamed: two instances sharing DATA_DIR never
    // read half a secret, and the file is readable by its owner only from the start.
    let partial = path.with_extension(format!("partial-{}", std::process::id()));
    write_private_file(&partial, secret.as_bytes()).map_err(failed)?;
    std::fs::rename(&partial, path).map_err(failed)?;
    tracing::warn!(path = %path.display(), "JWT_SECRET not set: generated a development secret (set JWT_SECRET in production)");
    Ok(secret)
}

/// A folder only its owner may enter (it holds the secret and the embedded database).
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Creates `path` readable and writable by its owner only (0600), failing if it exists.
pub fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        Config::try_parse_from(std::iter::once("server").chain(args.iter().copied()))
    }

    #[test]
    fn metrics_are_open_in_development_off_in_production_and_behind_a_token_when_one_is_set() {
        assert_eq!(parse(&[]).expect("parse").metrics_access().ok(), Some(MetricsAccess::Open));
        let production = parse(&["--app-env", "production"]).expect("parse");
        assert_eq!(production.metrics_access().ok(), Some(MetricsAccess::Off));
        let token = "a-scraper-token-of-some-length";
        let with_token = parse(&["--app-env", "production", "--metrics-token", token]).expect("parse");
        assert_eq!(with_token.metrics_access().ok(), Some(MetricsAccess::Token(token.into())));
        assert!(format!("{:?}", with_token.metrics_access()).contains("Token(..)"), "the token never reaches logs");
        let short = parse(&["--metrics-token", "short"]).expect("parse");
        assert!(matches!(short.metrics_access(), Err(ConfigError::WeakMetricsToken)));
    }

    #[test]
    fn defaults_are_the_embedded_ones() {
        let config = parse(&[]).expect("defaults parse");
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert!(config.database_url().starts_with("sqlite://"));
        assert!(config.redis_url.is_none());
        assert_eq!(config.public_url().ok().as_deref(), Some("http://127.0.0.1:3000"));
    }

    #[test]
    fn a_bad_value_names_the_variable() {
        let error = parse(&["--site-addr", "not-an-address"]).expect_err("rejected");
        assert!(error.to_string().contains("LEPTOS_SITE_ADDR"), "{error}");
        let error = parse(&["--tmdb-timeout-secs", "0"]).expect_err("rejected");
        assert!(error.to_string().contains("TMDB_TIMEOUT_SECS"), "{error}");
    }

    #[test]
    fn cors_origins_are_origins_or_a_wildcard() {
        let config = parse(&["--cors-origins", "https://app.example.com/, http://localhost:5173"]).expect("parses");
        assert_eq!(config.cors_origins, vec!["https://app.example.com", "http://localhost:5173"]);
        let error = parse(&["--cors-origins", "https://app.example.com/path"]).expect_err("rejected");
        assert!(error.to_string().contains("CORS_ORIGINS"), "{error}");
        assert_eq!(parse(&["--cors-origins", "*"]).expect("parses").cors_origins, vec!["*"]);
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let config = parse(&["--trusted-proxies", "10.0.0.0/8, 192.168.1.7"]).expect("parses");
        assert_eq!(config.trusted_proxies.len(), 2);
        assert!(config.trusted_proxies[1].contains(&"192.168.1.7".parse::<std::net::IpAddr>().expect("ip")));
        let error = parse(&["--trusted-proxies", "lb.internal"]).expect_err("rejected");
        assert!(error.to_string().contains("TRUSTED_PROXIES"), "{error}");
    }

    #[test]
    fn production_requires_a_strong_jwt_secret() {
        let config = parse(&["--app-env", "production"]).expect("parses");
        assert!(matches!(config.jwt_secret(), Err(ConfigError::MissingJwtSecret)));
        let config = parse(&["--app-env", "production", "--jwt-secret", "short"]).expect("parses");
        assert!(matches!(config.jwt_secret(), Err(ConfigError::WeakJwtSecret)));
    }

    #[test]
    fn live_reload_follows_cargo_leptos_watch_and_never_runs_in_production() {
        assert!(!parse(&[]).expect("parses").live_reload().expect("valid"));
        assert!(parse(&["--live-reload", "ON"]).expect("parses").live_reload().expect("valid"));
        let production = parse(&["--live-reload", "ON", "--app-env", "production"]).expect("parses");
        assert!(matches!(production.live_reload(), Err(ConfigError::LiveReloadInProduction)));
    }

    #[test]
    fn the_development_secret_is_generated_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("nexus-secret-{}", rand::random::<u64>()));
        let config = parse(&["--data-dir", dir.to_str().expect("utf-8 path")]).expect("parses");
        let first = config.jwt_secret().expect("generated");
        assert_eq!(first.len(), 64);
        assert_eq!(config.jwt_secret().expect("kept"), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
            assert_eq!(mode(&dir.join("jwt-secret")), 0o600, "only the owner reads the secret");
            assert_eq!(mode(&dir), 0o700);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
