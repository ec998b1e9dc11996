//! v1 attendances (`GET /v1/company/attendances`) through the page pipeline: `limit`
//! 200 (its cap) and `offset` a record offset, so [`crate::paginate`] reads every
//! record once or fails. The body echoes `offset` and `limit` as strings; only
//! `metadata.total_elements` is trusted as a claim (the spec's own example claims 3
//! pages of 2 records).

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{Duration, NaiveDate, NaiveTime};
use serde_json::Value;

use super::attendances::{column, columns, AttendanceQuery};
use super::v1_attributes::Attributes;
use crate::arrow::build::{build_chunk, join_kept_chunks, Chunk, RawStrings};
use crate::arrow::parse::count;
use crate::arrow::{Cell, ColumnDef, Table};
use crate::error::Result;
use crate::paginate::{id_text, Addressing, Claim, Page};
use crate::pipeline::{read_pages, PageSource};
use crate::transport::{Api, Request, Response, Transport};

const ATTENDANCES_PATH: &str = "/v1/company/attendances";
/// v1's cap on `limit`.
const PAGE_SIZE: u64 = 200;

/// The attendances of `query`, through v1.
pub(super) async fn fetch_v1(transport: &Transport, query: &AttendanceQuery) -> Result<Table> {
    let mut filters = query.v1_filters();
    filters.push(("includePending".to_string(), "true".to_string()));
    let source = Arc::new(V1Pages {
        columns: columns(),
        filters,
    });
    let pages = read_pages(transport, Api::V1, Addressing::RecordOffset, source.clone()).await?;
    let chunks = pages.into_iter().map(|page| page.content).collect();
    join_kept_chunks(&source.columns, chunks)
}

/// v1 attendances from recorded page bodies, as [`fetch_v1`] converts them, without a
/// server. For tests that feed bodies.
#[doc(hidden)]
pub fn v1_attendances_from_pages(bodies: &[Bytes]) -> Result<Table> {
    let request = Request::get(ATTENDANCES_PATH, Vec::new());
    let columns = columns();
    let chunks = bodies
        .iter()
        .map(|body| convert_page(&columns, body, &request).map(|page| page.content))
        .collect::<Result<Vec<_>>>()?;
    join_kept_chunks(&columns, chunks)
}

/// The listing of `GET /v1/company/attendances` for one query.
struct V1Pages {
    columns: Vec<ColumnDef>,
    /// Days, `includePending` and `employees[]`.
    filters: Vec<(String, String)>,
}

impl PageSource for V1Pages {
    type Content = Chunk;

    fn request(&self, offset: u64) -> Request {
        let mut query = self.filters.clone();
        query.push(("limit".into(), PAGE_SIZE.to_string()));
        query.push(("offset".into(), offset.to_string()));
        Request::get(ATTENDANCES_PATH, query)
    }

    fn convert(&self, body: Bytes, request: &Request, _offset: u64) -> Result<Page<Chunk>> {
        convert_page(&self.columns, &body, request)
    }
}

fn convert_page(columns: &[ColumnDef], body: &Bytes, request: &Request) -> Result<Page<Chunk>> {
    let json = Response::of(body.clone()).json(request)?;
    let records = json.get("data").and_then(Value::as_array).ok_or_else(|| {
        request.invalid_response("expected {\"success\": true, \"data\": [attendance, ...]}")
    })?;
    let cells: Vec<RecordCells> = records.iter().map(RecordCells::of).collect();
    let chunk = build_chunk(
        columns,
        cells.len(),
        |c, r| cells[r].cell(c),
        RawStrings::Kept,
    );
    Ok(Page {
        len: records.len(),
        claim: Claim {
            records: json.pointer("/metadata/total_elements").and_then(count),
            pages: None,
        },
        ids: records
            .iter()
            .map(|record| record.get("id").and_then(id_text))
            .collect(),
        content: chunk,
    })
}

/// The cells of one v1 record, with `start` and `end` made from the day and the times.
struct RecordCells<'a> {
    record: &'a Value,
    attributes: Attributes<'a>,
    start: Option<Value>,
    end: Option<Value>,
}

impl<'a> RecordCells<'a> {
    fn of(record: &'a Value) -> RecordCells<'a> {
        let raw = record.get("attributes");
        let text = |key: &str| raw.and_then(|a| a.get(key)).and_then(Value::as_str);
        let date = text("date");
        let start_time = text("start_time");
        let start = local_time(date, start_time, None);
        let end = local_time(date, text("end_time"), start_time);
        RecordCells {
            record,
            attributes: Attributes::of(record),
            start,
            end,
        }
    }

    fn cell(&self, column: usize) -> Cell<'_> {
        match column {
            column::ID => self.record.get("id").map(Cow::Borrowed),
            column::EMPLOYEE_ID => self.attributes.get("/employee"),
            column::DATE => self.attributes.get("/date"),
            column::START => self.start.as_ref().map(Cow::Borrowed),
            column::END => self.end.as_ref().map(Cow::Borrowed),
            column::BREAK_MINUTES => self.attributes.get("/break"),
            column::PROJECT_ID => self.attributes.get("/project/id"),
            column::PROJECT_NAME => self.attributes.get("/project/attributes/name"),
            column::STATUS => self.attributes.status(),
            column::COMMENT => self.attributes.get("/comment"),
            column::IS_HOLIDAY => self.attributes.get("/is_holiday"),
            column::IS_ON_TIME_OFF => self.attributes.get("/is_on_time_off"),
            column::UPDATED_AT => self.attributes.get("/updated_at"),
            // v1 does not tell when a period was created.
            _ => None,
        }
    }
}

/// `date` at `time` (`HH:MM`) as a local date-time text; on the next day when `time` is
/// before `after` (a period past midnight). What does not read as a day and a time is
/// kept as written, so that the column falls back to the raw text instead of losing it.
fn local_time(date: Option<&str>, time: Option<&str>, after: Option<&str>) -> Option<Value> {
    let time = time.filter(|t| !t.trim().is_empty())?;
    let parse_time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
    let day = date.and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
    let (Some(day), Some(at)) = (day, parse_time(time)) else {
        return Some(Value::from(format!("{} {time}", date.unwrap_or_default())));
    };
    let day = match after.and_then(parse_time) {
        Some(start) if at < start => day + Duration::days(1),
        _ => day,
    };
    Some(Value::from(
        day.and_time(at).format("%Y-%m-%dT%H:%M:%S").to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_put_on_their_day() {
        let at = |date, time, after| local_time(Some(date), Some(time), after);
        assert_eq!(
            at("2017-01-17", "09:00", None),
            Some(Value::from("2017-01-17T09:00:00"))
        );
        // A night shift ends the next morning.
        assert_eq!(
            at("2017-01-17", "06:00", Some("22:00")),
            Some(Value::from("2017-01-18T06:00:00"))
        );
        assert_eq!(local_time(Some("2017-01-17"), None, None), None);
        assert_eq!(
            at("2017-01-17", "9 Uhr", None),
            Some(Value::from("2017-01-17 9 Uhr"))
        );
    }
}
