//! What reaches the logs: never a secret, and only request ids the server can vouch for.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{app_with, get, send};

/// Every log line written while it is the thread's subscriber.
#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("logs")).into_owned()
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("logs").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const API_KEY: &str = "v3-key-that-must-stay-secret";

// The default test runtime runs every task on this thread, so a thread-local subscriber sees
// all of the server's logs.
#[tokio::test]
async fn a_dead_upstream_is_logged_without_the_api_key() {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}/3", closed.local_addr().expect("addr"));
    drop(closed);
    let app = app_with(&["--tmdb-api-key", API_KEY, "--tmdb-base-url", &dead, "--tmdb-timeout-secs", "2"]).await;
    for path in ["/api/movies/trending/", "/api/movies/550/", "/api/movies/search/?q=alien"] {
        let (status, body) = get(&app, path).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
    }
    // The page says so in its own words; what matters here is what it logged.
    get(&app, "/movie/550").await;

    let text = logs.text();
    assert!(text.contains("could not reach TMDb"), "the failure itself is logged:\n{text}");
    assert!(!text.contains(API_KEY), "the key leaked into the logs:\n{text}");
}

#[tokio::test]
async fn only_short_safe_request_ids_are_kept() {
    let app = app_with(&[]).await;
    let echoed = |id: &'static str| {
        let request = Request::get("/healthz").header("x-request-id", id).body(Body::empty()).expect("request");
        async { send(&app, request).await.1.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned) }
    };
    // A load balancer's id is kept, so one request can be followed through both logs.
    assert_eq!(echoed("lb-7f3a9c.2026_12").await.as_deref(), Some("lb-7f3a9c.2026_12"));
    // Anything else is replaced by one of ours.
    for forged in ["", "a b", "<script>", "x\"y", &*"a".repeat(65)] {
        let forged: &'static str = Box::leak(forged.to_owned().into_boxed_str());
        let id = echoed(forged).await.expect("an id is always sent back");
        assert_ne!(id, forged);
        assert_eq!(id.len(), 36, "a UUID: {id}");
    }
}
