//! "For you": recommendations from the user's favorites, each saying which favorites led to it.

use api_types::{Page, Reason, ReasonKind, RecommendationSource};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};

use crate::AppError;
use crate::components::favorite_toggle::SetFavorite;
use crate::components::my_movie_controls::SetNotInterested;
use crate::components::{ABOVE_THE_FOLD, CardMovie, CardRefusal, MovieCard, MovieGridSkeleton, Pager, use_page_number};
use crate::pages::favorites::SignInOrError;

/// A recommendation as its card shows it: the movie, marked with what the user has done with
/// it, and why it was picked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ForYouCard {
    pub movie: CardMovie,
    pub because: Vec<Reason>,
}

/// One page of the signed-in user's recommendations, and what they are based on.
#[server]
pub async fn list_for_you(page: u32) -> Result<(RecommendationSource, Page<ForYouCard>), AppError> {
    let account = crate::server::require_account()?;
    let services = crate::server::services()?;
    let (page, based_on) = services.for_you.page(account, page).await?;
    let library = crate::server::visitor_library().await;
    // The movies and the user's movies they come from, named in the visitor's language.
    let ids = page.results.iter().flat_map(|r| std::iter::once(r.movie.id).chain(r.because.iter().map(|b| b.id)));
    let titles = crate::server::titles_in_visitor_language(ids.collect()).await;
    let page = page.map(|recommendation| {
        let mut because = recommendation.because.clone();
        for reason in &mut because {
            if let Some(title) = titles.get(&reason.id) {
                reason.title.clone_from(title);
            }
        }
        let mut movie = CardMovie::from(recommendation);
        if let Some(title) = titles.get(&movie.id) {
            movie.title.clone_from(title);
        }
        if let Some(library) = &library {
            let mine = library.state_of(movie.id);
            movie = movie.with_mine(mine);
        }
        ForYouCard { movie, because }
    });
    Ok((based_on, page))
}

#[component]
pub fn ForYouPage() -> impl IntoView {
    let page = use_page_number().get_untracked();
    let recommendations = Resource::new(move || page, list_for_you);

    view! {
        <Title text="For you"/>
        <Meta name="description" content="Recommendations made from the movies you love, and why each was picked."/>
        <section class="for-you">
            <h1>"For you"</h1>
            <Suspense fallback=|| view! { <MovieGridSkeleton/> }>
                <ErrorBoundary fallback=|errors| view! { <SignInOrError errors next="/for-you"/> }>
                    {move || Suspend::new(async move {
                        recommendations.await.map(|(based_on, page)| {
                            let intro = match based_on {
                                RecommendationSource::Favorites => "Picked from the movies you love.",
                                RecommendationSource::Ratings => "Picked from the movies you rated highly.",
                                RecommendationSource::Onboarding => {
                                    "Tell us a movie or two you like and this page learns your taste: press “I like this”."
                                }
                            };
                            let onboarding = based_on == RecommendationSource::Onboarding;
                            let current = page.page;
                            let total_pages = page.total_pages;
                            view! {
                                <CardRefusal/>
                                <p class="muted" data-testid="for-you-source" data-source=match based_on {
                                    RecommendationSource::Favorites => "favorites",
                                    RecommendationSource::Ratings => "ratings",
                                    RecommendationSource::Onboarding => "onboarding",
                                }>{intro}</p>
                                <ul class="movie-grid" aria-label=if onboarding { "Movies to pick from" } else { "Recommended for you" }>
                                    {page.results.into_iter().enumerate().map(|(index, ForYouCard { movie, because })| {
                                        let id = movie.id;
                                        let title = movie.title.clone();
                                        view! {
                                            <MovieCard movie eager=index < ABOVE_THE_FOLD>
                                                {(!because.is_empty()).then(|| view! { <Because reasons=because/> })}
                                                {if onboarding {
                                                    view! { <LikeThis id title/> }.into_any()
                                                } else {
                                                    view! { <NotForMe id title/> }.into_any()
                                                }}
                                            </MovieCard>
                                        }
                                    }).collect_view()}
                                </ul>
                                <Pager page=current total_pages href=|page| format!("/for-you?page={page}")/>
                            }
                        })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

/// How many of a recommendation's reasons are named; the rest are counted.
const REASONS_SHOWN: usize = 3;

/// "Because you liked A, B and 2 more", or "People who liked A also liked this", each title a
/// link to its movie.
#[component]
fn Because(reasons: Vec<Reason>) -> impl IntoView {
    let people = reasons.first().is_some_and(|reason| reason.kind == ReasonKind::AlsoSaved);
    let more = reasons.len().saturating_sub(REASONS_SHOWN);
    let count = reasons.len().min(REASONS_SHOWN);
    let links = reasons
        .into_iter()
        .take(REASONS_SHOWN)
        .enumerate()
        .map(|(index, reason)| {
            let separator = match (index, count) {
                (0, _) => "",
                (i, n) if i + 1 == n && more == 0 => " and ",
                _ => ", ",
            };
            view! {
                {separator}
                <a href=format!("/movie/{}", reason.id) data-kind=match reason.kind {
                    ReasonKind::Favorite => "favorite",
                    ReasonKind::Rated => "rated",
                    ReasonKind::AlsoSaved => "also_saved",
                }>{reason.title}</a>
            }
        })
        .collect_view();
    view! {
        <p class="because" data-testid="because">
            {if people { "People who liked " } else { "Because you liked " }}
            {links}
            {(more > 0).then(|| format!(" and {more} more"))}
            {people.then_some(" also liked this")}
        </p>
    }
}

/// "I like this" on a movie a new user is offered: adds it to their favorites and comes back,
/// with or without JavaScript (a plain form).
#[component]
fn LikeThis(id: u64, title: String) -> impl IntoView {
    view! {
        <form method="post" action=SetFavorite::url() class="like-this">
            <input type="hidden" name="tmdb_id" value=id/>
            <input type="hidden" name="favorite" value="true"/>
            <button type="submit" class="secondary" data-testid="like-this">
                "I like this"<span class="visually-hidden">": "{title}</span>
            </button>
        </form>
    }
}

/// "Not for me" on a recommendation: marks it not interested, so it is never recommended again
/// and movies like it move down, and comes back (a plain form, with or without JavaScript).
#[component]
fn NotForMe(id: u64, title: String) -> impl IntoView {
    view! {
        <form method="post" action=SetNotInterested::url() class="not-for-me">
            <input type="hidden" name="tmdb_id" value=id/>
            <input type="hidden" name="not_interested" value="true"/>
            <button type="submit" class="link-button" data-testid="not-for-me">
                "Not for me"<span class="visually-hidden">": "{title}</span>
            </button>
        </form>
    }
}
