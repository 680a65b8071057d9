//! "My movies": the signed-in user's watchlist, what they have seen with their ratings, their
//! favorites and what they are not interested in, one tab each with its count. Rendered on the
//! server: tabs are links and the pager is links, so it all works without JavaScript.

use api_types::{MyMovieCounts, Page};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::components::{CardMovie, CardRefusal, MovieCard, MovieGridSkeleton, Pager, use_page_number};
use crate::pages::favorites::SignInOrError;

pub const MY_MOVIES_PAGE_SIZE: u32 = 24;

/// The tabs, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Watchlist,
    Seen,
    Favorites,
    NotInterested,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Watchlist, Tab::Seen, Tab::Favorites, Tab::NotInterested];

    fn slug(self) -> &'static str {
        match self {
            Tab::Watchlist => "watchlist",
            Tab::Seen => "seen",
            Tab::Favorites => "favorites",
            Tab::NotInterested => "not-interested",
        }
    }

    fn from_slug(slug: &str) -> Self {
        Self::ALL.into_iter().find(|tab| tab.slug() == slug).unwrap_or_default()
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Watchlist => "Watchlist",
            Tab::Seen => "Seen",
            Tab::Favorites => "Favorites",
            Tab::NotInterested => "Not interested",
        }
    }

    fn count(self, counts: &MyMovieCounts) -> u64 {
        match self {
            Tab::Watchlist => counts.watchlist,
            Tab::Seen => counts.seen,
            Tab::Favorites => counts.favorites,
            Tab::NotInterested => counts.not_interested,
        }
    }

    fn empty(self) -> &'static str {
        match self {
            Tab::Watchlist => "Nothing on your watchlist yet. “Add to watchlist” on a movie's page puts it here.",
            Tab::Seen => "Nothing marked seen yet. Rate a movie on its page and it shows here.",
            Tab::Favorites => "No favorites yet. The star on a movie's page adds it.",
            Tab::NotInterested => "Nothing here. Movies you mark “Not interested” are never recommended to you.",
        }
    }
}

/// One tab of "My movies", a page at a time, with every tab's count.
#[server]
pub async fn list_my_movies(tab: Tab, page: u32) -> Result<(MyMovieCounts, Page<CardMovie>), AppError> {
    use services::accounts::store::{SeenOrder, Shelf};
    let account = crate::server::require_account()?;
    let services = crate::server::services()?;
    let library = &services.library;
    let shelf = |shelf| async move {
        let page = library.list(shelf, account, page, MY_MOVIES_PAGE_SIZE).await?;
        Ok::<_, AppError>(page.map(CardMovie::from))
    };
    let list = match tab {
        Tab::Watchlist => shelf(Shelf::Watchlist).await?,
        Tab::Favorites => shelf(Shelf::Favorites).await?,
        Tab::NotInterested => shelf(Shelf::NotInterested).await?,
        Tab::Seen => {
            library.ratings(account, SeenOrder::Newest, page, MY_MOVIES_PAGE_SIZE).await?.map(|rated| CardMovie {
                id: rated.id,
                title: rated.title,
                year: rated.year,
                poster_url: rated.poster_url,
                rating: None,
                mine: None,
            })
        }
    };
    // One read of the library gives both the counts and each card's marks (so a watchlist
    // card offers "Seen it", a seen one shows its rating).
    let list = crate::server::cards_in_visitor_language(list).await;
    let mine = library.ids(account).await?;
    let list = list.map(|card| {
        let marks = mine.state_of(card.id);
        card.with_mine(marks)
    });
    Ok((mine.counts(), list))
}

#[component]
pub fn MyMoviesPage() -> impl IntoView {
    let page = use_page_number().get_untracked();
    let tab = Tab::from_slug(&use_query_map().with_untracked(|query| query.get("tab").unwrap_or_default()));
    let lists = Resource::new(move || (tab, page), |(tab, page)| list_my_movies(tab, page));

    view! {
        <Title text=format!("My movies: {}", tab.label())/>
        <Meta name="description" content="Your watchlist, the movies you have seen and rated, your favorites."/>
        <section class="my-movies">
            <h1>"My movies"</h1>
            <Suspense fallback=|| view! { <MovieGridSkeleton count=6/> }>
                <ErrorBoundary fallback=move |errors| view! { <SignInOrError errors next="/my-movies"/> }>
                    {move || Suspend::new(async move {
                        lists.await.map(|(counts, list)| {
                            let current = list.page;
                            view! {
                                <CardRefusal/>
                                <nav class="tabs" aria-label="Your lists">
                                    {Tab::ALL.into_iter().map(|each| view! {
                                        <a
                                            href=format!("/my-movies?tab={}", each.slug())
                                            aria-current=(each == tab).then_some("page")
                                            data-testid=format!("tab-{}", each.slug())
                                        >
                                            {each.label()}" "<span class="count">{each.count(&counts)}</span>
                                        </a>
                                    }).collect_view()}
                                </nav>
                                {if list.results.is_empty() {
                                    view! { <p class="notice">{tab.empty()}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="movie-grid" aria-label=tab.label()>
                                            {list.results.into_iter().map(|movie| view! { <MovieCard movie/> }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                <Pager page=current total_pages=list.total_pages href=move |page| format!("/my-movies?tab={}&page={page}", tab.slug())/>
                            }
                        })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}
