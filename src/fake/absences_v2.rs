//! The v2 absence routes (scope `absences:read`), V2_NOTES 4:
//!
//! - `GET /v2/absence-periods`: filters (observed) `id`, `person.id`,
//!   `absence_type.id` (comma lists or repeated keys), `starts_from.date_time.gte|lte`
//!   and `ends_at.date_time.gte|lte` as local date-times without offset (with `Z`, an
//!   offset or not a date-time: 400 "Invalid request content", as on attendance
//!   periods); an open period (no end) passes an `ends_at...gte` bound and fails an
//!   `...lte` one (assumed). `limit` 1..=100 (default 50: assumed; else 400). Periods
//!   by start, then person. Item (observed): `id`, `person{id}`, `absence_type{id}`,
//!   `starts_from{date_time, type}`, `ends_at{date_time, type}` or null, `comment`,
//!   `approval{status}` (`APPROVED`, `PENDING`), `created_at`/`updated_at` in UTC with
//!   `Z`. Day-based periods run from local midnight to the midnight after their last
//!   day (`ends_at` exclusive); `type` is `FIRST_HALF` at the start and `SECOND_HALF`
//!   at the end for whole days, `SECOND_HALF` at the start when the first day is a
//!   half day, `FIRST_HALF` at the end when the last one is (observed pairing; hourly
//!   periods carry the whole-day pair: assumed).
//! - `GET /v2/absence-periods/{id}/breakdowns`: per-day amounts (observed item
//!   `{"date","effective_duration":{"unit":"DAY"|"HOUR","value"}}`, HOUR values in
//!   hours: assumed); cursor-paged like the list (`limit` default 50, max 100); an
//!   unknown id answers 404 problem+json.
//! - `GET /v2/absence-types`: every type as `{"id","name","category","unit":"DAY"|
//!   "HOUR","approval_required"}` (fields unconfirmed: v1's, in v2's spelling),
//!   cursor-paged the same way.
//!
//! Cursor paging everywhere: `_meta.links.next.href` holds only the cursor (which
//! carries the filters), absolute unless `attendance_relative_links`; no `next` on the
//! last page.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{json, Value};

use super::absence_data::{Absence, AbsenceType, Status, Unit, TYPES};
use super::absences_v1::SCOPE;
use super::call::Call;
use super::errors::V2Error;
use super::query::{list_param, pairs, param};
use super::reports_v2::origin;
use super::{cursor, json, AppState};

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;
const PERIODS_PATH: &str = "/v2/absence-periods";
const TYPES_PATH: &str = "/v2/absence-types";
const INVALID_CONTENT: &str = "Invalid request content";

/// A page's position and size, from the first request or a cursor.
struct Window {
    offset: usize,
    limit: usize,
}

fn invalid() -> V2Error {
    V2Error::bad_request(INVALID_CONTENT)
}

/// `limit` of a first request.
fn limit(q: &[(String, String)]) -> Result<usize, V2Error> {
    match param(q, "limit").map(str::parse::<usize>) {
        None => Ok(DEFAULT_LIMIT),
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(invalid()),
    }
}

/// The cursor is the first request's query with the page's offset: `o=<offset>;<query>`.
fn decode_cursor(text: &str) -> Result<(Window, Vec<(String, String)>), V2Error> {
    let refused = || V2Error::bad_request("The cursor is invalid");
    let decoded = cursor::decode(text).ok_or_else(refused)?;
    let (offset, query) = decoded
        .strip_prefix("o=")
        .and_then(|rest| rest.split_once(';'))
        .ok_or_else(refused)?;
    let q = pairs(Some(query));
    let window = Window {
        offset: offset.parse().map_err(|_| refused())?,
        limit: limit(&q)?,
    };
    Ok((window, q))
}

/// What a request asks for: its page, its filters, and the first request's query
/// (which the next cursor carries on).
struct Asked {
    window: Window,
    filters: Vec<(String, String)>,
    query: String,
}

/// What a request asks for, from its cursor or its own query.
fn asked(query: Option<&str>) -> Result<Asked, V2Error> {
    let q = pairs(query);
    match param(&q, "cursor") {
        Some(c) => {
            let (window, filters) = decode_cursor(c)?;
            let query = cursor::decode(c)
                .and_then(|text| Some(text.split_once(';')?.1.to_string()))
                .unwrap_or_default();
            Ok(Asked {
                window,
                filters,
                query,
            })
        }
        None => Ok(Asked {
            window: Window {
                offset: 0,
                limit: limit(&q)?,
            },
            filters: q,
            query: query.unwrap_or_default().to_string(),
        }),
    }
}

/// One page of `items` as v2 lists it, linking on while more remain.
fn page(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    items: Vec<Value>,
    asked: &Asked,
) -> Response {
    let (window, query) = (&asked.window, &asked.query);
    let end = window.offset.saturating_add(window.limit).min(items.len());
    let data = &items[window.offset.min(end)..end];
    let base = if state.attendance_relative_links {
        String::new()
    } else {
        origin(headers)
    };
    let mut links = json!({"self": {"href": format!("{base}{path}")}});
    if end < items.len() {
        let next = cursor::encode(&format!("o={end};{query}"));
        links["next"] = json!({"href": format!("{base}{path}?cursor={next}")});
    }
    let body = json!({"_data": data, "_meta": {"links": links}});
    json::response(StatusCode::OK, body.to_string())
}

/// A local date-time without offset; `Z` or an offset is invalid (observed).
fn local(value: &str) -> Result<NaiveDateTime, V2Error> {
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| invalid())
}

/// What a period listing selects.
struct Filter {
    ids: Option<Vec<String>>,
    persons: Option<Vec<String>>,
    types: Option<Vec<String>>,
    starts: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    ends: (Option<NaiveDateTime>, Option<NaiveDateTime>),
}

impl Filter {
    fn of(q: &[(String, String)]) -> Result<Filter, V2Error> {
        let bounds = |key: &str| -> Result<_, V2Error> {
            let bound = |op: &str| {
                param(q, &format!("{key}.date_time.{op}"))
                    .map(local)
                    .transpose()
            };
            Ok((bound("gte")?, bound("lte")?))
        };
        Ok(Filter {
            ids: list_param(q, "id"),
            persons: list_param(q, "person.id"),
            types: list_param(q, "absence_type.id"),
            starts: bounds("starts_from")?,
            ends: bounds("ends_at")?,
        })
    }

    fn selects(&self, absence: &Absence) -> bool {
        let among = |list: &Option<Vec<String>>, value: &str| {
            list.as_ref().is_none_or(|l| l.iter().any(|v| v == value))
        };
        let (start_gte, start_lte) = self.starts;
        let (end_gte, end_lte) = self.ends;
        let start = absence.start;
        among(&self.ids, &absence.v2_id)
            && among(&self.persons, &absence.employee.to_string())
            && among(&self.types, absence.kind().v2_id)
            && start_gte.is_none_or(|g| start >= g)
            && start_lte.is_none_or(|l| start <= l)
            && match absence.end {
                Some(end) => end_gte.is_none_or(|g| end >= g) && end_lte.is_none_or(|l| end <= l),
                None => end_lte.is_none(),
            }
    }
}

/// `GET /v2/absence-periods`.
pub(crate) async fn periods(call: Call) -> Result<Response, V2Error> {
    call.grant.require_v2(SCOPE)?;
    let asked = asked(call.query.as_deref())?;
    let filter = Filter::of(&asked.filters)?;
    let items = call
        .state
        .absences()
        .iter()
        .filter(|a| filter.selects(a))
        .map(period)
        .collect();
    Ok(page(
        &call.state,
        &call.headers,
        PERIODS_PATH,
        items,
        &asked,
    ))
}

fn period(absence: &Absence) -> Value {
    let at = |t: NaiveDateTime, half: &str| json!({"date_time": t.format("%Y-%m-%dT%H:%M:%S").to_string(), "type": half});
    let instant = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let start_type = if absence.half_day_start {
        "SECOND_HALF"
    } else {
        "FIRST_HALF"
    };
    let end_type = if absence.half_day_end {
        "FIRST_HALF"
    } else {
        "SECOND_HALF"
    };
    json!({
        "id": absence.v2_id,
        "person": {"id": absence.employee.to_string()},
        "absence_type": {"id": absence.kind().v2_id},
        "starts_from": at(absence.start, start_type),
        "ends_at": absence.end.map(|end| at(end, end_type)),
        "comment": absence.comment,
        "approval": {"status": match absence.status {
            Status::Approved => "APPROVED",
            Status::Pending => "PENDING",
        }},
        "created_at": instant(absence.created_at),
        "updated_at": instant(absence.updated_at),
    })
}

/// `GET /v2/absence-periods/{id}/breakdowns`.
pub(crate) async fn breakdowns(call: Call, Path(id): Path<String>) -> Result<Response, V2Error> {
    call.grant.require_v2(SCOPE)?;
    let absences = call.state.absences();
    let Some(absence) = absences.iter().find(|a| a.v2_id == id) else {
        return Err(V2Error::new(
            StatusCode::NOT_FOUND,
            "Resource not found",
            "The absence period was not found",
            "common.resource_not_found",
        ));
    };
    let asked = asked(call.query.as_deref())?;
    let (unit, scale) = match absence.kind().unit {
        Unit::Day => ("DAY", 1.0),
        Unit::Hour => ("HOUR", 60.0),
    };
    let items = absence
        .breakdown()
        .into_iter()
        .map(|(day, amount)| {
            json!({"date": day.to_string(),
                   "effective_duration": {"unit": unit, "value": amount / scale}})
        })
        .collect();
    let path = format!("{PERIODS_PATH}/{id}/breakdowns");
    Ok(page(&call.state, &call.headers, &path, items, &asked))
}

/// `GET /v2/absence-types`.
pub(crate) async fn types(call: Call) -> Result<Response, V2Error> {
    call.grant.require_v2(SCOPE)?;
    let asked = asked(call.query.as_deref())?;
    let items = TYPES.iter().map(absence_type).collect();
    Ok(page(&call.state, &call.headers, TYPES_PATH, items, &asked))
}

fn absence_type(kind: &AbsenceType) -> Value {
    json!({
        "id": kind.v2_id,
        "name": kind.name,
        "category": kind.category,
        "unit": match kind.unit { Unit::Day => "DAY", Unit::Hour => "HOUR" },
        "approval_required": kind.approval_required,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_carry_the_query() {
        let next = cursor::encode("o=100;person.id=1%2C2&limit=100");
        let Ok((window, q)) = decode_cursor(&next) else {
            panic!("the cursor does not decode");
        };
        assert_eq!((window.offset, window.limit), (100, 100));
        assert_eq!(
            list_param(&q, "person.id"),
            Some(vec!["1".into(), "2".into()])
        );
        assert!(decode_cursor("garbage!").is_err());
    }

    #[test]
    fn date_times_with_an_offset_are_invalid() {
        assert!(local("2025-12-01T00:00:00").is_ok());
        assert!(local("2025-12-01T00:00:00Z").is_err());
        assert!(local("2025-12-01").is_err());
        let q = pairs(Some("ends_at.date_time.gte=2025-12-01T00:00:00%2B01:00"));
        assert!(Filter::of(&q).is_err());
    }
}
