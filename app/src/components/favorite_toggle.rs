//! The favorite button: a form that works without JavaScript and, once hydrated, answers at
//! once (optimistically) and rolls back with a message if the server says no.
//!
//! The islands call their server functions directly rather than through `ServerAction` and
//! `ActionForm`: those bring a second form encoder, type-erased views and effects into the
//! WASM, which every page downloads, and an island only needs the call, its answer and
//! whether it is still on its way.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::AppError;
use crate::components::{FormError, redirected_error};

/// Whether the movie is one of the user's favorites; `None` when nobody is signed in.
#[server]
pub async fn get_favorite_state(tmdb_id: u64) -> Result<Option<bool>, AppError> {
    let Some(account) = crate::server::visitor()?.account else { return Ok(None) };
    let services = crate::server::services()?;
    Ok(Some(services.favorites.contains(account, tmdb_id).await?))
}

/// Adds (`favorite = true`) or removes the movie; answers the new state. Removing a movie that
/// is not there is not an error: the user's intent is met.
#[server]
pub async fn set_favorite(tmdb_id: u64, favorite: bool) -> Result<bool, AppError> {
    let account = crate::server::require_account()?;
    let services = crate::server::services()?;
    if favorite {
        services.favorites.add(account, tmdb_id).await?;
    } else {
        match services.favorites.remove(account, tmdb_id).await {
            Ok(()) | Err(services::favorites::FavoritesError::NotFound) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(favorite)
}

/// The favorite button for the signed-in, or a way to sign in for everyone else.
#[component]
pub fn FavoriteToggle(tmdb_id: u64) -> impl IntoView {
    let stored = Resource::new(|| (), move |_| get_favorite_state(tmdb_id));
    let sign_in_href = format!("/signin?next=/movie/{tmdb_id}");
    view! {
        <Suspense fallback=|| view! { <span class="favorite-placeholder" aria-hidden="true"></span> }>
            {move || Suspend::new({
                let sign_in_href = sign_in_href.clone();
                async move {
                    match stored.await {
                        Ok(None) => view! {
                            <a class="button-link secondary" href=sign_in_href>"Sign in to save favorites"</a>
                        }.into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                        Ok(Some(favorite)) => view! {
                            <FavoriteButton tmdb_id favorite error={redirected_error::<SetFavorite>()}/>
                        }.into_any(),
                    }
                }
            })}
        </Suspense>
    }
}

/// The button itself, an island: it shows the change while it is sent, keeps it when the
/// server accepts it, and goes back, with the server's message, when the server refuses it.
/// `error` is the refusal a form posted without JavaScript came back with.
#[island]
fn FavoriteButton(tmdb_id: u64, favorite: bool, error: Option<String>) -> impl IntoView {
    // The state the server last confirmed, and the change being sent.
    let confirmed = RwSignal::new(favorite);
    let sending = RwSignal::new(None::<bool>);
    let refusal = RwSignal::new(error);
    let is_favorite = move || sending.get().unwrap_or_else(|| confirmed.get());
    let toggle = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        // One change at a time: the answer to this one decides what the next one is.
        if sending.get_untracked().is_some() {
            return;
        }
        let wanted = !confirmed.get_untracked();
        sending.set(Some(wanted));
        refusal.set(None);
        leptos::task::spawn_local(async move {
            match set_favorite(tmdb_id, wanted).await {
                Ok(state) => confirmed.set(state),
                Err(error) => refusal.set(Some(error.to_string())),
            }
            sending.set(None);
        });
    };

    view! {
        <form method="post" action=SetFavorite::url() class="favorite-form" on:submit=toggle>
            <input type="hidden" name="tmdb_id" value=tmdb_id/>
            <input type="hidden" name="favorite" value=move || (!is_favorite()).to_string()/>
            // The name says what pressing does; `data-favorite` is the state, for styling and tests.
            <button
                type="submit"
                class="favorite-button"
                data-favorite=move || is_favorite().to_string()
                data-testid="favorite-toggle"
            >
                <span aria-hidden="true">{move || if is_favorite() { "★ " } else { "☆ " }}</span>
                {move || if is_favorite() { "In your favorites" } else { "Add to favorites" }}
                <span class="visually-hidden">{move || if is_favorite() { " (press to remove)" } else { "" }}</span>
            </button>
            <FormError message=refusal/>
        </form>
    }
}
