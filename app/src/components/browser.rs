//! What islands need from the browser beyond Leptos: the address bar and plain clicks. The
//! islands keep the address in step with what they show, without a client-side router.

use leptos::ev::MouseEvent;
use leptos::prelude::*;

/// How an island records a new address for what it now shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    /// A new entry: the user chose it (Back returns to the previous one).
    Push,
    /// The same entry, updated: for every pause in typing, which would otherwise flood Back.
    Replace,
    /// The address is already right (the user went Back or Forward to it).
    Keep,
}

impl History {
    /// Puts `url` (a path on this site) in the address bar, as this says.
    pub fn apply(self, url: &str) {
        #[cfg(feature = "hydrate")]
        {
            let Ok(history) = leptos::prelude::window().history() else { return };
            let null = leptos::wasm_bindgen::JsValue::NULL;
            let _ = match self {
                Self::Push => history.push_state_with_url(&null, "", Some(url)),
                Self::Replace => history.replace_state_with_url(&null, "", Some(url)),
                Self::Keep => Ok(()),
            };
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = url;
    }
}

/// A click that should follow a link in place: the main button, with no key held to open it
/// in a new tab or window.
pub fn is_plain_click(event: &MouseEvent) -> bool {
    event.button() == 0 && !(event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key())
}

/// Calls `follow` whenever Back or Forward changes the address, with a way to read the new
/// address's query parameters (decoded; a repeated one's values joined by commas). Islands use it to show what the address says.
pub fn on_back_or_forward(follow: impl Fn(&dyn Fn(&str) -> Option<String>) + 'static) {
    // Never called on the server: listeners are only added in the browser.
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        #[cfg(feature = "hydrate")]
        let params = window()
            .location()
            .search()
            .ok()
            .and_then(|search| leptos::web_sys::UrlSearchParams::new_with_str(&search).ok());
        // Every value of a repeated parameter, joined by commas, as the pages read the address
        // on the server (a form without JavaScript repeats `genre` once per ticked box).
        #[cfg(feature = "hydrate")]
        follow(&|name| {
            let values: Vec<String> =
                params.as_ref()?.get_all(name).iter().filter_map(|value| value.as_string()).collect();
            (!values.is_empty()).then(|| values.join(","))
        });
        #[cfg(not(feature = "hydrate"))]
        follow(&|_| None);
    });
}

/// A value an island loads in the background, keeping only the answer to the latest request:
/// an answer that arrives after a newer request was made is dropped, so quick changes (typing,
/// switching back and forth) never end on a stale list.
pub struct Latest<T: Send + Sync + 'static> {
    value: RwSignal<T>,
    pending: RwSignal<bool>,
    generation: StoredValue<u64>,
}

impl<T: Send + Sync + 'static> Clone for Latest<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Latest<T> {}

impl<T: Clone + Send + Sync + 'static> Latest<T> {
    pub fn new(initial: T) -> Self {
        Self { value: RwSignal::new(initial), pending: RwSignal::new(false), generation: StoredValue::new(0) }
    }

    /// Starts loading; the answer replaces the value unless another request came after it.
    /// In the browser only: islands call this from event handlers.
    pub fn load(&self, request: impl Future<Output = T> + 'static) {
        let this = *self;
        let mine = this.next_generation();
        this.pending.set(true);
        leptos::task::spawn_local(async move {
            let answer = request.await;
            if this.generation.get_value() == mine {
                this.value.set(answer);
                this.pending.set(false);
            }
        });
    }

    /// Shows `value` now, dropping any answer still on its way.
    pub fn set(&self, value: T) {
        self.next_generation();
        self.value.set(value);
        self.pending.set(false);
    }

    pub fn get(&self) -> T {
        self.value.get()
    }

    /// Reads the value without subscribing to it (in event handlers).
    pub fn with_untracked<R>(&self, read: impl FnOnce(&T) -> R) -> R {
        self.value.with_untracked(read)
    }

    pub fn is_pending(&self) -> bool {
        self.pending.get()
    }

    fn next_generation(&self) -> u64 {
        self.generation.update_value(|generation| *generation += 1);
        self.generation.get_value()
    }
}
