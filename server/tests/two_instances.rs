//! Two server instances on one PostgreSQL and one Redis, as behind a load balancer: nothing a
//! user does depends on which instance answers. Favorites written through one are read through
//! the other, a refresh token spent or revoked through one is refused by the other (after the
//! reuse grace, which covers two tabs refreshing at once through both), and the
//! catalog cache filled by one serves the other.

mod common;

use axum::http::StatusCode;
use common::{TestApp, app_with, get, get_with_token, post_json};
use serde_json::{Value, json};

const SECRET: &str = "two-instances-share-this-secret-of-32+-chars";

/// Registration is not limited here: the limits live in the machine's Redis, shared by every
/// run of these tests, which register from one address. The shared limits have their own test.
async fn instance() -> TestApp {
    instance_with(&["--registrations-per-hour", "0"]).await
}

async fn instance_with(args: &[&str]) -> TestApp {
    let database =
        std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let redis = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let mut argv = vec!["--database-url", &database, "--redis-url", &redis, "--jwt-secret", SECRET];
    argv.extend_from_slice(args);
    app_with(&argv).await
}

fn email() -> String {
    format!("pair-{}@example.com", rand::random::<u64>())
}

async fn register(app: &TestApp, email: &str) -> Value {
    let (status, _, body) =
        post_json(app, "/api/auth/register/", json!({ "email": email, "password": "a long shared passphrase" })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

#[tokio::test]
async fn a_favorite_added_through_one_instance_is_listed_by_the_other() {
    let (a, b) = (instance().await, instance().await);
    let user = register(&a, &email()).await;
    let token = user["access"].as_str().expect("access");

    let request = axum::http::Request::post("/api/favorites/")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from(json!({ "tmdb_id": 1267 }).to_string()))
        .expect("request");
    let (status, _, _) = common::send(&a, request).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, _, list) = get_with_token(&b, "/api/favorites/", token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["count"], 1);
    assert_eq!(list["results"][0]["id"], 1267);
    // "For you" on the other instance already knows the new favorite.
    let (_, _, for_you) = get_with_token(&b, "/api/recommendations/", token).await;
    assert_eq!(for_you["based_on"], "favorites");
}

#[tokio::test]
async fn refresh_tokens_spent_or_revoked_through_one_instance_are_refused_by_the_other() {
    // No reuse grace, so that a second use is a replay at once.
    let strict = ["--refresh-reuse-grace-secs", "0", "--registrations-per-hour", "0"];
    let (a, b) = (instance_with(&strict).await, instance_with(&strict).await);
    let user = register(&a, &email()).await;
    let first = user["refresh"].as_str().expect("refresh").to_owned();

    // Spent on B...
    let (status, _, next) = post_json(&b, "/api/auth/token/refresh/", json!({ "refresh": first })).await;
    assert_eq!(status, StatusCode::OK, "{next}");
    let second = next["refresh"].as_str().expect("refresh").to_owned();
    // ...so presenting it again on A is a replay: refused, and the whole family with it.
    let (status, _, _) = post_json(&a, "/api/auth/token/refresh/", json!({ "refresh": first })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = post_json(&b, "/api/auth/token/refresh/", json!({ "refresh": second })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the family is revoked everywhere");

    // Signing out on one instance ends the session on the other.
    let other = register(&a, &email()).await;
    let refresh = other["refresh"].as_str().expect("refresh");
    let (status, _, _) = post_json(&a, "/api/auth/logout/", json!({ "refresh": refresh })).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = post_json(&b, "/api/auth/token/refresh/", json!({ "refresh": refresh })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Access tokens are checked by signature: either instance accepts the other's.
    let (status, _, me) = get_with_token(&b, "/api/auth/me/", other["access"].as_str().expect("access")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], other["user"]["id"]);
}

#[tokio::test]
async fn two_instances_refreshing_one_session_at_once_both_keep_it() {
    // Two tabs whose access tokens expired reach different instances with the same refresh
    // token: the first spends it, the second comes within the reuse grace. Neither signs out.
    let (a, b) = (instance().await, instance().await);
    let first = register(&a, &email()).await["refresh"].as_str().expect("refresh").to_owned();
    let ((status_a, _, pair_a), (status_b, _, pair_b)) = tokio::join!(
        post_json(&a, "/api/auth/token/refresh/", json!({ "refresh": first })),
        post_json(&b, "/api/auth/token/refresh/", json!({ "refresh": first })),
    );
    assert_eq!((status_a, status_b), (StatusCode::OK, StatusCode::OK), "{pair_a} {pair_b}");
    for (app, pair) in [(&a, &pair_a), (&b, &pair_b)] {
        let (status, _, next) = post_json(app, "/api/auth/token/refresh/", json!({ "refresh": pair["refresh"] })).await;
        assert_eq!(status, StatusCode::OK, "the family lives on: {next}");
    }
}

#[tokio::test]
async fn the_catalog_cache_filled_by_one_instance_serves_the_other() {
    let (a, b) = (instance().await, instance().await);
    let upstream_calls = |app: &TestApp| app._started.state.emulator.as_ref().expect("emulator").requests_received();
    // A query nobody has asked before, so no earlier run's cache entry answers it.
    let path = format!("/api/movies/search/?q=zz{}", rand::random::<u32>());

    let before_a = upstream_calls(&a);
    let (status, from_a) = get(&a, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(upstream_calls(&a) > before_a, "A went upstream on a miss");

    let before_b = upstream_calls(&b);
    let (status, from_b) = get(&b, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(upstream_calls(&b), before_b, "B answered from the shared cache");
    assert_eq!(from_a["results"], from_b["results"]);
}

/// A client network no other run of this test has used: the limits live in the shared Redis.
fn fresh_network() -> String {
    let random: u64 = rand::random();
    format!("2001:db8:{:x}:{:x}", (random >> 16) & 0xffff, random & 0xffff)
}

#[tokio::test]
async fn rate_limits_are_shared_so_more_instances_do_not_multiply_them() {
    let args = ["--api-rate-limit-per-second", "1", "--api-rate-limit-burst", "4", "--registrations-per-hour", "2"];
    let (a, b) = (instance_with(&args).await, instance_with(&args).await);
    let network = fresh_network();
    let get = |n: u32| {
        common::from(
            &format!("{network}::{n:x}"),
            axum::http::Request::get("/api/genres/").body(axum::body::Body::empty()).expect("request"),
        )
    };
    // Four requests through alternating instances use up the one budget of four...
    for n in 0..4 {
        let instance = if n % 2 == 0 { &a } else { &b };
        assert_eq!(common::send(instance, get(n)).await.0, StatusCode::OK, "request {n}");
    }
    // ...so both refuse the fifth (each alone would have allowed four).
    for instance in [&a, &b] {
        let (status, headers, _) = common::send(instance, get(9)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(headers.contains_key("retry-after"));
    }

    // Registration likewise: two per hour for a network, whichever instance is asked (another
    // network, since this one has spent its API budget).
    let network = fresh_network();
    let register = |n: u32| {
        let body = json!({ "email": email(), "password": "a long shared passphrase" }).to_string();
        let request = axum::http::Request::post("/api/auth/register/")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body))
            .expect("request");
        common::from(&format!("{network}::{n:x}"), request)
    };
    assert_eq!(common::send(&a, register(1)).await.0, StatusCode::CREATED);
    assert_eq!(common::send(&b, register(2)).await.0, StatusCode::CREATED);
    assert_eq!(common::send(&a, register(3)).await.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(common::send(&b, register(4)).await.0, StatusCode::TOO_MANY_REQUESTS);
}
