//! `tmdb-emulator`: the TMDb emulator as a standalone service, with fault injection.

use std::net::SocketAddr;

use clap::Parser;
use emulator::{EmulatorConfig, FaultSettings, RunningEmulator};

/// A TMDb v3 compatible service on the bundled catalog. Point a client at
/// `http://ADDR/3`; change faults at run time with `PUT /__emulator/faults`.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on (loopback by default).
    #[arg(long, env = "EMULATOR_ADDR", default_value = "127.0.0.1:3100")]
    addr: SocketAddr,
    /// API key or read token clients must send; any request is accepted when unset.
    #[arg(long, env = "EMULATOR_CREDENTIAL")]
    credential: Option<String>,
    /// Bearer token that `/__emulator/*` (faults, statistics) requires. Required when ADDR is
    /// not a loopback address: anyone who can reach those endpoints can take the catalog down.
    #[arg(long, env = "EMULATOR_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Base URL for images in `/configuration` (default: this emulator's `/t/p/`).
    #[arg(long, env = "EMULATOR_IMAGE_BASE_URL")]
    image_base_url: Option<String>,
    /// Share of requests answered 500 (0.0-1.0).
    #[arg(long, default_value_t = 0.0)]
    failure_rate: f64,
    /// Share of requests answered 429 with Retry-After (0.0-1.0).
    #[arg(long, default_value_t = 0.0)]
    rate_limit_rate: f64,
    /// Retry-After seconds sent with an injected 429.
    #[arg(long, default_value_t = 1)]
    retry_after_secs: u64,
    /// Milliseconds added to every request.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Close every new connection at once.
    #[arg(long)]
    refuse_connections: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let faults = FaultSettings {
        failure_rate: args.failure_rate,
        rate_limit_rate: args.rate_limit_rate,
        retry_after_secs: args.retry_after_secs,
        latency_ms: args.latency_ms,
        refuse_connections: args.refuse_connections,
    };
    faults.validate()?;
    if !args.addr.ip().is_loopback() && args.admin_token.is_none() {
        return Err(format!(
            "{} is reachable from other machines: set --admin-token (EMULATOR_ADMIN_TOKEN) to protect /__emulator/*",
            args.addr
        )
        .into());
    }
    let config = EmulatorConfig {
        credential: args.credential,
        image_base_url: args.image_base_url,
        faults,
        admin_token: args.admin_token,
    };
    let running = RunningEmulator::start(config, args.addr).await?;
    println!("TMDb emulator at {}", running.base_url());
    tokio::signal::ctrl_c().await?;
    running.stop().await?;
    Ok(())
}
