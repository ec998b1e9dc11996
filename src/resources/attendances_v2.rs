//! v2 attendance periods (`GET /v2/attendance-periods`) through the cursor pipeline:
//! `limit` 100, filters on the start as local date-times without `Z` (Personio answers
//! 400 to `Z`), `person.id` as a comma list. Each page converts on a worker while the
//! next downloads; the joined periods then lose their BREAK rows into `break_minutes`
//! ([`super::attendance_breaks`]) and get their project names
//! ([`super::projects_v2`]).

use std::borrow::Cow;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StringArray};
use bytes::Bytes;
use serde_json::Value;

use super::attendance_breaks::fold_breaks;
use super::attendances::{column, columns, AttendanceQuery};
use super::projects_v2::project_names;
use crate::arrow::build::{build_chunk, join_kept_chunks, Chunk, RawStrings};
use crate::arrow::{Cell, ColumnDef, Kind, Table};
use crate::error::{Error, Result};
use crate::paginate::{id_text, Claim, Page};
use crate::pipeline::{one_batch, read_cursor_pages, CursorSource};
use crate::transport::{Api, Request, Response, Transport};

const PERIODS_PATH: &str = "/v2/attendance-periods";
/// The largest page v2 serves.
const PAGE_SIZE: usize = 100;
/// The period's `type` (WORK or BREAK), read after the table's own columns.
const TYPE: usize = column::UPDATED_AT + 1;

/// The attendances of `query`, through v2.
pub(super) async fn fetch_v2(transport: &Transport, query: &AttendanceQuery) -> Result<Table> {
    let mut filters = vec![
        (
            "start.date_time.gte".to_string(),
            format!("{}T00:00:00", query.start),
        ),
        (
            "start.date_time.lte".to_string(),
            format!("{}T23:59:59", query.end),
        ),
        ("limit".to_string(), PAGE_SIZE.to_string()),
    ];
    filters.extend(query.v2_person_filter());
    let source = Arc::new(V2Pages {
        columns: plan(),
        filters,
    });
    let pages = read_cursor_pages(transport, Api::V2, source.clone()).await?;
    let periods = join(&source.columns, pages)?;
    let worked = fold_breaks(&periods, TYPE)?;
    // v2 periods carry only the project's id: its name costs a listing of projects,
    // asked for only when some period has a project.
    let names = if has_projects(&worked) {
        project_names(transport).await?
    } else {
        Vec::new()
    };
    with_project_names(worked, &names)
}

/// v2 periods from recorded page bodies, as [`fetch_v2`] converts them, for pages whose
/// periods have no project (names need `GET /v2/projects`). For tests that feed bodies.
#[doc(hidden)]
pub fn v2_attendances_from_pages(bodies: &[Bytes]) -> Result<Table> {
    let request = Request::get(PERIODS_PATH, Vec::new());
    let columns = plan();
    let pages = bodies
        .iter()
        .map(|body| convert_page(&columns, body, &request))
        .collect::<Result<Vec<_>>>()?;
    let worked = fold_breaks(&join(&columns, pages)?, TYPE)?;
    with_project_names(worked, &[])
}

/// The table's columns, then `type`.
fn plan() -> Vec<ColumnDef> {
    let mut plan = columns();
    plan.push(ColumnDef::plain("type", Kind::Utf8));
    plan
}

/// One listing of periods.
struct V2Pages {
    columns: Vec<ColumnDef>,
    /// The query of the first page; the cursor carries it on.
    filters: Vec<(String, String)>,
}

impl CursorSource for V2Pages {
    type Content = Chunk;

    fn first_request(&self) -> Request {
        Request::get(PERIODS_PATH, self.filters.clone())
    }

    fn convert(&self, body: Bytes, request: &Request) -> Result<Page<Chunk>> {
        convert_page(&self.columns, &body, request)
    }
}

fn convert_page(columns: &[ColumnDef], body: &Bytes, request: &Request) -> Result<Page<Chunk>> {
    let json = Response::of(body.clone()).json(request)?;
    let periods = json
        .get("_data")
        .and_then(Value::as_array)
        .ok_or_else(|| request.invalid_response("expected {\"_data\": [period, ...]}"))?;
    let chunk = build_chunk(
        columns,
        periods.len(),
        |c, r| cell(&periods[r], c),
        RawStrings::Kept,
    );
    Ok(Page {
        len: periods.len(),
        claim: Claim::default(),
        ids: periods
            .iter()
            .map(|period| period.get("id").and_then(id_text))
            .collect(),
        content: chunk,
    })
}

/// One cell of a period; `break_minutes` and `project_name` are filled in later.
fn cell(period: &Value, column: usize) -> Cell<'_> {
    let pointer = match column {
        column::ID => "/id",
        column::EMPLOYEE_ID => "/person/id",
        column::DATE => "/attribution_date",
        column::START => "/start/date_time",
        column::END => "/end/date_time",
        column::PROJECT_ID => "/project/id",
        column::STATUS => "/approval/status",
        column::COMMENT => "/comment",
        column::IS_HOLIDAY => "/is_holiday",
        column::IS_ON_TIME_OFF => "/is_on_time_off",
        column::CREATED_AT => "/created_at",
        column::UPDATED_AT => "/updated_at",
        TYPE => "/type",
        _ => return None,
    };
    period.pointer(pointer).map(Cow::Borrowed)
}

fn join(columns: &[ColumnDef], pages: Vec<Page<Chunk>>) -> Result<Table> {
    let chunks = pages.into_iter().map(|page| page.content).collect();
    one_batch(join_kept_chunks(columns, chunks)?)
}

/// Whether some period names a project.
fn has_projects(table: &Table) -> bool {
    table
        .batches
        .iter()
        .any(|batch| batch.column(column::PROJECT_ID).null_count() < batch.num_rows())
}

/// `table` with `project_name` filled from `(id, name)` pairs; a project the list does
/// not hold has no name.
fn with_project_names(table: Table, names: &[(String, Option<String>)]) -> Result<Table> {
    let lookup: std::collections::HashMap<&str, Option<&str>> = names
        .iter()
        .map(|(id, name)| (id.as_str(), name.as_deref()))
        .collect();
    let batches = table
        .batches
        .iter()
        .map(|batch| {
            let ids = batch.column(column::PROJECT_ID).as_string::<i32>();
            let named: StringArray = ids
                .iter()
                .map(|id| id.and_then(|id| lookup.get(id).copied().flatten()))
                .collect();
            let mut arrays: Vec<ArrayRef> = batch.columns().to_vec();
            arrays[column::PROJECT_NAME] = Arc::new(named);
            RecordBatch::try_new(table.schema.clone(), arrays)
                .map_err(|e| Error::Internal(format!("cannot add the project names: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Table { batches, ..table })
}
