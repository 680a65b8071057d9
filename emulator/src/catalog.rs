//! The bundled catalog and every list the emulator derives from it.
//!
//! All derived values (popularity, trending, recommendations, similar) are pure functions of
//! the bundled data and, for trending, of the day: the same request on the same day always
//! gives the same answer, which keeps tests and benchmarks repeatable.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

/// The converted vega-datasets catalog (see `catalog/convert.py`).
const BUNDLED_CATALOG: &str = include_str!("../catalog/movies.json");

/// The catalog ends in late 2010. "Now playing" and "upcoming" are relative to this day, the
/// way TMDb's are relative to today, so both lists have real films in them.
pub const CATALOG_TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2010, 8, 1) {
    Some(day) => day,
    None => panic!("invalid catalog day"),
};

/// TMDb's movie genres (ids and names as TMDb lists them).
pub const GENRES: &[(u32, &str)] = &[
    (28, "Action"),
    (12, "Adventure"),
    (16, "Animation"),
    (35, "Comedy"),
    (80, "Crime"),
    (99, "Documentary"),
    (18, "Drama"),
    (10751, "Family"),
    (14, "Fantasy"),
    (36, "History"),
    (27, "Horror"),
    (10402, "Music"),
    (9648, "Mystery"),
    (10749, "Romance"),
    (878, "Science Fiction"),
    (10770, "TV Movie"),
    (53, "Thriller"),
    (10752, "War"),
    (37, "Western"),
];

pub fn genre_name(id: u32) -> Option<&'static str> {
    GENRES.iter().find(|(gid, _)| *gid == id).map(|(_, name)| *name)
}

/// One film as the conversion script wrote it.
#[derive(Debug, Clone, Deserialize)]
struct Record {
    id: u64,
    title: String,
    release_date: String,
    genre_ids: Vec<u32>,
    director: Option<String>,
    certification: Option<String>,
    runtime: Option<u32>,
    distributor: Option<String>,
    source: Option<String>,
    budget: Option<u64>,
    us_gross: Option<u64>,
    worldwide_gross: Option<u64>,
    imdb_rating: Option<f64>,
    imdb_votes: Option<u64>,
}

/// A film with the values TMDb would report for it.
#[derive(Debug, Clone)]
pub struct Movie {
    pub id: u64,
    pub title: String,
    pub release_date: Option<NaiveDate>,
    pub genre_ids: Vec<u32>,
    pub director: Option<String>,
    pub certification: Option<String>,
    pub runtime: Option<u32>,
    pub budget: u64,
    pub revenue: u64,
    pub vote_average: f64,
    pub vote_count: u64,
    pub popularity: f64,
    pub overview: String,
    pub tagline: String,
    /// Its French title, where the French release was retitled (see [`crate::translations`]).
    pub french_title: Option<String>,
}

impl Movie {
    pub fn year(&self) -> Option<i32> {
        self.release_date.map(|day| day.year())
    }

    fn from_record(record: Record) -> Self {
        let release_date = NaiveDate::parse_from_str(&record.release_date, "%Y-%m-%d").ok();
        let vote_count = if record.imdb_rating.is_some() { record.imdb_votes.unwrap_or(0) } else { 0 };
        let vote_average = record.imdb_rating.unwrap_or(0.0);
        let popularity = popularity(vote_count, release_date);
        let overview = overview(&record, release_date);
        let tagline = record.source.clone().unwrap_or_default();
        Self {
            id: record.id,
            title: record.title,
            release_date,
            genre_ids: record.genre_ids,
            director: record.director,
            certification: record.certification.filter(|rating| rating != "Open"),
            runtime: record.runtime,
            budget: record.budget.unwrap_or(0),
            revenue: record.worldwide_gross.or(record.us_gross).unwrap_or(0),
            vote_average,
            vote_count,
            popularity,
            overview,
            tagline,
            french_title: None,
        }
    }
}

/// Popularity from how many people rated a film and how recent it is: TMDb's popularity
/// also grows with attention and fades with age.
fn popularity(votes: u64, release_date: Option<NaiveDate>) -> f64 {
    let attention = (1.0 + votes as f64).ln().powi(2);
    let age_years = release_date.map(|day| (CATALOG_TODAY - day).num_days().max(0) as f64 / 365.25).unwrap_or(30.0);
    let recency = 0.5 + 0.5 * (-age_years / 8.0).exp();
    (attention * recency * 100.0).round() / 100.0
}

/// The source has no synopses; say what the data knows, plainly.
fn overview(record: &Record, release_date: Option<NaiveDate>) -> String {
    let genres: Vec<&str> = record.genre_ids.iter().filter_map(|id| genre_name(*id)).collect();
    let kind =
        if genres.is_empty() { "film".to_owned() } else { format!("{} film", genres.join(" / ").to_lowercase()) };
    let mut text = match release_date {
        Some(day) => format!("A {} {kind}", day.year()),
        None => format!("A {kind}"),
    };
    if let Some(director) = &record.director {
        text.push_str(&format!(" directed by {director}"));
    }
    if let Some(distributor) = &record.distributor {
        text.push_str(&format!(", released by {distributor}"));
    }
    text.push('.');
    if let Some(source) = &record.source {
        text.push_str(&format!(" Source: {}.", source.to_lowercase()));
    }
    if let (Some(budget), Some(gross)) = (record.budget, record.worldwide_gross)
        && budget > 0
    {
        text.push_str(&format!(" Made for {} and earned {} worldwide.", dollars(budget), dollars(gross)));
    }
    text
}

fn dollars(amount: u64) -> String {
    match amount {
        a if a >= 1_000_000 => format!("${:.1} million", a as f64 / 1e6),
        a if a >= 1_000 => format!("${} thousand", a / 1_000),
        a => format!("${a}"),
    }
}

/// How lists are ordered by `/discover/movie`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    PopularityDesc,
    PopularityAsc,
    VoteAverageDesc,
    VoteAverageAsc,
    VoteCountDesc,
    ReleaseDateDesc,
    ReleaseDateAsc,
    RevenueDesc,
    TitleAsc,
    TitleDesc,
}

impl SortBy {
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "popularity.desc" => Self::PopularityDesc,
            "popularity.asc" => Self::PopularityAsc,
            "vote_average.desc" => Self::VoteAverageDesc,
            "vote_average.asc" => Self::VoteAverageAsc,
            "vote_count.desc" => Self::VoteCountDesc,
            "primary_release_date.desc" | "release_date.desc" => Self::ReleaseDateDesc,
            "primary_release_date.asc" | "release_date.asc" => Self::ReleaseDateAsc,
            "revenue.desc" => Self::RevenueDesc,
            "title.asc" | "original_title.asc" => Self::TitleAsc,
            "title.desc" | "original_title.desc" => Self::TitleDesc,
            _ => return None,
        })
    }
}

/// Filters of `/discover/movie`; every field is optional, as on TMDb.
#[derive(Debug, Clone, Default)]
pub struct DiscoverFilter {
    /// Every one of these genres (TMDb's comma).
    pub all_genres: Vec<u32>,
    /// At least one of these genres (TMDb's pipe).
    pub any_genres: Vec<u32>,
    pub released_from: Option<NaiveDate>,
    pub released_to: Option<NaiveDate>,
    pub year: Option<i32>,
    pub min_vote_average: Option<f64>,
    pub min_vote_count: Option<u64>,
    /// Every one of these people worked on the film (TMDb's comma).
    pub all_people: Vec<u64>,
    /// At least one of them did (TMDb's pipe).
    pub any_people: Vec<u64>,
}

/// Someone who made films. The source names only directors, so every person here is a
/// director, credited with exactly the films the data says they directed.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: u64,
    pub name: String,
    /// Their films, oldest first (undated last).
    pub directed: Vec<u64>,
    /// The sum of their films' popularity: TMDb's person popularity follows their work's.
    pub popularity: f64,
}

pub struct Catalog {
    movies: Vec<Movie>,
    by_id: HashMap<u64, usize>,
    people: Vec<Person>,
    person_by_id: HashMap<u64, usize>,
    person_by_name: HashMap<String, u64>,
}

impl Catalog {
    /// The catalog shipped inside the binary.
    pub fn bundled() -> Self {
        Self::from_json(BUNDLED_CATALOG).expect("the bundled catalog is valid JSON")
    }

    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        let records: Vec<Record> = serde_json::from_str(json)?;
        let mut french_titles = crate::translations::bundled_french_titles();
        let movies: Vec<Movie> = records
            .into_iter()
            .map(Movie::from_record)
            .map(|movie| Movie { french_title: french_titles.remove(&movie.id), ..movie })
            .collect();
        let by_id: HashMap<u64, usize> = movies.iter().enumerate().map(|(index, movie)| (movie.id, index)).collect();
        let people = people_of(&movies);
        let person_by_id = people.iter().enumerate().map(|(index, person)| (person.id, index)).collect();
        let person_by_name = people.iter().map(|person| (person.name.clone(), person.id)).collect();
        Ok(Self { movies, by_id, people, person_by_id, person_by_name })
    }

    pub fn len(&self) -> usize {
        self.movies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.movies.is_empty()
    }

    pub fn get(&self, id: u64) -> Option<&Movie> {
        self.by_id.get(&id).map(|index| &self.movies[*index])
    }

    pub fn person(&self, id: u64) -> Option<&Person> {
        self.person_by_id.get(&id).map(|index| &self.people[*index])
    }

    /// The id of the person of that name, as credits carry it.
    pub fn person_id(&self, name: &str) -> Option<u64> {
        self.person_by_name.get(name).copied()
    }

    /// The films a person directed, oldest first.
    pub fn directed_by(&self, person: &Person) -> Vec<&Movie> {
        person.directed.iter().filter_map(|id| self.get(*id)).collect()
    }

    /// Their films, most popular first: what they are best known for.
    pub fn best_known(&self, person: &Person) -> Vec<&Movie> {
        let mut films = self.directed_by(person);
        films.sort_by(|a, b| b.popularity.total_cmp(&a.popularity).then(a.id.cmp(&b.id)));
        films
    }

    /// People whose name holds every word of the query, ranked as [`Catalog::search`] ranks
    /// titles.
    pub fn search_people(&self, query: &str) -> Vec<&Person> {
        ranked_matches(
            self.people.iter(),
            query,
            |person| [Some(person.name.as_str()), None],
            |person| (person.popularity, person.id),
        )
    }

    /// Most popular first.
    pub fn popular(&self) -> Vec<&Movie> {
        let mut list: Vec<&Movie> = self.movies.iter().collect();
        sort(&mut list, SortBy::PopularityDesc);
        list
    }

    /// Best rated first, among films enough people rated (TMDb asks for a minimum too).
    pub fn top_rated(&self) -> Vec<&Movie> {
        let mut list: Vec<&Movie> = self.movies.iter().filter(|m| m.vote_count >= 5_000).collect();
        sort(&mut list, SortBy::VoteAverageDesc);
        list
    }

    /// Released in the six weeks up to the catalog's today, newest first.
    pub fn now_playing(&self) -> (Vec<&Movie>, NaiveDate, NaiveDate) {
        let from = CATALOG_TODAY - chrono::Duration::days(42);
        (self.released_between(from, CATALOG_TODAY, SortBy::PopularityDesc), from, CATALOG_TODAY)
    }

    /// Released in the five months after the catalog's today, soonest first.
    pub fn upcoming(&self) -> (Vec<&Movie>, NaiveDate, NaiveDate) {
        let from = CATALOG_TODAY + chrono::Duration::days(1);
        let to = CATALOG_TODAY + chrono::Duration::days(150);
        (self.released_between(from, to, SortBy::ReleaseDateAsc), from, to)
    }

    fn released_between(&self, from: NaiveDate, to: NaiveDate, order: SortBy) -> Vec<&Movie> {
        let mut list: Vec<&Movie> =
            self.movies.iter().filter(|m| m.release_date.is_some_and(|day| day >= from && day <= to)).collect();
        sort(&mut list, order);
        list
    }

    /// Trending over a period: popularity scaled by a per-period factor, so the order moves
    /// from one day (or week) to the next the way real attention does, yet is repeatable.
    pub fn trending(&self, period: u64) -> Vec<&Movie> {
        let mut scored: Vec<(f64, &Movie)> = self
            .movies
            .iter()
            .filter(|m| m.vote_count > 0)
            .map(|m| (m.popularity * (0.6 + 0.8 * unit_hash(m.id, period)), m))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
        scored.into_iter().map(|(_, m)| m).collect()
    }

    /// Titles containing every word of the query, best match first; case and accents are
    /// ignored, as TMDb ignores them ("leon" finds "Léon", "léon" finds it too). Like TMDb,
    /// a film is found by its translated titles too, in any language ("le parrain" finds The
    /// Godfather).
    pub fn search(&self, query: &str, year: Option<i32>) -> Vec<&Movie> {
        let released = self.movies.iter().filter(|m| year.is_none_or(|y| m.year() == Some(y)));
        ranked_matches(
            released,
            query,
            |movie| [Some(movie.title.as_str()), movie.french_title.as_deref()],
            |movie| (movie.popularity, movie.id),
        )
    }

    pub fn discover(&self, filter: &DiscoverFilter, order: SortBy) -> Vec<&Movie> {
        let mut list: Vec<&Movie> = self
            .movies
            .iter()
            .filter(|m| filter.all_genres.iter().all(|g| m.genre_ids.contains(g)))
            .filter(|m| filter.any_genres.is_empty() || filter.any_genres.iter().any(|g| m.genre_ids.contains(g)))
            .filter(|m| filter.released_from.is_none_or(|from| m.release_date.is_some_and(|d| d >= from)))
            .filter(|m| filter.released_to.is_none_or(|to| m.release_date.is_some_and(|d| d <= to)))
            .filter(|m| filter.year.is_none_or(|y| m.year() == Some(y)))
            .filter(|m| filter.min_vote_average.is_none_or(|min| m.vote_average >= min))
            .filter(|m| filter.min_vote_count.is_none_or(|min| m.vote_count >= min))
            .filter(|m| {
                if filter.all_people.is_empty() && filter.any_people.is_empty() {
                    return true;
                }
                let director = m.director.as_deref().and_then(|name| self.person_id(name));
                filter.all_people.iter().all(|id| director == Some(*id))
                    && (filter.any_people.is_empty() || filter.any_people.iter().any(|id| director == Some(*id)))
            })
            .collect();
        sort(&mut list, order);
        list
    }

    /// Films most like this one by content: genres, director, era, rating and audience.
    pub fn similar(&self, movie: &Movie) -> Vec<&Movie> {
        self.ranked_neighbours(movie, |score, _| score)
    }

    /// What someone who liked this film should watch next: similar content, weighted toward
    /// films that are well rated and widely seen.
    pub fn recommendations(&self, movie: &Movie) -> Vec<&Movie> {
        self.ranked_neighbours(movie, |score, candidate| {
            let quality = candidate.vote_average / 10.0;
            let reach = (1.0 + candidate.vote_count as f64).ln() / 14.0;
            score * (0.5 + quality) * (0.5 + reach)
        })
    }

    fn ranked_neighbours(&self, movie: &Movie, weigh: impl Fn(f64, &Movie) -> f64) -> Vec<&Movie> {
        const NEIGHBOURS: usize = 100;
        let mut scored: Vec<(f64, &Movie)> = self
            .movies
            .iter()
            .filter(|candidate| candidate.id != movie.id)
            .filter_map(|candidate| {
                let score = content_similarity(movie, candidate);
                (score > 0.0).then(|| (weigh(score, candidate), candidate))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
        scored.truncate(NEIGHBOURS);
        scored.into_iter().map(|(_, m)| m).collect()
    }
}

/// 0 when the films share nothing that matters; higher the more they share. Genre overlap is
/// required when the film has a genre: a film of another genre by the same director is rarely
/// what a viewer wants next. A film the data gives no genre is matched on the rest.
fn content_similarity(a: &Movie, b: &Movie) -> f64 {
    let shared = a.genre_ids.iter().filter(|g| b.genre_ids.contains(g)).count() as f64;
    let union = (a.genre_ids.len() + b.genre_ids.len()) as f64 - shared;
    if shared == 0.0 && !a.genre_ids.is_empty() {
        return 0.0;
    }
    let mut score = if union > 0.0 { 3.0 * shared / union } else { 0.0 };
    if a.director.is_some() && a.director == b.director {
        score += 2.0;
    }
    if let (Some(ya), Some(yb)) = (a.year(), b.year()) {
        score += 1.0 / (1.0 + f64::from((ya - yb).abs()) / 5.0);
    }
    if a.vote_count > 0 && b.vote_count > 0 {
        score += 1.0 - (a.vote_average - b.vote_average).abs() / 10.0;
    }
    if a.certification.is_some() && a.certification == b.certification {
        score += 0.5;
    }
    score
}

fn sort(list: &mut [&Movie], order: SortBy) {
    list.sort_by(|a, b| {
        let primary = match order {
            SortBy::PopularityDesc => b.popularity.total_cmp(&a.popularity),
            SortBy::PopularityAsc => a.popularity.total_cmp(&b.popularity),
            SortBy::VoteAverageDesc => b.vote_average.total_cmp(&a.vote_average).then(b.vote_count.cmp(&a.vote_count)),
            SortBy::VoteAverageAsc => a.vote_average.total_cmp(&b.vote_average),
            SortBy::VoteCountDesc => b.vote_count.cmp(&a.vote_count),
            SortBy::ReleaseDateDesc => b.release_date.cmp(&a.release_date),
            SortBy::ReleaseDateAsc => a.release_date.cmp(&b.release_date),
            SortBy::RevenueDesc => b.revenue.cmp(&a.revenue),
            SortBy::TitleAsc => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
            SortBy::TitleDesc => b.title.to_lowercase().cmp(&a.title.to_lowercase()),
        };
        primary.then(a.id.cmp(&b.id))
    });
}

/// Everyone the films credit, each with a stable id: FNV-1a of the name, as TMDb keeps one id
/// per person whatever else changes. Ids are kept below ten million (TMDb's range); the rare
/// collision moves the later name, in name order, to the next free id.
fn people_of(movies: &[Movie]) -> Vec<Person> {
    let mut films: HashMap<&str, Vec<&Movie>> = HashMap::new();
    for movie in movies {
        if let Some(director) = movie.director.as_deref() {
            films.entry(director).or_default().push(movie);
        }
    }
    let mut names: Vec<&str> = films.keys().copied().collect();
    names.sort_unstable();
    let mut taken = std::collections::HashSet::new();
    names
        .into_iter()
        .map(|name| {
            let mut id = name_hash(name) % 10_000_000;
            while id == 0 || !taken.insert(id) {
                id = (id + 1) % 10_000_000;
            }
            let mut directed = films[name].clone();
            directed.sort_by_key(|m| (m.release_date.is_none(), m.release_date, m.id));
            Person {
                id,
                name: name.to_owned(),
                popularity: directed.iter().map(|m| m.popularity).sum(),
                directed: directed.iter().map(|m| m.id).collect(),
            }
        })
        .collect()
}

fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3))
}

/// A repeatable number in [0, 1) for a film in a period (splitmix64).
fn unit_hash(id: u64, period: u64) -> f64 {
    let mut z = id.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ period.wrapping_add(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The items one of whose texts (`texts`: a name, and another name if it has one) holds every
/// word of the query, case and accents ignored: an exact match first, then texts that start
/// with the query, then the rest; within a rank, by `order`'s popularity (highest first), then
/// id.
fn ranked_matches<'a, T>(
    items: impl Iterator<Item = &'a T>,
    query: &str,
    texts: impl Fn(&T) -> [Option<&str>; 2],
    order: impl Fn(&T) -> (f64, u64),
) -> Vec<&'a T> {
    let query = search_key(query.trim());
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, &T)> = items
        .filter_map(|item| {
            let rank = texts(item)
                .into_iter()
                .flatten()
                .filter_map(|text| {
                    let key = search_key(text);
                    if !words.iter().all(|word| key.contains(word)) {
                        None
                    } else if key == query {
                        Some(0)
                    } else if key.starts_with(&query) {
                        Some(1)
                    } else {
                        Some(2)
                    }
                })
                .min()?;
            Some((rank, item))
        })
        .collect();
    hits.sort_by(|a, b| {
        let ((a_popularity, a_id), (b_popularity, b_id)) = (order(a.1), order(b.1));
        a.0.cmp(&b.0).then(b_popularity.total_cmp(&a_popularity)).then(a_id.cmp(&b_id))
    });
    hits.into_iter().map(|(_, item)| item).collect()
}

/// How titles and queries compare: lowercase, without accents (canonical decomposition, then
/// the combining marks dropped).
fn search_key(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfd().filter(|c| !is_combining_mark(*c)).collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::bundled()
    }

    #[test]
    fn bundled_catalog_loads_every_film() {
        let catalog = catalog();
        assert_eq!(catalog.len(), 3200);
        let first = catalog.get(1).expect("film 1");
        assert_eq!(first.title, "The Land Girls");
        assert_eq!(first.release_date, NaiveDate::from_ymd_opt(1998, 6, 12));
        assert!((first.vote_average - 6.1).abs() < 1e-9);
    }

    #[test]
    fn trending_is_repeatable_within_a_period_and_moves_between_periods() {
        let catalog = catalog();
        let ids = |period| catalog.trending(period).iter().take(20).map(|m| m.id).collect::<Vec<_>>();
        assert_eq!(ids(20_000), ids(20_000));
        assert_ne!(ids(20_000), ids(20_001));
    }

    #[test]
    fn search_ranks_exact_titles_first_and_filters_by_year() {
        let catalog = catalog();
        let hits = catalog.search("king kong", None);
        assert!(hits.len() >= 2, "both King Kong films are in the catalog");
        assert!(hits.iter().take(2).all(|m| m.title == "King Kong"));
        let only_2005 = catalog.search("king kong", Some(2005));
        assert!(only_2005.iter().all(|m| m.year() == Some(2005)));
        assert!(catalog.search("   ", None).is_empty());
    }

    #[test]
    fn titles_are_spelled_right_and_found_with_or_without_their_accents() {
        let catalog = catalog();
        for query in ["Léon", "leon", "LEON"] {
            let hits = catalog.search(query, None);
            assert_eq!(hits.first().map(|m| m.title.as_str()), Some("Léon"), "{query}");
        }
        assert_eq!(
            catalog.search("amelie", None).first().map(|m| m.title.as_str()),
            Some("Le Fabuleux destin d'Amélie Poulain")
        );
        // The source's mis-decoding ("LÈon") is gone from every title.
        let garbled = ['È', 'Í', '˘', 'Ω', 'Û', '‰', '‡', 'Ë', '·', 'Ù', 'Î'];
        let left: Vec<&str> = catalog
            .movies
            .iter()
            .map(|m| m.title.as_str())
            .filter(|t| t.chars().any(|c| garbled.contains(&c)))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn similar_films_share_a_genre_and_never_include_the_film_itself() {
        let catalog = catalog();
        let movie = catalog.search("the dark knight", None)[0];
        let similar = catalog.similar(movie);
        assert!(!similar.is_empty());
        assert!(similar.iter().all(|m| m.id != movie.id));
        assert!(similar.iter().all(|m| m.genre_ids.iter().any(|g| movie.genre_ids.contains(g))));
    }

    #[test]
    fn discover_applies_every_filter() {
        let catalog = catalog();
        let filter = DiscoverFilter {
            all_genres: vec![28],
            released_from: NaiveDate::from_ymd_opt(2000, 1, 1),
            released_to: NaiveDate::from_ymd_opt(2005, 12, 31),
            min_vote_average: Some(7.0),
            ..DiscoverFilter::default()
        };
        let list = catalog.discover(&filter, SortBy::VoteAverageDesc);
        assert!(!list.is_empty());
        for movie in &list {
            assert!(movie.genre_ids.contains(&28));
            assert!((2000..=2005).contains(&movie.year().unwrap_or_default()));
            assert!(movie.vote_average >= 7.0);
        }
        assert!(list.windows(2).all(|w| w[0].vote_average >= w[1].vote_average));
    }

    #[test]
    fn every_director_is_a_person_with_exactly_their_films() {
        let catalog = catalog();
        let nolan = catalog.search_people("christopher nolan")[0];
        assert_eq!(nolan.name, "Christopher Nolan");
        let titles: Vec<&str> = catalog.directed_by(nolan).iter().map(|m| m.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Following", "Memento", "Insomnia", "Batman Begins", "The Prestige", "The Dark Knight", "Inception"]
        );
        let directed = catalog.movies.iter().filter(|m| m.director.is_some()).count();
        assert_eq!(catalog.people.iter().map(|p| p.directed.len()).sum::<usize>(), directed);
        let ids: std::collections::HashSet<u64> = catalog.people.iter().map(|p| p.id).collect();
        assert_eq!(ids.len(), catalog.people.len(), "every person has an id of their own");
        assert!(catalog.people.iter().all(|p| catalog.person(p.id).is_some_and(|found| found.name == p.name)));
    }

    #[test]
    fn people_are_found_by_any_part_of_their_name_and_discovered_by_id() {
        let catalog = catalog();
        let nolans: Vec<&str> = catalog.search_people("NOLAN").iter().map(|p| p.name.as_str()).collect();
        assert!(nolans.contains(&"Christopher Nolan"), "{nolans:?}");
        assert!(catalog.search_people("  ").is_empty());
        let nolan = catalog.person_id("Christopher Nolan").expect("a person");
        let filter = DiscoverFilter { all_people: vec![nolan], ..DiscoverFilter::default() };
        assert_eq!(catalog.discover(&filter, SortBy::PopularityDesc).len(), 7);
        let spielberg = catalog.person_id("Steven Spielberg").expect("a person");
        let either = DiscoverFilter { any_people: vec![nolan, spielberg], ..DiscoverFilter::default() };
        assert_eq!(catalog.discover(&either, SortBy::PopularityDesc).len(), 7 + 23);
        let both = DiscoverFilter { all_people: vec![nolan, spielberg], ..DiscoverFilter::default() };
        assert!(catalog.discover(&both, SortBy::PopularityDesc).is_empty());
    }

    #[test]
    fn now_playing_and_upcoming_hold_films() {
        let catalog = catalog();
        assert!(!catalog.now_playing().0.is_empty());
        assert!(!catalog.upcoming().0.is_empty());
    }
}
