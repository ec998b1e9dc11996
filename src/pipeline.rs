//! The one way a listing becomes a table: pages from [`crate::paginate`], each converted
//! to an Arrow chunk by its resource's [`PageSource`] on a blocking worker ([`Workers`])
//! while later pages still download, then one join ([`one_batch`]).

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::arrow::build::concat_chunks;
use crate::arrow::Table;
use crate::error::{Error, Result};
use crate::paginate::{read_listing, Addressing, Page};
use crate::transport::{Api, Request, Transport};

/// A resource's listing: how to ask for a page, and how to read one.
pub trait PageSource: Send + Sync + 'static {
    /// What a converted page holds (an Arrow chunk, and what the join needs besides).
    type Content: Send + 'static;

    /// The request for the page at `position` (a record offset or a page number).
    fn request(&self, position: u64) -> Request;

    /// Converts one page body (CPU work: it runs on a blocking worker). `position` is
    /// where the page starts, for a source that fetches it again at the join.
    fn convert(&self, body: Bytes, request: &Request, position: u64)
        -> Result<Page<Self::Content>>;
}

/// Every page of `source`'s listing, converted, each record exactly once.
///
/// `concurrency` (the config's) bounds the requests Personio sees; twice as many pages
/// may be in progress, so that downloads go on while earlier pages convert.
pub async fn read_pages<S: PageSource>(
    transport: &Transport,
    api: Api,
    addressing: Addressing,
    source: Arc<S>,
) -> Result<Vec<Page<S::Content>>> {
    let concurrency = transport.config().concurrency;
    let requests = Semaphore::new(concurrency);
    let requests = &requests;
    let workers = &Workers::new();
    let endpoint = source.request(0).endpoint();
    let fetch = |position: u64| {
        let source = source.clone();
        async move {
            let request = source.request(position);
            let response = {
                let _slot = requests
                    .acquire()
                    .await
                    .map_err(|e| Error::Internal(format!("request slots closed: {e}")))?;
                transport.execute(&request, Some(api)).await?
            };
            workers
                .run(move || source.convert(response.body, &request, position))
                .await
        }
    };
    read_listing(addressing, concurrency * 2, &endpoint, fetch).await
}

/// Blocking workers for the CPU work of one read, as many at once as there are cores:
/// then no more pages or chunks sit in memory as parsed JSON than the work needs.
#[derive(Clone)]
pub struct Workers(Arc<Semaphore>);

impl Workers {
    /// Slots for one read.
    pub fn new() -> Workers {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Workers(Arc::new(Semaphore::new(cores)))
    }

    /// Runs `work` on a blocking worker once a slot is free. The slot goes with the
    /// work: if this future is dropped, the slot is freed only when the work is done.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let slot = self
            .0
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| Error::Internal(format!("worker slots closed: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work()
        })
        .await
        .map_err(|e| Error::Internal(format!("a conversion failed: {e}")))?
    }
}

/// A spawned task that is cancelled when its handle is dropped (a read given up, a
/// pass superseded), so that no conversion is started for what nobody waits for.
pub struct Task<T>(JoinHandle<T>);

impl<T: Send + 'static> Task<T> {
    /// Spawns `future` on the runtime.
    pub fn spawn(future: impl Future<Output = T> + Send + 'static) -> Task<T> {
        Task(tokio::spawn(future))
    }

    /// The task's output.
    pub async fn join(mut self) -> Result<T> {
        (&mut self.0)
            .await
            .map_err(|e| Error::Internal(format!("a conversion task failed: {e}")))
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Default for Workers {
    fn default() -> Workers {
        Workers::new()
    }
}

/// `table` as one record batch: pyarrow, polars and pandas then see one chunk per
/// column.
pub fn one_batch(table: Table) -> Result<Table> {
    if table.batches.len() == 1 {
        return Ok(table);
    }
    let joined = concat_chunks(&table.schema, &table.batches)?;
    Ok(Table {
        batches: vec![joined],
        ..table
    })
}
