//! The catalog: TMDb data, cached, in the hub's own shapes ([`api_types`]).
//!
//! Both the REST handlers and the UI's server functions call this service, so every catalog
//! view is fetched, cached and mapped in exactly one place.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use api_types::{
    CastMember, CrewMember, DiscoverFilter, DiscoverSort, Genre, MovieDetails, MovieSummary, Page, PersonCredit,
    PersonDetails, PersonSummary, Trailer, TrendingWindow,
};

use crate::accounts::store::MovieRecord;
use crate::cache::{Cache, CacheStore, Ttl};
use crate::locale;
use crate::tmdb::{
    Configuration, DiscoverQuery, GenreList, MovieDetails as TmdbMovieDetails, MovieListItem, MovieListPage,
    PersonDetails as TmdbPersonDetails, PersonListPage, TmdbClient, TmdbError, Video,
};
pub use crate::tmdb::{Locale, MovieList, Relation};

/// How long a decoded copy of a cached entry is reused in process before the shared store is
/// read again. Catalog data changes slowly; a few seconds bounds how far instances can differ.
const LOCAL_COPY_AGE: Duration = Duration::from_secs(10);

/// What the decoded copies may weigh, by the size of their JSON (a list page is about 8 kB, a
/// movie's details with its related rows about 15 kB). Only the last 10 s of reads are kept,
/// so a few MiB hold every page a busy instance serves; a crawler walking the whole catalog
/// evicts the least used copies instead of growing the process.
const LOCAL_LIST_BYTES: u64 = 4 * 1024 * 1024;
const LOCAL_DETAILS_BYTES: u64 = 4 * 1024 * 1024;
const LOCAL_PEOPLE_BYTES: u64 = 1024 * 1024;
const LOCAL_SMALL_BYTES: u64 = 256 * 1024;

/// TMDb serves at most 500 pages of any list.
pub const MAX_PAGE: u32 = 500;
pub const DEFAULT_LANGUAGE: &str = "en-US";

/// Fresh lifetimes per kind of data, and how long an expired copy may still be served when
/// TMDb fails.
#[derive(Debug, Clone, Copy)]
pub struct CacheTtls {
    pub trending: Duration,
    pub lists: Duration,
    pub details: Duration,
    pub reference: Duration,
    pub stale: Duration,
}

impl Default for CacheTtls {
    fn default() -> Self {
        Self {
            trending: Duration::from_secs(3600),
            lists: Duration::from_secs(3600),
            details: Duration::from_secs(24 * 3600),
            reference: Duration::from_secs(24 * 3600),
            stale: Duration::from_secs(24 * 3600),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CatalogError {
    #[error("invalid {parameter}: {message}")]
    InvalidInput { parameter: &'static str, message: String },
    #[error("not found")]
    NotFound,
    #[error("no such person")]
    PersonNotFound,
    /// TMDb is down, slow or rate-limiting us, and nothing usable is cached.
    #[error("the movie database is unavailable: {0}")]
    Unavailable(TmdbError),
    /// TMDb rejected our credential or request: our fault, not the user's.
    #[error("the movie database rejected our request: {0}")]
    Misconfigured(TmdbError),
}

impl From<TmdbError> for CatalogError {
    fn from(error: TmdbError) -> Self {
        match error {
            TmdbError::NotFound => Self::NotFound,
            e if e.is_transient() => Self::Unavailable(e),
            e => Self::Misconfigured(e),
        }
    }
}

/// A validated page number (1..=500).
pub fn check_page(page: u32) -> Result<u32, CatalogError> {
    if (1..=MAX_PAGE).contains(&page) {
        Ok(page)
    } else {
        Err(invalid("page", format!("must be between 1 and {MAX_PAGE}")))
    }
}

fn invalid(parameter: &'static str, message: impl Into<String>) -> CatalogError {
    CatalogError::InvalidInput { parameter, message: message.into() }
}

/// A validated language tag such as `en` or `en-US`.
pub fn check_language(language: &str) -> Result<&str, CatalogError> {
    let bytes = language.as_bytes();
    let valid = match bytes.len() {
        2 => bytes.iter().all(u8::is_ascii_lowercase),
        5 => {
            bytes[..2].iter().all(u8::is_ascii_lowercase)
                && bytes[2] == b'-'
                && bytes[3..].iter().all(u8::is_ascii_uppercase)
        }
        _ => false,
    };
    if valid { Ok(language) } else { Err(invalid("language", "expected a tag like `en` or `en-US`")) }
}

/// The language and region of a request, validated.
pub fn locale(language: &str, region: Option<&str>) -> Result<Locale, CatalogError> {
    let language = check_language(language)?.to_owned();
    let region = match region {
        Some(code) if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) => Some(code.to_owned()),
        Some(_) => return Err(invalid("region", "expected a two-letter country code like `US`")),
        None => None,
    };
    Ok(Locale { language, region })
}

fn check_locale(given: &Locale) -> Result<(), CatalogError> {
    locale(&given.language, given.region.as_deref()).map(|_| ())
}

/// The most people one discover query may require.
const MAX_PEOPLE: usize = 10;

/// Years TMDb has films for, with room for announced ones.
const YEARS: std::ops::RangeInclusive<i32> = 1870..=2100;
const MAX_QUERY_CHARS: usize = 200;

fn check_year(parameter: &'static str, year: Option<i32>) -> Result<Option<i32>, CatalogError> {
    match year {
        Some(y) if !YEARS.contains(&y) => {
            Err(invalid(parameter, format!("must be between {} and {}", YEARS.start(), YEARS.end())))
        }
        other => Ok(other),
    }
}

/// Search text as sent upstream and keyed in the cache: trimmed, whitespace collapsed.
fn normalise_query(query: &str) -> Result<String, CatalogError> {
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.is_empty() {
        return Err(invalid("q", "must not be empty"));
    }
    let normalised = words.join(" ");
    if normalised.chars().count() > MAX_QUERY_CHARS {
        return Err(invalid("q", format!("must be at most {MAX_QUERY_CHARS} characters")));
    }
    Ok(normalised)
}

fn locale_key(locale: &Locale) -> String {
    format!("{}:{}", locale.language, locale.region.as_deref().unwrap_or("-"))
}

/// The most titles [`CatalogService::titles`] looks up for one list.
pub const MAX_TITLES_AT_ONCE: usize = 50;

/// How long an id TMDb does not know is remembered as missing.
const NOT_FOUND_TTL: Duration = Duration::from_secs(5 * 60);

/// Told what TMDb says about a movie's details when they are fetched (not when a cached copy
/// answers), so that the local copy of a movie users saved can follow: refreshed when TMDb
/// answers, marked when TMDb no longer knows it.
#[async_trait::async_trait]
pub trait MovieObserver: Send + Sync {
    async fn fetched(&self, movie: MovieRecord);
    async fn missing(&self, tmdb_id: u64);
}

pub struct CatalogService {
    tmdb: Arc<TmdbClient>,
    movies: Option<Arc<dyn MovieObserver>>,
    /// The store itself, for the markers of ids TMDb does not know.
    store: Arc<dyn CacheStore>,
    ttls: CacheTtls,
    lists: Cache<MovieListPage>,
    details: Cache<TmdbMovieDetails>,
    people: Cache<TmdbPersonDetails>,
    people_found: Cache<PersonListPage>,
    configuration: Cache<Configuration>,
    genres: Cache<GenreList>,
}

impl CatalogService {
    pub fn new(tmdb: Arc<TmdbClient>, store: Arc<dyn CacheStore>, ttls: CacheTtls) -> Self {
        Self {
            tmdb,
            movies: None,
            store: store.clone(),
            ttls,
            lists: Cache::with_local_copies(store.clone(), LOCAL_COPY_AGE, LOCAL_LIST_BYTES),
            details: Cache::with_local_copies(store.clone(), LOCAL_COPY_AGE, LOCAL_DETAILS_BYTES),
            people: Cache::with_local_copies(store.clone(), LOCAL_COPY_AGE, LOCAL_PEOPLE_BYTES),
            people_found: Cache::with_local_copies(store.clone(), LOCAL_COPY_AGE, LOCAL_PEOPLE_BYTES),
            configuration: Cache::with_local_copies(store.clone(), LOCAL_COPY_AGE, LOCAL_SMALL_BYTES),
            genres: Cache::with_local_copies(store, LOCAL_COPY_AGE, LOCAL_SMALL_BYTES),
        }
    }

    /// Tells `observer` about every details fetch (see [`MovieObserver`]).
    pub fn with_movie_observer(mut self, observer: Arc<dyn MovieObserver>) -> Self {
        self.movies = Some(observer);
        self
    }

    /// Checks TMDb answers, uncached (for `/readyz`).
    pub async fn check_upstream(&self) -> Result<(), TmdbError> {
        self.tmdb.configuration().await.map(|_| ())
    }

    fn ttl(&self, fresh: Duration) -> Ttl {
        Ttl { fresh, stale: self.ttls.stale }
    }

    pub async fn trending(
        &self,
        window: TrendingWindow,
        page: u32,
        locale: &Locale,
    ) -> Result<Page<MovieSummary>, CatalogError> {
        check_locale(locale)?;
        let page = check_page(page)?;
        let list = self
            .translated_list(
                locale,
                self.ttls.trending,
                |locale| format!("tmdb:trending:{}:{}:{page}", window.as_str(), locale_key(locale)),
                |locale| async move { self.tmdb.trending_movies(window.as_str(), &locale, page).await },
            )
            .await?;
        self.to_page(&list, &locale.language).await
    }

    /// Popular, top rated, now playing or upcoming.
    pub async fn list(&self, list: MovieList, page: u32, locale: &Locale) -> Result<Page<MovieSummary>, CatalogError> {
        check_locale(locale)?;
        let page = check_page(page)?;
        let body = self
            .translated_list(
                locale,
                self.ttls.lists,
                |locale| format!("tmdb:list:{}:{}:{page}", list.path(), locale_key(locale)),
                |locale| async move { self.tmdb.movie_list(list, &locale, page).await },
            )
            .await?;
        self.to_page(&body, &locale.language).await
    }

    pub async fn search(
        &self,
        query: &str,
        year: Option<i32>,
        page: u32,
        locale: &Locale,
    ) -> Result<Page<MovieSummary>, CatalogError> {
        check_locale(locale)?;
        let query = normalise_query(query)?;
        let year = check_year("year", year)?;
        let page = check_page(page)?;
        let (query, year_key) = (query.as_str(), year.map(|y| y.to_string()).unwrap_or_default());
        let body = self
            .translated_list(
                locale,
                self.ttls.lists,
                |locale| format!("tmdb:search:{}:{year_key}:{page}:{}", locale_key(locale), query.to_lowercase()),
                |locale| async move { self.tmdb.search_movies(query, year, &locale, page).await },
            )
            .await?;
        self.to_page(&body, &locale.language).await
    }

    pub async fn discover(
        &self,
        filter: &DiscoverFilter,
        page: u32,
        locale: &Locale,
    ) -> Result<Page<MovieSummary>, CatalogError> {
        check_locale(locale)?;
        let page = check_page(page)?;
        let query = &self.discover_query(filter).await?;
        let genre_ids: Vec<String> = query.genre_ids.iter().map(u32::to_string).collect();
        let people: Vec<String> = query.people.iter().map(u64::to_string).collect();
        let key = |locale: &Locale| {
            format!(
                "tmdb:discover:{}:{page}:g={}:p={}:y={:?}-{:?}:r={:?}:v={:?}:s={}",
                locale_key(locale),
                genre_ids.join(","),
                people.join(","),
                query.year_from,
                query.year_to,
                query.min_rating,
                query.min_votes,
                query.sort_by
            )
        };
        let body = self
            .translated_list(locale, self.ttls.lists, key, |locale| async move {
                self.tmdb.discover_movies(query, &locale, page).await
            })
            .await?;
        self.to_page(&body, &locale.language).await
    }

    /// A list in `locale`, cached under `key(locale)` and fetched by `fetch`. TMDb leaves an
    /// overview empty where it has no translation and does not fall back itself, so before a
    /// copy is stored its empty overviews are taken from the same list in English (itself
    /// cached): one English fetch per list and language, nothing per request.
    async fn translated_list<K, F, Fut>(
        &self,
        locale: &Locale,
        fresh: Duration,
        key: K,
        fetch: F,
    ) -> Result<Arc<MovieListPage>, CatalogError>
    where
        K: Fn(&Locale) -> String,
        F: Fn(Locale) -> Fut,
        Fut: Future<Output = Result<MovieListPage, TmdbError>>,
    {
        let ttl = self.ttl(fresh);
        Ok(self
            .lists
            .get_or_fetch(&key(locale), ttl, || async {
                let mut list = fetch(locale.clone()).await?;
                if !locale::is_english(&locale.language) && list.results.iter().any(|item| untranslated(&item.overview))
                {
                    let english = Locale { language: DEFAULT_LANGUAGE.to_owned(), region: locale.region.clone() };
                    match self.lists.get_or_fetch(&key(&english), ttl, || fetch(english.clone())).await {
                        Ok(english) => fill_untranslated(&mut list.results, &english.results),
                        // The list still has its titles: better than no list.
                        Err(error) => tracing::warn!(%error, "no English text for untranslated movies"),
                    }
                }
                Ok::<_, TmdbError>(list)
            })
            .await?)
    }

    /// Validates a discover filter and puts it in TMDb's terms. Genres are named in English
    /// (or given by id) whatever the language of the answer, so one address means the same
    /// filter in every language.
    async fn discover_query(&self, filter: &DiscoverFilter) -> Result<DiscoverQuery, CatalogError> {
        let year_from = check_year("year_from", filter.year_from)?;
        let year_to = check_year("year_to", filter.year_to)?;
        if let (Some(from), Some(to)) = (year_from, year_to)
            && from > to
        {
            return Err(invalid("year_to", "must not be before year_from"));
        }
        if let Some(rating) = filter.min_rating
            && !(0.0..=10.0).contains(&rating)
        {
            return Err(invalid("min_rating", "must be between 0 and 10"));
        }
        let genre_ids = if filter.genres.is_empty() {
            Vec::new()
        } else {
            let known = self.genres(DEFAULT_LANGUAGE).await?;
            filter
                .genres
                .iter()
                .map(|wanted| {
                    let wanted = wanted.trim();
                    known
                        .iter()
                        .find(|g| g.id.to_string() == wanted || g.name.eq_ignore_ascii_case(wanted))
                        .map(|g| g.id)
                        .ok_or_else(|| invalid(
                            "genre",
                            format!("unknown genre `{wanted}`: give an id or the English name (see /api/genres/?language=en-US)"),
                        ))
                })
                .collect::<Result<Vec<u32>, _>>()?
        };
        if filter.people.len() > MAX_PEOPLE {
            return Err(invalid("with_people", format!("at most {MAX_PEOPLE} people")));
        }
        if filter.people.contains(&0) {
            return Err(invalid("with_people", "person ids are positive whole numbers"));
        }
        // The same people in any order are the same question, and one cache entry.
        let mut people = filter.people.clone();
        people.sort_unstable();
        people.dedup();
        let (sort_by, default_min_votes) = match filter.sort {
            DiscoverSort::Popularity => ("popularity.desc", None),
            // A film rated 10 by three people is not the best film: ask for an audience.
            DiscoverSort::Rating => ("vote_average.desc", Some(200)),
            DiscoverSort::Newest => ("primary_release_date.desc", None),
            DiscoverSort::Oldest => ("primary_release_date.asc", None),
            DiscoverSort::Title => ("title.asc", None),
            DiscoverSort::Revenue => ("revenue.desc", None),
        };
        Ok(DiscoverQuery {
            genre_ids,
            year_from,
            year_to,
            min_rating: filter.min_rating,
            min_votes: filter.min_votes.or(default_min_votes),
            people,
            sort_by,
        })
    }

    /// A movie in `locale`'s language (English where TMDb has no translation), rated as in
    /// `locale`'s region, else the language's country, else the United States.
    pub async fn details(&self, id: u64, locale: &Locale) -> Result<MovieDetails, CatalogError> {
        check_locale(locale)?;
        let language = locale.language.as_str();
        let country =
            locale.region.as_deref().or_else(|| locale::country_of(language)).unwrap_or(locale::DEFAULT_REGION);
        let details = self.tmdb_details(id, language).await?;
        Ok(self.mapper(language).await?.details(&details, country))
    }

    /// The titles of `ids` in `language`, for lists the product keeps in English (the user's
    /// library, "For you"): each from the movie's details in that language, cached as a movie
    /// page's are, fetched together. A movie whose details fail keeps its English title (the
    /// list is still worth showing); nothing is fetched for English. At most
    /// [`MAX_TITLES_AT_ONCE`] ids are looked up: a page's worth.
    pub async fn titles(self: &Arc<Self>, ids: &[u64], language: &str) -> HashMap<u64, String> {
        if locale::is_english(language) || check_language(language).is_err() {
            return HashMap::new();
        }
        let mut unique = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let mut lookups = tokio::task::JoinSet::new();
        for id in unique.into_iter().take(MAX_TITLES_AT_ONCE) {
            let (catalog, language) = (self.clone(), language.to_owned());
            lookups.spawn(async move { (id, catalog.tmdb_details(id, &language).await) });
        }
        let mut titles = HashMap::with_capacity(ids.len());
        while let Some(joined) = lookups.join_next().await {
            match joined {
                Ok((id, Ok(details))) => {
                    titles.insert(id, details.title.clone());
                }
                Ok((id, Err(error))) => tracing::debug!(%error, id, "title left in English"),
                Err(error) => tracing::error!(%error, "title lookup failed"),
            }
        }
        titles
    }

    /// What the product keeps of a movie users save, so their lists need no upstream call
    /// (poster paths are resolved to URLs when shown, with the image configuration of the day).
    pub async fn movie_record(&self, id: u64) -> Result<MovieRecord, CatalogError> {
        Ok(movie_record(&*self.tmdb_details(id, DEFAULT_LANGUAGE).await?))
    }

    /// TMDb's details record, cached: the movie page and favorites share one entry.
    async fn tmdb_details(&self, id: u64, language: &str) -> Result<Arc<TmdbMovieDetails>, CatalogError> {
        let id = check_id(id)?;
        let key = format!("tmdb:movie:{id}:{language}");
        Ok(self
            .details
            .get_or_fetch(&key, self.ttl(self.ttls.details), || async move {
                let fetched = self.unless_known_missing("movie", id, self.tmdb.movie_details(id, language)).await;
                // The local copies keep English titles, like TMDb's default.
                if let Some(observer) = self.movies.as_ref().filter(|_| language == DEFAULT_LANGUAGE) {
                    match &fetched {
                        Ok(details) => observer.fetched(movie_record(details)).await,
                        Err(TmdbError::NotFound) => observer.missing(id).await,
                        Err(_) => {}
                    }
                }
                let mut details = fetched?;
                if !locale::is_english(language) {
                    self.fill_from_english(&mut details).await;
                }
                Ok::<_, TmdbError>(details)
            })
            .await?)
    }

    /// What TMDb has not translated of a movie (its overview and tagline, and the overviews of
    /// its related rows), from its English details, before the translated copy is stored.
    async fn fill_from_english(&self, details: &mut TmdbMovieDetails) {
        let related = || details.recommendations.iter().chain(&details.similar).flat_map(|list| &list.results);
        let missing = untranslated(&details.overview)
            || details.tagline.as_deref().is_none_or(untranslated)
            || related().any(|item| untranslated(&item.overview));
        if !missing {
            return;
        }
        // Boxed: the English details are this same lookup, one level down.
        let english = match Box::pin(self.tmdb_details(details.id, DEFAULT_LANGUAGE)).await {
            Ok(english) => english,
            Err(error) => {
                tracing::warn!(%error, id = details.id, "no English text for an untranslated movie");
                return;
            }
        };
        if untranslated(&details.overview) {
            details.overview.clone_from(&english.overview);
        }
        if details.tagline.as_deref().is_none_or(untranslated) {
            details.tagline.clone_from(&english.tagline);
        }
        for (list, english_list) in
            [(&mut details.recommendations, &english.recommendations), (&mut details.similar, &english.similar)]
        {
            if let (Some(list), Some(english_list)) = (list, english_list) {
                fill_untranslated(&mut list.results, &english_list.results);
            }
        }
    }

    /// `fetch`, unless TMDb said lately that it does not know `id`; a new "not found" is
    /// remembered for a few minutes (in the shared store, so for every instance). Without
    /// it, every request for a made-up id (a crawler, a script) would be an upstream call.
    /// Runs only on a cache miss, so known movies pay nothing for it.
    async fn unless_known_missing<T>(
        &self,
        kind: &'static str,
        id: u64,
        fetch: impl Future<Output = Result<T, TmdbError>>,
    ) -> Result<T, TmdbError> {
        // Movies and people have separate id spaces on TMDb.
        let marker = format!("tmdb:missing:{kind}:{id}");
        if matches!(self.store.get(&marker).await, Ok(Some(_))) {
            metrics::counter!("cache_lookups_total", "result" => "known_missing").increment(1);
            return Err(TmdbError::NotFound);
        }
        let result = fetch.await;
        if matches!(result, Err(TmdbError::NotFound))
            && let Err(error) = self.store.put(&marker, b"1".to_vec(), NOT_FOUND_TTL).await
        {
            tracing::warn!(%error, kind, id, "could not remember a missing id");
        }
        result
    }

    /// A person and their filmography, cached like a movie's details.
    pub async fn person(&self, id: u64, language: &str) -> Result<PersonDetails, CatalogError> {
        let id = check_id(id)?;
        let language = check_language(language)?;
        let key = format!("tmdb:person:{id}:{language}");
        let person = self
            .people
            .get_or_fetch(&key, self.ttl(self.ttls.details), || async move {
                let mut person =
                    self.unless_known_missing("person", id, self.tmdb.person_details(id, language)).await?;
                // An untranslated biography is empty: the English one, before the copy is stored.
                if !locale::is_english(language) && untranslated(&person.biography) {
                    // Boxed: the English person is this same lookup, one level down.
                    match Box::pin(self.person(id, DEFAULT_LANGUAGE)).await {
                        Ok(english) => person.biography = english.biography,
                        Err(error) => tracing::warn!(%error, id, "no English biography for an untranslated person"),
                    }
                }
                Ok::<_, TmdbError>(person)
            })
            .await
            .map_err(|error| match CatalogError::from(error) {
                CatalogError::NotFound => CatalogError::PersonNotFound,
                other => other,
            })?;
        Ok(self.mapper(language).await?.person(&person))
    }

    /// People whose name matches `query`.
    pub async fn search_people(
        &self,
        query: &str,
        page: u32,
        locale: &Locale,
    ) -> Result<Page<PersonSummary>, CatalogError> {
        check_locale(locale)?;
        let query = normalise_query(query)?;
        let page = check_page(page)?;
        let key = format!("tmdb:search-people:{}:{page}:{}", locale_key(locale), query.to_lowercase());
        let body = self
            .people_found
            .get_or_fetch(&key, self.ttl(self.ttls.lists), || self.tmdb.search_people(&query, locale, page))
            .await?;
        let mapper = self.mapper(&locale.language).await?;
        Ok(Page {
            count: body.total_results,
            next: None,
            previous: None,
            page: body.page,
            total_pages: body.total_pages.min(MAX_PAGE),
            results: body
                .results
                .iter()
                .map(|person| PersonSummary {
                    id: person.id,
                    name: person.name.clone(),
                    known_for_department: person.known_for_department.clone().filter(|d| !d.is_empty()),
                    profile_url: mapper.image(&mapper.profile_size, person.profile_path.as_deref()),
                    known_for: person
                        .known_for
                        .iter()
                        .filter_map(|work| work.title.clone().or_else(|| work.name.clone()))
                        .collect(),
                })
                .collect(),
        })
    }

    /// Turns stored poster paths into URLs; resolve once, use for a whole list.
    pub async fn posters(&self) -> Result<Posters, CatalogError> {
        let mapper = self.mapper(DEFAULT_LANGUAGE).await?;
        Ok(Posters { base: mapper.image_base, size: mapper.poster_size })
    }

    /// Recommendations for, or films similar to, one movie.
    pub async fn related(
        &self,
        id: u64,
        relation: Relation,
        page: u32,
        language: &str,
    ) -> Result<Page<MovieSummary>, CatalogError> {
        let id = check_id(id)?;
        let page = check_page(page)?;
        let locale = Locale { language: check_language(language)?.to_owned(), region: None };
        let body = self
            .translated_list(
                &locale,
                self.ttls.lists,
                |locale| format!("tmdb:{}:{id}:{}:{page}", relation.path(), locale.language),
                |locale| async move {
                    let fetch = self.tmdb.related_movies(id, relation, &locale.language, page);
                    self.unless_known_missing("movie", id, fetch).await
                },
            )
            .await?;
        self.to_page(&body, language).await
    }

    pub async fn genres(&self, language: &str) -> Result<Vec<Genre>, CatalogError> {
        let language = check_language(language)?;
        let list = self.genre_list(language).await?;
        Ok(list.genres.iter().map(|g| Genre { id: g.id, name: g.name.clone() }).collect())
    }

    /// Every genre named in `language`, with its English name: the name addresses use
    /// (`?genre=Comedy`), so one address is one filter in every language.
    pub async fn genres_with_english_names(&self, language: &str) -> Result<Vec<(Genre, String)>, CatalogError> {
        let named = self.genres(language).await?;
        let english = if locale::is_english(language) { named.clone() } else { self.genres(DEFAULT_LANGUAGE).await? };
        Ok(named
            .into_iter()
            .map(|genre| {
                let english_name = english.iter().find(|e| e.id == genre.id).map_or(&genre.name, |e| &e.name).clone();
                (genre, english_name)
            })
            .collect())
    }

    async fn genre_list(&self, language: &str) -> Result<Arc<GenreList>, CatalogError> {
        let ttl = self.ttl(self.ttls.reference);
        Ok(self
            .genres
            .get_or_fetch(&format!("tmdb:genres:{language}"), ttl, || self.tmdb.movie_genres(language))
            .await?)
    }

    async fn to_page(&self, list: &MovieListPage, language: &str) -> Result<Page<MovieSummary>, CatalogError> {
        let mapper = self.mapper(language).await?;
        Ok(mapper.page(list))
    }

    /// What turns TMDb records into ours: image URLs and genre names.
    async fn mapper(&self, language: &str) -> Result<Mapper, CatalogError> {
        let ttl = self.ttl(self.ttls.reference);
        let configuration =
            self.configuration.get_or_fetch("tmdb:configuration", ttl, || self.tmdb.configuration()).await?;
        let genres = self.genre_list(language).await?;
        Ok(Mapper::new(&configuration, &genres))
    }
}

fn check_id(id: u64) -> Result<u64, CatalogError> {
    if id == 0 { Err(invalid("id", "must be a positive whole number")) } else { Ok(id) }
}

/// Poster URLs for stored poster paths, with the image configuration of the day.
pub struct Posters {
    base: String,
    size: String,
}

impl Posters {
    pub fn url(&self, path: Option<&str>) -> Option<String> {
        path.filter(|p| !p.is_empty()).map(|p| format!("{}/{}{p}", self.base, self.size))
    }
}

struct Mapper {
    image_base: String,
    poster_size: String,
    backdrop_size: String,
    profile_size: String,
    genre_names: HashMap<u32, String>,
}

impl Mapper {
    fn new(configuration: &Configuration, genres: &GenreList) -> Self {
        let images = &configuration.images;
        let pick = |sizes: &[String], wanted: &str| {
            if sizes.iter().any(|s| s == wanted) { wanted.to_owned() } else { "original".to_owned() }
        };
        Self {
            poster_size: pick(&images.poster_sizes, "w342"),
            backdrop_size: pick(&images.backdrop_sizes, "w780"),
            profile_size: pick(&images.profile_sizes, "w185"),
            image_base: images.secure_base_url.trim_end_matches('/').to_owned(),
            genre_names: genres.genres.iter().map(|g| (g.id, g.name.clone())).collect(),
        }
    }

    fn page(&self, list: &MovieListPage) -> Page<MovieSummary> {
        Page {
            count: list.total_results,
            next: None,
            previous: None,
            page: list.page,
            total_pages: list.total_pages.min(MAX_PAGE),
            results: list.results.iter().map(|item| self.summary(item)).collect(),
        }
    }

    /// A movie, rated as in `country`.
    fn details(&self, details: &TmdbMovieDetails, country: &str) -> MovieDetails {
        const TOP_BILLED: usize = 10;
        let (cast, crew) = details.credits.as_ref().map(|c| (&c.cast[..], &c.crew[..])).unwrap_or_default();
        let mut cast: Vec<_> = cast.iter().collect();
        cast.sort_by_key(|member| member.order.unwrap_or(u32::MAX));
        let cast = cast
            .into_iter()
            .take(TOP_BILLED)
            .map(|member| CastMember {
                id: member.id,
                name: member.name.clone(),
                character: member.character.clone().filter(|c| !c.is_empty()),
                profile_url: self.image(&self.profile_size, member.profile_path.as_deref()),
            })
            .collect();
        let directors = crew.iter().filter(|m| m.job == "Director").map(|m| m.name.clone()).collect();
        let crew = self.key_crew(crew);
        // YouTube's only (the site the UI can link to), official ones first, otherwise TMDb's
        // order; the trailer is the first of them that is a trailer.
        let mut youtube: Vec<&Video> =
            details.videos.iter().flat_map(|videos| &videos.results).filter(|v| v.site == "YouTube").collect();
        youtube.sort_by_key(|v| !v.official);
        let watch_url = |v: &Video| format!("https://www.youtube.com/watch?v={}", v.key);
        let trailer = youtube.iter().find(|v| v.kind == "Trailer").map(|v| Trailer {
            url: watch_url(v),
            name: v.name.clone(),
            key: v.key.clone(),
        });
        let videos = youtube
            .iter()
            .map(|v| api_types::Video {
                url: watch_url(v),
                name: v.name.clone(),
                kind: v.kind.clone(),
                key: v.key.clone(),
                official: v.official,
            })
            .collect();
        let certification = details.release_dates.as_ref().and_then(|dates| {
            dates
                .results
                .iter()
                .find(|release| release.iso_3166_1 == country)
                .and_then(|release| release.release_dates.iter().map(|d| &d.certification).find(|c| !c.is_empty()))
                .cloned()
        });
        let related = |list: &Option<MovieListPage>| {
            list.as_ref().map(|l| l.results.iter().map(|item| self.summary(item)).collect()).unwrap_or_default()
        };
        let release_date = details.release_date.clone().filter(|d| !d.is_empty());
        MovieDetails {
            movie: MovieSummary {
                id: details.id,
                title: details.title.clone(),
                overview: details.overview.clone(),
                year: year_of(release_date.as_deref()),
                release_date,
                genres: details.genres.iter().map(|g| g.name.clone()).collect(),
                vote_average: details.vote_average,
                vote_count: details.vote_count,
                popularity: details.popularity,
                poster_url: self.image(&self.poster_size, details.poster_path.as_deref()),
                backdrop_url: self.image(&self.backdrop_size, details.backdrop_path.as_deref()),
            },
            runtime: details.runtime.filter(|minutes| *minutes > 0),
            tagline: details.tagline.clone().filter(|t| !t.is_empty()),
            cast,
            directors,
            crew,
            trailer,
            videos,
            certification,
            recommendations: related(&details.recommendations),
            similar: related(&details.similar),
        }
    }

    /// Directors, writers, composer and cinematographer, in that order; each person once, with
    /// every one of these jobs they held.
    fn key_crew(&self, crew: &[crate::tmdb::CrewMember]) -> Vec<CrewMember> {
        const KEY_JOBS: [&str; 7] = [
            "Director",
            "Screenplay",
            "Writer",
            "Story",
            "Novel",
            "Original Music Composer",
            "Director of Photography",
        ];
        let mut ranked: Vec<(usize, &crate::tmdb::CrewMember)> = crew
            .iter()
            .filter_map(|member| KEY_JOBS.iter().position(|job| *job == member.job).map(|rank| (rank, member)))
            .collect();
        ranked.sort_by_key(|(rank, _)| *rank);
        let mut people: Vec<CrewMember> = Vec::new();
        for (_, member) in ranked {
            match people.iter_mut().find(|person| person.id == member.id) {
                Some(person) if !person.jobs.contains(&member.job) => person.jobs.push(member.job.clone()),
                Some(_) => {}
                None => people.push(CrewMember {
                    id: member.id,
                    name: member.name.clone(),
                    jobs: vec![member.job.clone()],
                    profile_url: self.image(&self.profile_size, member.profile_path.as_deref()),
                }),
            }
        }
        people
    }

    fn person(&self, person: &TmdbPersonDetails) -> PersonDetails {
        /// How many movies "known for" shows.
        const KNOWN_FOR: usize = 8;
        let non_empty = |text: &Option<String>| text.clone().filter(|text| !text.is_empty());
        let credits = person.movie_credits.as_ref();
        let cast = filmography(
            credits.map(|c| &c.cast[..]).unwrap_or_default().iter().map(|c| (&c.movie, c.character.as_deref())),
            |item| self.summary(item),
        );
        let crew = filmography(
            credits.map(|c| &c.crew[..]).unwrap_or_default().iter().map(|c| (&c.movie, Some(c.job.as_str()))),
            |item| self.summary(item),
        );
        let mut known_for: Vec<MovieSummary> = Vec::new();
        for credit in cast.iter().chain(&crew) {
            if !known_for.iter().any(|movie| movie.id == credit.movie.id) {
                known_for.push(credit.movie.clone());
            }
        }
        known_for.sort_by(|a, b| b.vote_count.cmp(&a.vote_count).then(a.id.cmp(&b.id)));
        known_for.truncate(KNOWN_FOR);
        PersonDetails {
            id: person.id,
            name: person.name.clone(),
            biography: person.biography.trim().to_owned(),
            birthday: non_empty(&person.birthday),
            deathday: non_empty(&person.deathday),
            place_of_birth: non_empty(&person.place_of_birth),
            known_for_department: non_empty(&person.known_for_department),
            profile_url: self.image(&self.profile_size, person.profile_path.as_deref()),
            known_for,
            cast,
            crew,
        }
    }

    fn image(&self, size: &str, path: Option<&str>) -> Option<String> {
        path.filter(|p| !p.is_empty()).map(|p| format!("{}/{size}{p}", self.image_base))
    }

    fn summary(&self, item: &MovieListItem) -> MovieSummary {
        let release_date = item.release_date.clone().filter(|d| !d.is_empty());
        MovieSummary {
            id: item.id,
            title: item.title.clone(),
            overview: item.overview.clone(),
            year: year_of(release_date.as_deref()),
            release_date,
            genres: item.genre_ids.iter().filter_map(|id| self.genre_names.get(id).cloned()).collect(),
            vote_average: item.vote_average,
            vote_count: item.vote_count,
            popularity: item.popularity,
            poster_url: self.image(&self.poster_size, item.poster_path.as_deref()),
            backdrop_url: self.image(&self.backdrop_size, item.backdrop_path.as_deref()),
        }
    }
}

/// A movie as the product keeps it, from TMDb's details.
fn movie_record(details: &TmdbMovieDetails) -> MovieRecord {
    let non_empty = |text: &Option<String>| text.clone().filter(|text| !text.is_empty());
    MovieRecord {
        tmdb_id: details.id,
        title: details.title.clone(),
        original_title: non_empty(&details.original_title),
        release_year: year_of(details.release_date.as_deref().filter(|d| !d.is_empty())),
        genre_ids: details.genres.iter().map(|genre| genre.id).collect(),
        poster_path: non_empty(&details.poster_path),
        popularity: Some(details.popularity),
        vote_average: Some(details.vote_average),
        vote_count: Some(details.vote_count),
        original_language: non_empty(&details.original_language),
    }
}

/// TMDb leaves a text empty where it has no translation.
fn untranslated(text: &str) -> bool {
    text.trim().is_empty()
}

/// Fills the empty overviews of `movies` from the same movies in `english`.
fn fill_untranslated(movies: &mut [MovieListItem], english: &[MovieListItem]) {
    for movie in movies.iter_mut().filter(|movie| untranslated(&movie.overview)) {
        if let Some(original) = english.iter().find(|original| original.id == movie.id) {
            movie.overview.clone_from(&original.overview);
        }
    }
}

/// One entry per movie, with every role (character or job) held on it, newest first; movies
/// without a date yet come first, as they are the ones still to come.
fn filmography<'a>(
    credits: impl Iterator<Item = (&'a MovieListItem, Option<&'a str>)>,
    summary: impl Fn(&MovieListItem) -> MovieSummary,
) -> Vec<PersonCredit> {
    let mut movies: Vec<PersonCredit> = Vec::new();
    for (item, role) in credits {
        let role = role.map(str::trim).filter(|role| !role.is_empty());
        match movies.iter_mut().find(|credit| credit.movie.id == item.id) {
            Some(credit) => {
                if let Some(role) = role
                    && !credit.roles.iter().any(|held| held == role)
                {
                    credit.roles.push(role.to_owned());
                }
            }
            None => {
                movies.push(PersonCredit { movie: summary(item), roles: role.map(str::to_owned).into_iter().collect() })
            }
        }
    }
    movies.sort_by(|a, b| {
        let (a_date, b_date) = (a.movie.release_date.as_deref(), b.movie.release_date.as_deref());
        a_date.is_some().cmp(&b_date.is_some()).then(b_date.cmp(&a_date)).then(a.movie.id.cmp(&b.movie.id))
    });
    movies
}

fn year_of(release_date: Option<&str>) -> Option<i32> {
    release_date.and_then(|d| d.get(..4)).and_then(|y| y.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_languages_are_validated() {
        assert!(check_page(0).is_err());
        assert!(check_page(501).is_err());
        assert_eq!(check_page(500).ok(), Some(500));
        assert!(check_language("en-US").is_ok());
        assert!(check_language("fr").is_ok());
        assert!(check_language("EN").is_err());
        assert!(check_language("en_US").is_err());
        assert!(check_language("../x").is_err());
        assert!(locale("en-US", Some("GB")).is_ok());
        assert!(locale("en-US", Some("gb")).is_err());
    }

    fn item(id: u64, release_date: &str) -> MovieListItem {
        serde_json::from_value(
            serde_json::json!({ "id": id, "title": format!("Film {id}"), "release_date": release_date }),
        )
        .expect("a list item")
    }

    #[test]
    fn a_filmography_has_one_entry_per_movie_newest_first_and_announced_ones_on_top() {
        let (old, new, announced) = (item(1, "1999-04-04"), item(2, "2010-07-16"), item(3, ""));
        let credits = [
            (&old, Some("Director")),
            (&new, Some("Director")),
            (&old, Some("Writer")),
            (&old, Some("Director")),
            (&announced, Some(" ")),
        ];
        let films = filmography(credits.into_iter(), |item| MovieSummary {
            id: item.id,
            title: item.title.clone(),
            overview: String::new(),
            release_date: item.release_date.clone().filter(|d| !d.is_empty()),
            year: None,
            genres: vec![],
            vote_average: 0.0,
            vote_count: 0,
            popularity: 0.0,
            poster_url: None,
            backdrop_url: None,
        });
        let listed: Vec<(u64, Vec<String>)> = films.into_iter().map(|c| (c.movie.id, c.roles)).collect();
        assert_eq!(
            listed,
            [(3, vec![]), (2, vec!["Director".to_owned()]), (1, vec!["Director".to_owned(), "Writer".to_owned()])]
        );
    }

    #[test]
    fn search_text_is_trimmed_collapsed_and_bounded() {
        assert_eq!(normalise_query("  the   dark knight ").ok().as_deref(), Some("the dark knight"));
        assert!(normalise_query("   ").is_err());
        assert!(normalise_query(&"x".repeat(201)).is_err());
    }
}
