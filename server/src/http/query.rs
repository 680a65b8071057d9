//! Query strings: typed structs, parsed by [`ApiQuery`] (the twin of `ApiJson`), whose refusals
//! name the parameter in the API's error shape. The same structs describe the parameters in
//! the OpenAPI document (`IntoParams`), so what is parsed and what is documented are one
//! declaration. A handler takes one `ApiQuery` per group it reads (the page, the locale, what
//! to hide, its own filters); each ignores the others' parameters.

use std::str::FromStr;

use api_types::{DiscoverSort, HideMine, RatingsSort, TrendingWindow};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use services::catalog::Locale;
use services::library::MAX_PAGE_SIZE;
use utoipa::IntoParams;

use super::error::ApiError;

/// A query string parsed into `T`; a value that does not parse is a 400 `invalid_parameter`
/// naming the parameter. Unknown parameters are ignored.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse(parts.uri.query().unwrap_or_default()).map(Self)
    }
}

/// `query` (without the `?`) parsed into `T`, as [`ApiQuery`] does.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let parameter = match error.path().to_string() {
            // A refusal of the whole query (a repeated parameter names itself in the message).
            root if root == "." => "query".to_owned(),
            parameter => parameter,
        };
        ApiError::invalid(parameter, error.into_inner().to_string())
    })
}

/// The parameter's text, trimmed: `?page= 2` is page 2, and `?page=` is not "no page" but an
/// invalid one, like every empty value.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(String::deserialize(deserializer)?.trim().to_owned())
}

/// A whole number from `MIN` to `MAX`.
fn whole<'de, D: Deserializer<'de>, const MIN: u32, const MAX: u32>(deserializer: D) -> Result<Option<u32>, D::Error> {
    text(deserializer)?
        .parse::<u32>()
        .ok()
        .filter(|value| (MIN..=MAX).contains(value))
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("must be a whole number from {MIN} to {MAX}")))
}

/// A year; the catalog checks it is one it has films for.
fn year<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    text(deserializer)?.parse().map(Some).map_err(|_| D::Error::custom("must be a year such as 1999"))
}

/// A rating; the catalog checks it is from 0 to 10.
fn rating<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    text(deserializer)?.parse().map(Some).map_err(|_| D::Error::custom("must be a number from 0 to 10"))
}

/// Comma-separated TMDb ids (`525,138`), exactly as the documented pattern spells them (no
/// spaces, no leading zeros); the catalog bounds how many.
fn ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u64>, D::Error> {
    let id = |part: &str| {
        let spelled = part.starts_with(|c: char| matches!(c, '1'..='9')) && part.bytes().all(|b| b.is_ascii_digit());
        spelled.then(|| part.parse::<u64>().ok()).flatten().filter(|id| *id <= i64::MAX as u64)
    };
    String::deserialize(deserializer)?
        .split(',')
        .map(id)
        .collect::<Option<Vec<u64>>>()
        .ok_or_else(|| D::Error::custom("must be TMDb person ids separated by commas, such as 525,138"))
}

/// One of a type's names; its refusal lists the choices.
fn named<'de, D: Deserializer<'de>, T: FromStr<Err = String>>(deserializer: D) -> Result<Option<T>, D::Error> {
    text(deserializer)?.parse().map(Some).map_err(D::Error::custom)
}

/// The most pages a client may ask for of a user's lists; far beyond any real list, and inside
/// a 32-bit integer as the OpenAPI document promises.
pub const MAX_PAGE: u32 = 10_000;

/// `?page=` of a catalog list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From 1; TMDb serves at most 500 pages.
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "whole::<_, 1, 500>")]
    pub page: Option<u32>,
}

impl PageQuery {
    pub fn number(&self) -> u32 {
        self.page.unwrap_or(1)
    }
}

/// `?page=&page_size=` of one of the user's lists.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserPageQuery {
    /// From 1.
    #[param(minimum = 1, maximum = 10000)]
    #[serde(default, deserialize_with = "whole::<_, 1, MAX_PAGE>")]
    pub page: Option<u32>,
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    #[serde(default, deserialize_with = "whole::<_, 1, MAX_PAGE_SIZE>")]
    pub page_size: Option<u32>,
}

/// `?page=` of "For you", whose pages have a fixed size.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForYouPageQuery {
    /// From 1.
    #[param(minimum = 1, maximum = 10000)]
    #[serde(default, deserialize_with = "whole::<_, 1, MAX_PAGE>")]
    pub page: Option<u32>,
}

/// `?language=&region=`: the locale of titles, overviews, ratings and release dates. Read
/// with [`ApiLocale`], which falls back on `Accept-Language`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocaleQuery {
    /// A language tag such as `en` or `fr-FR`. Without it, the best of the site's languages
    /// for the request's `Accept-Language`, else `en-US`; the answer's `Content-Language` says
    /// which. Where TMDb has no translation of an overview, the English one is given.
    #[param(pattern = "^[a-z]{2}(-[A-Z]{2})?$", example = "en-US")]
    pub language: Option<String>,
    /// A two-letter country code such as `US`: lists keep to its releases, and a movie's
    /// `certification` is its rating there (default: the language's country, else `US`).
    #[param(pattern = "^[A-Z]{2}$", example = "US")]
    pub region: Option<String>,
}

/// `?language=` alone, read with [`ApiLanguage`].
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LanguageQuery {
    /// A language tag such as `en` or `fr-FR`. Without it, the best of the site's languages
    /// for the request's `Accept-Language`, else `en-US`. Untranslated texts are given in
    /// English.
    #[param(pattern = "^[a-z]{2}(-[A-Z]{2})?$", example = "en-US")]
    pub language: Option<String>,
}

/// The locale a catalog request asks for ([`LocaleQuery`]), checked by the catalog.
pub struct ApiLocale(pub Locale);

impl<S: Send + Sync> FromRequestParts<S> for ApiLocale {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiQuery(query) = ApiQuery::<LocaleQuery>::from_request_parts(parts, state).await?;
        let language = requested_language(query.language, &parts.headers);
        Ok(Self(services::catalog::locale(&language, query.region.as_deref())?))
    }
}

/// The language alone ([`LanguageQuery`], for routes without a region), checked by the
/// catalog; like [`ApiLocale`], `Accept-Language` decides when `?language=` is absent.
pub struct ApiLanguage(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ApiLanguage {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiQuery(query) = ApiQuery::<LanguageQuery>::from_request_parts(parts, state).await?;
        let language = requested_language(query.language, &parts.headers);
        services::catalog::check_language(&language)?;
        Ok(Self(language))
    }
}

/// The language a catalog request asks for: `?language=` (`asked`), else the one
/// `Accept-Language` picks. Unchecked: the extractors check it, and `Content-Language` names it.
pub fn requested_language(asked: Option<String>, headers: &HeaderMap) -> String {
    asked.unwrap_or_else(|| accepted_language(headers))
}

/// The site's language that best suits the request's `Accept-Language` (`en-US` without one).
pub fn accepted_language(headers: &HeaderMap) -> String {
    let accepted = headers.get(header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
    services::locale::negotiate(None, None, accepted).language
}

/// `?hide=`: leave out movies the signed-in user has already seen or saved.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HideQuery {
    /// Comma-separated, any of `seen`, `watchlist`, `favorites`, `not_interested`; needs a
    /// bearer token. Hidden movies are taken out of the page as the catalog numbers it, so page
    /// numbers and totals stay the catalog's and a page may hold fewer movies.
    #[param(
        value_type = Option<String>,
        pattern = "^(seen|watchlist|favorites|not_interested)(,(seen|watchlist|favorites|not_interested))*$",
        example = "seen,watchlist"
    )]
    #[serde(default, deserialize_with = "named")]
    pub hide: Option<HideMine>,
}

/// `?window=` of trending.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendingQuery {
    /// `day` (default) or `week`.
    #[param(value_type = Option<TrendingWindow>)]
    #[serde(default, deserialize_with = "named")]
    pub window: Option<TrendingWindow>,
}

/// `?q=&year=` of search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words of the title: 1 to 200 characters, not only spaces. Missing, it is refused like
    /// an empty one.
    #[param(required = true, min_length = 1, max_length = 200, pattern = r"\S")]
    #[serde(default)]
    pub q: String,
    /// Release year.
    #[param(minimum = 1870, maximum = 2100)]
    #[serde(default, deserialize_with = "year")]
    pub year: Option<i32>,
}

/// `?q=` of people search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleSearchQuery {
    /// Words of the name: 1 to 200 characters, not only spaces. Missing, it is refused like
    /// an empty one.
    #[param(required = true, min_length = 1, max_length = 200, pattern = r"\S")]
    #[serde(default)]
    pub q: String,
}

/// The filters of discover.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiscoverQuery {
    /// Genre ids or names, comma-separated; a movie must have all (see `/api/genres/`).
    pub genre: Option<String>,
    /// Released in or after.
    #[param(minimum = 1870, maximum = 2100)]
    #[serde(default, deserialize_with = "year")]
    pub year_from: Option<i32>,
    /// Released in or before.
    #[param(minimum = 1870, maximum = 2100)]
    #[serde(default, deserialize_with = "year")]
    pub year_to: Option<i32>,
    /// Minimum average rating.
    #[param(minimum = 0, maximum = 10)]
    #[serde(default, deserialize_with = "rating")]
    pub min_rating: Option<f64>,
    /// Minimum number of votes (default 200 when sorting by rating).
    #[param(maximum = 100000000)]
    #[serde(default, deserialize_with = "whole::<_, 0, 100_000_000>")]
    pub min_votes: Option<u32>,
    /// TMDb person ids, comma-separated (at most 10): a movie must have every one of them in
    /// its cast or crew (see `/api/people/search/`).
    #[param(value_type = Option<String>, pattern = "^[1-9][0-9]{0,18}(,[1-9][0-9]{0,18}){0,9}$", example = "525")]
    #[serde(default, deserialize_with = "ids")]
    pub with_people: Vec<u64>,
    /// Order of the results (default `popularity`).
    #[param(value_type = Option<DiscoverSort>)]
    #[serde(default, deserialize_with = "named")]
    pub sort: Option<DiscoverSort>,
}

/// `?sort=` of the seen list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatingsQuery {
    /// `newest` (default) or `rating`.
    #[param(value_type = Option<RatingsSort>)]
    #[serde(default, deserialize_with = "named")]
    pub sort: Option<RatingsSort>,
}

/// A movie id in a path: a positive whole number that fits the stores' signed 64-bit integers.
/// JSON Schema's integers include `321.0`, and clients generated from the OpenAPI document may
/// spell a whole number that way, so that spelling is accepted too.
pub fn path_id(raw: &str, name: &str) -> Result<u64, ApiError> {
    let max = i64::MAX as u64;
    let whole = raw.parse::<u64>().ok().or_else(|| {
        raw.parse::<f64>()
            .ok()
            .filter(|value| value.is_finite() && value.fract() == 0.0 && *value >= 1.0 && *value < max as f64)
            .map(|value| value as u64)
    });
    whole.filter(|id| (1..=max).contains(id)).ok_or_else(|| ApiError::invalid(name, "must be a positive whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal<T: DeserializeOwned + std::fmt::Debug>(query: &str) -> String {
        match parse::<T>(query) {
            Err(ApiError::Failure(failure)) => failure.message,
            other => panic!("{query}: expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn path_ids_are_positive_whole_numbers_however_spelled() {
        assert_eq!(path_id("321", "id").ok(), Some(321));
        assert_eq!(path_id("321.0", "id").ok(), Some(321));
        for bad in ["0", "-3", "3.5", "abc", "", "NaN", "inf", "9223372036854775808", "1e300"] {
            assert!(path_id(bad, "id").is_err(), "{bad}");
        }
    }

    #[test]
    fn typed_queries_parse_and_name_what_they_refuse() {
        let page: UserPageQuery = parse("page=3&page_size=%2050&other=x").expect("valid");
        assert_eq!((page.page, page.page_size), (Some(3), Some(50)));
        assert_eq!(parse::<UserPageQuery>("").expect("valid").page, None);
        assert_eq!(
            refusal::<UserPageQuery>("page=0"),
            "Invalid value for `page`: must be a whole number from 1 to 10000."
        );
        assert_eq!(refusal::<PageQuery>("page="), "Invalid value for `page`: must be a whole number from 1 to 500.");
        assert_eq!(refusal::<PageQuery>("page=2&page=3"), "Invalid value for `query`: duplicate field `page`.");
        let discover: DiscoverQuery = parse("genre=Drama&year_from=1990&min_rating=7.5&sort=rating").expect("valid");
        assert_eq!(
            (discover.year_from, discover.min_rating, discover.sort),
            (Some(1990), Some(7.5), Some(DiscoverSort::Rating))
        );
        assert!(refusal::<DiscoverQuery>("sort=best").contains("`sort`"));
        assert_eq!(parse::<DiscoverQuery>("with_people=525,138").expect("valid").with_people, [525, 138]);
        assert!(parse::<DiscoverQuery>("").expect("valid").with_people.is_empty());
        for bad in ["", "0", "05", " 5", "5,", "a", "5;6", "9223372036854775808"] {
            let query = format!("with_people={}", bad.replace(' ', "%20"));
            assert!(refusal::<DiscoverQuery>(&query).contains("`with_people`"), "{bad}");
        }
        assert!(refusal::<HideQuery>("hide=seen,watched").contains("`watched`"));
        assert_eq!(
            parse::<HideQuery>("hide=seen").expect("valid").hide,
            Some(HideMine { seen: true, ..Default::default() })
        );
        assert!(refusal::<TrendingQuery>("window=month").contains("`day` or `week`"));
    }
}
