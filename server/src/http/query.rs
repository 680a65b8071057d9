//! Query-string parsing shared by the REST handlers.

use std::collections::HashMap;

use super::error::ApiError;

/// An optional query parameter, parsed; a bad value (an empty one included: `?page=` is not
/// "no page") is an error naming the parameter.
pub fn param<T: std::str::FromStr>(
    params: &HashMap<String, String>,
    name: &str,
    expected: &str,
) -> Result<Option<T>, ApiError> {
    match params.get(name).map(|raw| raw.trim()) {
        None => Ok(None),
        Some(raw) => raw.parse::<T>().map(Some).map_err(|_| ApiError::invalid(name, expected)),
    }
}

/// An optional whole-number parameter that must lie in `range`; a value outside it is an error
/// naming the parameter and the range.
pub fn bounded(
    params: &HashMap<String, String>,
    name: &str,
    range: std::ops::RangeInclusive<u32>,
) -> Result<Option<u32>, ApiError> {
    let message = format!("must be a whole number from {} to {}", range.start(), range.end());
    match param::<u32>(params, name, &message)? {
        Some(value) if !range.contains(&value) => Err(ApiError::invalid(name, message)),
        other => Ok(other),
    }
}

/// The most pages a client may ask for of a user's lists; far beyond any real list, and inside
/// a 32-bit integer as the OpenAPI document promises.
pub const MAX_PAGE: u32 = 10_000;

/// A whole-number parameter from 1 to `max`, or `default` when absent.
pub fn number(params: &HashMap<String, String>, name: &str, default: u32, max: u32) -> Result<u32, ApiError> {
    Ok(bounded(params, name, 1..=max)?.unwrap_or(default))
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

    #[test]
    fn path_ids_are_positive_whole_numbers_however_spelled() {
        assert_eq!(path_id("321", "id").ok(), Some(321));
        assert_eq!(path_id("321.0", "id").ok(), Some(321));
        for bad in ["0", "-3", "3.5", "abc", "", "NaN", "inf", "9223372036854775808", "1e300"] {
            assert!(path_id(bad, "id").is_err(), "{bad}");
        }
    }
}
