//! What operators and load balancers rely on: readiness that never spends the TMDb budget and
//! turns unready on shutdown, bounded connections (slowloris), bounded bodies everywhere.

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{app, app_with, get, send, upstream_probed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn readiness_reads_the_upstream_from_the_background_probe_not_per_request() {
    let app = app().await;
    let emulator = app._started.state.emulator.clone().expect("the built-in emulator serves");
    assert_eq!(upstream_probed(&app).await["checks"]["upstream"]["status"], "up");
    let before = emulator.requests_received();
    for _ in 0..100 {
        let (status, _) = get(&app, "/readyz").await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(emulator.requests_received(), before, "no upstream call for any /readyz");
}

#[tokio::test]
async fn a_dead_upstream_makes_the_instance_degraded_not_unready() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}/3", closed.local_addr().expect("addr"));
    drop(closed);
    let app = app_with(&["--tmdb-api-key", "k", "--tmdb-base-url", &dead, "--tmdb-timeout-secs", "1"]).await;
    let body = upstream_probed(&app).await;
    assert_eq!(body["checks"]["upstream"]["status"], "down", "{body}");
    assert_eq!(body["status"], "degraded");
    let (status, _) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "stale copies keep serving, so the balancer keeps the instance");
}

#[tokio::test]
async fn a_draining_instance_is_not_ready() {
    let app = app().await;
    app._started.state.readiness.drain();
    let (status, body) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "draining");
    // It still answers what it is asked meanwhile.
    assert_eq!(get(&app, "/api/genres/").await.0, StatusCode::OK);
}

#[tokio::test]
async fn server_functions_read_at_most_64_kib() {
    let app = app().await;
    let form = format!("email=ada%40example.com&password={}&next=", "x".repeat(70 * 1024));
    let request = Request::post(<app::session::SignIn as leptos::server_fn::ServerFn>::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(form))
        .expect("request");
    // Refused before the arguments are read (without the limit, 2 MiB were read and the
    // password checked: "Invalid email or password").
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["code"], "payload_too_large", "{body}");
}

#[tokio::test]
async fn api_errors_carry_the_request_id() {
    let app = app().await;
    let request = Request::get("/api/movies/0/").header("x-request-id", "trace-42").body(Body::empty()).expect("req");
    let (status, headers, body) = send(&app, request).await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(headers["x-request-id"], "trace-42");
    assert_eq!(body["error"]["request_id"], "trace-42", "{body}");
}

/// A page request, as a browser makes it, with our own request id.
fn page_request(path: &str, request_id: &str) -> Request<Body> {
    Request::get(path)
        .header(header::ACCEPT, "text/html")
        .header("x-request-id", request_id)
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn error_pages_carry_the_request_id() {
    let app = app().await;
    for (path, request_id) in [("/no-such-page", "trace-page-1"), ("/movie/999999999", "trace-page-2")] {
        let (status, headers, html) = common::raw(&app, page_request(path, request_id)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(headers["x-request-id"], request_id);
        assert!(html.contains(&format!("<code>{request_id}</code>")), "{path}: {html}");
    }
}

/// The app's real middleware stack around handlers of the test's own: one that panics, one
/// that outlasts a one-second request timeout, each under a page path and an API path.
fn stack_with_failing_handlers(app: &common::TestApp) -> axum::Router {
    use axum::routing::get;
    let state = server::http::AppState::new(server::http::AppStateInner {
        request_timeout: Duration::from_secs(1),
        ..(*app._started.state).clone()
    });
    let panics = || async {
        panic!("a handler bug");
        #[allow(unreachable_code)]
        ""
    };
    let hangs = || async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        "late"
    };
    let routes = axum::Router::new()
        .route("/boom", get(panics))
        .route("/api/boom", get(panics))
        .route("/slow", get(hangs))
        .route("/api/slow", get(hangs));
    server::http::with_layers(routes, state)
}

#[tokio::test]
async fn a_panicking_handler_gets_an_error_page_or_the_api_error_never_a_dropped_connection() {
    use tower::ServiceExt;
    let app = app().await;
    let router = stack_with_failing_handlers(&app);
    let response = router.clone().oneshot(page_request("/boom", "trace-panic-1")).await.expect("answered");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let html = body_text(response).await;
    assert!(html.contains("Something went wrong") && html.contains("<code>trace-panic-1</code>"), "{html}");

    let response = router.oneshot(page_request("/api/boom", "trace-panic-2")).await.expect("answered");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let json: serde_json::Value = serde_json::from_str(&body_text(response).await).expect("JSON");
    assert_eq!(json["error"]["code"], "internal_error", "{json}");
    assert_eq!(json["error"]["request_id"], "trace-panic-2", "{json}");
}

#[tokio::test]
async fn a_request_that_outlasts_the_timeout_gets_408_with_the_request_id() {
    use tower::ServiceExt;
    let app = app().await;
    let router = stack_with_failing_handlers(&app);
    let started = Instant::now();
    let response = router.clone().oneshot(page_request("/slow", "trace-slow-1")).await.expect("answered");
    assert!(started.elapsed() < Duration::from_secs(3), "answered at the timeout, not when the handler finished");
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    let html = body_text(response).await;
    assert!(html.contains("That took too long") && html.contains("<code>trace-slow-1</code>"), "{html}");

    let response = router.oneshot(page_request("/api/slow", "trace-slow-2")).await.expect("answered");
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    let json: serde_json::Value = serde_json::from_str(&body_text(response).await).expect("JSON");
    assert_eq!(json["error"]["code"], "timeout", "{json}");
    assert_eq!(json["error"]["request_id"], "trace-slow-2", "{json}");
}

async fn body_text(response: axum::response::Response) -> String {
    use http_body_util::BodyExt;
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The real accept loop, on a real socket, with a one-second header timeout.
async fn serve_with_header_timeout() -> (std::net::SocketAddr, common::TestApp) {
    let app = app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let limits = server::serve::ServeLimits {
        header_read_timeout: Duration::from_secs(1),
        max_connections: 64,
        shutdown_grace: Duration::from_secs(1),
    };
    let router = app.router.clone();
    tokio::spawn(server::serve::serve(listener, router, limits, std::future::pending()));
    (addr, app)
}

#[tokio::test]
async fn a_client_that_sends_half_a_request_line_is_closed_within_the_header_timeout() {
    let (addr, _app) = serve_with_header_timeout().await;
    // A whole request is answered.
    let mut whole = tokio::net::TcpStream::connect(addr).await.expect("connect");
    whole.write_all(b"GET /healthz HTTP/1.1\r\nHost: hub.test\r\nConnection: close\r\n\r\n").await.expect("write");
    let mut answer = String::new();
    whole.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Half a request line, then nothing: the server hangs up once the timeout passes.
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /heal").await.expect("write");
    let started = Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection was still open after 5 s");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(3), "closed after {waited:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn the_embedded_database_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("nexus-private-{}", rand::random::<u64>()));
    let data = dir.join("data");
    let config = <server::config::Config as clap::Parser>::try_parse_from([
        "server",
        "--data-dir",
        data.to_str().expect("utf-8"),
    ])
    .expect("config");
    let started = server::state::build(&config, server::leptos_options(&config)).await.expect("state");
    let mode = |path: &std::path::Path| std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&data.join("nexus.db")), 0o600, "it holds password hashes");
    assert_eq!(mode(&data.join("jwt-secret")), 0o600);
    assert_eq!(mode(&data), 0o700);
    drop(started);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn what_is_private_to_a_user_is_never_stored_by_a_cache() {
    let app = app().await;
    let no_store =
        |headers: &axum::http::HeaderMap| headers.get(header::CACHE_CONTROL).is_some_and(|v| v == "no-store");
    let body = serde_json::json!({ "email": "ada@example.com", "password": "correct horse battery staple" });
    let (status, headers, user) = common::post_json(&app, "/api/auth/register/", body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(no_store(&headers), "token answers: {headers:?}");
    let token = user["access"].as_str().expect("access");
    let (_, headers, _) = common::get_with_token(&app, "/api/auth/me/", token).await;
    assert!(no_store(&headers), "bearer answers");
    let (_, headers, _) = send(&app, Request::get("/api/genres/").body(Body::empty()).expect("req")).await;
    assert!(!no_store(&headers), "the public catalog may be cached");

    // The browser: a signed-in page, and every server function's answer.
    let form = "email=grace%40example.com&password=correct+horse+battery+staple&next=";
    let request = Request::post(<app::session::Register as leptos::server_fn::ServerFn>::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(form))
        .expect("request");
    let (_, headers, _) = send(&app, request).await;
    assert!(no_store(&headers), "server functions");
    let cookies: Vec<String> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect();
    let signed_in = Request::get("/").header(header::COOKIE, cookies.join("; ")).body(Body::empty()).expect("req");
    assert!(no_store(&common::raw(&app, signed_in).await.1), "a page showing the user's email");
    let anonymous = common::raw(&app, Request::get("/").body(Body::empty()).expect("req")).await;
    assert!(!no_store(&anonymous.1), "an anonymous page may be cached");
}

#[tokio::test]
async fn crawlers_get_a_robots_file_and_browsers_a_favicon_without_an_error() {
    let app = app().await;
    let (status, headers, robots) =
        common::raw(&app, Request::get("/robots.txt").body(Body::empty()).expect("req")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().is_ok_and(|v| v.starts_with("text/plain")));
    for line in [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /rpc/",
        "Disallow: /my-movies",
        "Allow: /",
        "Sitemap: http://hub.test/sitemap.xml",
    ] {
        assert!(robots.lines().any(|l| l == line), "{line} in {robots}");
    }
    let (status, headers, _) = common::raw(&app, Request::get("/favicon.ico").body(Body::empty()).expect("req")).await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(headers[header::LOCATION], "/favicon.svg");
}

#[tokio::test]
async fn the_sitemap_lists_the_home_page_genres_and_the_most_popular_and_best_rated_movies() {
    let app = app().await;
    let (status, headers, xml) =
        common::raw(&app, Request::get("/sitemap.xml").body(Body::empty()).expect("req")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().is_ok_and(|v| v.starts_with("application/xml")));
    assert!(xml.starts_with("<?xml") && xml.trim_end().ends_with("</urlset>"), "{xml}");
    let locations: Vec<&str> =
        xml.lines().filter_map(|line| line.trim().strip_prefix("<url><loc>")?.strip_suffix("</loc></url>")).collect();
    assert_eq!(locations[..2], ["http://hub.test/", "http://hub.test/discover"]);
    assert!(locations.contains(&"http://hub.test/discover?genre=Science+Fiction"), "{xml}");
    for list in ["popular", "top-rated"] {
        let (_, page) = get(&app, &format!("/api/movies/{list}/?page=5")).await;
        let last = page["results"][19]["id"].as_u64().expect("an id");
        assert!(locations.contains(&format!("http://hub.test/movie/{last}").as_str()), "{list} page 5");
    }
    let movies = locations.iter().filter(|l| l.starts_with("http://hub.test/movie/")).count();
    assert!((100..=200).contains(&movies), "{movies} movies, each once");
    let unique: std::collections::HashSet<_> = locations.iter().collect();
    assert_eq!(unique.len(), locations.len());
    assert!(!xml.contains("& "), "escaped: {xml}");
}

#[tokio::test]
async fn the_site_can_be_installed_with_its_icons() {
    let app = app().await;
    let (_, _, html) = common::raw(&app, Request::get("/").body(Body::empty()).expect("req")).await;
    assert!(html.contains(r#"<link href="/manifest.webmanifest" rel="manifest">"#), "{html}");
    assert!(html.contains(r##"<meta name="theme-color" content="#1d4ed8""##));

    // The manifest (served from public/ like the favicon) names icons that exist at their sizes.
    let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join("manifest.webmanifest")).expect("manifest")).expect("JSON");
    assert_eq!(manifest["theme_color"], "#1d4ed8");
    assert_eq!(manifest["start_url"], "/");
    let icons = manifest["icons"].as_array().expect("icons");
    for size in ["192x192", "512x512"] {
        assert!(icons.iter().any(|icon| icon["sizes"] == size && icon["type"] == "image/png"), "a {size} PNG");
    }
    assert!(icons.iter().any(|icon| icon["purpose"] == "maskable"));
    for icon in icons {
        let file =
            std::fs::read(public.join(icon["src"].as_str().expect("src").trim_start_matches('/'))).expect("icon");
        if icon["type"] == "image/png" {
            // The PNG header's width and height (IHDR, big-endian, at bytes 16..24).
            let side = |at: usize| u32::from_be_bytes(file[at..at + 4].try_into().expect("4 bytes"));
            assert_eq!(format!("{}x{}", side(16), side(20)), icon["sizes"].as_str().expect("sizes"), "{icon}");
        }
    }
}

#[tokio::test]
async fn home_rows_lead_to_their_whole_list() {
    let app = app().await;
    let (status, _, html) = common::raw(&app, Request::get("/").body(Body::empty()).expect("req")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/discover?sort=popularity""#), "Popular: see all");
    assert!(html.contains(r#"href="/discover?sort=rating""#), "Top rated: see all");
}
