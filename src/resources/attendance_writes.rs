//! Attendances written through v1: `POST /v1/company/attendances` (a batch, the spec's
//! `AttendanceCreateRequest`) and `DELETE /v1/company/attendances/{id}`.
//!
//! The batch may partly succeed: Personio then answers 400 with a `detailed_message`
//! holding, row by row, `success`, `error_msg` and the `id` of each period created.
//! That answer is the result, not a failure: every row comes back with its outcome
//! (`row`, `status` ok/error, `id`, `error`), so nothing created goes unseen. A 400
//! without row outcomes refused the whole batch and is an error.
//!
//! Neither write is sent twice unless it cannot have been applied (see `http`): a
//! batch sent again would create its periods twice.

use std::borrow::Cow;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::write_checks::{clock, day};
use crate::arrow::{build_table, ColumnDef, Kind, Table};
use crate::error::{Error, Result};
use crate::transport::{Api, Body, Request, Response, Transport};

const ATTENDANCES_PATH: &str = "/v1/company/attendances";

/// One attendance period to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttendanceRow {
    /// The employee's v1 id.
    pub employee: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `hh:mm`.
    pub start_time: String,
    /// `hh:mm`; `None` leaves the period open.
    pub end_time: Option<String>,
    /// Minutes of break.
    pub break_minutes: i64,
    pub comment: Option<String>,
    pub project_id: Option<i64>,
}

impl AttendanceRow {
    /// The row as the spec writes it; what is wrong is named with the row's index.
    fn body(&self, index: usize) -> Result<Value> {
        let named = |e: Error| Error::invalid_argument(format!("row {index}: {e}"));
        if self.employee < 1 {
            return Err(named(Error::invalid_argument(
                "employee must be an employee id",
            )));
        }
        if self.break_minutes < 0 {
            return Err(named(Error::invalid_argument(
                "break must be minutes, 0 or more",
            )));
        }
        let end_time = self
            .end_time
            .as_deref()
            .map(|end| clock("end_time", end))
            .transpose()
            .map_err(named)?;
        Ok(json!({
            "employee": self.employee,
            "date": day("date", &self.date).map_err(named)?,
            "start_time": clock("start_time", &self.start_time).map_err(named)?,
            "end_time": end_time,
            "break": self.break_minutes,
            "comment": self.comment,
            "project_id": self.project_id,
        }))
    }
}

/// What happened to one row.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Created(i64),
    Refused(String),
}

/// Creates the periods; one result row per row given, in order.
pub async fn create_attendances(transport: &Transport, rows: &[AttendanceRow]) -> Result<Table> {
    if rows.is_empty() {
        return Err(Error::invalid_argument("no attendance rows to create"));
    }
    let bodies = rows
        .iter()
        .enumerate()
        .map(|(index, row)| row.body(index))
        .collect::<Result<Vec<_>>>()?;
    let request = Request::write(
        Method::POST,
        ATTENDANCES_PATH,
        Body::Json(json!({"attendances": bodies})),
    )
    .answered_by(&[StatusCode::BAD_REQUEST]);
    let response = transport.execute(&request, Some(Api::V1)).await?;
    let outcomes = match outcomes(&request, &response, rows.len())? {
        Some(outcomes) => outcomes,
        None => return Err(transport.refusal(&request, &response)),
    };
    outcome_table(&outcomes)
}

/// Deletes the attendance period `id`.
pub async fn delete_attendance(transport: &Transport, id: i64) -> Result<()> {
    let request = Request::write(
        Method::DELETE,
        format!("{ATTENDANCES_PATH}/{id}"),
        Body::Empty,
    );
    transport.execute(&request, Some(Api::V1)).await?;
    Ok(())
}

/// Each row's outcome: from the ids of a 200, or the `detailed_message` of a 400;
/// `None` for a 400 without one (the batch was refused whole).
fn outcomes(request: &Request, response: &Response, rows: usize) -> Result<Option<Vec<Outcome>>> {
    let json = response.json(request)?;
    let listed = if response.status.is_success() {
        json.pointer("/data/id")
    } else {
        json.pointer("/error/detailed_message")
    };
    let Some(Value::Array(listed)) = listed else {
        if response.status.is_success() {
            return Err(request.invalid_response("the answer lists no ids at data.id"));
        }
        return Ok(None);
    };
    if listed.len() != rows {
        return Err(request.invalid_response(format!(
            "{rows} rows were sent, the answer accounts for {}",
            listed.len()
        )));
    }
    let id = |v: &Value| v.as_i64().or_else(|| v.as_str()?.parse().ok());
    listed
        .iter()
        .map(|item| {
            if response.status.is_success() {
                return id(item).map(Outcome::Created);
            }
            match item.get("success").and_then(Value::as_bool) {
                Some(true) => item.get("id").and_then(id).map(Outcome::Created),
                Some(false) => Some(Outcome::Refused(
                    item.get("error_msg")
                        .and_then(Value::as_str)
                        .unwrap_or("refused without a message")
                        .to_string(),
                )),
                None => None,
            }
        })
        .map(|outcome| {
            outcome
                .ok_or_else(|| request.invalid_response("a row outcome has no id or success flag"))
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// `row`, `status` (`ok`/`error`), `id`, `error`.
fn outcome_table(outcomes: &[Outcome]) -> Result<Table> {
    let columns = [
        ("row", Kind::Int64),
        ("status", Kind::Utf8),
        ("id", Kind::Int64),
        ("error", Kind::Utf8),
    ]
    .map(|(name, kind)| ColumnDef::plain(name, kind));
    let cells: Vec<[Value; 4]> = outcomes
        .iter()
        .enumerate()
        .map(|(row, outcome)| match outcome {
            Outcome::Created(id) => [json!(row), json!("ok"), json!(id), Value::Null],
            Outcome::Refused(message) => [json!(row), json!("error"), Value::Null, json!(message)],
        })
        .collect();
    build_table(&columns, cells.len(), |c, r| {
        Some(Cow::Borrowed(&cells[r][c]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> AttendanceRow {
        AttendanceRow {
            employee: 1234,
            date: "2017-01-01".into(),
            start_time: "09:00".into(),
            end_time: Some("18:00".into()),
            break_minutes: 60,
            comment: None,
            project_id: None,
        }
    }

    #[test]
    fn a_row_is_the_specs_and_a_bad_one_is_named() {
        let body = row().body(0).unwrap();
        assert_eq!(
            body,
            json!({"employee": 1234, "date": "2017-01-01", "start_time": "09:00",
                   "end_time": "18:00", "break": 60, "comment": null, "project_id": null})
        );
        let late = AttendanceRow {
            start_time: "9:00".into(),
            ..row()
        };
        let error = late.body(3).unwrap_err().to_string();
        assert!(
            error.contains("row 3") && error.contains("start_time"),
            "{error}"
        );
    }
}
