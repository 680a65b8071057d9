//! Home: today's (or this week's) trending movies, then rows of popular, top rated and
//! upcoming ones.

use api_types::{MovieSummary, Page, TrendingWindow};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::components::{ErrorNotice, MovieGrid, MovieGridSkeleton};

/// How many movies each row under trending shows.
const ROW_LENGTH: usize = 12;

/// One page of trending movies, from the catalog service.
#[server(input = GetUrl)]
pub async fn list_trending(window: TrendingWindow, page: u32) -> Result<Page<MovieSummary>, AppError> {
    let services = crate::server::services()?;
    Ok(services.catalog.trending(window, page, &Default::default()).await?)
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
pub async fn list_home_row(row: HomeRow) -> Result<Page<MovieSummary>, AppError> {
    use services::tmdb::MovieList;
    let services = crate::server::services()?;
    let list = match row {
        HomeRow::Popular => MovieList::Popular,
        HomeRow::TopRated => MovieList::TopRated,
        HomeRow::Upcoming => MovieList::Upcoming,
    };
    Ok(services.catalog.list(list, 1, &Default::default()).await?)
}

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let window =
        Memo::new(move |_| query.with(|q| q.get("window").and_then(|w| w.parse().ok()).unwrap_or(TrendingWindow::Day)));
    let trending = Resource::new(move || window.get(), |window| list_trending(window, 1));

    view! {
        <Title text=""/>
        <Meta name="description" content="What is trending today and this week, with popular, top rated and upcoming movies."/>
        <section class="home" aria-labelledby="trending-heading">
            <div class="section-heading">
                <h1 id="trending-heading">{move || match window.get() {
                    TrendingWindow::Day => "Trending today",
                    TrendingWindow::Week => "Trending this week",
                }}</h1>
                <nav class="segmented" aria-label="Trending period">
                    <a href="/?window=day" aria-current=move || (window.get() == TrendingWindow::Day).then_some("page")>"Today"</a>
                    <a href="/?window=week" aria-current=move || (window.get() == TrendingWindow::Week).then_some("page")>"This week"</a>
                </nav>
            </div>
            <Transition fallback=|| view! { <MovieGridSkeleton/> }>
                <ErrorBoundary fallback=move |errors| view! {
                    <ErrorNotice errors retry=Callback::new(move |_| trending.refetch())/>
                }>
                    {move || Suspend::new(async move {
                        trending.await.map(|page| view! { <MovieGrid movies=page.results label="Trending movies"/> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
        <MovieRow row=HomeRow::Popular/>
        <MovieRow row=HomeRow::TopRated/>
        <MovieRow row=HomeRow::Upcoming/>
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
            <h2 id=heading_id>{row.heading()}</h2>
            <Transition fallback=|| view! { <MovieGridSkeleton count=6/> }>
                <ErrorBoundary fallback=move |errors| view! {
                    <ErrorNotice errors retry=Callback::new(move |_| movies.refetch())/>
                }>
                    {move || Suspend::new(async move {
                        movies.await.map(|page| {
                            let first: Vec<MovieSummary> = page.results.into_iter().take(ROW_LENGTH).collect();
                            view! { <MovieGrid movies=first label=row.heading() eager=0/> }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
