//! Discover: filter the catalog by genres, years, rating, votes and people, in any order. Every filter lives in
//! the URL (a plain GET form), so a discovery can be bookmarked, shared and used without
//! JavaScript; hydrated, the results update in place.

use api_types::{DiscoverFilter, DiscoverSort, Page};
use leptos::either::EitherOf3;
use leptos::html::{Input, Select};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::AppError;
use crate::components::{
    CardMovie, ErrorText, HideMineToggle, History, Latest, LinkPreview, MovieGrid, MovieGridSkeleton, Pager,
    on_back_or_forward, query_string, use_page_number,
};

/// A genre the filter offers: named in the visitor's language, and found in an address by its
/// id or its English name, as the catalog finds it, so an address means one filter in every
/// language.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GenreChoice {
    pub id: u32,
    pub name: String,
    pub english: String,
}

impl GenreChoice {
    fn is_named_by(&self, wanted: &str) -> bool {
        wanted == self.id.to_string() || wanted.eq_ignore_ascii_case(&self.english)
    }
}

/// Every genre, for the filter's choices.
#[server(input = GetUrl)]
pub async fn list_genres() -> Result<Vec<GenreChoice>, AppError> {
    let services = crate::server::services()?;
    let genres = services.catalog.genres_with_english_names(&crate::server::locale().language).await?;
    Ok(genres.into_iter().map(|(genre, english)| GenreChoice { id: genre.id, name: genre.name, english }).collect())
}

/// The names of the people a discovery is filtered by, for its chip; ids TMDb does not know
/// are left out (the results then say nothing matches).
#[server(input = GetUrl)]
pub async fn name_people(with_people: String) -> Result<Vec<(u64, String)>, AppError> {
    let services = crate::server::services()?;
    let ids = people_ids(&with_people)?;
    let mut named = Vec::with_capacity(ids.len());
    for id in ids {
        match services.catalog.person(id, &crate::server::locale().language).await {
            Ok(person) => named.push((id, person.name)),
            Err(services::catalog::CatalogError::PersonNotFound) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(named)
}

/// `with_people` of the address: TMDb person ids separated by commas.
fn people_ids(raw: &str) -> Result<Vec<u64>, AppError> {
    if raw.is_empty() {
        return Ok(Vec::new());
    }
    raw.split(',')
        .map(|part| part.trim().parse::<u64>().ok().filter(|id| *id > 0))
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(|| AppError::invalid("The people to filter by must be TMDb person ids"))
}

/// One page of movies matching the filters.
#[server(input = GetUrl)]
pub async fn discover_movies(filters: DiscoverForm, page: u32) -> Result<Page<CardMovie>, AppError> {
    let services = crate::server::services()?;
    let filter = filters.to_filter()?;
    let list = services.catalog.discover(&filter, page, &crate::server::locale()).await?;
    Ok(crate::server::browsing_cards(list.map(CardMovie::from)).await)
}

/// The form's fields, exactly as typed (strings), so nothing typed is lost when it is wrong:
/// the page shows the message next to the values the user entered.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DiscoverForm {
    /// Genre ids or names, comma-separated; a movie must have every one.
    pub genre: String,
    pub year_from: String,
    pub year_to: String,
    pub min_rating: String,
    #[serde(default)]
    pub min_votes: String,
    pub sort: String,
    /// TMDb person ids, comma-separated: set by a person page's "Browse their movies".
    #[serde(default)]
    pub with_people: String,
}

impl DiscoverForm {
    /// The form from an address's query, given a way to read one of its fields (every value of
    /// a repeated one, joined by commas: a form without JavaScript sends one `genre` per box).
    fn from_fields(value: impl Fn(&str) -> Option<String>) -> Self {
        let field = |name: &str| value(name).unwrap_or_default().trim().to_owned();
        Self {
            genre: self::genres(&field("genre")).join(","),
            year_from: field("year_from"),
            year_to: field("year_to"),
            min_rating: field("min_rating"),
            min_votes: field("min_votes"),
            sort: field("sort"),
            with_people: field("with_people"),
        }
    }

    /// The same discovery without the people filter.
    fn without_people(&self) -> Self {
        Self { with_people: String::new(), ..self.clone() }
    }

    /// This discovery's address, at `page`.
    fn address(&self, page: u32) -> String {
        let query = self.to_query(page);
        if query.is_empty() { "/discover".to_owned() } else { format!("/discover?{query}") }
    }

    fn to_query(&self, page: u32) -> String {
        let page = if page > 1 { page.to_string() } else { String::new() };
        query_string([
            ("genre", self.genre.clone()),
            ("year_from", self.year_from.clone()),
            ("year_to", self.year_to.clone()),
            ("min_rating", self.min_rating.clone()),
            ("min_votes", self.min_votes.clone()),
            ("sort", self.sort.clone()),
            ("with_people", self.with_people.clone()),
            ("page", page),
        ])
    }

    /// The catalog's filter; a field that is not a number is named in the error.
    pub fn to_filter(&self) -> Result<DiscoverFilter, AppError> {
        fn number<T: std::str::FromStr>(value: &str, label: &str) -> Result<Option<T>, AppError> {
            if value.is_empty() {
                return Ok(None);
            }
            value.parse().map(Some).map_err(|_| AppError::invalid(format!("{label} must be a number")))
        }
        Ok(DiscoverFilter {
            genres: genres(&self.genre).into_iter().map(str::to_owned).collect(),
            year_from: number(&self.year_from, "From year")?,
            year_to: number(&self.year_to, "To year")?,
            min_rating: number(&self.min_rating, "Minimum rating")?,
            min_votes: number(&self.min_votes, "Minimum votes")?,
            people: people_ids(&self.with_people)?,
            sort: if self.sort.is_empty() {
                DiscoverSort::default()
            } else {
                self.sort.parse().map_err(AppError::invalid)?
            },
        })
    }
}

/// The genres of a comma-separated list, trimmed, without empties or repeats.
fn genres(list: &str) -> Vec<&str> {
    let mut genres: Vec<&str> = Vec::new();
    for genre in list.split(',').map(str::trim).filter(|genre| !genre.is_empty()) {
        if !genres.iter().any(|seen| seen.eq_ignore_ascii_case(genre)) {
            genres.push(genre);
        }
    }
    genres
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

const DISCOVER_DESCRIPTION: &str = "Discover movies by genres, years, rating and votes, sorted your way.";

#[component]
pub fn DiscoverPage() -> impl IntoView {
    let form = use_query_map()
        .with_untracked(|query| DiscoverForm::from_fields(|name| query.get_all(name).map(|values| values.join(","))));
    let page = use_page_number().get_untracked();
    let genres = Resource::new(|| (), |_| list_genres());
    let people = Resource::new(
        {
            let with_people = form.with_people.clone();
            move || with_people.clone()
        },
        |with_people| async move { if with_people.is_empty() { Ok(Vec::new()) } else { name_people(with_people).await } },
    );
    let results = Resource::new(
        {
            let form = form.clone();
            move || (form.clone(), page)
        },
        |(form, page)| discover_movies(form, page),
    );

    view! {
        <Title text="Discover"/>
        <Meta name="description" content=DISCOVER_DESCRIPTION/>
        <LinkPreview
            title="Discover movies · Nexus".to_owned()
            description=DISCOVER_DESCRIPTION.to_owned()
            path=form.address(page)
        />
        <section class="discover">
            <h1>"Discover movies"</h1>
            <HideMineToggle/>
            <Suspense fallback=|| view! { <MovieGridSkeleton/> }>
                {move || Suspend::new({
                    let form = form.clone();
                    async move {
                        // Without genres the filter still offers "Any genre"; the failure itself
                        // shows in the results, which need the same catalog.
                        let genres = genres.await.unwrap_or_default();
                        // Unnamed, the chip shows the ids; the results still apply the filter.
                        let people = people.await.unwrap_or_default();
                        let first = results.await;
                        view! { <DiscoverPanel form genres people first/> }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// What the results show: the filters they answer, and the answer.
type Discovered = (DiscoverForm, Result<Page<CardMovie>, AppError>);

/// The filters and their results, an island. Hydrated, "Show movies" updates the results in
/// place and the address follows (Back and Forward too); without JavaScript it is a plain GET
/// form. Either way the inputs keep what was typed when the server refuses it.
#[island]
fn DiscoverPanel(
    form: DiscoverForm,
    genres: Vec<GenreChoice>,
    people: Vec<(u64, String)>,
    first: Result<Page<CardMovie>, AppError>,
) -> impl IntoView {
    let found: Latest<Discovered> = Latest::new((form.clone(), first));
    let with_people = NodeRef::<Input>::new();
    let sort = NodeRef::<Select>::new();
    let (year_from, year_to) = (NodeRef::<Input>::new(), NodeRef::<Input>::new());
    let (min_rating, min_votes) = (NodeRef::<Input>::new(), NodeRef::<Input>::new());
    // The ids of the ticked genres, in the genre list's order (so one choice has one address).
    let genre_ids: Vec<String> = genres.iter().map(|genre| genre.id.to_string()).collect();
    let ticked_in = {
        let genres = genres.clone();
        move |list: &str| -> Vec<String> {
            let wanted = self::genres(list);
            genres
                .iter()
                .filter(|genre| wanted.iter().any(|w| genre.is_named_by(w)))
                .map(|genre| genre.id.to_string())
                .collect()
        }
    };
    let ticked = RwSignal::new(ticked_in(&form.genre));
    let tick = move |id: String, on: bool| {
        ticked.update(|ticked| {
            ticked.retain(|held| *held != id);
            if on {
                ticked.push(id);
                ticked.sort_by_key(|held| genre_ids.iter().position(|known| known == held));
            }
        });
    };
    let typed = move || DiscoverForm {
        genre: ticked.get_untracked().join(","),
        year_from: year_from.get_untracked().map(|input| input.value().trim().to_owned()).unwrap_or_default(),
        year_to: year_to.get_untracked().map(|input| input.value().trim().to_owned()).unwrap_or_default(),
        min_rating: min_rating.get_untracked().map(|input| input.value().trim().to_owned()).unwrap_or_default(),
        min_votes: min_votes.get_untracked().map(|input| input.value().trim().to_owned()).unwrap_or_default(),
        sort: sort.get_untracked().map(|select| select.value()).unwrap_or_default(),
        with_people: with_people.get_untracked().map(|input| input.value()).unwrap_or_default(),
    };
    let discover = move |form: DiscoverForm, history: History| {
        history.apply(&form.address(1));
        found.load(async move {
            let answer = discover_movies(form.clone(), 1).await;
            (form, answer)
        });
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        discover(typed(), History::Push);
    };
    // Back and forward through the discoveries made here: the inputs follow the address.
    on_back_or_forward(move |param| {
        let form = DiscoverForm::from_fields(param);
        if found.with_untracked(|(shown, _)| *shown == form) {
            return;
        }
        for (input, value) in [
            (year_from, &form.year_from),
            (year_to, &form.year_to),
            (min_rating, &form.min_rating),
            (min_votes, &form.min_votes),
            (with_people, &form.with_people),
        ] {
            if let Some(input) = input.get_untracked() {
                input.set_value(value);
            }
        }
        if let Some(select) = sort.get_untracked() {
            select.set_value(&form.sort);
        }
        ticked.set(ticked_in(&form.genre));
        discover(form, History::Keep);
    });

    let chosen_sort = form.sort.clone();
    // The people filter's chip follows the discovery shown (Back and Forward included).
    let people_chip = move || {
        let (shown, _) = found.get();
        let ids = people_ids(&shown.with_people).unwrap_or_default();
        (!ids.is_empty()).then(|| {
            let names: Vec<String> = ids
                .iter()
                .map(|id| {
                    people
                        .iter()
                        .find(|(known, _)| known == id)
                        .map(|(_, name)| name.clone())
                        .unwrap_or(format!("#{id}"))
                })
                .collect();
            view! {
                <p class="filter-chip" data-testid="people-filter">
                    "With "<strong>{names.join(" and ")}</strong>" "
                    <a href=shown.without_people().address(1) aria-label="Remove the people filter">"✕"</a>
                </p>
            }
        })
    };
    view! {
        {people_chip}
        <form method="GET" action="/discover" class="filters" aria-label="Filters" on:submit=submit>
            <input type="hidden" name="with_people" value=form.with_people.clone() node_ref=with_people/>
            <fieldset class="field genre-picker">
                <legend>"Genres "<span class="muted">"(a movie has every one ticked)"</span></legend>
                <div class="genre-options">
                    {genres.into_iter().map(|option| {
                        let value = option.id.to_string();
                        // Rendered ticked for the first paint (and without JavaScript); then
                        // the box follows the choice, Back and Forward included.
                        let initially = ticked.with_untracked(|ticked| ticked.contains(&value));
                        let id = value.clone();
                        let on_change = {
                            let (id, tick) = (value.clone(), tick.clone());
                            move |event: leptos::ev::Event| tick(id.clone(), event_target_checked(&event))
                        };
                        view! {
                            <label class="genre-option">
                                <input
                                    type="checkbox"
                                    name="genre"
                                    value=value
                                    checked=initially
                                    prop:checked=move || ticked.with(|ticked| ticked.contains(&id))
                                    on:change=on_change
                                />
                                {option.name}
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="field">
                <label for="discover-from">"From year"</label>
                <input id="discover-from" name="year_from" type="number" inputmode="numeric" min="1874" max="2100" value=form.year_from node_ref=year_from/>
            </div>
            <div class="field">
                <label for="discover-to">"To year"</label>
                <input id="discover-to" name="year_to" type="number" inputmode="numeric" min="1874" max="2100" value=form.year_to node_ref=year_to/>
            </div>
            <div class="field">
                <label for="discover-rating">"Minimum rating"</label>
                <input id="discover-rating" name="min_rating" type="number" inputmode="decimal" min="0" max="10" step="0.5" value=form.min_rating node_ref=min_rating/>
            </div>
            <div class="field">
                <label for="discover-votes">"Minimum votes"</label>
                <input id="discover-votes" name="min_votes" type="number" inputmode="numeric" min="0" max="100000000" step="1" value=form.min_votes node_ref=min_votes/>
            </div>
            <div class="field">
                <label for="discover-sort">"Sort by"</label>
                <select id="discover-sort" name="sort" node_ref=sort>
                    {DiscoverSort::ALL.into_iter().map(|option| {
                        let selected = chosen_sort == option.as_str() || (chosen_sort.is_empty() && option == DiscoverSort::default());
                        view! { <option value=option.as_str() selected=selected>{sort_label(option)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">"Show movies"</button>
        </form>
        <div class="results" aria-busy=move || found.is_pending().then_some("true")>
            {move || {
                let (filters, answer) = found.get();
                match answer {
                    Err(error) => EitherOf3::A(view! {
                        <ErrorText message=error.to_string() retry=Callback::new(move |_| discover(filters.clone(), History::Keep))/>
                    }),
                    Ok(list) if list.results.is_empty() => EitherOf3::B(view! {
                        <p role="status">"No movies match these filters. Try widening them."</p>
                    }),
                    Ok(list) => EitherOf3::C(view! {
                        <p class="muted" role="status">{format!("{} movies", list.count)}</p>
                        <MovieGrid movies=list.results label="Discovered movies"/>
                        <Pager page=list.page total_pages=list.total_pages href=move |page| filters.address(page)/>
                    }),
                }
            }}
        </div>
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
        let several = DiscoverForm::from_fields(|name| match name {
            // As a form without JavaScript sends them: one per ticked box, plus a comma list.
            "genre" => Some("28,Drama, ,878,drama".to_owned()),
            "min_votes" => Some(" 1000 ".to_owned()),
            _ => None,
        });
        assert_eq!(several.genre, "28,Drama,878");
        let of_several = several.to_filter().expect("valid");
        assert_eq!(of_several.genres, ["28", "Drama", "878"]);
        assert_eq!(of_several.min_votes, Some(1000));
        assert_eq!(several.address(1), "/discover?genre=28%2CDrama%2C878&min_votes=1000");
        let votes = DiscoverForm { min_votes: "many".into(), ..Default::default() };
        assert_eq!(votes.to_filter(), Err(AppError::invalid("Minimum votes must be a number")));
        assert_eq!(filter.year_from, Some(1990));
        assert_eq!(filter.sort, DiscoverSort::Rating);
        let bad = DiscoverForm { min_rating: "lots".into(), ..Default::default() };
        assert_eq!(bad.to_filter(), Err(AppError::invalid("Minimum rating must be a number")));
        assert_eq!(form.address(2), "/discover?genre=Drama&year_from=1990&sort=rating&page=2");
        assert_eq!(DiscoverForm::default().address(1), "/discover");
        let nolan = DiscoverForm { with_people: "525".into(), sort: "newest".into(), ..Default::default() };
        assert_eq!(nolan.to_filter().expect("valid").people, vec![525]);
        assert_eq!(nolan.address(1), "/discover?sort=newest&with_people=525");
        assert_eq!(nolan.without_people().address(1), "/discover?sort=newest");
        let bad = DiscoverForm { with_people: "nolan".into(), ..Default::default() };
        assert!(bad.to_filter().is_err());
    }
}
