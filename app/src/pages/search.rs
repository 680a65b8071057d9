//! Search by title. The form is a plain GET form (`/search?q=`), so it works before and
//! without the WASM; once hydrated, results follow the typing (after a short pause) and the
//! query stays in the URL.

use std::time::Duration;

use api_types::{MovieSummary, Page};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Meta, Title};
use leptos_router::NavigateOptions;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::AppError;
use crate::components::{ErrorNotice, MovieGrid, MovieGridSkeleton, Pager, encode_query_value, use_page_number};

/// How long typing must pause before the results follow it.
const TYPING_PAUSE: Duration = Duration::from_millis(300);

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
    let page = use_page_number();
    let results = Resource::new(
        move || (query.get(), page.get()),
        |(query, page)| async move { if query.is_empty() { Ok(None) } else { search_movies(query, page).await.map(Some) } },
    );
    // Typing replaces the history entry (one per search, not per keystroke) after a pause.
    let navigate = use_navigate();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |event: leptos::ev::Event| {
        let typed = event_target_value(&event);
        if let Some(previous) = pending.get_value() {
            previous.clear();
        }
        let navigate = navigate.clone();
        let handle = set_timeout_with_handle(
            move || {
                let target = format!("/search?q={}", encode_query_value(typed.trim()));
                navigate(&target, NavigateOptions { replace: true, scroll: false, ..Default::default() });
            },
            TYPING_PAUSE,
        );
        pending.set_value(handle.ok());
    };

    view! {
        <Title text=move || if query.get().is_empty() { "Search".to_owned() } else { format!("“{}” — search", query.get()) }/>
        <Meta name="description" content="Search movies by title."/>
        <section class="search">
            <h1>"Search movies"</h1>
            <Form method="GET" action="/search" attr:class="search-form" attr:role="search">
                <label for="search-q">"Title"</label>
                <input id="search-q" type="search" name="q" value=move || query.get() prop:value=move || query.get() placeholder="e.g. The Dark Knight" autocomplete="off" on:input=on_input/>
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
                            Some(page) => {
                                let searched = encode_query_value(&query.get_untracked());
                                view! {
                                    <p role="status" class="muted">{format!("{} movies found", page.count)}</p>
                                    <MovieGrid movies=page.results label="Search results"/>
                                    <Pager page=page.page total_pages=page.total_pages href=move |page| format!("/search?q={searched}&page={page}")/>
                                }.into_any()
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
