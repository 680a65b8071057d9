//! Browser sessions: the REST API's access and refresh tokens, kept in cookies the page's
//! scripts cannot read. The server's session middleware reads them (refreshing the access
//! token when it has expired); the sign-in, register and sign-out server functions write them.

use std::net::IpAddr;

use cookie::{Cookie, SameSite};
use http::{HeaderMap, HeaderValue};
use services::accounts::Session;
use uuid::Uuid;

/// Who is asking: the signed-in account, if any, and the client's address (for throttling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visitor {
    pub account: Option<Uuid>,
    pub client: IpAddr,
}

/// The tokens a browser sent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BrowserTokens {
    pub access: Option<String>,
    pub refresh: Option<String>,
}

/// The value of cookie `name` in a request's `Cookie` headers, percent-decoded; an empty value
/// counts as none.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name && !cookie.value().is_empty())
        .map(|cookie| cookie.value().to_owned())
}

/// How long a refused email waits for its form: enough to read the error and try again.
const REFUSED_EMAIL_SECONDS: i64 = 5 * 60;

/// How long the browser remembers "hide what I've seen or watchlisted": a year from the last
/// change.
const HIDE_PREFERENCE_SECONDS: i64 = 365 * 24 * 60 * 60;

/// How long the browser remembers a chosen language and region.
const LOCALE_SECONDS: i64 = 365 * 24 * 60 * 60;

/// How session cookies are named and flagged.
///
/// Over https they are `Secure` and carry the `__Host-` prefix (which browsers only accept
/// from a secure origin, for path `/` and without a domain, so no sibling domain can plant or
/// read them). Over plain http (local development) browsers refuse both, so the cookies are
/// plain `HttpOnly; SameSite=Lax` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionCookies {
    secure: bool,
}

impl SessionCookies {
    pub fn new(secure: bool) -> Self {
        Self { secure }
    }

    pub fn access_name(&self) -> &'static str {
        if self.secure { "__Host-nexus-access" } else { "nexus-access" }
    }

    pub fn refresh_name(&self) -> &'static str {
        if self.secure { "__Host-nexus-refresh" } else { "nexus-refresh" }
    }

    /// `Set-Cookie` values that store a new session; each cookie lives as long as its token.
    pub fn set(&self, session: &Session) -> Vec<HeaderValue> {
        let now = chrono::Utc::now();
        let seconds = |until: chrono::DateTime<chrono::Utc>| (until - now).num_seconds().max(0);
        vec![
            self.cookie(self.access_name(), &session.access, seconds(session.access_expires_at)),
            self.cookie(self.refresh_name(), &session.refresh, seconds(session.refresh_expires_at)),
        ]
    }

    /// `Set-Cookie` values that delete both cookies.
    pub fn clear(&self) -> Vec<HeaderValue> {
        vec![self.cookie(self.access_name(), "", 0), self.cookie(self.refresh_name(), "", 0)]
    }

    /// The email of a sign-in or registration that was refused without JavaScript.
    ///
    /// The redirect back to the form carries only the error in its URL (`?__err=`), and an
    /// email has no place in addresses that end up in history and logs: it waits here for the
    /// form to fill it in again, for five minutes at most.
    pub fn refused_email_name(&self) -> &'static str {
        if self.secure { "__Host-nexus-refused-email" } else { "nexus-refused-email" }
    }

    /// A `Set-Cookie` value that keeps `email` for the form; none for an email longer than any
    /// valid one (254 characters), which is not worth a cookie.
    pub fn keep_refused_email(&self, email: &str) -> Option<HeaderValue> {
        (email.len() <= 254).then(|| self.cookie(self.refused_email_name(), email, REFUSED_EMAIL_SECONDS))
    }

    /// A `Set-Cookie` value that deletes the refused email.
    pub fn forget_refused_email(&self) -> HeaderValue {
        self.cookie(self.refused_email_name(), "", 0)
    }

    /// The refused email the browser sent back, if any.
    pub fn refused_email(&self, headers: &HeaderMap) -> Option<String> {
        cookie_value(headers, self.refused_email_name())
    }

    /// The browser's "hide what I've seen or watchlisted" preference for browsing lists. A
    /// cookie rather than a parameter in every address: it stays as the user moves between
    /// lists, pages and periods, with or without JavaScript.
    pub fn hide_preference_name(&self) -> &'static str {
        if self.secure { "__Host-nexus-hide" } else { "nexus-hide" }
    }

    /// A `Set-Cookie` value that keeps `hide` (or forgets it when it hides nothing).
    pub fn keep_hide_preference(&self, hide: api_types::HideMine) -> HeaderValue {
        if hide.is_empty() {
            return self.cookie(self.hide_preference_name(), "", 0);
        }
        let names: Vec<&str> = [hide.seen, hide.watchlist, hide.favorites, hide.not_interested]
            .into_iter()
            .zip(api_types::HideMine::NAMES)
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
        self.cookie(self.hide_preference_name(), &names.join(","), HIDE_PREFERENCE_SECONDS)
    }

    /// The hide preference the browser sent; nothing hidden when absent or unreadable.
    pub fn hide_preference(&self, headers: &HeaderMap) -> api_types::HideMine {
        cookie_value(headers, self.hide_preference_name()).and_then(|value| value.parse().ok()).unwrap_or_default()
    }

    /// The language and region the visitor chose with the site's picker: cookies rather than
    /// addresses, so every page, list and server function answers in them, with or without
    /// JavaScript, and a shared link opens in the reader's own language.
    pub fn language_name(&self) -> &'static str {
        if self.secure { "__Host-nexus-language" } else { "nexus-language" }
    }

    pub fn region_name(&self) -> &'static str {
        if self.secure { "__Host-nexus-region" } else { "nexus-region" }
    }

    /// `Set-Cookie` values that keep a chosen language and region for a year.
    pub fn keep_locale(&self, language: &str, region: &str) -> Vec<HeaderValue> {
        vec![
            self.cookie(self.language_name(), language, LOCALE_SECONDS),
            self.cookie(self.region_name(), region, LOCALE_SECONDS),
        ]
    }

    /// The locale for a request: the chosen language and region where they are offered ones,
    /// else what `Accept-Language` asks for, else English in the United States.
    pub fn locale(&self, headers: &HeaderMap) -> services::catalog::Locale {
        let accepted = headers.get(http::header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
        services::locale::negotiate(
            cookie_value(headers, self.language_name()).as_deref(),
            cookie_value(headers, self.region_name()).as_deref(),
            accepted,
        )
    }

    /// The tokens in a request's `Cookie` headers.
    pub fn read(&self, headers: &HeaderMap) -> BrowserTokens {
        BrowserTokens {
            access: cookie_value(headers, self.access_name()),
            refresh: cookie_value(headers, self.refresh_name()),
        }
    }

    fn cookie(&self, name: &'static str, value: &str, max_age_seconds: i64) -> HeaderValue {
        Cookie::build((name, value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .max_age(cookie::time::Duration::seconds(max_age_seconds))
            .build()
            .encoded()
            .to_string()
            .try_into()
            // Percent-encoding leaves only visible ASCII, so the header is always valid.
            .unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let now = chrono::Utc::now();
        Session {
            access: "a.b.c".into(),
            access_expires_at: now + chrono::Duration::minutes(15),
            refresh: "r3fr3sh".into(),
            refresh_expires_at: now + chrono::Duration::days(14),
        }
    }

    #[test]
    fn the_hide_preference_round_trips_and_clears() {
        let cookies = SessionCookies::new(false);
        let set = cookies.keep_hide_preference(api_types::HideMine::SEEN_OR_WATCHLISTED);
        let set = set.to_str().expect("ascii");
        assert!(
            set.starts_with("nexus-hide=seen%2Cwatchlist;") || set.starts_with("nexus-hide=seen,watchlist;"),
            "{set}"
        );
        assert!(set.contains("Max-Age=31536000") && set.contains("HttpOnly"), "{set}");
        let sent = set.split(';').next().expect("pair").to_owned();
        let headers = HeaderMap::from_iter([(http::header::COOKIE, HeaderValue::from_str(&sent).expect("valid"))]);
        assert_eq!(cookies.hide_preference(&headers), api_types::HideMine::SEEN_OR_WATCHLISTED);
        assert!(cookies.keep_hide_preference(Default::default()).to_str().expect("ascii").contains("Max-Age=0"));
        let garbled = HeaderMap::from_iter([(http::header::COOKIE, HeaderValue::from_static("nexus-hide=everything"))]);
        assert!(cookies.hide_preference(&garbled).is_empty());
        assert!(cookies.hide_preference(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn a_chosen_locale_round_trips_and_beats_the_browser_s() {
        let cookies = SessionCookies::new(false);
        let sent: Vec<String> = cookies
            .keep_locale("fr-FR", "CA")
            .iter()
            .map(|set| set.to_str().expect("ascii").split(';').next().expect("pair").to_owned())
            .collect();
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, HeaderValue::from_str(&sent.join("; ")).expect("valid"));
        headers.insert(http::header::ACCEPT_LANGUAGE, HeaderValue::from_static("de-DE"));
        let locale = cookies.locale(&headers);
        assert_eq!((locale.language.as_str(), locale.region.as_deref()), ("fr-FR", Some("CA")));
        headers.remove(http::header::COOKIE);
        assert_eq!(cookies.locale(&headers).language, "de-DE");
    }

    #[test]
    fn cookies_over_https_are_host_prefixed_and_secure() {
        let set = SessionCookies::new(true).set(&session());
        let access = set[0].to_str().unwrap_or_default();
        assert!(access.starts_with("__Host-nexus-access=a.b.c"), "{access}");
        for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(access.contains(flag), "{flag} missing from {access}");
        }
        assert!(!access.contains("Domain"), "{access}");
        let refresh = set[1].to_str().unwrap_or_default();
        assert!(refresh.starts_with("__Host-nexus-refresh=r3fr3sh"), "{refresh}");
        assert!(refresh.contains("Max-Age=1209"), "14 days: {refresh}");
    }

    #[test]
    fn cookies_over_plain_http_are_not_secure_but_still_http_only() {
        let set = SessionCookies::new(false).set(&session());
        let access = set[0].to_str().unwrap_or_default();
        assert!(access.starts_with("nexus-access="), "{access}");
        assert!(access.contains("HttpOnly") && access.contains("SameSite=Lax"), "{access}");
        assert!(!access.contains("Secure"), "{access}");
    }

    #[test]
    fn reading_finds_the_two_tokens_among_other_cookies() {
        let cookies = SessionCookies::new(false);
        let mut headers = HeaderMap::new();
        headers.append(http::header::COOKIE, HeaderValue::from_static("theme=dark; nexus-access=tok"));
        headers.append(http::header::COOKIE, HeaderValue::from_static("nexus-refresh=ref"));
        let tokens = cookies.read(&headers);
        assert_eq!(tokens.access.as_deref(), Some("tok"));
        assert_eq!(tokens.refresh.as_deref(), Some("ref"));
        // A secure deployment ignores the unprefixed names.
        assert_eq!(SessionCookies::new(true).read(&headers), BrowserTokens::default());
    }

    #[test]
    fn a_refused_email_comes_back_as_typed_and_only_for_a_while() {
        let cookies = SessionCookies::new(false);
        let typed = "Ana María; \"quoted\"@example.com";
        let kept = cookies.keep_refused_email(typed).expect("a short email is kept");
        let kept = kept.to_str().unwrap_or_default();
        assert!(kept.contains("HttpOnly") && kept.contains("Max-Age=300"), "{kept}");
        // The browser sends back the name=value part.
        let mut headers = HeaderMap::new();
        let pair = kept.split(';').next().unwrap_or_default();
        headers.append(http::header::COOKIE, HeaderValue::from_str(&format!("theme=dark; {pair}")).unwrap());
        assert_eq!(cookies.refused_email(&headers).as_deref(), Some(typed));
        assert!(cookies.keep_refused_email(&"a".repeat(255)).is_none());
        assert!(cookies.forget_refused_email().to_str().unwrap_or_default().contains("Max-Age=0"));
    }

    #[test]
    fn clearing_expires_both_cookies() {
        let cleared = SessionCookies::new(false).clear();
        assert!(cleared.iter().all(|c| c.to_str().unwrap_or_default().contains("Max-Age=0")));
    }
}
