//! Browser sessions through the real router: the UI's server functions sign in with cookies,
//! the cookies are flagged as they must be, an expired access token is refreshed without the
//! user noticing, forms from other sites are refused, and signing out ends the session.

mod common;

use app::components::favorite_toggle::{GetFavoriteState, SetFavorite};
use app::pages::favorites::ListFavorites;
use app::session::{Register, SignIn, SignOut};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::{TestApp, app, app_with, get, post_json, send};
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::json;
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery staple";
/// The emulator's catalog has this movie (Twelve Monkeys).
const MOVIE: u64 = 21;

/// POSTs a form to a server function, as the hydrated page would (same origin, JSON back).
fn rpc(path: &str, form: &str, cookies: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookies)
        .body(Body::from(form.to_owned()))
        .expect("request")
}

/// `name=value` pairs from a response's `Set-Cookie` headers, to send back.
fn cookie_header(headers: &HeaderMap) -> String {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .filter(|pair| !pair.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
}

async fn page(app: &TestApp, path: &str, cookies: &str) -> (StatusCode, HeaderMap, String) {
    page_on(app.router.clone(), path, cookies).await
}

async fn page_on(router: axum::Router, path: &str, cookies: &str) -> (StatusCode, HeaderMap, String) {
    let request = Request::get(path).header(header::COOKIE, cookies).body(Body::empty()).expect("request");
    let response = router.oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

async fn register(app: &TestApp, email: &str) -> String {
    let form = format!("email={email}&password=correct+horse+battery+staple&next=%2Ffavorites");
    let (status, headers, _) = send(app, rpc(Register::PATH, &form, "")).await;
    assert!(status.is_success(), "register answered {status}");
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/favorites"));
    cookie_header(&headers)
}

#[tokio::test]
async fn registering_in_the_browser_sets_http_only_lax_cookies_and_signs_in() {
    let app = app().await;
    let form = "email=ada%40example.com&password=correct+horse+battery+staple&next=";
    let (status, headers, _) = send(&app, rpc(Register::PATH, form, "")).await;
    assert!(status.is_success(), "{status}");
    let set = set_cookies(&headers);
    assert_eq!(set.len(), 2, "{set:?}");
    for cookie in &set {
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
            "{cookie}"
        );
        // Plain http (development): browsers would drop `Secure` cookies.
        assert!(!cookie.contains("Secure"), "{cookie}");
    }
    let cookies = cookie_header(&headers);
    let (status, _, html) = page(&app, "/", &cookies).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("ada@example.com"), "the header names the signed-in user");
    let (_, _, anonymous) = page(&app, "/", "").await;
    assert!(!anonymous.contains("ada@example.com"));
    assert!(anonymous.contains("Sign in"));
}

#[tokio::test]
async fn over_https_the_cookies_are_secure_and_host_prefixed() {
    let app = app_with(&["--public-url", "https://hub.test"]).await;
    let form = "email=ada%40example.com&password=correct+horse+battery+staple";
    let (_, headers, _) = send(&app, rpc(Register::PATH, form, "")).await;
    let set = set_cookies(&headers);
    assert_eq!(set.len(), 2, "{set:?}");
    for cookie in &set {
        assert!(cookie.starts_with("__Host-nexus-"), "{cookie}");
        assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
    }
}

#[tokio::test]
async fn favorites_through_server_functions_are_the_accounts_own() {
    let app = app().await;
    let ada = register(&app, "ada%40example.com").await;
    let bob = register(&app, "bob%40example.com").await;

    let (status, _, body) = send(&app, rpc(SetFavorite::PATH, &format!("tmdb_id={MOVIE}&favorite=true"), &ada)).await;
    assert!(status.is_success(), "{status} {body}");
    assert_eq!(body, json!(true));

    let (_, _, state) = send(&app, rpc(GetFavoriteState::PATH, &format!("tmdb_id={MOVIE}"), &ada)).await;
    assert_eq!(state, json!(true));
    let (_, _, state) = send(&app, rpc(GetFavoriteState::PATH, &format!("tmdb_id={MOVIE}"), &bob)).await;
    assert_eq!(state, json!(false), "Bob has not added it");
    let (_, _, state) = send(&app, rpc(GetFavoriteState::PATH, &format!("tmdb_id={MOVIE}"), "")).await;
    assert_eq!(state, json!(null), "nobody signed in");

    let (_, _, list) = send(&app, rpc(ListFavorites::PATH, "page=1", &ada)).await;
    assert_eq!(list["count"], 1);
    assert_eq!(list["results"][0]["id"], MOVIE);
    let (_, _, list) = send(&app, rpc(ListFavorites::PATH, "page=1", &bob)).await;
    assert_eq!(list["count"], 0);

    // Signed out: a typed error the page turns into "Sign in to see this page".
    let (status, _, error) = send(&app, rpc(ListFavorites::PATH, "page=1", "")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["code"], "unauthorized", "{error}");
}

#[tokio::test]
async fn an_expired_access_cookie_is_refreshed_transparently_and_concurrent_pages_share_it() {
    let app = app().await;
    let cookies = register(&app, "ada%40example.com").await;
    // Only the refresh cookie: as if the 15-minute access cookie had expired.
    let refresh_only =
        cookies.split("; ").find(|pair| pair.starts_with("nexus-refresh=")).expect("refresh cookie").to_owned();

    // A page opening several requests at once, all with the same refresh token.
    let requests: Vec<_> = (0..5)
        .map(|_| {
            let router = app.router.clone();
            let cookie = refresh_only.clone();
            tokio::spawn(async move { page_on(router, "/", &cookie).await })
        })
        .collect();
    let mut answers = Vec::new();
    for request in requests {
        answers.push(request.await.expect("request task"));
    }
    for (status, headers, html) in &answers {
        assert_eq!(*status, StatusCode::OK);
        assert!(html.contains("ada@example.com"), "signed in after the refresh");
        let renewed = set_cookies(headers);
        assert!(renewed.iter().any(|c| c.starts_with("nexus-access=")), "{renewed:?}");
        assert!(renewed.iter().any(|c| c.starts_with("nexus-refresh=")), "{renewed:?}");
    }
    // They all got the same new pair, and it works: the family was not revoked as a replay.
    let renewed = cookie_header(&answers[0].1);
    assert!(answers.iter().all(|(_, headers, _)| cookie_header(headers) == renewed));
    let (_, _, html) = page(&app, "/", &renewed).await;
    assert!(html.contains("ada@example.com"));
}

#[tokio::test]
async fn a_refused_refresh_token_ends_the_browser_session() {
    let app = app().await;
    post_json(&app, "/api/auth/register/", json!({ "email": "ada@example.com", "password": PASSWORD })).await;
    let (status, _, html) = page(&app, "/", "nexus-refresh=not-a-real-token").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("ada@example.com"));
    let (_, headers, _) = page(&app, "/", "nexus-refresh=not-a-real-token").await;
    assert!(set_cookies(&headers).iter().all(|c| c.contains("Max-Age=0")), "dead cookies are deleted");
}

#[tokio::test]
async fn forms_posted_from_another_site_are_refused() {
    let app = app().await;
    let cookies = register(&app, "ada%40example.com").await;
    let form = format!("tmdb_id={MOVIE}&favorite=true");
    for (name, value) in [("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")] {
        let request = Request::post(SetFavorite::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "hub.test")
            .header(name, value)
            .header(header::COOKIE, &cookies)
            .body(Body::from(form.clone()))
            .expect("request");
        let (status, _, _) = send(&app, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {value}");
    }
    let (_, _, list) = send(&app, rpc(ListFavorites::PATH, "page=1", &cookies)).await;
    assert_eq!(list["count"], 0, "nothing was added");
}

#[tokio::test]
async fn a_plain_html_form_without_javascript_redirects_with_the_error() {
    let app = app().await;
    register(&app, "ada%40example.com").await;
    let request = Request::post(SignIn::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, "http://hub.test/signin")
        .header(header::ORIGIN, "http://hub.test")
        .body(Body::from("email=ada%40example.com&password=wrong-password&next="))
        .expect("request");
    let (status, headers, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::FOUND);
    let location = headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(location.starts_with("http://hub.test/signin?") && location.contains("__err="), "{location}");
    // The sign-in page renders that error for the no-JS user, with the email filled in again
    // from a short-lived cookie (the address carries only the error).
    let kept = cookie_header(&headers);
    assert!(kept.starts_with("nexus-refused-email=ada%40example.com"), "{kept}");
    let path = location.trim_start_matches("http://hub.test");
    let (_, _, html) = page(&app, path, &kept).await;
    assert!(html.contains("Invalid email or password"), "the page shows the reason: {path}\n{html}");
    assert!(html.contains(r#"value="ada@example.com""#), "the email is filled in again:\n{html}");
    // Only a page answering a refusal fills it in.
    let (_, _, fresh) = page(&app, "/signin", &kept).await;
    assert!(!fresh.contains(r#"value="ada@example.com""#), "a plain visit starts empty");

    // Signing in then deletes it.
    let request = Request::post(SignIn::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, format!("http://hub.test{path}"))
        .header(header::ORIGIN, "http://hub.test")
        .header(header::COOKIE, &kept)
        .body(Body::from("email=ada%40example.com&password=correct+horse+battery+staple&next=%2Ffavorites"))
        .expect("request");
    let (status, headers, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/favorites"));
    let cookies = set_cookies(&headers);
    assert!(cookies.iter().any(|c| c.starts_with("nexus-refused-email=;") && c.contains("Max-Age=0")), "{cookies:?}");
}

#[tokio::test]
async fn a_refusal_seen_by_the_hydrated_form_leaves_no_cookie() {
    let app = app().await;
    let (status, headers, body) =
        send(&app, rpc(SignIn::PATH, "email=nobody%40example.com&password=wrong-password&next=", "")).await;
    // A refusal, not a server failure, with the REST API's status and code for the same
    // failure; the body still carries the error for the island.
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({ "code": "unauthorized", "message": "Invalid email or password." }));
    assert!(set_cookies(&headers).is_empty(), "the island keeps its inputs itself: {:?}", set_cookies(&headers));
}

#[tokio::test]
async fn server_function_failures_answer_with_the_status_they_mean() {
    let app = app().await;
    // Signed out, a favorite is refused as unauthorized.
    let (status, _, body) = send(&app, rpc(SetFavorite::PATH, &format!("tmdb_id={MOVIE}&favorite=true"), "")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body, json!({ "code": "unauthorized", "message": "Sign in to do that." }));
    // Arguments that do not decode are the caller's mistake.
    let (status, _, _) = send(&app, rpc(SetFavorite::PATH, "tmdb_id=not-a-number", "")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A movie the catalog does not have.
    let cookies = register(&app, "ada%40example.com").await;
    let (status, _, body) = send(&app, rpc(SetFavorite::PATH, "tmdb_id=999999999&favorite=true", &cookies)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn signing_out_revokes_the_session_and_deletes_the_cookies() {
    let app = app().await;
    let cookies = register(&app, "ada%40example.com").await;
    let refresh =
        cookies.split("; ").find_map(|pair| pair.strip_prefix("nexus-refresh=")).expect("refresh cookie").to_owned();
    let (status, headers, _) = send(&app, rpc(SignOut::PATH, "", &cookies)).await;
    assert!(status.is_success(), "{status}");
    let set = set_cookies(&headers);
    assert_eq!(set.len(), 2, "{set:?}");
    assert!(set.iter().all(|c| c.contains("Max-Age=0")), "{set:?}");
    // The refresh token is dead for every client, REST included.
    let (status, _, _) = post_json(&app, "/api/auth/token/refresh/", json!({ "refresh": refresh })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The form-encoded `next` values an attacker could put in `/signin?next=…`, each of which a
/// browser would resolve to another site or which would make an invalid `Location` header.
const FOREIGN_NEXTS: [&str; 7] = [
    "%2F%09%2Fevil.example", // "/\t/evil.example": browsers drop the tab
    "%2F%2Fevil.example",    // "//evil.example"
    "%2F%5Cevil.example",    // "/\evil.example"
    "https%3A%2F%2Fevil.example",
    "%2F%0D%0ASet-Cookie%3A+a%3Db", // "%0d%0a" decoded: a header injection
    "%2F%01",                       // a control character, which used to panic the redirect
    "%2F%0A%2Fevil.example",
];

#[tokio::test]
async fn sign_in_never_sends_the_browser_to_another_site() {
    let app = app().await;
    // One account for each way of posting: ten sign-ins a minute per account are allowed.
    register(&app, "ada%40example.com").await;
    register(&app, "grace%40example.com").await;
    for next in FOREIGN_NEXTS {
        let form = format!("email=ada%40example.com&password=correct+horse+battery+staple&next={next}");
        // Hydrated: the island follows the Location the server function answers with.
        let (status, headers, _) = send(&app, rpc(SignIn::PATH, &form, "")).await;
        assert!(status.is_success(), "{next}: {status}");
        assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/"), "{next}");
        // Without JavaScript: the form is posted as HTML and the browser follows a 302.
        let form = form.replace("ada%40", "grace%40");
        let request = Request::post(SignIn::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::ORIGIN, "http://hub.test")
            .body(Body::from(form))
            .expect("request");
        let (status, headers, _) = send(&app, request).await;
        assert_eq!(status, StatusCode::FOUND, "{next}");
        assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/"), "{next}");
    }
    // Registration follows the same rule.
    let form = format!("email=bob%40example.com&password=correct+horse+battery+staple&next={}", FOREIGN_NEXTS[0]);
    let (status, headers, _) = send(&app, rpc(Register::PATH, &form, "")).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some("/"));
}

/// The refresh cookie alone, as a browser sends it once the 15-minute access cookie expired.
fn refresh_cookie(cookies: &str) -> String {
    cookies.split("; ").find(|pair| pair.starts_with("nexus-refresh=")).expect("refresh cookie").to_owned()
}

#[tokio::test]
async fn after_signing_out_the_previous_refresh_token_does_not_bring_the_session_back() {
    let app = app().await;
    let first = refresh_cookie(&register(&app, "ada%40example.com").await);
    // The access cookie expired: this instance spends the refresh token and shares the answer.
    let (_, headers, html) = page(&app, "/", &first).await;
    assert!(html.contains("ada@example.com"));
    let current = cookie_header(&headers);
    // The user signs out with the current cookies...
    let (status, _, _) = send(&app, rpc(SignOut::PATH, "", &current)).await;
    assert!(status.is_success(), "{status}");
    // ...and whoever kept the earlier cookie is signed out too, at once.
    let (_, _, html) = page(&app, "/", &first).await;
    assert!(!html.contains("ada@example.com"), "the shared answer outlived the sign-out");
}

#[tokio::test]
async fn with_strict_rotation_a_replayed_refresh_cookie_is_refused_by_the_browser_session_too() {
    let app = app_with(&["--refresh-reuse-grace-secs", "0"]).await;
    let first = refresh_cookie(&register(&app, "ada%40example.com").await);
    let (_, _, html) = page(&app, "/", &first).await;
    assert!(html.contains("ada@example.com"), "the first use refreshes");
    // A second use of the same token is a replay: no grace, so no shared answer either.
    let (_, headers, html) = page(&app, "/", &first).await;
    assert!(!html.contains("ada@example.com"), "replayed within 30 s and still signed in");
    assert!(set_cookies(&headers).iter().all(|c| c.contains("Max-Age=0")));
}

#[tokio::test]
async fn a_movie_page_carries_a_link_preview_and_its_genres_lead_to_discover() {
    let app = app().await;
    let (status, _, html) = page(&app, "/movie/1267", "").await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        r#"<link href="http://hub.test/movie/1267" rel="canonical">"#,
        r#"<meta property="og:title" content="The Dark Knight (2008)">"#,
        r#"<meta property="og:url" content="http://hub.test/movie/1267">"#,
        r#"<meta property="og:type" content="video.movie">"#,
        r#"<meta name="twitter:card" content="summary">"#,
    ] {
        assert!(html.contains(expected), "missing {expected}");
    }
    let image = html.split(r#"<meta property="og:image" content=""#).nth(1).expect("og:image");
    assert!(
        image.starts_with("http://") && image.split('"').next().is_some_and(|url| url.ends_with(".svg")),
        "{image:.80}"
    );
    assert!(html.contains(r#"class="genre-chips""#), "genre chips");
    assert!(
        html.contains(r#"<a href="/discover?genre=Science+Fiction">Science Fiction</a>"#),
        "a genre leads to Discover"
    );
    // And Discover takes the genre by name.
    let (status, _, discover) = page(&app, "/discover?genre=Science+Fiction", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(discover.contains(r#"value="878" checked"#), "the filter shows the genre");
    // Several genres, as a link gives them (names, commas) or a form without JavaScript does
    // (one per ticked box): both are ticked, and the results have every one.
    for address in ["/discover?genre=Science+Fiction,action", "/discover?genre=878&genre=28"] {
        let (status, _, discover) = page(&app, address, "").await;
        assert_eq!(status, StatusCode::OK, "{address}");
        assert!(discover.contains(r#"value="878" checked"#) && discover.contains(r#"value="28" checked"#), "{address}");
        assert!(!discover.contains(r#"value="18" checked"#), "{address}: only those");
    }
    let (_, both) = get(&app, "/api/movies/discover/?genre=878,28").await;
    let (_, _, html) = page(&app, "/discover?genre=878&genre=28", "").await;
    let first = both["results"][0]["title"].as_str().expect("a sci-fi action movie");
    assert!(html.contains(first), "the page lists what the API lists: {first}");
}

#[tokio::test]
async fn list_pages_carry_a_link_preview_and_a_canonical_address() {
    let app = app().await;
    for (path, address, title) in [
        ("/", "http://hub.test/", "Nexus"),
        (
            "/discover?genre=Drama&sort=rating",
            "http://hub.test/discover?genre=Drama&amp;sort=rating",
            "Discover movies · Nexus",
        ),
        ("/search?q=dark+knight", "http://hub.test/search?q=dark+knight", "“dark knight” — search · Nexus"),
    ] {
        let (status, _, html) = page(&app, path, "").await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for expected in [
            format!(r#"<link href="{address}" rel="canonical">"#),
            format!(r#"<meta property="og:url" content="{address}">"#),
            format!(r#"<meta property="og:title" content="{title}">"#),
            r#"<meta property="og:type" content="website">"#.to_owned(),
            r#"<meta property="og:image" content="http://hub.test/icon-512.png">"#.to_owned(),
            r#"<meta name="twitter:card" content="summary">"#.to_owned(),
        ] {
            assert!(html.contains(&expected), "{path}: missing {expected}");
        }
        assert_eq!(html.matches(r#"rel="canonical""#).count(), 1, "{path}: one canonical link");
    }
}
