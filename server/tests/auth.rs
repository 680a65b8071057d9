//! `/api/auth/...` through the real router: every status a client can meet.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{TestApp, app, app_with, get_with_token, post_json, send};
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery staple";

async fn register(app: &TestApp, email: &str) -> Value {
    let (status, _, body) =
        post_json(app, "/api/auth/register/", json!({ "email": email, "password": PASSWORD })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

#[tokio::test]
async fn registering_signs_the_user_in() {
    let app = app().await;
    let body = register(&app, "Ada@Example.com").await;
    assert_eq!(body["user"]["email"], "ada@example.com");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().is_some_and(|s| s > 0 && s <= 900));
    let (status, _, me) = get_with_token(&app, "/api/auth/me/", body["access"].as_str().expect("access")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["id"], body["user"]["id"]);
}

#[tokio::test]
async fn registration_refuses_taken_emails_and_weak_passwords_by_field() {
    let app = app().await;
    register(&app, "ada@example.com").await;
    let (status, _, body) =
        post_json(&app, "/api/auth/register/", json!({ "email": "ADA@example.com", "password": PASSWORD })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    for (email, password, field) in [
        ("bob@example.com", "short", "password"),
        ("bob@example.com", "password123", "password"),
        ("bob@example.com", &"x".repeat(129)[..], "password"),
        ("not-an-email", PASSWORD, "email"),
    ] {
        let (status, _, body) =
            post_json(&app, "/api/auth/register/", json!({ "email": email, "password": password })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{email} {password}: {body}");
        assert!(body["error"]["details"]["fields"].get(field).is_some(), "{body}");
    }
}

#[tokio::test]
async fn bodies_that_are_not_json_are_refused_in_the_error_shape() {
    let app = app().await;
    let request =
        Request::post("/api/auth/token/").header("content-type", "application/json").body(Body::from("{not json"));
    let (status, _, body) = send(&app, request.expect("request")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "malformed_body");

    let request = Request::post("/api/auth/token/").header("content-type", "text/plain").body(Body::from("x"));
    let (status, _, body) = send(&app, request.expect("request")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(body["error"]["code"], "unsupported_media_type");

    let (status, _, body) = post_json(&app, "/api/auth/token/", json!({ "email": "a@b.co" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn sign_in_says_the_same_for_unknown_emails_and_wrong_passwords() {
    let app = app().await;
    register(&app, "ada@example.com").await;
    let (status, _, body) =
        post_json(&app, "/api/auth/token/", json!({ "email": "ADA@example.com", "password": PASSWORD })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["access"].is_string() && body["refresh"].is_string());

    let (wrong_status, wrong_headers, wrong) =
        post_json(&app, "/api/auth/token/", json!({ "email": "ada@example.com", "password": "wrong password!" })).await;
    let (unknown_status, _, unknown) =
        post_json(&app, "/api/auth/token/", json!({ "email": "nobody@example.com", "password": PASSWORD })).await;
    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_status, StatusCode::UNAUTHORIZED);
    // The same answer, but for the id of each request.
    assert_eq!(wrong["error"]["code"], unknown["error"]["code"]);
    assert_eq!(wrong["error"]["message"], unknown["error"]["message"]);
    assert!(wrong["error"]["details"].is_null() && unknown["error"]["details"].is_null());
    assert!(wrong_headers["www-authenticate"].to_str().expect("ascii").starts_with("Bearer"));
}

#[tokio::test]
async fn bad_access_tokens_get_401_with_www_authenticate() {
    let app = app().await;
    let access = register(&app, "ada@example.com").await["access"].as_str().expect("access").to_owned();

    let (status, headers, _) = send(&app, Request::get("/api/auth/me/").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key("www-authenticate"));

    let mut tampered = access.clone();
    tampered.pop();
    tampered.push(if access.ends_with('A') { 'B' } else { 'A' });
    let (parts, _) = access.rsplit_once('.').expect("jwt");
    let (_, claims) = parts.split_once('.').expect("jwt");
    // The real claims under an `alg: none` header and no signature.
    let unsigned = format!("{}.{claims}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#));
    for token in [tampered, unsigned, "garbage".to_owned()] {
        let (status, headers, body) = get_with_token(&app, "/api/auth/me/", &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{token}: {body}");
        assert!(headers.contains_key("www-authenticate"));
    }
}

#[tokio::test]
async fn refresh_rotates_and_reuse_after_the_grace_revokes_the_whole_family() {
    // No grace: every second use is late.
    let app = app_with(&["--refresh-reuse-grace-secs", "0"]).await;
    let first = register(&app, "ada@example.com").await["refresh"].as_str().expect("refresh").to_owned();

    let (status, _, second) = post_json(&app, "/api/auth/token/refresh/", json!({ "refresh": first })).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let second_refresh = second["refresh"].as_str().expect("refresh").to_owned();
    assert_ne!(second_refresh, first);
    let (status, _, _) = get_with_token(&app, "/api/auth/me/", second["access"].as_str().expect("access")).await;
    assert_eq!(status, StatusCode::OK);

    // The first token again: someone has a copy. Both it and its successor stop working.
    let (status, headers, _) = post_json(&app, "/api/auth/token/refresh/", json!({ "refresh": first })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key("www-authenticate"));
    let (status, _, _) = post_json(&app, "/api/auth/token/refresh/", json!({ "refresh": second_refresh })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_refresh_retried_within_the_grace_gets_the_same_pair_and_keeps_the_family() {
    let app = app().await;
    let first = register(&app, "ada@example.com").await["refresh"].as_str().expect("refresh").to_owned();
    let refresh = |token: String| {
        let app = &app;
        async move { post_json(app, "/api/auth/token/refresh/", json!({ "refresh": token })).await }
    };
    let (status, _, second) = refresh(first.clone()).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    // The answer was lost, say, and the client retries with the same token: the same pair,
    // never a second, independent branch of the session.
    for _ in 0..3 {
        let (status, _, retried) = refresh(first.clone()).await;
        assert_eq!(status, StatusCode::OK, "{retried}");
        assert_eq!(retried["refresh"], second["refresh"]);
        assert_eq!(retried["access"], second["access"]);
    }
    let (status, _, _) = get_with_token(&app, "/api/auth/me/", second["access"].as_str().expect("access")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, third) = refresh(second["refresh"].as_str().expect("refresh").to_owned()).await;
    assert_eq!(status, StatusCode::OK, "{third}");

    // Signing out with the newest token ends the session for every copy in the chain.
    let (status, _, _) = post_json(&app, "/api/auth/logout/", json!({ "refresh": third["refresh"] })).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for token in [&first, second["refresh"].as_str().expect("refresh")] {
        let (status, _, body) = refresh(token.to_owned()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
}

#[tokio::test]
async fn signing_out_revokes_the_refresh_token() {
    let app = app().await;
    let refresh = register(&app, "ada@example.com").await["refresh"].as_str().expect("refresh").to_owned();
    let (status, _, _) = post_json(&app, "/api/auth/logout/", json!({ "refresh": refresh })).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = post_json(&app, "/api/auth/token/refresh/", json!({ "refresh": refresh })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Signing out twice is harmless.
    let (status, _, _) = post_json(&app, "/api/auth/logout/", json!({ "refresh": refresh })).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn repeated_sign_in_attempts_are_throttled_with_retry_after() {
    let app = app().await;
    register(&app, "ada@example.com").await;
    let mut throttled = None;
    for attempt in 0..15 {
        let (status, headers, body) =
            post_json(&app, "/api/auth/token/", json!({ "email": "ada@example.com", "password": "wrong password!" }))
                .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some((attempt, headers, body));
            break;
        }
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (attempt, headers, body) = throttled.expect("throttled within 15 attempts");
    assert_eq!(attempt, 10, "ten attempts per account per minute are allowed");
    assert!(headers["retry-after"].to_str().expect("ascii").parse::<u64>().expect("seconds") >= 1);
    assert_eq!(body["error"]["code"], "too_many_requests");
}
