//! Light and dark themes. The OS preference rules until the user picks one; the pick is kept in
//! a cookie, so the server renders the page in it (no flash, no script needed) and the switch
//! works as a plain form without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use crate::AppError;

const THEME_COOKIE: &str = "theme";

/// The `Set-Cookie` (or `document.cookie`) text that remembers `theme` for a year. Not
/// `HttpOnly`: a preference, not a secret, and the hydrated switch writes it itself.
fn theme_cookie(theme: Theme) -> String {
    format!("{THEME_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", theme.as_str())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the operating system.
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    pub fn parse(value: &str) -> Self {
        match value {
            "light" => Self::Light,
            "dark" => Self::Dark,
            _ => Self::System,
        }
    }

    /// The theme the page is rendered in, from the request's cookie (on the server; the
    /// browser learns it from the page).
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| crate::server::session::cookie_value(&parts.headers, THEME_COOKIE))
                .map(|theme| Self::parse(&theme))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        Self::default()
    }
}

/// Remembers the theme for a year: the switch's form without JavaScript.
#[server]
pub async fn set_theme(theme: Theme) -> Result<Theme, AppError> {
    let value = http::HeaderValue::from_str(&theme_cookie(theme)).map_err(|_| AppError::internal())?;
    crate::server::set_cookies([value]);
    Ok(theme)
}

/// Keeps the choice in the browser's cookie, where the server reads it: no request, so nothing
/// can fail and leave the next page in the previous theme.
#[cfg(feature = "hydrate")]
fn remember(theme: Theme) {
    use leptos::wasm_bindgen::JsCast;
    if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = document.set_cookie(&theme_cookie(theme));
    }
}

#[cfg(not(feature = "hydrate"))]
fn remember(_theme: Theme) {}

/// Three buttons: Auto, Light, Dark. An island: the page switches at once and the cookie keeps
/// the choice. Without JavaScript the form posts and the page comes back in the new theme.
#[island]
pub fn ThemeSwitch(initial: Theme) -> impl IntoView {
    let theme = RwSignal::new(initial);
    let button = move |value: Theme, label: &'static str| {
        let choose = move |event: leptos::ev::MouseEvent| {
            event.prevent_default();
            theme.set(value);
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("data-theme", value.as_str());
            }
            remember(value);
        };
        view! {
            <button type="submit" name="theme" value=value.as_str() aria-pressed=move || (theme.get() == value).to_string() on:click=choose>
                {label}
            </button>
        }
    };
    view! {
        <form method="post" action=SetTheme::url() class="theme-switch" aria-label="Colour theme">
            {button(Theme::System, "Auto")}
            {button(Theme::Light, "Light")}
            {button(Theme::Dark, "Dark")}
        </form>
    }
}
