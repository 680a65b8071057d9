//! `/api/watchlist/...`, `/api/not-interested/...` and `/api/ratings/...` through the real
//! router, on the built-in catalog (1267 The Dark Knight, 2026 Inception, 1265 Batman Begins).

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{TestApp, app, get, get_with_token, send, sign_up};
use serde_json::{Value, json};

/// `method uri` with `body` as JSON, as the user of `token`.
async fn call(app: &TestApp, token: &str, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let request = Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {token}"));
    let request = match body {
        Some(body) => request.header("content-type", "application/json").body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    };
    let (status, _, body) = send(app, request.expect("request")).await;
    (status, body)
}

async fn count(app: &TestApp, token: &str, uri: &str) -> u64 {
    let (status, _, body) = get_with_token(app, uri, token).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body["count"].as_u64().expect("count")
}

#[tokio::test]
async fn the_watchlist_and_not_interested_work_like_favorites() {
    let app = app().await;
    let token = sign_up(&app, "shelves@example.com").await;
    for list in ["/api/watchlist/", "/api/not-interested/"] {
        let (status, body) = call(&app, &token, Method::POST, list, Some(json!({ "tmdb_id": 1267 }))).await;
        assert_eq!(status, StatusCode::CREATED, "{list}: {body}");
        assert_eq!(body["title"], "The Dark Knight");
        assert!(body["poster_url"].as_str().is_some_and(|u| u.ends_with("/w342/poster-1267.svg")), "{body}");
        let (status, _) = call(&app, &token, Method::POST, list, Some(json!({ "tmdb_id": 1267 }))).await;
        assert_eq!(status, StatusCode::OK, "{list}: adding twice keeps one");
        call(&app, &token, Method::POST, list, Some(json!({ "tmdb_id": 2026 }))).await;

        let (status, _, page) = get_with_token(&app, &format!("{list}?page_size=1"), &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((page["count"].as_u64(), page["results"][0]["id"].as_u64()), (Some(2), Some(2026)), "{page}");
        assert!(
            page["next"].as_str().is_some_and(|next| next.contains(&format!("{list}?page_size=1&page=2"))),
            "{page}"
        );

        let (status, body) = call(&app, &token, Method::GET, &format!("{list}1267/"), None).await;
        assert_eq!((status, body["id"].as_u64()), (StatusCode::OK, Some(1267)));
        assert_eq!(call(&app, &token, Method::DELETE, &format!("{list}1267"), None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(call(&app, &token, Method::DELETE, &format!("{list}1267/"), None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(count(&app, &token, list).await, 1);
        // A movie TMDb does not know is refused, and a bad id is a bad parameter.
        let (status, body) = call(&app, &token, Method::POST, list, Some(json!({ "tmdb_id": 999999 }))).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
        let (status, _) = call(&app, &token, Method::GET, &format!("{list}abc/"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn rating_marks_seen_leaves_the_watchlist_and_replaces_an_earlier_rating() {
    let app = app().await;
    let token = sign_up(&app, "rater@example.com").await;
    call(&app, &token, Method::POST, "/api/watchlist/", Some(json!({ "tmdb_id": 1267 }))).await;
    assert_eq!(count(&app, &token, "/api/watchlist/").await, 1);

    let (status, body) = call(&app, &token, Method::PUT, "/api/ratings/1267/", Some(json!({ "rating": 9 }))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!((body["id"].as_u64(), body["rating"].as_u64()), (Some(1267), Some(9)));
    assert_eq!(count(&app, &token, "/api/watchlist/").await, 0, "rating takes it off the watchlist");

    let (status, body) = call(&app, &token, Method::PUT, "/api/ratings/1267", Some(json!({ "rating": 7 }))).await;
    assert_eq!((status, body["rating"].as_u64()), (StatusCode::OK, Some(7)), "{body}");
    // Seen without a rating, and a higher rating for another.
    let (status, body) = call(&app, &token, Method::PUT, "/api/ratings/2026/", Some(json!({}))).await;
    assert_eq!((status, body["rating"].clone()), (StatusCode::CREATED, Value::Null), "{body}");
    call(&app, &token, Method::PUT, "/api/ratings/1265/", Some(json!({ "rating": 10 }))).await;

    let (_, _, newest) = get_with_token(&app, "/api/ratings/", &token).await;
    let ids =
        |page: &Value| page["results"].as_array().expect("results").iter().map(|m| m["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&newest), vec![json!(1265), json!(2026), json!(1267)], "{newest}");
    let (_, _, by_rating) = get_with_token(&app, "/api/ratings/?sort=rating", &token).await;
    assert_eq!(ids(&by_rating), vec![json!(1265), json!(1267), json!(2026)], "unrated last: {by_rating}");
    let (status, _, body) = get_with_token(&app, "/api/ratings/?sort=best", &token).await;
    assert_eq!((status, body["error"]["details"]["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some("sort")));

    let (status, body) = call(&app, &token, Method::GET, "/api/ratings/1267/", None).await;
    assert_eq!((status, body["rating"].as_u64()), (StatusCode::OK, Some(7)));
    // Everything about one movie in one call.
    let (status, body) = call(&app, &token, Method::GET, "/api/me/movies/1267/", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "favorite": false, "watchlist": false, "seen": true, "rating": 7, "not_interested": false })
    );
    let (_, untouched) = call(&app, &token, Method::GET, "/api/me/movies/603/", None).await;
    assert_eq!(untouched["seen"], false, "a movie never touched is all false: {untouched}");
    assert_eq!(call(&app, &token, Method::DELETE, "/api/ratings/1267/", None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(call(&app, &token, Method::GET, "/api/ratings/1267/", None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_rating_is_a_whole_number_from_1_to_10() {
    let app = app().await;
    let token = sign_up(&app, "strict@example.com").await;
    for bad in [json!(0), json!(11), json!(7.5), json!("9"), json!(-3), json!(true)] {
        let (status, body) =
            call(&app, &token, Method::PUT, "/api/ratings/1267/", Some(json!({ "rating": bad.clone() }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert_eq!(body["error"]["code"], "validation_failed", "{bad}: {body}");
        assert!(body["error"]["details"]["fields"]["rating"].is_string(), "{bad}: {body}");
    }
    // JSON Schema's integers include 8.0, in a body and in a path alike.
    let (status, body) = call(&app, &token, Method::PUT, "/api/ratings/1267.0/", Some(json!({ "rating": 8.0 }))).await;
    assert_eq!(
        (status, body["rating"].as_u64(), body["id"].as_u64()),
        (StatusCode::CREATED, Some(8), Some(1267)),
        "{body}"
    );
    assert_eq!(call(&app, &token, Method::DELETE, "/api/ratings/1267/", None).await.0, StatusCode::NO_CONTENT);
    let (status, body) = call(&app, &token, Method::PUT, "/api/ratings/999999/", Some(json!({ "rating": 5 }))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    assert_eq!(count(&app, &token, "/api/ratings/").await, 0, "nothing was saved");
}

#[tokio::test]
async fn each_user_sees_only_their_own_movies_and_strangers_none() {
    let app = app().await;
    let ada = sign_up(&app, "ada@example.com").await;
    let bob = sign_up(&app, "bob@example.com").await;
    call(&app, &ada, Method::POST, "/api/watchlist/", Some(json!({ "tmdb_id": 1267 }))).await;
    call(&app, &ada, Method::PUT, "/api/ratings/2026/", Some(json!({ "rating": 8 }))).await;
    call(&app, &ada, Method::POST, "/api/not-interested/", Some(json!({ "tmdb_id": 1265 }))).await;
    for list in ["/api/watchlist/", "/api/ratings/", "/api/not-interested/"] {
        assert_eq!(count(&app, &bob, list).await, 0, "{list}");
        assert_eq!(count(&app, &ada, list).await, 1, "{list}");
    }
    assert_eq!(call(&app, &bob, Method::GET, "/api/ratings/2026/", None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(call(&app, &bob, Method::DELETE, "/api/watchlist/1267/", None).await.0, StatusCode::NOT_FOUND);
    for uri in ["/api/watchlist/", "/api/ratings/", "/api/not-interested/", "/api/ratings/2026/"] {
        let (status, headers, _) = send(&app, Request::get(uri).body(Body::empty()).expect("request")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert!(headers.contains_key("www-authenticate"), "{uri}");
    }
}

#[tokio::test]
async fn for_you_leaves_out_what_the_user_has_seen_or_does_not_want() {
    let app = app().await;
    let token = sign_up(&app, "picky@example.com").await;
    call(&app, &token, Method::POST, "/api/favorites/", Some(json!({ "tmdb_id": 1267 }))).await;
    let (_, _, before) = get_with_token(&app, "/api/recommendations/", &token).await;
    let first = before["results"][0]["id"].as_u64().expect("a recommendation");
    let second = before["results"][1]["id"].as_u64().expect("another");
    call(&app, &token, Method::POST, "/api/not-interested/", Some(json!({ "tmdb_id": first }))).await;
    call(&app, &token, Method::PUT, &format!("/api/ratings/{second}/"), Some(json!({ "rating": 6 }))).await;

    let (_, _, after) = get_with_token(&app, "/api/recommendations/", &token).await;
    let pages = after["total_pages"].as_u64().expect("pages");
    for page in 1..=pages {
        let (_, _, body) = get_with_token(&app, &format!("/api/recommendations/?page={page}"), &token).await;
        for movie in body["results"].as_array().expect("results") {
            assert_ne!(movie["id"].as_u64(), Some(first), "dismissed, yet recommended");
            assert_ne!(movie["id"].as_u64(), Some(second), "seen, yet recommended");
        }
    }
}

fn ids(page: &Value) -> Vec<u64> {
    page["results"].as_array().expect("results").iter().map(|movie| movie["id"].as_u64().expect("id")).collect()
}

#[tokio::test]
async fn catalog_lists_hide_what_the_bearer_has_seen_or_saved_when_asked() {
    let app = app().await;
    let token = sign_up(&app, "hider@example.com").await;
    let other = sign_up(&app, "nothing-saved@example.com").await;
    let list = "/api/movies/popular/";
    let (status, all) = get(&app, list).await;
    assert_eq!(status, StatusCode::OK);
    let all_ids = ids(&all);
    let [seen, watchlisted, favorite, ..] = all_ids[..] else { panic!("a page of at least three: {all}") };
    call(&app, &token, Method::PUT, &format!("/api/ratings/{seen}/"), Some(json!({ "rating": 8 }))).await;
    call(&app, &token, Method::POST, "/api/watchlist/", Some(json!({ "tmdb_id": watchlisted }))).await;
    call(&app, &token, Method::POST, "/api/favorites/", Some(json!({ "tmdb_id": favorite }))).await;

    let hiding = format!("{list}?hide=seen,watchlist");
    let (status, _, page) = get_with_token(&app, &hiding, &token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let shown = ids(&page);
    assert!(!shown.contains(&seen) && !shown.contains(&watchlisted), "{shown:?}");
    assert!(shown.contains(&favorite), "only what was asked is hidden: {shown:?}");
    assert_eq!(shown.len(), all_ids.len() - 2);
    assert_eq!(page["count"], all["count"], "totals stay the catalog's");
    assert!(page["next"].as_str().is_some_and(|next| next.contains("hide=seen%2Cwatchlist")), "{page}");
    let (_, _, favorites_hidden) = get_with_token(&app, &format!("{list}?hide=favorites"), &token).await;
    assert!(!ids(&favorites_hidden).contains(&favorite) && ids(&favorites_hidden).contains(&seen));

    // Another user asking the very same address gets their own answer, not a cached one.
    let (status, _, theirs) = get_with_token(&app, &hiding, &other).await;
    assert_eq!((status, ids(&theirs)), (StatusCode::OK, all_ids.clone()));

    // Every list takes it: trending, search, discover, a movie's recommendations.
    for uri in [
        "/api/movies/trending/?hide=seen".to_owned(),
        "/api/movies/search/?q=the&hide=seen".to_owned(),
        "/api/movies/discover/?hide=seen".to_owned(),
        format!("/api/movies/{favorite}/similar/?hide=seen"),
    ] {
        let (status, _, page) = get_with_token(&app, &uri, &token).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        assert!(!ids(&page).contains(&seen), "{uri}");
    }

    // `hide` needs a valid bearer token, and names lists it knows; without `hide`, a token
    // sent along is not even read.
    let (status, body) = get(&app, &hiding).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{body}");
    let (status, _, body) = get_with_token(&app, &format!("{list}?hide=watched"), &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["details"]["parameter"], "hide", "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("seen, watchlist")), "{body}");
    let (status, _, body) = get_with_token(&app, &hiding, "not-a-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _, _) = get_with_token(&app, list, "not-a-token").await;
    assert_eq!(status, StatusCode::OK);
}
