//! Absences as one typed table, from v2 absence periods (the default) or v1 (time-offs
//! for day-based absences plus absence periods for hourly ones): the same columns from
//! either, equal for the same data but for the ids v1 and v2 give day-based absences.
//!
//! | column | type | v2 (`GET /v2/absence-periods`) | v1 time-offs (days) | v1 absence periods (hours) |
//! |---|---|---|---|---|
//! | `id` | string | `id` (a UUID) | `id` (an integer, as text) | `id` (the v2 UUID) |
//! | `employee_id` | int64 | `person.id` | `employee.attributes.id.value` | the same |
//! | `absence_type_id` | string | `absence_type.id` (a UUID) | `time_off_type.attributes.id` (an integer) | `absence_type.attributes.id` (the v2 UUID) |
//! | `absence_type_name` | string | from `GET /v2/absence-types` | `time_off_type.attributes.name` | `absence_type.attributes.name` |
//! | `unit` | string | `day` or `hour`: the breakdowns' unit, else the type's | `day` | `hour` |
//! | `amount` | float64 | the sum of `GET /v2/absence-periods/{id}/breakdowns` | `days_count` | `effective_duration` minutes / 60 |
//! | `start` | timestamp[us], no zone | `starts_from.date_time` | `start_date`'s day at 00:00 | `start` in `timezone` |
//! | `end` | timestamp[us], no zone, exclusive | `ends_at.date_time` (null: open) | the day after `end_date` at 00:00 | `end` in `timezone` (null: open) |
//! | `half_day_start` | bool | `starts_from.type` is `SECOND_HALF` | `half_day_start` (0/1) | `half_day_start` |
//! | `half_day_end` | bool | `ends_at.type` is `FIRST_HALF` | `half_day_end` (0/1) | `half_day_end` |
//! | `status` | string | `approval.status` | `status`, upper-cased | `status`, upper-cased |
//! | `comment` | string | `comment` | `comment` | `comment` |
//! | `created_at`, `updated_at` | timestamp[us, UTC] | as named | as named | as named |
//!
//! `start` and `end` are wall-clock times in the zone the absence happened in, without
//! a zone (Arrow `timestamp[us]` with no time zone), and `end` is **exclusive**: a
//! day-based absence from Monday to Wednesday runs from Monday 00:00 to Thursday 00:00,
//! as v2 writes it. v1 gives hourly absences as UTC instants next to their `timezone`;
//! they are put in that zone, and one without a zone keeps its text (the column then
//! falls back to strings, with a warning) rather than be guessed.
//!
//! `amount` counts days for `unit` `day` (a half day is 0.5) and hours for `hour`, as
//! Personio deducts them (working days only), not the span from `start` to `end`. v2
//! tells it only per period (`/breakdowns`, one request per period, as many at once as
//! the client's concurrency); v2 breakdown values in hours are assumed (V2_NOTES 4).
//!
//! Both APIs select the absences that meet a day from `start` to `end`: v1 by
//! `start_date`/`end_date`, v2 by `starts_from` up to the end of `end` and `ends_at`
//! after the first midnight (local, without `Z`, which Personio refuses). Rows are
//! ordered by `start`, then `employee_id`, then `unit`, whichever API sent them.

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch};
use arrow::compute::{lexsort_to_indices, take, SortColumn, SortOptions};

use super::absences_v1::fetch_v1;
use super::absences_v2::fetch_v2;
use super::choice::ApiChoice;
use super::days::PeriodQuery;
use crate::arrow::build::one_batch;
use crate::arrow::{ColumnDef, Kind, Table};
use crate::error::{Error, Result};
use crate::transport::Transport;

/// The table's columns, in order (see the module docs).
const COLUMNS: [(&str, Kind); 14] = [
    ("id", Kind::Utf8),
    ("employee_id", Kind::Int64),
    ("absence_type_id", Kind::Utf8),
    ("absence_type_name", Kind::Utf8),
    ("unit", Kind::Utf8),
    ("amount", Kind::Float64),
    ("start", Kind::LocalTimestamp),
    ("end", Kind::LocalTimestamp),
    ("half_day_start", Kind::Bool),
    ("half_day_end", Kind::Bool),
    ("status", Kind::Utf8),
    ("comment", Kind::Utf8),
    ("created_at", Kind::TimestampUtc),
    ("updated_at", Kind::TimestampUtc),
];

/// Positions of the columns in [`COLUMNS`].
pub(super) mod column {
    pub const ID: usize = 0;
    pub const EMPLOYEE_ID: usize = 1;
    pub const ABSENCE_TYPE_ID: usize = 2;
    pub const ABSENCE_TYPE_NAME: usize = 3;
    pub const UNIT: usize = 4;
    pub const AMOUNT: usize = 5;
    pub const START: usize = 6;
    pub const END: usize = 7;
    pub const HALF_DAY_START: usize = 8;
    pub const HALF_DAY_END: usize = 9;
    pub const STATUS: usize = 10;
    pub const COMMENT: usize = 11;
    pub const CREATED_AT: usize = 12;
    pub const UPDATED_AT: usize = 13;
}

/// The table's columns.
pub(super) fn columns() -> Vec<ColumnDef> {
    ColumnDef::plain_all(&COLUMNS)
}

/// Which API reads absences: `Auto` and `V2` read v2 `GET /v2/absence-periods`; `V1`
/// reads v1 `GET /v1/company/time-offs` (days) and `GET /v1/company/absence-periods`
/// (hours).
pub type AbsenceApi = ApiChoice;

/// What to read: the absences that meet a day from `start` to `end`, both included.
pub type AbsenceQuery = PeriodQuery<AbsenceApi>;

/// The absences `query` selects, as one typed table.
pub async fn fetch_absences(transport: &Transport, query: &AbsenceQuery) -> Result<Table> {
    query.check()?;
    let table = match query.api {
        AbsenceApi::V1 => fetch_v1(transport, query).await?,
        AbsenceApi::Auto | AbsenceApi::V2 => fetch_v2(transport, query).await?,
    };
    in_order(table)
}

/// `table` ordered by start, employee and unit, nulls last, in one batch.
pub(super) fn in_order(table: Table) -> Result<Table> {
    let table = one_batch(table)?;
    let [batch] = table.batches.as_slice() else {
        return Err(Error::Internal("absences are ordered in one batch".into()));
    };
    let options = Some(SortOptions {
        descending: false,
        nulls_first: false,
    });
    let keys: Vec<SortColumn> = [column::START, column::EMPLOYEE_ID, column::UNIT]
        .iter()
        .map(|&index| SortColumn {
            values: batch.column(index).clone(),
            options,
        })
        .collect();
    let internal = |e: arrow::error::ArrowError| Error::Internal(format!("cannot order: {e}"));
    let order = lexsort_to_indices(&keys, None).map_err(internal)?;
    let columns = batch
        .columns()
        .iter()
        .map(|array| take(array, &order, None))
        .collect::<std::result::Result<Vec<ArrayRef>, _>>()
        .map_err(internal)?;
    let batch = RecordBatch::try_new(Arc::clone(&table.schema), columns).map_err(internal)?;
    Ok(Table {
        batches: vec![batch],
        ..table
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_positions_match_the_columns() {
        let columns = columns();
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names[column::ABSENCE_TYPE_NAME], "absence_type_name");
        assert_eq!(names[column::AMOUNT], "amount");
        assert_eq!(names[column::HALF_DAY_END], "half_day_end");
        assert_eq!(names[column::UPDATED_AT], "updated_at");
        assert_eq!(names.len(), column::UPDATED_AT + 1);
    }

    #[test]
    fn api_is_checked() {
        assert_eq!("v1".parse::<AbsenceApi>().unwrap(), AbsenceApi::V1);
        let error = "V2".parse::<AbsenceApi>().unwrap_err();
        assert!(error
            .to_string()
            .contains(r#"api must be "auto", "v1" or "v2""#));
    }
}
