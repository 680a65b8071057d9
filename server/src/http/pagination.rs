//! Absolute `next` / `previous` links for list responses.

use api_types::Page;

/// Fills `next` and `previous` with absolute URLs that keep every other parameter of the
/// request's `query`, in the client's order.
pub fn with_links<T>(mut list: Page<T>, public_url: &str, path: &str, query: Option<&str>) -> Page<T> {
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(name, _)| name != "page")
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let link = |page: u32| {
        let mut pairs: Vec<(&str, String)> = kept.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        pairs.push(("page", page.to_string()));
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        format!("{public_url}{path}?{}", query.join("&"))
    };
    list.next = (list.page < list.total_pages).then(|| link(list.page + 1));
    list.previous = (list.page > 1).then(|| link((list.page - 1).min(list.total_pages.max(1))));
    list
}

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(page: u32, total_pages: u32) -> Page<u8> {
        Page { count: 100, next: None, previous: None, page, total_pages, results: vec![] }
    }

    #[test]
    fn links_are_absolute_keep_other_parameters_and_stop_at_the_ends() {
        let list = with_links(page(2, 5), "http://h", "/api/x/", Some("window=week&page=2"));
        assert_eq!(list.next.as_deref(), Some("http://h/api/x/?window=week&page=3"));
        assert_eq!(list.previous.as_deref(), Some("http://h/api/x/?window=week&page=1"));
        let first = with_links(page(1, 5), "http://h", "/api/x/", None);
        assert_eq!(first.previous, None);
        let last = with_links(page(5, 5), "http://h", "/api/x/", None);
        assert_eq!(last.next, None);
    }

    #[test]
    fn query_values_are_percent_encoded() {
        let list = with_links(page(1, 2), "http://h", "/s/", Some("q=a+b%26c"));
        assert_eq!(list.next.as_deref(), Some("http://h/s/?q=a%20b%26c&page=2"));
    }
}
