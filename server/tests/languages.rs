//! Language and region on embedded defaults (the emulator serves French, leaving one film in
//! seven untranslated): the REST API's `?language=`, `?region=` and `Accept-Language`, the
//! pages' picker and its cookies, and one language per cache entry.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{app, raw, send};
use leptos::server_fn::ServerFn;
use serde_json::Value;

async fn api(
    app: &common::TestApp,
    uri: &str,
    accept_language: Option<&str>,
) -> (StatusCode, header::HeaderMap, Value) {
    let mut request = Request::get(uri);
    if let Some(accepted) = accept_language {
        request = request.header(header::ACCEPT_LANGUAGE, accepted);
    }
    send(app, request.body(Body::empty()).expect("request")).await
}

async fn page(app: &common::TestApp, uri: &str, cookies: &str, accept_language: &str) -> String {
    let request = Request::get(uri)
        .header(header::COOKIE, cookies)
        .header(header::ACCEPT_LANGUAGE, accept_language)
        .body(Body::empty())
        .expect("request");
    let (status, _, html) = raw(app, request).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    html
}

/// Posts the footer picker's form (`form`: its fields, url-encoded).
async fn choose(app: &common::TestApp, form: &'static str) -> (StatusCode, header::HeaderMap) {
    let request = Request::post(app::components::locale_picker::SetLocale::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(form))
        .expect("request");
    let (status, headers, _) = raw(app, request).await;
    (status, headers)
}

#[tokio::test]
async fn the_api_answers_in_the_language_asked_for_or_accepted() {
    let app = app().await;
    let (status, headers, godfather) = api(&app, "/api/movies/370/?language=fr-FR", None).await;
    assert_eq!(status, StatusCode::OK, "{godfather}");
    assert_eq!(godfather["title"], "Le Parrain");
    assert_eq!(headers[header::CONTENT_LANGUAGE], "fr-FR");

    // Without `?language=`, Accept-Language decides, and caches are told so.
    let (_, headers, accepted) = api(&app, "/api/movies/370/", Some("fr-CA,fr;q=0.9,en;q=0.5")).await;
    assert_eq!(accepted["title"], "Le Parrain");
    assert_eq!(headers[header::CONTENT_LANGUAGE], "fr-FR");
    assert!(headers.get_all(header::VARY).iter().any(|v| v.to_str().unwrap_or_default().contains("accept-language")));
    let (_, headers, english) = api(&app, "/api/movies/370/", None).await;
    assert_eq!(english["title"], "The Godfather");
    assert_eq!(headers[header::CONTENT_LANGUAGE], "en-US");

    // An untranslated overview comes in English rather than empty.
    let (_, _, dark_knight) = api(&app, "/api/movies/1267/?language=fr-FR", None).await;
    assert!(dark_knight["overview"].as_str().is_some_and(|o| o.starts_with("A 2008")), "{dark_knight}");

    // The micro-cache keeps one answer per language: French then English, same address.
    let (_, _, french_list) = api(&app, "/api/movies/popular/", Some("fr")).await;
    let (_, _, english_list) = api(&app, "/api/movies/popular/", Some("en")).await;
    let overview = |list: &Value| list["results"][1]["overview"].as_str().unwrap_or_default().to_owned();
    assert!(overview(&french_list).starts_with("Film") || overview(&french_list).starts_with("A "));
    assert_ne!(overview(&french_list), overview(&english_list));

    // Ratings follow the region; genres are named in English in any language.
    let (_, _, rated) = api(&app, "/api/movies/1267/?region=GB", None).await;
    assert_eq!(rated["certification"], "12A");
    let (status, _, comedies) = api(&app, "/api/movies/discover/?genre=Comedy&language=fr-FR", None).await;
    assert_eq!(status, StatusCode::OK, "{comedies}");
    assert!(
        comedies["results"]
            .as_array()
            .expect("results")
            .iter()
            .all(|m| m["genres"].as_array().is_some_and(|genres| genres.iter().any(|g| g == "Comédie")))
    );
    let (status, _, refused) = api(&app, "/api/movies/discover/?genre=Com%C3%A9die", Some("fr-FR")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"]["details"]["parameter"], "genre", "{refused}");
    assert!(refused["error"]["message"].as_str().is_some_and(|m| m.contains("English name")), "{refused}");

    // Routes without a region ignore one, as they ignore any parameter they do not take.
    let (status, _, genres) = api(&app, "/api/genres/?region=zz", Some("fr-FR")).await;
    assert_eq!(status, StatusCode::OK, "{genres}");
    assert!(genres["results"].as_array().expect("genres").iter().any(|g| g["name"] == "Comédie"));

    let (status, _, bad) = api(&app, "/api/movies/370/?language=french", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
}

#[tokio::test]
async fn pages_follow_the_picker_then_the_browser() {
    let app = app().await;
    // The browser's language, before any choice.
    let html = page(&app, "/movie/370", "", "fr-FR,fr;q=0.9").await;
    assert!(html.contains("<h1>Le Parrain"), "the movie page in French");
    assert!(html.contains(r#"<option value="fr-FR" selected"#), "the picker shows the language in use");
    let html = page(&app, "/movie/370", "", "en-US").await;
    assert!(html.contains("<h1>The Godfather"));

    // Choosing keeps the choice in cookies, which beat the browser's language.
    let (status, headers) = choose(&app, "language=fr-FR&region=GB").await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let cookies: Vec<&str> =
        headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()?.split(';').next()).collect();
    assert_eq!(cookies, ["nexus-language=fr-FR", "nexus-region=GB"]);
    let chosen = cookies.join("; ");
    let html = page(&app, "/movie/1267", &chosen, "en-US").await;
    assert!(html.contains("<h1>The Dark Knight"), "untranslated: the original title");
    assert!(html.contains("A 2008"), "and the English overview, not an empty one");
    assert!(html.contains("12A"), "rated as in the United Kingdom");
    // Genre chips are named in French and link by English name.
    let html = page(&app, "/movie/370", &chosen, "en-US").await;
    assert!(html.contains(r#"<a href="/discover?genre=History">Histoire</a>"#), "a French chip, an English address");
    let html = page(&app, "/discover?genre=History", &chosen, "en-US").await;
    assert!(html.contains("Histoire"));

    // Only offered languages and regions are kept.
    let (status, headers) = choose(&app, "language=xx-XX&region=GB").await;
    assert!(!status.is_success(), "{status}");
    assert!(headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn the_user_s_own_lists_are_named_in_their_language_too() {
    let app = app().await;
    let session = common::browser_session(&app, "lingua%40example.com").await;
    let access = session
        .split("; ")
        .find_map(|cookie| cookie.strip_prefix("nexus-access="))
        .expect("an access cookie")
        .to_owned();
    for (id, shelf) in [(370, "favorites"), (842, "watchlist")] {
        let request = Request::post(if shelf == "favorites" { "/api/favorites/" } else { "/api/watchlist/" })
            .header(header::AUTHORIZATION, format!("Bearer {access}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "tmdb_id": id }).to_string()))
            .expect("request");
        let (status, _, body) = send(&app, request).await;
        assert!(status.is_success(), "{shelf}: {status} {body}");
    }
    let french = format!("{session}; nexus-language=fr-FR; nexus-region=FR");

    let favorites = page(&app, "/favorites", &french, "en-US").await;
    assert!(favorites.contains("Le Parrain"), "favorites in French");
    assert!(!favorites.contains("The Godfather"));
    let watchlist = page(&app, "/my-movies?tab=watchlist", &french, "en-US").await;
    assert!(watchlist.contains("Les Évadés"), "the watchlist in French");
    let for_you = page(&app, "/for-you", &french, "en-US").await;
    assert!(for_you.contains("Le Parrain"), "the reasons name the user's movies in French");
    // In English, the stored titles, with no upstream call for titles.
    let english = page(&app, "/favorites", &session, "en-US").await;
    assert!(english.contains("The Godfather"));
}

#[tokio::test]
async fn graphql_answers_in_the_argument_s_language_else_the_accepted_one() {
    let app = app().await;
    let ask = |query: &'static str, accept_language: &'static str| {
        let app = &app;
        async move {
            let request = Request::post("/api/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT_LANGUAGE, accept_language)
                .body(Body::from(serde_json::json!({ "query": query }).to_string()))
                .expect("request");
            let (status, _, body) = send(app, request).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };
    let accepted = ask("{ movie(id: 370) { title genres } }", "fr-FR").await;
    assert_eq!(accepted["data"]["movie"]["title"], "Le Parrain", "{accepted}");
    assert_eq!(accepted["data"]["movie"]["genres"][0], "Histoire");
    let asked = ask(r#"{ movie(id: 370, language: "en-US") { title } }"#, "fr-FR").await;
    assert_eq!(asked["data"]["movie"]["title"], "The Godfather");
    let untranslated = ask("{ movie(id: 1267) { overview } }", "fr").await;
    assert!(
        untranslated["data"]["movie"]["overview"].as_str().is_some_and(|o| o.starts_with("A 2008")),
        "{untranslated}"
    );
}
