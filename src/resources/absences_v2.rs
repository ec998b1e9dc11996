//! v2 absence periods (`GET /v2/absence-periods`) through the cursor pipeline: `limit`
//! 100, the days as local date-times without `Z` (Personio answers 400 to `Z`),
//! `person.id` as a comma list. A period names only its type's id and says nothing of
//! what it counts, so after the join each row gets its type's name from
//! `GET /v2/absence-types` ([`super::absence_types`]) and its unit and amount from its
//! breakdowns (`GET /v2/absence-periods/{id}/breakdowns`, per-day amounts), read a few
//! periods at a time.

use std::borrow::Cow;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, Float64Array, RecordBatch, StringArray};
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use super::absence_types::{v2_type_names, TypeNames};
use super::absences::{column, columns, AbsenceQuery};
use super::v2_periods::PeriodListing;
use crate::arrow::parse::float64;
use crate::arrow::{Cell, Table};
use crate::error::{Error, Result};
use crate::paginate::{id_text, Claim, Page};
use crate::pipeline::{read_cursor_pages, CursorSource};
use crate::progress::{uncounted, Tally};
use crate::transport::{Api, Request, Response, Transport};

const PERIODS_PATH: &str = "/v2/absence-periods";
/// The largest page v2 serves.
const PAGE_SIZE: usize = 100;
/// v2 marks a half day by which half of the day the period starts or ends in.
const STARTS_IN_THE_AFTERNOON: &str = "SECOND_HALF";
const ENDS_AT_NOON: &str = "FIRST_HALF";

/// What a period counts: its unit (`day`, `hour`; none without breakdowns) and amount.
type Counted = (Option<String>, f64);

/// The absences of `query`, through v2.
pub(super) async fn fetch_v2(transport: &Transport, query: &AbsenceQuery) -> Result<Table> {
    let days = [
        (
            "starts_from.date_time.lte",
            format!("{}T23:59:59", query.end),
        ),
        // `ends_at` is exclusive: a period that ends at the first midnight does not
        // meet the first day (Personio's times are whole minutes).
        ("ends_at.date_time.gte", format!("{}T00:00:01", query.start)),
    ];
    let listing = PeriodListing {
        path: PERIODS_PATH,
        columns: columns(),
        cell,
    };
    // Progress counts the periods whose amounts are read, one request each, the long
    // part of this read; the listing and the breakdowns' own rows are not the table's.
    let periods = uncounted(listing.read(transport, query, days)).await?;
    if periods.num_rows() == 0 {
        return Ok(periods);
    }
    let ids: Vec<String> = texts(&periods, column::ID)?
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    let names = uncounted(v2_type_names(transport)).await?;
    let tally = Tally::start();
    tally.expect(
        Claim {
            records: Some(ids.len() as u64),
            pages: None,
        },
        0,
    );
    let mut done = 0;
    let counted: Vec<Counted> = futures::stream::iter(ids)
        .map(|id| uncounted(async move { counted(transport, &id).await }))
        .buffered(transport.config().concurrency.max(1))
        .inspect_ok(|_| {
            done += 1;
            tally.reached(done);
        })
        .try_collect()
        .await?;
    with_types_and_amounts(periods, &names, &counted)
}

/// One cell of a period; the type's name, the unit and the amount come later.
fn cell(period: &Value, column: usize) -> Cell<'_> {
    let pointer = match column {
        column::ID => "/id",
        column::EMPLOYEE_ID => "/person/id",
        column::ABSENCE_TYPE_ID => "/absence_type/id",
        column::START => "/starts_from/date_time",
        column::END => "/ends_at/date_time",
        column::HALF_DAY_START => {
            return half_day(period.get("starts_from"), STARTS_IN_THE_AFTERNOON)
        }
        column::HALF_DAY_END => return half_day(period.get("ends_at"), ENDS_AT_NOON),
        column::STATUS => "/approval/status",
        column::COMMENT => "/comment",
        column::CREATED_AT => "/created_at",
        column::UPDATED_AT => "/updated_at",
        _ => return None,
    };
    period.pointer(pointer).map(Cow::Borrowed)
}

/// Whether a start or an end (`{"date_time", "type"}`) is the half day `half`: no end
/// is no half day; an end without a `type` says nothing.
fn half_day<'a>(bound: Option<&'a Value>, half: &str) -> Cell<'a> {
    match bound {
        None | Some(Value::Null) => Some(Cow::Owned(Value::Bool(false))),
        Some(bound) => match bound.get("type")? {
            Value::String(kind) => Some(Cow::Owned(Value::Bool(kind == half))),
            other => Some(Cow::Borrowed(other)),
        },
    }
}

/// A period's unit and amount, from its breakdowns.
async fn counted(transport: &Transport, id: &str) -> Result<Counted> {
    let plain = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !plain {
        return Err(Error::invalid_response(
            "GET /v2/absence-periods",
            format!("a period's id {id:?} cannot name its breakdowns"),
        ));
    }
    let source = Arc::new(Breakdowns {
        path: format!("{PERIODS_PATH}/{id}/breakdowns"),
    });
    let days = read_cursor_pages(transport, Api::V2, source).await?;
    let mut unit: Option<String> = None;
    let mut amount = 0.0;
    for (day_unit, value) in days.into_iter().flat_map(|page| page.content) {
        match &unit {
            Some(seen) if *seen != day_unit => {
                return Err(Error::invalid_response(
                    "GET /v2/absence-periods/{id}/breakdowns",
                    format!("period {id} counts in {seen} and in {day_unit}"),
                ))
            }
            _ => unit = Some(day_unit),
        }
        amount += value;
    }
    Ok((unit, amount))
}

/// The breakdowns of one period: each day's unit (lower-cased) and value.
struct Breakdowns {
    path: String,
}

impl CursorSource for Breakdowns {
    type Content = Vec<(String, f64)>;

    fn first_request(&self) -> Request {
        let query = vec![("limit".to_string(), PAGE_SIZE.to_string())];
        Request::get(self.path.clone(), query)
    }

    fn convert(&self, body: Bytes, request: &Request) -> Result<Page<Self::Content>> {
        let json = Response::of(body).json(request)?;
        let days = json
            .get("_data")
            .and_then(Value::as_array)
            .ok_or_else(|| request.invalid_response("expected {\"_data\": [breakdown, ...]}"))?;
        let amounts = days
            .iter()
            .map(|day| {
                let duration = day.get("effective_duration");
                let unit = duration.and_then(|d| d.get("unit")).and_then(Value::as_str);
                let value = duration
                    .and_then(|d| d.get("value"))
                    .and_then(|v| float64(v).ok().flatten());
                match (unit, value) {
                    (Some(unit), Some(value)) => Ok((unit.to_lowercase(), value)),
                    _ => Err(request.invalid_response(format!(
                        "expected {{\"effective_duration\": {{\"unit\", \"value\"}}}}, got {day}"
                    ))),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page {
            len: days.len(),
            claim: Claim::default(),
            // Days have no id; a day twice would be a day counted twice.
            ids: days
                .iter()
                .map(|day| day.get("date").and_then(id_text))
                .collect(),
            content: amounts,
        })
    }
}

/// A text column's values, over every batch of `table`.
fn texts(table: &Table, index: usize) -> Result<Vec<Option<String>>> {
    let mut values = Vec::with_capacity(table.num_rows());
    for batch in &table.batches {
        let column = batch
            .column(index)
            .as_string_opt::<i32>()
            .ok_or_else(|| Error::Internal(format!("column {index} is not text")))?;
        values.extend(column.iter().map(|value| value.map(str::to_string)));
    }
    Ok(values)
}

/// `periods` with each row's type name, unit and amount filled in. A period without
/// breakdowns counts nothing, in its type's unit.
fn with_types_and_amounts(periods: Table, names: &TypeNames, counted: &[Counted]) -> Result<Table> {
    let types = texts(&periods, column::ABSENCE_TYPE_ID)?;
    let of_type = |row: usize| types[row].as_deref().and_then(|id| names.get(id));
    let name: StringArray = (0..types.len())
        .map(|row| of_type(row).and_then(|(name, _)| name.clone()))
        .collect();
    let unit: StringArray = counted
        .iter()
        .enumerate()
        .map(|(row, (unit, _))| {
            unit.clone()
                .or_else(|| of_type(row).and_then(|(_, unit)| unit.clone()))
        })
        .collect();
    let amount: Float64Array = counted.iter().map(|(_, amount)| Some(*amount)).collect();
    let mut start = 0;
    let mut batches = Vec::with_capacity(periods.batches.len());
    for batch in &periods.batches {
        let rows = batch.num_rows();
        let mut arrays: Vec<ArrayRef> = batch.columns().to_vec();
        arrays[column::ABSENCE_TYPE_NAME] = Arc::new(name.slice(start, rows));
        arrays[column::UNIT] = Arc::new(unit.slice(start, rows));
        arrays[column::AMOUNT] = Arc::new(amount.slice(start, rows));
        batches.push(
            RecordBatch::try_new(periods.schema.clone(), arrays)
                .map_err(|e| Error::Internal(format!("cannot add types and amounts: {e}")))?,
        );
        start += rows;
    }
    Ok(Table { batches, ..periods })
}
