//! The Leptos UI: the HTML shell, the router, the pages and the server functions next to the
//! pages that use them.
//!
//! The UI is built from islands. Every page is rendered on the server, complete, so it reads and
//! works without JavaScript; links and forms are plain HTML and load the next page. Only the
//! controls that change the page in place are `#[island]`s, and only they compile to WASM:
//! the theme switch, the trending period, search as you type, the discover filters, the
//! favorite button, removing a favorite, and the sign-in and register forms. An island gets
//! what it starts from as props, which the server serializes next to its HTML. Everything else
//! is a `#[component]` that never reaches the browser, which keeps the bundle small.

pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod session;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub use error::AppError;

use crate::components::{LocalePicker, Theme, ThemeSwitch};
use crate::pages::account::SignOutButton;
use crate::pages::{account, discover, favorites, for_you, home, movie, my_movies, not_found, person, search};
use crate::session::{Auth, get_catalog_is_emulated};

/// The name of the CSS, JS and WASM files under `/pkg/` (set in `.cargo/config.toml`, equal to
/// the `name` in the workspace's cargo-leptos metadata).
pub const OUTPUT_NAME: &str = env!("LEPTOS_OUTPUT_NAME");

/// Where server functions are served (`/rpc/…`; set in `.cargo/config.toml`, which the
/// `#[server]` macro reads at compile time too).
pub const SERVER_FN_PREFIX: &str = env!("SERVER_FN_PREFIX");

/// The URL prefix under which the server serves this build's bundle (`{root}/pkg/…`), provided
/// as context to every page; none means plain `/pkg/`.
#[derive(Clone, Debug, Default)]
pub struct BundleRoot(pub String);

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let root = use_context::<BundleRoot>().unwrap_or_default().0;
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=Theme::current().as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                // Server-rendered only, next to the scripts, from the same content-versioned folder.
                <link rel="stylesheet" id="leptos" href=format!("{root}/{}/{}.css", options.site_pkg_dir, options.output_name)/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options root islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page: rendered on the server only (islands mode); its islands hydrate on their own.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Link rel="apple-touch-icon" href="/icon-192.png"/>
        <Link rel="manifest" href="/manifest.webmanifest"/>
        // The browser's toolbar in the site's accent, as in the manifest.
        <Meta name="theme-color" content="#1d4ed8"/>
        // Every page sets its own `<Title>`; this adds the site's name.
        <Title formatter=full_title/>
        <Router>
            <Layout/>
        </Router>
    }
}

const SITE_TITLE: &str = "Nexus — movies worth your evening";

/// A page's title followed by the site's name; the site's own title for the home page (empty).
pub(crate) fn full_title(page: String) -> String {
    if page.is_empty() { SITE_TITLE.to_owned() } else { format!("{page} · Nexus") }
}

/// Header, the page, footer. Inside the router, so the pages' forms see the errors a form
/// posted without JavaScript was redirected back with (`?__err=`).
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
                    <A href="/my-movies">"My movies"</A>
                </nav>
                <div class="account-menu">
                    <Suspense fallback=|| ()>
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
                    </Suspense>
                    <ThemeSwitch initial=Theme::current()/>
                </div>
            </header>
            <main id="main">
                // In-order streaming: each page arrives complete and in document order, so it
                // reads and works before (or without) the WASM; out-of-order streaming would
                // need JavaScript to swap loaded content in.
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=home::HomePage ssr=SsrMode::InOrder/>
                    <Route path=path!("/search") view=search::SearchPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/discover") view=discover::DiscoverPage ssr=SsrMode::InOrder/>
                    // Async: the page waits for the movie, so an unknown one is answered 404.
                    <Route path=path!("/movie/:id") view=movie::MoviePage ssr=SsrMode::Async/>
                    <Route path=path!("/person/:id") view=person::PersonPage ssr=SsrMode::Async/>
                    <Route path=path!("/favorites") view=favorites::FavoritesPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/for-you") view=for_you::ForYouPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/my-movies") view=my_movies::MyMoviesPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/signin") view=account::SignInPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/register") view=account::RegisterPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/signout") view=account::SignOutPage ssr=SsrMode::InOrder/>
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
            <LocalePicker/>
            <p>"This product uses the TMDB API but is not endorsed or certified by TMDB."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    matches!(emulated.await, Ok(true)).then(|| view! {
                        <p data-testid="dataset-credit">
                            "Running on the built-in catalog: movie data from the "
                            <a href="https://www.npmjs.com/package/vega-datasets">"vega-datasets"</a>
                            " movies dataset (BSD-3-Clause); posters are generated."
                        </p>
                    })
                })}
            </Suspense>
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_the_site_once() {
        assert_eq!(full_title(String::new()), SITE_TITLE);
        assert_eq!(full_title("Search".into()), "Search · Nexus");
    }
}
