//! Security headers on every response: a Content-Security-Policy that lets the WASM run and the
//! page's own scripts (by a per-request nonce, which Leptos puts on its inline hydration
//! script) and forbids everything else; `nosniff`, a referrer policy, no framing, and HSTS
//! when the site is served over https.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::http::assets;

/// The nonce of this response's CSP; the Leptos routes hand it to the renderer.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    /// The page policy around its nonce: `{before}{nonce}{after}`, built once and shared (the
    /// middleware gets a clone of this struct per request).
    page_policy: Arc<(String, String)>,
    /// For responses with no inline script (the API, static files): no nonce to generate.
    static_policy: HeaderValue,
    /// Swagger UI sets inline styles.
    docs_policy: HeaderValue,
    /// GraphiQL sets inline styles too, and its stylesheet carries its fonts as `data:` URLs.
    graphiql_policy: HeaderValue,
    https: bool,
}

impl SecurityHeaders {
    /// `image_origin`: where posters and backdrops come from besides this origin (TMDb's CDN).
    /// `live_reload_port`: under `cargo leptos watch`, the port of its reload socket, which the
    /// page's reload script dials on the page's own host.
    pub fn new(image_origin: Option<String>, https: bool, live_reload_port: Option<u32>) -> Self {
        let images = image_origin.map(|origin| format!(" {origin}")).unwrap_or_default();
        let reload = live_reload_port.map(|port| format!(" ws://*:{port} wss://*:{port}")).unwrap_or_default();
        let rest = |styles: &str, fonts: &str| {
            format!(
                "'wasm-unsafe-eval'; style-src {styles}; img-src 'self' data:{images}; connect-src 'self'{reload}; \
                 font-src {fonts}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
            )
        };
        let fixed = |styles: &str, fonts: &str| {
            HeaderValue::from_str(&format!("default-src 'self'; script-src 'self' {}", rest(styles, fonts)))
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
        };
        Self {
            page_policy: Arc::new((
                "default-src 'self'; script-src 'self' 'nonce-".to_owned(),
                format!("' {}", rest("'self'", "'self'")),
            )),
            static_policy: fixed("'self'", "'self'"),
            docs_policy: fixed("'self' 'unsafe-inline'", "'self'"),
            graphiql_policy: fixed("'self' 'unsafe-inline'", "'self' data:"),
            https,
        }
    }

    /// The policy for `path`, and the nonce its inline scripts must carry, if it may have any.
    fn policy(&self, path: &str) -> (HeaderValue, Option<String>) {
        if path.starts_with("/api/docs") {
            return (self.docs_policy.clone(), None);
        }
        if path.starts_with("/api/graphql") {
            return (self.graphiql_policy.clone(), None);
        }
        if path.starts_with("/api/") || assets::is_bundle_path(path) || path.starts_with("/emulator/") {
            return (self.static_policy.clone(), None);
        }
        let nonce = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
        let (before, after) = &*self.page_policy;
        match HeaderValue::from_str(&format!("{before}{nonce}{after}")) {
            Ok(policy) => (policy, Some(nonce)),
            Err(_) => (self.static_policy.clone(), None),
        }
    }
}

pub async fn add(State(headers): State<SecurityHeaders>, mut request: Request, next: Next) -> Response {
    let (policy, nonce) = headers.policy(request.uri().path());
    if let Some(nonce) = nonce {
        request.extensions_mut().insert(CspNonce(nonce));
    }
    let mut response = next.run(request).await;
    let map = response.headers_mut();
    map.insert(header::CONTENT_SECURITY_POLICY, policy);
    map.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    map.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    map.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    map.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    if headers.https {
        map.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    response
}
