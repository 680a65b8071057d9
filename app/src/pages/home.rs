//! Home: today's (or this week's) trending movies.

use api_types::{MovieSummary, Page, TrendingWindow};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::AppError;
use crate::components::{ErrorNotice, MovieGrid, MovieGridSkeleton};

/// One page of trending movies, from the catalog service.
#[server(input = GetUrl)]
pub async fn list_trending(window: TrendingWindow, page: u32) -> Result<Page<MovieSummary>, AppError> {
    let services = crate::server::services()?;
    Ok(services.catalog.trending(window, page, &Default::default()).await?)
}

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let window =
        Memo::new(move |_| query.with(|q| q.get("window").and_then(|w| w.parse().ok()).unwrap_or(TrendingWindow::Day)));
    let trending = Resource::new(move || window.get(), |window| list_trending(window, 1));

    view! {
        <Title text=""/>
        <section class="home">
            <div class="section-heading">
                <h1>{move || match window.get() {
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
    }
}
