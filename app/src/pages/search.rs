//! Search by title. The form is a plain GET form (`/search?q=`), so it works before and
//! without the WASM; once hydrated, submitting navigates in place.

use api_types::{MovieSummary, Page};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::AppError;
use crate::components::{ErrorNotice, MovieGrid, MovieGridSkeleton};

/// One page of titles matching `query`.
#[server(input = GetUrl)]
pub async fn search_movies(query: String, page: u32) -> Result<Page<MovieSummary>, AppError> {
    let services = crate::server::services()?;
    Ok(services.catalog.search(&query, None, page, &Default::default()).await?)
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(|q| q.get("q").unwrap_or_default().trim().to_owned()));
    let results = Resource::new(
        move || query.get(),
        |query| async move { if query.is_empty() { Ok(None) } else { search_movies(query, 1).await.map(Some) } },
    );

    view! {
        <Title text=move || if query.get().is_empty() { "Search".to_owned() } else { format!("“{}” — search", query.get()) }/>
        <section class="search">
            <h1>"Search movies"</h1>
            <Form method="GET" action="/search" attr:class="search-form" attr:role="search">
                <label for="search-q">"Title"</label>
                <input id="search-q" type="search" name="q" prop:value=move || query.get() placeholder="e.g. The Dark Knight" autocomplete="off"/>
                <button type="submit">"Search"</button>
            </Form>
            <Transition fallback=|| view! { <MovieGridSkeleton count=6/> }>
                <ErrorBoundary fallback=move |errors| view! {
                    <ErrorNotice errors retry=Callback::new(move |_| results.refetch())/>
                }>
                    {move || Suspend::new(async move {
                        results.await.map(|found| match found {
                            None => view! { <p class="muted">"Type a title and press Search."</p> }.into_any(),
                            Some(page) if page.results.is_empty() => view! {
                                <p role="status">"No movies match “"{query.get_untracked()}"”."</p>
                            }.into_any(),
                            Some(page) => view! {
                                <p role="status" class="muted">{format!("{} movies found", page.count)}</p>
                                <MovieGrid movies=page.results label="Search results"/>
                            }.into_any(),
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
