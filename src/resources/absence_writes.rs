//! Day-based absences written through v1 (`POST /v1/company/time-offs`, form-encoded as
//! the spec's `CreateTimeOffPeriodRequest`; `DELETE /v1/company/time-offs/{id}`).
//!
//! Neither is sent twice unless it cannot have been applied (see `http`): Personio
//! takes no idempotency key, so a lost answer is an error, never a second absence.

use reqwest::Method;

use super::write_checks::{answered_id, day};
use crate::error::{Error, Result};
use crate::transport::{Api, Body, Request, Transport};

const TIME_OFFS_PATH: &str = "/v1/company/time-offs";

/// A day-based absence to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewAbsence {
    /// The employee's v1 id.
    pub employee_id: i64,
    /// The v1 time-off type id (a type counted in days).
    pub time_off_type_id: i64,
    /// First day, `YYYY-MM-DD`.
    pub start_date: String,
    /// Last day (included), `YYYY-MM-DD`.
    pub end_date: String,
    /// Only the afternoon of the first day is off.
    pub half_day_start: bool,
    /// Only the morning of the last day is off.
    pub half_day_end: bool,
    /// Optional comment.
    pub comment: Option<String>,
}

impl NewAbsence {
    /// The form the spec describes. Booleans go as `1`/`0`: a form carries text, and
    /// Personio's validation takes `1`/`0` (not `true`) as booleans.
    fn form(&self) -> Result<Vec<(String, String)>> {
        let start = day("start_date", &self.start_date)?;
        let end = day("end_date", &self.end_date)?;
        if end < start {
            return Err(Error::invalid_argument(format!(
                "end_date {end} is before start_date {start}"
            )));
        }
        let flag = |on: bool| if on { "1" } else { "0" }.to_string();
        let mut form = vec![
            ("employee_id".to_string(), self.employee_id.to_string()),
            (
                "time_off_type_id".to_string(),
                self.time_off_type_id.to_string(),
            ),
            ("start_date".to_string(), start),
            ("end_date".to_string(), end),
            ("half_day_start".to_string(), flag(self.half_day_start)),
            ("half_day_end".to_string(), flag(self.half_day_end)),
        ];
        if let Some(comment) = &self.comment {
            form.push(("comment".to_string(), comment.clone()));
        }
        Ok(form)
    }
}

/// Creates the absence; its id.
pub async fn create_absence(transport: &Transport, absence: &NewAbsence) -> Result<i64> {
    let request = Request::write(Method::POST, TIME_OFFS_PATH, Body::Form(absence.form()?));
    let response = transport.execute(&request, Some(Api::V1)).await?;
    answered_id(&request, &response, "/data/attributes/id")
}

/// Deletes the absence `id`.
pub async fn delete_absence(transport: &Transport, id: i64) -> Result<()> {
    let request = Request::write(
        Method::DELETE,
        format!("{TIME_OFFS_PATH}/{id}"),
        Body::Empty,
    );
    transport.execute(&request, Some(Api::V1)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_the_specs() {
        let absence = NewAbsence {
            employee_id: 7,
            time_off_type_id: 4101,
            start_date: "2026-02-02".into(),
            end_date: "2026-02-04".into(),
            half_day_start: true,
            half_day_end: false,
            comment: None,
        };
        let form = absence.form().unwrap();
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("employee_id", "7"),
                ("time_off_type_id", "4101"),
                ("start_date", "2026-02-02"),
                ("end_date", "2026-02-04"),
                ("half_day_start", "1"),
                ("half_day_end", "0"),
            ]
        );
        let backwards = NewAbsence {
            end_date: "2026-02-01".into(),
            ..absence
        };
        assert!(backwards.form().is_err());
    }
}
