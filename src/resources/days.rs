//! The days and employees a listing of periods selects (attendances, absences), read
//! and checked before any request, with errors that name the argument at fault.

use chrono::NaiveDate;

use crate::error::{Error, Result};

/// A calendar day written `YYYY-MM-DD`.
pub fn day(argument: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid_argument(format!(
            "{argument} must be a date, as datetime.date or \"YYYY-MM-DD\", got {text:?}"
        ))
    })
}

/// Refuses what no API could answer: days backwards, an empty or a non-positive list
/// of employee ids.
pub fn check(start: NaiveDate, end: NaiveDate, employees: Option<&[i64]>) -> Result<()> {
    if start > end {
        return Err(Error::invalid_argument(format!(
            "start ({start}) is after end ({end}): give the first day, then the last"
        )));
    }
    match employees {
        Some([]) => Err(Error::invalid_argument(
            "employees is empty: pass None for everyone, or a list of employee ids",
        )),
        Some(ids) => match ids.iter().find(|id| **id <= 0) {
            Some(id) => Err(Error::invalid_argument(format!(
                "employees holds {id}: employee ids are positive integers"
            ))),
            None => Ok(()),
        },
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_their_argument() {
        let error = day("start", "2025-13-01").unwrap_err();
        assert!(
            error.to_string().starts_with("start must be a date"),
            "{error}"
        );
        let (first, last) = (
            day("a", "2025-12-01").unwrap(),
            day("b", "2025-12-31").unwrap(),
        );
        assert!(check(last, first, None)
            .unwrap_err()
            .to_string()
            .contains("after end"));
        assert!(check(first, last, Some(&[]))
            .unwrap_err()
            .to_string()
            .contains("employees is empty"));
        assert!(check(first, last, Some(&[3, 0])).is_err());
        assert!(check(first, first, Some(&[3])).is_ok());
    }
}
