//! `/api/favorites/...` through the real router.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{TestApp, app, get_with_token, send, sign_up};
use serde_json::{Value, json};

async fn add(app: &TestApp, token: &str, tmdb_id: Value) -> (StatusCode, Value) {
    let request = Request::post("/api/favorites/")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(json!({ "tmdb_id": tmdb_id }).to_string()))
        .expect("request");
    let (status, _, body) = send(app, request).await;
    (status, body)
}

async fn delete(app: &TestApp, token: &str, uri: &str) -> StatusCode {
    let request =
        Request::delete(uri).header("authorization", format!("Bearer {token}")).body(Body::empty()).expect("request");
    send(app, request).await.0
}

#[tokio::test]
async fn favorites_need_a_signed_in_user() {
    let app = app().await;
    let (status, headers, _) = send(&app, Request::get("/api/favorites/").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key("www-authenticate"));
}

#[tokio::test]
async fn adding_listing_showing_and_removing() {
    let app = app().await;
    let token = sign_up(&app, "ada@example.com").await;

    let (status, body) = add(&app, &token, json!(1267)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["title"], "The Dark Knight");
    assert_eq!(body["year"], 2008);
    assert!(body["poster_url"].as_str().is_some_and(|u| u.ends_with("/w342/poster-1267.svg")));
    let (status, _) = add(&app, &token, json!(1267)).await;
    assert_eq!(status, StatusCode::OK, "adding twice keeps one");
    let (status, _) = add(&app, &token, json!(2775)).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, _, list) = get_with_token(&app, "/api/favorites/?page_size=1", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["count"], 2);
    assert_eq!(list["total_pages"], 2);
    assert_eq!(list["results"][0]["id"], 2775, "newest first");
    assert_eq!(list["next"], "http://hub.test/api/favorites/?page_size=1&page=2");

    let (status, _, one) = get_with_token(&app, "/api/favorites/1267/", &token).await;
    assert_eq!((status, &one["id"]), (StatusCode::OK, &json!(1267)));
    assert_eq!(delete(&app, &token, "/api/favorites/1267/").await, StatusCode::NO_CONTENT);
    assert_eq!(delete(&app, &token, "/api/favorites/1267/").await, StatusCode::NOT_FOUND);
    let (status, _, _) = get_with_token(&app, "/api/favorites/1267/", &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_and_unknown_movies() {
    let app = app().await;
    let token = sign_up(&app, "ada@example.com").await;
    let (status, body) = add(&app, &token, json!(999_999)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = add(&app, &token, json!(0)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["details"]["parameter"], "tmdb_id");
    let (status, _) = add(&app, &token, json!("abc")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (uri, parameter) in [
        ("/api/favorites/?page_size=101", "page_size"),
        ("/api/favorites/?page=0", "page"),
        ("/api/favorites/x/", "tmdb_id"),
    ] {
        let (status, _, body) = get_with_token(&app, uri, &token).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"]["details"]["parameter"], parameter);
    }
}

#[tokio::test]
async fn nobody_sees_or_changes_another_users_favorites() {
    let app = app().await;
    let ada = sign_up(&app, "ada@example.com").await;
    let bob = sign_up(&app, "bob@example.com").await;
    add(&app, &ada, json!(1267)).await;
    let (status, _, _) = get_with_token(&app, "/api/favorites/1267/", &bob).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(delete(&app, &bob, "/api/favorites/1267/").await, StatusCode::NOT_FOUND);
    let (_, _, list) = get_with_token(&app, "/api/favorites/", &bob).await;
    assert_eq!(list["count"], 0);
    let (_, _, list) = get_with_token(&app, "/api/favorites/", &ada).await;
    assert_eq!(list["count"], 1);
}

#[tokio::test]
async fn twenty_parallel_adds_of_one_movie_make_one_favorite() {
    let app = std::sync::Arc::new(app().await);
    let token = sign_up(&app, "ada@example.com").await;
    let adds: Vec<_> = (0..20)
        .map(|_| {
            let (app, token) = (app.clone(), token.clone());
            tokio::spawn(async move { add(&app, &token, json!(1267)).await.0 })
        })
        .collect();
    let mut created = 0;
    for add in adds {
        match add.await.expect("joined") {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 1);
    let (_, _, list) = get_with_token(&app, "/api/favorites/", &token).await;
    assert_eq!(list["count"], 1);
}

#[tokio::test]
async fn for_you_offers_movies_to_pick_until_favorites_then_is_built_from_them() {
    let app = app().await;
    let token = sign_up(&app, "ada@example.com").await;
    let (status, _, body) = get_with_token(&app, "/api/recommendations/", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["based_on"], "onboarding");
    let picks = body["results"].as_array().expect("results");
    assert_eq!(picks.len(), 20, "24 to pick from, 20 a page");
    assert_eq!(body["count"], 24);
    let genres: std::collections::HashSet<&str> =
        picks.iter().filter_map(|movie| movie["genres"][0].as_str()).collect();
    assert!(genres.len() >= 6, "across genres: {genres:?}");

    add(&app, &token, json!(1267)).await; // The Dark Knight
    add(&app, &token, json!(1265)).await; // Batman Begins
    let (status, _, body) = get_with_token(&app, "/api/recommendations/", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["based_on"], "favorites", "adding a favorite refreshed the list");
    let results = body["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for movie in results {
        assert!(movie["id"] != 1267 && movie["id"] != 1265, "favorites are not recommended back");
        let because = movie["because"].as_array().expect("because");
        assert!(!because.is_empty(), "{movie}");
        for reason in because {
            assert!(reason["id"] == 1267 || reason["id"] == 1265, "a reason is one of the user's movies: {reason}");
            assert_eq!(reason["kind"], "favorite", "{reason}");
            assert!(reason["title"] == "The Dark Knight" || reason["title"] == "Batman Begins", "{reason}");
        }
    }
    assert!(
        results[0]["because"].as_array().is_some_and(|b| b.len() == 2),
        "the top pick is one both favorites point to: {}",
        results[0]
    );

    delete(&app, &token, "/api/favorites/1267/").await;
    delete(&app, &token, "/api/favorites/1265/").await;
    let (_, _, body) = get_with_token(&app, "/api/recommendations/", &token).await;
    assert_eq!(body["based_on"], "onboarding", "removing favorites refreshed the list");
}

#[tokio::test]
async fn a_high_rating_alone_is_enough_to_learn_from_and_a_low_one_is_not() {
    let app = app().await;
    let token = sign_up(&app, "rater@example.com").await;
    let rate = |id: u64, rating: u64| {
        let request = Request::put(format!("/api/ratings/{id}/"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(json!({ "rating": rating }).to_string()))
            .expect("request");
        send(&app, request)
    };
    assert_eq!(rate(1267, 3).await.0, StatusCode::CREATED);
    let (_, _, body) = get_with_token(&app, "/api/recommendations/", &token).await;
    assert_eq!(body["based_on"], "onboarding", "a 3 says what not to show, not what to show");
    assert_eq!(rate(2026, 9).await.0, StatusCode::CREATED);
    let (_, _, body) = get_with_token(&app, "/api/recommendations/", &token).await;
    assert_eq!(body["based_on"], "ratings", "{body}");
    let results = body["results"].as_array().expect("results");
    assert!(!results.is_empty());
    assert!(results.iter().all(|movie| movie["because"][0]["kind"] == "rated" && movie["because"][0]["id"] == 2026));
    assert!(results.iter().all(|movie| movie["id"] != 1267 && movie["id"] != 2026), "seen movies are left out");
}
