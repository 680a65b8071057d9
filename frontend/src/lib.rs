//! The WASM entry point: hydrates the server-rendered page.

// Leptos views are deeply nested types; computing their layout for hydration needs more than
// the default query depth.
#![recursion_limit = "256"]

use any_spawner::Executor;
use leptos::prelude::document;
use leptos::task::spawn_local;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // wasm-bindgen-futures drives the reactive system; an error only means it already does.
    let _ = Executor::init_wasm_bindgen();
    spawn_local(async {
        let Some(body) = document().body() else { return };
        // Asynchronous: each page's view is its own WASM chunk (see `app::pages`), fetched
        // before that page hydrates.
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        // Only now does every control on the page respond; tests (and CSS) wait for this mark.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
