//! One custom report through v1 Custom Reports (`/v1/company/custom-reports/...`):
//! its columns, then its pages through the common pipeline, each page converted to an
//! Arrow chunk as it arrives.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use bytes::Bytes;
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use super::names::Names;
use super::report_columns::{extract, plan_report_columns, slots_of, PlannedColumn, ReportColumn};
use super::report_rows::{report_page, Slots};
use super::report_v1_wire::read_page;
use crate::arrow::build::{build_chunk, join_kept_chunks, Chunk, RawStrings};
use crate::arrow::{ColumnDef, Table};
use crate::error::Result;
use crate::paginate::{Addressing, Page};
use crate::pipeline::{read_pages, PageSource};
use crate::stream::stream_pages;
use crate::transport::{Api, Request, Response, Transport};

pub(super) const REPORTS_PATH: &str = "/v1/company/custom-reports/reports";
const COLUMNS_PATH: &str = "/v1/company/custom-reports/columns";
/// Employees per report page.
const REPORT_PAGE_SIZE: u64 = 100;

/// One report through v1: `info` is its entry in the report list.
pub async fn v1_table(
    transport: &Transport,
    id: &str,
    info: &Map<String, Value>,
    locale: Option<&str>,
    names: Names,
) -> Result<Table> {
    let pages = report_pages(transport, id, info, locale, names).await?;
    let converted = read_pages(transport, Api::V1, Addressing::PageNumber, pages.clone()).await?;
    pages.join(converted)
}

/// One report through v1, sent to `out` in batches of at most `batch_size` rows while
/// its pages are read (see [`crate::stream`]): each window of pages is joined as
/// [`v1_table`] joins them all. An error before the pages are read (the columns) is
/// returned; later ones are sent.
pub async fn stream_v1(
    transport: &Transport,
    id: &str,
    info: &Map<String, Value>,
    locale: Option<&str>,
    names: Names,
    batch_size: usize,
    out: mpsc::Sender<Result<RecordBatch>>,
) -> Result<()> {
    let pages = report_pages(transport, id, info, locale, names).await?;
    let join = |window| {
        let pages = pages.clone();
        async move { pages.join(window) }
    };
    let source = pages.clone();
    stream_pages(
        transport,
        Api::V1,
        Addressing::PageNumber,
        source,
        batch_size,
        join,
        out,
    )
    .await;
    Ok(())
}

/// The pages of report `id`, its columns read first.
async fn report_pages(
    transport: &Transport,
    id: &str,
    info: &Map<String, Value>,
    locale: Option<&str>,
    names: Names,
) -> Result<Arc<ReportPages>> {
    let columns = fetch_columns(transport, id, locale, info).await?;
    Ok(Arc::new(ReportPages::new(
        id,
        locale,
        is_historical(info),
        &columns,
        names,
    )))
}

/// Whether the list entry `info` is a historical report.
pub fn is_historical(info: &Map<String, Value>) -> bool {
    info.get("type").and_then(Value::as_str) == Some("historical_data")
}

/// The pages of one report and how each becomes a chunk of its table.
struct ReportPages {
    path: String,
    locale: Option<String>,
    historical: bool,
    planned: Vec<PlannedColumn>,
    defs: Vec<ColumnDef>,
    slots: Slots,
}

impl ReportPages {
    fn new(
        id: &str,
        locale: Option<&str>,
        historical: bool,
        columns: &[ReportColumn],
        names: Names,
    ) -> ReportPages {
        let planned = plan_report_columns(columns, historical, names);
        ReportPages {
            path: format!("{REPORTS_PATH}/{id}"),
            locale: locale.map(str::to_string),
            historical,
            defs: planned.iter().map(|p| p.def.clone()).collect(),
            planned,
            slots: slots_of(columns),
        }
    }

    fn join(&self, pages: Vec<Page<Chunk>>) -> Result<Table> {
        let chunks = pages.into_iter().map(|page| page.content).collect();
        join_kept_chunks(&self.defs, chunks)
    }
}

impl PageSource for ReportPages {
    type Content = Chunk;

    fn request(&self, page: u64) -> Request {
        let mut query = vec![
            ("page".to_string(), page.to_string()),
            ("limit".to_string(), REPORT_PAGE_SIZE.to_string()),
        ];
        if let Some(locale) = &self.locale {
            query.push(("locale".into(), locale.clone()));
        }
        Request::get(self.path.clone(), query)
    }

    fn convert(&self, body: Bytes, request: &Request, _page: u64) -> Result<Page<Chunk>> {
        let wire = read_page(&body, self.historical)
            .map_err(|e| request.invalid_response(format!("the body is not valid JSON ({e})")))?;
        let page = report_page(&wire, self.historical, &self.slots).ok_or_else(|| {
            request.invalid_response("expected {\"data\": [{\"attributes\": {\"items\": [...]}}]}")
        })?;
        let rows = &page.content;
        let chunk = build_chunk(
            &self.defs,
            rows.len(),
            |c, r| extract(&self.planned[c], &rows[r]),
            RawStrings::Kept,
        );
        Ok(Page {
            len: page.len,
            claim: page.claim,
            ids: page.ids,
            content: chunk,
        })
    }
}

/// The report's columns with labels in `locale`, in the report's own column order.
async fn fetch_columns(
    transport: &Transport,
    id: &str,
    locale: Option<&str>,
    info: &Map<String, Value>,
) -> Result<Vec<ReportColumn>> {
    let mut query = vec![("report_id".to_string(), id.to_string())];
    if let Some(locale) = locale {
        query.push(("locale".into(), locale.into()));
    }
    let request = Request::get(COLUMNS_PATH, query);
    let json = transport
        .execute(&request, Some(Api::V1))
        .await?
        .json(&request)?;
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

/// A v1 report through the same conversion as a read from v1 (columns named by key),
/// from its list entry `info`, its `/custom-reports/columns` body and its pages in
/// order, without a server. For tests that feed bodies.
#[doc(hidden)]
pub fn report_table_from_pages(
    info: &Map<String, Value>,
    columns_body: &[u8],
    page_bodies: &[Bytes],
) -> Result<Table> {
    let request = Request::get(COLUMNS_PATH, Vec::new());
    let json = Response::of(Bytes::copy_from_slice(columns_body)).json(&request)?;
    let columns = columns_of(&json, &request, info)?;
    let id = info.get("id").and_then(Value::as_str).unwrap_or("0");
    let pages = ReportPages::new(id, None, is_historical(info), &columns, Names::Key);
    // As the paging hands them over (it has already made each record come once).
    let converted = page_bodies
        .iter()
        .enumerate()
        .map(|(index, body)| {
            let request = pages.request(index as u64 + 1);
            pages.convert(body.clone(), &request, index as u64 + 1)
        })
        .collect::<Result<Vec<_>>>()?;
    pages.join(converted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;

    /// A column list that names one attribute twice (the report list gave no order):
    /// each column still reads its own cells.
    #[test]
    fn a_repeated_column_reads_like_the_others() {
        let info = serde_json::json!({"id": "7", "type": "point_in_time"});
        let columns = br#"{"success": true, "data": {"type": "ReportColumns", "attributes": [
            {"attribute_id": "a", "data_type": "TEXT", "human_readable": "A"},
            {"attribute_id": "a", "data_type": "TEXT", "human_readable": "A"},
            {"attribute_id": "b", "data_type": "TEXT", "human_readable": "B"}]}}"#;
        let page = br#"{"success": true, "metadata": {"total_elements": 1, "total_pages": 1},
            "data": [{"type": "Report", "attributes": {"items": [{"employee_id": 1,
            "attributes": [{"attribute_id": "a", "value": "x"}, {"attribute_id": "b", "value": "y"}]}]}}]}"#;
        let table = report_table_from_pages(
            info.as_object().unwrap(),
            columns,
            &[Bytes::from_static(page)],
        )
        .unwrap();
        let batch = &table.batches[0];
        let texts: Vec<&str> = (1..4)
            .map(|c| batch.column(c).as_string::<i32>().value(0))
            .collect();
        assert_eq!(texts, ["x", "x", "y"]);
    }
}
