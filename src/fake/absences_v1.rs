//! The v1 absence routes (scope `absences:read`) over the company's absences
//! (`absence_data`), each with its own paging, as the spec and API_NOTES describe them:
//!
//! - `GET /v1/company/time-offs`: day-based absences. `start_date`/`end_date`
//!   (`YYYY-MM-DD`, inclusive, optional) select the absences that meet those days;
//!   `employees[]` (integers), `limit` (default and cap 200, larger ones clamped),
//!   `offset` a **1-based page number** (API_NOTES; 0 gives the first page too:
//!   assumed). A record is the spec's `TimeOffPeriod`: integer `id`, `status`
//!   (`approved`, `pending`), `start_date`/`end_date` as local midnights with an offset
//!   (`2017-12-27T00:00:00+0100`; `end_date` is the last day, inclusive), `days_count`,
//!   `half_day_start`/`half_day_end` as **0/1** (API_NOTES), `time_off_type`
//!   `{type, attributes{id, name, category}}`, `employee` (a short Employee: `id` and
//!   `email`), `certificate`, `created_by`, `created_at`/`updated_at` with `+0100`, and
//!   `comment` (not in the spec's schema, the POST takes one: assumed).
//! - `GET /v1/company/absence-periods`: hourly absences. The same filters, meeting the
//!   window `[start_date, end_date]`; `offset` a **0-based page index** (the page-level
//!   offset of the 2023 changelog; the schema counts `current_page` from 0). A record
//!   is the spec's `HourlyAbsence`: UUID `id` (the v2 id), `measurement_unit` `hour`,
//!   `effective_duration` in minutes, `absence_type{attributes{id (the v2 UUID), name,
//!   time_off_type_id}}`, `start`/`end` as UTC instants (`2022-05-31T22:00:00.0Z`;
//!   `end` null while open) with the zone they happened in (`timezone`
//!   `Europe/Berlin`), booleans for the half days, `breakdowns` in minutes per day.
//! - `GET /v1/company/time-off-types`: every type, `limit` + `offset` (a record
//!   offset), without `metadata` as in the spec's example.
//! - `GET /v1/company/employees/{id}/absences/balance`: the spec's
//!   `EmployeeAbsenceBalance`, one item per type that accrues an entitlement; an
//!   unknown employee answers the spec's 404.
//!
//! Both listings answer `metadata{total_elements, current_page, total_pages}` and echo
//! `offset` and `limit` as strings (the spec's examples, `offset: 0,`, are strings in
//! YAML). A bad date or a non-numeric paging parameter answers 400.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Europe::Berlin;
use serde_json::{json, Value};

use super::absence_data::{balances, overlaps, Absence, AbsenceType, Status, Unit, TYPES};
use super::call::Call;
use super::errors::{self, V1Error};
use super::query::{list_param, pairs, param};
use super::{json, AppState};

pub(crate) const SCOPE: &str = "absences:read";
const MAX_LIMIT: usize = 200;
/// The zone the fake company's absences happen in.
const TIMEZONE: &str = "Europe/Berlin";

/// How a listing counts its `offset`.
#[derive(Clone, Copy)]
enum Paging {
    /// Pages counted from 1 (time-offs); 0 is the first page too.
    PageNumber,
    /// Pages counted from 0 (absence periods).
    PageIndex,
}

/// What a v1 absence listing selects and which page it asks for.
struct Selection {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    employees: Option<Vec<i64>>,
    limit: usize,
    /// The page, counted from 0.
    page: usize,
    /// The `offset` as sent, for the echo.
    offset: usize,
}

fn bad(message: impl Into<String>) -> V1Error {
    V1Error::new(StatusCode::BAD_REQUEST, message.into())
}

fn selection(query: Option<&str>, paging: Paging) -> Result<Selection, V1Error> {
    let q = pairs(query);
    let day = |key: &str| -> Result<Option<NaiveDate>, V1Error> {
        param(&q, key)
            .map(|value| {
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map_err(|_| bad(format!("The {key} must be a date (YYYY-MM-DD)")))
            })
            .transpose()
    };
    let employees = list_param(&q, "employees")
        .map(|ids| ids.iter().map(|id| id.parse::<i64>()).collect())
        .transpose()
        .map_err(|_| bad("The employees must be integer ids"))?;
    let limit = match param(&q, "limit").map(str::parse::<usize>) {
        None => MAX_LIMIT,
        Some(Ok(n)) if n >= 1 => n.min(MAX_LIMIT),
        Some(_) => return Err(bad("The limit must be a positive integer")),
    };
    let offset = match param(&q, "offset").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return Err(bad("The offset must be a non-negative integer")),
    };
    let page = match paging {
        Paging::PageNumber => offset.saturating_sub(1),
        Paging::PageIndex => offset,
    };
    Ok(Selection {
        from: day("start_date")?,
        to: day("end_date")?,
        employees,
        limit,
        page,
        offset,
    })
}

impl Selection {
    /// Whether `absence` is of one of the employees and meets the days asked for.
    fn selects(&self, absence: &Absence) -> bool {
        let from = self
            .from
            .map_or(NaiveDateTime::MIN, |d| d.and_time(NaiveTime::MIN));
        let until = self.to.map_or(NaiveDateTime::MAX, |d| {
            (d + Duration::days(1)).and_time(NaiveTime::MIN)
        });
        overlaps(absence.start, absence.end, from, until)
            && self
                .employees
                .as_ref()
                .is_none_or(|ids| ids.contains(&absence.employee))
    }

    /// The page's records and the listing's body around them.
    fn body(&self, selected: &[&Absence], record: impl Fn(&Absence) -> Value) -> String {
        let total = selected.len();
        let data: Vec<Value> = selected
            .iter()
            .skip(self.page.saturating_mul(self.limit))
            .take(self.limit)
            .map(|a| record(a))
            .collect();
        json!({
            "success": true,
            "metadata": {
                "total_elements": total,
                "current_page": self.page,
                "total_pages": total.div_ceil(self.limit),
            },
            "offset": self.offset.to_string(),
            "limit": self.limit.to_string(),
            "data": data,
        })
        .to_string()
    }
}

/// The absences of `unit`, as `record` writes them, in pages of `paging`.
fn listing(
    call: Call,
    paging: Paging,
    unit: Unit,
    record: fn(&AppState, &Absence) -> Value,
) -> Result<Response, V1Error> {
    call.grant.require(SCOPE)?;
    let selection = selection(call.query.as_deref(), paging)?;
    let state = &call.state;
    let absences = state.absences();
    let selected: Vec<&Absence> = absences
        .iter()
        .filter(|a| a.kind().unit == unit && selection.selects(a))
        .collect();
    let body = selection.body(&selected, |a| record(state, a));
    Ok(json::response(StatusCode::OK, body))
}

/// `GET /v1/company/time-offs`.
pub(crate) async fn time_offs(call: Call) -> Result<Response, V1Error> {
    listing(call, Paging::PageNumber, Unit::Day, time_off)
}

/// `GET /v1/company/absence-periods`.
pub(crate) async fn absence_periods(call: Call) -> Result<Response, V1Error> {
    listing(call, Paging::PageIndex, Unit::Hour, hourly_period)
}

/// The instant written in Berlin winter time, as the spec's examples write it.
fn berlin_winter(instant: DateTime<Utc>) -> String {
    (instant + Duration::hours(1))
        .format("%Y-%m-%dT%H:%M:%S+0100")
        .to_string()
}

fn status(absence: &Absence) -> &'static str {
    match absence.status {
        Status::Approved => "approved",
        Status::Pending => "pending",
    }
}

fn short_employee(state: &AppState, id: i64) -> Value {
    let company = state.company();
    let email = company
        .find(id)
        .map(|index| company.employees[index].email.clone());
    let attribute = |label: &str, value: Value, kind: &str, key: &str| json!({"label": label, "value": value, "type": kind, "universal_id": key});
    json!({"type": "Employee", "attributes": {
        "id": attribute("id", json!(id), "integer", "id"),
        "email": attribute("Email", json!(email), "standard", "email"),
    }})
}

pub(crate) fn time_off(state: &AppState, absence: &Absence) -> Value {
    let kind = absence.kind();
    let (first, last) = absence.days();
    let midnight = |day: NaiveDate| format!("{day}T00:00:00+0100");
    json!({
        "type": "TimeOffPeriod",
        "attributes": {
            "id": absence.v1_id,
            "status": status(absence),
            "comment": absence.comment,
            "start_date": midnight(first),
            "end_date": midnight(last),
            "days_count": absence.amount(),
            "half_day_start": u8::from(absence.half_day_start),
            "half_day_end": u8::from(absence.half_day_end),
            "time_off_type": {"type": "TimeOffType", "attributes": {
                "id": kind.v1_id, "name": kind.name, "category": kind.category}},
            "employee": short_employee(state, absence.employee),
            "created_by": "API",
            "certificate": {"status": "not-required"},
            "created_at": berlin_winter(absence.created_at),
            "updated_at": berlin_winter(absence.updated_at),
        }
    })
}

/// A local Berlin wall-clock time as the UTC instant v1 writes (`...T22:00:00.0Z`).
fn utc_of_berlin(local: NaiveDateTime) -> String {
    let instant = local
        .and_local_timezone(Berlin)
        .earliest()
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc));
    instant.format("%Y-%m-%dT%H:%M:%S.0Z").to_string()
}

fn hourly_period(state: &AppState, absence: &Absence) -> Value {
    let kind = absence.kind();
    let breakdowns: Vec<Value> = absence
        .breakdown()
        .iter()
        .map(|(day, minutes)| json!({"date": day.to_string(), "effective_duration": *minutes as i64}))
        .collect();
    let instant = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    json!({
        "type": "AbsencePeriod",
        "attributes": {
            "id": absence.v2_id,
            "measurement_unit": "hour",
            "effective_duration": absence.amount() as i64,
            "employee": short_employee(state, absence.employee),
            "absence_type": {"type": "AbsenceType", "attributes": {
                "id": kind.v2_id, "name": kind.name, "time_off_type_id": kind.v1_id}},
            "certificate": {"status": "not-required"},
            "start": utc_of_berlin(absence.start),
            "end": absence.end.map(utc_of_berlin),
            "half_day_start": absence.half_day_start,
            "half_day_end": absence.half_day_end,
            "comment": absence.comment,
            "origin": "web",
            "status": status(absence),
            "timezone": TIMEZONE,
            "created_by": 1,
            "created_at": instant(absence.created_at),
            "updated_at": instant(absence.updated_at),
            "approved_at": (absence.status == Status::Approved).then(|| instant(absence.updated_at)),
            "breakdowns": breakdowns,
        }
    })
}

/// `GET /v1/company/time-off-types`.
pub(crate) async fn time_off_types(call: Call) -> Result<Response, V1Error> {
    call.grant.require(SCOPE)?;
    let selection = selection(call.query.as_deref(), Paging::PageIndex)?;
    let data: Vec<Value> = TYPES
        .iter()
        .skip(selection.offset)
        .take(selection.limit)
        .map(time_off_type)
        .collect();
    let body = json!({"success": true, "data": data});
    Ok(json::response(StatusCode::OK, body.to_string()))
}

fn time_off_type(kind: &AbsenceType) -> Value {
    json!({"type": "TimeOffType", "attributes": {
        "id": kind.v1_id,
        "name": kind.name,
        "category": kind.category,
        "unit": match kind.unit { Unit::Day => "day", Unit::Hour => "hour" },
        "half_day_requests_enabled": kind.half_days,
        "approval_required": kind.approval_required,
    }})
}

/// `GET /v1/company/employees/{id}/absences/balance`.
pub(crate) async fn balance(call: Call, Path(id): Path<String>) -> Result<Response, V1Error> {
    call.grant.require(SCOPE)?;
    let Some(id) = id
        .parse::<i64>()
        .ok()
        .filter(|id| call.state.company().find(*id).is_some())
    else {
        return Err(V1Error::new(
            StatusCode::NOT_FOUND,
            errors::EMPLOYEE_NOT_FOUND,
        ));
    };
    let data: Vec<Value> = balances(&call.state.absences(), id, call.state.now)
        .into_iter()
        .map(|(kind, balance, available)| {
            json!({"id": kind.v1_id, "name": kind.name, "category": kind.category,
                   "balance": balance, "available_balance": available})
        })
        .collect();
    let body = json!({"success": true, "data": data});
    Ok(json::response(StatusCode::OK, body.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_off_pages_count_from_one_and_absence_pages_from_zero() {
        let page = |query: &str, paging| selection(Some(query), paging).ok().map(|s| s.page);
        assert_eq!(page("offset=1", Paging::PageNumber), Some(0));
        assert_eq!(page("offset=0", Paging::PageNumber), Some(0));
        assert_eq!(page("offset=3", Paging::PageNumber), Some(2));
        assert_eq!(page("offset=3", Paging::PageIndex), Some(3));
        assert!(selection(Some("start_date=12.12.2025"), Paging::PageIndex).is_err());
        assert!(selection(Some("offset=-1"), Paging::PageIndex).is_err());
    }

    #[test]
    fn berlin_times_are_written_in_utc() {
        let local = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").unwrap();
        assert_eq!(
            utc_of_berlin(local("2022-06-01T00:00")),
            "2022-05-31T22:00:00.0Z"
        );
        assert_eq!(
            utc_of_berlin(local("2025-12-01T09:15")),
            "2025-12-01T08:15:00.0Z"
        );
    }
}
