//! What search engines read: `robots.txt` (the pages about movies, not the API, the server
//! functions or a user's own pages) and `sitemap.xml` (the home page, Discover by genre, and the
//! movies of the first pages of the popular and top-rated lists).

use std::collections::BTreeSet;
use std::fmt::Write;

use app::components::encode_query_value;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use services::catalog::{DEFAULT_LANGUAGE, MovieList, locale};
use services::failure::Failure;

use super::AppState;

/// Pages of each list the sitemap takes movies from: 200 movies at most, from 10 cached list
/// pages, so a crawler's visit costs little.
const SITEMAP_LIST_PAGES: u32 = 5;

pub fn router() -> Router<AppState> {
    Router::new().route("/robots.txt", get(robots)).route("/sitemap.xml", get(sitemap))
}

async fn robots(State(state): State<AppState>) -> Response {
    let robots = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /rpc/\nDisallow: /signin\nDisallow: /register\n\
         Disallow: /account\nDisallow: /favorites\nDisallow: /my-movies\nDisallow: /for-you\nAllow: /\n\n\
         Sitemap: {}/sitemap.xml\n",
        state.public_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], robots)
        .into_response()
}

async fn sitemap(State(state): State<AppState>) -> Response {
    match sitemap_xml(&state).await {
        Ok(xml) => (
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
            xml,
        )
            .into_response(),
        Err(failure) => {
            failure.log();
            // A crawler comes back later; an incomplete sitemap would drop every movie page.
            let mut response =
                (StatusCode::SERVICE_UNAVAILABLE, "The sitemap is unavailable right now.").into_response();
            if let Some(seconds) = failure.retry_after_secs {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            }
            response
        }
    }
}

async fn sitemap_xml(state: &AppState) -> Result<String, Failure> {
    let locale = locale(DEFAULT_LANGUAGE, None)?;
    let mut movies = BTreeSet::new();
    for list in [MovieList::Popular, MovieList::TopRated] {
        for page in 1..=SITEMAP_LIST_PAGES {
            let found = state.catalog.list(list, page, &locale).await?;
            movies.extend(found.results.iter().map(|movie| movie.id));
            if page >= found.total_pages {
                break;
            }
        }
    }
    let genres = state.catalog.genres(DEFAULT_LANGUAGE).await?;

    let origin = &state.public_url;
    let mut paths = vec!["/".to_owned(), "/discover".to_owned()];
    paths.extend(genres.iter().map(|genre| format!("/discover?genre={}", encode_query_value(&genre.name))));
    paths.extend(movies.iter().map(|id| format!("/movie/{id}")));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        let _ = writeln!(xml, "  <url><loc>{}</loc></url>", escape_xml(&format!("{origin}{path}")));
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

/// The five characters XML reserves; everything else in an address is already safe.
fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}
