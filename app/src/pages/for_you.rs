//! "For you": recommendations from the user's favorites, each saying which favorites led to it.

use api_types::{ForYouPage, RecommendationSource};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::AppError;
use crate::components::{ABOVE_THE_FOLD, MovieCard, MovieGridSkeleton, Pager, use_page_number};
use crate::pages::favorites::SignInOrError;

/// One page of the signed-in user's recommendations.
#[server]
pub async fn list_for_you(page: u32) -> Result<ForYouPage, AppError> {
    let account = crate::server::require_account()?;
    let services = crate::server::services()?;
    let (page, based_on) = services.for_you.page(account, page).await?;
    Ok(ForYouPage { page, based_on })
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
                        recommendations.await.map(|for_you| {
                            let intro = match for_you.based_on {
                                RecommendationSource::Favorites => "Picked from the movies you love.",
                                RecommendationSource::Trending => {
                                    "Add favorites and this page learns your taste. Until then, here is what is trending."
                                }
                            };
                            let current = for_you.page.page;
                            let total_pages = for_you.page.total_pages;
                            view! {
                                <p class="muted" data-testid="for-you-source" data-source=match for_you.based_on {
                                    RecommendationSource::Favorites => "favorites",
                                    RecommendationSource::Trending => "trending",
                                }>{intro}</p>
                                <ul class="movie-grid" aria-label="Recommended for you">
                                    {for_you.page.results.into_iter().enumerate().map(|(index, recommendation)| {
                                        let because = recommendation.because.clone();
                                        view! {
                                            <MovieCard movie=recommendation eager=index < ABOVE_THE_FOLD>
                                                {(!because.is_empty()).then(|| view! {
                                                    <p class="because">"Because you liked "{because.join(", ")}</p>
                                                })}
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
