//! Public catalog routes under `/api/movies/`.

use std::collections::HashMap;

use api_types::{MovieSummary, Page, TrendingWindow};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use services::catalog::DEFAULT_LANGUAGE;

use super::error::ApiError;
use super::pagination::with_links;
use super::slash_optional;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    slash_optional(Router::new(), "/api/movies/trending", get(trending))
}

type Params = Query<HashMap<String, String>>;

/// Parses an optional query parameter, naming it when the value is bad.
fn param<T: std::str::FromStr>(params: &HashMap<String, String>, name: &str) -> Result<Option<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    params
        .get(name)
        .map(|raw| raw.parse::<T>().map_err(|e| ApiError::invalid(name, e.to_string())))
        .transpose()
}

fn page_param(params: &HashMap<String, String>) -> Result<u32, ApiError> {
    param::<u32>(params, "page")
        .map_err(|_| ApiError::invalid("page", "must be a whole number from 1 to 500"))
        .map(|page| page.unwrap_or(1))
}

/// `GET /api/movies/trending/?window=day|week&page=&language=`
async fn trending(State(state): State<AppState>, Query(params): Params) -> Result<Json<Page<MovieSummary>>, ApiError> {
    let window: TrendingWindow = param(&params, "window")?.unwrap_or_default();
    let page = page_param(&params)?;
    let language = params.get("language").map(String::as_str).unwrap_or(DEFAULT_LANGUAGE);
    let list = state.catalog.trending(window, page, language).await?;
    Ok(Json(with_links(list, &state.public_url, "/api/movies/trending/", &params)))
}
