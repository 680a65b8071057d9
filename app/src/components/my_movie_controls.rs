//! What a signed-in user can do with a movie besides loving it: put it on the watchlist, mark it
//! seen with a rating, or say they are not interested. Plain forms, rendered on the server:
//! each posts to its server function and comes back to the page, with or without JavaScript,
//! so they add nothing to the WASM every page downloads.

use api_types::MyMovieState;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::AppError;
use crate::components::redirected_error;

/// What the user has done with the movie; `None` when nobody is signed in.
#[server]
pub async fn get_my_movie_state(tmdb_id: u64) -> Result<Option<MyMovieState>, AppError> {
    let Some(account) = crate::server::visitor()?.account else { return Ok(None) };
    let services = crate::server::services()?;
    Ok(Some(services.library.state(account, tmdb_id).await?))
}

/// Puts the movie on the watchlist (`watchlist = true`) or takes it off.
#[server]
pub async fn set_watchlist(tmdb_id: u64, watchlist: bool) -> Result<bool, AppError> {
    use services::accounts::store::Shelf;
    let account = crate::server::require_account()?;
    crate::server::set_shelf(Shelf::Watchlist, account, tmdb_id, watchlist).await?;
    Ok(watchlist)
}

/// Marks the movie "not interested" (never recommended again), or takes that back.
#[server]
pub async fn set_not_interested(tmdb_id: u64, not_interested: bool) -> Result<bool, AppError> {
    use services::accounts::store::Shelf;
    let account = crate::server::require_account()?;
    crate::server::set_shelf(Shelf::NotInterested, account, tmdb_id, not_interested).await?;
    Ok(not_interested)
}

/// Marks the movie seen with `rating` ("1" to "10"), or seen without a rating (""); "unseen"
/// takes it back. A form sends text, so the rating is read here, strictly.
#[server]
pub async fn rate_movie(tmdb_id: u64, rating: String) -> Result<Option<u8>, AppError> {
    let account = crate::server::require_account()?;
    let services = crate::server::services()?;
    let rating = match rating.trim() {
        "unseen" => {
            services.library.forget_seen(account, tmdb_id).await?;
            return Ok(None);
        }
        "" => None,
        text => Some(
            text.parse::<u8>()
                .ok()
                .filter(|rating| (1..=10).contains(rating))
                .ok_or_else(|| AppError::invalid("A rating is a whole number from 1 to 10."))?,
        ),
    };
    let (rated, _) = services.library.rate(account, tmdb_id, rating).await?;
    Ok(rated.rating)
}

/// The watchlist, rating and "not interested" controls for the signed-in; nothing for others
/// (the favorite button already offers them a way to sign in).
#[component]
pub fn MyMovieControls(tmdb_id: u64) -> impl IntoView {
    let state = Resource::new(|| (), move |_| get_my_movie_state(tmdb_id));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(Some(state)) => Some(view! { <Controls tmdb_id state/> }.into_any()),
                    Ok(None) => None,
                    Err(error) => Some(view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any()),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Controls(tmdb_id: u64, state: MyMovieState) -> impl IntoView {
    let refusal = redirected_error::<SetWatchlist>()
        .or_else(redirected_error::<RateMovie>)
        .or_else(redirected_error::<SetNotInterested>);
    let (watchlist_label, watchlist_next) =
        if state.watchlist { ("On your watchlist · remove", false) } else { ("Add to watchlist", true) };
    let (dismiss_label, dismiss_next) =
        if state.not_interested { ("Not interested · undo", false) } else { ("Not interested", true) };
    let seen_note = match (state.seen, state.rating) {
        (true, Some(rating)) => format!("You rated it {rating}/10."),
        (true, None) => "You have seen it.".to_owned(),
        (false, _) => "Seen it? Rate it:".to_owned(),
    };
    view! {
        <div class="my-movie" data-testid="my-movie-controls">
            <div class="my-movie-row">
                <form method="post" action=SetWatchlist::url()>
                    <input type="hidden" name="tmdb_id" value=tmdb_id/>
                    <input type="hidden" name="watchlist" value=watchlist_next.to_string()/>
                    <button type="submit" class="secondary" data-watchlist=state.watchlist.to_string() data-testid="watchlist-toggle">
                        {watchlist_label}
                    </button>
                </form>
                <form method="post" action=SetNotInterested::url()>
                    <input type="hidden" name="tmdb_id" value=tmdb_id/>
                    <input type="hidden" name="not_interested" value=dismiss_next.to_string()/>
                    <button type="submit" class="secondary" data-not-interested=state.not_interested.to_string() data-testid="not-interested-toggle">
                        {dismiss_label}
                    </button>
                </form>
            </div>
            <form method="post" action=RateMovie::url() class="rating-form">
                <input type="hidden" name="tmdb_id" value=tmdb_id/>
                <fieldset>
                    <legend data-testid="seen-state">{seen_note}</legend>
                    <div class="rating-scale">
                        {(1..=10u8).map(|value| view! {
                            <label>
                                <input type="radio" name="rating" value=value.to_string() checked=state.rating == Some(value) required=true/>
                                <span>{value}</span>
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
                <button type="submit" data-testid="rate">"Save rating"</button>
            </form>
            <div class="my-movie-row">
                {(!state.seen).then(|| view! {
                    <form method="post" action=RateMovie::url()>
                        <input type="hidden" name="tmdb_id" value=tmdb_id/>
                        <input type="hidden" name="rating" value=""/>
                        <button type="submit" class="link-button" data-testid="mark-seen">"Seen it, no rating"</button>
                    </form>
                })}
                {state.seen.then(|| view! {
                    <form method="post" action=RateMovie::url()>
                        <input type="hidden" name="tmdb_id" value=tmdb_id/>
                        <input type="hidden" name="rating" value="unseen"/>
                        <button type="submit" class="link-button" data-testid="mark-unseen">"Not seen after all"</button>
                    </form>
                })}
            </div>
            {refusal.map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
        </div>
    }
}
