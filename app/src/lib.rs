//! The Leptos UI: the HTML shell, the router, the pages and the server functions next to the
//! pages that use them.

pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod session;

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub use error::AppError;

use crate::components::{Theme, ThemeSwitch};
use crate::pages::account::SignOutButton;
use crate::session::{Auth, get_catalog_is_emulated};

/// The name of the CSS, JS and WASM files under `/pkg/` (set in `.cargo/config.toml`, equal to
/// the `name` in the workspace's cargo-leptos metadata).
pub const OUTPUT_NAME: &str = env!("LEPTOS_OUTPUT_NAME");

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=Theme::current().as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                // Server-rendered only, next to the scripts, from the same content-versioned folder.
                <link rel="stylesheet" id="leptos" href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name)/>
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
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Title formatter=|page: String| {
            if page.is_empty() { "Nexus — movies worth your evening".to_owned() } else { format!("{page} · Nexus") }
        }/>
        <Router>
            <Layout/>
        </Router>
    }
}

/// Header, the page, footer. Inside the router, so the session's actions see the errors a
/// form without JavaScript was redirected back with (`?__err=`).
#[component]
fn Layout() -> impl IntoView {
    let auth = Auth::provide();
    view! {
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="site-header">
                <A href="/" attr:class="brand">"Nexus"</A>
                <nav aria-label="Main">
                    <A href="/" exact=true>"Trending"</A>
                    <A href="/discover">"Discover"</A>
                    <A href="/search">"Search"</A>
                    <A href="/for-you">"For you"</A>
                    <A href="/favorites">"Favorites"</A>
                </nav>
                <div class="account-menu">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match auth.user.await {
                                Ok(Some(user)) => view! {
                                    <span class="signed-in-as" data-testid="signed-in-as">{user.email}</span>
                                    <SignOutButton/>
                                }.into_any(),
                                // A failing account store leaves the catalog usable: offer sign-in.
                                _ => view! {
                                    <A href="/signin">"Sign in"</A>
                                    <A href="/register" attr:class="button-link">"Register"</A>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                    <ThemeSwitch/>
                </div>
            </header>
            <main id="main">
                // In-order streaming: each page arrives complete and in document order, so it
                // reads and works before (or without) the WASM; out-of-order streaming would
                // need JavaScript to swap loaded content in.
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::InOrder/>
                    <Route path=path!("/search") view=pages::search::SearchPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/discover") view=pages::discover::DiscoverPage ssr=SsrMode::InOrder/>
                    // Async: the page waits for the movie, so an unknown one is answered 404.
                    <Route path=path!("/movie/:id") view=pages::movie::MoviePage ssr=SsrMode::Async/>
                    <Route path=path!("/favorites") view=pages::favorites::FavoritesPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/for-you") view=pages::for_you::ForYouPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/signin") view=pages::account::SignInPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/register") view=pages::account::RegisterPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/signout") view=pages::account::SignOutPage ssr=SsrMode::InOrder/>
                </Routes>
            </main>
            <Footer/>
    }
}

/// TMDb's required attribution, and the dataset's credit when the built-in emulator serves.
#[component]
fn Footer() -> impl IntoView {
    let emulated = Resource::new(|| (), |_| get_catalog_is_emulated());
    view! {
        <footer class="site-footer">
            <p>"This product uses the TMDB API but is not endorsed or certified by TMDB."</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    matches!(emulated.await, Ok(true)).then(|| view! {
                        <p data-testid="dataset-credit">
                            "Running on the built-in catalog: movie data from the "
                            <a href="https://www.npmjs.com/package/vega-datasets">"vega-datasets"</a>
                            " movies dataset (BSD-3-Clause); posters are generated."
                        </p>
                    })
                })}
            </Transition>
        </footer>
    }
}
