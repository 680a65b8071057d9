//! The Leptos UI: the HTML shell, the router, the pages and the server functions next to the
//! pages that use them.

// Leptos views are deeply nested types; computing their layout for hydration needs more than
// the default query depth (the lazily loaded pages are laid out here, not in `frontend`).
#![recursion_limit = "256"]

pub mod components;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod session;

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

pub use error::AppError;

use crate::components::{Theme, ThemeSwitch};
use crate::pages::account::SignOutButton;
use crate::session::{Auth, get_catalog_is_emulated};

/// The name of the CSS, JS and WASM files under `/pkg/` (set in `.cargo/config.toml`, equal to
/// the `name` in the workspace's cargo-leptos metadata).
pub const OUTPUT_NAME: &str = env!("LEPTOS_OUTPUT_NAME");

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
                <HydrationScripts options root/>
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
    // True while the router loads the next page (its chunk, the first time); shown as a bar.
    let (is_routing, set_is_routing) = signal(false);

    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        // Every page sets its own `<Title>`. Until a page's chunk has loaded and hydrated it, the
        // tab keeps the title the server rendered: with no text here, it would go blank meanwhile.
        <Title formatter=full_title text=rendered_title()/>
        <Router set_is_routing>
            <Layout is_routing/>
        </Router>
    }
}

const SITE_TITLE: &str = "Nexus — movies worth your evening";
const TITLE_SUFFIX: &str = " · Nexus";

/// A page's title followed by the site's name; the site's own title for the home page (empty).
/// Idempotent, because the server-rendered title comes back through it while hydrating.
fn full_title(page: String) -> String {
    if page.is_empty() || page == SITE_TITLE {
        SITE_TITLE.to_owned()
    } else if page.ends_with(TITLE_SUFFIX) {
        page
    } else {
        format!("{page}{TITLE_SUFFIX}")
    }
}

/// The document's title as the server rendered it (in the browser), or none (on the server).
fn rendered_title() -> String {
    #[cfg(feature = "hydrate")]
    return document().title();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Header, the page, footer. Inside the router, so the session's actions see the errors a
/// form without JavaScript was redirected back with (`?__err=`).
#[component]
fn Layout(is_routing: ReadSignal<bool>) -> impl IntoView {
    let auth = Auth::provide();
    view! {
            <div class="route-progress" aria-hidden="true" hidden=move || !is_routing.get()></div>
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
            <main id="main" aria-busy=move || is_routing.get().then_some("true")>
                // In-order streaming: each page arrives complete and in document order, so it
                // reads and works before (or without) the WASM; out-of-order streaming would
                // need JavaScript to swap loaded content in.
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view={Lazy::<pages::HomeRoute>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/search") view={Lazy::<pages::SearchRoute>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/discover") view={Lazy::<pages::DiscoverRoute>::new()} ssr=SsrMode::InOrder/>
                    // Async: the page waits for the movie, so an unknown one is answered 404.
                    <Route path=path!("/movie/:id") view={Lazy::<pages::MovieRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/favorites") view={Lazy::<pages::FavoritesRoute>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/for-you") view={Lazy::<pages::ForYouRoute>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/signin") view={Lazy::<pages::SignInRoute>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/register") view={Lazy::<pages::RegisterRoute>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/signout") view={Lazy::<pages::SignOutRoute>::new()} ssr=SsrMode::InOrder/>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_the_site_once() {
        assert_eq!(full_title(String::new()), SITE_TITLE);
        assert_eq!(full_title("Search".into()), "Search · Nexus");
        assert_eq!(full_title(full_title("Search".into())), "Search · Nexus", "idempotent");
        assert_eq!(full_title(SITE_TITLE.into()), SITE_TITLE);
    }
}
