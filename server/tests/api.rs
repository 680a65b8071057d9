//! The REST API and operational endpoints through the real router, with the built-in
//! emulator behind the real TMDb client, an in-process cache and a temporary SQLite file.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{app, app_with, get};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

#[tokio::test]
async fn trending_answers_the_list_shape_with_and_without_the_slash() {
    let app = app().await;
    for uri in ["/api/movies/trending/", "/api/movies/trending"] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(body["page"], 1);
        assert_eq!(body["results"].as_array().map(Vec::len), Some(20));
        assert!(body["count"].as_u64().unwrap_or_default() > 20);
        assert_eq!(body["previous"], Value::Null);
        assert_eq!(body["next"], "http://hub.test/api/movies/trending/?page=2");
        let movie = &body["results"][0];
        for field in [
            "id",
            "title",
            "overview",
            "release_date",
            "year",
            "genres",
            "vote_average",
            "vote_count",
            "popularity",
            "poster_url",
            "backdrop_url",
        ] {
            assert!(movie.get(field).is_some(), "movie has {field}");
        }
        let poster = movie["poster_url"].as_str().expect("poster url");
        assert!(poster.starts_with("http://hub.test/emulator/t/p/w342/"), "{poster}");
    }
}

#[tokio::test]
async fn trending_pages_and_windows() {
    let app = app().await;
    let (_, day) = get(&app, "/api/movies/trending/?window=day").await;
    let (_, week) = get(&app, "/api/movies/trending/?window=week&page=2").await;
    assert_eq!(week["page"], 2);
    assert_eq!(week["previous"], "http://hub.test/api/movies/trending/?window=week&page=1");
    assert_eq!(week["next"], "http://hub.test/api/movies/trending/?window=week&page=3");
    assert_ne!(day["results"], week["results"]);
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_parameter() {
    let app = app().await;
    for (uri, parameter) in [
        ("/api/movies/trending/?window=month", "window"),
        ("/api/movies/trending/?page=0", "page"),
        ("/api/movies/trending/?page=501", "page"),
        ("/api/movies/trending/?page=two", "page"),
        ("/api/movies/trending/?language=english", "language"),
    ] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(body["error"]["code"], "invalid_parameter", "{uri}");
        assert_eq!(body["error"]["details"]["parameter"], parameter, "{uri}");
    }
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s() {
    let app = app().await;
    let (status, body) = get(&app, "/api/nothing/here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn emulator_images_are_served_by_the_server() {
    let app = app().await;
    let response = app
        .router
        .clone()
        .oneshot(Request::get("/emulator/t/p/w342/poster-1.svg").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
}

#[tokio::test]
async fn health_and_readiness() {
    let app = app().await;
    let (status, body) = get(&app, "/healthz").await;
    assert_eq!((status, &body["status"]), (StatusCode::OK, &Value::from("ok")));
    let body = common::upstream_probed(&app).await;
    assert_eq!(body["status"], "ready", "{body}");
    assert_eq!(body["checks"]["database"]["kind"], "sqlite");
    assert_eq!(body["checks"]["cache"]["kind"], "memory");
    assert_eq!(body["checks"]["upstream"]["status"], "up");
}

#[tokio::test]
async fn readiness_names_the_part_that_is_down() {
    // Real Redis URL pointing at a port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("redis://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let app = app_with(&["--redis-url", &url]).await;
    let (status, body) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["failing"], serde_json::json!(["cache"]));
    assert_eq!(body["checks"]["cache"]["status"], "down");
    // The catalog still answers: Redis is an optimisation, not a dependency.
    let (status, _) = get(&app, "/api/movies/trending/").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn postgres_is_selected_by_url_and_migrated() {
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let redis = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let app = app_with(&["--database-url", &url, "--redis-url", &redis]).await;
    let (status, body) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["checks"]["database"]["kind"], "postgres");
    assert_eq!(body["checks"]["cache"]["kind"], "redis");
}

#[tokio::test]
async fn the_home_page_is_server_rendered_with_trending_movies() {
    let app = app().await;
    let response =
        app.router.clone().oneshot(Request::get("/").body(Body::empty()).expect("request")).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let html = String::from_utf8_lossy(&bytes);
    assert!(html.contains("Trending today"));
    let trending = html.split("aria-label=\"Trending movies\"").nth(1).and_then(|rest| rest.split("</ul>").next());
    assert_eq!(trending.map(|list| list.matches("data-testid=\"movie-card\"").count()), Some(20), "20 trending cards");
    for row in ["Popular", "Top rated", "Coming soon"] {
        let list = html.split(&format!("aria-label=\"{row}\"")).nth(1).and_then(|rest| rest.split("</ul>").next());
        assert_eq!(list.map(|list| list.matches("data-testid=\"movie-card\"").count()), Some(12), "{row} row");
    }
}

fn assert_list(body: &Value) {
    for field in ["count", "next", "previous", "page", "total_pages", "results"] {
        assert!(body.get(field).is_some(), "list has {field}: {body}");
    }
}

#[tokio::test]
async fn every_catalog_list_answers_with_and_without_the_slash() {
    let app = app().await;
    for path in [
        "/api/movies/popular",
        "/api/movies/top-rated",
        "/api/movies/upcoming",
        "/api/movies/now-playing",
        "/api/movies/search?q=star",
        "/api/movies/discover",
        "/api/movies/1/recommendations",
        "/api/movies/1/similar",
        "/api/genres",
    ] {
        let slashed = match path.split_once('?') {
            Some((p, q)) => format!("{p}/?{q}"),
            None => format!("{path}/"),
        };
        for uri in [path.to_owned(), slashed] {
            let (status, body) = get(&app, &uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}: {body}");
            assert_list(&body);
            assert!(!body["results"].as_array().expect("results").is_empty(), "{uri} is empty");
        }
    }
}

#[tokio::test]
async fn search_finds_titles_and_keeps_the_query_in_links() {
    let app = app().await;
    let (status, body) = get(&app, "/api/movies/search/?q=king%20kong").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"][0]["title"], "King Kong");
    let (_, body) = get(&app, "/api/movies/search/?q=the&year=2005").await;
    let results = body["results"].as_array().expect("results");
    assert!(!results.is_empty());
    assert!(results.iter().all(|m| m["year"] == 2005));
    assert_eq!(body["next"], "http://hub.test/api/movies/search/?q=the&year=2005&page=2");
}

#[tokio::test]
async fn titles_with_accents_read_right_and_are_found_with_or_without_them() {
    let app = app().await;
    for query in ["L%C3%A9on", "leon"] {
        let (status, body) = get(&app, &format!("/api/movies/search/?q={query}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["results"][0]["title"], "Léon", "{query}: {body}");
    }
}

#[tokio::test]
async fn discover_applies_every_filter() {
    let app = app().await;
    let (status, body) =
        get(&app, "/api/movies/discover/?genre=action&year_from=2000&year_to=2005&min_rating=7&sort=rating").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let results = body["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let mut previous_rating = f64::MAX;
    for movie in results {
        assert!(movie["genres"].as_array().expect("genres").contains(&Value::from("Action")), "{movie}");
        let year = movie["year"].as_i64().expect("year");
        assert!((2000..=2005).contains(&year), "{movie}");
        let rating = movie["vote_average"].as_f64().expect("rating");
        assert!(rating >= 7.0 && rating <= previous_rating, "{movie}");
        previous_rating = rating;
    }
    // Genres are also accepted by id.
    let (status, by_id) =
        get(&app, "/api/movies/discover/?genre=28&year_from=2000&year_to=2005&min_rating=7&sort=rating").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_id["results"], body["results"]);
}

#[tokio::test]
async fn details_carry_everything_the_movie_page_needs() {
    let app = app().await;
    let (status, body) = get(&app, "/api/movies/1/").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["title"], "The Land Girls");
    assert_eq!(body["year"], 1998);
    assert_eq!(body["certification"], "R");
    for field in ["runtime", "tagline", "cast", "directors", "trailer", "recommendations", "similar", "poster_url"] {
        assert!(body.get(field).is_some(), "details have {field}");
    }
    assert!(!body["recommendations"].as_array().expect("list").is_empty());
    let (_, titanic) = get(&app, "/api/movies/search/?q=titanic").await;
    let id = titanic["results"][0]["id"].as_u64().expect("id");
    let (_, details) = get(&app, &format!("/api/movies/{id}")).await;
    assert_eq!(details["directors"], serde_json::json!(["James Cameron"]));
}

#[tokio::test]
async fn catalog_bad_input_names_the_parameter() {
    let app = app().await;
    for (uri, parameter) in [
        ("/api/movies/search/?q=", "q"),
        ("/api/movies/search/", "q"),
        ("/api/movies/search/?q=x&year=soon", "year"),
        ("/api/movies/search/?q=x&year=3000", "year"),
        ("/api/movies/discover/?genre=nope", "genre"),
        ("/api/movies/discover/?sort=best", "sort"),
        ("/api/movies/discover/?year_from=2005&year_to=2000", "year_to"),
        ("/api/movies/discover/?min_rating=11", "min_rating"),
        ("/api/movies/discover/?min_rating=high", "min_rating"),
        ("/api/movies/popular/?page=0", "page"),
        ("/api/movies/popular/?region=usa", "region"),
        ("/api/movies/abc/", "id"),
        ("/api/movies/0/", "id"),
        ("/api/movies/abc/similar/", "id"),
    ] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"]["details"]["parameter"], parameter, "{uri}: {body}");
    }
}

#[tokio::test]
async fn unknown_movies_are_json_404s() {
    let app = app().await;
    for uri in ["/api/movies/999999/", "/api/movies/999999/recommendations/", "/api/movies/999999/similar/"] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(body["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn genres_are_listed_with_ids() {
    let app = app().await;
    let (_, body) = get(&app, "/api/genres/").await;
    assert_eq!(body["total_pages"], 1);
    let results = body["results"].as_array().expect("results");
    assert!(results.contains(&serde_json::json!({ "id": 28, "name": "Action" })));
}

#[tokio::test]
async fn an_upstream_outage_is_a_fast_503_unless_a_copy_is_cached() {
    let app = app().await;
    let (status, _) = get(&app, "/api/movies/popular/").await;
    assert_eq!(status, StatusCode::OK);
    let emulator = app._started.upstream.emulator.as_ref().expect("emulator serves");
    emulator.emulator.faults.set(emulator::FaultSettings { refuse_connections: true, ..Default::default() });

    // Still fresh in the cache: served as before.
    let (status, _) = get(&app, "/api/movies/popular/").await;
    assert_eq!(status, StatusCode::OK);

    let started = std::time::Instant::now();
    let response = app
        .router
        .clone()
        .oneshot(Request::get("/api/movies/popular/?page=2").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "took {:?}", started.elapsed());
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(body["error"]["code"], "upstream_unavailable");
}

#[tokio::test]
async fn catalog_responses_are_compressed_and_served_again_as_sent() {
    let app = app().await;
    let request =
        || Request::get("/api/movies/top-rated/").header("accept-encoding", "br").body(Body::empty()).expect("request");
    let first = app.router.clone().oneshot(request()).await.expect("response");
    assert_eq!(first.headers()["content-encoding"], "br");
    let second = app.router.clone().oneshot(request()).await.expect("response");
    assert_eq!(second.headers()["content-encoding"], "br");
    assert!(second.headers().contains_key("x-request-id"), "each response still has its own request id");
    assert_ne!(first.headers()["x-request-id"], second.headers()["x-request-id"]);
    let first = first.into_body().collect().await.expect("body").to_bytes();
    let second = second.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(first, second);
    // A client that takes no compression gets plain JSON for the same URL.
    let (status, body) = get(&app, "/api/movies/top-rated/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["page"], 1);
}

#[tokio::test]
async fn catalog_answers_may_be_kept_and_revalidated_for_nothing() {
    let app = app().await;
    let request = |known: Option<&str>| {
        let mut request = Request::get("/api/movies/popular/?page=2").header("accept-encoding", "br");
        if let Some(known) = known {
            request = request.header("if-none-match", known);
        }
        request.body(Body::empty()).expect("request")
    };
    let (status, headers, body) = common::raw(&app, request(None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.is_empty());
    assert_eq!(headers["cache-control"], "public, max-age=60");
    let tag = headers["etag"].to_str().expect("etag").to_owned();
    assert!(tag.starts_with('"') && tag.ends_with('"'), "a strong tag: {tag}");

    // The client holds these bytes: 304, no body, the tag and caching repeated.
    for known in [tag.clone(), format!("\"other\", {tag}"), format!("W/{tag}"), "*".to_owned()] {
        let (status, headers, body) = common::raw(&app, request(Some(&known))).await;
        assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""), "{known}");
        assert_eq!(headers["etag"], tag.as_str());
        assert_eq!(headers["cache-control"], "public, max-age=60");
    }
    // Another tag, or another page, gets the whole answer.
    let (status, _, _) = common::raw(&app, request(Some("\"not-this\""))).await;
    assert_eq!(status, StatusCode::OK);
    let other = Request::get("/api/movies/popular/?page=3").header("if-none-match", &tag).body(Body::empty());
    let (status, headers, _) = common::raw(&app, other.expect("request")).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(headers["etag"], tag.as_str());

    // A bearer's own view of a list is never shared.
    let token = common::sign_up(&app, "etag@example.com").await;
    let mine = Request::get("/api/movies/popular/?hide=seen")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = common::raw(&app, mine).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers.get("etag").is_none());
}
