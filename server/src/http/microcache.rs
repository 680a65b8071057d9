//! A few seconds of whole-response caching for the public catalog: the hottest lists are
//! served as the bytes last sent (already compressed), skipping mapping, serialisation and
//! compression. Catalog data is the same for every caller and changes slowly, so a response
//! up to [`MAX_AGE`] old is indistinguishable from a fresh one; user-specific routes never
//! pass through here.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

pub const MAX_AGE: Duration = Duration::from_secs(5);
/// Larger bodies are passed through uncached.
const MAX_BODY: usize = 512 * 1024;

#[derive(Clone)]
struct Cached {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone)]
pub struct MicroCache {
    responses: moka::future::Cache<String, Arc<Cached>>,
}

impl MicroCache {
    pub fn new() -> Self {
        let responses = moka::future::Cache::builder()
            .time_to_live(MAX_AGE)
            .weigher(|key: &String, value: &Arc<Cached>| {
                u32::try_from(key.len() + value.body.len()).unwrap_or(u32::MAX)
            })
            .max_capacity(64 * 1024 * 1024)
            .build();
        Self { responses }
    }
}

/// The encoding the compression layer will choose, so each variant is cached apart.
fn encoding(headers: &HeaderMap) -> &'static str {
    let accepted = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if accepted.contains("br") {
        "br"
    } else if accepted.contains("gzip") {
        "gzip"
    } else {
        "identity"
    }
}

pub async fn serve_cached(State(cache): State<MicroCache>, request: Request, next: Next) -> Response {
    // A bearer's list may leave out their own movies (`?hide=`): never cached, never shared.
    if request.method() != Method::GET || request.headers().contains_key(header::AUTHORIZATION) {
        return next.run(request).await;
    }
    let key = format!("{}:{}", encoding(request.headers()), request.uri());
    if let Some(hit) = cache.responses.get(&key).await {
        let mut response = Response::new(Body::from(hit.body.clone()));
        *response.headers_mut() = hit.headers.clone();
        return response;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => {
            let mut headers = parts.headers;
            // The length is the body's; a streamed original had none.
            headers.remove(header::TRANSFER_ENCODING);
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            let cached = Arc::new(Cached { headers, body });
            cache.responses.insert(key, cached.clone()).await;
            let mut response = Response::new(Body::from(cached.body.clone()));
            *response.status_mut() = parts.status;
            *response.headers_mut() = cached.headers.clone();
            response
        }
        Err(error) => {
            // The body is consumed by now: all that can be sent is an error, in the API's shape.
            tracing::error!(%error, "catalog response too large or broken");
            ApiError::Internal.into_response()
        }
    }
}
