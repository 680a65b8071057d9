//! The WASM entry point. The page is server-rendered HTML; only its islands (the components
//! marked `#[island]` in `app`) are hydrated, each from the props the server wrote beside it.

use std::time::Duration;

use leptos::prelude::{document, set_timeout, window};

// The islands are exported from `app` (one `#[wasm_bindgen]` function each); Leptos' island
// script finds them by name in this module once `hydrate` has returned.
#[allow(unused_imports)]
use app::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Signing in, registering and signing out answer with a redirect (to `next`, or home):
    // follow it with a page load, so every part of the page renders the new session.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = window().location().set_href(location);
    });
    leptos::mount::hydrate_islands();
    // The island script hydrates every island right after this returns, one after another on
    // the microtask queue, so a task queued now runs once they all have. Tests (and CSS) wait
    // for this mark before they use a control that needs the WASM.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        Duration::ZERO,
    );
}
