//! The signed-in user's favorites, newest first, a page at a time, each with a Remove button.

use api_types::{FavoriteMovie, Page};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::AppError;
use crate::components::favorite_toggle::SetFavorite;
use crate::components::{ABOVE_THE_FOLD, ErrorNotice, FormError, MovieCard, MovieGridSkeleton, Pager, use_page_number};

pub const FAVORITES_PAGE_SIZE: u32 = 24;

/// One page of the signed-in user's favorites.
#[server]
pub async fn list_favorites(page: u32) -> Result<Page<FavoriteMovie>, AppError> {
    let account = crate::server::require_account()?;
    let services = crate::server::services()?;
    Ok(services.favorites.list(account, page, FAVORITES_PAGE_SIZE).await?)
}

#[component]
pub fn FavoritesPage() -> impl IntoView {
    let page = use_page_number();
    let remove = ServerAction::<SetFavorite>::new();
    let favorites = Resource::new(move || (page.get(), remove.version().get()), |(page, _)| list_favorites(page));
    // Hidden as soon as Remove is pressed; back if the server refuses.
    let removing = move || remove.input().get().filter(|input| !input.favorite).map(|input| input.tmdb_id);

    view! {
        <Title text="Your favorites"/>
        <Meta name="description" content="The movies you keep: your favorites, newest first."/>
        <section class="favorites">
            <h1>"Your favorites"</h1>
            <FormError result=remove.value().into()/>
            <Transition fallback=|| view! { <MovieGridSkeleton count=6/> }>
                <ErrorBoundary fallback=move |errors| view! {
                    <SignInOrError errors next="/favorites" retry=Callback::new(move |_| favorites.refetch())/>
                }>
                    {move || Suspend::new(async move {
                        favorites.await.map(|list| {
                            if list.results.is_empty() {
                                return view! {
                                    <p role="status">"No favorites yet. Open a movie and press "<strong>"Add to favorites"</strong>"."</p>
                                    <p><a href="/">"Browse trending movies"</a></p>
                                }.into_any();
                            }
                            let current = list.page;
                            view! {
                                <p class="muted" role="status">{format!("{} movies", list.count)}</p>
                                <ul class="movie-grid" aria-label="Favorite movies">
                                    {list.results.into_iter().enumerate().map(|(index, movie)| {
                                        let id = movie.id;
                                        view! {
                                            <Show when=move || removing() != Some(id)>
                                                <FavoriteCard movie=movie.clone() eager=index < ABOVE_THE_FOLD remove/>
                                            </Show>
                                        }
                                    }).collect_view()}
                                </ul>
                                <Pager page=current total_pages=list.total_pages href=|page| format!("/favorites?page={page}")/>
                            }.into_any()
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// A favorite with its Remove button.
#[component]
fn FavoriteCard(movie: FavoriteMovie, eager: bool, remove: ServerAction<SetFavorite>) -> impl IntoView {
    let id = movie.id;
    let label = format!("Remove {} from favorites", movie.title);
    view! {
        <MovieCard movie eager>
            <ActionForm action=remove>
                <input type="hidden" name="tmdb_id" value=id/>
                <input type="hidden" name="favorite" value="false"/>
                <button type="submit" class="link-button" aria-label=label>"Remove"</button>
            </ActionForm>
        </MovieCard>
    }
}

/// Signed out: a way to sign in and come back. Anything else: the error with a retry.
#[component]
pub fn SignInOrError(errors: ArcRwSignal<Errors>, next: &'static str, retry: Callback<()>) -> impl IntoView {
    let signed_out = errors.with_untracked(|errors| {
        errors.iter().any(|(_, error)| error.downcast_ref::<AppError>() == Some(&AppError::Unauthorized))
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
        view! { <ErrorNotice errors retry/> }.into_any()
    }
}
