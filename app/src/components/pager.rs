use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `?page=` of the current address, defaulting to the first.
pub fn use_page_number() -> Memo<u32> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("page").and_then(|p| p.parse().ok()).filter(|p| *p > 0).unwrap_or(1)))
}

/// "Previous · Page 2 of 9 · Next": plain links, so paging works without JavaScript and every
/// page has its own address.
#[component]
pub fn Pager(page: u32, total_pages: u32, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    let previous = (page > 1).then(|| href(page - 1));
    let next = (page < total_pages).then(|| href(page + 1));
    (total_pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {match previous {
                    Some(url) => Either::Left(view! { <a href=url rel="prev">"← Previous"</a> }),
                    None => Either::Right(view! { <span class="pager-spacer" aria-hidden="true"></span> }),
                }}
                <span class="muted">{format!("Page {page} of {total_pages}")}</span>
                {match next {
                    Some(url) => Either::Left(view! { <a href=url rel="next">"Next →"</a> }),
                    None => Either::Right(view! { <span class="pager-spacer" aria-hidden="true"></span> }),
                }}
            </nav>
        }
    })
}

/// A form's error, announced to screen readers.
#[component]
pub fn FormError(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|message| view! { <p class="form-error" role="alert" data-testid="form-error">{message}</p> })
    }
}

/// The refusal of server function `S` that a form posted without JavaScript was redirected back
/// with (`?__err=`), for an island to start from: islands cannot read the URL's error.
pub fn redirected_error<S>() -> Option<String>
where
    S: leptos::server_fn::ServerFn<Error = crate::AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    ServerAction::<S>::new().value().with_untracked(|value| match value {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    })
}

/// `a=b&c=d` query strings for links built from form values.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> String {
    pairs
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", encode_query_value(&value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value the way HTML forms do (`application/x-www-form-urlencoded`).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(byte as char),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded_like_a_form_would() {
        assert_eq!(encode_query_value("Amélie & co"), "Am%C3%A9lie+%26+co");
        assert_eq!(
            query_string([("q", "a b".to_owned()), ("page", "2".to_owned()), ("empty", String::new())]),
            "q=a+b&page=2"
        );
    }
}
