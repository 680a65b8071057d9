//! The public API's promises, through the real router: its OpenAPI document and Swagger UI,
//! one JSON error shape for every failure, the body limit, CORS, the per-client rate limit,
//! security headers, and Prometheus metrics.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{app, app_with, get, send};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn request(method: &str, uri: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(uri)
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_with_schemas_and_the_bearer_scheme() {
    let app = app().await;
    let (status, spec) = get(&app, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/movies/trending/", "get"),
        ("/api/movies/popular/", "get"),
        ("/api/movies/top-rated/", "get"),
        ("/api/movies/upcoming/", "get"),
        ("/api/movies/now-playing/", "get"),
        ("/api/movies/search/", "get"),
        ("/api/movies/discover/", "get"),
        ("/api/movies/{id}/", "get"),
        ("/api/movies/{id}/recommendations/", "get"),
        ("/api/movies/{id}/similar/", "get"),
        ("/api/genres/", "get"),
        ("/api/people/search/", "get"),
        ("/api/people/{id}/", "get"),
        ("/api/auth/register/", "post"),
        ("/api/auth/token/", "post"),
        ("/api/auth/token/refresh/", "post"),
        ("/api/auth/logout/", "post"),
        ("/api/auth/me/", "get"),
        ("/api/favorites/", "get"),
        ("/api/favorites/", "post"),
        ("/api/favorites/{tmdb_id}/", "get"),
        ("/api/favorites/{tmdb_id}/", "delete"),
        ("/api/recommendations/", "get"),
        ("/api/watchlist/", "get"),
        ("/api/watchlist/", "post"),
        ("/api/watchlist/{tmdb_id}/", "get"),
        ("/api/watchlist/{tmdb_id}/", "delete"),
        ("/api/not-interested/", "get"),
        ("/api/not-interested/", "post"),
        ("/api/not-interested/{tmdb_id}/", "get"),
        ("/api/not-interested/{tmdb_id}/", "delete"),
        ("/api/ratings/", "get"),
        ("/api/ratings/{tmdb_id}/", "get"),
        ("/api/ratings/{tmdb_id}/", "put"),
        ("/api/ratings/{tmdb_id}/", "delete"),
        ("/api/me/movies/{tmdb_id}/", "get"),
    ] {
        let operation = &paths.get(path).unwrap_or_else(|| panic!("{path} documented"))[method];
        assert!(operation.is_object(), "{method} {path} documented");
        let responses = operation["responses"].as_object().expect("responses");
        assert!(responses.keys().any(|status| status.starts_with('2')), "{method} {path} has a success");
        assert!(responses.contains_key("429"), "{method} {path} documents the rate limit");
        for (status, response) in responses {
            if !status.starts_with('2') {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
            }
        }
    }
    assert_eq!(paths.len(), 28, "no undocumented extras: {:?}", paths.keys().collect::<Vec<_>>());
    assert_eq!(spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert_eq!(paths["/api/favorites/"]["get"]["security"][0]["bearer"], serde_json::json!([]));
    // What the document lets through is accepted: a search of spaces only is refused, so the
    // schema says so (schemathesis sent `q=%0D`, valid by length alone).
    for path in ["/api/movies/search/", "/api/people/search/"] {
        let parameters = paths[path]["get"]["parameters"].as_array().expect("parameters");
        let q = parameters.iter().find(|p| p["name"] == "q").expect("q documented");
        assert_eq!(q["schema"]["pattern"], r"\S", "{path}");
        let (status, body) = get(&app, &format!("{path}?q=%0D")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    let page = &spec["components"]["schemas"]["Page_MovieSummary"]["properties"];
    for field in ["count", "next", "previous", "page", "total_pages", "results"] {
        assert!(page.get(field).is_some(), "the list shape documents {field}");
    }
    assert!(spec["components"]["schemas"]["Credentials"]["example"].is_object(), "bodies have examples");
    // Every reference resolves (a schema used only by a parameter must be registered by hand).
    fn references(value: &serde_json::Value, found: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(target)) = map.get("$ref") {
                    found.push(target.clone());
                }
                map.values().for_each(|v| references(v, found));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| references(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    references(&spec, &mut found);
    for target in found {
        let name = target.trim_start_matches("#/components/schemas/");
        assert!(spec["components"]["schemas"].get(name).is_some(), "unresolvable reference {target}");
    }
}

#[tokio::test]
async fn swagger_ui_is_served_from_vendored_assets() {
    let app = app().await;
    for (path, content_type) in [
        ("/api/docs/", "text/html"),
        ("/api/docs/swagger-ui-bundle.js", "text/javascript"),
        ("/api/docs/swagger-ui.css", "text/css"),
        ("/api/docs/swagger-initializer.js", "text/javascript"),
    ] {
        let response = app.router.clone().oneshot(request("GET", path).body(Body::empty()).expect("request")).await;
        let response = response.expect("response");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let kind = response.headers()[header::CONTENT_TYPE].to_str().unwrap_or_default().to_owned();
        assert!(kind.starts_with(content_type), "{path}: {kind}");
        let body = response.into_body().collect().await.expect("body").to_bytes();
        assert!(!body.is_empty());
        if path == "/api/docs/" {
            let html = String::from_utf8_lossy(&body);
            assert!(!html.contains("://"), "no CDN: every asset is local");
        }
    }
}

#[tokio::test]
async fn every_api_failure_answers_the_json_error_shape() {
    let app = app().await;
    let oversized = format!(r#"{{"email": "a@example.com", "password": "{}"}}"#, "x".repeat(70 * 1024));
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            request("POST", "/api/auth/token/")
                .header("content-type", "application/json")
                .body(Body::from("{oops"))
                .expect("req"),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            request("POST", "/api/auth/token/")
                .header("content-type", "text/plain")
                .body(Body::from("hi"))
                .expect("req"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            request("POST", "/api/auth/register/")
                .header("content-type", "application/json")
                .body(Body::from(oversized))
                .expect("req"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (request("GET", "/api/no/such/route/").body(Body::empty()).expect("req"), StatusCode::NOT_FOUND, "not_found"),
        (
            request("DELETE", "/api/movies/trending/").body(Body::empty()).expect("req"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            request("PUT", "/api/favorites/").body(Body::empty()).expect("req"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            request("GET", "/api/movies/popular/?page=").body(Body::empty()).expect("req"),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            request("GET", "/api/movies/discover/?sort=").body(Body::empty()).expect("req"),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
    ];
    for (request, status, code) in cases {
        let label = format!("{} {}", request.method(), request.uri());
        let (got, headers, body) = send(&app, request).await;
        assert_eq!(got, status, "{label}: {body}");
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap_or_default().starts_with("application/json"), "{label}");
        assert_eq!(body["error"]["code"], code, "{label}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{label}");
        if status == StatusCode::METHOD_NOT_ALLOWED {
            assert!(headers.get(header::ALLOW).is_some(), "{label} says which methods work");
        }
    }
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins_and_never_credentials() {
    let app = app_with(&["--cors-origins", "https://app.example.com"]).await;
    let preflight = request("OPTIONS", "/api/favorites/")
        .header(header::ORIGIN, "https://app.example.com")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization, content-type")
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = send(&app, preflight).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example.com");
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
    let allowed_headers = headers[header::ACCESS_CONTROL_ALLOW_HEADERS].to_str().unwrap_or_default().to_lowercase();
    assert!(allowed_headers.contains("authorization"), "{allowed_headers}");

    let other = request("GET", "/api/genres/").header(header::ORIGIN, "https://evil.example").body(Body::empty());
    let (status, headers, _) = send(&app, other.expect("request")).await;
    assert_eq!(status, StatusCode::OK, "the request itself is served; the browser withholds it");
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());

    let open = app_with(&["--cors-origins", "*"]).await;
    let any = request("GET", "/api/genres/").header(header::ORIGIN, "https://anyone.example").body(Body::empty());
    let (_, headers, _) = send(&open, any.expect("request")).await;
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
}

#[tokio::test]
async fn each_client_is_rate_limited_on_the_api_with_retry_after() {
    let app = app_with(&["--api-rate-limit-per-second", "1", "--api-rate-limit-burst", "3"]).await;
    for _ in 0..3 {
        let (status, _) = get(&app, "/api/genres/").await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, headers, body) = send(&app, request("GET", "/api/genres/").body(Body::empty()).expect("req")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"]["code"], "too_many_requests");
    let retry_after: u64 = headers[header::RETRY_AFTER].to_str().unwrap_or_default().parse().expect("seconds");
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    // The UI is not the API: pages keep working for the same client.
    let page = app.router.clone().oneshot(request("GET", "/healthz").body(Body::empty()).expect("req")).await;
    assert_eq!(page.expect("response").status(), StatusCode::OK);
}

async fn html_has_reload_script(app: &common::TestApp) -> bool {
    let (_, _, html) = common::raw(app, request("GET", "/").body(Body::empty()).expect("req")).await;
    html.contains("/live_reload")
}

#[tokio::test]
async fn pages_carry_a_csp_whose_nonce_is_on_every_inline_script() {
    let app = app().await;
    let response = app.router.clone().oneshot(request("GET", "/").body(Body::empty()).expect("req")).await;
    let response = response.expect("response");
    let headers = response.headers().clone();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii").to_owned();
    for directive in ["'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("connect-src 'self';"), "no reload socket outside `cargo leptos watch`: {csp}");
    assert!(!html_has_reload_script(&app).await, "no reload script outside `cargo leptos watch`");
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
    let html = String::from_utf8_lossy(&response.into_body().collect().await.expect("body").to_bytes()).into_owned();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), scripts, "every script carries the nonce");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "strict-origin-when-cross-origin");
    assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(), "no HSTS over plain http");

    // A second page gets a different nonce.
    let again = app.router.clone().oneshot(request("GET", "/").body(Body::empty()).expect("req")).await;
    let again = again.expect("response").headers()[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii").to_owned();
    assert_ne!(again, csp);

    let https = app_with(&["--public-url", "https://hub.test"]).await;
    let (_, headers, _) = send(&https, request("GET", "/api/genres/").body(Body::empty()).expect("req")).await;
    assert!(headers[header::STRICT_TRANSPORT_SECURITY].to_str().unwrap_or_default().contains("max-age="));
}

#[tokio::test]
async fn api_responses_are_compressed_when_the_client_accepts_it() {
    let app = app().await;
    let accept = request("GET", "/api/movies/trending/").header(header::ACCEPT_ENCODING, "br, gzip");
    let (status, headers, _) = send(&app, accept.body(Body::empty()).expect("req")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn metrics_report_requests_by_route_cache_upstream_and_pool() {
    let app = app().await;
    get(&app, "/api/movies/trending/").await;
    get(&app, "/api/movies/1267/").await;
    get(&app, "/api/movies/1267/").await;
    let response = app.router.clone().oneshot(request("GET", "/metrics").body(Body::empty()).expect("req")).await;
    let response = response.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let text = String::from_utf8_lossy(&response.into_body().collect().await.expect("body").to_bytes()).into_owned();
    for series in [
        r#"http_requests_total{method="GET",route="/api/movies/{id}/",status="200"}"#,
        "http_request_duration_seconds_bucket",
        "cache_lookups_total",
        "tmdb_calls_total",
        "tmdb_requests_total",
        r#"db_pool_connections{state="max"}"#,
    ] {
        assert!(text.contains(series), "{series} missing from:\n{text}");
    }
    assert!(!text.contains("route=\"/api/movies/1267/\""), "routes are templates, not raw paths");
}

#[tokio::test]
async fn with_a_token_configured_metrics_answer_only_the_scraper_that_presents_it() {
    let token = "a-scraper-token-of-some-length";
    let app = app_with(&["--metrics-token", token]).await;
    for authorization in [None, Some("Bearer not-the-token-at-all"), Some(token)] {
        let mut scrape = request("GET", "/metrics");
        if let Some(value) = authorization {
            scrape = scrape.header(header::AUTHORIZATION, value);
        }
        let (status, headers, body) = send(&app, scrape.body(Body::empty()).expect("req")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{authorization:?}");
        assert_eq!(body["error"]["code"], "unauthorized", "{body}");
        assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    }
    let scrape = request("GET", "/metrics").header(header::AUTHORIZATION, format!("Bearer {token}"));
    let response = app.router.clone().oneshot(scrape.body(Body::empty()).expect("req")).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let text = String::from_utf8_lossy(&response.into_body().collect().await.expect("body").to_bytes()).into_owned();
    assert!(text.contains("db_pool_connections"), "{text}");
}

#[tokio::test]
async fn in_production_without_a_token_there_are_no_metrics() {
    let secret = "a production secret that is long enough";
    let app = app_with(&["--app-env", "production", "--jwt-secret", secret]).await;
    let (status, body) = get(&app, "/metrics").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found", "{body}");
}

#[tokio::test]
async fn the_bundle_is_served_under_its_content_version_and_cached_for_good() {
    let site = std::env::temp_dir().join(format!("nexus-site-{}", rand::random::<u64>()));
    std::fs::create_dir_all(site.join("pkg")).expect("site");
    for (file, body) in [("nexus.js", "export default 1"), ("nexus.wasm", "\0asm"), ("nexus.css", "body{}")] {
        std::fs::write(site.join("pkg").join(file), body).expect("write");
    }
    let app = app_with(&["--site-root", site.to_str().expect("utf-8")]).await;
    let response = app.router.clone().oneshot(request("GET", "/").body(Body::empty()).expect("req")).await;
    let html =
        String::from_utf8_lossy(&response.expect("response").into_body().collect().await.expect("body").to_bytes())
            .into_owned();
    let css = html.split("rel=\"stylesheet\" id=\"leptos\" href=\"").nth(1).and_then(|rest| rest.split('"').next());
    let css = css.expect("a stylesheet link").to_owned();
    let version = css.strip_prefix("/static/").and_then(|rest| rest.strip_suffix("/pkg/nexus.css")).expect("versioned");
    assert_eq!(version.len(), 12, "{css}");
    assert!(html.contains(&format!("/static/{version}/pkg/nexus.js")), "the scripts load from the same version");

    for file in ["nexus.js", "nexus.wasm", "nexus.css"] {
        let path = format!("/static/{version}/pkg/{file}");
        let (status, headers, _) = send(&app, request("GET", &path).body(Body::empty()).expect("req")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable", "{path}");
    }
    let _ = std::fs::remove_dir_all(site);
}

/// What a browser downloads: the build's own `.br`/`.gz` bytes when it has them (never
/// recompressed on the fly), the raw file otherwise, and never a compressed copy to a client
/// that did not ask for one.
#[tokio::test]
async fn the_bundle_is_sent_as_the_build_compressed_it() {
    let site = std::env::temp_dir().join(format!("nexus-site-{}", rand::random::<u64>()));
    std::fs::create_dir_all(site.join("pkg")).expect("site");
    // Big and repetitive: the on-the-fly compressor would gladly shrink it.
    let wasm = "\0asm".to_owned() + &"nexus ".repeat(20_000);
    for (file, body) in [
        ("nexus.wasm", wasm.as_bytes()),
        ("nexus.wasm.br", b"brotli bytes from the build".as_slice()),
        ("nexus.wasm.gz", b"gzip bytes from the build".as_slice()),
        ("nexus.js", "export default 1;".repeat(2_000).as_bytes()),
    ] {
        std::fs::write(site.join("pkg").join(file), body).expect("write");
    }
    let app = app_with(&["--site-root", site.to_str().expect("utf-8")]).await;
    let version = server::http::assets::version(&site, "pkg");
    let fetch = |file: &str, accept: Option<&str>| {
        let mut request = request("GET", &format!("/static/{version}/pkg/{file}"));
        if let Some(accept) = accept {
            request = request.header(header::ACCEPT_ENCODING, accept);
        }
        request.body(Body::empty()).expect("req")
    };
    let body = |response: axum::response::Response| async move {
        let headers = response.headers().clone();
        (headers, response.into_body().collect().await.expect("body").to_bytes())
    };
    let (headers, bytes) =
        body(app.router.clone().oneshot(fetch("nexus.wasm", Some("gzip, deflate, br, zstd"))).await.expect("response"))
            .await;
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(&bytes[..], b"brotli bytes from the build");
    assert!(headers[header::VARY].to_str().expect("vary").contains("accept-encoding"));
    let (headers, bytes) =
        body(app.router.clone().oneshot(fetch("nexus.wasm", Some("gzip"))).await.expect("response")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(&bytes[..], b"gzip bytes from the build");
    let (headers, bytes) = body(app.router.clone().oneshot(fetch("nexus.wasm", None)).await.expect("response")).await;
    assert!(!headers.contains_key(header::CONTENT_ENCODING));
    assert_eq!(bytes.len(), wasm.len());
    // No copy from the build: sent raw, not compressed per request.
    let (headers, bytes) =
        body(app.router.clone().oneshot(fetch("nexus.js", Some("br, gzip"))).await.expect("response")).await;
    assert!(!headers.contains_key(header::CONTENT_ENCODING), "{headers:?}");
    assert_eq!(bytes.len(), "export default 1;".len() * 2_000);
    // Pages are still compressed on the fly.
    let page = request("GET", "/").header(header::ACCEPT_ENCODING, "br").body(Body::empty()).expect("req");
    let response = app.router.clone().oneshot(page).await.expect("response");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    let _ = std::fs::remove_dir_all(site);
}
