//! The shapes of the public REST API and of what the UI renders.
//!
//! These are plain serde types with no server dependency, so the WASM bundle and the
//! server share one definition of every payload.

use serde::{Deserialize, Serialize};

/// A movie as it appears in any list: cards, search results, rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// A movie's full record, for its page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovieDetails {
    #[serde(flatten)]
    pub movie: MovieSummary,
    /// Minutes.
    pub runtime: Option<u32>,
    pub tagline: Option<String>,
    /// The first ten billed.
    pub cast: Vec<CastMember>,
    pub directors: Vec<String>,
    pub trailer: Option<Trailer>,
    /// The US rating (e.g. `PG-13`), when known.
    pub certification: Option<String>,
    /// The first page of each, for the rows on the movie page.
    pub recommendations: Vec<MovieSummary>,
    pub similar: Vec<MovieSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CastMember {
    pub name: String,
    pub character: Option<String>,
    pub profile_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trailer {
    pub name: String,
    /// The YouTube video key.
    pub key: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genre {
    pub id: u32,
    pub name: String,
}

/// How `/api/movies/discover/` orders its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
pub struct DiscoverFilter {
    /// Genre ids or names (case-insensitive); a movie must have every one.
    pub genres: Vec<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// Minimum average rating, 0 to 10.
    pub min_rating: Option<f64>,
    pub min_votes: Option<u32>,
    pub sort: DiscoverSort,
}

/// A movie in someone's favorites, from the snapshot taken when it was added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FavoriteMovie {
    /// The TMDb id, as everywhere else.
    pub id: u64,
    pub title: String,
    pub year: Option<i32>,
    pub poster_url: Option<String>,
    /// RFC 3339.
    pub added_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddFavorite {
    pub tmdb_id: u64,
}

/// A movie recommended to someone, and which of their favorites led to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    #[serde(flatten)]
    pub movie: MovieSummary,
    /// Titles of the favorites that point to this movie, strongest first; empty for trending.
    pub because: Vec<String>,
}

/// Where "For you" came from: the user's favorites, or trending while they have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationSource {
    Favorites,
    Trending,
}

/// One page of "For you": the list shape, plus where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForYouPage {
    #[serde(flatten)]
    pub page: Page<Recommendation>,
    pub based_on: RecommendationSource,
}

/// A signed-in person, as the API shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    /// RFC 3339.
    pub created_at: String,
}

/// What signing in (or refreshing) returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct Registered {
    pub user: User,
    #[serde(flatten)]
    pub tokens: TokenPair,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh: String,
}

/// Time window of a trending list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
    fn discover_sort_round_trips_and_lists_choices_on_error() {
        for sort in DiscoverSort::ALL {
            assert_eq!(sort.as_str().parse::<DiscoverSort>(), Ok(sort));
        }
        let error = "best".parse::<DiscoverSort>().expect_err("unknown");
        assert!(error.contains("popularity, rating"), "{error}");
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
            trailer: None,
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
