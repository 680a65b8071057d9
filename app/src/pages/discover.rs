//! Discover: filter the catalog by genre, years and rating, in any order. Every filter lives in
//! the URL (a plain GET form), so a discovery can be bookmarked, shared and used without
//! JavaScript.

use api_types::{DiscoverFilter, DiscoverSort, Genre, MovieSummary, Page};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Meta, Title};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::AppError;
use crate::components::{ErrorNotice, MovieGrid, MovieGridSkeleton, Pager, query_string, use_page_number};

/// Every genre, for the filter's choices.
#[server(input = GetUrl)]
pub async fn list_genres() -> Result<Vec<Genre>, AppError> {
    let services = crate::server::services()?;
    Ok(services.catalog.genres(services::catalog::DEFAULT_LANGUAGE).await?)
}

/// One page of movies matching the filters.
#[server(input = GetUrl)]
pub async fn discover_movies(filters: DiscoverForm, page: u32) -> Result<Page<MovieSummary>, AppError> {
    let services = crate::server::services()?;
    let filter = filters.to_filter()?;
    Ok(services.catalog.discover(&filter, page, &Default::default()).await?)
}

/// The form's fields, exactly as typed (strings), so nothing typed is lost when it is wrong:
/// the page shows the message next to the values the user entered.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DiscoverForm {
    pub genre: String,
    pub year_from: String,
    pub year_to: String,
    pub min_rating: String,
    pub sort: String,
}

impl DiscoverForm {
    fn from_query(query: &leptos_router::params::ParamsMap) -> Self {
        let field = |name: &str| query.get(name).unwrap_or_default().trim().to_owned();
        Self {
            genre: field("genre"),
            year_from: field("year_from"),
            year_to: field("year_to"),
            min_rating: field("min_rating"),
            sort: field("sort"),
        }
    }

    fn to_query(&self, page: u32) -> String {
        let page = if page > 1 { page.to_string() } else { String::new() };
        query_string([
            ("genre", self.genre.clone()),
            ("year_from", self.year_from.clone()),
            ("year_to", self.year_to.clone()),
            ("min_rating", self.min_rating.clone()),
            ("sort", self.sort.clone()),
            ("page", page),
        ])
    }

    /// The catalog's filter; a field that is not a number is named in the error.
    pub fn to_filter(&self) -> Result<DiscoverFilter, AppError> {
        fn number<T: std::str::FromStr>(value: &str, label: &str) -> Result<Option<T>, AppError> {
            if value.is_empty() {
                return Ok(None);
            }
            value.parse().map(Some).map_err(|_| AppError::InvalidInput(format!("{label} must be a number")))
        }
        Ok(DiscoverFilter {
            genres: if self.genre.is_empty() { vec![] } else { vec![self.genre.clone()] },
            year_from: number(&self.year_from, "From year")?,
            year_to: number(&self.year_to, "To year")?,
            min_rating: number(&self.min_rating, "Minimum rating")?,
            min_votes: None,
            sort: if self.sort.is_empty() {
                DiscoverSort::default()
            } else {
                self.sort.parse().map_err(AppError::InvalidInput)?
            },
        })
    }
}

fn sort_label(sort: DiscoverSort) -> &'static str {
    match sort {
        DiscoverSort::Popularity => "Most popular",
        DiscoverSort::Rating => "Highest rated",
        DiscoverSort::Newest => "Newest",
        DiscoverSort::Oldest => "Oldest",
        DiscoverSort::Title => "Title (A–Z)",
        DiscoverSort::Revenue => "Box office",
    }
}

#[component]
pub fn DiscoverPage() -> impl IntoView {
    let form = use_query_map().with_untracked(DiscoverForm::from_query);
    let page = use_page_number().get_untracked();
    // The form's values as typed, each moved into the part of the view that shows it.
    let (chosen_genre, chosen_sort, year_from, year_to, min_rating) =
        (form.genre.clone(), form.sort.clone(), form.year_from.clone(), form.year_to.clone(), form.min_rating.clone());
    let genres = Resource::new(|| (), |_| list_genres());
    let results = Resource::new({
        let form = form.clone();
        move || (form.clone(), page)
    }, |(form, page)| discover_movies(form, page));

    view! {
        <Title text="Discover"/>
        <Meta name="description" content="Discover movies by genre, years and rating, sorted your way."/>
        <section class="discover">
            <h1>"Discover movies"</h1>
            <Form method="GET" action="/discover" attr:class="filters" attr:aria-label="Filters">
                <div class="field">
                    <label for="discover-genre">"Genre"</label>
                    <Suspense fallback=|| view! {
                        <select id="discover-genre" name="genre"><option value="">"Any genre"</option></select>
                    }>
                        {let chosen = chosen_genre;
                        move || Suspend::new({
                            let chosen = chosen.clone();
                            async move {
                            // Without genres the filter still offers "Any genre"; the failure itself
                            // shows in the results below, which need the same catalog.
                            let genres = genres.await.unwrap_or_default();
                            view! {
                                <select id="discover-genre" name="genre">
                                    <option value="" selected=chosen.is_empty()>"Any genre"</option>
                                    {genres.into_iter().map(|genre| {
                                        let value = genre.id.to_string();
                                        let selected = chosen == value || chosen.eq_ignore_ascii_case(&genre.name);
                                        view! { <option value=value selected=selected>{genre.name}</option> }
                                    }).collect_view()}
                                </select>
                            }
                        }})}
                    </Suspense>
                </div>
                <div class="field">
                    <label for="discover-from">"From year"</label>
                    <input id="discover-from" name="year_from" type="number" inputmode="numeric" min="1874" max="2100" value=year_from/>
                </div>
                <div class="field">
                    <label for="discover-to">"To year"</label>
                    <input id="discover-to" name="year_to" type="number" inputmode="numeric" min="1874" max="2100" value=year_to/>
                </div>
                <div class="field">
                    <label for="discover-rating">"Minimum rating"</label>
                    <input id="discover-rating" name="min_rating" type="number" inputmode="decimal" min="0" max="10" step="0.5" value=min_rating/>
                </div>
                <div class="field">
                    <label for="discover-sort">"Sort by"</label>
                    <select id="discover-sort" name="sort">
                        {DiscoverSort::ALL.into_iter().map(|sort| {
                            let selected = chosen_sort == sort.as_str() || (chosen_sort.is_empty() && sort == DiscoverSort::default());
                            view! { <option value=sort.as_str() selected=selected>{sort_label(sort)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit">"Show movies"</button>
            </Form>
            <Suspense fallback=|| view! { <MovieGridSkeleton/> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors/> }>
                    {let filters = form;
                    move || Suspend::new({
                        let filters = filters.clone();
                        async move {
                        results.await.map(|list| {
                            if list.results.is_empty() {
                                return view! { <p role="status">"No movies match these filters. Try widening them."</p> }.into_any();
                            }
                            view! {
                                <p class="muted" role="status">{format!("{} movies", list.count)}</p>
                                <MovieGrid movies=list.results label="Discovered movies"/>
                                <Pager page=list.page total_pages=list.total_pages href=move |page| format!("/discover?{}", filters.to_query(page))/>
                            }.into_any()
                        })
                    }})}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_become_a_filter_and_bad_numbers_are_named() {
        let form = DiscoverForm {
            genre: "Drama".into(),
            year_from: "1990".into(),
            sort: "rating".into(),
            ..Default::default()
        };
        let filter = form.to_filter().expect("valid");
        assert_eq!(filter.genres, vec!["Drama".to_owned()]);
        assert_eq!(filter.year_from, Some(1990));
        assert_eq!(filter.sort, DiscoverSort::Rating);
        let bad = DiscoverForm { min_rating: "lots".into(), ..Default::default() };
        assert_eq!(bad.to_filter(), Err(AppError::InvalidInput("Minimum rating must be a number".into())));
        assert_eq!(form.to_query(2), "genre=Drama&year_from=1990&sort=rating&page=2");
    }
}
