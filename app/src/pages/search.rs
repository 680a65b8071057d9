//! Search by title, and for people by name. The form is a plain GET form (`/search?q=`), so it works before and
//! without the WASM; once hydrated, results follow the typing (after a short pause) and the
//! query stays in the URL.

use std::time::Duration;

use api_types::{Page, PersonSummary};
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::AppError;
use crate::components::{
    CardMovie, CardRefusal, ErrorText, History, Latest, LinkPreview, MovieGrid, MovieGridSkeleton, Pager, PersonTile,
    encode_query_value, on_back_or_forward, use_page_number,
};

/// How long typing must pause before the results follow it.
const TYPING_PAUSE: Duration = Duration::from_millis(300);

/// What a search finds: people whose name matches (on the first page only), and one page of
/// titles.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SearchResults {
    pub people: Vec<PersonSummary>,
    pub movies: Page<CardMovie>,
}

/// One page of titles matching `query`, and on page 1 the people whose name matches it.
#[server(input = GetUrl)]
pub async fn search_catalog(query: String, page: u32) -> Result<SearchResults, AppError> {
    /// How many people the first page of results shows above the movies.
    const PEOPLE_SHOWN: usize = 6;
    let services = crate::server::services()?;
    let locale = crate::server::locale();
    let movies = services.catalog.search(&query, None, page, &locale);
    let people = async {
        if page > 1 {
            return Vec::new();
        }
        // People are a bonus on top of the titles: if their search fails, the titles still show.
        match services.catalog.search_people(&query, 1, &locale).await {
            Ok(found) => found.results.into_iter().take(PEOPLE_SHOWN).collect(),
            Err(error) => {
                tracing::warn!(%error, "people search failed; showing titles only");
                Vec::new()
            }
        }
    };
    let (movies, people) = tokio::join!(movies, people);
    // Marked but never hidden: people search for what they have seen, to rate it.
    let movies = crate::server::marked_cards(movies?.map(CardMovie::from)).await;
    Ok(SearchResults { people, movies })
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map().with_untracked(|q| q.get("q").unwrap_or_default().trim().to_owned());
    let page = use_page_number().get_untracked();
    let results = Resource::new(
        {
            let query = query.clone();
            move || (query.clone(), page)
        },
        |(query, page)| async move { if query.is_empty() { Ok(None) } else { search_catalog(query, page).await.map(Some) } },
    );

    view! {
        <Title text=page_title(&query)/>
        <Meta name="description" content="Search movies by title, and people by name."/>
        <LinkPreview
            title=format!("{} · Nexus", page_title(&query))
            description="Search movies by title, and people by name.".to_owned()
            path=if query.is_empty() { "/search".to_owned() } else { format!("/search?q={}", encode_query_value(&query)) }
        />
        <section class="search">
            <h1>"Search"</h1>
            <CardRefusal/>
            <Suspense fallback=|| view! { <MovieGridSkeleton count=6/> }>
                {move || Suspend::new({
                    let query = query.clone();
                    async move {
                        let first = results.await;
                        view! { <SearchPanel query first/> }
                    }
                })}
            </Suspense>
        </section>
    }
}

fn page_title(query: &str) -> String {
    if query.is_empty() { "Search".to_owned() } else { format!("“{query}” — search") }
}

/// What the results show: the query they answer, and the answer (none for an empty query).
type Found = (String, Result<Option<SearchResults>, AppError>);

/// The search box and its results, an island. Hydrated, results follow the typing after a
/// pause, and Search updates them in place; the address and the tab's title follow. Without
/// JavaScript it is a plain GET form.
#[island]
fn SearchPanel(query: String, first: Result<Option<SearchResults>, AppError>) -> impl IntoView {
    let found: Latest<Found> = Latest::new((query.clone(), first));
    let input = NodeRef::<leptos::html::Input>::new();
    let search = move |typed: String, history: History| {
        let query = typed.trim().to_owned();
        let url =
            if query.is_empty() { "/search".to_owned() } else { format!("/search?q={}", encode_query_value(&query)) };
        history.apply(&url);
        document().set_title(&crate::full_title(page_title(&query)));
        if query.is_empty() {
            found.set((query, Ok(None)));
        } else {
            found.load(async move {
                let answer = search_catalog(query.clone(), 1).await.map(Some);
                (query, answer)
            });
        }
    };
    // Typing replaces the history entry (one per search, not per keystroke) after a pause.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let cancel_pending = move || {
        if let Some(previous) = pending.get_value() {
            previous.clear();
        }
    };
    let on_input = move |event: leptos::ev::Event| {
        let typed = event_target_value(&event);
        cancel_pending();
        let handle = set_timeout_with_handle(move || search(typed, History::Replace), TYPING_PAUSE);
        pending.set_value(handle.ok());
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        cancel_pending();
        search(input.get().map(|input| input.value()).unwrap_or_default(), History::Push);
    };
    // Back and forward through the searches made here.
    on_back_or_forward(move |param| {
        let query = param("q").unwrap_or_default();
        // Only the address's hash changed (the skip link): nothing to search again.
        if found.with_untracked(|(shown, _)| shown == query.trim()) {
            return;
        }
        if let Some(input) = input.get() {
            input.set_value(&query);
        }
        search(query, History::Keep);
    });

    view! {
        <form method="GET" action="/search" class="search-form" role="search" on:submit=on_submit>
            <label for="search-q">"Title or name"</label>
            <input id="search-q" type="search" name="q" value=query placeholder="e.g. The Dark Knight" autocomplete="off" node_ref=input on:input=on_input/>
            <button type="submit">"Search"</button>
        </form>
        <div class="results" aria-busy=move || found.is_pending().then_some("true")>
            {move || {
                let (query, answer) = found.get();
                match answer {
                    Err(error) => EitherOf4::A(view! {
                        <ErrorText message=error.to_string() retry=Callback::new(move |_| search(query.clone(), History::Keep))/>
                    }),
                    Ok(None) => EitherOf4::B(view! { <p class="muted">"Type a title or a name and press Search."</p> }),
                    Ok(Some(found)) if found.movies.results.is_empty() && found.people.is_empty() => EitherOf4::C(view! {
                        <p role="status">"No movies or people match “"{query}"”."</p>
                    }),
                    Ok(Some(SearchResults { people, movies: page })) => {
                        let searched = encode_query_value(&query);
                        EitherOf4::D(view! {
                            {(!people.is_empty()).then(|| view! {
                                <section class="people-found" aria-labelledby="people-found-heading">
                                    <h2 id="people-found-heading">"People"</h2>
                                    <ul class="people" aria-label="People found">
                                        {people.into_iter().map(|person| {
                                            // What they are best known for says who they are.
                                            let role = person.known_for.first().cloned().or(person.known_for_department);
                                            view! { <PersonTile id=person.id name=person.name role photo=person.profile_url/> }
                                        }).collect_view()}
                                    </ul>
                                </section>
                            })}
                            <p role="status" class="muted">{format!("{} movies found", page.count)}</p>
                            <MovieGrid movies=page.results label="Search results"/>
                            <Pager page=page.page total_pages=page.total_pages href=move |page| format!("/search?q={searched}&page={page}")/>
                        })
                    }
                }
            }}
        </div>
    }
}
