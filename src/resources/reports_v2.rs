//! One custom report through the v2 Report API (`GET /v2/reports/{id}`): every page,
//! by following `_meta.links.next.href`. The rows become a table in
//! [`super::report_v2_cells`].
//!
//! The report is asked for whole (no `limit`: Personio then sends every row at once),
//! so that no row can move between pages. Where Personio pages anyway, the cursor tells
//! no total and rows carry no id, so the report is read again until two passes agree
//! row for row (see [`crate::paginate`]); a run of empty pages that keeps linking on is
//! refused.

use serde_json::Value;
use url::Url;

use crate::error::{Error, Result};
use crate::paginate::{listing_changed, MAX_PASSES};
use crate::transport::{Api, Request, Response, Transport};

/// Guard against a `next` link that never ends.
const MAX_V2_PAGES: usize = 100_000;
/// Empty pages in a row that may still link on (a cursor can land between rows).
const MAX_EMPTY_PAGES_IN_A_ROW: usize = 3;

/// One column of `_meta.columns`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Column {
    /// `name`: the attribute id (`last_name`, `attendance_project`, ...).
    pub name: String,
    /// `display`: the label in the requested locale.
    pub display: String,
    /// `type`: `string`, `option`, `timestamp`, `decimal` (seen on real accounts), ...
    pub kind: String,
}

/// A report read through v2: its columns and its rows of cells, as sent.
pub struct V2Report {
    /// `_meta.columns`, in the report's order.
    pub columns: Vec<V2Column>,
    /// `_data`: one array of cells per row, aligned with `columns`.
    pub rows: Vec<Vec<Value>>,
}

/// Reads every page of report `id`, each row exactly once, or fails.
pub async fn fetch_report_v2(
    transport: &Transport,
    id: &str,
    locale: Option<&str>,
) -> Result<V2Report> {
    let mut previous: Option<V2Report> = None;
    for _ in 0..MAX_PASSES {
        let (report, pages) = read_pass(transport, id, locale).await?;
        let agrees = previous
            .as_ref()
            .is_some_and(|p| p.columns == report.columns && p.rows == report.rows);
        if pages == 1 || agrees {
            return Ok(report);
        }
        previous = Some(report);
    }
    Err(listing_changed(&format!("GET /v2/reports/{id}")))
}

/// One pass over the report's pages: the report, and how many pages it took.
async fn read_pass(
    transport: &Transport,
    id: &str,
    locale: Option<&str>,
) -> Result<(V2Report, usize)> {
    let query = locale
        .map(|locale| vec![("locale".to_string(), locale.to_string())])
        .unwrap_or_default();
    let mut request = Request::get(format!("/v2/reports/{id}"), query);
    let mut columns: Option<Vec<V2Column>> = None;
    let mut rows: Vec<Vec<Value>> = Vec::new();
    let mut seen_links = std::collections::HashSet::new();
    let mut empty_in_a_row = 0;
    for pages in 1..=MAX_V2_PAGES {
        let mut json = transport
            .execute(&request, Some(Api::V2))
            .await?
            .json(&request)?;
        let next = json
            .pointer("/_meta/links/next/href")
            .and_then(Value::as_str)
            .map(str::to_string);
        let (page_columns, page_rows) = page_content(&mut json, &request)?;
        match &columns {
            None => columns = Some(page_columns),
            Some(first) if *first != page_columns => {
                return Err(request.invalid_response(
                    "the columns changed between pages: the report changed while it was read",
                ))
            }
            Some(_) => {}
        }
        empty_in_a_row = if page_rows.is_empty() {
            empty_in_a_row + 1
        } else {
            0
        };
        rows.extend(page_rows);
        match next {
            Some(_) if empty_in_a_row >= MAX_EMPTY_PAGES_IN_A_ROW => {
                return Err(request.invalid_response(format!(
                    "{empty_in_a_row} pages in a row held no rows yet linked to more: the \
                     report would never end"
                )))
            }
            Some(next) if seen_links.insert(next.clone()) => {
                request = follow(transport, &next, &request)?
            }
            Some(next) => {
                return Err(request.invalid_response(format!(
                    "the next link {next:?} came twice: the report would never end"
                )))
            }
            None => {
                let columns = columns.unwrap_or_default();
                return Ok((V2Report { columns, rows }, pages));
            }
        }
    }
    Err(request.invalid_response(format!(
        "more than {MAX_V2_PAGES} pages: refusing to return part of the report"
    )))
}

/// A report from one v2 page body, as [`fetch_report_v2`] reads each page (its `next`
/// link is not followed). For tests that feed bodies without a server.
#[doc(hidden)]
pub fn report_from_page(body: &[u8]) -> Result<V2Report> {
    let request = Request::get("/v2/reports/0", Vec::new());
    let mut json = Response::of(bytes::Bytes::copy_from_slice(body)).json(&request)?;
    let (columns, rows) = page_content(&mut json, &request)?;
    Ok(V2Report { columns, rows })
}

/// The columns and rows of one page; the rows are moved out of `json`.
fn page_content(json: &mut Value, request: &Request) -> Result<(Vec<V2Column>, Vec<Vec<Value>>)> {
    let columns = json
        .pointer("/_meta/columns")
        .and_then(parse_columns)
        .ok_or_else(|| {
            request.invalid_response(
                "expected {\"_meta\": {\"columns\": [{\"name\", \"display\", \"type\"}]}}",
            )
        })?;
    let width = columns.len();
    let Some(Value::Array(data)) = json.get_mut("_data").map(Value::take) else {
        return Err(request.invalid_response("expected \"_data\": [[cell, ...], ...]"));
    };
    let mut rows = Vec::with_capacity(data.len());
    for (index, row) in data.into_iter().enumerate() {
        match row {
            // Moved, not copied: a page can hold tens of megabytes of cells.
            Value::Array(cells) if cells.len() <= width => rows.push(cells),
            _ => {
                return Err(request.invalid_response(format!(
                "row {index} of the page is not an array of at most {width} cells, one per column"
            )))
            }
        }
    }
    Ok((columns, rows))
}

/// `_meta.columns`; `None` when it is not a list of named columns.
fn parse_columns(columns: &Value) -> Option<Vec<V2Column>> {
    columns
        .as_array()?
        .iter()
        .map(|column| {
            let text = |key: &str| column.get(key).and_then(Value::as_str).map(str::to_string);
            Some(V2Column {
                name: text("name")?,
                display: text("display").unwrap_or_default(),
                kind: text("type").unwrap_or_default(),
            })
        })
        .collect()
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

/// Whether `error` means "this report is not served by v2" (not enabled for API access,
/// or a grouped report v2 cannot render), so that v1 should be asked instead.
pub fn not_on_v2(error: &Error) -> bool {
    matches!(error, Error::NotFound(_) | Error::BadRequest(_))
}
