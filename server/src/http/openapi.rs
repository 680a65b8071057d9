//! The API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations
//! and the `api-types` schemas, served at `/api/openapi.json`; Swagger UI, from assets vendored
//! in this repository (no CDN), at `/api/docs/`.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

use super::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Nexus API",
        description = "Movies (trending, lists, search, discover, details), accounts with JWT \
                       bearer tokens, favorites, watchlist, ratings and personalised recommendations. Every list has \
                       the same paginated shape; every error the same JSON shape. Paths also \
                       answer without the trailing slash.",
        license(name = "MIT"),
    ),
    components(schemas(ErrorBody, ErrorObject, api_types::ErrorCode, api_types::TrendingWindow, api_types::DiscoverSort, api_types::RatingsSort)),
    modifiers(&BearerScheme),
    tags(
        (name = "movies", description = "The catalog, from TMDb through the cache"),
        (name = "people", description = "Actors, directors and crew, with their filmographies"),
        (name = "auth", description = "Accounts and tokens"),
        (name = "favorites", description = "The signed-in user's favorites and recommendations"),
        (name = "library", description = "The signed-in user's watchlist, seen movies with ratings, and movies they are not interested in"),
    ),
)]
pub struct ApiDoc;

/// Every error under `/api`.
#[derive(ToSchema)]
#[schema(example = json!({
    "error": {
        "code": "invalid_parameter",
        "message": "Invalid value for `page`: must be a whole number from 1 to 500.",
        "details": { "parameter": "page" }
    }
}))]
pub struct ErrorBody {
    pub error: ErrorObject,
}

#[derive(ToSchema)]
pub struct ErrorObject {
    /// Stable and machine-readable; the HTTP status follows from it.
    pub code: api_types::ErrorCode,
    /// For people; may change.
    pub message: String,
    /// `{"parameter": name}` for a bad query or path parameter; `{"fields": {name: message}}`
    /// for bad body fields. Absent otherwise.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    /// The request's id, also in the `X-Request-Id` header: quote it when reporting a problem.
    pub request_id: Option<String>,
}

/// The failures every catalog read may answer, besides its own.
#[derive(IntoResponses)]
#[allow(dead_code)] // A description for the document; never constructed.
pub enum CatalogFailures {
    /// A parameter is invalid; `details.parameter` names it.
    #[response(status = 400)]
    InvalidParameter(ErrorBody),
    /// TMDb refused our request (logged for the operators).
    #[response(status = 502)]
    UpstreamError(ErrorBody),
    /// TMDb is unavailable and nothing is cached; see `Retry-After`.
    #[response(status = 503)]
    UpstreamUnavailable(ErrorBody),
}

/// The failures of every operation that reads a JSON body, besides its own.
#[derive(IntoResponses)]
#[allow(dead_code)] // A description for the document; never constructed.
pub enum JsonBodyFailures {
    /// The body is not valid JSON, or a value is out of range.
    #[response(status = 400)]
    Malformed(ErrorBody),
    /// The body is over 64 KiB.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not `application/json`.
    #[response(status = 415)]
    NotJson(ErrorBody),
    /// A field is missing or refused; `details.fields` names it.
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// The Bearer scheme every authenticated route uses.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /api/auth/token/` or `/api/auth/register/`; it lasts 15 minutes.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every `/api` route is rate limited per client, so every operation may answer 429.
struct RateLimited;

impl Modify for RateLimited {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, ResponseBuilder, content::ContentBuilder};
        let response = ResponseBuilder::new()
            .description("Over the per-client rate limit (`API_RATE_LIMIT_PER_SECOND`); see `Retry-After`")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody"))))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete].into_iter().flatten() {
                operation.responses.responses.entry("429".to_owned()).or_insert_with(|| response.clone().into());
            }
        }
    }
}

/// The served document: [`ApiDoc`] with the operations the routers registered, each also
/// answering 429 (added here, once every operation is known).
fn document(mut openapi: utoipa::openapi::OpenApi) -> String {
    RateLimited.modify(&mut openapi);
    openapi.to_json().unwrap_or_else(|error| {
        tracing::error!(%error, "the OpenAPI document could not be serialised");
        "{}".to_owned()
    })
}

const SWAGGER_UI_BUNDLE: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
const SWAGGER_UI_CSS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");
const SWAGGER_UI_INIT: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-initializer.js");
const SWAGGER_UI_INDEX: &[u8] = include_bytes!("../../assets/swagger-ui/index.html");

fn asset(body: &'static [u8], content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        body,
    )
        .into_response()
}

/// The document at `/api/openapi.json` and Swagger UI at `/api/docs/`, for the API described
/// by `openapi`.
pub fn router(openapi: &utoipa::openapi::OpenApi) -> Router<AppState> {
    let document = axum::body::Bytes::from(document(openapi.clone()));
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], document) }),
        )
        .route("/api/docs", get(|| async { axum::response::Redirect::permanent("/api/docs/") }))
        .route("/api/docs/", get(|| async { asset(SWAGGER_UI_INDEX, "text/html; charset=utf-8") }))
        .route(
            "/api/docs/swagger-ui-bundle.js",
            get(|| async { asset(SWAGGER_UI_BUNDLE, "text/javascript; charset=utf-8") }),
        )
        .route("/api/docs/swagger-ui.css", get(|| async { asset(SWAGGER_UI_CSS, "text/css; charset=utf-8") }))
        .route(
            "/api/docs/swagger-initializer.js",
            get(|| async { asset(SWAGGER_UI_INIT, "text/javascript; charset=utf-8") }),
        )
}
