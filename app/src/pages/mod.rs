//! The pages, one module each, and the routes that load them.
//!
//! Every page's view is its own WASM chunk (`cargo leptos --split`): the main bundle carries the
//! runtime, the router, the layout and the shared components, and a page's code is fetched the
//! first time that page hydrates or is navigated to. The server renders the same views in
//! process, and names the chunks of the page it rendered as preloads, so hydration does not wait
//! for a second round trip.

pub mod account;
pub mod discover;
pub mod favorites;
pub mod for_you;
pub mod home;
pub mod movie;
pub mod not_found;
pub mod search;

/// Declares a route type whose view, the page component, is split into its own chunk.
///
/// The page loads its own data (its resources read the URL), so the route's data half is empty.
macro_rules! lazy_page {
    ($($route:ident => $page:path,)*) => {$(
        #[doc = concat!("The lazily loaded route of [`", stringify!($page), "`].")]
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_route: Self) -> leptos::prelude::AnyView {
                use leptos::prelude::IntoAny;
                leptos::prelude::untrack($page).into_any()
            }
        }
    )*};
}

lazy_page! {
    HomeRoute => home::HomePage,
    SearchRoute => search::SearchPage,
    DiscoverRoute => discover::DiscoverPage,
    MovieRoute => movie::MoviePage,
    FavoritesRoute => favorites::FavoritesPage,
    ForYouRoute => for_you::ForYouPage,
    SignInRoute => account::SignInPage,
    RegisterRoute => account::RegisterPage,
    SignOutRoute => account::SignOutPage,
}
