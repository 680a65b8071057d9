//! The catalog service end to end: real TMDb client, real cache, the emulator over HTTP.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use api_types::TrendingWindow;
use emulator::{EmulatorConfig, FaultSettings, RunningEmulator};
use services::cache::MemoryStore;
use services::catalog::{CacheTtls, CatalogError, CatalogService, Locale};
use services::tmdb::{Credential, TmdbClient, TmdbConfig};

async fn emulator() -> RunningEmulator {
    let config = EmulatorConfig { credential: Some("secret".into()), ..EmulatorConfig::default() };
    RunningEmulator::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await.expect("emulator starts")
}

fn catalog(emulator: &RunningEmulator, key: &str, ttls: CacheTtls) -> CatalogService {
    let mut config = TmdbConfig::new(emulator.base_url(), Credential::ApiKey(key.into()));
    config.call_budget = Duration::from_secs(2);
    config.min_backoff = Duration::from_millis(10);
    let tmdb = Arc::new(TmdbClient::new(config).expect("client"));
    CatalogService::new(tmdb, Arc::new(MemoryStore::new(1 << 24)), ttls)
}

#[tokio::test]
async fn trending_is_mapped_to_the_hubs_shape() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let page = catalog.trending(TrendingWindow::Day, 1, &Locale::default()).await.expect("trending");
    assert_eq!(page.page, 1);
    assert_eq!(page.results.len(), 20);
    assert!(page.total_pages > 1 && page.total_pages <= 500);
    let first = &page.results[0];
    assert!(!first.title.is_empty());
    assert_eq!(first.year, first.release_date.as_deref().and_then(|d| d[..4].parse().ok()));
    let poster = first.poster_url.as_deref().expect("poster");
    assert!(poster.starts_with(&format!("http://{}/t/p/w342/poster-", emulator.addr)), "{poster}");
    assert!(page.results.iter().any(|m| !m.genres.is_empty()), "genre ids become names");
}

#[tokio::test]
async fn cached_pages_need_no_upstream_call() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    catalog.trending(TrendingWindow::Week, 2, &Locale::default()).await.expect("first");
    let after_first = emulator.emulator.requests_received();
    // The list, the image configuration and the genre names.
    assert_eq!(after_first, 3);
    catalog.trending(TrendingWindow::Week, 2, &Locale::default()).await.expect("second");
    assert_eq!(emulator.emulator.requests_received(), after_first);
}

#[tokio::test]
async fn bad_input_is_refused_before_any_upstream_call() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let error = catalog.trending(TrendingWindow::Day, 0, &Locale::default()).await.expect_err("page 0");
    assert!(matches!(error, CatalogError::InvalidInput { parameter: "page", .. }));
    let error = catalog.trending(TrendingWindow::Day, 1, &Locale { language: "english".into(), region: None }).await.expect_err("bad language");
    assert!(matches!(error, CatalogError::InvalidInput { parameter: "language", .. }));
    assert_eq!(emulator.emulator.requests_received(), 0);
}

#[tokio::test]
async fn a_rejected_credential_is_our_misconfiguration() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "wrong", CacheTtls::default());
    let error = catalog.trending(TrendingWindow::Day, 1, &Locale::default()).await.expect_err("rejected");
    assert!(matches!(error, CatalogError::Misconfigured(_)), "{error:?}");
}

#[tokio::test]
async fn an_outage_serves_stale_copies_and_fails_fast_without_one() {
    let emulator = emulator().await;
    let ttls = CacheTtls { trending: Duration::from_millis(50), ..CacheTtls::default() };
    let catalog = catalog(&emulator, "secret", ttls);
    let before = catalog.trending(TrendingWindow::Day, 1, &Locale::default()).await.expect("cached");
    tokio::time::sleep(Duration::from_millis(120)).await;

    emulator.emulator.faults.set(FaultSettings { refuse_connections: true, ..FaultSettings::default() });
    let stale = catalog.trending(TrendingWindow::Day, 1, &Locale::default()).await.expect("stale copy");
    assert_eq!(stale, before);

    let started = std::time::Instant::now();
    let error = catalog.trending(TrendingWindow::Day, 2, &Locale::default()).await.expect_err("nothing cached");
    assert!(matches!(error, CatalogError::Unavailable(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}
