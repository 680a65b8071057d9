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
    Ok(Some(services.library.contains(services::accounts::store::Shelf::Favorites, account, tmdb_id).await?))
}

/// Adds (`favorite = true`) or removes the movie; answers the new state. Removing a movie that
/// is not there is not an error: the user's intent is met.
#[server]
pub async fn set_favorite(tmdb_id: u64, favorite: bool) -> Result<bool, AppError> {
    let account = crate::server::require_account()?;
    crate::server::set_shelf(services::accounts::store::Shelf::Favorites, account, tmdb_id, favorite).await?;
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

/// The button itself, an island: every press shows its change at once; the server is told
/// one change at a time until it holds what the user last asked for, and the button goes back,
/// with the server's message, when the server refuses. `error` is the refusal a form posted
/// without JavaScript came back with.
#[island]
fn FavoriteButton(tmdb_id: u64, favorite: bool, error: Option<String>) -> impl IntoView {
    // The state the server last confirmed, and what the user asked for since, if anything.
    let confirmed = RwSignal::new(favorite);
    let wanted = RwSignal::new(None::<bool>);
    // Whether a change is on its way: the button says so (`aria-busy`) until the server has
    // answered, since leaving the page before then may lose the change.
    let sending = RwSignal::new(false);
    let refusal = RwSignal::new(error);
    let is_favorite = move || wanted.get().unwrap_or_else(|| confirmed.get());
    let toggle = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        wanted.set(Some(!wanted.get_untracked().unwrap_or_else(|| confirmed.get_untracked())));
        refusal.set(None);
        // A press while a change is on its way is picked up when its answer arrives: sending
        // in order keeps a late "add" from overtaking the "remove" pressed after it.
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        leptos::task::spawn_local(async move {
            while let Some(target) = wanted.get_untracked().filter(|target| *target != confirmed.get_untracked()) {
                match set_favorite(tmdb_id, target).await {
                    Ok(state) => confirmed.set(state),
                    Err(error) => {
                        refusal.set(Some(error.to_string()));
                        break;
                    }
                }
            }
            wanted.set(None);
            sending.set(false);
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
                aria-busy=move || sending.get().then_some("true")
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
