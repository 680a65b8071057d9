//! TMDb v3 response bodies, as TMDb sends them. Only the fields the hub uses are typed;
//! serde ignores the rest, and optional fields default so a sparse record still parses.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovieListPage {
    pub page: u32,
    pub results: Vec<MovieListItem>,
    pub total_pages: u32,
    pub total_results: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovieListItem {
    pub id: u64,
    pub title: String,
    #[serde(default)]
    pub overview: String,
    /// TMDb sends `""` for an unknown date.
    #[serde(default)]
    pub release_date: Option<String>,
    #[serde(default)]
    pub genre_ids: Vec<u32>,
    #[serde(default)]
    pub vote_average: f64,
    #[serde(default)]
    pub vote_count: u64,
    #[serde(default)]
    pub popularity: f64,
    #[serde(default)]
    pub poster_path: Option<String>,
    #[serde(default)]
    pub backdrop_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Genre {
    pub id: u32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenreList {
    pub genres: Vec<Genre>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Configuration {
    pub images: ImagesConfiguration,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImagesConfiguration {
    pub secure_base_url: String,
    #[serde(default)]
    pub poster_sizes: Vec<String>,
    #[serde(default)]
    pub backdrop_sizes: Vec<String>,
    #[serde(default)]
    pub profile_sizes: Vec<String>,
}

/// The body TMDb sends with an error status.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    pub status_code: i32,
    pub status_message: String,
}

/// `/movie/{id}` with `append_to_response=credits,videos,recommendations,similar,release_dates`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovieDetails {
    pub id: u64,
    pub title: String,
    #[serde(default)]
    pub original_title: Option<String>,
    #[serde(default)]
    pub original_language: Option<String>,
    #[serde(default)]
    pub overview: String,
    #[serde(default)]
    pub tagline: Option<String>,
    #[serde(default)]
    pub runtime: Option<u32>,
    #[serde(default)]
    pub release_date: Option<String>,
    #[serde(default)]
    pub genres: Vec<Genre>,
    #[serde(default)]
    pub vote_average: f64,
    #[serde(default)]
    pub vote_count: u64,
    #[serde(default)]
    pub popularity: f64,
    #[serde(default)]
    pub poster_path: Option<String>,
    #[serde(default)]
    pub backdrop_path: Option<String>,
    #[serde(default)]
    pub credits: Option<Credits>,
    #[serde(default)]
    pub videos: Option<Videos>,
    #[serde(default)]
    pub release_dates: Option<ReleaseDates>,
    #[serde(default)]
    pub recommendations: Option<MovieListPage>,
    #[serde(default)]
    pub similar: Option<MovieListPage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credits {
    #[serde(default)]
    pub cast: Vec<CastMember>,
    #[serde(default)]
    pub crew: Vec<CrewMember>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CastMember {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub character: Option<String>,
    #[serde(default)]
    pub profile_path: Option<String>,
    #[serde(default)]
    pub order: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrewMember {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub job: String,
    #[serde(default)]
    pub profile_path: Option<String>,
}

/// `/person/{id}` with `append_to_response=movie_credits`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonDetails {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub biography: String,
    #[serde(default)]
    pub birthday: Option<String>,
    #[serde(default)]
    pub deathday: Option<String>,
    #[serde(default)]
    pub place_of_birth: Option<String>,
    #[serde(default)]
    pub known_for_department: Option<String>,
    #[serde(default)]
    pub profile_path: Option<String>,
    #[serde(default)]
    pub movie_credits: Option<PersonMovieCredits>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonMovieCredits {
    #[serde(default)]
    pub cast: Vec<PersonCastCredit>,
    #[serde(default)]
    pub crew: Vec<PersonCrewCredit>,
}

/// A movie someone acted in: the movie's list fields and the character.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonCastCredit {
    #[serde(flatten)]
    pub movie: MovieListItem,
    #[serde(default)]
    pub character: Option<String>,
}

/// A movie someone worked on: the movie's list fields and the job (one credit per job).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonCrewCredit {
    #[serde(flatten)]
    pub movie: MovieListItem,
    #[serde(default)]
    pub job: String,
}

/// `/search/person`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonListPage {
    pub page: u32,
    pub results: Vec<PersonListItem>,
    pub total_pages: u32,
    pub total_results: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonListItem {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub known_for_department: Option<String>,
    #[serde(default)]
    pub profile_path: Option<String>,
    #[serde(default)]
    pub known_for: Vec<KnownFor>,
}

/// A movie (`title`) or a TV show (`name`) someone is known for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnownFor {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Videos {
    #[serde(default)]
    pub results: Vec<Video>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Video {
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub site: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub official: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseDates {
    #[serde(default)]
    pub results: Vec<CountryReleaseDates>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryReleaseDates {
    pub iso_3166_1: String,
    #[serde(default)]
    pub release_dates: Vec<ReleaseDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseDate {
    #[serde(default)]
    pub certification: String,
}
