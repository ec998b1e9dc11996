//! Streaming reads: a listing's pages handed over in listing order, as they arrive, to a
//! join that makes one record batch per window of pages, through a bounded channel.
//!
//! The read is the same pipeline as for a table ([`crate::pipeline::read_pages`]): a
//! [`Streamed`] source wraps the resource's own and takes each converted page out of the
//! listing as it is converted, so that the listing keeps only what the paging needs
//! (record counts, claims, ids). Memory stays bounded: a page is admitted (requested)
//! only while fewer than [`AHEAD`] pages wait for the join, and the join waits while the
//! channel to the consumer is full, so a slow consumer slows the read.
//!
//! A stream cannot take rows back: where a table read would read the listing again
//! (records moved, fewer records than claimed), a stream fails with
//! [`Error::ListingChanged`] instead of ending. The schema is the first batch's; a later
//! window whose columns differ (an attribute seen only later, a column that no longer
//! parses) fails with [`Error::InvalidResponse`], since the table read would have typed
//! the whole column differently.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::{Arc, Mutex};

use arrow::array::{new_null_array, ArrayRef};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use bytes::Bytes;
use tokio::sync::{mpsc, Notify};

use crate::arrow::build::one_batch;
use crate::arrow::Table;
use crate::error::{ApiFailure, Error, Result};
use crate::paginate::{Addressing, Page};
use crate::pipeline::{read_pages, PageSource};
use crate::transport::{Api, Request, Transport};

/// Pages requested beyond the one the join needs next.
pub const AHEAD: usize = 16;

/// A source whose converted pages go to a join in listing order instead of into the
/// listing; the listing keeps each page's position.
pub struct Streamed<S: PageSource> {
    inner: Arc<S>,
    addressing: Addressing,
    order: Mutex<Order<S::Content>>,
    changed: Notify,
}

/// Which page the join needs next, and what waits for it.
struct Order<T> {
    /// The position of the page the join takes next.
    next: u64,
    /// Records per page, learnt from the first page (record offsets only).
    step: Option<u64>,
    /// Positions requested and not yet taken by the join.
    admitted: BTreeSet<u64>,
    /// Converted pages not yet taken by the join.
    ready: BTreeMap<u64, Page<T>>,
    /// Pages taken by the join.
    taken: usize,
    /// Once the listing is read: how many pages it holds.
    finished: Option<usize>,
}

impl<S: PageSource> Streamed<S> {
    /// Wraps `inner`, whose listing is addressed by `addressing`.
    pub fn new(inner: Arc<S>, addressing: Addressing) -> Streamed<S> {
        let first = match addressing {
            Addressing::PageNumber => 1,
            Addressing::RecordOffset | Addressing::PageIndex => 0,
        };
        Streamed {
            inner,
            addressing,
            order: Mutex::new(Order {
                next: first,
                step: None,
                admitted: BTreeSet::new(),
                ready: BTreeMap::new(),
                taken: 0,
                finished: None,
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Order<S::Content>> {
        self.order.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records that the listing was read and held `pages` pages.
    fn finish(&self, pages: usize) {
        self.lock().finished = Some(pages);
        self.changed.notify_waiters();
    }

    /// The next page in listing order, or `None` once every page was taken.
    pub async fn next_page(&self, endpoint: &str) -> Result<Option<Page<S::Content>>> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut order = self.lock();
                let next = order.next;
                if let Some(page) = order.ready.remove(&next) {
                    order.admitted.remove(&next);
                    order.taken += 1;
                    let step = *order.step.get_or_insert(page.len as u64);
                    order.next = match self.addressing {
                        Addressing::RecordOffset => next + step.max(1),
                        Addressing::PageNumber | Addressing::PageIndex => next + 1,
                    };
                    drop(order);
                    self.changed.notify_waiters();
                    return Ok(Some(page));
                }
                if let Some(pages) = order.finished {
                    if pages == order.taken {
                        return Ok(None);
                    }
                    return Err(Error::Internal(format!(
                        "{endpoint}: the listing held {pages} pages, the stream took {}",
                        order.taken
                    )));
                }
            }
            notified.await;
        }
    }
}

impl<S: PageSource> PageSource for Streamed<S> {
    type Content = u64;

    fn request(&self, position: u64) -> Request {
        self.inner.request(position)
    }

    fn convert(&self, body: Bytes, request: &Request, position: u64) -> Result<Page<u64>> {
        let page = self.inner.convert(body, request, position)?;
        let kept = Page {
            len: page.len,
            claim: page.claim,
            ids: page.ids.clone(),
            content: position,
        };
        self.lock().ready.insert(position, page);
        self.changed.notify_waiters();
        Ok(kept)
    }

    async fn admit(&self, position: u64) -> Result<()> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut order = self.lock();
                // A position asked again, or one before what the join took: the paging
                // reads the listing again, and batches already went out.
                if position < order.next || !order.admitted.insert(position) {
                    return Err(changed_while_streamed(&self.inner.request(0).endpoint()));
                }
                if position == order.next || order.admitted.len() <= AHEAD {
                    return Ok(());
                }
                order.admitted.remove(&position);
            }
            notified.await;
        }
    }
}

/// The error of a stream whose listing had to be read again.
pub fn changed_while_streamed(endpoint: &str) -> Error {
    Error::ListingChanged(ApiFailure {
        status: None,
        trace_id: None,
        message: "the listing changed (or did not hold what it claimed) while it was streamed: \
                  batches already handed out cannot be taken back; read it again"
            .to_string(),
        endpoint: endpoint.to_string(),
    })
}

/// Reads `source`'s listing and sends it to `out` in batches of at most `batch_size`
/// rows, each made by `join` from a window of pages in listing order. Ends when the
/// listing is read and every batch sent, at the first error (which is sent), or when the
/// receiver is gone.
pub async fn stream_pages<S, J, Fut>(
    transport: &Transport,
    api: Api,
    addressing: Addressing,
    source: Arc<S>,
    batch_size: usize,
    join: J,
    out: mpsc::Sender<Result<RecordBatch>>,
) where
    S: PageSource,
    J: Fn(Vec<Page<S::Content>>) -> Fut,
    Fut: Future<Output = Result<Table>>,
{
    let streamed = Arc::new(Streamed::new(source, addressing));
    let endpoint = streamed.request(0).endpoint();
    let read = async {
        let pages = read_pages(transport, api, addressing, streamed.clone()).await?;
        streamed.finish(pages.len());
        Ok(())
    };
    let taking = Taking {
        streamed: &streamed,
        endpoint: &endpoint,
    };
    let joined = send_windows(taking, &endpoint, batch_size, &join, &out);
    if let Err(error) = tokio::try_join!(read, joined) {
        // The receiver may be gone: then nobody waits for the error either.
        let _ = out.send(Err(error)).await;
    }
}

/// Pages in listing order, as the join takes them.
pub trait InOrder {
    /// What a page holds.
    type Content;

    /// The next page, or `None` once every page was taken.
    fn next_page(&mut self) -> impl Future<Output = Result<Option<Page<Self::Content>>>> + Send;
}

/// The pages of a [`Streamed`] listing, in listing order.
struct Taking<'a, S: PageSource> {
    streamed: &'a Streamed<S>,
    endpoint: &'a str,
}

impl<S: PageSource> InOrder for Taking<'_, S> {
    type Content = S::Content;

    fn next_page(&mut self) -> impl Future<Output = Result<Option<Page<S::Content>>>> + Send {
        self.streamed.next_page(self.endpoint)
    }
}

/// Takes pages in order, joins them a window at a time (a window holds at most
/// `batch_size` rows, or one page), and sends the batches: the first fixes the schema,
/// the others are made to fit it ([`conform`]).
pub async fn send_windows<P, J, Fut>(
    mut pages: P,
    endpoint: &str,
    batch_size: usize,
    join: &J,
    out: &mpsc::Sender<Result<RecordBatch>>,
) -> Result<()>
where
    P: InOrder,
    J: Fn(Vec<Page<P::Content>>) -> Fut,
    Fut: Future<Output = Result<Table>>,
{
    let batch_size = batch_size.max(1);
    let mut schema: Option<SchemaRef> = None;
    let mut window: Vec<Page<P::Content>> = Vec::new();
    let mut rows = 0;
    loop {
        let page = pages.next_page().await?;
        let full = page
            .as_ref()
            .is_some_and(|p| rows > 0 && rows + p.len > batch_size);
        if full || page.is_none() {
            // A window's pages become one batch of the stream.
            let table = one_batch(join(std::mem::take(&mut window)).await?)?;
            rows = 0;
            let first = schema.is_none();
            let schema = schema.get_or_insert_with(|| table.schema.clone());
            for batch in &table.batches {
                let batch = conform(batch, schema, endpoint)?;
                let mut start = 0;
                while start < batch.num_rows() || (first && start == 0) {
                    let length = batch_size.min(batch.num_rows() - start);
                    send(out, batch.slice(start, length)).await?;
                    start += length.max(1);
                }
            }
            if first && table.batches.is_empty() {
                send(out, RecordBatch::new_empty(schema.clone())).await?;
            }
        }
        match page {
            Some(page) => {
                rows += page.len;
                window.push(page);
            }
            None => return Ok(()),
        }
    }
}

/// Sends `batch`, waiting while the channel is full. A receiver that is gone ends the
/// read: the error stops the listing too, and is sent to nobody.
async fn send(out: &mpsc::Sender<Result<RecordBatch>>, batch: RecordBatch) -> Result<()> {
    out.send(Ok(batch))
        .await
        .map_err(|_| Error::Internal("the stream's consumer is gone".into()))
}

/// `batch` in the stream's `schema`: a column the window lacks, or holds only nulls
/// of another type, is null; a column the schema lacks, or with values of another
/// type, is an error (the table read would type it otherwise, and a stream cannot
/// change its schema).
fn conform(batch: &RecordBatch, schema: &SchemaRef, endpoint: &str) -> Result<RecordBatch> {
    if batch.schema().fields() == schema.fields() {
        return RecordBatch::try_new(schema.clone(), batch.columns().to_vec())
            .map_err(|e| Error::Internal(format!("a streamed batch: {e}")));
    }
    let differs = |what: String| {
        Error::InvalidResponse(ApiFailure {
            status: None,
            trace_id: None,
            message: format!(
                "{what} after the stream's first batch fixed its columns; read the whole table \
                 instead (it types such columns from every record)"
            ),
            endpoint: endpoint.to_string(),
        })
    };
    let own = batch.schema();
    if let Some(extra) = own
        .fields()
        .iter()
        .find(|f| schema.field_with_name(f.name()).is_err())
    {
        return Err(differs(format!("column {:?} appeared", extra.name())));
    }
    let columns = schema
        .fields()
        .iter()
        .map(|field| match own.index_of(field.name()) {
            Ok(at) if own.field(at).data_type() == field.data_type() => {
                Ok(batch.column(at).clone())
            }
            // Nothing to type: a window of empty cells of a column that fell back.
            Ok(at) if batch.column(at).logical_null_count() == batch.num_rows() => {
                Ok(new_null_array(field.data_type(), batch.num_rows()))
            }
            Ok(_) => Err(differs(format!(
                "column {:?} came as another type",
                field.name()
            ))),
            Err(_) => Ok(new_null_array(field.data_type(), batch.num_rows()) as ArrayRef),
        })
        .collect::<Result<Vec<_>>>()?;
    RecordBatch::try_new(schema.clone(), columns)
        .map_err(|e| Error::Internal(format!("a streamed batch: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, Float64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};

    fn batch_of(column: ArrayRef) -> RecordBatch {
        let field = Field::new("hours", column.data_type().clone(), true);
        RecordBatch::try_new(Arc::new(Schema::new(vec![field])), vec![column]).unwrap()
    }

    /// A window whose column fell back to strings holds nothing a typed column cannot,
    /// when every cell is empty; a value would be typed otherwise by the table read.
    #[test]
    fn only_empty_cells_of_another_type_conform() {
        let schema = batch_of(Arc::new(Float64Array::from(vec![1.5]))).schema();
        let empty = batch_of(Arc::new(StringArray::from(vec![None::<&str>; 3])));
        let conformed = conform(&empty, &schema, "GET /test").unwrap();
        assert_eq!(conformed.column(0).data_type(), &DataType::Float64);
        assert_eq!(conformed.column(0).null_count(), 3);
        let text = batch_of(Arc::new(StringArray::from(vec![None, Some("eight")])));
        let error = conform(&text, &schema, "GET /test").unwrap_err();
        assert!(error.to_string().contains("another type"), "{error}");
    }
}
