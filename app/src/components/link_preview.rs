//! What a shared link and a crawler see of a page: a canonical address, and OpenGraph and
//! Twitter tags (title, description; the movie page adds its poster).

use leptos::prelude::*;
use leptos_meta::{Link, Meta};

/// `path` on this site as an absolute address (`PUBLIC_URL` + path), for canonical links and
/// link previews, which crawlers need absolute. Pages render on the server only.
pub fn absolute_url(path: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    return crate::server::services()
        .ok()
        .map(|services| format!("{}{path}", services.public_url.trim_end_matches('/')));
    #[cfg(not(feature = "ssr"))]
    {
        let _ = path;
        None
    }
}

/// The preview of a page that is not about one movie: a list, Discover, a search.
#[component]
pub fn LinkPreview(title: String, description: String, path: String) -> impl IntoView {
    let address = absolute_url(&path);
    view! {
        {address.clone().map(|address| view! { <Link rel="canonical" href=address/> })}
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content="Nexus"/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        {address.map(|address| view! { <Meta property="og:url" content=address/> })}
        <Meta property="og:image" content=absolute_url("/icon-512.png").unwrap_or_default()/>
        <Meta name="twitter:card" content="summary"/>
    }
}
