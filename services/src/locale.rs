//! Which language and region a visitor gets: the ones they chose (the site's picker), or
//! what their browser asks for (`Accept-Language`), or English in the United States.
//!
//! The catalog takes any TMDb language tag; the picker offers the languages and regions below,
//! and a browser's preference is matched against the same lists, so what a page shows can
//! always be changed back with the picker.

use crate::catalog::{DEFAULT_LANGUAGE, Locale};

/// A language the picker offers: TMDb's tag and the language's name in itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    pub tag: &'static str,
    pub name: &'static str,
}

/// A region the picker offers: its ISO 3166-1 code and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
}

pub const LANGUAGES: &[Language] = &[
    Language { tag: "en-US", name: "English" },
    Language { tag: "de-DE", name: "Deutsch" },
    Language { tag: "es-ES", name: "Español" },
    Language { tag: "fr-FR", name: "Français" },
    Language { tag: "it-IT", name: "Italiano" },
    Language { tag: "ja-JP", name: "日本語" },
    Language { tag: "pt-BR", name: "Português (Brasil)" },
];

pub const REGIONS: &[Region] = &[
    Region { code: "AU", name: "Australia" },
    Region { code: "BR", name: "Brasil" },
    Region { code: "CA", name: "Canada" },
    Region { code: "DE", name: "Deutschland" },
    Region { code: "ES", name: "España" },
    Region { code: "FR", name: "France" },
    Region { code: "IN", name: "India" },
    Region { code: "IT", name: "Italia" },
    Region { code: "JP", name: "日本" },
    Region { code: "GB", name: "United Kingdom" },
    Region { code: "US", name: "United States" },
];

/// The region whose ratings and release dates a page shows when none was chosen.
pub const DEFAULT_REGION: &str = "US";

/// The offered language with this tag, or with this tag's language (`fr-CA` is `fr-FR`).
pub fn language(tag: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|language| language.tag.eq_ignore_ascii_case(tag)).or_else(|| {
        let primary = primary_subtag(tag);
        LANGUAGES.iter().find(|language| primary_subtag(language.tag).eq_ignore_ascii_case(primary))
    })
}

/// The offered language whose tag is exactly `tag`, as the picker sends it.
pub fn offered_language(tag: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|language| language.tag == tag)
}

/// The offered region whose code is exactly `code`, as the picker sends it.
pub fn offered_region(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|region| region.code == code)
}

/// The offered region with this code, whatever its case.
pub fn region(code: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|region| region.code.eq_ignore_ascii_case(code))
}

fn primary_subtag(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or_default()
}

/// True for every English (`en`, `en-GB`...): TMDb's English needs no fallback.
pub fn is_english(tag: &str) -> bool {
    primary_subtag(tag).eq_ignore_ascii_case("en")
}

/// The country of a tag like `en-GB`, if it names one.
pub fn country_of(tag: &str) -> Option<&str> {
    tag.split_once('-')
        .map(|(_, country)| country)
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
}

/// The locale for a visitor: their choice (`chosen_language`, `chosen_region`, from the
/// picker's cookies) where it names something offered, else their browser's
/// `Accept-Language`, else English and the United States. A browser's `fr-CA` gives French
/// and Canada; a plain `fr` gives French and the language's own country.
pub fn negotiate(chosen_language: Option<&str>, chosen_region: Option<&str>, accept_language: Option<&str>) -> Locale {
    let preferred = accept_language.and_then(preferred_by_browser);
    let language = chosen_language
        .and_then(offered_language)
        .or(preferred.map(|(language, _)| language))
        .map_or(DEFAULT_LANGUAGE, |language| language.tag);
    let region = chosen_region
        .and_then(offered_region)
        .or(preferred.and_then(|(_, region)| region))
        .or_else(|| country_of(language).and_then(region))
        .map_or(DEFAULT_REGION, |region| region.code);
    Locale { language: language.to_owned(), region: Some(region.to_owned()) }
}

/// The offered language the browser prefers most (highest `q`, then first listed), with the
/// region its tag names if that is offered.
fn preferred_by_browser(header: &str) -> Option<(&'static Language, Option<&'static Region>)> {
    /// A header longer than any browser sends is someone else's: ignore the rest.
    const MOST_RANGES: usize = 32;
    let mut best: Option<(u16, (&'static Language, Option<&'static Region>))> = None;
    for range in header.split(',').take(MOST_RANGES) {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let quality = parts
            .filter_map(|parameter| parameter.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        // Thousandths, as the header's grammar allows at most three decimals.
        let quality = (quality.clamp(0.0, 1.0) * 1000.0).round() as u16;
        if quality == 0 || tag == "*" {
            continue;
        }
        let Some(language) = language(tag) else { continue };
        let region = tag.split(['-', '_']).nth(1).and_then(region);
        if best.is_none_or(|(best_quality, _)| quality > best_quality) {
            best = Some((quality, (language, region)));
        }
    }
    best.map(|(_, choice)| choice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(language: &str, region: &str) -> Locale {
        Locale { language: language.to_owned(), region: Some(region.to_owned()) }
    }

    #[test]
    fn nothing_chosen_nothing_asked_is_english_in_the_united_states() {
        assert_eq!(negotiate(None, None, None), locale("en-US", "US"));
        assert_eq!(negotiate(None, None, Some("")), locale("en-US", "US"));
        assert_eq!(negotiate(None, None, Some("*")), locale("en-US", "US"));
    }

    #[test]
    fn the_browser_s_preference_picks_the_best_offered_language_and_its_region() {
        assert_eq!(negotiate(None, None, Some("fr-CA,fr;q=0.9,en;q=0.8")), locale("fr-FR", "CA"));
        assert_eq!(negotiate(None, None, Some("fr")), locale("fr-FR", "FR"));
        assert_eq!(negotiate(None, None, Some("en-GB,en;q=0.9")), locale("en-US", "GB"));
        // Quality beats order; unknown languages and q=0 are skipped.
        assert_eq!(negotiate(None, None, Some("de;q=0.5, fr;q=0.7")), locale("fr-FR", "FR"));
        assert_eq!(negotiate(None, None, Some("xx, fr;q=0, de;q=0.1")), locale("de-DE", "DE"));
        assert_eq!(negotiate(None, None, Some("tlh;q=1, garbage;;q=abc")), locale("en-US", "US"));
    }

    #[test]
    fn a_choice_beats_the_browser_and_an_unknown_choice_is_ignored() {
        assert_eq!(negotiate(Some("de-DE"), Some("GB"), Some("fr-FR")), locale("de-DE", "GB"));
        assert_eq!(negotiate(Some("fr-FR"), None, Some("en-AU")), locale("fr-FR", "AU"));
        assert_eq!(negotiate(Some("xx-XX"), Some("ZZ"), Some("fr-FR")), locale("fr-FR", "FR"));
        assert_eq!(negotiate(Some("en-US"), Some("US"), None), locale("en-US", "US"));
    }

    #[test]
    fn offered_languages_are_found_by_tag_or_language() {
        assert_eq!(language("fr-CA").map(|l| l.tag), Some("fr-FR"));
        assert_eq!(language("PT-br").map(|l| l.tag), Some("pt-BR"));
        assert_eq!(language("zz"), None);
        assert!(is_english("en-GB") && !is_english("fr-FR"));
        assert_eq!(country_of("en-GB"), Some("GB"));
        assert_eq!(country_of("en"), None);
        // Every offered tag is one the catalog accepts.
        for offered in LANGUAGES {
            assert!(crate::catalog::check_language(offered.tag).is_ok(), "{}", offered.tag);
        }
    }
}
