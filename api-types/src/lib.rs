//! The shapes of the public REST API and of what the UI renders.
//!
//! These are plain serde types with no server dependency, so the WASM bundle and the
//! server share one definition of every payload.

use serde::{Deserialize, Serialize};

/// A movie as it appears in any list: cards, search results, rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MovieSummary {
    pub id: u64,
    pub title: String,
    pub overview: String,
    /// ISO date (`YYYY-MM-DD`), `None` when the release date is unknown.
    pub release_date: Option<String>,
    pub year: Option<i32>,
    /// Genre names, in TMDb's order for the movie.
    pub genres: Vec<String>,
    pub vote_average: f64,
    pub vote_count: u64,
    pub popularity: f64,
    /// Absolute, sized image URL; `None` when the movie has no poster.
    pub poster_url: Option<String>,
    pub backdrop_url: Option<String>,
}

/// One page of any list the API returns. Every list endpoint uses this shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// Total number of items across all pages.
    pub count: u64,
    /// Absolute URL of the next page, `None` on the last page.
    pub next: Option<String>,
    /// Absolute URL of the previous page, `None` on the first page.
    pub previous: Option<String>,
    pub page: u32,
    pub total_pages: u32,
    pub results: Vec<T>,
}

impl<T> Page<T> {
    /// The same page with each item turned into something else (counts and links kept).
    pub fn map<U>(self, item: impl FnMut(T) -> U) -> Page<U> {
        Page {
            count: self.count,
            next: self.next,
            previous: self.previous,
            page: self.page,
            total_pages: self.total_pages,
            results: self.results.into_iter().map(item).collect(),
        }
    }
}

/// A movie's full record, for its page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MovieDetails {
    #[serde(flatten)]
    pub movie: MovieSummary,
    /// Minutes.
    pub runtime: Option<u32>,
    pub tagline: Option<String>,
    /// The first ten billed.
    pub cast: Vec<CastMember>,
    /// The directors' names (the same people are in `crew`, with ids and photos).
    pub directors: Vec<String>,
    /// The key crew: directors, writers, composer and cinematographer, in that order, each
    /// person once with every one of those jobs they held.
    #[serde(default)]
    pub crew: Vec<CrewMember>,
    pub trailer: Option<Trailer>,
    /// Every YouTube video TMDb lists (trailers, teasers, clips), official ones first.
    #[serde(default)]
    pub videos: Vec<Video>,
    /// The US rating (e.g. `PG-13`), when known.
    pub certification: Option<String>,
    /// The first page of each, for the rows on the movie page.
    pub recommendations: Vec<MovieSummary>,
    pub similar: Vec<MovieSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct CastMember {
    /// TMDb person id: `/api/people/{id}/`.
    #[serde(default)]
    pub id: u64,
    pub name: String,
    pub character: Option<String>,
    pub profile_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct CrewMember {
    /// TMDb person id: `/api/people/{id}/`.
    pub id: u64,
    pub name: String,
    /// Their jobs on this movie, e.g. `["Director", "Screenplay"]`.
    pub jobs: Vec<String>,
    pub profile_url: Option<String>,
}

/// A person as search finds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct PersonSummary {
    /// TMDb person id.
    pub id: u64,
    pub name: String,
    /// What they are known for: `Acting`, `Directing`, `Writing`, ...
    pub known_for_department: Option<String>,
    pub profile_url: Option<String>,
    /// Titles of the work they are best known for.
    pub known_for: Vec<String>,
}

/// Everything about one person, for their page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonDetails {
    pub id: u64,
    pub name: String,
    /// Empty when TMDb has none in the language asked for, or in English.
    pub biography: String,
    /// ISO date (`YYYY-MM-DD`).
    pub birthday: Option<String>,
    pub deathday: Option<String>,
    pub place_of_birth: Option<String>,
    pub known_for_department: Option<String>,
    pub profile_url: Option<String>,
    /// Up to eight of their movies, the most voted on first.
    pub known_for: Vec<MovieSummary>,
    /// Movies they acted in, newest first (not yet dated ones at the top, as upcoming).
    pub cast: Vec<PersonCredit>,
    /// Movies they worked on behind the camera, newest first, one entry per movie.
    pub crew: Vec<PersonCredit>,
}

/// One movie in a person's filmography.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonCredit {
    #[serde(flatten)]
    pub movie: MovieSummary,
    /// The characters they played (cast), or their jobs (crew), e.g. `["Director", "Writer"]`.
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Trailer {
    pub name: String,
    /// The YouTube video key.
    pub key: String,
    pub url: String,
}

/// A video about a movie, on YouTube.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Video {
    pub name: String,
    /// TMDb's kind: `Trailer`, `Teaser`, `Clip`, `Featurette`, `Behind the Scenes`, ...
    pub kind: String,
    /// The YouTube video key.
    pub key: String,
    pub url: String,
    pub official: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Genre {
    pub id: u32,
    pub name: String,
}

/// How `/api/movies/discover/` orders its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum DiscoverSort {
    #[default]
    Popularity,
    Rating,
    Newest,
    Oldest,
    Title,
    Revenue,
}

impl DiscoverSort {
    pub const ALL: [Self; 6] = [Self::Popularity, Self::Rating, Self::Newest, Self::Oldest, Self::Title, Self::Revenue];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Popularity => "popularity",
            Self::Rating => "rating",
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Title => "title",
            Self::Revenue => "revenue",
        }
    }
}

impl std::str::FromStr for DiscoverSort {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|sort| sort.as_str() == value).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|s| s.as_str()).collect();
            format!("unknown sort `{value}`: expected one of {}", names.join(", "))
        })
    }
}

/// Filters of `/api/movies/discover/`; every one is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiscoverFilter {
    /// Genre ids or names (case-insensitive); a movie must have every one.
    pub genres: Vec<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// Minimum average rating, 0 to 10.
    pub min_rating: Option<f64>,
    pub min_votes: Option<u32>,
    /// TMDb person ids; a movie must have every one in its cast or crew.
    #[serde(default)]
    pub people: Vec<u64>,
    pub sort: DiscoverSort,
}

/// A movie on one of someone's lists (favorites, watchlist, not interested), as the product
/// keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject), graphql(name = "SavedMovie"))]
pub struct FavoriteMovie {
    /// The TMDb id, as everywhere else.
    pub id: u64,
    pub title: String,
    pub year: Option<i32>,
    pub poster_url: Option<String>,
    /// RFC 3339.
    pub added_at: String,
}

/// What the signed-in user has done with one movie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct MyMovieState {
    pub favorite: bool,
    pub watchlist: bool,
    pub seen: bool,
    /// 1 to 10, when seen and rated.
    pub rating: Option<u8>,
    pub not_interested: bool,
}

/// The stable, machine-readable kind of every error the server answers, in the REST API's
/// `error.code` and in the UI's server functions alike. Clients branch on it; messages may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A query or path parameter is refused (`details.parameter` names it).
    InvalidParameter,
    /// A body field is refused (`details.fields` names it).
    ValidationFailed,
    /// The body is not readable JSON (or server-function arguments were malformed).
    MalformedBody,
    UnsupportedMediaType,
    PayloadTooLarge,
    /// No valid credentials: sign in, or send a valid bearer token.
    Unauthorized,
    Conflict,
    NotFound,
    MethodNotAllowed,
    /// The request took longer than the server allows.
    Timeout,
    /// This client or account is over a rate limit; see `Retry-After`.
    TooManyRequests,
    /// The server is saturated; see `Retry-After`. Nothing is wrong with the request.
    ServerBusy,
    /// TMDb is not answering and nothing usable is cached; see `Retry-After`.
    UpstreamUnavailable,
    /// TMDb refused our request (our configuration, not the caller).
    UpstreamError,
    /// The account database cannot be reached; see `Retry-After`.
    DatabaseUnavailable,
    InternalError,
    /// Only in the browser: the request never got an answer.
    Transport,
    /// Only from GraphQL: the query does not parse, does not fit the schema, or goes over the
    /// depth, complexity or size limit.
    InvalidQuery,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidParameter => "invalid_parameter",
            Self::ValidationFailed => "validation_failed",
            Self::MalformedBody => "malformed_body",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Unauthorized => "unauthorized",
            Self::Conflict => "conflict",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Timeout => "timeout",
            Self::TooManyRequests => "too_many_requests",
            Self::ServerBusy => "server_busy",
            Self::UpstreamUnavailable => "upstream_unavailable",
            Self::UpstreamError => "upstream_error",
            Self::DatabaseUnavailable => "database_unavailable",
            Self::InternalError => "internal_error",
            Self::Transport => "transport",
            Self::InvalidQuery => "invalid_query",
        }
    }

    /// The HTTP status this kind of error answers with, everywhere.
    pub fn status(self) -> u16 {
        match self {
            Self::InvalidParameter | Self::MalformedBody | Self::InvalidQuery => 400,
            Self::Unauthorized => 401,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Timeout => 408,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::ValidationFailed => 422,
            Self::TooManyRequests => 429,
            Self::InternalError => 500,
            Self::UpstreamError | Self::Transport => 502,
            Self::ServerBusy | Self::UpstreamUnavailable | Self::DatabaseUnavailable => 503,
        }
    }
}

/// Which of the signed-in user's movies a list leaves out: the `hide` parameter of the catalog's
/// lists (`hide=seen,watchlist`), and the UI's "Hide what I've seen or listed" toggle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HideMine {
    pub seen: bool,
    pub watchlist: bool,
    pub favorites: bool,
    pub not_interested: bool,
}

impl HideMine {
    /// What the UI's toggle hides: movies already seen or already on the watchlist.
    pub const SEEN_OR_WATCHLISTED: Self = Self { seen: true, watchlist: true, favorites: false, not_interested: false };

    /// The names `hide` accepts, in the order they are listed.
    pub const NAMES: [&'static str; 4] = ["seen", "watchlist", "favorites", "not_interested"];

    pub fn is_empty(self) -> bool {
        self == Self::default()
    }

    /// Whether a movie in this state is left out.
    pub fn hides(self, state: &MyMovieState) -> bool {
        (self.seen && state.seen)
            || (self.watchlist && state.watchlist)
            || (self.favorites && state.favorite)
            || (self.not_interested && state.not_interested)
    }
}

impl std::str::FromStr for HideMine {
    type Err = String;

    /// Comma-separated names, in any order, nothing else: `seen,watchlist`. A repeat is
    /// harmless; an empty or unknown entry is an error, so a typo never passes for "hide nothing".
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let mut hide = Self::default();
        for name in value.split(',') {
            match name {
                "seen" => hide.seen = true,
                "watchlist" => hide.watchlist = true,
                "favorites" => hide.favorites = true,
                "not_interested" => hide.not_interested = true,
                other => {
                    let other: String = other.chars().take(40).collect();
                    return Err(format!(
                        "unknown list `{other}`: expected any of {}, comma-separated",
                        Self::NAMES.join(", ")
                    ));
                }
            }
        }
        Ok(hide)
    }
}

/// How many movies the signed-in user has on each list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct MyMovieCounts {
    pub favorites: u64,
    pub watchlist: u64,
    pub seen: u64,
    pub not_interested: u64,
}

/// Marks a movie seen: `{"rating": 9}`, or `{"rating": null}` (or `{}`) for seen without a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({ "rating": 9 })))]
pub struct RateMovie {
    /// A whole number from 1 to 10, or null.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    #[serde(default)]
    pub rating: Option<u8>,
}

/// The order of the seen list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum RatingsSort {
    /// Most recently seen or rated first.
    #[default]
    Newest,
    /// Highest rating first, unrated last.
    Rating,
}

impl std::str::FromStr for RatingsSort {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "newest" => Ok(Self::Newest),
            "rating" => Ok(Self::Rating),
            _ => Err("must be `newest` or `rating`".into()),
        }
    }
}

/// A movie someone has seen, with their rating if they gave one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct RatedMovie {
    /// The TMDb id, as everywhere else.
    pub id: u64,
    pub title: String,
    pub year: Option<i32>,
    pub poster_url: Option<String>,
    /// 1 to 10; null when marked seen without a rating.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub rating: Option<u8>,
    /// When it was marked seen or last rated, RFC 3339.
    pub seen_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({ "tmdb_id": 155 })))]
pub struct AddFavorite {
    /// The TMDb id of the movie.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 9223372036854775807_i64))]
    #[serde(deserialize_with = "whole_number")]
    pub tmdb_id: u64,
}

/// A non-negative integer, also when written `155.0`: JSON (and JSON Schema) make no difference
/// between the two, so neither does the API.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct WholeNumber;
    impl serde::de::Visitor<'_> for WholeNumber {
        type Value = u64;

        fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
            formatter.write_str("a non-negative whole number")
        }

        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<u64, E> {
            Ok(value)
        }

        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<u64, E> {
            u64::try_from(value).map_err(|_| E::custom("expected a non-negative whole number"))
        }

        fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<u64, E> {
            // Exactly representable whole numbers only: 2^53 and beyond lose precision as f64.
            if value.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&value) {
                Ok(value as u64)
            } else {
                Err(E::custom("expected a non-negative whole number"))
            }
        }
    }
    deserializer.deserialize_any(WholeNumber)
}

/// A movie recommended to someone, and which of their movies led to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    #[serde(flatten)]
    pub movie: MovieSummary,
    /// The user's movies that point to this one, strongest first, each once; empty for trending.
    pub because: Vec<Reason>,
}

/// One of the user's movies that led to a recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct Reason {
    /// The TMDb id of the user's movie.
    pub id: u64,
    pub title: String,
    pub kind: ReasonKind,
}

/// How a movie of the user's led to a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum ReasonKind {
    /// It is one of their favorites, and TMDb recommends this movie from it.
    Favorite,
    /// They rated it highly, and TMDb recommends this movie from it.
    Rated,
    /// People on this instance who saved it also saved this movie.
    AlsoSaved,
}

/// Where "For you" came from: the user's favorites, their ratings when they have no favorites,
/// or, while they have neither, popular movies across genres for them to pick a few they like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum RecommendationSource {
    Favorites,
    Ratings,
    Onboarding,
}

/// One page of "For you": the list shape, plus where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForYouPage {
    #[serde(flatten)]
    pub page: Page<Recommendation>,
    pub based_on: RecommendationSource,
}

/// A signed-in person, as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
pub struct User {
    pub id: String,
    pub email: String,
    /// RFC 3339.
    pub created_at: String,
}

/// What signing in (or refreshing) returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// A short-lived JWT for `Authorization: Bearer`.
    pub access: String,
    /// An opaque token, used once, for `/api/auth/token/refresh/`.
    pub refresh: String,
    pub token_type: String,
    /// Seconds until `access` expires.
    pub expires_in: u64,
}

/// What registering returns: the new user, already signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Registered {
    pub user: User,
    #[serde(flatten)]
    pub tokens: TokenPair,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({ "email": "ada@example.com", "password": "a long passphrase" })))]
pub struct Credentials {
    /// Compared case-insensitively.
    #[cfg_attr(feature = "openapi", schema(format = "email", max_length = 254))]
    pub email: String,
    /// 8 to 128 characters; the most common passwords are refused at registration.
    #[cfg_attr(feature = "openapi", schema(format = "password", min_length = 8, max_length = 128))]
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// The refresh token of the last pair; each is spent by its first use (a retry within
    /// the reuse grace gets another pair; a later reuse revokes the family).
    pub refresh: String,
}

/// Time window of a trending list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum TrendingWindow {
    #[default]
    Day,
    Week,
}

impl TrendingWindow {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
        }
    }
}

impl std::str::FromStr for TrendingWindow {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            other => Err(format!("unknown window `{other}`: expected `day` or `week`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hide_reads_any_order_and_names_what_it_accepts() {
        let hide: HideMine = "watchlist,seen,seen".parse().expect("valid");
        assert_eq!(hide, HideMine::SEEN_OR_WATCHLISTED);
        for malformed in ["", "seen,", "seen, watchlist", ",seen"] {
            assert!(malformed.parse::<HideMine>().is_err(), "{malformed:?}");
        }
        let all: HideMine = "not_interested,favorites,seen,watchlist".parse().expect("valid");
        assert!(all.seen && all.watchlist && all.favorites && all.not_interested);
        let error = "seen,watched".parse::<HideMine>().unwrap_err();
        assert!(error.contains("`watched`") && error.contains("seen, watchlist, favorites, not_interested"), "{error}");
        let seen = MyMovieState { seen: true, rating: Some(8), ..Default::default() };
        assert!(hide.hides(&seen));
        assert!(!hide.hides(&MyMovieState { favorite: true, ..Default::default() }));
        assert!(!HideMine::default().hides(&seen));
    }

    #[test]
    fn mapping_a_page_keeps_its_counts_and_links() {
        let page =
            Page { count: 41, next: Some("n".into()), previous: None, page: 2, total_pages: 3, results: vec![1, 2] };
        let mapped = page.map(|n| n * 10);
        assert_eq!(
            mapped,
            Page { count: 41, next: Some("n".into()), previous: None, page: 2, total_pages: 3, results: vec![10, 20] }
        );
    }

    #[test]
    fn discover_sort_round_trips_and_lists_choices_on_error() {
        for sort in DiscoverSort::ALL {
            assert_eq!(sort.as_str().parse::<DiscoverSort>(), Ok(sort));
        }
        let error = "best".parse::<DiscoverSort>().expect_err("unknown");
        assert!(error.contains("popularity, rating"), "{error}");
    }

    #[test]
    fn favorite_ids_may_be_written_as_whole_floats() {
        let parse = |json: &str| serde_json::from_str::<AddFavorite>(json).map(|body| body.tmdb_id).ok();
        assert_eq!(parse(r#"{"tmdb_id": 155}"#), Some(155));
        assert_eq!(parse(r#"{"tmdb_id": 155.0}"#), Some(155));
        assert_eq!(parse(r#"{"tmdb_id": 155.5}"#), None);
        assert_eq!(parse(r#"{"tmdb_id": -1}"#), None);
        assert_eq!(parse(r#"{"tmdb_id": "155"}"#), None);
    }

    #[test]
    fn details_flatten_the_summary_fields() {
        let summary = MovieSummary {
            id: 7,
            title: "T".into(),
            overview: String::new(),
            release_date: None,
            year: None,
            genres: vec![],
            vote_average: 0.0,
            vote_count: 0,
            popularity: 0.0,
            poster_url: None,
            backdrop_url: None,
        };
        let details = MovieDetails {
            movie: summary,
            runtime: Some(90),
            tagline: None,
            cast: vec![],
            directors: vec![],
            crew: vec![],
            trailer: None,
            videos: vec![],
            certification: None,
            recommendations: vec![],
            similar: vec![],
        };
        let json = serde_json::to_value(&details).expect("serialises");
        assert_eq!(json["id"], 7);
        assert_eq!(json["runtime"], 90);
    }

    #[test]
    fn trending_window_parses_only_known_values() {
        assert_eq!("day".parse::<TrendingWindow>(), Ok(TrendingWindow::Day));
        assert_eq!("week".parse::<TrendingWindow>(), Ok(TrendingWindow::Week));
        assert!("month".parse::<TrendingWindow>().is_err());
        assert_eq!(TrendingWindow::Week.as_str(), "week");
    }
}
