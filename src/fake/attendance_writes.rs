//! The v1 attendance writes (scope `attendances:write`):
//!
//! - `POST /v1/company/attendances`: `{"attendances":[{employee, date, start_time,
//!   end_time, break, comment, project_id}], "skip_approval"}` (JSON, the spec's
//!   `AttendanceCreateRequest`). Every valid row is created, even when others are not:
//!   all valid, the spec's `{"success":true,"data":{"id":[..],"message":"success"}}`;
//!   any invalid, the spec's 400 `AttendanceCreateUpdate400ErrorResponse` whose
//!   `detailed_message` echoes each row with `success`, `error_msg` and the `id` it
//!   got (null when refused). An overlap with a period of the same person (stored or
//!   earlier in the batch) is the spec's "Existing overlapping attendances periods";
//!   the other row messages are assumed. `skip_approval` (default true) false leaves
//!   the new periods pending.
//! - `DELETE /v1/company/attendances/{id}`: the spec's 200, 400 and 404 bodies.
//!
//! The new periods are read back by both attendance listings.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::{json, Map, Value};

use super::attendance_data::{uuid, Attendance, Status, PROJECTS};
use super::call::Call;
use super::errors::V1Error;
use super::json;
use super::write_input::{write_body, Invalid};

const SCOPE: &str = "attendances:write";
const OVERLAP: &str = "Existing overlapping attendances periods";

/// `POST /v1/company/attendances`.
pub(crate) async fn create(call: Call, body: Bytes) -> Result<Response, V1Error> {
    let object = write_body(&call, SCOPE, &body)?;
    let state = call.state;
    let mut invalid = Invalid::default();
    let skip_approval = invalid
        .boolean(&object, "skip_approval", false)
        .unwrap_or(true);
    let rows = match object.get("attendances") {
        Some(Value::Array(rows)) if !rows.is_empty() => rows,
        _ => {
            invalid.add("attendances", "The attendances field is required.");
            return Ok(invalid.response(0, "The given data failed to pass validation."));
        }
    };
    if !invalid.is_empty() {
        return Ok(invalid.response(0, "The given data failed to pass validation."));
    }
    let known = state.company();
    let status = if skip_approval {
        Status::Confirmed
    } else {
        Status::Pending
    };
    let mut attendances = state.attendances_mut();
    let mut next_id = attendances.iter().map(|a| a.v1_id).max().unwrap_or(0) + 1;
    let mut echoes = Vec::with_capacity(rows.len());
    let mut ids = Vec::new();
    for row in rows {
        let outcome = period(row, |employee| known.find(employee).is_some()).and_then(|new| {
            let overlaps = attendances.iter().any(|a| {
                a.employee == new.employee
                    && a.start < new.end
                    && a.end.is_none_or(|end| end > new.start)
            });
            if overlaps {
                Err(OVERLAP.to_owned())
            } else {
                Ok(new)
            }
        });
        let mut echo = row.as_object().cloned().unwrap_or_default();
        match outcome {
            Ok(new) => {
                let id = next_id;
                next_id += 1;
                let stored = new.into_attendance(id, status, state.now);
                let at = attendances
                    .partition_point(|a| (a.start, a.employee) <= (stored.start, stored.employee));
                attendances.insert(at, stored);
                ids.push(id);
                echo.extend([
                    ("success".into(), json!(true)),
                    ("error_msg".into(), Value::Null),
                    ("id".into(), json!(id)),
                ]);
            }
            Err(message) => {
                echo.extend([
                    ("success".into(), json!(false)),
                    ("error_msg".into(), json!(message)),
                    ("id".into(), Value::Null),
                ]);
            }
        }
        echoes.push(Value::Object(echo));
    }
    let answer = if ids.len() == rows.len() {
        (
            StatusCode::OK,
            json!({"success": true, "data": {"id": ids, "message": "success"}}),
        )
    } else {
        let error = json!({
            "code": 400,
            "message": "Error when trying to insert Attendances periods rows",
            "detailed_message": echoes,
        });
        (
            StatusCode::BAD_REQUEST,
            json!({"success": false, "error": error}),
        )
    };
    Ok(json::response(answer.0, answer.1.to_string()))
}

/// `DELETE /v1/company/attendances/{id}`.
pub(crate) async fn delete(call: Call, Path(id): Path<String>) -> Result<Response, V1Error> {
    call.grant.require(SCOPE)?;
    let state = call.state;
    let id = id
        .parse::<i64>()
        .map_err(|_| V1Error::new(StatusCode::BAD_REQUEST, "Bad Request"))?;
    let mut attendances = state.attendances_mut();
    let Some(at) = attendances.iter().position(|a| a.v1_id == id) else {
        return Err(V1Error::new(
            StatusCode::NOT_FOUND,
            "The attendance period was not found.",
        ));
    };
    attendances.remove(at);
    let answer =
        json!({"success": true, "data": {"message": "The attendance period was deleted."}});
    Ok(json::response(StatusCode::OK, answer.to_string()))
}

/// One valid row of the batch.
struct NewPeriod {
    employee: i64,
    date: NaiveDate,
    start: NaiveDateTime,
    end: NaiveDateTime,
    break_minutes: i64,
    comment: Option<String>,
    project: Option<usize>,
}

impl NewPeriod {
    fn into_attendance(
        self,
        id: i64,
        status: Status,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Attendance {
        let mut rng = SmallRng::seed_from_u64(id as u64);
        let worked = self.end - self.start;
        Attendance {
            v1_id: id,
            v2_id: uuid(&mut rng),
            break_v2_id: uuid(&mut rng),
            employee: self.employee,
            date: self.date,
            start: self.start,
            end: Some(self.end),
            break_start: self.start + Duration::minutes(worked.num_minutes() / 2 / 15 * 15),
            break_minutes: self.break_minutes,
            status,
            comment: self.comment,
            project: self.project,
            is_holiday: false,
            is_on_time_off: false,
            created_at: now,
            updated_at: now,
        }
    }
}

/// A row as a period, or why it is refused; `employee_exists` tells known ids.
fn period(row: &Value, employee_exists: impl Fn(i64) -> bool) -> Result<NewPeriod, String> {
    let empty = Map::new();
    let row = row.as_object().unwrap_or(&empty);
    let employee = row
        .get("employee")
        .and_then(Value::as_i64)
        .filter(|id| *id >= 1)
        .ok_or("The employee must be a positive integer")?;
    if !employee_exists(employee) {
        return Err(format!("Employee {employee} not found"));
    }
    let date = row
        .get("date")
        .and_then(Value::as_str)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or("The date must be a date (YYYY-MM-DD)")?;
    let time = |field: &str| -> Result<Option<NaiveTime>, String> {
        match row.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_str()
                .filter(|t| t.len() == 5)
                .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
                .map(Some)
                .ok_or(format!("The {field} must be a time (hh:mm)")),
        }
    };
    let start = time("start_time")?.ok_or("The start_time is required")?;
    let end = time("end_time")?.ok_or("The end_time is required")?;
    if end <= start {
        return Err("The end_time must be after the start_time".into());
    }
    let break_minutes = row
        .get("break")
        .and_then(Value::as_i64)
        .filter(|m| *m >= 0)
        .ok_or("The break must be a non-negative integer")?;
    if break_minutes >= (end - start).num_minutes() {
        return Err("The break must be shorter than the period".into());
    }
    let comment = match row.get("comment") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => return Err("The comment must be a string".into()),
    };
    let project = match row.get("project_id") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_i64()
                .and_then(|id| PROJECTS.iter().position(|p| p.0 == id))
                .ok_or("The project was not found")?,
        ),
    };
    Ok(NewPeriod {
        employee,
        date,
        start: date.and_time(start),
        end: date.and_time(end),
        break_minutes,
        comment,
        project,
    })
}
