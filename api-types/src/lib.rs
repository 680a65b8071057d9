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
    fn trending_window_parses_only_known_values() {
        assert_eq!("day".parse::<TrendingWindow>(), Ok(TrendingWindow::Day));
        assert_eq!("week".parse::<TrendingWindow>(), Ok(TrendingWindow::Week));
        assert!("month".parse::<TrendingWindow>().is_err());
        assert_eq!(TrendingWindow::Week.as_str(), "week");
    }
}
