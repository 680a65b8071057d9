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
