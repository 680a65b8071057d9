use std::process::ExitCode;

use server::config::Config;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::load();
    server::telemetry::init(config.log_format);
    match server::run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server stopped");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
