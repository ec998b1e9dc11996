//! One `GET /v2/reports/{id}` page read as it arrives: its rows go to the workers in
//! chunks as soon as the report's columns are known, while the rest of the body is
//! still downloading (see [`BodyScanner`]).

use std::future::Future;
use std::hash::BuildHasher;
use std::ops::Range;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use serde_json::Value;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::names::Names;
use super::report_v2_cells::{RowFacts, TimestampSample, V2Column, V2Plan, EFFECTIVE_DATE_COLUMN};
use super::report_v2_scan::{BodyScanner, RowBatch};
use crate::arrow::build::Chunk;
use crate::error::Result;
use crate::pipeline::{Task, Workers};
use crate::progress::Tally;
use crate::stream::changed_while_streamed;
use crate::transport::{BodyReader, Request};

/// Rows converted together on one worker: about a v1 page's worth of cells, so that
/// the parsed rows of the chunks in progress stay a few megabytes.
pub const ROWS_PER_CHUNK: usize = 200;

/// A chunk of rows as a worker converted it.
pub struct Converted {
    /// The rows' columns, the period columns left null.
    pub chunk: Chunk,
    /// What dates each row (historical reports only).
    pub facts: Vec<RowFacts>,
}

/// What a pass over the report's pages has so far: the plan its first page gave, the
/// chunks converted or converting, and a hash of each row's text (what tells two
/// passes apart).
#[derive(Default)]
pub struct PassSoFar {
    /// The plan of the pass's first page.
    pub plan: Option<Arc<V2Plan>>,
    /// The chunks, in order.
    pub chunks: Vec<Task<Result<Converted>>>,
    /// A hash of each row's text, in order.
    pub row_hashes: Vec<u64>,
    /// Where the rows handed to the workers are counted (a page read again restarts
    /// from where it began, which the count rides out).
    pub tally: Tally,
    /// Where the chunks go.
    pub sink: ChunkSink,
}

/// Where a pass's chunks go as its rows arrive.
#[derive(Default)]
pub enum ChunkSink {
    /// Into [`PassSoFar::chunks`], for the table.
    #[default]
    Kept,
    /// To a stream's join, in order, as they are dispatched.
    Sent(SentChunks),
    /// Nowhere: the rows are only hashed, to compare the pass with one streamed before.
    Hashed,
}

/// A stream's end of a pass: its chunks in order, and room for those not yet joined.
pub struct SentChunks {
    chunks: mpsc::UnboundedSender<SentChunk>,
    room: Arc<Semaphore>,
}

impl SentChunks {
    /// Chunks sent to `chunks`; the body is read on while fewer than `ahead` wait to
    /// be taken out of it.
    pub fn new(chunks: mpsc::UnboundedSender<SentChunk>, ahead: usize) -> SentChunks {
        SentChunks {
            chunks,
            room: Arc::new(Semaphore::new(ahead)),
        }
    }

    /// Sends one chunk (its plan goes with it); a join that is gone ends nothing here:
    /// its stream stops the read.
    pub fn send(&self, plan: Arc<V2Plan>, converted: Task<Result<Converted>>) {
        let room = self.room.clone().try_acquire_owned().ok();
        let _ = self.chunks.send(SentChunk {
            plan,
            converted,
            _room: room,
        });
    }
}

/// A chunk on its way to a stream's join; taking it out of the channel frees its room.
pub struct SentChunk {
    /// The plan the chunk was converted by.
    pub plan: Arc<V2Plan>,
    /// The conversion.
    pub converted: Task<Result<Converted>>,
    _room: Option<OwnedSemaphorePermit>,
}

/// What is asked of the report.
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    /// v1's word on whether the report is historical, where v1 knows the report.
    pub historical: Option<bool>,
    /// How columns are named.
    pub names: Names,
}

/// How a page ended: its rows and its `next` link.
pub struct PageEnd {
    /// Rows on the page.
    pub rows: usize,
    /// `_meta.links.next.href`.
    pub next: Option<String>,
}

/// Reads one page into a pass (see [`BodyReader`]).
pub struct PageReader<'p> {
    pass: &'p mut PassSoFar,
    asked: Asked,
    workers: Workers,
    request: Request,
    scanner: BodyScanner,
    /// `_meta`, once it has arrived.
    meta: Option<Value>,
    /// Rows that came before the plan could be made.
    waiting: Vec<RowBatch>,
    /// Of the waiting batches, how many the sample has seen.
    sampled: usize,
    sample: Option<TimestampSample>,
    /// Where the pass stood before this page, to forget the page on a new try.
    chunks_before: usize,
    hashes_before: usize,
    planned_here: bool,
    rows: usize,
    /// Rows of the page a stream already sent before this try: the try must repeat
    /// them (they are checked, not sent again).
    sent_before: usize,
}

impl<'p> PageReader<'p> {
    /// A reader of the page `request` asks for, adding to `pass`.
    pub fn new(
        pass: &'p mut PassSoFar,
        asked: Asked,
        workers: Workers,
        request: Request,
    ) -> PageReader<'p> {
        let (chunks_before, hashes_before) = (pass.chunks.len(), pass.row_hashes.len());
        PageReader {
            pass,
            asked,
            workers,
            request,
            scanner: BodyScanner::default(),
            meta: None,
            waiting: Vec::new(),
            sampled: 0,
            sample: None,
            chunks_before,
            hashes_before,
            planned_here: false,
            rows: 0,
            sent_before: 0,
        }
    }

    /// Once the whole body has been read: the rest of its rows sent to the workers,
    /// its outline and columns checked.
    pub fn finish(mut self) -> Result<PageEnd> {
        self.scanner.finish().map_err(|e| {
            self.request
                .invalid_response(format!("the body is not a report page ({e})"))
        })?;
        for (key, text) in self.scanner.members() {
            if serde_json::from_str::<IgnoredAny>(text).is_err() {
                return Err(self
                    .request
                    .invalid_response(format!("the member {key:?} is not valid JSON")));
            }
        }
        if !self.scanner.has_data() {
            return Err(self
                .request
                .invalid_response("expected \"_data\": [[cell, ...], ...]"));
        }
        let columns = self.columns()?.ok_or_else(|| self.no_columns())?;
        if let Some(plan) = &self.pass.plan {
            if !self.planned_here && plan.columns() != columns.as_slice() {
                return Err(self.request.invalid_response(
                    "the columns changed between pages: the report changed while it was read",
                ));
            }
        }
        self.advance(true)?;
        if self.rows < self.sent_before {
            return Err(self.changed());
        }
        let next = self
            .meta
            .as_ref()
            .and_then(|meta| meta.pointer("/links/next/href"))
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(PageEnd {
            rows: self.rows,
            next,
        })
    }

    /// Hands rows on: to the workers once the plan is known, else to wait for it.
    fn advance(&mut self, at_end: bool) -> Result<()> {
        let at_least = if at_end { 1 } else { ROWS_PER_CHUNK };
        if let Some(batch) = self.scanner.take_rows(at_least) {
            self.waiting.push(batch);
        }
        if self.pass.plan.is_none() && !self.plan(at_end)? {
            return Ok(());
        }
        for batch in std::mem::take(&mut self.waiting) {
            self.dispatch(batch)?;
        }
        Ok(())
    }

    /// Makes the pass's plan where it can be made yet: once `_meta` is there and the
    /// rows typing the timestamp columns are (at the latest, at the end of the body).
    fn plan(&mut self, at_end: bool) -> Result<bool> {
        let Some(columns) = self.columns()? else {
            return Ok(false);
        };
        let sample = self
            .sample
            .get_or_insert_with(|| TimestampSample::new(&columns));
        for batch in &self.waiting[self.sampled..] {
            let rows = batch
                .rows
                .iter()
                .filter_map(|row| row_cells(&batch.bytes, row));
            sample.look_at(&columns, rows);
        }
        self.sampled = self.waiting.len();
        if !sample.settled() && !at_end {
            return Ok(false);
        }
        let historical = self
            .asked
            .historical
            .unwrap_or_else(|| columns.iter().any(|c| c.name == EFFECTIVE_DATE_COLUMN));
        let plan = V2Plan::new(columns, historical, self.asked.names, sample);
        self.pass.plan = Some(Arc::new(plan));
        self.planned_here = true;
        Ok(true)
    }

    /// The columns `_meta` lists, once `_meta` has arrived.
    fn columns(&mut self) -> Result<Option<Vec<V2Column>>> {
        if self.meta.is_none() {
            let Some((_, text)) = self
                .scanner
                .members()
                .iter()
                .find(|(key, _)| key == "_meta")
            else {
                return Ok(None);
            };
            let meta = serde_json::from_str(text).map_err(|_| self.no_columns())?;
            self.meta = Some(meta);
        }
        let columns = self
            .meta
            .as_ref()
            .and_then(|meta| meta.pointer("/columns"))
            .and_then(parse_columns)
            .ok_or_else(|| self.no_columns())?;
        Ok(Some(columns))
    }

    fn no_columns(&self) -> crate::error::Error {
        self.request.invalid_response(
            "expected {\"_meta\": {\"columns\": [{\"name\", \"display\", \"type\"}]}}",
        )
    }

    /// The error of a page that, read again, does not repeat the rows already streamed.
    fn changed(&self) -> crate::error::Error {
        changed_while_streamed(&self.request.endpoint())
    }

    /// Sends a batch of rows to the workers, in chunks (rows a stream sent before this
    /// try are only checked).
    fn dispatch(&mut self, batch: RowBatch) -> Result<()> {
        let Some(plan) = self.pass.plan.clone() else {
            return Ok(());
        };
        let hasher = foldhash::quality::FixedState::default();
        let hash = |row: &Range<usize>| hasher.hash_one(&batch.bytes[row.clone()]);
        let repeated = batch
            .rows
            .len()
            .min(self.sent_before.saturating_sub(self.rows));
        for row in &batch.rows[..repeated] {
            if self.pass.row_hashes[self.hashes_before + self.rows] != hash(row) {
                return Err(self.changed());
            }
            self.rows += 1;
        }
        for rows in batch.rows[repeated..].chunks(ROWS_PER_CHUNK) {
            self.pass.row_hashes.extend(rows.iter().map(hash));
            if matches!(self.pass.sink, ChunkSink::Hashed) {
                self.rows += rows.len();
                continue;
            }
            let (plan, bytes, rows, request) = (
                plan.clone(),
                batch.bytes.clone(),
                rows.to_vec(),
                self.request.clone(),
            );
            let first_row = self.rows;
            self.rows += rows.len();
            self.pass.tally.reached(self.pass.row_hashes.len() as u64);
            let workers = self.workers.clone();
            let task = {
                let plan = plan.clone();
                Task::spawn(async move {
                    workers
                        .run(move || convert_rows(&plan, &bytes, &rows, first_row, &request))
                        .await
                })
            };
            match &self.pass.sink {
                ChunkSink::Sent(sent) => sent.send(plan, task),
                ChunkSink::Kept | ChunkSink::Hashed => self.pass.chunks.push(task),
            }
        }
        Ok(())
    }
}

impl BodyReader for PageReader<'_> {
    fn restart(&mut self) {
        self.pass.chunks.truncate(self.chunks_before);
        if let ChunkSink::Sent(_) = self.pass.sink {
            // What went out stays out: the new try is checked against it, and keeps
            // the plan it was converted by (its columns are checked at the end).
            self.sent_before = self.pass.row_hashes.len() - self.hashes_before;
            self.planned_here = false;
        } else {
            self.pass.row_hashes.truncate(self.hashes_before);
            if self.planned_here {
                self.pass.plan = None;
                self.planned_here = false;
            }
        }
        self.scanner = BodyScanner::default();
        self.meta = None;
        self.waiting.clear();
        self.sampled = 0;
        self.sample = None;
        self.rows = 0;
    }

    fn piece(&mut self, piece: &[u8]) -> Result<()> {
        self.scanner.feed(piece).map_err(|e| {
            self.request
                .invalid_response(format!("the body is not a report page ({e})"))
        })?;
        self.advance(false)
    }

    fn ready(&mut self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let room = match &self.pass.sink {
            ChunkSink::Sent(sent) => Some(sent.room.clone()),
            ChunkSink::Kept | ChunkSink::Hashed => None,
        };
        Box::pin(async move {
            if let Some(room) = room {
                // Closed never: the semaphore lives as long as the pass.
                let _ = room.acquire().await;
            }
        })
    }
}

/// Converts the rows at `ranges` of `bytes` (the page's rows from `first_row` on).
fn convert_rows(
    plan: &V2Plan,
    bytes: &[u8],
    ranges: &[Range<usize>],
    first_row: usize,
    request: &Request,
) -> Result<Converted> {
    let width = plan.columns().len();
    let rows = ranges
        .iter()
        .enumerate()
        .map(|(index, range)| match row_cells(bytes, range) {
            Some(cells) if cells.len() <= width => Ok(cells),
            _ => Err(request.invalid_response(format!(
                "row {} of the page is not an array of at most {width} cells, one per column",
                first_row + index
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    let (chunk, facts) = plan.convert(&rows);
    Ok(Converted { chunk, facts })
}

/// The text of each cell of the row at `range`; `None` where the row is not a list.
fn row_cells<'a>(bytes: &'a [u8], range: &Range<usize>) -> Option<Vec<&'a RawValue>> {
    let row = std::str::from_utf8(&bytes[range.clone()]).ok()?;
    serde_json::from_str(row).ok()
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
