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
use super::v2_periods::PeriodListing;
use crate::arrow::{Cell, ColumnDef, Kind, Table};
use crate::error::{Error, Result};
use crate::transport::Transport;

const PERIODS_PATH: &str = "/v2/attendance-periods";
/// The period's `type` (WORK or BREAK), read after the table's own columns.
const TYPE: usize = column::UPDATED_AT + 1;

/// The attendances of `query`, through v2.
pub(super) async fn fetch_v2(transport: &Transport, query: &AttendanceQuery) -> Result<Table> {
    let days = [
        ("start.date_time.gte", format!("{}T00:00:00", query.start)),
        ("start.date_time.lte", format!("{}T23:59:59", query.end)),
    ];
    let periods = listing().read(transport, query, days).await?;
    let worked = fold_breaks(periods, TYPE)?;
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
    let worked = fold_breaks(listing().convert_bodies(bodies)?, TYPE)?;
    with_project_names(worked, &[])
}

/// The listing of periods: the table's columns, then `type`.
fn listing() -> PeriodListing {
    let mut columns = columns();
    columns.push(ColumnDef::plain("type", Kind::Utf8));
    PeriodListing {
        path: PERIODS_PATH,
        columns,
        cell,
    }
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
