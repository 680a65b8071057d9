//! The emulator's HTTP surface: TMDb's paths, shapes, status codes and error bodies.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use emulator::{Emulator, EmulatorConfig};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn router() -> Router {
    let config = EmulatorConfig { credential: Some("key".into()), ..EmulatorConfig::default() };
    emulator::router(Arc::new(Emulator::new(config, "http://img.test/t/p/".into())))
}

async fn send(request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = router().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let separator = if uri.contains('?') { '&' } else { '?' };
    let request = Request::get(format!("{uri}{separator}api_key=key")).body(Body::empty()).expect("request");
    let (status, _, body) = send(request).await;
    (status, body)
}

fn assert_list_shape(body: &Value) {
    assert!(body["page"].is_u64());
    assert!(body["total_pages"].as_u64().is_some_and(|p| p <= 500));
    assert!(body["total_results"].is_u64());
    let results = body["results"].as_array().expect("results");
    assert!(results.len() <= 20);
    for movie in results {
        for field in [
            "id",
            "title",
            "overview",
            "release_date",
            "genre_ids",
            "vote_average",
            "vote_count",
            "popularity",
            "poster_path",
            "backdrop_path",
        ] {
            assert!(movie.get(field).is_some(), "{field} missing in {movie}");
        }
    }
}

#[tokio::test]
async fn every_list_has_tmdbs_shape() {
    for uri in [
        "/3/trending/movie/day",
        "/3/trending/movie/week",
        "/3/movie/popular",
        "/3/movie/top_rated",
        "/3/movie/now_playing",
        "/3/movie/upcoming",
        "/3/search/movie?query=star",
        "/3/discover/movie?with_genres=28&sort_by=vote_average.desc",
        "/3/movie/1/recommendations",
        "/3/movie/1/similar",
    ] {
        let (status, body) = get(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_list_shape(&body);
        assert!(!body["results"].as_array().expect("results").is_empty(), "{uri} is empty");
    }
}

#[tokio::test]
async fn now_playing_and_upcoming_carry_their_dates() {
    let (_, body) = get("/3/movie/upcoming").await;
    assert!(body["dates"]["minimum"].is_string() && body["dates"]["maximum"].is_string());
}

#[tokio::test]
async fn details_append_everything_in_one_call() {
    let (status, body) =
        get("/3/movie/1?append_to_response=credits,videos,recommendations,similar,release_dates").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["id"], 1);
    assert_eq!(body["title"], "The Land Girls");
    assert!(body["genres"].is_array());
    for part in ["credits", "videos", "recommendations", "similar", "release_dates"] {
        assert!(body.get(part).is_some(), "{part} appended");
    }
    assert_eq!(body["release_dates"]["results"][0]["release_dates"][0]["certification"], "R");
}

#[tokio::test]
async fn french_is_served_where_translated_and_left_empty_where_not() {
    let (_, godfather) = get("/3/movie/370?language=fr-FR&append_to_response=similar").await;
    assert_eq!(godfather["title"], "Le Parrain");
    assert_eq!(godfather["original_title"], "The Godfather");
    assert!(godfather["overview"].as_str().unwrap().starts_with("Film (histoire) sorti en 1972"));
    assert_eq!(godfather["genres"][0]["name"], "Histoire");
    assert!(godfather["similar"]["results"].as_array().unwrap().iter().all(|m| m["overview"].is_string()));

    // No French translation: TMDb's original title and an empty overview, no English.
    let (_, untranslated) = get("/3/movie/1267?language=fr").await;
    assert_eq!(untranslated["title"], "The Dark Knight");
    assert_eq!(untranslated["overview"], "");
    let (_, english) = get("/3/movie/1267").await;
    assert!(!english["overview"].as_str().unwrap().is_empty());

    let (_, genres) = get("/3/genre/movie/list?language=fr-FR").await;
    assert!(genres["genres"].as_array().unwrap().iter().any(|g| g["id"] == 35 && g["name"] == "Comédie"));

    // Found by its French title whatever the language asked for, as TMDb finds translations.
    let (_, found) = get("/3/search/movie?query=le%20parrain").await;
    assert_eq!(found["results"][0]["id"], 370);
    assert_eq!(found["results"][0]["title"], "The Godfather");

    let (_, nolan) = get("/3/search/person?query=christopher%20nolan").await;
    let id = nolan["results"][0]["id"].as_u64().unwrap();
    let (_, person) = get(&format!("/3/person/{id}?language=fr-FR")).await;
    assert_eq!(person["biography"], "", "biographies are English only, as many are on TMDb");
}

#[tokio::test]
async fn releases_are_rated_in_each_country_the_data_allows() {
    let (_, body) = get("/3/movie/1?append_to_response=release_dates").await;
    let rating = |country: &str| {
        body["release_dates"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["iso_3166_1"] == country)
            .map(|r| r["release_dates"][0]["certification"].clone())
    };
    assert_eq!(rating("US"), Some("R".into()));
    assert_eq!(rating("GB"), Some("15".into()));
    assert_eq!(rating("DE"), Some("16".into()));
    assert_eq!(rating("JP"), None);
}

#[tokio::test]
async fn directors_are_people_with_their_films_photos_and_a_search() {
    let (status, found) = get("/3/search/person?query=nolan").await;
    assert_eq!(status, StatusCode::OK);
    let nolan = found["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|p| p["name"] == "Christopher Nolan")
        .expect("Christopher Nolan is found")
        .clone();
    assert_eq!(nolan["known_for"][0]["media_type"], "movie");
    let id = nolan["id"].as_u64().expect("an id");

    let (status, person) = get(&format!("/3/person/{id}?append_to_response=movie_credits")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(person["name"], "Christopher Nolan");
    assert_eq!(person["known_for_department"], "Directing");
    assert!(person["biography"].as_str().is_some_and(|b| b.contains("Inception")), "{}", person["biography"]);
    let crew = person["movie_credits"]["crew"].as_array().expect("crew");
    assert_eq!(crew.len(), 7);
    assert!(crew.iter().all(|credit| credit["job"] == "Director" && credit["title"].is_string()));

    // The film's credits point back at the same person, with a photo that is served.
    let (_, inception) = get("/3/movie/2026?append_to_response=credits").await;
    let director = &inception["credits"]["crew"][0];
    assert_eq!(director["id"], id);
    let photo = format!("/t/p/w185{}", director["profile_path"].as_str().expect("a photo"));
    let response = router().oneshot(Request::get(photo).body(Body::empty()).expect("request")).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");

    let (_, discovered) = get(&format!("/3/discover/movie?with_people={id}")).await;
    assert_eq!(discovered["total_results"], 7);
    let (status, _) = get("/3/person/1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get("/3/discover/movie?with_people=nolan").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn errors_use_tmdbs_bodies_and_statuses() {
    let (status, body) = get("/3/movie/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status_code"], 34);
    assert_eq!(body["success"], false);

    let (status, body) = get("/3/movie/popular?page=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["status_code"], 22);
    let (status, _) = get("/3/movie/popular?page=501").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = get("/3/discover/movie?sort_by=nonsense").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["status_code"], 5);
}

#[tokio::test]
async fn a_credential_is_required_as_key_or_bearer() {
    let (status, _, body) = send(Request::get("/3/movie/popular").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["status_code"], 7);
    let request =
        Request::get("/3/movie/popular").header("authorization", "Bearer key").body(Body::empty()).expect("request");
    let (status, _, _) = send(request).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn configuration_points_at_the_image_base() {
    let (status, body) = get("/3/configuration").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["images"]["secure_base_url"], "http://img.test/t/p/");
    assert!(body["images"]["poster_sizes"].as_array().expect("sizes").contains(&Value::from("w342")));
}

#[tokio::test]
async fn pages_past_the_end_are_empty_like_tmdbs() {
    let (status, body) = get("/3/search/movie?query=king%20kong&page=400").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"], Value::Array(vec![]));
}

#[tokio::test]
async fn posters_are_svg() {
    let response = router()
        .oneshot(Request::get("/t/p/w342/poster-1.svg").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let (status, _, _) = send(Request::get("/t/p/w342/poster-999999.svg").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn injected_rate_limits_carry_retry_after() {
    let router = router();
    let put = Request::put("/__emulator/faults")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"rate_limit_rate":1.0,"retry_after_secs":7}"#))
        .expect("request");
    assert_eq!(router.clone().oneshot(put).await.expect("response").status(), StatusCode::OK);
    let response = router
        .oneshot(Request::get("/3/movie/popular?api_key=key").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "7");

    let bad = Request::put("/__emulator/faults")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"failure_rate":2.0}"#))
        .expect("request");
    let (status, _, _) = send(bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn with_an_admin_token_the_fault_endpoints_need_it() {
    let config = EmulatorConfig { admin_token: Some("admin-secret".into()), ..EmulatorConfig::default() };
    let router = emulator::router(Arc::new(Emulator::new(config, "http://img.test/t/p/".into())));
    let put = |token: Option<&str>| {
        let mut request = Request::put("/__emulator/faults").header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(Body::from(r#"{"refuse_connections":true}"#)).expect("request")
    };
    for token in [None, Some("guess")] {
        let response = router.clone().oneshot(put(token)).await.expect("response");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token:?}");
    }
    let stats = Request::get("/__emulator/stats").body(Body::empty()).expect("request");
    assert_eq!(router.clone().oneshot(stats).await.expect("response").status(), StatusCode::UNAUTHORIZED);
    let response = router.clone().oneshot(put(Some("admin-secret"))).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
fn the_standalone_emulator_refuses_a_public_address_without_an_admin_token() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tmdb-emulator"))
        .args(["--addr", "0.0.0.0:0"])
        .output()
        .expect("run tmdb-emulator");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--admin-token"), "{output:?}");
}
