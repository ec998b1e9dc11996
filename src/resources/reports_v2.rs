//! One custom report through the v2 Report API (`GET /v2/reports/{id}`).
//!
//! v2 sends rows of cells aligned with `_meta.columns`, each column with a `type`, and
//! pages by following `_meta.links.next.href`. Each cell is turned back into the v1
//! attribute object of the same data type, so both APIs share one typing path and give
//! the same table for the same report.

use std::collections::HashMap;

use serde_json::{json, Map, Value};
use url::Url;

use super::report_columns::{ReportColumn, ReportRow};
use super::report_rows::{historical_rows, snapshot_row};
use crate::error::{Error, Result};
use crate::transport::{Api, Request, Transport};

/// Rows per v2 page.
const V2_PAGE_ROWS: u32 = 1000;
/// Guard against a `next` link that never ends.
const MAX_V2_PAGES: usize = 100_000;
const EMPLOYEE_COLUMN: &str = "employee_id";
const EFFECTIVE_DATE_COLUMN: &str = "effective_date";

/// A report read through v2: its columns (without the employee and date columns),
/// whether it is historical, and its rows.
pub struct V2Report {
    /// The report's columns, typed by their v1 data type.
    pub columns: Vec<ReportColumn>,
    /// Whether rows are effective-dated.
    pub historical: bool,
    /// The rows, in the API's order.
    pub rows: Vec<ReportRow>,
}

/// Reads every page of report `id`.
pub async fn fetch_report_v2(
    transport: &Transport,
    id: &str,
    locale: Option<&str>,
) -> Result<V2Report> {
    let mut query = vec![("limit".to_string(), V2_PAGE_ROWS.to_string())];
    if let Some(locale) = locale {
        query.push(("locale".into(), locale.into()));
    }
    let mut request = Request::get(format!("/v2/reports/{id}"), query);
    let mut columns: Option<Vec<Value>> = None;
    let mut raw_rows: Vec<Value> = Vec::new();
    for _ in 0..MAX_V2_PAGES {
        let mut json = transport
            .execute(&request, Some(Api::V2))
            .await?
            .json(&request)?;
        let next = json
            .pointer("/_meta/links/next/href")
            .and_then(Value::as_str)
            .map(str::to_string);
        let page_columns = json.pointer_mut("/_meta/columns").map(Value::take);
        let data = json.get_mut("_data").map(Value::take);
        let (Some(Value::Array(page_columns)), Some(Value::Array(data))) = (page_columns, data)
        else {
            return Err(request.invalid_response(
                "expected {\"_meta\": {\"columns\": [...]}, \"_data\": [[...]]}",
            ));
        };
        columns.get_or_insert(page_columns);
        // Moved, not copied: a page can hold tens of megabytes of cells.
        raw_rows.extend(data);
        match next {
            Some(next) => request = follow(transport, &next, &request)?,
            None => break,
        }
    }
    let columns = columns.unwrap_or_default();
    let described: Vec<(String, String, String)> = columns
        .iter()
        .map(|c| {
            let text = |key: &str| {
                c.get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            (text("name"), text("display"), text("type"))
        })
        .collect();
    let historical = described
        .iter()
        .any(|(name, _, _)| name == EFFECTIVE_DATE_COLUMN);
    let report_columns = described
        .iter()
        .filter(|(name, _, _)| name != EMPLOYEE_COLUMN && name != EFFECTIVE_DATE_COLUMN)
        .map(|(name, display, kind)| ReportColumn {
            attribute_id: name.clone(),
            label: if display.is_empty() {
                name.clone()
            } else {
                display.clone()
            },
            data_type: v1_data_type(kind).to_string(),
        })
        .collect();
    let rows = shape_rows(&described, &raw_rows, historical)
        .ok_or_else(|| request.invalid_response("a row of _data is not an array of cells"))?;
    Ok(V2Report {
        columns: report_columns,
        historical,
        rows,
    })
}

/// The request for a `next` link, absolute or relative, below the configured base URL.
fn follow(transport: &Transport, href: &str, previous: &Request) -> Result<Request> {
    let base = &transport.config().base_url;
    let url = base
        .join(href)
        .or_else(|_| Url::parse(href))
        .map_err(|_| previous.invalid_response(format!("the next link {href:?} is not a URL")))?;
    let prefix = base.path().trim_end_matches('/');
    let path = url
        .path()
        .strip_prefix(prefix)
        .unwrap_or(url.path())
        .to_string();
    let query = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    Ok(Request::get(path, query))
}

/// The v1 data type a v2 column `type` stands for.
fn v1_data_type(v2_type: &str) -> &'static str {
    match v2_type {
        "option" => "ENTITY",
        "decimal" => "DURATION",
        "cost_center" => "COST_CENTER",
        "salary" => "SALARY",
        "compensation" => "COMPENSATION",
        "absence_overview" => "ABSENCE_OVERVIEW",
        "absence_period" => "ABSENCE_PERIOD",
        "performance_target" => "PERFORMANCE_TARGET",
        "performance_kpi" => "PERFORMANCE_KPI",
        _ => "TEXT",
    }
}

fn shape_rows(
    columns: &[(String, String, String)],
    data: &[Value],
    historical: bool,
) -> Option<Vec<ReportRow>> {
    let mut rows = Vec::new();
    // Historical rows are events; they are gathered per employee and laid out exactly
    // like v1's `historical_attributes`.
    let mut events: Vec<(Value, Vec<Map<String, Value>>)> = Vec::new();
    let mut event_index: HashMap<String, usize> = HashMap::new();
    for row in data {
        let cells = row.as_array()?;
        let mut employee_id = Value::Null;
        let mut effective_date = Value::Null;
        let mut attributes = Vec::new();
        for ((name, _, kind), cell) in columns.iter().zip(cells) {
            match name.as_str() {
                EMPLOYEE_COLUMN => employee_id = string_value(cell),
                EFFECTIVE_DATE_COLUMN => effective_date = string_value(cell),
                _ => {
                    let mut attribute = v1_attribute(v1_data_type(kind), cell);
                    if attribute.values().all(is_empty) {
                        continue;
                    }
                    attribute.insert("attribute_id".into(), Value::from(name.as_str()));
                    if historical {
                        attribute.insert("effective_date".into(), effective_date.clone());
                    }
                    attributes.push(attribute);
                }
            }
        }
        if historical {
            let key = employee_id.to_string();
            let index = *event_index.entry(key).or_insert_with(|| {
                events.push((employee_id.clone(), Vec::new()));
                events.len() - 1
            });
            events[index].1.extend(attributes);
        } else {
            rows.push(snapshot_row(employee_id, attributes));
        }
    }
    for (employee_id, cells) in events {
        rows.extend(historical_rows(employee_id, cells));
    }
    Some(rows)
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn string_value(cell: &Value) -> Value {
    cell.pointer("/string_value/value")
        .cloned()
        .unwrap_or(Value::Null)
}

/// A v2 cell as the v1 attribute object of `data_type` (see the fake's mapping table).
fn v1_attribute(data_type: &str, cell: &Value) -> Map<String, Value> {
    let get = |path: &str| cell.pointer(path).cloned().unwrap_or(Value::Null);
    let options = || {
        cell.pointer("/options_value/options")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let object = match data_type {
        "ENTITY" => match options().first() {
            Some(option) => json!({"entity_id": option.get("key"), "value": option.get("value")}),
            None => json!({}),
        },
        "DURATION" => json!({"duration": get("/numeric_value/number")}),
        "COST_CENTER" => json!({"cost_centers": options()
            .iter()
            .map(|o| json!({"cost_center_id": o.get("key"), "value": o.get("value"), "weight": o.get("weight")}))
            .collect::<Vec<_>>()}),
        "SALARY" => json!({
            "amount": get("/monetary_value/amount"),
            "currency_symbol": get("/monetary_value/currency_symbol"),
        }),
        "COMPENSATION" => json!({
            "amount": get("/monetary_value/amount"),
            "currency_code": get("/monetary_value/currency"),
            "currency_symbol": get("/monetary_value/currency_symbol"),
            "overtime_hours": get("/monetary_value/overtime_hours"),
            "bonus_type": get("/monetary_value/bonus_type"),
        }),
        "ABSENCE_OVERVIEW" => json!({
            "start_date": get("/time_range_value/from"),
            "end_date": get("/time_range_value/to"),
            "duration_days": get("/time_range_value/duration_days"),
            "duration_hours": get("/time_range_value/duration_hours"),
        }),
        "ABSENCE_PERIOD" => json!({
            "start_date": get("/time_range_value/from"),
            "end_date": get("/time_range_value/to"),
            "half_day_at_start": get("/time_range_value/half_day_at_start"),
            "half_day_at_end": get("/time_range_value/half_day_at_end"),
        }),
        "PERFORMANCE_TARGET" => json!({"performance_targets": options()
            .iter()
            .map(|o| json!({"performance_target_id": o.get("key"), "performance_target_value": o.get("value")}))
            .collect::<Vec<_>>()}),
        "PERFORMANCE_KPI" => {
            // One option per KPI, each naming its target: regroup them per target, in order.
            let mut targets: Vec<(Value, Vec<Value>)> = Vec::new();
            for option in options() {
                let target = option
                    .get("performance_target_id")
                    .cloned()
                    .unwrap_or(Value::Null);
                let kpi = json!({"performance_kpi_id": option.get("key"), "performance_kpi_value": option.get("value")});
                match targets.last_mut() {
                    Some((last, kpis)) if *last == target => kpis.push(kpi),
                    _ => targets.push((target, vec![kpi])),
                }
            }
            json!({"performance_target_kpis": targets
                .into_iter()
                .map(|(target, kpis)| json!({"performance_target_id": target, "performance_kpis": kpis}))
                .collect::<Vec<_>>()})
        }
        _ => json!({"value": get("/string_value/value")}),
    };
    match object {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Whether `error` means "this report is not served by v2" (not enabled for API access,
/// or a grouped report v2 cannot render), so that v1 should be asked instead.
pub fn not_on_v2(error: &Error) -> bool {
    matches!(error, Error::NotFound(_) | Error::BadRequest(_))
}
