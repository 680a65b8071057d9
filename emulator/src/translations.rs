//! The catalog in French, as TMDb serves a translation: titles, overviews and genre names in
//! the language asked for where a translation exists, and where none does, the original title
//! with an empty overview and tagline (TMDb does not fall back to English; its clients must).
//!
//! French is the one other language here, so that a hub's language handling (its fallback to
//! English included) can be tested offline. Which films have a French translation is a fixed
//! rule, [`has_french_translation`], so tests can find both kinds.

use std::collections::HashMap;

use chrono::Datelike;

use crate::catalog::Movie;

/// French titles of films whose French release was retitled; the others keep their title.
const BUNDLED_FRENCH_TITLES: &str = include_str!("../catalog/titles.fr.json");

/// The language a request asked for (`language=`), as far as this catalog can serve it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    French,
    /// A language this catalog has no translation in: original titles, empty texts.
    Untranslated,
}

impl Language {
    /// TMDb's `language` parameter (`fr`, `fr-FR`, `fr-CA`...); English when absent.
    pub fn of(tag: Option<&str>) -> Self {
        match tag.map(|tag| tag.split('-').next().unwrap_or_default()) {
            None | Some("") | Some("en") => Self::English,
            Some("fr") => Self::French,
            Some(_) => Self::Untranslated,
        }
    }
}

/// TMDb's French genre names, by id.
const FRENCH_GENRES: &[(u32, &str)] = &[
    (28, "Action"),
    (12, "Aventure"),
    (16, "Animation"),
    (35, "Comédie"),
    (80, "Crime"),
    (99, "Documentaire"),
    (18, "Drame"),
    (10751, "Familial"),
    (14, "Fantastique"),
    (36, "Histoire"),
    (27, "Horreur"),
    (10402, "Musique"),
    (9648, "Mystère"),
    (10749, "Romance"),
    (878, "Science-Fiction"),
    (10770, "Téléfilm"),
    (53, "Thriller"),
    (10752, "Guerre"),
    (37, "Western"),
];

/// A genre's name in `language`; TMDb names every genre in every language it serves, and
/// English stands in for the rest here.
pub fn genre_name(id: u32, language: Language) -> Option<&'static str> {
    match language {
        Language::French => FRENCH_GENRES.iter().find(|(gid, _)| *gid == id).map(|(_, name)| *name),
        Language::English | Language::Untranslated => crate::catalog::genre_name(id),
    }
}

/// Every genre, in `language`.
pub fn genres(language: Language) -> Vec<(u32, &'static str)> {
    crate::catalog::GENRES.iter().filter_map(|(id, _)| Some((*id, genre_name(*id, language)?))).collect()
}

/// One film in seven has no French translation, as many films on TMDb have none in a given
/// language: their French overview is empty and a client must fall back to English.
pub fn has_french_translation(id: u64) -> bool {
    !id.is_multiple_of(7)
}

/// The French titles, read once.
pub fn bundled_french_titles() -> HashMap<u64, String> {
    let titles: HashMap<String, String> =
        serde_json::from_str(BUNDLED_FRENCH_TITLES).expect("the bundled French titles are valid JSON");
    titles.into_iter().filter_map(|(id, title)| Some((id.parse().ok()?, title))).collect()
}

/// A film's text in `language`.
pub struct Text<'a> {
    pub title: &'a str,
    pub overview: String,
    pub tagline: String,
}

pub fn text(movie: &Movie, language: Language) -> Text<'_> {
    match language {
        Language::English => {
            Text { title: &movie.title, overview: movie.overview.clone(), tagline: movie.tagline.clone() }
        }
        Language::French if has_french_translation(movie.id) => Text {
            title: movie.french_title.as_deref().unwrap_or(&movie.title),
            overview: french_overview(movie),
            // The data's taglines are its source ("Original Screenplay"): never translated.
            tagline: String::new(),
        },
        Language::French | Language::Untranslated => {
            Text { title: &movie.title, overview: String::new(), tagline: String::new() }
        }
    }
}

/// The English overview's facts, said in French.
fn french_overview(movie: &Movie) -> String {
    let genres: Vec<String> =
        movie.genre_ids.iter().filter_map(|id| genre_name(*id, Language::French)).map(str::to_lowercase).collect();
    let mut text = String::from("Film");
    if !genres.is_empty() {
        text.push_str(&format!(" ({})", genres.join(" / ")));
    }
    if let Some(day) = movie.release_date {
        text.push_str(&format!(" sorti en {}", day.year()));
    }
    if let Some(director) = &movie.director {
        text.push_str(&format!(", réalisé par {director}"));
    }
    text.push('.');
    if movie.budget > 0 && movie.revenue > 0 {
        text.push_str(&format!(
            " Budget : {} ; recettes dans le monde : {}.",
            french_dollars(movie.budget),
            french_dollars(movie.revenue)
        ));
    }
    text
}

fn french_dollars(amount: u64) -> String {
    match amount {
        a if a >= 1_000_000 => format!("{} millions de dollars", format!("{:.1}", a as f64 / 1e6).replace('.', ",")),
        a if a >= 1_000 => format!("{} milliers de dollars", a / 1_000),
        a => format!("{a} dollars"),
    }
}

/// A certification in another country's system, from the US rating the data has, by the
/// usual correspondence of the boards' age bands. TMDb lists each country's own rating; the
/// data has only the American one, so the others are derived, and approximate.
pub fn certification(us_rating: &str, country: &str) -> Option<&'static str> {
    const BANDS: &[(&str, [&str; 3])] = &[
        // US        GB     DE    FR
        ("G", ["U", "0", "U"]),
        ("PG", ["PG", "6", "U"]),
        ("PG-13", ["12A", "12", "U"]),
        ("R", ["15", "16", "12"]),
        ("NC-17", ["18", "18", "16"]),
    ];
    let column = match country {
        "GB" => 0,
        "DE" => 1,
        "FR" => 2,
        _ => return None,
    };
    BANDS.iter().find(|(us, _)| *us == us_rating).map(|(_, others)| others[column])
}

/// The countries [`certification`] knows besides the US.
pub const CERTIFYING_COUNTRIES: &[&str] = &["GB", "DE", "FR"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Catalog;

    #[test]
    fn a_language_tag_names_its_language_whatever_its_region() {
        assert_eq!(Language::of(None), Language::English);
        assert_eq!(Language::of(Some("en-GB")), Language::English);
        assert_eq!(Language::of(Some("fr")), Language::French);
        assert_eq!(Language::of(Some("fr-CA")), Language::French);
        assert_eq!(Language::of(Some("de-DE")), Language::Untranslated);
    }

    #[test]
    fn french_titles_and_overviews_where_translated_and_empty_texts_where_not() {
        let catalog = Catalog::bundled();
        let godfather = catalog.get(370).unwrap();
        let french = text(godfather, Language::French);
        assert_eq!(french.title, "Le Parrain");
        assert_eq!(
            french.overview,
            "Film (histoire) sorti en 1972, réalisé par Francis Ford Coppola. \
             Budget : 7,0 millions de dollars ; recettes dans le monde : 268,5 millions de dollars."
        );
        let dark_knight = catalog.get(1267).unwrap();
        assert!(!has_french_translation(dark_knight.id));
        let untranslated = text(dark_knight, Language::French);
        assert_eq!(untranslated.title, "The Dark Knight");
        assert_eq!(untranslated.overview, "");
        assert_eq!(text(dark_knight, Language::English).overview, dark_knight.overview);
    }

    #[test]
    fn every_genre_has_a_french_name_and_ratings_map_to_each_country() {
        assert_eq!(genres(Language::French).len(), crate::catalog::GENRES.len());
        assert_eq!(genre_name(878, Language::French), Some("Science-Fiction"));
        assert_eq!(certification("PG-13", "GB"), Some("12A"));
        assert_eq!(certification("R", "DE"), Some("16"));
        assert_eq!(certification("R", "JP"), None);
    }
}
