//! A few seconds of whole-response caching for the public catalog: the hottest lists are
//! served as the bytes last sent (already compressed), skipping mapping, serialisation and
//! compression. Catalog data is the same for every caller and changes slowly, so a response
//! up to [`MAX_AGE`] old is indistinguishable from a fresh one; user-specific routes never
//! pass through here.
//!
//! Clients and shared caches may keep these answers too: each carries `Cache-Control: public`
//! for [`CLIENT_MAX_AGE`] and an `ETag` (a digest of the bytes sent), and a request whose
//! `If-None-Match` names it gets 304 with no body.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

pub const MAX_AGE: Duration = Duration::from_secs(5);
/// How long a client may reuse a catalog answer without asking again; after that a
/// revalidation with `If-None-Match` costs a 304 when nothing changed. TMDb's lists move over
/// hours, so a minute is never noticeably stale.
const CLIENT_MAX_AGE: &str = "public, max-age=60";
/// Larger bodies are passed through uncached.
const MAX_BODY: usize = 512 * 1024;

#[derive(Clone)]
struct Cached {
    headers: HeaderMap,
    body: Bytes,
}

/// A handle on the cached responses. axum clones a route's middleware, and so this state,
/// for every request: one reference count here instead of the half-dozen of moka's own handle
/// (1.3 % of cached trending's CPU in `perf`, and as much again to drop it).
#[derive(Clone)]
pub struct MicroCache {
    responses: Arc<moka::future::Cache<String, Arc<Cached>>>,
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
        Self { responses: Arc::new(responses) }
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
    // Without `?language=`, the answer is in the language `Accept-Language` picks.
    let language = super::query::accepted_language(request.headers());
    let key = format!("{}:{language}:{}", encoding(request.headers()), request.uri());
    let known = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(hit) = cache.responses.get(&key).await {
        return answer(&hit, known.as_ref());
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
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CLIENT_MAX_AGE));
            if let Ok(tag) = HeaderValue::from_str(&entity_tag(&body)) {
                headers.insert(header::ETAG, tag);
            }
            let cached = Arc::new(Cached { headers, body });
            cache.responses.insert(key, cached.clone()).await;
            answer(&cached, known.as_ref())
        }
        Err(error) => {
            // The body is consumed by now: all that can be sent is an error, in the API's shape.
            tracing::error!(%error, "catalog response too large or broken");
            ApiError::Internal.into_response()
        }
    }
}

/// The cached answer, or 304 when the client already holds these very bytes.
fn answer(cached: &Cached, known: Option<&HeaderValue>) -> Response {
    let tag = cached.headers.get(header::ETAG);
    if let (Some(known), Some(tag)) = (known, tag)
        && matches_any(known, tag)
    {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        // What a 304 must repeat of the 200 (RFC 9110 §15.4.5).
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY, header::CONTENT_LOCATION] {
            if let Some(value) = cached.headers.get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
        return response;
    }
    let mut response = Response::new(Body::from(cached.body.clone()));
    *response.headers_mut() = cached.headers.clone();
    response
}

/// A strong tag of the bytes sent: each encoding of an answer has its own, as its bytes differ.
fn entity_tag(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|byte| format!("{byte:02x}")).collect();
    format!("\"{hex}\"")
}

/// `If-None-Match`: `*`, or a comma-separated list of tags, weak ones compared weakly
/// (RFC 9110 §13.1.2).
fn matches_any(known: &HeaderValue, tag: &HeaderValue) -> bool {
    let (Ok(known), Ok(tag)) = (known.to_str(), tag.to_str()) else { return false };
    known.split(',').map(str::trim).any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        let tag = HeaderValue::from_static("\"abc\"");
        for known in ["\"abc\"", "\"x\", \"abc\"", "W/\"abc\"", "*"] {
            assert!(matches_any(&HeaderValue::from_static(known), &tag), "{known}");
        }
        for known in ["\"abd\"", "abc", ""] {
            assert!(!matches_any(&HeaderValue::from_static(known), &tag), "{known}");
        }
        assert_ne!(entity_tag(b"one"), entity_tag(b"two"));
        assert_eq!(entity_tag(b"one"), entity_tag(b"one"));
    }
}
