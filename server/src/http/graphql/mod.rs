//! GraphQL at `/api/graphql`: one round trip for a movie with its credits, its related movies
//! and what the signed-in user did with it. It is a third presenter of the same services as
//! REST and the UI: the same catalog and cache, the same accounts (a bearer token, or the
//! browser session under the CSRF rule), the same rate limits (the `/api` throttle), and errors
//! from the same classification (`error.rs`).
//!
//! `POST` runs one operation (`{"query", "variables", "operationName"}`, JSON, at most 64 KiB
//! like every body); `GET` serves GraphiQL from files in this repository (no CDN). A document
//! is refused before it runs when it is longer than [`MAX_QUERY_BYTES`], deeper than
//! [`MAX_DEPTH`] or costlier than [`MAX_COMPLEXITY`] (lists count their page size times what
//! each entry asks; each upstream call counts [`types::UPSTREAM_COST`]).
//!
//! async-graphql's own axum extractor is not used: it streams the body past axum's body limit
//! and accepts multipart uploads; the body here is read by `ApiJson`, bounded like every other
//! route's and refused in the same shape.

mod context;
mod error;
mod graphiql;
mod mutation;
mod query;
mod types;

use api_types::ErrorCode;
use async_graphql::{EmptySubscription, ErrorExtensionValues, Schema, SchemaBuilder, Value};
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use services::failure::Failure;

use self::context::{Loaders, Viewer};
use self::mutation::Mutation;
use self::query::Query;
use super::AppState;
use super::extract::ApiJson;
use super::session;

pub type NexusSchema = Schema<Query, Mutation, EmptySubscription>;

/// The longest query text accepted, in bytes: far above any real query (GraphiQL's
/// introspection query is about 1.5 KiB), far below what would cost to parse.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;
/// Nesting depth; GraphiQL's introspection query reaches 13.
pub const MAX_DEPTH: usize = 16;
/// What a query may cost: one movie with its cast and related movies is about 160, a page of
/// 20 movies with details, cast and the user's state of each about 850 (as the API guide
/// says); the related movies of every related movie of a list are refused.
pub const MAX_COMPLEXITY: usize = 1_000;

fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query, Mutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(MAX_DEPTH)
        .limit_directives(8)
}

/// The schema in SDL, as committed in `docs/schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

pub fn router(state: &AppState) -> Router<AppState> {
    let schema: NexusSchema = builder().data(state.clone()).finish();
    Router::new()
        .route("/api/graphql", get(graphiql::page).post(execute))
        .route("/api/graphql/", get(graphiql::page).post(execute))
        .route("/api/graphql/graphiql/{file}", get(graphiql::asset))
        .layer(Extension(schema))
}

/// Runs one GraphQL operation. The body is read as every JSON body of the API is (`ApiJson`:
/// 415, 400, 422 and 413 in the API's error shape); a batch (a JSON array) is refused as a body
/// of the wrong shape.
async fn execute(
    State(state): State<AppState>,
    Extension(schema): Extension<NexusSchema>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<async_graphql::Request>,
) -> Response {
    let request_id = headers.get("x-request-id").and_then(|id| id.to_str().ok()).map(str::to_owned);

    if request.query.len() > MAX_QUERY_BYTES {
        let refusal = Failure::invalid_query(&format!("the query is longer than {} KiB", MAX_QUERY_BYTES / 1024));
        let error = error::graphql_error(refusal.code, &refusal.message, None);
        let response = async_graphql::Response::from_errors(vec![error.into_server_error(Default::default())]);
        return answer(response, request_id.as_deref(), false, Vec::new());
    }

    let (viewer, cookies) = viewer(&state, &headers).await;
    let account = match &viewer {
        Viewer::Account(account) => Some(*account),
        _ => None,
    };
    let loaders = Loaders::new(state.catalog.clone(), state.library.clone(), account);
    let accepted = query::AcceptedLanguage(std::sync::Arc::from(super::query::accepted_language(&headers)));
    let response = schema.execute(request.data(viewer).data(loaders).data(accepted)).await;
    answer(response, request_id.as_deref(), account.is_some(), cookies)
}

/// The response as JSON (200, as GraphQL over HTTP answers `application/json` requests): each
/// error with a `code` (errors async-graphql raised itself, on parsing, validation and limits,
/// are `invalid_query`) and the request id, no shared caching of a signed-in answer, and the
/// browser session's renewed cookies.
fn answer(
    mut response: async_graphql::Response,
    request_id: Option<&str>,
    signed_in: bool,
    cookies: Vec<HeaderValue>,
) -> Response {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(ErrorExtensionValues::default);
        if extensions.get("code").is_none() {
            extensions.set("code", ErrorCode::InvalidQuery.as_str());
            extensions.set("status", ErrorCode::InvalidQuery.status());
        }
        if let Some(request_id) = request_id {
            extensions.set("requestId", Value::String(request_id.to_owned()));
        }
    }
    let mut http = Json(response).into_response();
    let headers = http.headers_mut();
    if signed_in || !cookies.is_empty() {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
    http
}

/// Who is asking: a bearer token when one is sent (refused if invalid), else the browser
/// session's cookies, which count only from this site's own pages (the UI's CSRF rule).
async fn viewer(state: &AppState, headers: &HeaderMap) -> (Viewer, Vec<HeaderValue>) {
    if let Some(authorization) = headers.get(header::AUTHORIZATION) {
        let token = authorization.to_str().ok().and_then(|value| value.strip_prefix("Bearer "));
        let viewer = match token.map(|token| state.accounts.authenticate(token.trim())) {
            Some(Ok(account)) => Viewer::Account(account),
            Some(Err(error)) => Viewer::Refused(error.into()),
            None => Viewer::Refused(Failure::unauthorized("send `Authorization: Bearer <access token>`")),
        };
        return (viewer, Vec::new());
    }
    if !state.sessions.has_session_cookies(headers) {
        return (Viewer::Anonymous, Vec::new());
    }
    if !session::is_same_origin(headers, &state.public_url) {
        tracing::warn!("cross-site GraphQL request with a session cookie refused");
        let refused =
            Failure::unauthorized("the session cookie is not accepted from another site; send a bearer token");
        return (Viewer::Refused(refused), Vec::new());
    }
    let (account, cookies) = state.sessions.resolve(headers).await;
    (account.map_or(Viewer::Anonymous, Viewer::Account), cookies)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Other frontends generate their clients from `docs/schema.graphql`, so it must be what
    /// is served. After a change to the schema: `UPDATE_GRAPHQL_SCHEMA=1 cargo test -p server
    /// --lib graphql`, and commit the file.
    #[test]
    fn the_committed_schema_is_the_served_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema.graphql");
        let served = sdl();
        if std::env::var_os("UPDATE_GRAPHQL_SCHEMA").is_some() {
            std::fs::write(&path, &served).expect("write docs/schema.graphql");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == served,
            "docs/schema.graphql is not the served schema: run `UPDATE_GRAPHQL_SCHEMA=1 cargo test -p server --lib graphql` and commit it"
        );
    }
}
