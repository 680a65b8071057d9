//! The TMDb client against a real local HTTP fake (wiremock), counting upstream requests.

use std::time::{Duration, Instant};

use services::tmdb::{Credential, GenreList, TmdbClient, TmdbConfig, TmdbError};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GENRES: &str = r#"{"genres":[{"id":28,"name":"Action"}]}"#;

fn client(server: &MockServer, budget: Duration) -> TmdbClient {
    let mut config = TmdbConfig::new(format!("{}/3", server.uri()), Credential::ApiKey("k".into()));
    config.call_budget = budget;
    config.min_backoff = Duration::from_millis(20);
    TmdbClient::new(config).expect("client")
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(GENRES, "application/json")
}

fn tmdb_error(status: u16, code: i32, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "success": false, "status_code": code, "status_message": message
    }))
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map(|r| r.len()).unwrap_or_default()
}

#[tokio::test]
async fn sends_the_api_key_and_parses_the_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/3/genre/movie/list"))
        .and(query_param("api_key", "k"))
        .and(query_param("language", "en-US"))
        .respond_with(ok())
        .mount(&server)
        .await;
    let genres: GenreList = client(&server, Duration::from_secs(5)).movie_genres("en-US").await.expect("genres");
    assert_eq!(genres.genres[0].name, "Action");
}

#[tokio::test]
async fn sends_a_read_token_as_bearer() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer t0k")).respond_with(ok()).mount(&server).await;
    let config = TmdbConfig::new(format!("{}/3", server.uri()), Credential::ReadToken("t0k".into()));
    let client = TmdbClient::new(config).expect("client");
    client.movie_genres("en").await.expect("authorised");
}

#[tokio::test]
async fn retries_server_errors_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(tmdb_error(503, 9, "Service offline"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ok()).mount(&server).await;
    client(&server, Duration::from_secs(5)).movie_genres("en").await.expect("third attempt succeeds");
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn gives_up_after_three_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(tmdb_error(500, 11, "Internal error")).mount(&server).await;
    let error = client(&server, Duration::from_secs(5)).movie_genres("en").await.expect_err("fails");
    assert!(matches!(error, TmdbError::Upstream { status: 500, .. }), "{error:?}");
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn never_retries_other_client_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(tmdb_error(404, 34, "not found")).mount(&server).await;
    let error = client(&server, Duration::from_secs(5)).movie_genres("en").await.expect_err("fails");
    assert!(matches!(error, TmdbError::NotFound));
    assert_eq!(requests(&server).await, 1);

    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(tmdb_error(401, 7, "Invalid API key")).mount(&server).await;
    let error = client(&server, Duration::from_secs(5)).movie_genres("en").await.expect_err("fails");
    assert!(matches!(error, TmdbError::Unauthorized { .. }), "{error:?}");
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn honours_retry_after_on_429() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(tmdb_error(429, 25, "over the limit").insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ok()).mount(&server).await;
    let started = Instant::now();
    client(&server, Duration::from_secs(5)).movie_genres("en").await.expect("succeeds after waiting");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_fails_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(tmdb_error(429, 25, "over the limit").insert_header("retry-after", "60"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server, Duration::from_secs(5)).movie_genres("en").await.expect_err("fails");
    assert!(matches!(error, TmdbError::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(60)));
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_call_never_outlives_its_budget() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok().set_delay(Duration::from_secs(5))).mount(&server).await;
    let started = Instant::now();
    let error = client(&server, Duration::from_millis(900)).movie_genres("en").await.expect_err("times out");
    assert!(matches!(error, TmdbError::Timeout), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(1200), "took {:?}", started.elapsed());
    // Each attempt got a third of the budget, so there was room to retry.
    assert!(requests(&server).await >= 2);
}

#[tokio::test]
async fn connection_errors_are_reported_as_such() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let mut config = TmdbConfig::new(format!("http://{addr}/3"), Credential::ApiKey("k".into()));
    config.min_backoff = Duration::from_millis(10);
    let error = TmdbClient::new(config).expect("client").movie_genres("en").await.expect_err("fails");
    assert!(matches!(error, TmdbError::Connection(_)), "{error:?}");
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_key_stays_with_tmdb() {
    let server = MockServer::start().await;
    Mock::given(path("/3/genre/movie/list"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/elsewhere", server.uri())))
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere")).respond_with(ok()).mount(&server).await;
    let error = client(&server, Duration::from_secs(2)).movie_genres("en").await.expect_err("not followed");
    assert!(matches!(error, TmdbError::Rejected { status: 302, .. }), "{error:?}");
    let paths: Vec<String> =
        server.received_requests().await.unwrap_or_default().iter().map(|r| r.url.path().to_owned()).collect();
    assert_eq!(paths, ["/3/genre/movie/list"], "the key was not sent on");
}

#[tokio::test]
async fn connection_errors_never_name_the_url_and_its_api_key() {
    // A port nothing listens on: every attempt is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = closed.local_addr().expect("addr");
    drop(closed);
    let mut config = TmdbConfig::new(format!("http://{address}/3"), Credential::ApiKey("v3-key-0123456789".into()));
    config.min_backoff = Duration::from_millis(5);
    let error = TmdbClient::new(config).expect("client").movie_genres("en").await.expect_err("refused");
    assert!(matches!(error, TmdbError::Connection(_)), "{error:?}");
    let message = error.to_string();
    assert!(!message.contains("v3-key-0123456789") && !message.contains("api_key"), "{message}");
}
