//! One failure, one answer: the REST API, GraphQL and the UI's server functions meet the same
//! service failures and must answer each with the same status, `code` and `Retry-After`, since
//! all three convert from the services' one classification (`services::failure`). Each row
//! provokes the failure for real through each, on the real router.

mod common;

use app::components::favorite_toggle::SetFavorite;
use app::pages::for_you::ListForYou;
use app::pages::home::ListHomeRow;
use app::session::{Register, SignIn};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::{TestApp, app, app_with, browser_session, send, sign_up};
use leptos::server_fn::ServerFn;
use serde_json::{Value, json};

/// What a client can tell apart about a failure.
#[derive(Debug, PartialEq)]
struct Answer {
    status: StatusCode,
    code: String,
    retry_after: Option<String>,
}

fn answer(status: StatusCode, headers: &HeaderMap, body: &Value) -> Answer {
    // REST nests the error (`{"error": {"code"}}`); a server function's body is the error.
    let code = body["error"]["code"].as_str().or_else(|| body["code"].as_str()).unwrap_or_default().to_owned();
    let retry_after = headers.get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Answer { status, code, retry_after }
}

async fn rest(app: &TestApp, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request.header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    };
    let (status, headers, body) = send(app, request.expect("request")).await;
    answer(status, &headers, &body)
}

/// A server function called as the hydrated UI calls it (a form-encoded POST; `GetUrl` ones
/// take their arguments in the query).
async fn server_fn(app: &TestApp, path: &str, form: &str, cookies: &str, get: bool) -> Answer {
    let request = if get {
        Request::get(format!("{path}?{form}")).body(Body::empty())
    } else {
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
    };
    let mut request = request.expect("request");
    let headers = request.headers_mut();
    headers.insert("sec-fetch-site", "same-origin".parse().expect("header"));
    headers.insert(header::COOKIE, cookies.parse().expect("header"));
    let (status, headers, body) = send(app, request).await;
    answer(status, &headers, &body)
}

/// The same failure met through GraphQL: the HTTP answer is 200 with the error in the body,
/// whose extensions carry the status, code and wait REST would have answered with.
async fn graphql(app: &TestApp, query: &str, token: Option<&str>) -> Answer {
    let mut request = Request::post("/api/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = Body::from(json!({ "query": query }).to_string());
    let (status, _, body) = send(app, request.body(body).expect("request")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let extensions = &body["errors"][0]["extensions"];
    Answer {
        status: extensions["status"].as_u64().and_then(|s| StatusCode::from_u16(s as u16).ok()).expect("a status"),
        code: extensions["code"].as_str().unwrap_or_default().to_owned(),
        retry_after: extensions["retryAfter"].as_u64().map(|seconds| seconds.to_string()),
    }
}

fn same(row: &str, rest: Answer, server_fn: Answer, expected: (StatusCode, &str)) {
    assert_eq!((rest.status, rest.code.as_str()), expected, "{row}: REST {rest:?}");
    assert_eq!(rest, server_fn, "{row}: REST and the server function disagree");
}

fn same_in_graphql(row: &str, rest: Answer, graphql: Answer, server_fn: Answer, expected: (StatusCode, &str)) {
    assert_eq!(rest, graphql, "{row}: REST and GraphQL disagree");
    same(row, rest, server_fn, expected);
}

#[tokio::test]
async fn the_same_failure_answers_the_same_through_rest_and_server_functions() {
    let app = app().await;
    let token = sign_up(&app, "rest@example.com").await;
    let cookies = browser_session(&app, "ui%40example.com").await;
    let missing = 999_999_999;

    same_in_graphql(
        "a parameter out of range",
        rest(&app, "GET", "/api/recommendations/?page=0", Some(&token), None).await,
        graphql(&app, "{ forYou(page: 0) { count } }", Some(&token)).await,
        server_fn(&app, ListForYou::PATH, "page=0", &cookies, false).await,
        (StatusCode::BAD_REQUEST, "invalid_parameter"),
    );
    same_in_graphql(
        "nobody signed in",
        rest(&app, "POST", "/api/favorites/", None, Some(json!({ "tmdb_id": 1267 }))).await,
        graphql(&app, "mutation { addFavorite(movieId: 1267) { id } }", None).await,
        server_fn(&app, SetFavorite::PATH, "tmdb_id=1267&favorite=true", "", false).await,
        (StatusCode::UNAUTHORIZED, "unauthorized"),
    );
    same_in_graphql(
        "a movie the catalog does not know",
        rest(&app, "POST", "/api/favorites/", Some(&token), Some(json!({ "tmdb_id": missing }))).await,
        graphql(&app, &format!("mutation {{ addFavorite(movieId: {missing}) {{ id }} }}"), Some(&token)).await,
        server_fn(&app, SetFavorite::PATH, &format!("tmdb_id={missing}&favorite=true"), &cookies, false).await,
        (StatusCode::NOT_FOUND, "not_found"),
    );
    same(
        "a wrong password",
        rest(&app, "POST", "/api/auth/token/", None, Some(json!({ "email": "rest@example.com", "password": "wrong" })))
            .await,
        server_fn(&app, SignIn::PATH, "email=rest%40example.com&password=wrong&next=", "", false).await,
        (StatusCode::UNAUTHORIZED, "unauthorized"),
    );
    let taken = json!({ "email": "rest@example.com", "password": "correct horse battery staple" });
    same(
        "an email that already has an account",
        rest(&app, "POST", "/api/auth/register/", None, Some(taken)).await,
        server_fn(
            &app,
            Register::PATH,
            "email=rest%40example.com&password=correct+horse+battery+staple&next=",
            "",
            false,
        )
        .await,
        (StatusCode::CONFLICT, "conflict"),
    );
    let invalid = json!({ "email": "not-an-email", "password": "correct horse battery staple" });
    same(
        "an invalid email",
        rest(&app, "POST", "/api/auth/register/", None, Some(invalid)).await,
        server_fn(&app, Register::PATH, "email=not-an-email&password=correct+horse+battery+staple&next=", "", false)
            .await,
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
    );

    // Ten failed sign-ins lock the account for a while, whichever door they came through.
    for _ in 0..10 {
        rest(&app, "POST", "/api/auth/token/", None, Some(json!({ "email": "ui@example.com", "password": "no" })))
            .await;
    }
    let rest_answer =
        rest(&app, "POST", "/api/auth/token/", None, Some(json!({ "email": "ui@example.com", "password": "no" })))
            .await;
    let ui_answer = server_fn(&app, SignIn::PATH, "email=ui%40example.com&password=no&next=", "", false).await;
    assert_eq!((rest_answer.status, rest_answer.code.as_str()), (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"));
    assert_eq!((ui_answer.status, ui_answer.code.as_str()), (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"));
    // The wait is the limiter's, read a moment apart: a second may pass between the two.
    let wait =
        |answer: &Answer| answer.retry_after.as_deref().and_then(|s| s.parse::<u64>().ok()).expect("Retry-After");
    assert!(wait(&rest_answer).abs_diff(wait(&ui_answer)) <= 1, "{rest_answer:?} {ui_answer:?}");
}

#[tokio::test]
async fn an_unreachable_movie_database_answers_the_same_through_rest_and_server_functions() {
    let dead = "http://127.0.0.1:9"; // discard: nothing listens
    let app = app_with(&["--tmdb-api-key", "k", "--tmdb-base-url", dead, "--tmdb-timeout-secs", "1"]).await;
    same_in_graphql(
        "TMDb unreachable, nothing cached",
        rest(&app, "GET", "/api/movies/popular/", None, None).await,
        graphql(&app, "{ popular { count } }", None).await,
        server_fn(&app, ListHomeRow::PATH, "row=popular", "", true).await,
        (StatusCode::SERVICE_UNAVAILABLE, "upstream_unavailable"),
    );
}
