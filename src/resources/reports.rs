//! Custom reports as typed Arrow: the report list, and one report through v1 Custom
//! Reports (`/v1/company/custom-reports/...`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::time::Instant;

use super::names::Names;
use super::report_columns::{extract, plan_report_columns, ReportColumn, ReportRow};
use super::report_ref::parse_report_reference;
use super::report_rows::{historical_rows, snapshot_row};
use super::report_v2_cells::{v2_report_table, EFFECTIVE_DATE_COLUMN};
use super::reports_v2::{fetch_report_v2, not_on_v2};
use crate::arrow::{build_table, ColumnDef, Kind, Table};
use crate::error::{ApiFailure, Error, Result};
use crate::paginate::{id_text, read_listing, Addressing, Claim, Page};
use crate::transport::{Api, Request, Response, Transport};

const REPORTS_PATH: &str = "/v1/company/custom-reports/reports";
const COLUMNS_PATH: &str = "/v1/company/custom-reports/columns";
/// Employees per report page.
const REPORT_PAGE_SIZE: u64 = 100;
/// First pause between two looks at an updating report; it grows to `MAX_POLL`.
const FIRST_POLL: Duration = Duration::from_millis(500);
const MAX_POLL: Duration = Duration::from_secs(10);

/// How to read one report.
#[derive(Debug, Clone)]
pub struct ReportQuery {
    /// Language of the labels (`en`, `de`, ...); Personio's default when `None`.
    pub locale: Option<String>,
    /// Column naming.
    pub names: Names,
    /// Wait while the report is updating (else fail at once).
    pub wait: bool,
    /// The longest wait for an updating report.
    pub timeout: Duration,
    /// Which API reads the report.
    pub api: ReportApi,
}

/// Which API reads a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportApi {
    /// v2 where the report is served there, v1 otherwise.
    #[default]
    Auto,
    /// v1 Custom Reports only (switched off by Personio on 2027-06-30).
    V1,
    /// The v2 Report API only. v2 tells no report status, so none is waited for.
    V2,
}

impl std::str::FromStr for ReportApi {
    type Err = Error;

    fn from_str(value: &str) -> Result<ReportApi> {
        match value {
            "auto" => Ok(ReportApi::Auto),
            "v1" => Ok(ReportApi::V1),
            "v2" => Ok(ReportApi::V2),
            other => Err(Error::invalid_argument(format!(
                "api must be \"auto\", \"v1\" or \"v2\", got {other:?}"
            ))),
        }
    }
}

impl Default for ReportQuery {
    fn default() -> Self {
        ReportQuery {
            locale: None,
            names: Names::Key,
            wait: true,
            timeout: Duration::from_secs(300),
            api: ReportApi::Auto,
        }
    }
}

/// The metadata of every report the credential can see, as v1 lists it.
pub async fn fetch_report_list(
    transport: &Transport,
    ids: &[String],
) -> Result<Vec<Map<String, Value>>> {
    let query = if ids.is_empty() {
        Vec::new()
    } else {
        vec![("report_ids".to_string(), ids.join(","))]
    };
    let request = Request::get(REPORTS_PATH, query.clone());
    let json = transport.get_json(Api::V1, REPORTS_PATH, query).await?;
    json.get("data")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.get("attributes").and_then(Value::as_object).cloned())
                .collect()
        })
        .ok_or_else(|| {
            request.invalid_response(
                "expected {\"data\": [{\"type\": \"Report\", \"attributes\": ...}]}",
            )
        })
}

/// The report list as a table: id, name, description, type, status, dates, columns.
pub fn report_list_table(reports: &[Map<String, Value>]) -> Result<Table> {
    let columns: Vec<ColumnDef> = [
        ("id", Kind::Utf8),
        ("name", Kind::Utf8),
        ("description", Kind::Utf8),
        ("type", Kind::Utf8),
        ("status", Kind::Utf8),
        ("period_type", Kind::Utf8),
        ("start_date", Kind::Date32),
        ("end_date", Kind::Date32),
        ("created_at", Kind::TimestampUtc),
        ("updated_at", Kind::TimestampUtc),
        ("data_refreshed_at", Kind::TimestampUtc),
        ("author_first_name", Kind::Utf8),
        ("author_last_name", Kind::Utf8),
        ("columns", Kind::StringList),
    ]
    .into_iter()
    .map(|(name, kind)| ColumnDef {
        name: name.into(),
        kind,
        metadata: HashMap::from([("personio.key".to_string(), name.to_string())]),
    })
    .collect();
    build_table(&columns, reports.len(), |c, r| {
        reports[r].get(&columns[c].name).map(Cow::Borrowed)
    })
}

/// One report, typed, through the API `query.api` chooses.
pub async fn fetch_report(
    transport: &Transport,
    reference: &str,
    query: &ReportQuery,
) -> Result<Table> {
    let id = parse_report_reference(reference)?;
    if query.api == ReportApi::V2 {
        return v2_table(transport, &id, query, None).await;
    }
    // Only v1 tells whether Personio is still updating the report. In auto mode a v1
    // that does not know the report (or is gone) must not keep v2 from reading it.
    let info = match wait_until_ready(transport, &id, query).await {
        Err(v1_error) if query.api == ReportApi::Auto && not_on_v1(&v1_error) => {
            // v2's answer is the one that says what to fix (API access off, a grouped
            // report, a missing right); v1's is named beside it.
            return v2_table(transport, &id, query, None)
                .await
                .map_err(|v2_error| with_v1_answer(v2_error, &v1_error));
        }
        info => info?,
    };
    if query.api == ReportApi::Auto {
        match v2_table(transport, &id, query, Some(&info)).await {
            Err(error) if not_on_v2(&error) => {}
            done => return done,
        }
    }
    v1_table(transport, &id, &info, query).await
}

/// Whether v1 cannot tell anything about the report (unknown there, no v1 scope, or v1
/// switched off), so that v2 may still be asked.
fn not_on_v1(error: &Error) -> bool {
    matches!(
        error,
        Error::NotFound(_) | Error::PermissionDenied(_) | Error::BadRequest(_)
    )
}

/// `v2_error`, its message followed by what v1 answered.
fn with_v1_answer(mut v2_error: Error, v1_error: &Error) -> Error {
    if let (Some(v1), Some(failure)) = (v1_error.failure(), v2_error.failure_mut()) {
        failure.message = format!(
            "{} (v2 Report API; v1 Custom Reports answered: {})",
            failure.message, v1.message
        );
    }
    v2_error
}

/// One report through v2; `info` is its v1 metadata where v1 knows it. Historical
/// reports are known by v1's `type`, or by v2's effective-date column.
async fn v2_table(
    transport: &Transport,
    id: &str,
    query: &ReportQuery,
    info: Option<&Map<String, Value>>,
) -> Result<Table> {
    let report = fetch_report_v2(transport, id, query.locale.as_deref()).await?;
    let historical = match info {
        Some(info) => is_historical(info),
        None => report
            .columns
            .iter()
            .any(|c| c.name == EFFECTIVE_DATE_COLUMN),
    };
    v2_report_table(&report, historical, query.names)
}

fn is_historical(info: &Map<String, Value>) -> bool {
    info.get("type").and_then(Value::as_str) == Some("historical_data")
}

fn report_table(
    columns: &[ReportColumn],
    historical: bool,
    rows: &[ReportRow],
    names: Names,
) -> Result<Table> {
    let planned = plan_report_columns(columns, historical, names);
    let defs: Vec<ColumnDef> = planned.iter().map(|p| p.def.clone()).collect();
    build_table(&defs, rows.len(), |c, r| extract(&planned[c], &rows[r]))
}

/// One report through v1 Custom Reports: columns, then pages fetched concurrently.
async fn v1_table(
    transport: &Transport,
    id: &str,
    info: &Map<String, Value>,
    query: &ReportQuery,
) -> Result<Table> {
    let historical = is_historical(info);
    let columns = fetch_columns(transport, id, query.locale.as_deref(), info).await?;
    let path = format!("{REPORTS_PATH}/{id}");
    let fetch = |page: u64| {
        let mut params = vec![
            ("page".to_string(), page.to_string()),
            ("limit".to_string(), REPORT_PAGE_SIZE.to_string()),
        ];
        if let Some(locale) = &query.locale {
            params.push(("locale".into(), locale.clone()));
        }
        let request = Request::get(path.clone(), params);
        async move {
            let json = transport
                .execute(&request, Some(Api::V1))
                .await?
                .json(&request)?;
            rows_of_page(json, historical, &request)
        }
    };
    let endpoint = format!("GET {REPORTS_PATH}/{{id}}");
    let pages = read_listing(
        Addressing::PageNumber,
        transport.config().concurrency,
        &endpoint,
        fetch,
    )
    .await?;
    let rows: Vec<ReportRow> = pages.into_iter().flat_map(|p| p.content).collect();
    report_table(&columns, historical, &rows, query.names)
}

/// The report's metadata once it is up to date: waits with a growing pause while it is
/// updating (if asked to), fails at once if its last update failed.
async fn wait_until_ready(
    transport: &Transport,
    id: &str,
    query: &ReportQuery,
) -> Result<Map<String, Value>> {
    let started = Instant::now();
    let mut pause = FIRST_POLL;
    loop {
        let info = fetch_report_list(transport, &[id.to_string()])
            .await?
            .into_iter()
            .find(|r| {
                r.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.eq_ignore_ascii_case(id))
            })
            .ok_or_else(|| {
                Error::NotFound(ApiFailure {
                    status: None,
                    trace_id: None,
                    message: format!("no custom report {id} is visible to this credential"),
                    endpoint: format!("GET {REPORTS_PATH}"),
                })
            })?;
        let status = info
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("up_to_date");
        let not_ready = |message: String| {
            Error::ReportNotReady(ApiFailure {
                status: None,
                trace_id: None,
                message,
                endpoint: format!("GET {REPORTS_PATH}/{id}"),
            })
        };
        match status {
            "updating" if !query.wait => {
                return Err(not_ready(format!(
                    "report {id} is still updating in Personio; pass wait=True to wait for it"
                )))
            }
            "updating" if started.elapsed() + pause > query.timeout => {
                return Err(not_ready(format!(
                    "report {id} was still updating after {:.0} s",
                    started.elapsed().as_secs_f64()
                )))
            }
            "updating" => {
                tokio::time::sleep(pause).await;
                pause = (pause * 3 / 2).min(MAX_POLL);
            }
            "update_failed" => {
                return Err(not_ready(format!(
                    "Personio could not update report {id}; open it in Personio to refresh it"
                )))
            }
            _ => return Ok(info),
        }
    }
}

/// The report's columns with labels in `locale`, in the report's own column order.
async fn fetch_columns(
    transport: &Transport,
    id: &str,
    locale: Option<&str>,
    info: &Map<String, Value>,
) -> Result<Vec<ReportColumn>> {
    let mut params = vec![("report_id".to_string(), id.to_string())];
    if let Some(locale) = locale {
        params.push(("locale".into(), locale.into()));
    }
    let request = Request::get(COLUMNS_PATH, params.clone());
    let json = transport.get_json(Api::V1, COLUMNS_PATH, params).await?;
    columns_of(&json, &request, info)
}

/// The columns of a `/custom-reports/columns` answer, in the order `info` names.
fn columns_of(
    json: &Value,
    request: &Request,
    info: &Map<String, Value>,
) -> Result<Vec<ReportColumn>> {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let described: Vec<ReportColumn> = json
        .pointer("/data/attributes")
        .and_then(Value::as_array)
        .ok_or_else(|| request.invalid_response("expected {\"data\": {\"attributes\": [...]}}"))?
        .iter()
        .filter_map(|c| {
            let attribute_id = text(c, "attribute_id")?;
            Some(ReportColumn {
                label: text(c, "human_readable").unwrap_or_else(|| attribute_id.clone()),
                data_type: text(c, "data_type").unwrap_or_else(|| "TEXT".into()),
                attribute_id,
            })
        })
        .collect();
    let order: Vec<&str> = info
        .get("columns")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if order.is_empty() {
        return Ok(described);
    }
    let mut by_id: HashMap<&str, &ReportColumn> = described
        .iter()
        .map(|c| (c.attribute_id.as_str(), c))
        .collect();
    let mut ordered: Vec<ReportColumn> = order
        .iter()
        .filter_map(|id| by_id.remove(id).cloned())
        .collect();
    // Columns the list did not name still come, after the named ones.
    ordered.extend(
        described
            .iter()
            .filter(|c| by_id.contains_key(c.attribute_id.as_str()))
            .cloned(),
    );
    Ok(ordered)
}

/// A v1 report through the same conversion as [`fetch_report`] reading it from v1
/// (columns named by key), from its list entry `info`, its `/custom-reports/columns`
/// body and its pages in order, without a server. For tests that feed bodies.
#[doc(hidden)]
pub fn report_table_from_pages(
    info: &Map<String, Value>,
    columns_body: &[u8],
    page_bodies: &[bytes::Bytes],
) -> Result<Table> {
    let request = Request::get(COLUMNS_PATH, Vec::new());
    let json = Response::of(bytes::Bytes::copy_from_slice(columns_body)).json(&request)?;
    let columns = columns_of(&json, &request, info)?;
    let historical = is_historical(info);
    let id = info.get("id").and_then(Value::as_str).unwrap_or("0");
    let request = Request::get(format!("{REPORTS_PATH}/{id}"), Vec::new());
    // As the paging hands them over (it has already made each record come once).
    let mut rows = Vec::new();
    for body in page_bodies {
        let json = Response::of(body.clone()).json(&request)?;
        rows.extend(rows_of_page(json, historical, &request)?.content);
    }
    report_table(&columns, historical, &rows, Names::Key)
}

/// [`report_page`], or [`Error::InvalidResponse`] naming `request`'s endpoint.
fn rows_of_page(json: Value, historical: bool, request: &Request) -> Result<Page<Vec<ReportRow>>> {
    report_page(json, historical).ok_or_else(|| {
        request.invalid_response("expected {\"data\": [{\"attributes\": {\"items\": [...]}}]}")
    })
}

/// The rows of one v1 report page (`data[0].attributes.items`), one id per item.
fn report_page(mut json: Value, historical: bool) -> Option<Page<Vec<ReportRow>>> {
    let count = |path: &str| json.pointer(path).and_then(crate::arrow::parse::count);
    let claim = Claim {
        records: count("/metadata/total_elements"),
        pages: count("/metadata/total_pages"),
    };
    let page_is_empty = json
        .get("data")
        .and_then(Value::as_array)
        .is_some_and(|d| d.is_empty());
    // Moved out, not copied: a page can hold megabytes of cells.
    let items = match json
        .pointer_mut("/data/0/attributes/items")
        .map(Value::take)
    {
        Some(Value::Array(items)) => items,
        // A page past the end may come without a report object.
        None if page_is_empty => Vec::new(),
        _ => return None,
    };
    let len = items.len();
    let key = if historical {
        "historical_attributes"
    } else {
        "attributes"
    };
    let mut rows = Vec::new();
    let mut ids = Vec::with_capacity(len);
    for mut item in items {
        let employee_id = item.get_mut("employee_id").map_or(Value::Null, Value::take);
        ids.push(id_text(&employee_id));
        let cells: Vec<Map<String, Value>> = match item.get_mut(key).map(Value::take) {
            Some(Value::Array(cells)) => cells
                .into_iter()
                .filter_map(|cell| match cell {
                    Value::Object(map) => Some(map),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        if historical {
            rows.extend(historical_rows(employee_id, cells));
        } else {
            rows.push(snapshot_row(employee_id, cells));
        }
    }
    Some(Page {
        len,
        claim,
        ids,
        content: rows,
    })
}
