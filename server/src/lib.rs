#![recursion_limit = "256"]
//! The Nexus server: one axum app serving the Leptos UI, its server functions and the public
//! REST API, on services from the `services` crate.

pub mod config;
pub mod http;
pub mod serve;
pub mod state;
pub mod telemetry;
pub mod upstream;

use leptos::config::Env;
use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;

use crate::config::{AppEnv, Config};
use crate::state::StartError;

/// Leptos' own settings, from our typed config rather than cargo-leptos' environment, so the
/// binary runs the same however it was started.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(app::OUTPUT_NAME)
        .site_root(config.site_root.as_str())
        // Pages load the bundle from under a path that names its content (see http::assets).
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .env(match config.app_env {
            AppEnv::Development => Env::DEV,
            AppEnv::Production => Env::PROD,
        })
        .build()
}

/// Builds everything, serves until SIGINT or SIGTERM, then lets in-flight requests finish.
pub async fn run(config: Config) -> Result<(), StartError> {
    let started = state::build(&config, leptos_options(&config)).await?;
    let db = started.state.db.clone();
    let readiness = started.state.readiness.clone();
    let router = http::router(started.state);

    let listener = TcpListener::bind(config.site_addr).await.map_err(StartError::Listen)?;
    tracing::info!(addr = %config.site_addr, "listening on http://{}", config.site_addr);
    let shutdown = async move {
        shutdown_signal().await;
        readiness.drain();
    };
    serve::serve(listener, router, config.serve_limits(), shutdown).await.map_err(StartError::Listen)?;

    tracing::info!("shutting down");
    db.close().await;
    drop(started.upstream);
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
