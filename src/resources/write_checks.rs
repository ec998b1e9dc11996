//! The checks every write makes of its arguments before anything is sent, and how it
//! reads the id Personio answers with.

use chrono::{NaiveDate, NaiveTime};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::transport::{Request, Response};

/// `text` if it is a `YYYY-MM-DD` date, else [`Error::InvalidArgument`] naming `field`.
pub fn day(field: &str, text: &str) -> Result<String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .map(|_| text.to_string())
        .ok_or_else(|| {
            Error::invalid_argument(format!(
                "{field} must be a date \"YYYY-MM-DD\", got {text:?}"
            ))
        })
}

/// `text` if it is an `hh:mm` time, else [`Error::InvalidArgument`] naming `field`.
pub fn clock(field: &str, text: &str) -> Result<String> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .ok()
        .filter(|_| text.len() == 5)
        .map(|_| text.to_string())
        .ok_or_else(|| {
            Error::invalid_argument(format!("{field} must be a time \"hh:mm\", got {text:?}"))
        })
}

/// `text` unless it is blank, else [`Error::InvalidArgument`] naming `field`.
pub fn filled(field: &str, text: &str) -> Result<String> {
    if text.trim().is_empty() {
        return Err(Error::invalid_argument(format!(
            "{field} must not be empty"
        )));
    }
    Ok(text.to_string())
}

/// The integer at `pointer` of a successful write's answer (`/data/id`).
pub fn answered_id(request: &Request, response: &Response, pointer: &str) -> Result<i64> {
    let json = response.json(request)?;
    json.pointer(pointer)
        .and_then(|id| id.as_i64().or_else(|| id.as_str()?.parse().ok()))
        .filter(|_| json.get("success") != Some(&Value::Bool(false)))
        .ok_or_else(|| request.invalid_response(format!("the answer has no id at {pointer}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_checked_before_sending() {
        assert_eq!(day("start_date", "2026-02-03").unwrap(), "2026-02-03");
        assert!(day("start_date", "2026-2-3").is_err());
        assert!(day("start_date", "03.02.2026").is_err());
        assert_eq!(clock("start_time", "08:30").unwrap(), "08:30");
        assert!(clock("start_time", "8:30").is_err());
        assert!(clock("start_time", "25:00").is_err());
        assert!(filled("email", " ").is_err());
    }
}
