use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// A readable error with a way to try again: a link that loads the same address again, so it
/// works without JavaScript too.
#[component]
pub fn ErrorNotice(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let messages: Vec<String> =
        errors.with_untracked(|errors| errors.iter().map(|(_, error)| error.to_string()).collect());
    let location = use_location();
    let search = location.search.get_untracked();
    let search = search.trim_start_matches('?');
    let again = if search.is_empty() {
        location.pathname.get_untracked()
    } else {
        format!("{}?{search}", location.pathname.get_untracked())
    };
    view! {
        <div class="error-notice" role="alert">
            <h2>"That did not work"</h2>
            <ul>{messages.into_iter().map(|message| view! { <li>{message}</li> }).collect_view()}</ul>
            <a class="button-link" href=again>"Try again"</a>
            <RequestReference/>
        </div>
    }
}

/// The id of the request this page answers (`X-Request-Id`), for an error page: a user who
/// reports the error can quote it, and it finds the request in the logs. Server-rendered
/// components only; islands' own requests have ids of their own.
#[component]
pub fn RequestReference() -> impl IntoView {
    current_request_id().map(|id| {
        view! { <p class="request-reference">"If you report this, quote the reference " <code>{id}</code> "."</p> }
    })
}

fn current_request_id() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<http::request::Parts>()?;
        parts.headers.get("x-request-id")?.to_str().ok().map(str::to_owned)
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// The same notice inside an island, for a request the island made itself; `retry` sends it
/// again.
#[component]
pub fn ErrorText(message: String, retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="error-notice" role="alert">
            <h2>"That did not work"</h2>
            <ul><li>{message}</li></ul>
            <button type="button" on:click=move |_| retry.run(())>"Try again"</button>
        </div>
    }
}
