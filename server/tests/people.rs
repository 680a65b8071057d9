//! People: the REST routes, the person page, and the links to them from movie pages, search
//! and Discover, on embedded defaults (the built-in emulator, whose people are the catalog's
//! directors).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{app, get, raw};
use serde_json::Value;

/// The films the bundled data says Christopher Nolan directed, read from the data file
/// itself rather than through the emulator: `(id, title, release date)`, newest first.
fn nolans_films_in_the_data() -> Vec<(u64, String, String)> {
    let records: Vec<Value> =
        serde_json::from_str(include_str!("../../emulator/catalog/movies.json")).expect("the catalog");
    let mut films: Vec<(u64, String, String)> = records
        .iter()
        .filter(|record| record["director"] == "Christopher Nolan")
        .map(|record| {
            let id = record["id"].as_u64().expect("id");
            let title = record["title"].as_str().expect("title").to_owned();
            (id, title, record["release_date"].as_str().expect("date").to_owned())
        })
        .collect();
    films.sort_by(|a, b| b.2.cmp(&a.2));
    films
}

async fn nolan_id(app: &common::TestApp) -> u64 {
    let (status, found) = get(app, "/api/people/search/?q=christopher%20nolan").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["results"][0]["name"], "Christopher Nolan", "{found}");
    found["results"][0]["id"].as_u64().expect("an id")
}

async fn page(app: &common::TestApp, uri: &str) -> (StatusCode, String) {
    let (status, _, html) = raw(app, Request::get(uri).body(Body::empty()).expect("request")).await;
    (status, html)
}

#[tokio::test]
async fn christopher_nolans_page_lists_exactly_his_films_in_the_catalog() {
    let app = app().await;
    let expected = nolans_films_in_the_data();
    assert_eq!(expected.len(), 7, "the data has seven Nolan films");
    let id = nolan_id(&app).await;

    let (status, person) = get(&app, &format!("/api/people/{id}/")).await;
    assert_eq!(status, StatusCode::OK, "{person}");
    assert_eq!(person["name"], "Christopher Nolan");
    assert_eq!(person["known_for_department"], "Directing");
    assert!(person["profile_url"].as_str().is_some_and(|url| url.contains("/profile-")));
    let listed: Vec<(u64, String)> = person["crew"]
        .as_array()
        .expect("crew")
        .iter()
        .map(|credit| (credit["id"].as_u64().expect("id"), credit["title"].as_str().expect("title").to_owned()))
        .collect();
    let wanted: Vec<(u64, String)> = expected.iter().map(|(id, title, _)| (*id, title.clone())).collect();
    assert_eq!(listed, wanted, "exactly his films, newest first");
    assert!(
        person["crew"]
            .as_array()
            .expect("crew")
            .iter()
            .all(|credit| credit["roles"] == serde_json::json!(["Director"]))
    );
    assert_eq!(person["cast"], serde_json::json!([]));

    // The page lists the same films, each once, linking to its movie page.
    let (status, html) = page(&app, &format!("/person/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let filmography = html
        .split(r#"<ol aria-label="Behind the camera" class="filmography">"#)
        .nth(1)
        .expect("a filmography")
        .split("</ol>")
        .next()
        .expect("its end");
    assert_eq!(filmography.matches("<li>").count(), expected.len(), "{filmography}");
    for (movie, title, _) in &expected {
        assert_eq!(filmography.matches(&format!(r#"href="/movie/{movie}""#)).count(), 1, "{title}");
        assert!(filmography.contains(title.as_str()), "{title}");
    }
    assert!(html.contains(&format!(r#"href="/discover?with_people={id}&amp;sort=newest""#)), "the Discover link");
}

#[tokio::test]
async fn a_person_page_has_its_link_preview_and_an_unknown_one_is_a_404() {
    let app = app().await;
    let id = nolan_id(&app).await;
    let (_, html) = page(&app, &format!("/person/{id}")).await;
    for tag in [
        format!(r#"<link href="http://hub.test/person/{id}" rel="canonical">"#),
        format!(r#"<meta property="og:url" content="http://hub.test/person/{id}">"#),
        r#"<meta property="og:type" content="profile">"#.to_owned(),
        r#"<meta property="og:title" content="Christopher Nolan">"#.to_owned(),
        r#"<meta name="twitter:card" content="summary">"#.to_owned(),
    ] {
        assert!(html.contains(&tag), "{tag}");
    }
    let image = html.split(r#"<meta property="og:image" content=""#).nth(1).expect("og:image");
    assert!(
        image.starts_with("http") && image.split('"').next().is_some_and(|url| url.contains("/profile-")),
        "{image}"
    );

    let (status, body) = get(&app, "/api/people/1/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["message"], "We could not find that person.");
    let (status, _) = page(&app, "/person/1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for bad in ["/api/people/0/", "/api/people/nolan/"] {
        let (status, body) = get(&app, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error"]["details"]["parameter"], "id", "{bad}");
    }
    let (status, body) = get(&app, "/api/people/search/?q=%20").await;
    assert_eq!((status, &body["error"]["details"]["parameter"]), (StatusCode::BAD_REQUEST, &Value::from("q")));
}

#[tokio::test]
async fn movie_pages_link_their_director_and_search_finds_people() {
    let app = app().await;
    let id = nolan_id(&app).await;
    let (_, details) = get(&app, "/api/movies/2026/").await;
    assert_eq!(details["title"], "Inception");
    assert_eq!(details["crew"][0]["id"], id);
    assert_eq!(details["crew"][0]["jobs"], serde_json::json!(["Director"]));
    assert_eq!(details["directors"], serde_json::json!(["Christopher Nolan"]));

    let (_, html) = page(&app, "/movie/2026").await;
    let directed =
        html.split(r#"<p class="directed-by">"#).nth(1).expect("directed by").split("</p>").next().expect("end");
    assert!(directed.contains(&format!(r#"<a href="/person/{id}">Christopher Nolan</a>"#)), "{directed}");
    let crew = html.split(r#"aria-label="Crew""#).nth(1).expect("the crew row");
    assert!(crew.contains(&format!(r#"href="/person/{id}""#)) && crew.contains("/profile-"), "a photo and a link");

    let (_, html) = page(&app, "/search?q=nolan").await;
    let people = html.split(r#"aria-label="People found""#).nth(1).expect("people in the results");
    assert!(people.contains(&format!(r#"href="/person/{id}""#)), "Nolan is among the people found");
}

#[tokio::test]
async fn discover_filters_by_person() {
    let app = app().await;
    let id = nolan_id(&app).await;
    let (status, films) = get(&app, &format!("/api/movies/discover/?with_people={id}&sort=newest")).await;
    assert_eq!(status, StatusCode::OK, "{films}");
    let ids: Vec<u64> =
        films["results"].as_array().expect("results").iter().map(|m| m["id"].as_u64().expect("id")).collect();
    let expected: Vec<u64> = nolans_films_in_the_data().iter().map(|(id, _, _)| *id).collect();
    assert_eq!(ids, expected);
    assert_eq!(films["next"], Value::Null);

    let eleven: Vec<String> = (1..=11).map(|n| n.to_string()).collect();
    for bad in ["nolan".to_owned(), "0".to_owned(), eleven.join(",")] {
        let (status, body) = get(&app, &format!("/api/movies/discover/?with_people={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error"]["details"]["parameter"], "with_people", "{bad}");
    }

    let (_, html) = page(&app, &format!("/discover?with_people={id}")).await;
    let chip = html.split(r#"data-testid="people-filter""#).nth(1).expect("the people chip");
    assert!(chip.split("</p>").next().is_some_and(|chip| chip.contains("Christopher Nolan")), "{chip}");
    assert!(html.contains("Inception") && !html.contains("Titanic"), "only his films");
}
