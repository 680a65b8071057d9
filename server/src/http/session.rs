//! Who is asking, for every request: the client's address (behind trusted proxies too) and,
//! for the UI and its server functions, the account of the browser's session cookies, with
//! the access token refreshed transparently when it has expired. State-changing requests from
//! another site are refused here (CSRF).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use app::server::{SessionCookies, Visitor};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use services::accounts::{AccountService, AuthError, Session};
use uuid::Uuid;

use super::AppState;
use crate::http::assets;

/// At most how long the answer to one refresh is reused by this instance (never longer than
/// the configured reuse grace, and not at all when it is 0). A page whose access token has
/// expired sends several requests at once with the same refresh token; spending it once and
/// sharing the new pair gives them all the same cookies. Requests that reach other instances
/// spend it again within the account service's reuse grace.
const MAX_REFRESH_SHARING: Duration = Duration::from_secs(30);

/// The bytes the remembered refreshes may take: the ones of the last few seconds are needed (a
/// page's requests arrive together), so a flood of distinct tokens evicts old ones instead of
/// growing memory. About 10,000 refreshes.
const SHARED_REFRESHES_BYTES: u64 = 8 * 1024 * 1024;

/// What one remembered refresh costs: its key, the tokens of the new pair, and the entry's
/// own bookkeeping (moka's, the `Session`'s fixed fields), estimated generously.
fn shared_refresh_weight(spent: &str, session: Option<&Session>) -> u32 {
    const ENTRY_OVERHEAD: usize = 256;
    let tokens = session.map_or(0, |session| session.access.len() + session.refresh.len());
    u32::try_from(ENTRY_OVERHEAD + spent.len() + tokens).unwrap_or(u32::MAX)
}

/// The client's address, worked out once per request (see [`client_address`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Refresh answers kept for `sharing`, within [`SHARED_REFRESHES_BYTES`].
fn recent_refreshes(sharing: Duration) -> moka::future::Cache<String, Option<Session>> {
    moka::future::Cache::builder()
        .weigher(|spent: &String, session: &Option<Session>| shared_refresh_weight(spent, session.as_ref()))
        .max_capacity(SHARED_REFRESHES_BYTES)
        .time_to_live(sharing)
        .support_invalidation_closures()
        .build()
}

#[derive(Clone)]
pub struct BrowserSessions {
    accounts: Arc<AccountService>,
    cookies: SessionCookies,
    trusted_proxies: Arc<[IpNet]>,
    /// Recent refreshes, by the spent refresh token: the new session, or `None` when it was
    /// refused. `None` when the reuse grace is 0 (strict rotation: nothing is shared).
    recent_refreshes: Option<moka::future::Cache<String, Option<Session>>>,
}

impl BrowserSessions {
    pub fn new(
        accounts: Arc<AccountService>,
        cookies: SessionCookies,
        trusted_proxies: Vec<IpNet>,
        refresh_reuse_grace: Duration,
    ) -> Self {
        let sharing = refresh_reuse_grace.min(MAX_REFRESH_SHARING);
        let recent_refreshes = (!sharing.is_zero()).then(|| recent_refreshes(sharing));
        Self { accounts, cookies, trusted_proxies: trusted_proxies.into(), recent_refreshes }
    }

    /// After a sign-out: forget the shared refresh that led to `refresh`, so that its
    /// predecessor (which a thief might hold) no longer hands out the revoked session.
    pub fn forget_refreshes_leading_to(&self, refresh: &str) {
        if let Some(recent) = &self.recent_refreshes {
            let refresh = refresh.to_owned();
            let invalidated = recent.invalidate_entries_if(move |_, session| {
                session.as_ref().is_some_and(|session| session.refresh == refresh)
            });
            if let Err(error) = invalidated {
                tracing::error!(%error, "could not forget a signed-out session's shared refresh");
            }
        }
    }

    pub fn cookies(&self) -> SessionCookies {
        self.cookies
    }

    /// Whether the request carries a session cookie (access or refresh).
    pub fn has_session_cookies(&self, headers: &HeaderMap) -> bool {
        let tokens = self.cookies.read(headers);
        tokens.access.is_some() || tokens.refresh.is_some()
    }

    /// The account of a valid access cookie, else of a refresh cookie (with the cookies to
    /// store the new pair, or to delete a dead session).
    pub(super) async fn resolve(&self, headers: &HeaderMap) -> (Option<Uuid>, Vec<HeaderValue>) {
        let tokens = self.cookies.read(headers);
        if let Some(account) = tokens.access.as_deref().and_then(|access| self.accounts.authenticate(access).ok()) {
            return (Some(account), Vec::new());
        }
        let Some(refresh) = tokens.refresh else {
            // An expired access cookie alone: nothing to renew, so forget it.
            return (None, if tokens.access.is_some() { self.cookies.clear() } else { Vec::new() });
        };
        if !services::accounts::tokens::is_well_formed_refresh_token(&refresh) {
            // Not something we ever issued: no database work, and nothing to remember.
            tracing::info!("browser session ended: malformed refresh token");
            return (None, self.cookies.clear());
        }
        let key = refresh.clone();
        let accounts = self.accounts.clone();
        let refreshed = async move {
            match accounts.refresh(&refresh).await {
                Ok(session) => Ok(Some(session)),
                Err(AuthError::InvalidRefreshToken) => Ok(None),
                // The store is down: not the browser's fault, so keep its cookies and
                // try again on the next request.
                Err(other) => Err(other.to_string()),
            }
        };
        let renewed = match &self.recent_refreshes {
            Some(recent) => recent.try_get_with(key, refreshed).await.map_err(|e| (*e).clone()),
            None => refreshed.await,
        };
        match renewed {
            Ok(Some(session)) => match self.accounts.authenticate(&session.access) {
                Ok(account) => (Some(account), self.cookies.set(&session)),
                Err(error) => {
                    tracing::error!(%error, "a freshly issued access token did not verify");
                    (None, Vec::new())
                }
            },
            Ok(None) => {
                tracing::info!("browser session ended: refresh token refused");
                (None, self.cookies.clear())
            }
            Err(error) => {
                tracing::warn!(%error, "could not refresh a browser session");
                (None, Vec::new())
            }
        }
    }
}

/// The client's address: the peer, unless the peer is a trusted proxy, in which case the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy (entries further left
/// were written by the client and prove nothing).
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for entry in forwarded.iter().rev() {
        match forwarded_address(entry) {
            Some(ip) if is_trusted(&ip) => continue,
            Some(ip) => return Some(ip),
            // Garbage where an address should be: stop believing the header.
            None => break,
        }
    }
    Some(peer)
}

/// One `X-Forwarded-For` entry: an address, possibly with the client's port as some proxies
/// write it (`203.0.113.9:5678`, `[2001:db8::1]:5678`), or a bracketed IPv6 address.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|socket| socket.ip()))
        .or_else(|_| entry.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).unwrap_or_default().parse())
        .ok()
}

/// Whether a state-changing request comes from our own pages. Browsers send
/// `Sec-Fetch-Site` (all current ones) or at least `Origin` on every POST; a request with
/// neither is not from a browser, so it carries no ambient cookies an attacker could ride.
pub fn is_same_origin(headers: &HeaderMap, public_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|value| value.to_str().ok()) {
        // "none": typed in the address bar or a bookmark, not another site.
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()) else { return true };
    if origin == public_origin {
        return true;
    }
    // Behind a proxy that terminates TLS the scheme may differ from ours; the host must not.
    let host = headers.get(header::HOST).and_then(|value| value.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, host)| host);
    matches!((origin_host, host), (Some(origin_host), Some(host)) if origin_host == host)
}

/// Paths that never carry a browser session: the REST API (bearer tokens), static files,
/// operations endpoints.
pub fn is_sessionless(path: &str) -> bool {
    ["/api/", "/emulator/"].iter().any(|prefix| path.starts_with(prefix))
        || assets::is_bundle_path(path)
        || matches!(path, "/api" | "/healthz" | "/readyz" | "/metrics" | "/favicon.svg" | "/favicon.ico")
}

/// Works out the client's address once, for every later layer and handler ([`ClientIp`]).
pub async fn client_ip(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    // Without a peer (in-process tests) every caller counts as one unspecified client.
    let client =
        client_address(peer, request.headers(), &state.sessions.trusted_proxies).unwrap_or(IpAddr::from([0, 0, 0, 0]));
    request.extensions_mut().insert(ClientIp(client));
    next.run(request).await
}

/// The browser session of a page or server-function request (after [`client_ip`] and the
/// rate limit), and the CSRF rule for the ones that change state.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let client = request.extensions().get::<ClientIp>().map_or(IpAddr::from([0, 0, 0, 0]), |ClientIp(ip)| *ip);
    if is_sessionless(request.uri().path()) {
        return next.run(request).await;
    }

    let changes_state = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && !is_same_origin(request.headers(), &state.public_url) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "This form was sent from another site, so it was refused.").into_response();
    }

    let presented_refresh = state.sessions.cookies.read(request.headers()).refresh;
    let (account, cookies) = state.sessions.resolve(request.headers()).await;
    let server_function = request.uri().path().starts_with(app::SERVER_FN_PREFIX);
    request.extensions_mut().insert(Visitor { account, client });
    let mut response = next.run(request).await;
    // A signed-in page shows the user's email and lists; a server function's answer may carry
    // either, or set the session: no shared cache (or the back/forward cache of another user
    // on a shared computer) may keep them.
    if account.is_some() || server_function || !cookies.is_empty() {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A handler that set the session itself (sign-in, sign-out) has the last word.
    let handler_set_session = response.headers().get_all(header::SET_COOKIE).iter().any(|value| {
        value.to_str().is_ok_and(|value| {
            value.starts_with(state.sessions.cookies.access_name())
                || value.starts_with(state.sessions.cookies.refresh_name())
        })
    });
    if !handler_set_session {
        for cookie in cookies {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    let signed_out = response.headers().get_all(header::SET_COOKIE).iter().any(|value| {
        value
            .to_str()
            .is_ok_and(|value| value.starts_with(state.sessions.cookies.refresh_name()) && value.contains("Max-Age=0"))
    });
    if signed_out && let Some(refresh) = presented_refresh {
        state.sessions.forget_refreshes_leading_to(&refresh);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_flood_of_distinct_refreshes_stays_within_the_byte_bound() {
        let cache = recent_refreshes(Duration::from_secs(30));
        let session = |i: usize| Session {
            access: format!("{i:0>320}"),
            access_expires_at: chrono::Utc::now(),
            refresh: format!("{i:0>43}"),
            refresh_expires_at: chrono::Utc::now(),
        };
        let flood = 40_000;
        for i in 0..flood {
            cache.insert(format!("{i:0>43}"), Some(session(i))).await;
        }
        cache.run_pending_tasks().await;
        assert!(cache.weighted_size() <= SHARED_REFRESHES_BYTES, "{} bytes", cache.weighted_size());
        assert!(cache.entry_count() < flood as u64, "older entries were evicted");
        assert!(cache.entry_count() > 5_000, "yet thousands fit: {}", cache.entry_count());
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxy: IpNet = "10.0.0.0/8".parse().expect("net");
        let forwarded = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.2")]);
        let peer = |ip: &str| Some(ip.parse::<IpAddr>().expect("ip"));
        // Untrusted peer: the header is whatever the client made up.
        assert_eq!(client_address(peer("198.51.100.4"), &forwarded, &[proxy]), peer("198.51.100.4"));
        // Trusted peer: right-most untrusted entry, not the spoofable left-most one.
        assert_eq!(client_address(peer("10.0.0.1"), &forwarded, &[proxy]), peer("203.0.113.9"));
        // No proxies configured: the header is ignored.
        assert_eq!(client_address(peer("10.0.0.1"), &forwarded, &[]), peer("10.0.0.1"));
        let garbage = headers(&[("x-forwarded-for", "nonsense")]);
        assert_eq!(client_address(peer("10.0.0.1"), &garbage, &[proxy]), peer("10.0.0.1"));
        // Entries with the client's port, or IPv6 in brackets, as some proxies write them.
        for (entry, client) in [
            ("203.0.113.9:5678", "203.0.113.9"),
            ("[2001:db8::7]:5678", "2001:db8::7"),
            ("[2001:db8::7]", "2001:db8::7"),
            ("2001:db8::7", "2001:db8::7"),
        ] {
            let mut forwarded = HeaderMap::new();
            forwarded.insert("x-forwarded-for", HeaderValue::from_str(&format!("{entry}, 10.0.0.2")).expect("value"));
            assert_eq!(client_address(peer("10.0.0.1"), &forwarded, &[proxy]), peer(client), "{entry}");
        }
    }

    #[test]
    fn cross_site_state_changes_are_recognised() {
        let ours = "https://hub.example";
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")]), ours));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "cross-site")]), ours));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "same-site")]), ours));
        assert!(is_same_origin(&headers(&[("origin", "https://hub.example")]), ours));
        assert!(!is_same_origin(&headers(&[("origin", "https://evil.example"), ("host", "hub.example")]), ours));
        assert!(is_same_origin(&headers(&[("origin", "http://hub.example"), ("host", "hub.example")]), ours));
        assert!(!is_same_origin(&headers(&[("origin", "null"), ("host", "hub.example")]), ours));
        // Not a browser: nothing ambient to abuse.
        assert!(is_same_origin(&HeaderMap::new(), ours));
    }
}
