//! The v1 custom-report routes (scope `reports.custom:read`), in the spec's shapes:
//!
//! - `GET /v1/company/custom-reports/reports`: the catalogue, filtered by `report_ids`
//!   (comma-separated and/or repeated as `report_ids` or `report_ids[]`) and `status`.
//! - `GET /v1/company/custom-reports/reports/{id}`: one report with its items at
//!   `data[0].attributes.items`. `page` is 1-based (default 1); `limit` counts
//!   employees (default [`DEFAULT_LIMIT`], clamped to `report_page_cap`); a page past
//!   the end is a 200 with no items. Historical reports carry one item per employee
//!   whose `historical_attributes` hold every value with its `effective_date`, ordered
//!   by column, then date. `locale` translates the translated TEXT values (status).
//! - Both carry `"offset":0,"limit":0` in `metadata` next to the page fields, and
//!   each report's attributes end in `"archival_status":"live","archived_at":null`
//!   (observed, OBSERVED.md; not in the spec). The top-level `offset`/`limit` of the
//!   spec's schema stay as they were (assumed: the list echoes its size, a report page
//!   the `limit` in force).
//! - ENTITY `entity_id`s: numeric ids of departments, offices and teams as strings,
//!   now and then as numbers; text keys (legal entity codes such as `"0815"`,
//!   `"true"`/`"false"`) always as the JSON string they are (observed keys).
//! - `GET /v1/company/custom-reports/columns`: labels in `locale` (`en` default, `de`),
//!   of one report (`report_id`) or of all, optionally narrowed by `columns`; `data` is
//!   an object.
//!
//! Errors of these routes are a top-level array (the spec's `PublicAPIException`): 404
//! for an unknown report, 400 for a bad `page`/`limit`, 403 without the scope. Wire
//! habits (API_NOTES): numbers as strings (salary amounts always, durations and entity
//! ids sometimes), empty values as `""` or `null`, attributes of employees without a
//! value sometimes present and empty, sometimes left out.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use chrono::{DateTime, NaiveDate, Utc};

use super::auth::Grant;
use super::call::Call;
use super::errors::ReportError;
use super::faults::Content;
use super::json;
use super::options::Lie;
use super::query::{list_param, pairs, param};
use super::report_values::{iso, Cell, Source, Value};
use super::reports::{Catalogue, Column, DataType, Kind, Locale, Report, Seen, SCOPE};

/// Employees per page when `limit` is not given.
pub(crate) const DEFAULT_LIMIT: usize = 50;

fn require(grant: &Grant) -> Result<(), ReportError> {
    if grant.has(SCOPE) {
        Ok(())
    } else {
        Err(ReportError::missing_scope(SCOPE))
    }
}

fn push_instant(out: &mut String, t: DateTime<Utc>) {
    out.push('"');
    out.push_str(&t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    out.push('"');
}

/// A JSON object written field by field.
struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    fn new(out: &'a mut String) -> Obj<'a> {
        out.push('{');
        Obj { out, first: true }
    }

    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        json::push_str(self.out, k);
        self.out.push(':');
        self.out
    }

    fn str(&mut self, k: &str, v: &str) {
        json::push_str(self.key(k), v);
    }

    fn raw(&mut self, k: &str, v: &str) {
        self.key(k).push_str(v);
    }

    fn end(self) {
        self.out.push('}');
    }
}

/// `[{...},{...}]`: an object per item, its fields written by `fields`.
fn push_objects<T>(out: &mut String, items: &[T], mut fields: impl FnMut(&mut Obj, &T)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut o = Obj::new(out);
        fields(&mut o, item);
        o.end();
    }
    out.push(']');
}

/// The report's metadata fields (without braces), as the list and the report share them.
fn push_metadata(o: &mut Obj, r: &Report, seen: &Seen) {
    o.str("id", &r.id);
    o.str("name", r.name);
    o.str("description", r.description);
    o.str("author_first_name", r.author.0);
    o.str("author_last_name", r.author.1);
    o.str("type", r.kind.wire());
    o.str("status", seen.status.wire());
    o.str("start_date", &iso(r.start_date));
    o.str("end_date", &iso(r.end_date));
    push_instant(o.key("created_at"), r.created_at);
    push_instant(o.key("updated_at"), r.updated_at);
    push_instant(o.key("data_refreshed_at"), seen.data_refreshed_at);
    let out = o.key("columns");
    out.push('[');
    for (i, c) in r.columns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::push_str(out, &c.id);
    }
    out.push(']');
    push_objects(o.key("filters"), &r.filters, |fo, f| {
        fo.str("column", f.column);
        fo.str("comparison", f.comparison);
        fo.str("value", f.value);
    });
    o.str("period_type", r.period_type);
    // Observed on real accounts, not in the spec.
    o.str("archival_status", "live");
    o.raw("archived_at", "null");
}

/// `GET /v1/company/custom-reports/reports`. Every call counts as one read of the
/// updating report.
pub(crate) async fn list(call: Call) -> Result<Response, ReportError> {
    require(&call.grant)?;
    let q = pairs(call.query.as_deref());
    let ids = list_param(&q, "report_ids");
    let status = param(&q, "status").filter(|s| !s.is_empty());
    let catalogue: &Catalogue = &call.state.reports;
    let mut data = String::new();
    let mut n = 0;
    for r in &catalogue.reports {
        let seen = catalogue.seen(r, true);
        let wanted = ids
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|i| i.eq_ignore_ascii_case(&r.id)));
        if !wanted || status.is_some_and(|s| s != seen.status.wire()) {
            continue;
        }
        if n > 0 {
            data.push(',');
        }
        n += 1;
        data.push_str(r#"{"type":"Report","attributes":"#);
        let mut o = Obj::new(&mut data);
        push_metadata(&mut o, r, &seen);
        o.end();
        data.push('}');
    }
    let body = format!(
        r#"{{"success":true,"metadata":{{"total_elements":{n},"current_page":0,"total_pages":1,"offset":0,"limit":0}},"offset":0,"limit":{n},"data":[{data}]}}"#
    );
    Ok(json::response(StatusCode::OK, body))
}

/// A positive integer parameter, or the 400 for it.
fn positive(q: &[(String, String)], key: &'static str) -> Result<Option<usize>, ReportError> {
    match param(q, key) {
        None => Ok(None),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(ReportError::bad_param(
                key,
                format!("{key} must be a positive integer, got {v:?}"),
            )),
        },
    }
}

/// `GET /v1/company/custom-reports/reports/{id}`. The faults `lying_total`,
/// `empty_page` and `records_move` change what a page holds or claims (see `faults`).
pub(crate) async fn one(
    call: Call,
    content: Option<Extension<Content>>,
    Path(id): Path<String>,
) -> Result<Response, ReportError> {
    let content = content.map(|Extension(c)| c).unwrap_or_default();
    require(&call.grant)?;
    let catalogue: &Catalogue = &call.state.reports;
    let report = catalogue.get(&id).ok_or_else(ReportError::not_found)?;
    let q = pairs(call.query.as_deref());
    let page = positive(&q, "page")?.unwrap_or(1);
    let limit = positive(&q, "limit")?
        .unwrap_or(DEFAULT_LIMIT)
        .min(catalogue.page_cap);
    let locale = Locale::parse(param(&q, "locale"));
    let seen = catalogue.seen(report, true);

    let listing: Vec<u32> = content
        .order(report.rows.len())
        .into_iter()
        .map(|p| report.rows[p])
        .collect();
    let total = listing.len();
    let start = (page - 1).saturating_mul(limit).min(total);
    let rows = if content.empty_page {
        &[][..]
    } else {
        &listing[start..(start + limit).min(total)]
    };
    let (total_elements, total_pages) = match content.lie {
        None => (total, total.div_ceil(limit)),
        Some(Lie::Huge) => (1_000_000_000, 1_000_000_000),
        Some(Lie::Zero) => (0, 0),
        Some(Lie::Short) => (limit.min(total), 1),
    };
    let mut out = String::with_capacity(512 + rows.len() * 1024);
    out.push_str(&format!(
        r#"{{"success":true,"metadata":{{"total_elements":{total_elements},"current_page":{page},"total_pages":{total_pages},"offset":0,"limit":0}},"limit":{limit},"data":[{{"type":"Report","attributes":"#,
    ));
    let mut o = Obj::new(&mut out);
    push_metadata(&mut o, report, &seen);
    let items = o.key("items");
    items.push('[');
    let company = call.state.company();
    let ctx = report.ctx(&company, locale);
    for (n, &idx) in rows.iter().enumerate() {
        if n > 0 {
            items.push(',');
        }
        let idx = idx as usize;
        let employee_id = company.employees[idx].id;
        if n == 0 && content.string_first_id() {
            items.push_str(&format!(r#"{{"employee_id":"{employee_id}","#));
        } else {
            items.push_str(&format!(r#"{{"employee_id":{employee_id},"#));
        }
        let mut first = true;
        let mut attr = |items: &mut String, c: usize, cell: &Cell, date: Option<NaiveDate>| {
            if *cell == Cell::Absent {
                return;
            }
            if !first {
                items.push(',');
            }
            first = false;
            let quirk = report.quirk(employee_id, c, date);
            push_attribute(items, &report.columns[c], employee_id, cell, quirk, date);
        };
        if report.kind == Kind::Historical {
            items.push_str(r#""historical_attributes":["#);
            let history = report.history(&ctx, idx);
            for c in 0..report.columns.len() {
                for (date, cells) in &history {
                    attr(items, c, &cells[c], Some(*date));
                }
            }
        } else {
            items.push_str(r#""attributes":["#);
            for (c, cell) in report.cells(&ctx, idx).iter().enumerate() {
                attr(items, c, cell, None);
            }
        }
        items.push_str("]}");
    }
    items.push(']');
    o.end();
    out.push_str("}]}");
    Ok(json::response(StatusCode::OK, out))
}

/// A number as its shortest text: `40`, `37.5`.
fn num_text(n: f64) -> String {
    let mut s = String::new();
    json::push_num(&mut s, n);
    s
}

/// Writes a number, or its text when `as_string`.
fn push_loose(o: &mut Obj, k: &str, n: f64, as_string: bool) {
    if as_string {
        o.str(k, &num_text(n));
    } else {
        o.raw(k, &num_text(n));
    }
}

/// One attribute object in the shape of the spec's `*Attribute` schema of its data
/// type (`*HistoricalAttribute` with `effective_date`). `cell` is `Empty` or a value.
fn push_attribute(
    out: &mut String,
    col: &Column,
    employee_id: i64,
    cell: &Cell,
    quirk: u64,
    effective: Option<NaiveDate>,
) {
    let habits = Habits(quirk);
    let empty = habits.empty();
    let v = match cell {
        Cell::Value(v) => Some(v),
        _ => None,
    };
    let id = employee_id.to_string();
    let mut o = Obj::new(out);
    o.str("attribute_id", &col.id);
    let data_type = col.data_type();
    let dt = data_type.wire();
    match data_type {
        DataType::Entity => {
            // Numeric ids of org entities travel as strings (as the spec types them)
            // or, now and then, as numbers; text keys always as the string they are.
            let numeric = matches!(col.source, Source::Entity(_));
            match v {
                Some(Value::Entity { id, .. }) if numeric && !habits.as_string(80) => {
                    o.raw("entity_id", id)
                }
                Some(Value::Entity { id, .. }) => o.str("entity_id", id),
                _ => o.raw("entity_id", empty),
            }
            o.str("data_type", dt);
            match v {
                Some(Value::Entity { name, .. }) => o.str("value", name),
                _ => o.raw("value", empty),
            }
            o.raw("employee_id", &id);
        }
        DataType::CostCenter => {
            o.str("data_type", dt);
            o.raw("employee_id", &id);
            let list = o.key("cost_centers");
            match v {
                Some(Value::CostCenters(shares)) => push_objects(list, shares, |so, s| {
                    so.str("cost_center_id", &s.id.to_string());
                    so.str("value", &s.name);
                    so.str("weight", &format!("{}%", s.weight));
                }),
                _ if habits.as_string(70) => list.push_str("[]"),
                _ => list.push_str("null"),
            }
        }
        DataType::PerformanceTarget | DataType::PerformanceKpi => {
            let kpis = data_type == DataType::PerformanceKpi;
            o.str("data_type", dt);
            o.raw("employee_id", &id);
            let key = if kpis {
                "performance_target_kpis"
            } else {
                "performance_targets"
            };
            let list = o.key(key);
            match v {
                Some(Value::Targets(targets)) => push_objects(list, targets, |to, t| {
                    to.str("performance_target_id", &t.id);
                    if kpis {
                        push_objects(to.key("performance_kpis"), &t.kpis, |ko, (kid, kv)| {
                            ko.str("performance_kpi_id", kid);
                            ko.str("performance_kpi_value", kv);
                        });
                    } else {
                        to.str("performance_target_value", &t.value);
                    }
                }),
                _ if habits.as_string(70) => list.push_str("[]"),
                _ => list.push_str("null"),
            }
        }
        _ => {
            o.str("data_type", dt);
            if !v.is_some_and(|v| push_scalar(&mut o, data_type, v, habits)) {
                for &(k, blank) in blank_fields(data_type) {
                    o.raw(k, if blank == Blank::Empty { empty } else { "null" });
                }
            }
            o.raw("employee_id", &id);
        }
    }
    if let Some(d) = effective {
        o.str("effective_date", &iso(d));
    }
    o.end();
}

/// The wire habits of one attribute, drawn from its `quirk` bits.
#[derive(Clone, Copy)]
struct Habits(u64);

impl Habits {
    /// An empty value travels as "" or null.
    fn empty(self) -> &'static str {
        if self.0 & 1 == 0 {
            r#""""#
        } else {
            "null"
        }
    }

    /// Whether a number travels as a string this time, `share` percent of the time.
    fn as_string(self, share: u64) -> bool {
        (self.0 >> 8) % 100 < share
    }
}

/// How a field of an attribute without a value travels.
#[derive(Clone, Copy, PartialEq)]
enum Blank {
    /// As the attribute's empty value (`""` or `null`).
    Empty,
    /// Always `null` (dates).
    Null,
}

/// The fields a scalar attribute (one that is not ENTITY or a list) carries between
/// `data_type` and `employee_id`, as it writes them without a value.
fn blank_fields(data_type: DataType) -> &'static [(&'static str, Blank)] {
    use Blank::{Empty, Null};
    match data_type {
        DataType::Text => &[("value", Empty)],
        DataType::Duration => &[("duration", Empty)],
        DataType::Salary => &[("amount", Empty), ("currency_symbol", Empty)],
        DataType::Compensation => &[
            ("amount", Empty),
            ("currency_code", Empty),
            ("currency_symbol", Empty),
            ("overtime_hours", Empty),
            ("bonus_type", Empty),
        ],
        DataType::AbsenceOverview => &[
            ("start_date", Null),
            ("end_date", Null),
            ("duration_days", Empty),
            ("duration_hours", Empty),
        ],
        DataType::AbsencePeriod => &[
            ("start_date", Null),
            ("end_date", Null),
            ("half_day_at_start", Null),
            ("half_day_at_end", Null),
        ],
        DataType::Entity
        | DataType::CostCenter
        | DataType::PerformanceTarget
        | DataType::PerformanceKpi => &[],
    }
}

/// The fields of a scalar value, the same ones [`blank_fields`] lists for its type.
/// Returns false for a value of another type, which is written as blank.
fn push_scalar(o: &mut Obj, data_type: DataType, v: &Value, habits: Habits) -> bool {
    let empty = habits.empty();
    match (data_type, v) {
        (DataType::Text, Value::Text(s)) => o.str("value", s),
        (DataType::Duration, &Value::Duration(h)) => {
            push_loose(o, "duration", h, habits.as_string(30))
        }
        (DataType::Salary, Value::Salary { amount, currency }) => {
            o.str("amount", &format!("{amount:.2}"));
            o.str("currency_symbol", currency.symbol());
        }
        (
            DataType::Compensation,
            Value::Compensation {
                amount,
                currency,
                overtime_hours,
                bonus_type,
            },
        ) => {
            o.str("amount", &format!("{amount:.2}"));
            o.str("currency_code", currency.code());
            o.str("currency_symbol", currency.symbol());
            match overtime_hours {
                Some(h) => o.str("overtime_hours", &num_text(*h)),
                None => o.raw("overtime_hours", empty),
            }
            match bonus_type {
                Some(b) => o.str("bonus_type", b),
                None => o.raw("bonus_type", empty),
            }
        }
        (
            DataType::AbsenceOverview,
            Value::AbsenceOverview {
                start,
                end,
                days,
                hours,
            },
        ) => {
            push_dates(o, *start, *end);
            // Strings as the spec says, numbers now and then.
            let strings = !habits.as_string(20);
            push_loose(o, "duration_days", *days, strings);
            push_loose(o, "duration_hours", *hours, strings);
        }
        (
            DataType::AbsencePeriod,
            Value::AbsencePeriod {
                start,
                end,
                half_start,
                half_end,
            },
        ) => {
            push_dates(o, *start, *end);
            o.raw("half_day_at_start", &half_start.to_string());
            o.raw("half_day_at_end", &half_end.to_string());
        }
        _ => return false,
    }
    true
}

/// The first and last day of an absence.
fn push_dates(o: &mut Obj, start: NaiveDate, end: NaiveDate) {
    o.str("start_date", &iso(start));
    o.str("end_date", &iso(end));
}

/// `GET /v1/company/custom-reports/columns`.
pub(crate) async fn columns(call: Call) -> Result<Response, ReportError> {
    require(&call.grant)?;
    let q = pairs(call.query.as_deref());
    let locale = Locale::parse(param(&q, "locale"));
    let wanted = list_param(&q, "columns");
    let catalogue: &Catalogue = &call.state.reports;
    let reports: Vec<&Report> = match param(&q, "report_id").filter(|s| !s.is_empty()) {
        Some(id) => vec![catalogue.get(id).ok_or_else(ReportError::not_found)?],
        None => catalogue.reports.iter().collect(),
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut out = String::from(r#"{"success":true,"data":{"type":"Column","attributes":["#);
    for c in reports.iter().flat_map(|r| &r.columns) {
        if seen.contains(&c.id.as_str()) || wanted.as_ref().is_some_and(|w| !w.contains(&c.id)) {
            continue;
        }
        if !seen.is_empty() {
            out.push(',');
        }
        seen.push(&c.id);
        let mut o = Obj::new(&mut out);
        o.str("attribute_id", &c.id);
        o.str("human_readable", c.label(locale));
        o.str("data_type", c.data_type().wire());
        o.end();
    }
    out.push_str("]}}");
    Ok(json::response(StatusCode::OK, out))
}
