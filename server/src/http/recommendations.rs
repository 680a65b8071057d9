//! `/api/recommendations/`: "For you", from the signed-in user's movies (the lists themselves
//! are in `library.rs`).

use std::collections::HashMap;

use api_types::ForYouPage;
use axum::Json;
use axum::extract::{Query, State};
use utoipa_axum::routes;

use super::error::ApiError;
use super::extract::BearerAccount;
use super::openapi::ErrorBody;
use super::pagination::with_links;
use super::query::{MAX_PAGE, number};
use super::{ApiRouter, documented};
use crate::state::AppState;

pub(super) fn router() -> ApiRouter {
    documented(ApiRouter::new(), routes!(for_you))
}

/// "For you": movies recommended from the user's most recent favorites, best first, each with
/// the favorites that led to it; trending (marked by `based_on`) while there are none.
#[utoipa::path(
    get, path = "/api/recommendations/", tag = "favorites",
    security(("bearer" = [])),
    params(("page" = Option<u32>, Query, description = "From 1", minimum = 1, maximum = 10000)),
    responses(
        (status = 200, description = "One page of recommendations", body = ForYouPage),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 503, description = "The account store or TMDb is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn for_you(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<ForYouPage>, ApiError> {
    let (page, based_on) = state.for_you.page(account, number(&params, "page", 1, MAX_PAGE)?).await?;
    let page = with_links(page, &state.public_url, "/api/recommendations/", &params);
    Ok(Json(ForYouPage { page, based_on }))
}
