//! The WASM entry point: hydrates the server-rendered page.

// Leptos views are deeply nested types; computing their layout for hydration needs more than
// the default query depth.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
