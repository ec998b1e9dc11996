//! The v1 time-off writes (scope `absences:write`), for absence types counted in days:
//!
//! - `POST /v1/company/time-offs`: a form (the spec's `CreateTimeOffPeriodRequest`:
//!   `employee_id`, `time_off_type_id`, `start_date`, `end_date`, `half_day_start`,
//!   `half_day_end` required; `comment`, `skip_approval`). Answers the created
//!   `TimeOffPeriod` as the listing writes it; a field refused, the spec's 422 ("The
//!   given data failed to pass validation.", code 0) naming each field in
//!   `error_data`; an unknown employee or type, 404 (the type's message is the
//!   spec's); a type counted in hours, half days a type does not allow, or an overlap
//!   with another absence of the person, the spec's 400 "Error when trying to insert
//!   absence period". `skip_approval` (default true) false leaves it pending where the
//!   type needs approval.
//! - `DELETE /v1/company/time-offs/{id}`: the spec's 200, 400 and 404 bodies.
//!
//! The new absence is read back by every absence listing, v1 and v2.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveTime};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde_json::json;

use super::absence_data::{overlaps, Absence, Status, Unit, TYPES};
use super::absences_v1::time_off;
use super::attendance_data::uuid;
use super::call::Call;
use super::errors::V1Error;
use super::json;
use super::write_input::{write_body, Invalid};

const SCOPE: &str = "absences:write";
const NOT_INSERTED: &str = "Error when trying to insert absence period";

/// `POST /v1/company/time-offs`.
pub(crate) async fn create(call: Call, body: Bytes) -> Result<Response, V1Error> {
    let form = write_body(&call, SCOPE, &body)?;
    let state = call.state;
    let mut invalid = Invalid::default();
    let employee = invalid.integer(&form, "employee_id", true);
    let type_id = invalid.integer(&form, "time_off_type_id", true);
    let first = invalid.date(&form, "start_date", true);
    let last = invalid.date(&form, "end_date", true);
    let half_day_start = invalid.boolean(&form, "half_day_start", true);
    let half_day_end = invalid.boolean(&form, "half_day_end", true);
    let comment = invalid.text(&form, "comment", false);
    let skip_approval = invalid
        .boolean(&form, "skip_approval", false)
        .unwrap_or(true);
    if let (Some(first), Some(last)) = (first, last) {
        if last < first {
            invalid.add(
                "end_date",
                "The end date must be a date after or equal to start date.",
            );
        }
    }
    let (
        Some(employee),
        Some(type_id),
        Some(first),
        Some(last),
        Some(half_day_start),
        Some(half_day_end),
    ) = (employee, type_id, first, last, half_day_start, half_day_end)
    else {
        return Ok(invalid.into_response());
    };
    if !invalid.is_empty() {
        return Ok(invalid.into_response());
    }
    if state.company().find(employee).is_none() {
        return Err(V1Error::new(StatusCode::NOT_FOUND, "Employee not found."));
    }
    let Some(kind) = TYPES.iter().position(|t| t.v1_id == type_id) else {
        return Err(V1Error::new(
            StatusCode::NOT_FOUND,
            "Time-off type not found.",
        ));
    };
    let halves = half_day_start || half_day_end;
    if TYPES[kind].unit != Unit::Day || (halves && !TYPES[kind].half_days) {
        return Err(V1Error::new(StatusCode::BAD_REQUEST, NOT_INSERTED));
    }
    let start = first.and_time(NaiveTime::MIN);
    let end = (last + Duration::days(1)).and_time(NaiveTime::MIN);
    let mut absences = state.absences_mut();
    if absences
        .iter()
        .any(|a| a.employee == employee && overlaps(a.start, a.end, start, end))
    {
        return Err(V1Error::new(StatusCode::BAD_REQUEST, NOT_INSERTED));
    }
    let id = absences.iter().map(|a| a.v1_id).max().unwrap_or(0) + 1;
    let pending = !skip_approval && TYPES[kind].approval_required;
    let absence = Absence {
        v1_id: id,
        v2_id: uuid(&mut SmallRng::seed_from_u64(id as u64)),
        employee,
        kind,
        start,
        end: Some(end),
        half_day_start,
        half_day_end,
        status: if pending {
            Status::Pending
        } else {
            Status::Approved
        },
        comment,
        created_at: state.now,
        updated_at: state.now,
    };
    let record = time_off(&state, &absence);
    let at = absences.partition_point(|a| (a.start, a.employee) <= (start, employee));
    absences.insert(at, absence);
    let answer = json!({"success": true, "data": record});
    Ok(json::response(StatusCode::OK, answer.to_string()))
}

/// `DELETE /v1/company/time-offs/{id}`.
pub(crate) async fn delete(call: Call, Path(id): Path<String>) -> Result<Response, V1Error> {
    call.grant.require(SCOPE)?;
    let state = call.state;
    let id = id
        .parse::<i64>()
        .map_err(|_| V1Error::new(StatusCode::BAD_REQUEST, "The absence period id is invalid."))?;
    let mut absences = state.absences_mut();
    let Some(at) = absences
        .iter()
        .position(|a| a.v1_id == id && a.kind().unit == Unit::Day)
    else {
        return Err(V1Error::new(
            StatusCode::NOT_FOUND,
            "The absence period was not found.",
        ));
    };
    absences.remove(at);
    let answer = json!({"success": true, "data": {"message": "The absence period was deleted."}});
    Ok(json::response(StatusCode::OK, answer.to_string()))
}
