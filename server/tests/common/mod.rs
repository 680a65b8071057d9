//! What every router test needs: the app on embedded defaults (the built-in emulator behind
//! the real TMDb client, an in-process cache, a temporary SQLite file), and request helpers.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use server::config::Config;
use server::state::{self, Started};
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub _started: Started,
    _data_dir: tempdir::TempDir,
}

mod tempdir {
    /// A folder removed when dropped.
    pub struct TempDir(pub std::path::PathBuf);
    impl TempDir {
        pub fn new() -> Self {
            let path = std::env::temp_dir().join(format!("nexus-test-{}", rand::random::<u64>()));
            std::fs::create_dir_all(&path).expect("temp dir");
            Self(path)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub async fn app_with(args: &[&str]) -> TestApp {
    let data_dir = tempdir::TempDir::new();
    let data = data_dir.0.to_str().expect("utf-8").to_owned();
    let mut argv = vec!["server", "--data-dir", &data, "--public-url", "http://hub.test"];
    argv.extend_from_slice(args);
    let config = <Config as clap::Parser>::try_parse_from(argv).expect("config");
    let started = state::build(&config, server::leptos_options(&config)).await.expect("state");
    let router = server::http::router(started.state.clone());
    TestApp { router, _started: started, _data_dir: data_dir }
}

pub async fn app() -> TestApp {
    app_with(&[]).await
}

pub async fn get(app: &TestApp, uri: &str) -> (StatusCode, Value) {
    let response =
        app.router.clone().oneshot(Request::get(uri).body(Body::empty()).expect("request")).await.expect("response");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body)
}

pub async fn send(app: &TestApp, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

pub async fn post_json(app: &TestApp, uri: &str, body: Value) -> (StatusCode, axum::http::HeaderMap, Value) {
    let request = Request::post(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    send(app, request).await
}

pub async fn get_with_token(app: &TestApp, uri: &str, token: &str) -> (StatusCode, axum::http::HeaderMap, Value) {
    let request =
        Request::get(uri).header("authorization", format!("Bearer {token}")).body(Body::empty()).expect("request");
    send(app, request).await
}

/// The status, headers and body text of a response (pages, anything not JSON).
pub async fn raw(app: &TestApp, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// `request` as it arrives from `peer` (an IPv4 or IPv6 address) over a real socket.
pub fn from(peer: &str, mut request: Request<Body>) -> Request<Body> {
    let ip: std::net::IpAddr = peer.parse().expect("peer address");
    request.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(ip, 40000)));
    request
}

/// `/readyz` once the background probe has looked at the upstream (it runs at start-up).
pub async fn upstream_probed(app: &TestApp) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (_, body) = get(app, "/readyz").await;
        if body["checks"]["upstream"]["status"] != "unknown" {
            return body;
        }
        assert!(std::time::Instant::now() < deadline, "the upstream was never probed: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Registers `email` through the API; the new user's access token.
pub async fn sign_up(app: &TestApp, email: &str) -> String {
    let body = serde_json::json!({ "email": email, "password": "correct horse battery staple" });
    let (status, _, body) = post_json(app, "/api/auth/register/", body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["access"].as_str().expect("access").to_owned()
}

/// Registers `email` (form-encoded: `ui%40example.com`) through the UI's own server function;
/// the browser session's cookies, as a `Cookie` header to send back.
pub async fn browser_session(app: &TestApp, email: &str) -> String {
    use leptos::server_fn::ServerFn;
    let form = format!("email={email}&password=correct+horse+battery+staple&next=");
    let request = Request::post(app::session::Register::PATH)
        .header(axum::http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(form))
        .expect("request");
    let (status, headers, _) = send(app, request).await;
    assert!(status.is_success(), "{status}");
    headers
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok()?.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}
