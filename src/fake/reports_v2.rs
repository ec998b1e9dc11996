//! The v2 Report API routes (scope `reports.custom:read`), and how a v2 report maps to
//! the v1 one, so that a client builds the same table from either.
//!
//! Each shape below is marked **observed** (OBSERVED.md / V2_NOTES.md: real accounts
//! send it) or **assumed** (our guess where nothing was seen).
//!
//! - `GET /v2/reports`: `{"_data":[{"id","name","chart_type":"table","edited_at":
//!   {"date_time"}}],"_meta":{"links":{"self":{"href"},"next":{"href"}}}}` (item
//!   observed; links assumed), newest edit first; `name` (case-insensitive substring),
//!   `limit` (default [`LIST_LIMIT`], `<= 0` = all), `cursor`. With a cursor only
//!   `limit` may come along (V2_NOTES: other parameters fail). No `next` on the last
//!   page. Reports not enabled for API access are absent (observed); grouped ones are
//!   listed, as `table` (observed).
//! - `GET /v2/reports/{id}`: `{"report_config":{"name"},"_meta":{"columns":[{"name",
//!   "display","type"}],"links":{"next":{"href"}} | null},"_data":[[cell,...],...]}`
//!   (observed); `locale` (`en` default, `de`), `limit` in rows (absent or `<= 0` =
//!   all), `cursor`. The cursor (base64url) carries the report, position, limit and
//!   locale: parameters next to it are ignored (assumed). `links` is `null` on the last
//!   page (observed). The knob `report_v2_page_cap` clamps `limit` (none by default:
//!   no cap was seen), so that a small report spans several pages in tests. A page
//!   holding the rest of the report is sent as its rows are computed (chunked, without
//!   `Content-Length`), as a server streams a large body; other pages are sent whole.
//!
//! Errors of `GET /v2/reports/{id}`, all HTTP 400 with `application/json` (observed):
//! - an unknown id or a report not enabled for API access: `{"errors":[{"status":"400",
//!   "id":"<random uuid>","title":"Bad Request","detail":"Report with id <id> not
//!   found."}]}`;
//! - a grouped (or chart) report: `{"error":{"message":"Unsupported nested type: null"}}`;
//! - a token without `reports.custom:read`: `{"error":{"message":"Unauthorized token"}}`
//!   (also on `GET /v2/reports`).
//!
//! A bad `limit` or cursor is a 400 problem+json (assumed); a missing or invalid token
//! the gateway's 401 problem+json (assumed).
//!
//! # The table, and the v1 -> v2 mapping
//!
//! Columns: only the report's own columns, in v1 `columns` order (observed: no
//! `employee_id` column): v2 `name` = v1 `attribute_id`, v2 `display` = v1
//! `human_readable` of the same locale. Historical reports carry their names
//! (`first_name`, `last_name`: observed, historical v2 reports identify people by
//! name) and, first, one more column (assumed)
//! `{"name":"effective_date","display":"Effective date"|"Gültig ab","type":"timestamp"}`
//! whose cells are `{"attribute_id":"effective_date","string_value":{"value":"YYYY-MM-DD"}}`.
//! Every v2 cell is `{"attribute_id":<name>,"<kind>_value":{..}}` (observed).
//!
//! Rows: one per v1 item (point_in_time, timeframe), in v1 order. Historical_data
//! (assumed): one row per (employee, distinct `effective_date` of its
//! `historical_attributes`), employees in v1 item order, dates ascending; every column
//! of a row holds the value in force on that date, i.e. the value of the latest
//! effective date `<=` the row's (carried forward, as a v1 reader lays historical rows
//! out); a column with no value yet is empty. An employee without history has no row
//! (v1 still sends its item, with no attributes). v1 `limit` counts employees, v2
//! `limit` counts rows.
//!
//! Empty (assumed): a v1 attribute that is missing, or present with empty values (`""`,
//! `null`, `[]`), is a v2 cell of the column's kind whose fields are all `null` (lists:
//! `[]`). A client should read both as null.
//!
//! | v1 `data_type` | v2 `type` | v2 cell | correspondence | |
//! |---|---|---|---|---|
//! | TEXT | `string` | `string_value{value}` | `value` as is | observed |
//! | TEXT holding a date (`hire_date`, `probation_period_end`, `contract_end_date`) | `timestamp` | `string_value{value}` | `value`, `YYYY-MM-DD` | observed |
//! | ENTITY | `option` | `options_value{options:[{key,value}]}` (0 or 1 option) | `key` (always a JSON string) = `entity_id` as text, exactly: the v1 string, or the digits of a v1 number; `value` = `value`. Keys can be text codes (`"0815"`, `"22001-1"`, `"ACME"`, `"true"`) | observed |
//! | DURATION | `decimal` | `numeric_value{number}` | `number` = `duration` (hours; v1 number or numeric string) | observed |
//! | COST_CENTER | `cost_center` | `options_value{options:[{key,value,weight}]}` | per cost center in order: `key` = `cost_center_id`, `value` = `value`, `weight` = the number of `weight` without `%` | assumed |
//! | SALARY | `salary` | `monetary_value{amount,currency,currency_symbol}` | `amount` = number of `amount` (`"12.20"` -> `12.2`), `currency_symbol` = `currency_symbol`, `currency` = its ISO code | assumed |
//! | COMPENSATION | `compensation` | `monetary_value{amount,currency,currency_symbol,overtime_hours,bonus_type}` | `currency` = `currency_code`; `overtime_hours` a number; `bonus_type` a string; `""`/null -> null | assumed |
//! | ABSENCE_OVERVIEW | `absence_overview` | `time_range_value{from,to,duration_days,duration_hours}` | `from`/`to` = `start_date`/`end_date` (`YYYY-MM-DD`); durations as numbers | assumed |
//! | ABSENCE_PERIOD | `absence_period` | `time_range_value{from,to,half_day_at_start,half_day_at_end}` | dates as above; booleans as is | assumed |
//! | PERFORMANCE_TARGET | `performance_target` | `options_value{options:[{key,value}]}` | per target: `key` = `performance_target_id`, `value` = `performance_target_value` | assumed |
//! | PERFORMANCE_KPI | `performance_kpi` | `options_value{options:[{key,value,performance_target_id}]}` | one option per KPI, targets in order: `key` = `performance_kpi_id`, `value` = `performance_kpi_value`; every target has at least one KPI, so the nesting is recoverable | assumed |
//!
//! Currency symbols and codes are one-to-one: `€` EUR, `£` GBP, `CHF` CHF, `zł` PLN,
//! `$` USD. Numbers keep their decimal value (`"4150.00"` and `4150` are the same).
//! `percentage_value` is not used. The v2 `type` alone tells the v1 data type (TEXT for
//! `string` and `timestamp`), so a client needs no v1 call to type the table.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use chrono::NaiveDate;

use super::auth::Grant;
use super::call::Call;
use super::company::Company;
use super::errors::{ReportApiError, V2Error};
use super::faults::Content;
use super::query::{pairs, param};
use super::report_values::{iso, Cell, Value};
use super::reports::{Column, DataType, Kind, Locale, Report, SCOPE};
use super::{cursor, json, AppState};

/// Reports per list page when `limit` is not given.
pub(crate) const LIST_LIMIT: usize = 50;

const BAD_CURSOR: &str = "The cursor is invalid";

/// The extra first column of historical reports (assumed).
const EFFECTIVE_DATE: &str = "effective_date";

/// `limit`: absent -> `default`, `<= 0` -> all (`usize::MAX`), else the number.
fn limit(q: &[(String, String)], default: usize) -> Result<usize, V2Error> {
    match param(q, "limit") {
        None => Ok(default),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n <= 0 => Ok(usize::MAX),
            Ok(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
            Err(_) => Err(V2Error::bad_request(format!(
                "limit must be an integer, got {v:?}"
            ))),
        },
    }
}

/// `http://<host>` of the request, for absolute links.
pub(crate) fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// Fields of a decoded cursor: `k=v` pairs separated by `;`.
fn cursor_fields(c: &str) -> Option<Vec<(String, String)>> {
    cursor::decode(c)?
        .split(';')
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

fn field<T: std::str::FromStr>(fields: &[(String, String)], key: &str) -> Option<T> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
}

/// Without the reports scope real accounts answer 400 "Unauthorized token" (observed).
fn require(grant: &Grant) -> Result<(), ReportApiError> {
    if grant.has(SCOPE) {
        Ok(())
    } else {
        Err(ReportApiError::Message("Unauthorized token"))
    }
}

/// `GET /v2/reports`.
pub(crate) async fn list(call: Call) -> Result<Response, ReportApiError> {
    require(&call.grant)?;
    let q = pairs(call.query.as_deref());
    let mut page_limit = limit(&q, LIST_LIMIT)?;
    let (offset, name) = match param(&q, "cursor") {
        Some(c) => {
            if q.iter().any(|(k, _)| k != "cursor" && k != "limit") {
                return Err(V2Error::bad_request("Only limit may be combined with cursor").into());
            }
            let f = cursor_fields(c).ok_or_else(|| V2Error::bad_request(BAD_CURSOR))?;
            let offset: usize = field(&f, "o").ok_or_else(|| V2Error::bad_request(BAD_CURSOR))?;
            if param(&q, "limit").is_none() {
                page_limit = field(&f, "l").ok_or_else(|| V2Error::bad_request(BAD_CURSOR))?;
            }
            let name = field::<String>(&f, "n").unwrap_or_default();
            (offset, cursor::decode(&name).unwrap_or_default())
        }
        None => (0, param(&q, "name").unwrap_or("").to_owned()),
    };
    let needle = name.to_lowercase();
    let mut reports: Vec<&Report> = call
        .state
        .reports
        .reports
        .iter()
        .filter(|r| r.api_access && r.name.to_lowercase().contains(&needle))
        .collect();
    reports.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
    let end = offset.saturating_add(page_limit).min(reports.len());
    let page = &reports[offset.min(end)..end];

    let data: Vec<serde_json::Value> = page
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "name": r.name,
                "chart_type": "table",
                "edited_at": {"date_time": r.updated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()},
            })
        })
        .collect();
    let base = origin(&call.headers);
    let self_href = match &call.query {
        Some(q) => format!("{base}/v2/reports?{q}"),
        None => format!("{base}/v2/reports"),
    };
    let mut links = serde_json::json!({"self": {"href": self_href}});
    if end < reports.len() {
        // The name travels encoded so that `;` and `=` in it cannot break the cursor.
        let c = cursor::encode(&format!(
            "o={end};l={page_limit};n={}",
            cursor::encode(&name)
        ));
        links["next"] = serde_json::json!({"href": format!("{base}/v2/reports?cursor={c}")});
    }
    let body = serde_json::json!({"_data": data, "_meta": {"links": links}});
    Ok(json::response(StatusCode::OK, body.to_string()))
}

/// Where a page starts: employee position in `Report::rows`, row within its history.
type Position = (usize, usize);

/// One v2 row: position, effective date (historical), cells.
type Row = (Position, Option<NaiveDate>, Vec<Cell>);

/// The rows from `from` on, computed lazily one employee at a time. Historical rows
/// carry every column's value forward from earlier effective dates.
fn rows_from<'a>(
    company: &'a Company,
    report: &'a Report,
    listing: &'a [u32],
    locale: Locale,
    from: Position,
) -> impl Iterator<Item = Row> + 'a {
    let ctx = report.ctx(company, locale);
    let start = from.0.min(listing.len());
    listing[start..]
        .iter()
        .enumerate()
        .flat_map(move |(k, &idx)| {
            let e = start + k;
            let idx = idx as usize;
            let rows: Vec<(Option<NaiveDate>, Vec<Cell>)> = if report.kind == Kind::Historical {
                let mut in_force = vec![Cell::Absent; report.columns.len()];
                report
                    .history(&ctx, idx)
                    .into_iter()
                    .map(|(d, cells)| {
                        for (now, cell) in in_force.iter_mut().zip(cells) {
                            if cell != Cell::Absent {
                                *now = cell;
                            }
                        }
                        (Some(d), in_force.clone())
                    })
                    .collect()
            } else {
                vec![(None, report.cells(&ctx, idx))]
            };
            let skip = if k == 0 { from.1 } else { 0 };
            rows.into_iter()
                .enumerate()
                .skip(skip)
                .map(move |(s, (d, cells))| ((e, s), d, cells))
        })
}

/// `GET /v2/reports/{id}`. Pages hold at most `report_v2_page_cap` rows; the faults
/// `lying_total` (a `next` link that never ends), `empty_page` and `records_move`
/// change what a page holds (see `faults`).
pub(crate) async fn one(
    call: Call,
    content: Option<Extension<Content>>,
    Path(id): Path<String>,
) -> Result<Response, ReportApiError> {
    let content = content.map(|Extension(c)| c).unwrap_or_default();
    require(&call.grant)?;
    let report = call
        .state
        .reports
        .get(&id)
        .filter(|r| r.api_access)
        .ok_or_else(|| ReportApiError::NotFound(id.clone()))?;
    if report.grouped {
        return Err(ReportApiError::Message("Unsupported nested type: null"));
    }
    let q = pairs(call.query.as_deref());
    let (from, page_limit, locale) = match param(&q, "cursor") {
        Some(c) => {
            let bad = || V2Error::bad_request(BAD_CURSOR);
            let f = cursor_fields(c).ok_or_else(bad)?;
            if field::<String>(&f, "r").as_deref() != Some(report.id.as_str()) {
                return Err(bad().into());
            }
            let from = (
                field(&f, "e").ok_or_else(bad)?,
                field(&f, "s").ok_or_else(bad)?,
            );
            let locale = Locale::parse(field::<String>(&f, "loc").as_deref());
            (from, field(&f, "l").ok_or_else(bad)?, locale)
        }
        None => (
            (0, 0),
            limit(&q, usize::MAX)?,
            Locale::parse(param(&q, "locale")),
        ),
    };

    let page_limit = page_limit.min(call.state.report_v2_page_cap);
    let listing: Vec<u32> = content
        .order(report.rows.len())
        .into_iter()
        .map(|p| report.rows[p])
        .collect();
    let historical = report.kind == Kind::Historical;
    // The rest of the report in one page: it is written as it is computed.
    if page_limit == usize::MAX && content.lie.is_none() && !content.empty_page {
        let head = page_head(report, locale, historical, None);
        return Ok(streamed(
            call.state.clone(),
            id,
            listing,
            locale,
            from,
            head,
        ));
    }
    let (page, next, nonce) = if content.empty_page {
        // Nothing here, but the data goes on where this page should have started.
        (Vec::new(), Some(from), Some(call.state.faults.nonce()))
    } else {
        let company = call.state.company();
        let mut rows = rows_from(&company, report, &listing, locale, from);
        let page: Vec<Row> = rows.by_ref().take(page_limit).collect();
        match rows.next().map(|r| r.0) {
            Some(next) => (page, Some(next), None),
            // A lying listing never ends: empty pages, each behind a new link.
            None if content.lie.is_some() => (
                page,
                Some((listing.len(), 0)),
                Some(call.state.faults.nonce()),
            ),
            None => (page, None, None),
        }
    };
    let next_href = next.map(|(e, s)| {
        let mut text = format!(
            "r={};e={e};s={s};l={page_limit};loc={}",
            report.id,
            locale.code()
        );
        if let Some(z) = nonce {
            text.push_str(&format!(";z={z}"));
        }
        let c = cursor::encode(&text);
        format!(
            "{}/v2/reports/{}?cursor={c}",
            origin(&call.headers),
            report.id
        )
    });
    let mut out = page_head(report, locale, historical, next_href.as_deref());
    out.reserve(page.len() * 512);
    for (n, row) in page.iter().enumerate() {
        push_row(&mut out, report, n, row);
    }
    out.push_str(PAGE_TAIL);
    Ok(json::response(StatusCode::OK, out))
}

/// What closes a page after its rows.
const PAGE_TAIL: &str = "]}";

/// A page up to its first row: `report_config`, `_meta` (columns, links) and `"_data":[`.
fn page_head(report: &Report, locale: Locale, historical: bool, next: Option<&str>) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str(r#"{"report_config":{"name":"#);
    json::push_str(&mut out, report.name);
    out.push_str(r#"},"_meta":{"columns":["#);
    if historical {
        let date_label = match locale {
            Locale::En => "Effective date",
            Locale::De => "Gültig ab",
        };
        push_column(&mut out, EFFECTIVE_DATE, date_label, "timestamp");
    }
    for (n, c) in report.columns.iter().enumerate() {
        if historical || n > 0 {
            out.push(',');
        }
        push_column(&mut out, &c.id, c.label(locale), c.v2_type());
    }
    out.push_str(r#"],"links":"#);
    match next {
        Some(href) => {
            out.push_str(r#"{"next":{"href":"#);
            json::push_str(&mut out, href);
            out.push_str("}}");
        }
        None => out.push_str("null"),
    }
    out.push_str(r#"},"_data":["#);
    out
}

/// Row `n` of a page, after a comma unless it is the first.
fn push_row(out: &mut String, report: &Report, n: usize, (_, date, cells): &Row) {
    if n > 0 {
        out.push(',');
    }
    out.push('[');
    if let Some(d) = date {
        push_string_cell(out, EFFECTIVE_DATE, Some(&iso(*d)));
    }
    for (c, cell) in cells.iter().enumerate() {
        if date.is_some() || c > 0 {
            out.push(',');
        }
        push_cell(out, &report.columns[c], cell);
    }
    out.push(']');
}

/// Rows written per piece of a streamed page.
const ROWS_PER_PIECE: usize = 100;

/// The rest of report `id` from `from` as one page, sent piece by piece as a blocking
/// task computes its rows (a large report is not built whole before it is sent).
fn streamed(
    state: Arc<AppState>,
    id: String,
    listing: Vec<u32>,
    locale: Locale,
    from: Position,
    head: String,
) -> Response {
    let (pieces, mut received) = tokio::sync::mpsc::channel::<String>(4);
    tokio::task::spawn_blocking(move || {
        let Some(report) = state.reports.get(&id) else {
            return;
        };
        let mut piece = head;
        let company = state.company();
        for (n, row) in rows_from(&company, report, &listing, locale, from).enumerate() {
            push_row(&mut piece, report, n, &row);
            if (n + 1) % ROWS_PER_PIECE == 0 {
                // The client went away: stop computing.
                if pieces.blocking_send(std::mem::take(&mut piece)).is_err() {
                    return;
                }
            }
        }
        piece.push_str(PAGE_TAIL);
        let _ = pieces.blocking_send(piece);
    });
    let stream = futures::stream::poll_fn(move |cx| {
        received
            .poll_recv(cx)
            .map(|piece| piece.map(Ok::<_, std::convert::Infallible>))
    });
    json::streamed_response(StatusCode::OK, axum::body::Body::from_stream(stream))
}

fn push_column(out: &mut String, name: &str, display: &str, kind: &str) {
    out.push_str(r#"{"name":"#);
    json::push_str(out, name);
    out.push_str(r#","display":"#);
    json::push_str(out, display);
    out.push_str(r#","type":"#);
    json::push_str(out, kind);
    out.push('}');
}

fn push_string_cell(out: &mut String, attribute_id: &str, value: Option<&str>) {
    out.push_str(r#"{"attribute_id":"#);
    json::push_str(out, attribute_id);
    out.push_str(r#","string_value":{"value":"#);
    json::push_opt_str(out, value);
    out.push_str("}}");
}

/// The value object a cell of this data type travels in, `<kind>_value`.
fn value_kind(data_type: DataType) -> &'static str {
    match data_type {
        DataType::Text => "string_value",
        DataType::Entity
        | DataType::CostCenter
        | DataType::PerformanceTarget
        | DataType::PerformanceKpi => "options_value",
        DataType::Duration => "numeric_value",
        DataType::Salary | DataType::Compensation => "monetary_value",
        DataType::AbsenceOverview | DataType::AbsencePeriod => "time_range_value",
    }
}

/// The value object of a cell without a value: no options, or every field null.
fn blank_value(data_type: DataType) -> serde_json::Value {
    use serde_json::json;
    match data_type {
        DataType::Text => json!({"value": null}),
        DataType::Entity
        | DataType::CostCenter
        | DataType::PerformanceTarget
        | DataType::PerformanceKpi => json!({"options": []}),
        DataType::Duration => json!({"number": null}),
        DataType::Salary => json!({"amount": null, "currency": null, "currency_symbol": null}),
        DataType::Compensation => {
            json!({"amount": null, "currency": null, "currency_symbol": null, "overtime_hours": null, "bonus_type": null})
        }
        DataType::AbsenceOverview => {
            json!({"from": null, "to": null, "duration_days": null, "duration_hours": null})
        }
        DataType::AbsencePeriod => {
            json!({"from": null, "to": null, "half_day_at_start": null, "half_day_at_end": null})
        }
    }
}

/// One cell per the mapping table of the module doc.
fn push_cell(out: &mut String, col: &Column, cell: &Cell) {
    use serde_json::json;
    let v = match cell {
        Cell::Value(v) => Some(v),
        _ => None,
    };
    let data_type = col.data_type();
    if data_type == DataType::Text {
        let text = match v {
            Some(Value::Text(s)) => Some(s.as_str()),
            _ => None,
        };
        return push_string_cell(out, &col.id, text);
    }
    let body = match (data_type, v) {
        (DataType::Entity, Some(Value::Entity { id, name })) => {
            json!({"options": [{"key": id, "value": name}]})
        }
        (DataType::CostCenter, Some(Value::CostCenters(shares))) => {
            let options: Vec<_> = shares
                .iter()
                .map(|s| json!({"key": s.id.to_string(), "value": s.name, "weight": s.weight}))
                .collect();
            json!({ "options": options })
        }
        (DataType::PerformanceTarget, Some(Value::Targets(targets))) => {
            let options: Vec<_> = targets
                .iter()
                .map(|t| json!({"key": t.id, "value": t.value}))
                .collect();
            json!({ "options": options })
        }
        (DataType::PerformanceKpi, Some(Value::Targets(targets))) => {
            let options: Vec<_> = targets
                .iter()
                .flat_map(|t| {
                    t.kpis
                        .iter()
                        .map(|(k, v)| json!({"key": k, "value": v, "performance_target_id": t.id}))
                })
                .collect();
            json!({ "options": options })
        }
        (DataType::Duration, Some(&Value::Duration(h))) => json!({ "number": h }),
        (DataType::Salary, Some(&Value::Salary { amount, currency })) => {
            json!({"amount": amount, "currency": currency.code(), "currency_symbol": currency.symbol()})
        }
        (
            DataType::Compensation,
            Some(&Value::Compensation {
                amount,
                currency,
                overtime_hours,
                bonus_type,
            }),
        ) => json!({
            "amount": amount,
            "currency": currency.code(),
            "currency_symbol": currency.symbol(),
            "overtime_hours": overtime_hours,
            "bonus_type": bonus_type,
        }),
        (
            DataType::AbsenceOverview,
            Some(&Value::AbsenceOverview {
                start,
                end,
                days,
                hours,
            }),
        ) => {
            json!({"from": iso(start), "to": iso(end), "duration_days": days, "duration_hours": hours})
        }
        (
            DataType::AbsencePeriod,
            Some(&Value::AbsencePeriod {
                start,
                end,
                half_start,
                half_end,
            }),
        ) => {
            json!({"from": iso(start), "to": iso(end), "half_day_at_start": half_start, "half_day_at_end": half_end})
        }
        (data_type, _) => blank_value(data_type),
    };
    let kind = value_kind(data_type);
    out.push_str(r#"{"attribute_id":"#);
    json::push_str(out, &col.id);
    out.push(',');
    json::push_str(out, kind);
    out.push(':');
    out.push_str(&body.to_string());
    out.push('}');
}
