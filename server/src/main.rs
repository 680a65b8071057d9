use std::process::ExitCode;

use server::config::Config;

/// mimalloc rather than glibc's malloc. Profiled under load (`perf record` on the release
/// server, 64 connections asking for brotli), glibc's malloc, free and their consolidation took
/// about a fifth of the CPU of a server-rendered page, which builds many small strings and
/// reactive nodes on every worker at once; mimalloc's per-thread heaps make those cheap. Same
/// machine and run: the home page went from 910 to about 1,475 requests/s and a movie page from
/// 1,218 to 2,534, at the cost of a higher peak (about 95 instead of 64 MiB under the home
/// page's load, 134 instead of 100 MiB after 300 concurrent registrations; see the README's
/// benchmarks). mimalloc gives argon2's 19 MiB blocks their own mappings, returned when freed,
/// which glibc needed a fixed mmap threshold for.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
