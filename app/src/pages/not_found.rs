use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::components::RequestReference;

/// Any path no route matches; answered with status 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Page not found"/>
        <Meta name="description" content="There is nothing at this address."/>
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <a href="/">"Back to trending movies"</a>
            <RequestReference/>
        </section>
    }
}
