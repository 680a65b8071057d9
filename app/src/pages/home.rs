//! Home: today's (or this week's) trending movies, then rows of popular, top rated and
//! upcoming ones.

use api_types::{Page, TrendingWindow};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::components::{
    CardMovie, ErrorNotice, ErrorText, HideMineToggle, History, Latest, LinkPreview, MovieGrid, MovieGridSkeleton,
    is_plain_click, on_back_or_forward,
};

/// How many movies each row under trending shows.
const ROW_LENGTH: usize = 12;

/// One page of trending movies, from the catalog service.
#[server(input = GetUrl)]
pub async fn list_trending(window: TrendingWindow, page: u32) -> Result<Page<CardMovie>, AppError> {
    let services = crate::server::services()?;
    let list = services.catalog.trending(window, page, &crate::server::locale()).await?;
    Ok(crate::server::browsing_cards(list.map(CardMovie::from)).await)
}

/// The curated lists shown as rows on the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HomeRow {
    Popular,
    TopRated,
    Upcoming,
}

impl HomeRow {
    fn heading(self) -> &'static str {
        match self {
            Self::Popular => "Popular",
            Self::TopRated => "Top rated",
            Self::Upcoming => "Coming soon",
        }
    }

    /// Where the whole list can be browsed, page after page: Discover in the same order. TMDb's
    /// upcoming list has no Discover equivalent (it depends on release dates by region).
    fn see_all(self) -> Option<&'static str> {
        match self {
            Self::Popular => Some("/discover?sort=popularity"),
            Self::TopRated => Some("/discover?sort=rating"),
            Self::Upcoming => None,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Self::Popular => "popular",
            Self::TopRated => "top-rated",
            Self::Upcoming => "upcoming",
        }
    }
}

/// The first page of one of the home page's rows.
#[server(input = GetUrl)]
pub async fn list_home_row(row: HomeRow) -> Result<Page<CardMovie>, AppError> {
    use services::tmdb::MovieList;
    let services = crate::server::services()?;
    let list = match row {
        HomeRow::Popular => MovieList::Popular,
        HomeRow::TopRated => MovieList::TopRated,
        HomeRow::Upcoming => MovieList::Upcoming,
    };
    let list = services.catalog.list(list, 1, &crate::server::locale()).await?;
    Ok(crate::server::browsing_cards(list.map(CardMovie::from)).await)
}

const HOME_DESCRIPTION: &str = "What is trending today and this week, with popular, top rated and upcoming movies.";

#[component]
pub fn HomePage() -> impl IntoView {
    let window =
        use_query_map().with_untracked(|q| q.get("window").and_then(|w| w.parse().ok()).unwrap_or(TrendingWindow::Day));
    let trending = Resource::new(move || window, |window| list_trending(window, 1));

    view! {
        <Title text=""/>
        <Meta name="description" content=HOME_DESCRIPTION/>
        <LinkPreview title="Nexus".to_owned() description=HOME_DESCRIPTION.to_owned() path="/".to_owned()/>
        <HideMineToggle/>
        <Suspense fallback=|| view! { <MovieGridSkeleton/> }>
            {move || Suspend::new(async move {
                let first = trending.await;
                view! { <TrendingSection window first/> }
            })}
        </Suspense>
        <MovieRow row=HomeRow::Popular/>
        <MovieRow row=HomeRow::TopRated/>
        <MovieRow row=HomeRow::Upcoming/>
    }
}

/// Trending movies with the Today / This week switch. An island: hydrated, the switch loads the
/// other list in place and keeps the address in step (back and forward too); without
/// JavaScript its links load the page for that period.
#[island]
fn TrendingSection(window: TrendingWindow, first: Result<Page<CardMovie>, AppError>) -> impl IntoView {
    let shown = RwSignal::new(window);
    let list = Latest::new(first);
    let fetch = move |window: TrendingWindow| list.load(list_trending(window, 1));
    let switch_to = move |window: TrendingWindow, history: History| {
        if window != shown.get_untracked() {
            shown.set(window);
            history.apply(&format!("/?window={}", window.as_str()));
            fetch(window);
        }
    };
    // Back and forward through the periods chosen here.
    on_back_or_forward(move |param| {
        let window = param("window").and_then(|w| w.parse().ok()).unwrap_or_default();
        switch_to(window, History::Keep);
    });
    let link = move |window: TrendingWindow, label: &'static str| {
        view! {
            <a
                href=format!("/?window={}", window.as_str())
                aria-current=move || (shown.get() == window).then_some("page")
                on:click=move |event| {
                    if is_plain_click(&event) {
                        event.prevent_default();
                        switch_to(window, History::Push);
                    }
                }
            >{label}</a>
        }
    };

    view! {
        <section class="home" aria-labelledby="trending-heading" aria-busy=move || list.is_pending().then_some("true")>
            <div class="section-heading">
                <h1 id="trending-heading">{move || match shown.get() {
                    TrendingWindow::Day => "Trending today",
                    TrendingWindow::Week => "Trending this week",
                }}</h1>
                <nav class="segmented" aria-label="Trending period">
                    {link(TrendingWindow::Day, "Today")}
                    {link(TrendingWindow::Week, "This week")}
                </nav>
            </div>
            {move || match list.get() {
                Ok(page) => Either::Left(view! { <MovieGrid movies=page.results label="Trending movies"/> }),
                Err(error) => Either::Right(view! {
                    <ErrorText message=error.to_string() retry=Callback::new(move |_| fetch(shown.get_untracked()))/>
                }),
            }}
        </section>
    }
}

/// A titled, horizontally scrolling row of movies.
#[component]
fn MovieRow(row: HomeRow) -> impl IntoView {
    let movies = Resource::new(move || row, list_home_row);
    let heading_id = format!("{}-heading", row.id());
    let labelled_by = heading_id.clone();
    view! {
        <section class="movie-row" aria-labelledby=labelled_by>
            <div class="section-heading">
                <h2 id=heading_id>{row.heading()}</h2>
                {row.see_all().map(|href| view! {
                    <a href=href class="see-all">"See all"<span class="visually-hidden">" "{row.heading().to_lowercase()}" movies"</span></a>
                })}
            </div>
            <Suspense fallback=|| view! { <MovieGridSkeleton count=6/> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors/> }>
                    {move || Suspend::new(async move {
                        movies.await.map(|page| {
                            let first: Vec<CardMovie> = page.results.into_iter().take(ROW_LENGTH).collect();
                            view! { <MovieGrid movies=first label=row.heading() eager=0/> }
                        })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}
