//! The HTTP surface: the public REST API under `/api/`, operational endpoints, the emulator's
//! images when it serves, and the Leptos UI with its server functions. Each REST module owns
//! its `router()`; they are merged here, once.

mod api_guard;
pub mod assets;
mod auth;
mod catalog;
mod crawlers;
mod error;
mod error_pages;
mod extract;
pub mod graphql;
mod library;
pub mod metrics;
mod microcache;
pub mod openapi;
pub mod ops;
mod pagination;
mod query;
mod recommendations;
pub mod security_headers;
mod server_fns;
pub mod session;
mod state;
pub mod throttle;

use std::sync::OnceLock;

use app::server::ServerContext;
use app::{App, shell};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode};
use axum::routing::any;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, DefaultPredicate, Predicate};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

pub use error::ApiError;
pub use state::{AppState, AppStateInner};

use crate::upstream::EMULATOR_IMAGES_PATH;
use security_headers::CspNonce;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The REST API's routes with their OpenAPI operations, registered together: the document
/// lists exactly the routes served, and nobody keeps a list of paths by hand.
type ApiRouter = OpenApiRouter<AppState>;

/// Registers a documented route at its documented path (which ends with `/`) and at the same
/// path without the trailing slash, which every route also answers.
fn documented(router: ApiRouter, routes: UtoipaMethodRouter<AppState>) -> ApiRouter {
    let handlers = routes.2.clone();
    let bare: Vec<String> = routes
        .1
        .paths
        .keys()
        .filter_map(|path| path.strip_suffix('/').filter(|bare| !bare.is_empty()).map(str::to_owned))
        .collect();
    bare.iter().fold(router, |router, path| router.route(path, handlers.clone())).routes(routes)
}

/// The app's routes, worked out once per process.
///
/// Working them out renders the app with every `Resource` held back by a process-wide flag
/// (`leptos_server::SuppressResourceLoad`): a page rendering at that moment on another thread
/// awaits its resources forever (leptos-rs/leptos#4773). A server builds its router before it
/// serves, but tests build one per app while others render; here the first caller computes the
/// list and any other waits for it.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let context = ServerContext {
        catalog: state.catalog.clone(),
        accounts: state.accounts.clone(),
        library: state.library.clone(),
        for_you: state.for_you.clone(),
        cookies: state.sessions.cookies(),
        catalog_is_emulated: state.emulator.is_some(),
        public_url: state.public_url.clone(),
    };
    let leptos_options = state.leptos_options.clone();
    let site_root = std::path::PathBuf::from(leptos_options.site_root.as_ref());
    let bundle_root = assets::bundle_root(&site_root, &leptos_options.site_pkg_dir);
    if !cfg!(debug_assertions) && !assets::is_precompressed(&site_root, &leptos_options.site_pkg_dir) {
        tracing::warn!(
            "the site bundle has no .br/.gz copies, so browsers download it uncompressed: \
             build it with `cargo leptos build --release --precompress`"
        );
    }
    // Every rendered page gets the context, where its bundle lives, and the nonce of its
    // response's CSP.
    let page_context = {
        let bundle_root = app::BundleRoot(bundle_root.clone());
        move || {
            provide_context(context.clone());
            provide_context(bundle_root.clone());
            let nonce = use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<CspNonce>().map(|nonce| nonce.0.clone()));
            if let Some(nonce) = nonce {
                provide_context(leptos::nonce::Nonce::from_value(nonce));
            }
        }
    };
    // Installed before anything records a metric.
    let _ = metrics::handle();

    // The public catalog gets its own compression inside the micro-cache, so cached bodies are
    // the compressed bytes; the outer compression layer leaves already-encoded bodies alone.
    let catalog = catalog::router()
        .layer(compression())
        .layer(axum::middleware::from_fn(catalog::content_language))
        .layer(axum::middleware::from_fn_with_state(microcache::MicroCache::new(), microcache::serve_cached));

    let (documented_routes, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(catalog)
        .merge(auth::router())
        .merge(recommendations::router())
        .merge(library::router())
        .split_for_parts();
    let api = documented_routes
        .merge(openapi::router(&document))
        .merge(graphql::router(&state))
        // Unknown API paths answer in the API's error shape, not with the UI's 404 page.
        .route("/api", any(|| async { ApiError::NotFound }))
        .route("/api/{*rest}", any(|| async { ApiError::NotFound }))
        .layer(axum::middleware::from_fn(api_guard::json_errors))
        .layer(axum::middleware::from_fn_with_state(state.client_limits.clone(), throttle::api))
        .layer(axum::middleware::from_fn(api_guard::error_request_id))
        .layer(axum::middleware::from_fn(api_guard::no_store_private))
        .layer(api_guard::cors(&state.cors_origins));

    let mut router = Router::new()
        .merge(api)
        .merge(ops::router())
        .merge(crawlers::router())
        .merge(metrics::router())
        .merge(assets::router(&site_root, &state.leptos_options.site_pkg_dir, &bundle_root, state.live_reload))
        .leptos_routes_with_context(&state, routes, page_context.clone(), move || shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(page_context, shell));
    if let Some(emulator) = &state.emulator {
        router = router.nest_service(EMULATOR_IMAGES_PATH, emulator::images_router(emulator.clone()));
    }
    with_layers(router, state)
}

/// What stands around every route: limits, sessions, timeouts, panics, error bodies, request
/// ids, tracing, compression. Public so that tests can put a handler of their own (one that
/// panics, one that hangs) behind the very same stack.
pub fn with_layers(router: Router<AppState>, state: AppState) -> Router {
    // Outermost first: the client's address, its rate limit, then its session, so a client over
    // its limit costs no database work.
    let client_ip = axum::middleware::from_fn_with_state(state.clone(), session::client_ip);
    let ui_limit = axum::middleware::from_fn_with_state(state.client_limits.clone(), throttle::ui);
    let identify = axum::middleware::from_fn_with_state(state.clone(), session::identify);
    let security = axum::middleware::from_fn_with_state(state.security_headers.clone(), security_headers::add);
    // Inside the metrics, so they count server-function failures by their real status.
    let router = router
        .layer(axum::middleware::from_fn(server_fns::error_statuses))
        // Every route, server functions included, reads at most 64 KiB of body.
        .layer(DefaultBodyLimit::max(api_guard::BODY_LIMIT_BYTES))
        .layer(CatchPanicLayer::custom(api_guard::panic_without_body))
        .layer(axum::middleware::from_fn_with_state(state.request_slots.clone(), api_guard::shed_overload))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, state.request_timeout));
    router
        .layer(axum::middleware::from_fn(metrics::track))
        .with_state(state)
        .layer(identify)
        .layer(ui_limit)
        // Outside every layer that answers with a bare status (timeout, shedding, the page
        // limit, panics) and inside the one that sets the request id.
        .layer(axum::middleware::from_fn(error_pages::fill_error_bodies))
        .layer(client_ip)
        .layer(security)
        .layer(
            ServiceBuilder::new()
                .map_request(drop_unsafe_request_id)
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

/// A client's `X-Request-Id` is kept (so one request can be followed from a load balancer's
/// logs into ours) only when it is a short token of safe characters; anything else is replaced
/// by one of ours, so that ids in logs and error bodies are ids and nothing else.
fn drop_unsafe_request_id<B>(mut request: Request<B>) -> Request<B> {
    let safe = |value: &HeaderValue| {
        let bytes = value.as_bytes();
        (1..=64).contains(&bytes.len())
            && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    };
    if request.headers().get_all(&REQUEST_ID).iter().any(|value| !safe(value)) {
        request.headers_mut().remove(&REQUEST_ID);
    }
    request
}

/// br and gzip at their fastest levels: at the default brotli level, compressing a 10 kB list
/// cost several times more CPU than producing it. Bundle files are never compressed here: a
/// release build brings them compressed at the best level (see `assets`).
fn compression() -> CompressionLayer<impl Predicate> {
    let not_served_as_built =
        |_: StatusCode, _: axum::http::Version, _: &axum::http::HeaderMap, extensions: &axum::http::Extensions| {
            extensions.get::<assets::ServedAsBuilt>().is_none()
        };
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Fastest)
        .compress_when(DefaultPredicate::new().and(not_served_as_built))
}
