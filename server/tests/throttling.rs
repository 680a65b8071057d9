//! Every entry point a stranger can reach is rate limited per client network (an IPv4
//! address or an IPv6 /64): the API, pages and server functions, sign-in and registration.

mod common;

use app::pages::discover::ListGenres;
use app::session::Register;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::{app_with, from, send};
use leptos::server_fn::ServerFn;
use serde_json::{Value, json};

fn json_post(path: &str, body: Value) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("req")
}

fn page(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("req")
}

fn retry_after(headers: &HeaderMap) -> u64 {
    headers.get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("Retry-After")
}

fn credentials(email: &str) -> Value {
    json!({ "email": email, "password": "correct horse battery staple" })
}

#[tokio::test]
async fn registration_is_throttled_per_client_network_through_the_api_and_the_ui() {
    let app = app_with(&["--registrations-per-hour", "3"]).await;
    // Three addresses of one /64 are one client.
    for (index, peer) in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"].iter().enumerate() {
        let request = from(peer, json_post("/api/auth/register/", credentials(&format!("user{index}@example.com"))));
        let (status, _, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::CREATED, "{peer}: {body}");
    }
    let (status, headers, body) =
        send(&app, from("2001:db8:1:2::77", json_post("/api/auth/register/", credentials("more@example.com")))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert!(retry_after(&headers) >= 60, "one registration per 20 minutes comes back");
    // The form in the UI spends the same budget.
    let form = "email=form%40example.com&password=correct+horse+battery+staple&next=";
    let request = Request::post(Register::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(form))
        .expect("req");
    let (status, headers, body) = send(&app, from("2001:db8:1:2::78", request)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "too_many_requests", "{body}");
    assert!(body["retry_after_secs"].as_u64().is_some_and(|seconds| seconds == retry_after(&headers)), "{body}");
    // Another network, and an IPv4 client, have budgets of their own.
    for peer in ["2001:db8:1:3::1", "203.0.113.9"] {
        let request = from(peer, json_post("/api/auth/register/", credentials(&format!("{}@example.com", peer.len()))));
        assert_eq!(send(&app, request).await.0, StatusCode::CREATED, "{peer}");
    }
}

#[tokio::test]
async fn sign_in_is_throttled_per_client_network_whatever_the_email() {
    let app = app_with(&[]).await;
    let mut attempts = 0;
    let started = std::time::Instant::now();
    // 30 at once, then one more every 2 s (30 a minute): a slow machine (each attempt hashes a
    // password) earns the attempts its seconds refill, and no more.
    let allowed = |elapsed: std::time::Duration| 30 + elapsed.as_secs().div_ceil(2);
    let throttled = loop {
        attempts += 1;
        // A different address of the same /64 and a different account every time.
        let peer = format!("2001:db8:5:6::{attempts:x}");
        let body = json!({ "email": format!("guess{attempts}@example.com"), "password": "not the password" });
        let (status, headers, body) = send(&app, from(&peer, json_post("/api/auth/token/", body))).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            break (headers, body);
        }
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert!(attempts <= allowed(started.elapsed()), "30 attempts a minute per client network are allowed");
    };
    assert!(attempts > 30, "the first 30 are never refused: refused at {attempts}");
    assert_eq!(throttled.1["error"]["code"], "too_many_requests");
    assert!(retry_after(&throttled.0) >= 1);
    // Somebody on another network can still sign in.
    let body = json!({ "email": "guess1@example.com", "password": "not the password" });
    assert_eq!(
        send(&app, from("2001:db8:5:7::1", json_post("/api/auth/token/", body))).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn pages_and_server_functions_have_a_rate_limit_of_their_own() {
    let app = app_with(&["--ui-rate-limit-per-second", "1", "--ui-rate-limit-burst", "3"]).await;
    let peer = "198.51.100.7";
    for path in ["/", "/search?q=alien", "/movie/21"] {
        let (status, _, _) = send(&app, from(peer, page(path))).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let response = common::raw(&app, from(peer, page("/discover"))).await;
    assert_eq!(response.0, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&response.1) >= 1);
    assert!(response.2.contains("Too many requests"), "a readable page: {}", response.2);
    assert!(response.2.contains(&format!("<code>{}</code>", response.1["x-request-id"].to_str().expect("id"))));
    // A server function answers with the error its island shows.
    let request = Request::get(ListGenres::PATH).header("sec-fetch-site", "same-origin").body(Body::empty());
    let (status, _, body) = send(&app, from(peer, request.expect("req"))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "too_many_requests", "{body}");
    assert!(body["retry_after_secs"].as_u64().is_some(), "{body}");
    // The API, static files and health checks are not charged to this budget.
    assert_eq!(send(&app, from(peer, page("/api/genres/"))).await.0, StatusCode::OK);
    assert_eq!(send(&app, from(peer, page("/healthz"))).await.0, StatusCode::OK);
    // Another client is not affected.
    assert_eq!(send(&app, from("198.51.100.8", page("/"))).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_api_limit_counts_an_ipv6_64_as_one_client() {
    let app = app_with(&["--api-rate-limit-per-second", "1", "--api-rate-limit-burst", "2"]).await;
    assert_eq!(send(&app, from("2001:db8:9:9::1", page("/api/genres/"))).await.0, StatusCode::OK);
    assert_eq!(send(&app, from("2001:db8:9:9::2", page("/api/genres/"))).await.0, StatusCode::OK);
    assert_eq!(send(&app, from("2001:db8:9:9::3", page("/api/genres/"))).await.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(send(&app, from("2001:db8:9:a::1", page("/api/genres/"))).await.0, StatusCode::OK);
}

#[tokio::test]
async fn with_redis_down_each_instance_still_limits_on_its_own() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_redis = format!("redis://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let app =
        app_with(&["--redis-url", &dead_redis, "--api-rate-limit-per-second", "1", "--api-rate-limit-burst", "2"])
            .await;
    for _ in 0..2 {
        assert_eq!(send(&app, from("203.0.113.50", page("/api/genres/"))).await.0, StatusCode::OK);
    }
    // Fail open to the local limiter, never to no limit at all.
    assert_eq!(send(&app, from("203.0.113.50", page("/api/genres/"))).await.0, StatusCode::TOO_MANY_REQUESTS);
}
