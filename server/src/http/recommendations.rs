//! `/api/recommendations/`: "For you", from the signed-in user's movies (the lists themselves
//! are in `library.rs`).

use api_types::ForYouPage;
use axum::Json;
use axum::extract::{RawQuery, State};
use utoipa_axum::routes;

use super::AppState;
use super::error::ApiError;
use super::extract::BearerAccount;
use super::openapi::ErrorBody;
use super::pagination::with_links;
use super::query::{ApiQuery, ForYouPageQuery};
use super::{ApiRouter, documented};

pub(super) fn router() -> ApiRouter {
    documented(ApiRouter::new(), routes!(for_you))
}

/// "For you": movies recommended from the user's most recent favorites, best first, each with
/// the favorites that led to it; trending (marked by `based_on`) while there are none.
#[utoipa::path(
    get, path = "/api/recommendations/", tag = "favorites",
    security(("bearer" = [])),
    params(ForYouPageQuery),
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
    ApiQuery(ForYouPageQuery { page }): ApiQuery<ForYouPageQuery>,
    RawQuery(query): RawQuery,
) -> Result<Json<ForYouPage>, ApiError> {
    let (page, based_on) = state.for_you.page(account, page.unwrap_or(1)).await?;
    let page = with_links(page, &state.public_url, "/api/recommendations/", query.as_deref());
    Ok(Json(ForYouPage { page, based_on }))
}
