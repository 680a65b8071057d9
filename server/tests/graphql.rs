//! GraphQL at /api/graphql, on the real router with the emulator behind the real TMDb client:
//! every query and mutation, who may call what, the limits, and the batching that keeps a list
//! of movies from costing a lookup per movie per field.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TestApp, app, get, get_with_token, send, sign_up};
use serde_json::{Value, json};

/// Sends one GraphQL operation; the status, headers and body.
async fn graphql_with(
    app: &TestApp,
    query: &str,
    variables: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut request = Request::post("/api/graphql").header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = json!({ "query": query, "variables": variables }).to_string();
    send(app, request.body(Body::from(body)).expect("request")).await
}

/// Sends one operation, as the bearer of `token` if given; the body.
async fn graphql(app: &TestApp, query: &str, variables: Value, token: Option<&str>) -> Value {
    let bearer = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = bearer.iter().map(|value| ("authorization", value.as_str())).collect();
    let (status, _, body) = graphql_with(app, query, variables, &headers).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The codes of a response's errors, in order.
fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| e["extensions"]["code"].as_str().unwrap_or("(none)").to_owned()).collect())
        .unwrap_or_default()
}

fn ids(list: &Value) -> Vec<u64> {
    list.as_array().expect("a list").iter().map(|movie| movie["id"].as_u64().expect("id")).collect()
}

#[tokio::test]
async fn people_answer_as_rest_does() {
    let app = app().await;
    let (_, found) = get(&app, "/api/people/search/?q=nolan").await;
    let id = found["results"][0]["id"].as_u64().expect("a person");
    let query = r#"query ($id: Int!) {
        searchPeople(query: "nolan") { count results { id name knownForDepartment profileUrl knownFor } }
        person(id: $id) {
            name biography profileUrl
            knownFor { id }
            crew { roles movie { id title runtime } }
            cast { roles }
        }
        discover(filter: { withPeople: [$id], sort: NEWEST }) { count results { id } }
        movie(id: 2026) { crew { id name jobs profileUrl } cast { id } }
        nobody: person(id: 1) { name }
    }"#;
    let body = graphql(&app, query, json!({ "id": id }), None).await;
    assert!(body["errors"].is_null(), "{body}");
    let data = &body["data"];
    assert_eq!(data["searchPeople"]["count"], found["count"]);
    assert_eq!(data["searchPeople"]["results"][0]["knownFor"], found["results"][0]["known_for"]);
    let (_, person) = get(&app, &format!("/api/people/{id}/")).await;
    assert_eq!(data["person"]["name"], person["name"]);
    assert_eq!(data["person"]["biography"], person["biography"]);
    assert_eq!(ids(&data["person"]["knownFor"]), ids(&person["known_for"]));
    let crew: Vec<u64> = data["person"]["crew"]
        .as_array()
        .expect("crew")
        .iter()
        .map(|c| c["movie"]["id"].as_u64().expect("id"))
        .collect();
    assert_eq!(crew, ids(&person["crew"]));
    assert!(data["person"]["crew"][0]["movie"]["runtime"].is_u64(), "a credit's movie loads its details");
    assert_eq!(ids(&data["discover"]["results"]), crew, "discover by person lists the same films, newest first");
    assert_eq!(data["movie"]["crew"][0]["id"], id);
    assert_eq!(data["movie"]["crew"][0]["jobs"], json!(["Director"]));
    assert_eq!(data["nobody"], Value::Null);
}

#[tokio::test]
async fn the_catalog_answers_as_rest_does() {
    let app = app().await;
    let cases = [
        ("trending(window: WEEK)", "/api/movies/trending/?window=week"),
        ("popular(page: 2)", "/api/movies/popular/?page=2"),
        ("topRated", "/api/movies/top-rated/"),
        ("upcoming", "/api/movies/upcoming/"),
        ("nowPlaying", "/api/movies/now-playing/"),
        (r#"search(query: "star")"#, "/api/movies/search/?q=star"),
        (
            r#"discover(filter: { genres: ["Drama"], yearFrom: 1990, sort: RATING })"#,
            "/api/movies/discover/?genre=Drama&year_from=1990&sort=rating",
        ),
    ];
    for (field, rest) in cases {
        let query = format!("{{ list: {field} {{ count page totalPages hasNextPage results {{ id title }} }} }}");
        let body = graphql(&app, &query, json!({}), None).await;
        assert!(body["errors"].is_null(), "{field}: {body}");
        let (status, expected) = get(&app, rest).await;
        assert_eq!(status, StatusCode::OK, "{rest}");
        let list = &body["data"]["list"];
        assert_eq!(ids(&list["results"]), ids(&expected["results"]), "{field}");
        assert!(!ids(&list["results"]).is_empty(), "{field}");
        assert_eq!(list["count"], expected["count"], "{field}");
        assert_eq!(list["page"], expected["page"], "{field}");
        assert_eq!(list["totalPages"], expected["total_pages"], "{field}");
        assert_eq!(list["hasNextPage"], expected["next"].is_string(), "{field}");
    }

    let body = graphql(&app, "{ genres { id name } }", json!({}), None).await;
    let (_, expected) = get(&app, "/api/genres/").await;
    assert_eq!(body["data"]["genres"], expected["results"]);
}

#[tokio::test]
async fn a_movie_comes_with_its_details_and_related_movies_in_one_round_trip() {
    let app = app().await;
    let query = r#"query Movie($id: Int!) {
        movie(id: $id) {
            id title year runtime tagline directors certification genres posterUrl
            cast { name character }
            trailer { url }
            videos { kind url }
            recommendations { page totalPages results { id title } }
            similar(page: 1) { results { id } }
            mine { favorite }
        }
    }"#;
    let body = graphql(&app, query, json!({ "id": 603 }), None).await;
    assert!(body["errors"].is_null(), "{body}");
    let movie = &body["data"]["movie"];
    let (_, rest) = get(&app, "/api/movies/603/").await;
    for (field, rest_field) in
        [("title", "title"), ("year", "year"), ("runtime", "runtime"), ("directors", "directors"), ("genres", "genres")]
    {
        assert_eq!(movie[field], rest[rest_field], "{field}");
    }
    assert_eq!(movie["cast"].as_array().map(Vec::len), rest["cast"].as_array().map(Vec::len));
    let (_, recommended) = get(&app, "/api/movies/603/recommendations/").await;
    assert_eq!(ids(&movie["recommendations"]["results"]), ids(&recommended["results"]));
    assert!(!ids(&movie["similar"]["results"]).is_empty());
    assert!(movie["mine"].is_null(), "nobody is signed in");

    let missing = graphql(&app, "{ movie(id: 999999999) { title } }", json!({}), None).await;
    assert!(missing["data"]["movie"].is_null() && missing["errors"].is_null(), "{missing}");
}

#[tokio::test]
async fn mutations_change_the_library_that_rest_and_for_you_read() {
    let app = app().await;
    let bearer = sign_up(&app, "graph@example.com").await;
    let token = Some(bearer.as_str());
    let popular = graphql(&app, "{ popular { results { id } } }", json!({}), None).await;
    let movies = ids(&popular["data"]["popular"]["results"]);
    let (first, second, third) = (movies[0], movies[1], movies[2]);

    let mine = "id mine { favorite watchlist seen rating notInterested }";
    let change = |field: &str| format!("mutation($id: Int!) {{ {field}(movieId: $id) {{ {mine} }} }}");

    let body = graphql(&app, &change("addFavorite"), json!({ "id": first }), token).await;
    assert_eq!(body["data"]["addFavorite"]["mine"]["favorite"], true, "{body}");
    // Adding twice is fine: the answer is the state asked for.
    let body = graphql(&app, &change("addFavorite"), json!({ "id": first }), token).await;
    assert_eq!(body["data"]["addFavorite"]["mine"]["favorite"], true, "{body}");

    let body = graphql(&app, &change("addToWatchlist"), json!({ "id": second }), token).await;
    assert_eq!(body["data"]["addToWatchlist"]["mine"]["watchlist"], true, "{body}");
    // Rating marks seen and leaves the watchlist, as everywhere.
    let rate = format!("mutation($id: Int!, $rating: Int) {{ rate(movieId: $id, rating: $rating) {{ {mine} }} }}");
    let body = graphql(&app, &rate, json!({ "id": second, "rating": 9 }), token).await;
    let state = &body["data"]["rate"]["mine"];
    assert_eq!(
        (state["seen"].clone(), state["rating"].clone(), state["watchlist"].clone()),
        (json!(true), json!(9), json!(false))
    );
    let body = graphql(&app, &change("markNotInterested"), json!({ "id": third }), token).await;
    assert_eq!(body["data"]["markNotInterested"]["mine"]["notInterested"], true, "{body}");

    // REST reads what GraphQL wrote.
    let (_, _, favorites) = get_with_token(&app, "/api/favorites/", &bearer).await;
    assert_eq!(ids(&favorites["results"]), vec![first]);

    let lists = graphql(
        &app,
        "{ myCounts { favorites watchlist seen notInterested }
           favorites { count results { id title addedAt } }
           watchlist { count }
           notInterested(pageSize: 5) { results { id } }
           ratings(sort: RATING) { results { id rating seenAt } }
           forYou { basedOn count results { because { id kind } movie { id title } } } }",
        json!({}),
        token,
    )
    .await;
    assert!(lists["errors"].is_null(), "{lists}");
    let data = &lists["data"];
    assert_eq!(data["myCounts"], json!({ "favorites": 1, "watchlist": 0, "seen": 1, "notInterested": 1 }));
    assert_eq!(ids(&data["favorites"]["results"]), vec![first]);
    assert_eq!(data["watchlist"]["count"], 0);
    assert_eq!(ids(&data["notInterested"]["results"]), vec![third]);
    assert_eq!(data["ratings"]["results"][0]["rating"], 9);
    assert_eq!(data["forYou"]["basedOn"], "FAVORITES");
    let recommended =
        ids(&data["forYou"]["results"].as_array().expect("list").iter().map(|r| r["movie"].clone()).collect());
    assert!(!recommended.is_empty());
    for excluded in [first, second, third] {
        assert!(!recommended.contains(&excluded), "For you shows {excluded} it must leave out");
    }

    // Taking things back, also what is not there.
    for field in ["removeFavorite", "removeFavorite", "removeFromWatchlist", "unmarkNotInterested", "unrate"] {
        let id = match field {
            "unmarkNotInterested" => third,
            "unrate" => second,
            _ => first,
        };
        let body = graphql(&app, &change(field), json!({ "id": id }), token).await;
        assert!(body["errors"].is_null(), "{field}: {body}");
    }
    let counts = graphql(&app, "{ myCounts { favorites watchlist seen notInterested } }", json!({}), token).await;
    assert_eq!(counts["data"]["myCounts"], json!({ "favorites": 0, "watchlist": 0, "seen": 0, "notInterested": 0 }));

    // A list can leave out what the user has already seen.
    graphql(&app, &rate, json!({ "id": first, "rating": null }), token).await;
    let hidden = graphql(&app, "{ popular(hide: [SEEN]) { results { id } } }", json!({}), token).await;
    let shown = ids(&hidden["data"]["popular"]["results"]);
    assert!(!shown.contains(&first) && shown.contains(&second), "{hidden}");
}

#[tokio::test]
async fn what_needs_an_account_says_so_and_public_fields_still_answer() {
    let app = app().await;
    for query in [
        "{ me { email } }",
        "{ favorites { count } }",
        "{ watchlist { count } }",
        "{ notInterested { count } }",
        "{ ratings { count } }",
        "{ myCounts { seen } }",
        "{ forYou { count } }",
        "{ popular(hide: [SEEN]) { count } }",
        "mutation { addFavorite(movieId: 603) { id } }",
        "mutation { removeFavorite(movieId: 603) { id } }",
        "mutation { addToWatchlist(movieId: 603) { id } }",
        "mutation { removeFromWatchlist(movieId: 603) { id } }",
        "mutation { markNotInterested(movieId: 603) { id } }",
        "mutation { unmarkNotInterested(movieId: 603) { id } }",
        "mutation { rate(movieId: 603, rating: 8) { id } }",
        "mutation { unrate(movieId: 603) { id } }",
    ] {
        let body = graphql(&app, query, json!({}), None).await;
        assert_eq!(codes(&body), ["unauthorized"], "{query}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["status"], 401, "{query}");
    }

    // A bad token: public fields answer, the rest says why.
    let body = graphql(&app, "{ popular { count } me { email } }", json!({}), Some("not-a-token")).await;
    assert!(body["data"]["popular"]["count"].as_u64().is_some_and(|count| count > 0), "{body}");
    assert_eq!(codes(&body), ["unauthorized"]);
    assert_eq!(body["errors"][0]["path"], json!(["me"]));

    let token = sign_up(&app, "me@example.com").await;
    let body = graphql(&app, "{ me { email } }", json!({}), Some(&token)).await;
    assert_eq!(body["data"]["me"]["email"], "me@example.com");
}

#[tokio::test]
async fn the_browser_session_counts_only_from_this_site() {
    let app = app().await;
    let cookies = common::browser_session(&app, "browser%40example.com").await;
    let (status, headers, body) =
        graphql_with(&app, "{ me { email } }", json!({}), &[("cookie", &cookies), ("sec-fetch-site", "same-origin")])
            .await;
    assert_eq!((status, &body["data"]["me"]["email"]), (StatusCode::OK, &json!("browser@example.com")), "{body}");
    assert_eq!(headers.get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap_or_default()), Some("no-store"));

    // The same cookies sent by another site's page ride on nothing.
    let mutation = "mutation { addFavorite(movieId: 603) { mine { favorite } } }";
    for site in [&[("sec-fetch-site", "cross-site")][..], &[("origin", "https://evil.example")][..]] {
        let mut sent = vec![("cookie", cookies.as_str())];
        sent.extend_from_slice(site);
        let (status, _, body) = graphql_with(&app, mutation, json!({}), &sent).await;
        assert_eq!((status, codes(&body)), (StatusCode::OK, vec!["unauthorized".to_owned()]), "{site:?}: {body}");
        assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("another site"), "{body}");
    }
    let (_, _, body) = graphql_with(&app, "{ favorites { count } }", json!({}), &[("cookie", &cookies)]).await;
    assert_eq!(body["data"]["favorites"]["count"], 0, "nothing was saved: {body}");
}

/// Counts the SQL statements run while it is the thread's subscriber.
#[derive(Clone, Default)]
struct StatementCounter(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for StatementCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

// The default test runtime runs every task on this thread (the loaders' too), so a
// thread-local subscriber sees every statement.
#[tokio::test]
async fn a_list_of_movies_costs_one_lookup_per_movie_and_one_library_read_not_one_per_field() {
    use tracing_subscriber::layer::SubscriberExt;
    let statements = StatementCounter::default();
    let subscriber = tracing_subscriber::registry()
        .with(statements.clone())
        .with(tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::TRACE));
    let _guard = tracing::subscriber::set_default(subscriber);

    // On PostgreSQL, whose driver runs statements on the calling task (SQLite's runs them on a
    // thread of its own, out of this subscriber's sight); with the in-process cache, so that
    // the upstream calls counted are this test's.
    let database =
        std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let app = common::app_with(&["--database-url", &database]).await;
    let token = sign_up(&app, &format!("batch-{}@example.com", rand::random::<u64>())).await;
    let upstream = || app._started.state.emulator.as_ref().expect("emulator").requests_received();
    // The list itself is fetched (and cached) first, so only the details count below.
    graphql(&app, "{ popular { results { id } } }", json!({}), None).await;

    let query = "{ popular { results {
        id runtime tagline directors cast { name } videos { url } certification
        again: runtime
        mine { favorite watchlist seen rating }
    } } }";
    let calls_before = upstream();
    let body = graphql(&app, query, json!({}), Some(&token)).await;
    assert!(body["errors"].is_null(), "{body}");
    let results = body["data"]["popular"]["results"].as_array().expect("list");
    assert_eq!(results.len(), 20);
    assert!(results.iter().all(|movie| movie["runtime"] == movie["again"]));
    // Seven details fields (one of them twice) on twenty movies: twenty lookups, one per movie.
    assert_eq!(upstream() - calls_before, 20, "upstream calls");

    // Asked again, the details come from the cache, and the user's state of twenty movies is
    // one read of their library (a statement per list), not one per movie.
    // Other tests of this binary, on threads without this subscriber, may have cached the SQL
    // log's callsites as uninteresting meanwhile; have them asked again.
    tracing::callsite::rebuild_interest_cache();
    let (calls_before, statements_before) = (upstream(), statements.0.load(Ordering::Relaxed));
    let again = graphql(&app, query, json!({}), Some(&token)).await;
    assert_eq!(again, body);
    assert_eq!(upstream(), calls_before);
    let library_statements = statements.0.load(Ordering::Relaxed) - statements_before;
    assert!((1..=4).contains(&library_statements), "{library_statements} statements for twenty movies");
}

#[tokio::test]
async fn bad_queries_get_graphql_errors_never_a_500() {
    let app = app().await;
    let refused = |body: &Value| codes(body).first().cloned().unwrap_or_default();

    let deep = format!("{{ __schema {{ types {{ {} name {} }} }} }}", "fields { type { ".repeat(8), "} } ".repeat(8));
    for (query, why) in [
        ("{ popular { results { id } ", "does not parse"),
        ("{ nothing }", "unknown field"),
        ("{ popular(page: \"two\") { count } }", "wrong argument type"),
        ("mutation { rate(movieId: -1) { id } }", "a negative id"),
        // Related movies of every related movie of every movie of a list: 20 x 20 x 20 lookups.
        ("{ popular { results { recommendations { results { similar { results { title } } } } } } }", "too costly"),
        // Deeper than the limit (19 levels), through introspection.
        (deep.as_str(), "too deep"),
    ] {
        let body = graphql(&app, query, json!({}), None).await;
        assert_eq!(refused(&body), "invalid_query", "{why}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["status"], 400, "{why}");
        assert!(body["data"].is_null(), "{why}: nothing ran: {body}");
    }

    let long = format!("{{ popular {{ count }} }} #{}", "x".repeat(9 * 1024));
    let body = graphql(&app, &long, json!({}), None).await;
    assert_eq!(refused(&body), "invalid_query", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("8 KiB"), "{body}");

    // Values the services refuse carry REST's codes.
    let body = graphql(&app, "{ popular(page: 0) { count } }", json!({}), None).await;
    assert_eq!(
        (refused(&body), &body["errors"][0]["extensions"]["parameter"]),
        ("invalid_parameter".into(), &json!("page"))
    );
    let token = sign_up(&app, "bad@example.com").await;
    let body = graphql(&app, "mutation { rate(movieId: 603, rating: 11) { id } }", json!({}), Some(&token)).await;
    assert_eq!(refused(&body), "invalid_parameter", "{body}");
    let body = graphql(&app, "mutation { addFavorite(movieId: 999999999) { id } }", json!({}), Some(&token)).await;
    assert_eq!(refused(&body), "not_found", "{body}");

    // What is not a GraphQL request gets the API's error shape.
    let request = |content_type: &str, body: &str| {
        Request::post("/api/graphql")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .expect("request")
    };
    for (request, status, code) in [
        (request("text/plain", "{}"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        (request("application/json", "{\"query\": "), StatusCode::BAD_REQUEST, "malformed_body"),
        // A batch is a body of the wrong shape, as it would be for any JSON body of the API.
        (
            request("application/json", "[{\"query\": \"{ genres { id } }\"}]"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "malformed_body",
        ),
        (
            request("application/json", &format!("{{\"query\": \"{}\"}}", "x".repeat(70 * 1024))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ] {
        let (got, _, body) = send(&app, request).await;
        assert_eq!((got, body["error"]["code"].as_str()), (status, Some(code)), "{body}");
    }
}

#[tokio::test]
async fn introspection_and_graphiql_are_served_without_a_cdn() {
    let app = app().await;
    let body = graphql(&app, "{ __schema { queryType { name } mutationType { name } } }", json!({}), None).await;
    assert_eq!(body["data"]["__schema"]["mutationType"]["name"], "Mutation", "{body}");

    let (status, headers, page) =
        common::raw(&app, Request::get("/api/graphql").body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("graphiql.min.js"), "{page}");
    assert!(!page.contains("https://"), "everything the page loads is ours: {page}");
    let policy = headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(policy.contains("script-src 'self'") && !policy.contains(" 'unsafe-eval'"), "{policy}");
    for file in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql-init.js",
    ] {
        let (status, _, _) = common::raw(
            &app,
            Request::get(format!("/api/graphql/graphiql/{file}")).body(Body::empty()).expect("request"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{file}");
    }
}
