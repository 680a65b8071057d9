//! The language and region the catalog is shown in. A plain form, rendered on the server: it
//! posts, the choice is kept in cookies, and the page comes back in the new language, with or
//! without JavaScript. Until a choice is made, the browser's `Accept-Language` decides.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::codec::GetUrl;

use crate::AppError;
use crate::components::redirected_error;

/// The current language and region, and the ones on offer (tag or code, and name).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LocaleChoices {
    pub language: String,
    pub region: String,
    pub languages: Vec<(String, String)>,
    pub regions: Vec<(String, String)>,
}

#[server(input = GetUrl)]
pub async fn get_locale_choices() -> Result<LocaleChoices, AppError> {
    use services::locale::{DEFAULT_REGION, LANGUAGES, REGIONS};
    let locale = crate::server::locale();
    Ok(LocaleChoices {
        language: locale.language,
        region: locale.region.unwrap_or_else(|| DEFAULT_REGION.to_owned()),
        languages: LANGUAGES.iter().map(|l| (l.tag.to_owned(), l.name.to_owned())).collect(),
        regions: REGIONS.iter().map(|r| (r.code.to_owned(), r.name.to_owned())).collect(),
    })
}

/// Keeps the chosen language and region in this browser; only offered ones are kept.
#[server]
pub async fn set_locale(language: String, region: String) -> Result<(), AppError> {
    let offered = (services::locale::offered_language(&language), services::locale::offered_region(&region));
    let (Some(language), Some(region)) = offered else {
        return Err(AppError::invalid("Choose a language and a region from the lists"));
    };
    let services = crate::server::services()?;
    crate::server::set_cookies(services.cookies.keep_locale(language.tag, region.code));
    tracing::debug!(language = language.tag, region = region.code, "locale chosen");
    Ok(())
}

/// The picker, in the footer of every page.
#[component]
pub fn LocalePicker() -> impl IntoView {
    let choices = Resource::new(|| (), |_| get_locale_choices());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let choices = choices.await.ok()?;
                let refusal = redirected_error::<SetLocale>();
                let options = |offered: Vec<(String, String)>, current: String| {
                    offered
                        .into_iter()
                        .map(|(value, name)| {
                            let selected = value == current;
                            view! { <option value=value selected=selected>{name}</option> }
                        })
                        .collect_view()
                };
                Some(view! {
                    <form method="post" action=SetLocale::url() class="locale-picker" aria-label="Language and region">
                        <label>
                            "Language "
                            <select name="language" data-testid="language">
                                {options(choices.languages, choices.language)}
                            </select>
                        </label>
                        <label>
                            "Region "
                            <select name="region" data-testid="region">
                                {options(choices.regions, choices.region)}
                            </select>
                        </label>
                        <button type="submit">"Apply"</button>
                        {refusal.map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    </form>
                })
            })}
        </Suspense>
    }
}
