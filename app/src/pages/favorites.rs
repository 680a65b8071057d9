//! The signed-in user's favorites, newest first, a page at a time, each with a Remove button.

use api_types::{FavoriteMovie, Page};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};

use crate::AppError;
use crate::components::favorite_toggle::{SetFavorite, set_favorite};
use crate::components::{
    ABOVE_THE_FOLD, CardLink, CardMovie, ErrorNotice, FormError, MovieGridSkeleton, Pager, redirected_error,
    use_page_number,
};

pub const FAVORITES_PAGE_SIZE: u32 = 24;

/// One page of the signed-in user's favorites.
#[server]
pub async fn list_favorites(page: u32) -> Result<Page<FavoriteMovie>, AppError> {
    let account = crate::server::require_account()?;
    let services = crate::server::services()?;
    let favorites = services::accounts::store::Shelf::Favorites;
    let list = services.library.list(favorites, account, page, FAVORITES_PAGE_SIZE).await?;
    let mut titles = crate::server::titles_in_visitor_language(list.results.iter().map(|m| m.id).collect()).await;
    Ok(list.map(|movie| match titles.remove(&movie.id) {
        Some(title) => api_types::FavoriteMovie { title, ..movie },
        None => movie,
    }))
}

#[component]
pub fn FavoritesPage() -> impl IntoView {
    let page = use_page_number().get_untracked();
    let favorites = Resource::new(move || page, list_favorites);

    view! {
        <Title text="Your favorites"/>
        <Meta name="description" content="The movies you keep: your favorites, newest first."/>
        <section class="favorites">
            <h1>"Your favorites"</h1>
            <Suspense fallback=|| view! { <MovieGridSkeleton count=6/> }>
                <ErrorBoundary fallback=|errors| view! { <SignInOrError errors next="/favorites"/> }>
                    {move || Suspend::new(async move {
                        favorites.await.map(|list| {
                            let current = list.page;
                            view! {
                                <FavoritesGrid movies=list.results.into_iter().map(CardMovie::from).collect() count=list.count error={redirected_error::<SetFavorite>()}/>
                                <Pager page=current total_pages=list.total_pages href=|page| format!("/favorites?page={page}")/>
                            }
                        })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

/// One page of favorites, an island: hydrated, Remove takes the movie off at once and brings
/// it back, with the server's message, if the server refuses. Without JavaScript each Remove
/// is a form that comes back to this page. `error` is the refusal such a form came back with.
#[island]
fn FavoritesGrid(movies: Vec<CardMovie>, count: u64, error: Option<String>) -> impl IntoView {
    let cards: Vec<(CardMovie, RemovalState)> =
        movies.into_iter().map(|movie| (movie, RemovalState::default())).collect();
    let states = StoredValue::new(cards.iter().map(|(_, state)| *state).collect::<Vec<_>>());
    let remaining = move || {
        let gone = states.with_value(|states| states.iter().filter(|state| state.is_gone()).count());
        count.saturating_sub(gone as u64)
    };

    view! {
        <FormError message=Signal::stored(error)/>
        {move || match remaining() {
            0 => Either::Left(view! {
                <p role="status">"No favorites yet. Open a movie and press "<strong>"Add to favorites"</strong>"."</p>
                <p><a href="/">"Browse trending movies"</a></p>
            }),
            count => Either::Right(view! {
                <p class="muted" role="status">{if count == 1 { "1 movie".to_owned() } else { format!("{count} movies") }}</p>
            }),
        }}
        // Busy while a removal is on its way: leaving the page before the answer may lose it.
        <ul
            class="movie-grid"
            aria-label="Favorite movies"
            aria-busy=move || states.with_value(|states| states.iter().any(|state| state.sending.get())).then_some("true")
            hidden=move || remaining() == 0
        >
            {cards.into_iter().enumerate().map(|(index, (movie, state))| {
                let eager = index < ABOVE_THE_FOLD;
                move || (!state.is_gone()).then(|| view! { <FavoriteCard movie=movie.clone() eager state/> })
            }).collect_view()}
        </ul>
    }
}

/// Where one card's removal stands.
#[derive(Clone, Copy, Default)]
struct RemovalState {
    /// Remove was pressed and the answer is on its way, or the server agreed.
    gone: RwSignal<bool>,
    /// The server's refusal of the last removal.
    refusal: RwSignal<Option<String>>,
    /// The removal is on its way.
    sending: RwSignal<bool>,
}

impl RemovalState {
    fn is_gone(self) -> bool {
        self.gone.get()
    }
}

/// A favorite with its Remove button, and the server's refusal under it.
#[component]
fn FavoriteCard(movie: CardMovie, eager: bool, state: RemovalState) -> impl IntoView {
    let id = movie.id;
    let label = format!("Remove {} from favorites", movie.title);
    let remove = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        state.gone.set(true);
        state.refusal.set(None);
        state.sending.set(true);
        leptos::task::spawn_local(async move {
            if let Err(error) = set_favorite(id, false).await {
                state.refusal.set(Some(error.to_string()));
                state.gone.set(false);
            }
            state.sending.set(false);
        });
    };
    view! {
        <li class="movie-card" data-testid="movie-card">
            <CardLink movie eager/>
            <div class="movie-card-extra">
                <form method="post" action=SetFavorite::url() on:submit=remove>
                    <input type="hidden" name="tmdb_id" value=id/>
                    <input type="hidden" name="favorite" value="false"/>
                    <button type="submit" class="link-button" aria-label=label>"Remove"</button>
                </form>
                <FormError message=state.refusal/>
            </div>
        </li>
    }
}

/// Signed out: a way to sign in and come back. Anything else: the error with a retry.
#[component]
pub fn SignInOrError(errors: ArcRwSignal<Errors>, next: &'static str) -> impl IntoView {
    let signed_out = errors.with_untracked(|errors| {
        errors.iter().any(|(_, error)| {
            error.downcast_ref::<AppError>().is_some_and(|error| error.is(api_types::ErrorCode::Unauthorized))
        })
    });
    if signed_out {
        view! {
            <div class="notice" role="status">
                <p>"Sign in to see this page."</p>
                <p>
                    <a class="button-link" href=format!("/signin?next={next}")>"Sign in"</a>
                    " or "
                    <a href=format!("/register?next={next}")>"create an account"</a>
                </p>
            </div>
        }
        .into_any()
    } else {
        view! { <ErrorNotice errors/> }.into_any()
    }
}
