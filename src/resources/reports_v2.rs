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
    let mut seen_links = std::collections::HashSet::new();
    let mut complete = false;
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
            Some(next) if seen_links.insert(next.clone()) => {
                request = follow(transport, &next, &request)?
            }
            Some(next) => {
                return Err(request.invalid_response(format!(
                    "the next link {next:?} came twice: the report would never end"
                )))
            }
            None => {
                complete = true;
                break;
            }
        }
    }
    if !complete {
        return Err(request.invalid_response(format!(
            "more than {MAX_V2_PAGES} pages: refusing to return part of the report"
        )));
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
        .map_err(|problem| request.invalid_response(problem))?;
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
) -> std::result::Result<Vec<ReportRow>, &'static str> {
    let mut rows = Vec::new();
    // Historical rows are events; they are gathered per employee and laid out exactly
    // like v1's `historical_attributes`.
    let mut events: Vec<(Value, Vec<Map<String, Value>>)> = Vec::new();
    let mut event_index: HashMap<String, usize> = HashMap::new();
    for row in data {
        let cells = row
            .as_array()
            .ok_or("a row of _data is not an array of cells")?;
        let mut employee_id = Value::Null;
        let mut effective_date = Value::Null;
        let mut attributes = Vec::new();
        for ((name, _, kind), cell) in columns.iter().zip(cells) {
            match name.as_str() {
                EMPLOYEE_COLUMN => employee_id = scalar_value(cell),
                EFFECTIVE_DATE_COLUMN => effective_date = scalar_value(cell),
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
            // Without the employee, periods of different people would merge.
            if employee_id.is_null() {
                return Err("a historical report row names no employee_id");
            }
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
    Ok(rows)
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The scalar a cell holds, whatever kind of value it is.
fn scalar_value(cell: &Value) -> Value {
    [
        "/string_value/value",
        "/numeric_value/number",
        "/percentage_value/value",
    ]
    .iter()
    .find_map(|path| cell.pointer(path).filter(|v| !v.is_null()))
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
        "ENTITY" => match options().as_slice() {
            [] => json!({}),
            [option] => json!({"entity_id": option.get("key"), "value": option.get("value")}),
            // More than one: kept whole, so the columns fall back to raw strings.
            many => json!({"entity_id": many, "value": many}),
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
        // TEXT, and any type this client does not know: the scalar, or else the whole
        // cell, which then does not parse as text and keeps the column as raw strings.
        _ => match scalar_value(cell) {
            Value::Null if has_value(cell) => json!({"value": cell}),
            scalar => json!({"value": scalar}),
        },
    };
    match object {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Whether a cell holds anything besides its attribute id: some non-null leaf.
fn has_value(cell: &Value) -> bool {
    fn content(value: &Value) -> bool {
        match value {
            Value::Null => false,
            Value::Object(fields) => fields.values().any(content),
            Value::Array(items) => items.iter().any(content),
            _ => true,
        }
    }
    cell.as_object()
        .is_some_and(|o| o.iter().any(|(k, v)| k != "attribute_id" && content(v)))
}

/// Whether `error` means "this report is not served by v2" (not enabled for API access,
/// or a grouped report v2 cannot render), so that v1 should be asked instead.
pub fn not_on_v2(error: &Error) -> bool {
    matches!(error, Error::NotFound(_) | Error::BadRequest(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(spec: &[(&str, &str)]) -> Vec<(String, String, String)> {
        spec.iter()
            .map(|(name, kind)| (name.to_string(), String::new(), kind.to_string()))
            .collect()
    }

    #[test]
    fn unknown_cells_keep_their_value() {
        let numeric = json!({"attribute_id": "x", "numeric_value": {"number": 4.5}});
        assert_eq!(v1_attribute("TEXT", &numeric)["value"], json!(4.5));
        let odd = json!({"attribute_id": "x", "mystery_value": {"a": 1}});
        assert_eq!(v1_attribute("TEXT", &odd)["value"], odd);
        let empty = json!({"attribute_id": "x", "string_value": {"value": null}});
        assert_eq!(v1_attribute("TEXT", &empty)["value"], Value::Null);
    }

    #[test]
    fn several_entity_options_are_kept_whole() {
        let cell = json!({"attribute_id": "team", "options_value": {"options": [
            {"key": "1", "value": "A"}, {"key": "2", "value": "B"}]}});
        assert!(v1_attribute("ENTITY", &cell)["entity_id"].is_array());
    }

    #[test]
    fn historical_rows_need_an_employee() {
        let spec = columns(&[("effective_date", "timestamp"), ("department", "option")]);
        let row = json!([
            {"attribute_id": "effective_date", "string_value": {"value": "2024-01-01"}},
            {"attribute_id": "department", "options_value": {"options": [{"key": "1", "value": "IT"}]}}
        ]);
        assert!(shape_rows(&spec, &[row], true).is_err());
    }

    #[test]
    fn historical_rows_are_grouped_per_employee() {
        let spec = columns(&[
            ("employee_id", "string"),
            ("effective_date", "timestamp"),
            ("department", "option"),
        ]);
        let row = |id: &str, date: &str, dept: &str| {
            json!([
                {"attribute_id": "employee_id", "string_value": {"value": id}},
                {"attribute_id": "effective_date", "string_value": {"value": date}},
                {"attribute_id": "department", "options_value": {"options": [{"key": dept, "value": dept}]}}
            ])
        };
        let data = [
            row("1", "2024-01-01", "10"),
            row("2", "2024-02-01", "20"),
            row("1", "2024-03-01", "30"),
        ];
        let rows = shape_rows(&spec, &data, true).unwrap();
        let periods: Vec<(String, Option<String>)> = rows
            .iter()
            .map(|r| (r.employee_id.to_string(), r.valid_from.clone()))
            .collect();
        assert_eq!(
            periods,
            [
                ("\"1\"".to_string(), Some("2024-01-01".to_string())),
                ("\"1\"".to_string(), Some("2024-03-01".to_string())),
                ("\"2\"".to_string(), Some("2024-02-01".to_string())),
            ]
        );
    }
}
