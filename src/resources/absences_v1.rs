//! v1 absences: day-based ones from `GET /v1/company/time-offs` and hourly ones from
//! `GET /v1/company/absence-periods`, read at once through the page pipeline and laid
//! out in the same columns. Each listing pages its own way: time-offs take `offset` as
//! a page number counted from 1, absence periods as a page index counted from 0 (a
//! page-level offset since 2023); both cap `limit` at 200. [`crate::paginate`] reads
//! every record once or fails, trusting `metadata` only as a claim (the `offset` and
//! `limit` they echo are not read: the spec's examples send them as strings).

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Duration, NaiveDate};
use chrono_tz::Tz;
use serde_json::Value;

use super::absences::{column, columns, AbsenceQuery};
use super::v1_attributes::Attributes;
use crate::arrow::build::{build_chunk, join_kept_chunks, Chunk, RawStrings};
use crate::arrow::parse::{count, date32, float64};
use crate::arrow::{Cell, ColumnDef, Table};
use crate::error::Result;
use crate::paginate::{id_text, Addressing, Claim, Page};
use crate::pipeline::{read_pages, PageSource};
use crate::transport::{Api, Request, Response, Transport};

const TIME_OFFS_PATH: &str = "/v1/company/time-offs";
const PERIODS_PATH: &str = "/v1/company/absence-periods";
/// v1's cap on `limit`, for both listings.
const PAGE_SIZE: u64 = 200;
const MINUTES_PER_HOUR: f64 = 60.0;

/// Which listing a page comes from.
#[derive(Clone, Copy)]
enum Listing {
    /// Day-based time-offs.
    TimeOffs,
    /// Hourly absence periods.
    Hourly,
}

impl Listing {
    fn path(self) -> &'static str {
        match self {
            Listing::TimeOffs => TIME_OFFS_PATH,
            Listing::Hourly => PERIODS_PATH,
        }
    }
}

/// The absences of `query`, through v1: both listings at once, in one table.
pub(super) async fn fetch_v1(transport: &Transport, query: &AbsenceQuery) -> Result<Table> {
    let filters = query.v1_filters();
    let source = |listing| {
        Arc::new(V1Pages {
            listing,
            columns: columns(),
            filters: filters.clone(),
        })
    };
    let (days, hours) = futures::future::try_join(
        read_pages(
            transport,
            Api::V1,
            Addressing::PageNumber,
            source(Listing::TimeOffs),
        ),
        read_pages(
            transport,
            Api::V1,
            Addressing::PageIndex,
            source(Listing::Hourly),
        ),
    )
    .await?;
    let chunks = days.into_iter().chain(hours).map(|page| page.content);
    join_kept_chunks(&columns(), chunks.collect())
}

/// One of the two listings for one query.
struct V1Pages {
    listing: Listing,
    columns: Vec<ColumnDef>,
    /// Days and `employees[]`.
    filters: Vec<(String, String)>,
}

impl PageSource for V1Pages {
    type Content = Chunk;

    fn request(&self, position: u64) -> Request {
        let mut query = self.filters.clone();
        query.push(("limit".into(), PAGE_SIZE.to_string()));
        query.push(("offset".into(), position.to_string()));
        Request::get(self.listing.path(), query)
    }

    fn convert(&self, body: Bytes, request: &Request, _position: u64) -> Result<Page<Chunk>> {
        convert_page(self.listing, &self.columns, &body, request)
    }
}

fn convert_page(
    listing: Listing,
    columns: &[ColumnDef],
    body: &Bytes,
    request: &Request,
) -> Result<Page<Chunk>> {
    let json = Response::of(body.clone()).json(request)?;
    let records = json.get("data").and_then(Value::as_array).ok_or_else(|| {
        request.invalid_response("expected {\"success\": true, \"data\": [absence, ...]}")
    })?;
    let cells: Vec<RecordCells> = records
        .iter()
        .map(|record| RecordCells::of(listing, record))
        .collect();
    let chunk = build_chunk(
        columns,
        cells.len(),
        |c, r| cells[r].cell(c),
        RawStrings::Kept,
    );
    let claim = |key: &str| json.pointer(&format!("/metadata/{key}")).and_then(count);
    Ok(Page {
        len: records.len(),
        claim: Claim {
            records: claim("total_elements"),
            pages: claim("total_pages"),
        },
        ids: cells
            .iter()
            .map(|cells| cells.attributes.get("/id").as_deref().and_then(id_text))
            .collect(),
        content: chunk,
    })
}

/// The cells of one record, with what is made rather than read (start, end, unit,
/// amount) made once.
struct RecordCells<'a> {
    listing: Listing,
    attributes: Attributes<'a>,
    start: Cell<'a>,
    end: Cell<'a>,
    amount: Cell<'a>,
}

impl<'a> RecordCells<'a> {
    fn of(listing: Listing, record: &'a Value) -> RecordCells<'a> {
        let raw = record.get("attributes");
        let value = |key: &str| raw.and_then(|a| a.get(key)).filter(|v| !v.is_null());
        let (start, end, amount) = match listing {
            Listing::TimeOffs => (
                value("start_date").map(|v| midnight_after(v, 0)),
                value("end_date").map(|v| midnight_after(v, 1)),
                value("days_count").map(Cow::Borrowed),
            ),
            Listing::Hourly => {
                let zone = value("timezone").and_then(Value::as_str);
                (
                    value("start").map(|v| wall_clock(v, zone)),
                    value("end").map(|v| wall_clock(v, zone)),
                    value("effective_duration").map(hours),
                )
            }
        };
        RecordCells {
            listing,
            attributes: Attributes::of(record),
            start,
            end,
            amount,
        }
    }

    fn cell(&self, column: usize) -> Cell<'_> {
        let absence_type = match self.listing {
            Listing::TimeOffs => "/time_off_type/attributes",
            Listing::Hourly => "/absence_type/attributes",
        };
        match column {
            column::ID => self.attributes.get("/id"),
            column::EMPLOYEE_ID => self.attributes.get("/employee/attributes/id/value"),
            column::ABSENCE_TYPE_ID => self.attributes.get(&format!("{absence_type}/id")),
            column::ABSENCE_TYPE_NAME => self.attributes.get(&format!("{absence_type}/name")),
            column::UNIT => Some(Cow::Owned(Value::from(match self.listing {
                Listing::TimeOffs => "day",
                Listing::Hourly => "hour",
            }))),
            column::AMOUNT => self.amount.clone(),
            column::START => self.start.clone(),
            column::END => self.end.clone(),
            column::HALF_DAY_START => self.attributes.get("/half_day_start"),
            column::HALF_DAY_END => self.attributes.get("/half_day_end"),
            column::STATUS => self.attributes.status(),
            column::COMMENT => self.attributes.get("/comment"),
            column::CREATED_AT => self.attributes.get("/created_at"),
            column::UPDATED_AT => self.attributes.get("/updated_at"),
            _ => None,
        }
    }
}

/// The local midnight `days` after the calendar day written in `value` (a date, or a
/// local midnight with an offset: `2017-12-27T00:00:00+0100`); what is not a day is
/// kept as written, so that the column falls back to the text instead of losing it.
fn midnight_after(value: &Value, days: i64) -> Cow<'_, Value> {
    let day = date32(value)
        .ok()
        .flatten()
        .and_then(NaiveDate::from_epoch_days);
    match day {
        Some(day) => Cow::Owned(Value::from(format!(
            "{}T00:00:00",
            day + Duration::days(days)
        ))),
        None => Cow::Borrowed(value),
    }
}

/// An instant (`2022-05-31T22:00:00.0Z`) as the wall-clock time in `zone`
/// (`Europe/Berlin`). Without a zone it cannot be read as local time, so it is kept as
/// written (the column falls back to text) rather than guessed.
fn wall_clock<'v>(value: &'v Value, zone: Option<&str>) -> Cow<'v, Value> {
    let zone = zone.and_then(|name| name.trim().parse::<Tz>().ok());
    let instant = value
        .as_str()
        .and_then(|text| DateTime::parse_from_rfc3339(text.trim()).ok());
    match (instant, zone) {
        (Some(instant), Some(zone)) => Cow::Owned(Value::from(
            instant
                .with_timezone(&zone)
                .naive_local()
                .format("%Y-%m-%dT%H:%M:%S%.f")
                .to_string(),
        )),
        _ => Cow::Borrowed(value),
    }
}

/// Minutes as hours; what is not a number is kept as written.
fn hours(value: &Value) -> Cow<'_, Value> {
    match float64(value) {
        Ok(Some(minutes)) => Cow::Owned(Value::from(minutes / MINUTES_PER_HOUR)),
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn time_offs_run_from_midnight_to_the_midnight_after_their_last_day() {
        let day = json!("2017-12-29T00:00:00+0100");
        assert_eq!(*midnight_after(&day, 1), json!("2017-12-30T00:00:00"));
        assert_eq!(
            *midnight_after(&json!("2017-12-27"), 0),
            json!("2017-12-27T00:00:00")
        );
        assert_eq!(
            *midnight_after(&json!("27.12.2017"), 0),
            json!("27.12.2017")
        );
    }

    #[test]
    fn hourly_instants_are_read_in_their_zone() {
        let start = json!("2022-05-31T22:00:00.0Z");
        let berlin = wall_clock(&start, Some("Europe/Berlin"));
        assert_eq!(*berlin, json!("2022-06-01T00:00:00"));
        let winter = json!("2025-12-01T08:15:00.000Z");
        let winter = wall_clock(&winter, Some("Europe/Berlin"));
        assert_eq!(*winter, json!("2025-12-01T09:15:00"));
        assert_eq!(*wall_clock(&start, None), start);
        assert_eq!(*wall_clock(&start, Some("Mars/Olympus")), start);
        assert_eq!(*hours(&json!(90)), json!(1.5));
        assert_eq!(*hours(&json!("n/a")), json!("n/a"));
    }
}
