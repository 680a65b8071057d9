//! Security headers on every response: a Content-Security-Policy that lets the WASM run and the
//! page's own scripts (by a per-request nonce, which Leptos puts on its inline hydration
//! script) and forbids everything else; `nosniff`, a referrer policy, no framing, and HSTS
//! when the site is served over https.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The nonce of this response's CSP; the Leptos routes hand it to the renderer.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    /// Where posters and backdrops come from, besides this origin (TMDb's image CDN).
    image_origin: Option<String>,
    https: bool,
}

impl SecurityHeaders {
    pub fn new(image_origin: Option<String>, https: bool) -> Self {
        Self { image_origin, https }
    }

    fn policy(&self, nonce: &str, path: &str) -> String {
        let images = self.image_origin.as_deref().map(|origin| format!(" {origin}")).unwrap_or_default();
        // Swagger UI sets inline styles; it is the only page allowed to.
        let styles = if path.starts_with("/api/docs") { "'self' 'unsafe-inline'" } else { "'self'" };
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src {styles}; \
             img-src 'self' data:{images}; connect-src 'self'; font-src 'self'; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
    }
}

pub async fn add(State(headers): State<SecurityHeaders>, mut request: Request, next: Next) -> Response {
    let nonce = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    let path = request.uri().path().to_owned();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let map = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&headers.policy(&nonce, &path)) {
        map.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    map.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    map.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    map.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    map.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    if headers.https {
        map.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    response
}
