//! What server functions need from the server: its services, provided as context by the
//! axum binary (see `server::http`), and who is asking, worked out by its session middleware.

pub mod session;

use std::sync::Arc;

use leptos::prelude::*;
use services::accounts::AccountService;
use services::catalog::CatalogService;
use services::for_you::ForYouService;
use services::library::LibraryService;
use uuid::Uuid;

pub use session::{SessionCookies, Visitor};

use crate::AppError;
use crate::components::CardMovie;

/// The services a server function may call.
#[derive(Clone)]
pub struct ServerContext {
    pub catalog: Arc<CatalogService>,
    pub accounts: Arc<AccountService>,
    /// The user's movies: favorites, watchlist, seen and ratings, not interested.
    pub library: Arc<LibraryService>,
    pub for_you: Arc<ForYouService>,
    pub cookies: SessionCookies,
    /// True when the built-in emulator serves the catalog (the footer then credits its dataset).
    pub catalog_is_emulated: bool,
    /// The site's public origin (`PUBLIC_URL`), for canonical links and link previews.
    pub public_url: Arc<str>,
}

/// The server's services, or an internal error when the server did not provide them.
pub fn services() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("ServerContext missing: the server must provide it to every Leptos route");
        AppError::internal()
    })
}

/// The request being answered (headers, extensions), as leptos_axum provides it.
pub fn request_parts() -> Result<http::request::Parts, AppError> {
    use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("request parts missing: server functions must run inside leptos_axum");
        AppError::internal()
    })
}

/// Who is asking; the session middleware puts it on every UI and server-function request.
pub fn visitor() -> Result<Visitor, AppError> {
    request_parts()?.extensions.get::<Visitor>().copied().ok_or_else(|| {
        tracing::error!("Visitor missing: the session middleware must run before the Leptos routes");
        AppError::internal()
    })
}

/// The signed-in account, or `Unauthorized`.
pub fn require_account() -> Result<Uuid, AppError> {
    visitor()?.account.ok_or_else(AppError::unauthorized)
}

/// Adds `Set-Cookie` headers to the response of the current server function or page.
pub fn set_cookies(cookies: impl IntoIterator<Item = http::HeaderValue>) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        for cookie in cookies {
            response.append_header(http::header::SET_COOKIE, cookie);
        }
    }
}

/// Keeps a new session in the browser's cookies and goes on to `next` (a path on this site).
pub fn start_browser_session(services: &ServerContext, session: &services::accounts::Session, next: Option<&str>) {
    set_cookies(services.cookies.set(session));
    if request_parts().is_ok_and(|parts| services.cookies.refused_email(&parts.headers).is_some()) {
        set_cookies([services.cookies.forget_refused_email()]);
    }
    leptos_axum::redirect(local_path(next));
}

/// After a refused sign-in or registration: when the form was posted without JavaScript, keeps
/// the typed email for the page the browser is sent back to (see `refused_email`). A hydrated
/// form keeps its own inputs.
pub fn keep_email_of_refused_form(services: &ServerContext, email: &str) {
    let posted_without_javascript = request_parts().is_ok_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    });
    if posted_without_javascript {
        set_cookies(services.cookies.keep_refused_email(email));
    }
}

/// The email a refused form posted without JavaScript came back with, for the form to show.
pub fn refused_email() -> Option<String> {
    services().ok()?.cookies.refused_email(&request_parts().ok()?.headers)
}

/// Where to go after signing in: only a path on this site, so the form cannot be used to
/// send people elsewhere.
///
/// Browsers drop tabs and newlines from a URL before resolving it (WHATWG URL parsing), and
/// treat `\\` like `/`, so `/\t/evil.example` or `/\\evil.example` would leave the site;
/// other control characters would make the `Location` header invalid. A path is followed only
/// when it has none of those and still names this origin once resolved against it.
pub fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(path) if resolves_to_this_origin(path) => path,
        _ => "/",
    }
}

fn resolves_to_this_origin(path: &str) -> bool {
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    let Ok(here) = url::Url::parse("http://this-origin.invalid/") else { return false };
    plain && here.join(path).is_ok_and(|resolved| resolved.origin() == here.origin())
}

/// The language and region this visitor reads the catalog in (see [`SessionCookies::locale`]).
/// English in the United States when the request cannot be read, which only a server bug
/// causes: the catalog is still worth showing.
pub fn locale() -> services::catalog::Locale {
    match (services(), request_parts()) {
        (Ok(services), Ok(parts)) => services.cookies.locale(&parts.headers),
        _ => services::catalog::Locale::default(),
    }
}

/// The titles of `ids` in the visitor's language, for the lists kept in English (their
/// library, "For you"); empty in English. See [`CatalogService::titles`].
pub async fn titles_in_visitor_language(ids: Vec<u64>) -> std::collections::HashMap<u64, String> {
    match services() {
        Ok(services) => services.catalog.titles(&ids, &locale().language).await,
        Err(_) => Default::default(),
    }
}

/// `cards` with their titles in the visitor's language.
pub async fn cards_in_visitor_language(cards: api_types::Page<CardMovie>) -> api_types::Page<CardMovie> {
    let mut titles = titles_in_visitor_language(cards.results.iter().map(|card| card.id).collect()).await;
    cards.map(|card| match titles.remove(&card.id) {
        Some(title) => CardMovie { title, ..card },
        None => card,
    })
}

/// The browsing lists' hide preference this browser sent (nothing hidden without one).
pub fn hide_preference() -> Result<api_types::HideMine, AppError> {
    Ok(services()?.cookies.hide_preference(&request_parts()?.headers))
}

/// The signed-in visitor's library, to mark cards and hide what they asked lists to hide;
/// `None` for visitors, and (logged) when it cannot be read: marks are not worth failing a
/// list of movies for.
pub async fn visitor_library() -> Option<services::accounts::store::LibraryIds> {
    let account = visitor().ok()?.account?;
    match services().ok()?.library.ids(account).await {
        Ok(library) => Some(library),
        Err(error) => {
            tracing::warn!(%error, "list shown without the user's marks");
            None
        }
    }
}

/// Cards marked with what the visitor has done with each movie, so each offers the right
/// controls.
pub async fn marked_cards(page: api_types::Page<CardMovie>) -> api_types::Page<CardMovie> {
    match visitor_library().await {
        Some(library) => page.map(|card| mark(&library, card)),
        None => page,
    }
}

/// One row of cards marked as [`marked_cards`] does.
pub async fn marked_row(cards: Vec<CardMovie>) -> Vec<CardMovie> {
    match visitor_library().await {
        Some(library) => cards.into_iter().map(|card| mark(&library, card)).collect(),
        None => cards,
    }
}

/// Two rows of cards marked as [`marked_cards`] does, with one read of the library.
pub async fn marked(first: Vec<CardMovie>, second: Vec<CardMovie>) -> (Vec<CardMovie>, Vec<CardMovie>) {
    match visitor_library().await {
        Some(library) => {
            let mark_all = |cards: Vec<CardMovie>| cards.into_iter().map(|card| mark(&library, card)).collect();
            (mark_all(first), mark_all(second))
        }
        None => (first, second),
    }
}

fn mark(library: &services::accounts::store::LibraryIds, card: CardMovie) -> CardMovie {
    let mine = library.state_of(card.id);
    card.with_mine(mine)
}

/// A browsing list's cards: marked, and without what the visitor asked browsing lists to hide
/// (see [`hide_preference`]). The page keeps the catalog's numbering, so it may hold fewer.
pub async fn browsing_cards(mut page: api_types::Page<CardMovie>) -> api_types::Page<CardMovie> {
    let Some(library) = visitor_library().await else { return page };
    let hide = hide_preference().unwrap_or_default();
    page.results.retain(|card| !library.hides(hide, card.id));
    page.map(|card| mark(&library, card))
}

/// Puts a movie on a shelf (`on`) or takes it off ([`LibraryService::set_on_shelf`]).
///
/// [`LibraryService::set_on_shelf`]: services::library::LibraryService::set_on_shelf
pub async fn set_shelf(
    shelf: services::accounts::store::Shelf,
    account: Uuid,
    tmdb_id: u64,
    on: bool,
) -> Result<(), AppError> {
    Ok(services()?.library.set_on_shelf(shelf, account, tmdb_id, on).await?)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/favorites?page=2")), "/favorites?page=2");
        assert_eq!(local_path(Some("/search?q=L%C3%A9on")), "/search?q=L%C3%A9on");
        // A path that only looks odd but stays here is kept: `%0d%0a` is not a line break.
        assert_eq!(local_path(Some("/movie/21?x=%0d%0a")), "/movie/21?x=%0d%0a");
        let outside = [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            // Browsers strip tabs and newlines, which makes these `//evil.example`.
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            // `next=%0d%0a` decoded: a header injection if it were kept.
            "/\r\nSet-Cookie: a=b",
            // Other control characters would make the Location header invalid (a panic).
            "/\u{1}",
            "/\u{7f}",
            "/ /evil.example",
            "/\u{3000}evil",
            "favorites",
            "",
        ];
        for outside in outside {
            assert_eq!(local_path(Some(outside)), "/", "{outside:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
