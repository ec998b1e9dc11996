//! v2 breaks folded into the work they interrupt, so that v2 gives v1's rows: one per
//! worked period, its breaks as `break_minutes`.
//!
//! A BREAK period belongs to the WORK period of the same person that contains it (it
//! starts no earlier and ends no later), or else to the person's open work period
//! (no end yet) begun earlier the same day. A break still running (no end) counts no minutes yet. A break
//! that no work period contains is an error, not a guess: v1 cannot say such a thing
//! either, and a table that dropped it would misstate the hours.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, RecordBatch};
use arrow::compute::{cast, filter_record_batch};
use arrow::datatypes::{DataType, Schema, TimestampMicrosecondType};

use super::attendances::column;
use crate::arrow::build::one_batch;
use crate::arrow::Table;
use crate::error::{Error, Result};

const BREAK: &str = "BREAK";
const MICROS_PER_MINUTE: i64 = 60_000_000;
const MICROS_PER_DAY: i64 = 24 * 60 * MICROS_PER_MINUTE;

/// The rows of `table` (its `type` at column `type_column`) that are not breaks, with
/// `break_minutes` summed from the breaks they contain, without `type`, in one batch.
pub(super) fn fold_breaks(table: Table, type_column: usize) -> Result<Table> {
    let table = one_batch(table)?;
    let batch = match table.batches.as_slice() {
        [batch] => batch,
        _ => return Err(Error::Internal("breaks are folded in one batch".into())),
    };
    let kinds = batch.column(type_column).as_string::<i32>();
    let is_break = |row: usize| kinds.is_valid(row) && kinds.value(row) == BREAK;
    let persons = cast(batch.column(column::EMPLOYEE_ID), &DataType::Utf8)
        .map_err(|e| Error::Internal(format!("cannot read the person ids: {e}")))?;
    let persons = persons.as_string::<i32>();
    let timestamps = |index: usize| {
        batch
            .column(index)
            .as_primitive_opt::<TimestampMicrosecondType>()
            .ok_or_else(|| {
                unplaced("some starts or ends are not local date-times, so breaks cannot be placed")
            })
    };
    let (starts, ends) = (timestamps(column::START)?, timestamps(column::END)?);
    let at = |array: &arrow::array::TimestampMicrosecondArray, row: usize| {
        array.is_valid(row).then(|| array.value(row))
    };

    let mut work_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for row in (0..batch.num_rows()).filter(|row| !is_break(*row)) {
        if persons.is_valid(row) {
            work_of.entry(persons.value(row)).or_default().push(row);
        }
    }
    let mut minutes = vec![0i64; batch.num_rows()];
    for row in (0..batch.num_rows()).filter(|row| is_break(*row)) {
        let id = batch.column(column::ID).as_string::<i32>();
        let name = || {
            if id.is_valid(row) {
                id.value(row).to_string()
            } else {
                format!("at row {row}")
            }
        };
        let Some(start) = at(starts, row) else {
            return Err(unplaced(&format!("break {} has no start", name())));
        };
        let end = at(ends, row);
        // A closed work period around the break; else an open one begun that day.
        let closed_around = |work: &&usize| {
            let (work_start, work_end) = (at(starts, **work), at(ends, **work));
            work_start.is_some_and(|s| s <= start)
                && work_end.is_some_and(|e| start <= e && end.is_none_or(|end| end <= e))
        };
        let open_before = |work: &&usize| {
            let work_start = at(starts, **work);
            at(ends, **work).is_none()
                && work_start.is_some_and(|s| s <= start && day(s) == day(start))
        };
        let person = persons.is_valid(row).then(|| persons.value(row));
        let rows = person.and_then(|p| work_of.get(p));
        let work = rows
            .and_then(|rows| {
                (rows.iter().find(closed_around)).or_else(|| rows.iter().find(open_before))
            })
            .ok_or_else(|| {
                unplaced(&format!(
                    "break {} is inside no work period of its person",
                    name()
                ))
            })?;
        minutes[*work] += end.map_or(0, |end| (end - start) / MICROS_PER_MINUTE);
    }

    let keep: BooleanArray = (0..batch.num_rows())
        .map(|row| Some(!is_break(row)))
        .collect();
    let mut arrays: Vec<ArrayRef> = batch.columns().to_vec();
    arrays[column::BREAK_MINUTES] = Arc::new(Int64Array::from(minutes));
    arrays.remove(type_column);
    let mut fields: Vec<_> = table.schema.fields().iter().cloned().collect();
    fields.remove(type_column);
    let schema = Arc::new(Schema::new(fields));
    let internal =
        |e: arrow::error::ArrowError| Error::Internal(format!("cannot fold breaks: {e}"));
    let folded = RecordBatch::try_new(schema.clone(), arrays).map_err(internal)?;
    let worked = filter_record_batch(&folded, &keep).map_err(internal)?;
    Ok(Table {
        schema,
        batches: vec![worked],
        warnings: table.warnings.clone(),
    })
}

/// The day of a local date-time in microseconds.
fn day(micros: i64) -> i64 {
    micros.div_euclid(MICROS_PER_DAY)
}

fn unplaced(why: &str) -> Error {
    Error::invalid_response(
        "GET /v2/attendance-periods",
        format!("{why}: its minutes belong to no row; api=\"v1\" reads breaks as minutes"),
    )
}
