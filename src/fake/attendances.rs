//! The attendance routes (scope `attendances:read`): v1 `GET /v1/company/attendances`
//! and v2 `GET /v2/attendance-periods`, over the company's attendances
//! (`attendance_data`).
//!
//! v1 (the spec's `AttendancePeriodsResponse`; API_NOTES): `start_date` and `end_date`
//! (`YYYY-MM-DD`, inclusive, on the attendance's `date`) are required, else 400;
//! `employees[]` (integers), `includePending` (without it only confirmed periods come),
//! `limit` (default and cap 200, larger ones clamped), `offset` a **record** offset.
//! The body echoes `offset` and `limit` as **strings** (a wire quirk, API_NOTES) next to
//! `metadata` `{total_elements, current_page, total_pages}`. A record is
//! `{"id":<int>,"type":"AttendancePeriod","attributes":{"employee":<int>,"date",
//! "start_time":"HH:MM","end_time":"HH:MM"|null,"updated_at":"...+01:00","status":
//! "confirmed"|"pending"|"rejected","break":<minutes>,"comment","is_holiday",
//! "is_on_time_off","project":{"id":<int>,"type":"Project","attributes":{"name",
//! "active"}}|null}}`. v1 has no `created_at`.
//!
//! v2 (V2_NOTES 5, item observed): `start.date_time.gte|lte` and `end.date_time.gte|lte`
//! take local date-times without offset; with `Z` or an offset, or not a date-time, the
//! answer is 400 problem+json "Invalid request content" (observed). `person.id` and `id`
//! take comma lists or repeated keys, `status` one status. `limit` 1..=100 (default 50;
//! above 100 a 400: assumed). Every attendance is a `WORK` period and, when it has a
//! break, a `BREAK` period inside it (same person, attribution date and status, no
//! project or comment), listed by start. Cursor paging: `_meta.links.next.href` holds
//! only the cursor, which carries the filters (V2_NOTES open question 4: assumed);
//! hrefs are absolute unless `attendance_relative_links` (V2_NOTES 0: both were seen).
//! No `next` on the last page. `created_at`/`updated_at` are UTC with `Z`.

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::{json, Value};

use super::attendance_data::{Attendance, Status, PROJECTS};
use super::call::Call;
use super::errors::{V1Error, V2Error};
use super::query::{list_param, pairs, param};
use super::reports_v2::origin;
use super::{cursor, json};

pub(crate) const SCOPE: &str = "attendances:read";
const V1_MAX_LIMIT: usize = 200;
const V2_DEFAULT_LIMIT: usize = 50;
const V2_MAX_LIMIT: usize = 100;
const V2_PATH: &str = "/v2/attendance-periods";
const INVALID_CONTENT: &str = "Invalid request content";

/// `GET /v1/company/attendances`.
pub(crate) async fn v1_list(call: Call) -> Result<Response, V1Error> {
    call.grant.require(SCOPE)?;
    let q = pairs(call.query.as_deref());
    let bad = |message: String| V1Error::new(StatusCode::BAD_REQUEST, message);
    let day = |key: &str| -> Result<NaiveDate, V1Error> {
        let value = param(&q, key).ok_or_else(|| bad(format!("The {key} is required")))?;
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| bad(format!("The {key} must be a date (YYYY-MM-DD)")))
    };
    let (from, to) = (day("start_date")?, day("end_date")?);
    let employees = list_param(&q, "employees")
        .map(|ids| ids.iter().map(|id| id.parse::<i64>()).collect())
        .transpose()
        .map_err(|_| bad("The employees must be integer ids".into()))?;
    let limit = match param(&q, "limit").map(str::parse::<usize>) {
        None => V1_MAX_LIMIT,
        Some(Ok(n)) if n >= 1 => n.min(V1_MAX_LIMIT),
        Some(_) => return Err(bad("The limit must be a positive integer".into())),
    };
    let offset = match param(&q, "offset").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return Err(bad("The offset must be a non-negative integer".into())),
    };
    let pending = matches!(param(&q, "includePending"), Some("true" | "1"));
    let attendances = call.state.attendances();
    let selected: Vec<&Attendance> = attendances
        .iter()
        .filter(|a| (from..=to).contains(&a.date))
        .filter(|a| {
            employees
                .as_ref()
                .is_none_or(|e: &Vec<i64>| e.contains(&a.employee))
        })
        .filter(|a| pending || a.status == Status::Confirmed)
        .collect();
    let total = selected.len();
    let data: Vec<Value> = selected
        .iter()
        .skip(offset)
        .take(limit)
        .map(|a| v1_record(a))
        .collect();
    let body = json!({
        "success": true,
        "metadata": {
            "total_elements": total,
            "current_page": offset / limit,
            "total_pages": total.div_ceil(limit),
        },
        "offset": offset.to_string(),
        "limit": limit.to_string(),
        "data": data,
    });
    Ok(json::response(StatusCode::OK, body.to_string()))
}

fn v1_record(a: &Attendance) -> Value {
    let project = a.project.map(|p| {
        let (id, name, active) = PROJECTS[p];
        json!({"id": id, "type": "Project", "attributes": {"name": name, "active": active}})
    });
    // Berlin in winter: the instant written with the offset Personio's serialiser picks.
    let updated_at = (a.updated_at + Duration::hours(1))
        .format("%Y-%m-%dT%H:%M:%S+01:00")
        .to_string();
    json!({
        "id": a.v1_id,
        "type": "AttendancePeriod",
        "attributes": {
            "employee": a.employee,
            "date": a.date.to_string(),
            "start_time": a.start.format("%H:%M").to_string(),
            "end_time": a.end.map(|end| end.format("%H:%M").to_string()),
            "updated_at": updated_at,
            "status": match a.status {
                Status::Confirmed => "confirmed",
                Status::Pending => "pending",
                Status::Rejected => "rejected",
            },
            "break": a.break_minutes,
            "comment": a.comment.as_deref().unwrap_or(""),
            "is_holiday": a.is_holiday,
            "is_on_time_off": a.is_on_time_off,
            "project": project,
        }
    })
}

/// What a v2 listing selects; it travels in the cursor.
#[derive(Default)]
struct V2Filter {
    /// Bounds on the start and the end, inclusive.
    start: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    end: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    persons: Option<Vec<String>>,
    ids: Option<Vec<String>>,
    status: Option<String>,
}

/// One v2 period: an attendance's WORK period, or its BREAK.
struct Period<'a> {
    attendance: &'a Attendance,
    is_break: bool,
}

impl Period<'_> {
    fn start(&self) -> NaiveDateTime {
        if self.is_break {
            self.attendance.break_start
        } else {
            self.attendance.start
        }
    }

    fn end(&self) -> Option<NaiveDateTime> {
        if self.is_break {
            Some(self.attendance.break_start + Duration::minutes(self.attendance.break_minutes))
        } else {
            self.attendance.end
        }
    }

    fn id(&self) -> &str {
        if self.is_break {
            &self.attendance.break_v2_id
        } else {
            &self.attendance.v2_id
        }
    }

    fn status(&self) -> &'static str {
        match self.attendance.status {
            Status::Confirmed => "CONFIRMED",
            Status::Pending => "PENDING",
            Status::Rejected => "REJECTED",
        }
    }
}

/// A v2 error for a bad filter: problem+json 400.
fn invalid() -> V2Error {
    V2Error::bad_request(INVALID_CONTENT)
}

/// A local date-time without offset; `Z` or an offset is invalid (observed).
fn local(value: &str) -> Result<NaiveDateTime, V2Error> {
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| invalid())
}

fn bounds(
    q: &[(String, String)],
    key: &str,
) -> Result<(Option<NaiveDateTime>, Option<NaiveDateTime>), V2Error> {
    let bound = |op: &str| {
        param(q, &format!("{key}.date_time.{op}"))
            .map(local)
            .transpose()
    };
    Ok((bound("gte")?, bound("lte")?))
}

/// The filter as the cursor carries it: `k=v` fields joined by `;`.
fn encode_cursor(filter: &V2Filter, offset: usize, limit: usize) -> String {
    let time = |t: Option<NaiveDateTime>| {
        t.map(|t| t.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
            .unwrap_or_default()
    };
    let list = |l: &Option<Vec<String>>| l.as_ref().map(|l| cursor::encode(&l.join(",")));
    let fields = [
        format!("o={offset}"),
        format!("l={limit}"),
        format!("sg={}", time(filter.start.0)),
        format!("sl={}", time(filter.start.1)),
        format!("eg={}", time(filter.end.0)),
        format!("el={}", time(filter.end.1)),
        format!("p={}", list(&filter.persons).unwrap_or_else(|| "-".into())),
        format!("i={}", list(&filter.ids).unwrap_or_else(|| "-".into())),
        format!("s={}", filter.status.clone().unwrap_or_default()),
    ];
    cursor::encode(&fields.join(";"))
}

fn decode_cursor(text: &str) -> Option<(V2Filter, usize, usize)> {
    let decoded = cursor::decode(text)?;
    let fields: Vec<(&str, &str)> = decoded
        .split(';')
        .map(|kv| kv.split_once('='))
        .collect::<Option<_>>()?;
    let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let time = |key: &str| -> Option<Option<NaiveDateTime>> {
        match get(key)? {
            "" => Some(None),
            t => local(t).ok().map(Some),
        }
    };
    let list = |key: &str| -> Option<Option<Vec<String>>> {
        match get(key)? {
            "-" => Some(None),
            l => Some(Some(
                cursor::decode(l)?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )),
        }
    };
    let filter = V2Filter {
        start: (time("sg")?, time("sl")?),
        end: (time("eg")?, time("el")?),
        persons: list("p")?,
        ids: list("i")?,
        status: Some(get("s")?.to_owned()).filter(|s| !s.is_empty()),
    };
    Some((filter, get("o")?.parse().ok()?, get("l")?.parse().ok()?))
}

/// `GET /v2/attendance-periods`.
pub(crate) async fn v2_list(call: Call) -> Result<Response, V2Error> {
    call.grant.require_v2(SCOPE)?;
    let q = pairs(call.query.as_deref());
    let (filter, offset, limit) = match param(&q, "cursor") {
        Some(c) => decode_cursor(c).ok_or_else(|| V2Error::bad_request("The cursor is invalid"))?,
        None => {
            let limit = match param(&q, "limit").map(str::parse::<usize>) {
                None => V2_DEFAULT_LIMIT,
                Some(Ok(n)) if (1..=V2_MAX_LIMIT).contains(&n) => n,
                Some(_) => return Err(invalid()),
            };
            let filter = V2Filter {
                start: bounds(&q, "start")?,
                end: bounds(&q, "end")?,
                persons: list_param(&q, "person.id"),
                ids: list_param(&q, "id"),
                status: param(&q, "status").map(str::to_owned),
            };
            (filter, 0, limit)
        }
    };
    let attendances = call.state.attendances();
    let periods = select(&attendances, &filter);
    let end = offset.saturating_add(limit).min(periods.len());
    let data: Vec<Value> = periods[offset.min(end)..end]
        .iter()
        .map(v2_record)
        .collect();
    let base = if call.state.attendance_relative_links {
        String::new()
    } else {
        origin(&call.headers)
    };
    let self_href = match &call.query {
        Some(q) => format!("{base}{V2_PATH}?{q}"),
        None => format!("{base}{V2_PATH}"),
    };
    let mut links = json!({"self": {"href": self_href}});
    if end < periods.len() {
        let next = encode_cursor(&filter, end, limit);
        links["next"] = json!({"href": format!("{base}{V2_PATH}?cursor={next}")});
    }
    let body = json!({"_data": data, "_meta": {"links": links}});
    Ok(json::response(StatusCode::OK, body.to_string()))
}

/// The periods `filter` selects, WORK and BREAK, ordered by start, person, WORK first.
fn select<'a>(attendances: &'a [Attendance], filter: &V2Filter) -> Vec<Period<'a>> {
    let within = |t: Option<NaiveDateTime>,
                  (gte, lte): (Option<NaiveDateTime>, Option<NaiveDateTime>)| {
        match t {
            Some(t) => gte.is_none_or(|g| t >= g) && lte.is_none_or(|l| t <= l),
            None => gte.is_none() && lte.is_none(),
        }
    };
    let mut periods: Vec<Period<'a>> = attendances
        .iter()
        .flat_map(|a| {
            let work = Period {
                attendance: a,
                is_break: false,
            };
            let pause = (a.break_minutes > 0).then_some(Period {
                attendance: a,
                is_break: true,
            });
            std::iter::once(work).chain(pause)
        })
        .filter(|p| within(Some(p.start()), filter.start) && within(p.end(), filter.end))
        .filter(|p| {
            filter
                .persons
                .as_ref()
                .is_none_or(|ids| ids.contains(&p.attendance.employee.to_string()))
        })
        .filter(|p| {
            filter
                .ids
                .as_ref()
                .is_none_or(|ids| ids.iter().any(|i| i == p.id()))
        })
        .filter(|p| filter.status.as_deref().is_none_or(|s| s == p.status()))
        .collect();
    periods.sort_by_key(|p| (p.start(), p.attendance.employee, p.is_break));
    periods
}

fn v2_record(p: &Period<'_>) -> Value {
    let a = p.attendance;
    let when = |t: NaiveDateTime| json!({"date_time": t.format("%Y-%m-%dT%H:%M:%S").to_string()});
    let project = match (p.is_break, a.project) {
        (false, Some(index)) => json!({"id": PROJECTS[index].0.to_string()}),
        _ => Value::Null,
    };
    let comment = if p.is_break {
        None
    } else {
        a.comment.as_deref().filter(|c| !c.is_empty())
    };
    let instant = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    json!({
        "id": p.id(),
        "type": if p.is_break { "BREAK" } else { "WORK" },
        "person": {"id": a.employee.to_string()},
        "start": when(p.start()),
        "end": p.end().map(when),
        "attribution_date": a.date.to_string(),
        "comment": comment,
        "project": project,
        "approval": {"status": p.status()},
        "is_auto_generated": false,
        "is_holiday": a.is_holiday,
        "is_on_time_off": a.is_on_time_off,
        "created_at": instant(a.created_at),
        "updated_at": instant(a.updated_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_carry_the_filter() {
        let filter = V2Filter {
            start: (local("2025-12-01T00:00:00").ok(), None),
            persons: Some(vec!["1".into(), "22".into()]),
            status: Some("PENDING".into()),
            ..Default::default()
        };
        let (back, offset, limit) = decode_cursor(&encode_cursor(&filter, 100, 50)).unwrap();
        assert_eq!((offset, limit), (100, 50));
        assert_eq!(back.start, filter.start);
        assert_eq!(back.end, (None, None));
        assert_eq!(back.persons, filter.persons);
        assert_eq!(back.ids, None);
        assert_eq!(back.status.as_deref(), Some("PENDING"));
    }

    #[test]
    fn date_times_with_an_offset_are_invalid() {
        assert!(local("2025-12-01T00:00:00").is_ok());
        assert!(local("2025-12-01T00:00:00Z").is_err());
        assert!(local("2025-12-01T00:00:00+01:00").is_err());
        assert!(local("2025-12-01").is_err());
    }
}
