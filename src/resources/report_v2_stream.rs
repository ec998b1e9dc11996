//! One v2 report streamed: the chunks of rows [`super::reports_v2`] converts as the
//! body arrives go, in row order, to a join that makes record batches of at most
//! `batch_size` rows (see [`crate::stream`]).
//!
//! Memory stays bounded: the body is read on only while fewer than [`AHEAD`] chunks
//! wait for the join, and the join waits while the channel to the consumer is full, so
//! a slow consumer slows the download. Where Personio pages the report anyway, the
//! table read reads it again until two passes agree; a stream cannot take rows back,
//! so it streams the first pass, reads a second one only to compare (columns and row
//! hashes) and ends with [`crate::Error::ListingChanged`] if they differ.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use tokio::sync::mpsc;

use super::names::Names;
use super::report_v2_cells::{RowFacts, V2Plan};
use super::report_v2_page::{ChunkSink, Converted, SentChunk, SentChunks};
use super::reports_v2::{join, ReportRead};
use crate::error::{Error, Result};
use crate::paginate::{Claim, Page};
use crate::pipeline::{Task, Workers};
use crate::stream::{changed_while_streamed, send_windows, InOrder};
use crate::transport::Transport;

/// Chunks (of [`super::report_v2_page::ROWS_PER_CHUNK`] rows) read beyond those the
/// join took.
pub const AHEAD: usize = 16;

/// Report `id` through v2, sent to `out` in batches of at most `batch_size` rows while
/// it is read (`historical` as for [`super::reports_v2::fetch_report_v2`]). An error
/// before any row reached the join is returned (nothing was sent: v1 may be asked
/// instead); later ones are sent.
pub async fn stream_report_v2(
    transport: &Transport,
    id: &str,
    locale: Option<&str>,
    historical: Option<bool>,
    names: Names,
    batch_size: usize,
    out: mpsc::Sender<Result<RecordBatch>>,
) -> Result<()> {
    let read = ReportRead::new(id, locale, historical, names);
    let endpoint = format!("GET /v2/reports/{id}");
    let (chunks, received) = mpsc::unbounded_channel();
    let joined_any = AtomicBool::new(false);
    let reading = async {
        let workers = Workers::new();
        let sent = ChunkSink::Sent(SentChunks::new(chunks, AHEAD));
        let first = read.pass(transport, &workers, sent).await?;
        let (plan, hashes) = match (first.so_far.plan, first.so_far.sink) {
            (Some(plan), ChunkSink::Sent(sent)) => {
                if first.so_far.row_hashes.is_empty() {
                    // No rows: one empty chunk still tells the join the columns.
                    let empty = plan.convert(&[]);
                    let converted = Converted {
                        chunk: empty.0,
                        facts: empty.1,
                    };
                    sent.send(plan.clone(), Task::spawn(async { Ok(converted) }));
                }
                (plan, first.so_far.row_hashes)
            }
            _ => return Err(Error::Internal("a v2 pass read no page".into())),
        };
        // The sink is gone: the join ends after the last chunk.
        if first.pages == 1 {
            return Ok(());
        }
        let second = read.pass(transport, &workers, ChunkSink::Hashed).await?;
        if second.agrees(plan.columns(), &hashes) {
            Ok(())
        } else {
            Err(changed_while_streamed(&endpoint))
        }
    };
    let chunks = ChunksInOrder {
        received,
        held: None,
        joined_any: &joined_any,
    };
    let joining = send_windows(chunks, &endpoint, batch_size, &join_window, &out);
    match tokio::try_join!(reading, joining) {
        Ok(_) => Ok(()),
        Err(error) if !joined_any.load(Ordering::SeqCst) => Err(error),
        Err(error) => {
            // The receiver may be gone: then nobody waits for the error either.
            let _ = out.send(Err(error)).await;
            Ok(())
        }
    }
}

/// A converted chunk as the join takes it.
struct Dated {
    plan: Arc<V2Plan>,
    converted: Converted,
    /// What dates the first row after the chunk (historical reports), if any.
    following: Option<RowFacts>,
}

/// One window of chunks as a table, dated as the table read dates it.
async fn join_window(window: Vec<Page<Dated>>) -> Result<crate::arrow::Table> {
    let plan = match window.first() {
        Some(page) => page.content.plan.clone(),
        None => return Err(Error::Internal("a v2 stream joined no chunk".into())),
    };
    let following = window
        .last()
        .and_then(|page| page.content.following.clone());
    let converted = window.into_iter().map(|page| page.content.converted);
    join(&plan, converted.collect(), following.as_ref())
}

/// The chunks of the streamed pass in row order, each held until the next one is
/// converted, which dates its last row.
struct ChunksInOrder<'a> {
    received: mpsc::UnboundedReceiver<SentChunk>,
    held: Option<(Arc<V2Plan>, Converted)>,
    joined_any: &'a AtomicBool,
}

impl ChunksInOrder<'_> {
    /// The next chunk, converted, or `None` after the last.
    async fn next_chunk(&mut self) -> Result<Option<(Arc<V2Plan>, Converted)>> {
        let Some(sent) = self.received.recv().await else {
            return Ok(None);
        };
        self.joined_any.store(true, Ordering::SeqCst);
        let plan = sent.plan.clone();
        Ok(Some((plan, sent.converted.join().await??)))
    }
}

impl InOrder for ChunksInOrder<'_> {
    type Content = Dated;

    async fn next_page(&mut self) -> Result<Option<Page<Dated>>> {
        if self.held.is_none() {
            self.held = self.next_chunk().await?;
        }
        let Some((plan, converted)) = self.held.take() else {
            return Ok(None);
        };
        self.held = self.next_chunk().await?;
        let following = self
            .held
            .as_ref()
            .and_then(|(_, next)| next.facts.first().cloned());
        Ok(Some(Page {
            len: converted.chunk.rows,
            claim: Claim::default(),
            ids: Vec::new(),
            content: Dated {
                plan,
                converted,
                following,
            },
        }))
    }
}
