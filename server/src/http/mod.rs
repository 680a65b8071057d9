//! The HTTP surface: the public REST API under `/api/`, operational endpoints, the emulator's
//! images when it serves, and the Leptos UI with its server functions. Each REST module owns
//! its `router()`; they are merged here, once.

mod auth;
mod catalog;
mod error;
mod extract;
mod favorites;
mod microcache;
mod ops;
mod pagination;
mod query;
pub mod session;

use app::server::ServerContext;
use app::{App, shell};
use axum::Router;
use axum::http::{HeaderName, Request};
use axum::routing::{MethodRouter, any};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use error::ApiError;

use crate::state::AppState;
use crate::upstream::EMULATOR_IMAGES_PATH;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Registers `path` with and without a trailing slash.
fn slash_optional(router: Router<AppState>, path: &str, handler: MethodRouter<AppState>) -> Router<AppState> {
    router.route(path, handler.clone()).route(&format!("{path}/"), handler)
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = ServerContext {
        catalog: state.catalog.clone(),
        accounts: state.accounts.clone(),
        favorites: state.favorites.clone(),
        for_you: state.for_you.clone(),
        cookies: state.sessions.cookies(),
        catalog_is_emulated: state.emulator.is_some(),
    };
    let leptos_options = state.leptos_options.clone();

    // The public catalog gets its own compression inside the micro-cache, so cached bodies are
    // the compressed bytes; the outer compression layer leaves already-encoded bodies alone.
    let catalog = catalog::router()
        .layer(compression())
        .layer(axum::middleware::from_fn_with_state(microcache::MicroCache::new(), microcache::serve_cached));

    let mut router = Router::new()
        .merge(catalog)
        .merge(auth::router())
        .merge(favorites::router())
        .merge(ops::router())
        // Unknown API paths answer in the API's error shape, not with the UI's 404 page.
        .route("/api", any(|| async { ApiError::NotFound }))
        .route("/api/{*rest}", any(|| async { ApiError::NotFound }))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context.clone()),
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell));
    if let Some(emulator) = &state.emulator {
        router = router.nest_service(EMULATOR_IMAGES_PATH, emulator::images_router(emulator.clone()));
    }

    let identify = axum::middleware::from_fn_with_state(state.clone(), session::identify);
    router.with_state(state).layer(identify).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &Request<_>| {
                        let request_id = request
                            .extensions()
                            .get::<RequestId>()
                            .and_then(|id| id.header_value().to_str().ok())
                            .unwrap_or_default();
                        tracing::info_span!("request", method = %request.method(), uri = %request.uri(), request_id)
                    })
                    .on_response(
                        DefaultOnResponse::new()
                            .level(tracing::Level::INFO)
                            .latency_unit(tower_http::LatencyUnit::Micros),
                    ),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(compression()),
    )
}

/// br and gzip at their fastest levels: at the default brotli level, compressing a 10 kB list
/// cost several times more CPU than producing it.
fn compression() -> CompressionLayer {
    CompressionLayer::new().br(true).gzip(true).quality(CompressionLevel::Fastest)
}
