//! "Hide what I've seen or watchlisted" for the browsing lists (trending, the home rows,
//! discover), and the place where a card's control says when the server refused it. A plain
//! form, rendered on the server: it posts, the preference is stored in a cookie, and the list
//! comes back without those movies, with or without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::AppError;
use crate::components::my_movie_controls::{RateMovie, SetNotInterested, SetWatchlist};
use crate::components::redirected_error;

/// The browser's preference; `None` when nobody is signed in (there is nothing to hide).
#[server]
pub async fn get_hide_preference() -> Result<Option<bool>, AppError> {
    if crate::server::visitor()?.account.is_none() {
        return Ok(None);
    }
    Ok(Some(!crate::server::hide_preference()?.is_empty()))
}

/// Hides (`hide = true`) or shows again what the user has seen or watchlisted, in every
/// browsing list of this browser.
#[server]
pub async fn set_hide_preference(hide: bool) -> Result<bool, AppError> {
    crate::server::require_account()?;
    let services = crate::server::services()?;
    use api_types::HideMine;
    let preference = if hide { HideMine::SEEN_OR_WATCHLISTED } else { HideMine::default() };
    crate::server::set_cookies([services.cookies.keep_hide_preference(preference)]);
    Ok(hide)
}

/// The toggle above a browsing list, for the signed-in, with any refusal of a card's control.
#[component]
pub fn HideMineToggle() -> impl IntoView {
    let preference = Resource::new(|| (), |_| get_hide_preference());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let hiding = preference.await.ok().flatten()?;
                let refusal = redirected_error::<SetHidePreference>();
                Some(view! {
                    <div class="list-options">
                        <form method="post" action=SetHidePreference::url()>
                            <input type="hidden" name="hide" value=(!hiding).to_string()/>
                            <button
                                type="submit"
                                class="switch"
                                role="switch"
                                aria-checked=hiding.to_string()
                                data-testid="hide-mine"
                            >
                                "Hide movies I've seen or watchlisted"
                            </button>
                        </form>
                        {refusal.map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                        <CardRefusal/>
                    </div>
                })
            })}
        </Suspense>
    }
}

/// What the server said when it refused a card's control (posted without JavaScript, the
/// list comes back with the refusal in its address); nothing otherwise.
#[component]
pub fn CardRefusal() -> impl IntoView {
    let refusal = redirected_error::<SetWatchlist>()
        .or_else(redirected_error::<RateMovie>)
        .or_else(redirected_error::<SetNotInterested>);
    refusal.map(|message| view! { <p class="form-error" role="alert" data-testid="card-refusal">{message}</p> })
}
