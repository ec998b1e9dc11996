//! One custom report through the v2 Report API (`GET /v2/reports/{id}`): every page,
//! by following `_meta.links.next.href`, each converted to Arrow chunks on blocking
//! workers while the next page downloads. The cells are read in
//! [`super::report_v2_cells`].
//!
//! The report is asked for whole (no `limit`: Personio then sends every row at once),
//! so that no row can move between pages. A body is split into its rows without a tree
//! of the whole report; each chunk of rows is parsed and converted on its own. Where
//! Personio pages anyway, the cursor tells no total and rows carry no id, so the report
//! is read again until two passes agree row for row (compared by a hash of each row's
//! text, see [`crate::paginate`]); a run of empty pages that keeps linking on is
//! refused.

use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::Arc;

use arrow::array::ArrayRef;
use bytes::Bytes;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::names::Names;
use super::report_rows::day_before;
use super::report_v2_cells::{
    first_timestamps, RowFacts, V2Column, V2Plan, EFFECTIVE_DATE_COLUMN, PERIOD_COLUMNS,
};
use crate::arrow::build::{build_chunk, join_kept_chunks, Chunk, RawStrings};
use crate::arrow::Table;
use crate::error::{Error, Result};
use crate::next_link::follow;
use crate::paginate::{listing_changed, MAX_PASSES};
use crate::pipeline::{one_batch, Task, Workers};
use crate::transport::{Api, Request, Transport};

/// Guard against a `next` link that never ends.
const MAX_V2_PAGES: usize = 100_000;
/// Empty pages in a row that may still link on (a cursor can land between rows).
const MAX_EMPTY_PAGES_IN_A_ROW: usize = 3;
/// Rows converted together on one worker: about a v1 page's worth of cells, so that
/// the parsed rows of the chunks in progress stay a few megabytes.
const ROWS_PER_CHUNK: usize = 200;

/// One report through v2. `historical` is v1's word where v1 knows the report, else
/// the report is historical when it has an effective-date column.
pub async fn fetch_report_v2(
    transport: &Transport,
    id: &str,
    locale: Option<&str>,
    historical: Option<bool>,
    names: Names,
) -> Result<Table> {
    let read = ReportRead {
        id,
        locale,
        historical,
        names,
    };
    let workers = Workers::new();
    // What tells the last pass apart; its chunks are dropped, which cancels them.
    let mut previous: Option<(Vec<V2Column>, Vec<u64>)> = None;
    for _ in 0..MAX_PASSES {
        let pass = read.pass(transport, &workers).await?;
        let agrees = previous.as_ref().is_some_and(|(columns, hashes)| {
            columns.as_slice() == pass.columns() && *hashes == pass.row_hashes
        });
        if pass.pages == 1 || agrees {
            return pass.finish().await;
        }
        previous = Some((pass.columns().to_vec(), pass.row_hashes));
    }
    Err(listing_changed(&format!("GET /v2/reports/{id}")))
}

/// A v2 report from one page body, as [`fetch_report_v2`] converts each page (its
/// `next` link is not followed), columns named by key. For tests that feed bodies.
#[doc(hidden)]
pub fn v2_table_from_page(body: &[u8], historical: bool) -> Result<Table> {
    let request = Request::get("/v2/reports/0", Vec::new());
    let body = Bytes::copy_from_slice(body);
    let page = split_page(&body, &request)?;
    let plan = page.plan(&body, historical, Names::Key);
    let converted = page
        .rows
        .chunks(ROWS_PER_CHUNK)
        .enumerate()
        .map(|(index, rows)| convert_rows(&plan, &body, rows, index * ROWS_PER_CHUNK, &request))
        .collect::<Result<Vec<_>>>()?;
    join(&plan, converted)
}

/// What is asked of one read.
struct ReportRead<'a> {
    id: &'a str,
    locale: Option<&'a str>,
    historical: Option<bool>,
    names: Names,
}

/// One pass over the report's pages: chunks still converting, and what tells two
/// passes apart.
struct Pass {
    pages: usize,
    row_hashes: Vec<u64>,
    plan: Option<Arc<V2Plan>>,
    chunks: Vec<Task<Result<Converted>>>,
}

/// A chunk of rows as a worker converted it.
struct Converted {
    chunk: Chunk,
    facts: Vec<RowFacts>,
}

impl ReportRead<'_> {
    async fn pass(&self, transport: &Transport, workers: &Workers) -> Result<Pass> {
        let query = self
            .locale
            .map(|locale| vec![("locale".to_string(), locale.to_string())])
            .unwrap_or_default();
        let mut request = Request::get(format!("/v2/reports/{}", self.id), query);
        let mut pass = Pass {
            pages: 0,
            row_hashes: Vec::new(),
            plan: None,
            chunks: Vec::new(),
        };
        let mut seen_links = std::collections::HashSet::new();
        let mut empty_in_a_row = 0;
        while pass.pages < MAX_V2_PAGES {
            let body = transport.execute(&request, Some(Api::V2)).await?.body;
            pass.pages += 1;
            let page = split_page(&body, &request)?;
            let plan = match &pass.plan {
                None => {
                    let historical = self.historical.unwrap_or_else(|| {
                        page.columns.iter().any(|c| c.name == EFFECTIVE_DATE_COLUMN)
                    });
                    let plan = page.plan(&body, historical, self.names);
                    pass.plan.insert(Arc::new(plan)).clone()
                }
                Some(plan) if plan.columns() != page.columns.as_slice() => {
                    return Err(request.invalid_response(
                        "the columns changed between pages: the report changed while it was read",
                    ))
                }
                Some(plan) => plan.clone(),
            };
            let hasher = foldhash::quality::FixedState::default();
            pass.row_hashes.extend(
                page.rows
                    .iter()
                    .map(|row| hasher.hash_one(&body[row.clone()])),
            );
            empty_in_a_row = if page.rows.is_empty() {
                empty_in_a_row + 1
            } else {
                0
            };
            for (index, rows) in page.rows.chunks(ROWS_PER_CHUNK).enumerate() {
                let (plan, body, rows, request) =
                    (plan.clone(), body.clone(), rows.to_vec(), request.clone());
                let workers = workers.clone();
                let first_row = index * ROWS_PER_CHUNK;
                pass.chunks.push(Task::spawn(async move {
                    workers
                        .run(move || convert_rows(&plan, &body, &rows, first_row, &request))
                        .await
                }));
            }
            match page.next {
                Some(_) if empty_in_a_row >= MAX_EMPTY_PAGES_IN_A_ROW => {
                    return Err(request.invalid_response(format!(
                        "{empty_in_a_row} pages in a row held no rows yet linked to more: the \
                         report would never end"
                    )))
                }
                Some(next) if seen_links.insert(next.clone()) => {
                    request = follow(&transport.config().base_url, &next, &request)?
                }
                Some(next) => {
                    return Err(request.invalid_response(format!(
                        "the next link {next:?} came twice: the report would never end"
                    )))
                }
                None => return Ok(pass),
            }
        }
        Err(request.invalid_response(format!(
            "more than {MAX_V2_PAGES} pages: refusing to return part of the report"
        )))
    }
}

impl Pass {
    /// The report's columns, as the pass's first page listed them.
    fn columns(&self) -> &[V2Column] {
        self.plan.as_ref().map_or(&[], |plan| plan.columns())
    }

    /// The table, once every chunk has converted.
    async fn finish(self) -> Result<Table> {
        let mut converted = Vec::with_capacity(self.chunks.len());
        for chunk in self.chunks {
            converted.push(chunk.join().await??);
        }
        match &self.plan {
            Some(plan) => join(plan, converted),
            None => Err(Error::Internal("a v2 pass read no page".into())),
        }
    }
}

/// One page body, split: its columns, the byte range of each row, its `next` link.
struct SplitPage {
    columns: Vec<V2Column>,
    rows: Vec<Range<usize>>,
    next: Option<String>,
}

/// The parts of a page the reader needs; rows stay unparsed text.
#[derive(Deserialize)]
struct WirePage<'a> {
    #[serde(rename = "_meta")]
    meta: Option<Value>,
    #[serde(rename = "_data", borrow)]
    data: Option<Rows<'a>>,
}

/// `_data` as the text of each row, found in the one pass that reads the body; `None`
/// where `_data` is not a list.
struct Rows<'a>(Option<Vec<&'a RawValue>>);

impl<'de: 'a, 'a> Deserialize<'de> for Rows<'a> {
    fn deserialize<D: Deserializer<'de>>(data: D) -> std::result::Result<Self, D::Error> {
        data.deserialize_any(RowsVisitor)
    }
}

struct RowsVisitor;

impl<'de> Visitor<'de> for RowsVisitor {
    type Value = Rows<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut rows: A) -> std::result::Result<Rows<'de>, A::Error> {
        let mut texts = Vec::new();
        while let Some(row) = rows.next_element::<&'de RawValue>()? {
            texts.push(row);
        }
        Ok(Rows(Some(texts)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Rows<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Rows(None))
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<Rows<'de>, E> {
        Ok(Rows(None))
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<Rows<'de>, E> {
        Ok(Rows(None))
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<Rows<'de>, E> {
        Ok(Rows(None))
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<Rows<'de>, E> {
        Ok(Rows(None))
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<Rows<'de>, E> {
        Ok(Rows(None))
    }

    fn visit_unit<E>(self) -> std::result::Result<Rows<'de>, E> {
        Ok(Rows(None))
    }
}

impl SplitPage {
    /// The plan of the report this page begins: its `timestamp` columns are typed by
    /// the page's first rows.
    fn plan(&self, body: &[u8], historical: bool, names: Names) -> V2Plan {
        let first = first_timestamps(&self.columns, parsed_rows(body, &self.rows));
        V2Plan::new(self.columns.clone(), historical, names, &first)
    }
}

fn split_page(body: &Bytes, request: &Request) -> Result<SplitPage> {
    // Checked as UTF-8 once here and once per row on the workers, not in every scan.
    let text = std::str::from_utf8(body)
        .map_err(|e| request.invalid_response(format!("the body is not UTF-8 text ({e})")))?;
    let page: WirePage<'_> = serde_json::from_str(text)
        .map_err(|e| request.invalid_response(format!("the body is not a report page ({e})")))?;
    let meta = page.meta.unwrap_or_default();
    let columns = meta
        .pointer("/columns")
        .and_then(parse_columns)
        .ok_or_else(|| {
            request.invalid_response(
                "expected {\"_meta\": {\"columns\": [{\"name\", \"display\", \"type\"}]}}",
            )
        })?;
    let rows: Vec<&RawValue> = page
        .data
        .and_then(|data| data.0)
        .ok_or_else(|| request.invalid_response("expected \"_data\": [[cell, ...], ...]"))?;
    let start = body.as_ptr() as usize;
    let rows = rows
        .iter()
        .map(|row| {
            let at = row.get().as_ptr() as usize - start;
            at..at + row.get().len()
        })
        .collect();
    let next = meta
        .pointer("/links/next/href")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(SplitPage {
        columns,
        rows,
        next,
    })
}

/// The cells (their text) of the rows at `ranges` of `body` (the page's rows from
/// `first_row` on), each checked to be at most one per column.
fn parse_rows<'a>(
    body: &'a [u8],
    ranges: &[Range<usize>],
    width: usize,
    first_row: usize,
    request: &Request,
) -> Result<Vec<Vec<&'a RawValue>>> {
    ranges
        .iter()
        .enumerate()
        .map(|(index, range)| match row_cells(body, range) {
            Some(cells) if cells.len() <= width => Ok(cells),
            _ => Err(request.invalid_response(format!(
                "row {} of the page is not an array of at most {width} cells, one per column",
                first_row + index
            ))),
        })
        .collect()
}

/// The text of each cell of the row at `range`; `None` where the row is not a list.
fn row_cells<'a>(body: &'a [u8], range: &Range<usize>) -> Option<Vec<&'a RawValue>> {
    let row = std::str::from_utf8(&body[range.clone()]).ok()?;
    serde_json::from_str(row).ok()
}

/// The rows at `ranges`, read one by one as they are asked for; a row that is not a
/// list is skipped (its chunk's conversion names it).
fn parsed_rows<'a>(
    body: &'a [u8],
    ranges: &'a [Range<usize>],
) -> impl Iterator<Item = Vec<&'a RawValue>> + 'a {
    ranges
        .iter()
        .filter_map(move |range| row_cells(body, range))
}

fn convert_rows(
    plan: &V2Plan,
    body: &[u8],
    rows: &[Range<usize>],
    first_row: usize,
    request: &Request,
) -> Result<Converted> {
    let rows = parse_rows(body, rows, plan.columns().len(), first_row, request)?;
    let (chunk, facts) = plan.convert(&rows);
    Ok(Converted { chunk, facts })
}

/// The table from its converted chunks, in order; for a dated report the periods are
/// filled in first, each row's end from the row after it.
fn join(plan: &V2Plan, converted: Vec<Converted>) -> Result<Table> {
    let (chunks, facts): (Vec<Chunk>, Vec<Vec<RowFacts>>) =
        converted.into_iter().map(|c| (c.chunk, c.facts)).unzip();
    let facts: Vec<&RowFacts> = facts.iter().flatten().collect();
    let mut dated_chunks = Vec::with_capacity(chunks.len());
    let mut row = 0;
    for mut chunk in chunks {
        if plan.dated() {
            let periods = periods(&facts[row..], chunk.rows);
            let mut dated = build_chunk(
                &plan.defs[..PERIOD_COLUMNS],
                chunk.rows,
                |c, r| {
                    let day = if c == 0 { &periods[r].0 } else { &periods[r].1 };
                    day.as_deref()
                        .map(|d| std::borrow::Cow::Owned(Value::from(d)))
                },
                RawStrings::Kept,
            );
            for column in 0..PERIOD_COLUMNS {
                move_column(&mut dated, &mut chunk, column);
            }
        }
        row += chunk.rows;
        dated_chunks.push(chunk);
    }
    one_batch(join_kept_chunks(&plan.defs, dated_chunks)?)
}

/// Moves one column (array, failure, raw strings) from one chunk into another.
fn move_column(from: &mut Chunk, to: &mut Chunk, column: usize) {
    let taken: std::result::Result<ArrayRef, String> = from.take(column);
    to.arrays[column] = None;
    to.failures.retain(|(failed, _)| *failed != column);
    to.put(column, taken);
    to.raw[column] = from.raw[column].take();
}

/// `(valid_from, valid_to)` of the first `count` of `facts`, rows kept as sent:
/// `valid_from` is the row's effective date, `valid_to` the day before the next row's
/// when that row is the same person at a later date, `None` otherwise.
fn periods(facts: &[&RowFacts], count: usize) -> Vec<(Option<String>, Option<String>)> {
    (0..count)
        .map(|index| {
            let row = facts[index];
            let to = match (&row.start, facts.get(index + 1)) {
                (Some(from), Some(next))
                    if row.person.is_some()
                        && next.person == row.person
                        && next.start.as_ref().is_some_and(|n| n > from) =>
                {
                    next.start.as_deref().and_then(day_before)
                }
                _ => None,
            };
            (row.start.clone(), to)
        })
        .collect()
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

/// Whether `error` means "this report is not served by v2" (not enabled for API access,
/// or a grouped report v2 cannot render), so that v1 should be asked instead.
pub fn not_on_v2(error: &Error) -> bool {
    matches!(error, Error::NotFound(_) | Error::BadRequest(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::Date32Type;
    use serde_json::json;

    fn text(id: &str, value: &str) -> Value {
        json!({"attribute_id": id, "string_value": {"value": value}})
    }

    /// A report of more rows than one chunk reads at once: the person and the dates
    /// straddle the chunks' border, and one value only in the last chunk falls back.
    #[test]
    fn rows_across_chunks_are_dated_and_fall_back_together() {
        let rows: Vec<Value> = (0..ROWS_PER_CHUNK + 5)
            .map(|row| {
                // Rows ROWS_PER_CHUNK - 1 and ROWS_PER_CHUNK are one person, two dates.
                let person = if row == ROWS_PER_CHUNK { row - 1 } else { row };
                let date = if row == ROWS_PER_CHUNK {
                    "2024-03-01"
                } else {
                    "2024-01-01"
                };
                let hours = if row == ROWS_PER_CHUNK + 4 {
                    json!({"attribute_id": "hours", "string_value": {"value": "eight"}})
                } else {
                    json!({"attribute_id": "hours", "numeric_value": {"number": row}})
                };
                json!([
                    text("email", &format!("p{person}@example.com")),
                    text("effective_date", date),
                    hours
                ])
            })
            .collect();
        let body = json!({"_meta": {"columns": [
                {"name": "email", "display": "Email", "type": "string"},
                {"name": "effective_date", "display": "Effective date", "type": "timestamp"},
                {"name": "hours", "display": "Hours", "type": "decimal"}]},
            "_data": rows});
        let table = v2_table_from_page(body.to_string().as_bytes(), true).unwrap();
        assert_eq!(table.batches.len(), 1);
        let batch = &table.batches[0];
        assert_eq!(batch.num_rows(), ROWS_PER_CHUNK + 5);
        let from = batch.column(0).as_primitive::<Date32Type>();
        assert_eq!(from.value(ROWS_PER_CHUNK - 1), 19723); // 2024-01-01
        assert_eq!(from.value(ROWS_PER_CHUNK), 19783); // 2024-03-01
        let to = batch.column(1).as_primitive::<Date32Type>();
        assert_eq!(to.value(ROWS_PER_CHUNK - 1), 19782); // 2024-02-29
        assert!(to.is_null(ROWS_PER_CHUNK));
        assert!(to.is_null(0));
        let hours = batch.column(3).as_string::<i32>();
        assert_eq!(hours.value(0), "0");
        assert_eq!(
            hours.value(ROWS_PER_CHUNK + 3),
            (ROWS_PER_CHUNK + 3).to_string()
        );
        assert!(hours.value(ROWS_PER_CHUNK + 4).contains("eight"));
        assert_eq!(table.warnings.len(), 1);
    }
}
