//! The Leptos UI: the HTML shell, the router, the pages and the server functions next to the
//! pages that use them.

pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub use error::AppError;

/// The name of the CSS, JS and WASM files under `/pkg/` (set in `.cargo/config.toml`, equal to
/// the `name` in the workspace's cargo-leptos metadata).
pub const OUTPUT_NAME: &str = env!("LEPTOS_OUTPUT_NAME");

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration: the mark tells tests (and CSS) that
    // the page is interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href=format!("/pkg/{OUTPUT_NAME}.css")/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Title formatter=|page: String| {
            if page.is_empty() { "Nexus — movies worth your evening".to_owned() } else { format!("{page} · Nexus") }
        }/>
        <Meta name="description" content="Find movies: what is trending, what to watch next, and what you love."/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="site-header">
                <A href="/" attr:class="brand">"Nexus"</A>
                <nav aria-label="Main">
                    <A href="/">"Trending"</A>
                    <A href="/search">"Search"</A>
                </nav>
            </header>
            <main id="main">
                // In-order streaming: each page arrives complete and in document order, so it
                // reads and works before (or without) the WASM; out-of-order streaming would
                // need JavaScript to swap loaded content in.
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::InOrder/>
                    <Route path=path!("/search") view=pages::search::SearchPage ssr=SsrMode::InOrder/>
                    // Async: the page waits for the movie, so an unknown one is answered 404.
                    <Route path=path!("/movie/:id") view=pages::movie::MoviePage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"This product uses the TMDB API but is not endorsed or certified by TMDB."</p>
            </footer>
        </Router>
    }
}
