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
