//! One custom report through the v2 Report API (`GET /v2/reports/{id}`): every page,
//! by following `_meta.links.next.href`, each converted to Arrow chunks on blocking
//! workers while the next page downloads. The cells are read in
//! [`super::report_v2_cells`].
//!
//! The report is asked for whole (no `limit`: Personio then sends every row at once),
//! so that no row can move between pages. A body is read as it arrives, without a tree
//! of the whole report: each chunk of rows is parsed and converted on its own while the
//! rest downloads ([`super::report_v2_page`]). Where
//! Personio pages anyway, the cursor tells no total and rows carry no id, so the report
//! is read again until two passes agree row for row (compared by a hash of each row's
//! text, see [`crate::paginate`]); a run of empty pages that keeps linking on is
//! refused.

use arrow::array::ArrayRef;
use serde_json::Value;

use super::names::Names;
use super::report_rows::day_before;
use super::report_v2_cells::{RowFacts, V2Column, V2Plan, PERIOD_COLUMNS};
use super::report_v2_page::{Asked, ChunkSink, Converted, PageReader, PassSoFar};
use crate::arrow::build::{build_chunk, join_kept_chunks, Chunk, RawStrings};
use crate::arrow::Table;
use crate::error::{Error, Result};
use crate::next_link::LinkWalk;
use crate::paginate::{listing_changed, MAX_PASSES};
use crate::pipeline::Workers;
use crate::progress::Tally;
use crate::transport::{Api, BodyReader, Request, Transport};

/// One report through v2. `historical` is v1's word where v1 knows the report, else
/// the report is historical when it has an effective-date column.
pub async fn fetch_report_v2(
    transport: &Transport,
    id: &str,
    locale: Option<&str>,
    historical: Option<bool>,
    names: Names,
) -> Result<Table> {
    let read = ReportRead::new(id, locale, historical, names);
    let workers = Workers::new();
    // What tells the last pass apart; its chunks are dropped, which cancels them.
    let mut previous: Option<(Vec<V2Column>, Vec<u64>)> = None;
    for _ in 0..MAX_PASSES {
        let pass = read.pass(transport, &workers, ChunkSink::Kept).await?;
        let agrees = previous
            .as_ref()
            .is_some_and(|(columns, hashes)| pass.agrees(columns, hashes));
        if pass.pages == 1 || agrees {
            return pass.finish().await;
        }
        previous = Some((pass.columns().to_vec(), pass.so_far.row_hashes));
    }
    Err(listing_changed(&format!("GET /v2/reports/{id}")))
}

/// A v2 report from one page body, as [`fetch_report_v2`] converts each page (its
/// `next` link is not followed), columns named by key. For tests that feed bodies: the
/// body arrives in small pieces, as over a network, so that rows and members straddle
/// them.
#[doc(hidden)]
pub fn v2_table_from_page(body: &[u8], historical: bool) -> Result<Table> {
    let asked = Asked {
        historical: Some(historical),
        names: Names::Key,
    };
    crate::runtime::block_on(async {
        let mut pass = PassSoFar::default();
        let request = Request::get("/v2/reports/0", Vec::new());
        let mut page = PageReader::new(&mut pass, asked, Workers::new(), request);
        page.restart();
        // A piece size that differs from body to body.
        for piece in body.chunks(1 + body.len() % 251) {
            page.piece(piece)?;
        }
        page.finish()?;
        Pass {
            pages: 1,
            so_far: pass,
        }
        .finish()
        .await
    })
}

/// What is asked of one read.
pub(super) struct ReportRead<'a> {
    id: &'a str,
    locale: Option<&'a str>,
    asked: Asked,
    /// Where every pass counts its rows.
    tally: Tally,
}

/// One pass over the report's pages.
pub(super) struct Pass {
    /// Pages read.
    pub pages: usize,
    /// Its plan, chunks and row hashes.
    pub so_far: PassSoFar,
}

impl<'a> ReportRead<'a> {
    /// A read of report `id` (see [`fetch_report_v2`] for `historical`).
    pub fn new(
        id: &'a str,
        locale: Option<&'a str>,
        historical: Option<bool>,
        names: Names,
    ) -> ReportRead<'a> {
        ReportRead {
            id,
            locale,
            asked: Asked { historical, names },
            tally: Tally::start(),
        }
    }

    /// One pass over every page, its chunks going to `sink`.
    pub async fn pass(
        &self,
        transport: &Transport,
        workers: &Workers,
        sink: ChunkSink,
    ) -> Result<Pass> {
        let query = self
            .locale
            .map(|locale| vec![("locale".to_string(), locale.to_string())])
            .unwrap_or_default();
        let mut request = Request::get(format!("/v2/reports/{}", self.id), query);
        let mut pass = Pass {
            pages: 0,
            so_far: PassSoFar {
                tally: self.tally.clone(),
                sink,
                ..PassSoFar::default()
            },
        };
        let mut walk = LinkWalk::default();
        loop {
            let mut page = PageReader::new(
                &mut pass.so_far,
                self.asked,
                workers.clone(),
                request.clone(),
            );
            transport
                .execute_reading(&request, Api::V2, &mut page)
                .await?;
            let page = page.finish()?;
            pass.pages += 1;
            let base = &transport.config().base_url;
            match walk.next(base, &request, page.rows, page.next, "report")? {
                Some(next) => request = next,
                None => return Ok(pass),
            }
        }
    }
}

impl Pass {
    /// The report's columns, as the pass's first page listed them.
    pub fn columns(&self) -> &[V2Column] {
        self.so_far.plan.as_ref().map_or(&[], |plan| plan.columns())
    }

    /// Whether this pass read the same report as one of `columns` and row `hashes`.
    pub fn agrees(&self, columns: &[V2Column], hashes: &[u64]) -> bool {
        self.columns() == columns && self.so_far.row_hashes == hashes
    }

    /// The table, once every chunk has converted.
    async fn finish(self) -> Result<Table> {
        let mut converted = Vec::with_capacity(self.so_far.chunks.len());
        for chunk in self.so_far.chunks {
            converted.push(chunk.join().await??);
        }
        match &self.so_far.plan {
            Some(plan) => join(plan, converted, None),
            None => Err(Error::Internal("a v2 pass read no page".into())),
        }
    }
}

/// The table from its converted chunks, in order; for a dated report the periods are
/// filled in first, each row's end from the row after it (for the last row,
/// `following`: the first row after these chunks, if any).
pub(super) fn join(
    plan: &V2Plan,
    converted: Vec<Converted>,
    following: Option<&RowFacts>,
) -> Result<Table> {
    let (chunks, facts): (Vec<Chunk>, Vec<Vec<RowFacts>>) =
        converted.into_iter().map(|c| (c.chunk, c.facts)).unzip();
    let facts: Vec<&RowFacts> = facts.iter().flatten().chain(following).collect();
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
    join_kept_chunks(&plan.defs, dated_chunks)
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

/// Whether `error` means "this report is not served by v2" (not enabled for API access,
/// or a grouped report v2 cannot render), so that v1 should be asked instead.
pub fn not_on_v2(error: &Error) -> bool {
    matches!(error, Error::NotFound(_) | Error::BadRequest(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::report_v2_page::ROWS_PER_CHUNK;
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
        // One batch per chunk of rows.
        assert_eq!(table.batches.len(), 2);
        let table = crate::arrow::build::one_batch(table).unwrap();
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
