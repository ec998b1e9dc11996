//! The one way a listing becomes a table: pages from [`crate::paginate`] (or, for v2
//! cursor listings, by following each page's `next` link: [`read_cursor_pages`]), each
//! converted to an Arrow chunk by its resource's [`PageSource`] or [`CursorSource`] on a
//! blocking worker ([`Workers`]) while later pages still download. The resource joins
//! the chunks into a table of one record batch per chunk: pyarrow, polars and DuckDB take
//! chunked columns as they are, and joining them would copy the whole table once more.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};
use crate::next_link::{outline, LinkWalk};
use crate::paginate::{read_listing, Addressing, Page};
use crate::progress::Tally;
use crate::ratelimit::{Bucket, RateBudget};
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

    /// Waits until the page at `position` may be requested: a streamed read holds back
    /// pages its consumer is not ready for (see [`crate::stream`]). At once by default.
    fn admit(&self, _position: u64) -> impl Future<Output = Result<()>> + Send {
        std::future::ready(Ok(()))
    }
}

/// Every page of `source`'s listing, converted, each record exactly once.
///
/// Requests at once: as many as the company's rate budget lets go in one burst for the
/// endpoint's group (what Personio announced, else its documented limits), at most the
/// config's `concurrency`; the budget paces the rest, so none is refused. Twice as many
/// pages may be in progress, so that downloads go on while earlier pages convert.
pub async fn read_pages<S: PageSource>(
    transport: &Transport,
    api: Api,
    addressing: Addressing,
    source: Arc<S>,
) -> Result<Vec<Page<S::Content>>> {
    let concurrency = transport.config().concurrency;
    let first_request = source.request(0);
    let window = &RequestWindow::new(transport, &first_request.path, concurrency);
    let workers = &Workers::new();
    let endpoint = first_request.endpoint();
    let fetch = |position: u64| {
        let source = source.clone();
        async move {
            source.admit(position).await?;
            let request = source.request(position);
            let body = window.send(transport, &request, api).await?;
            workers
                .run(move || source.convert(body, &request, position))
                .await
        }
    };
    read_listing(addressing, concurrency * 2, &endpoint, fetch).await
}

/// The requests of one listing that may be under way at once: the burst the rate
/// budget allows for their group, at most the config's `concurrency`. It grows when an
/// answer announces a larger bucket than believed before.
struct RequestWindow {
    slots: Semaphore,
    /// Slots handed out so far.
    granted: AtomicUsize,
    bucket: Arc<Bucket>,
    most: usize,
}

impl RequestWindow {
    fn new(transport: &Transport, path: &str, most: usize) -> RequestWindow {
        let config = transport.config();
        let bucket = RateBudget::shared(&config.base_url, &config.client_id).bucket(path);
        let window = RequestWindow {
            slots: Semaphore::new(0),
            granted: AtomicUsize::new(0),
            bucket,
            most: most.max(1),
        };
        window.grow();
        window
    }

    /// Adds slots up to what the bucket now allows.
    fn grow(&self) {
        let allowed = (self.bucket.burst() as usize).clamp(1, self.most);
        let before = self.granted.fetch_max(allowed, Ordering::SeqCst);
        if allowed > before {
            self.slots.add_permits(allowed - before);
        }
    }

    /// Sends `request` once a slot is free; its body.
    async fn send(&self, transport: &Transport, request: &Request, api: Api) -> Result<Bytes> {
        let response = {
            let _slot = self
                .slots
                .acquire()
                .await
                .map_err(|e| Error::Internal(format!("request slots closed: {e}")))?;
            transport.execute(request, Some(api)).await?
        };
        self.grow();
        Ok(response.body)
    }
}

/// A v2 cursor listing: its first request, and how to read one page.
pub trait CursorSource: Send + Sync + 'static {
    /// What a converted page holds.
    type Content: Send + 'static;

    /// The request for the first page; the others follow `next` links.
    fn first_request(&self) -> Request;

    /// Converts one page body (on a blocking worker).
    fn convert(&self, body: Bytes, request: &Request) -> Result<Page<Self::Content>>;
}

/// Every page of a cursor listing, converted, in order, each record exactly once.
///
/// Requests are bounded by what arrives (see [`LinkWalk`]), and a record that comes
/// twice is an [`Error::InvalidResponse`], never a short table. Pages convert on
/// workers while the next one downloads; at most twice as many as there are workers
/// wait converted or converting.
pub async fn read_cursor_pages<S: CursorSource>(
    transport: &Transport,
    api: Api,
    source: Arc<S>,
) -> Result<Vec<Page<S::Content>>> {
    let workers = Workers::new();
    let in_progress = 2 * workers.slots();
    let mut request = source.first_request();
    let mut walk = LinkWalk::default();
    let mut converting: VecDeque<Task<Result<Page<S::Content>>>> = VecDeque::new();
    let mut pages = Vec::new();
    let (tally, mut rows) = (Tally::start(), 0);
    loop {
        let body = transport.execute(&request, Some(api)).await?.body;
        let page = outline(&body, &request)?;
        rows += page.rows as u64;
        tally.reached(rows);
        let (source, workers, converted) = (source.clone(), workers.clone(), request.clone());
        converting.push_back(Task::spawn(async move {
            workers.run(move || source.convert(body, &converted)).await
        }));
        if converting.len() > in_progress {
            if let Some(oldest) = converting.pop_front() {
                pages.push(oldest.join().await??);
            }
        }
        let base = &transport.config().base_url;
        match walk.next(base, &request, page.rows, page.next, "listing")? {
            Some(next) => request = next,
            None => {
                for task in converting {
                    pages.push(task.join().await??);
                }
                return once_each(pages, &request);
            }
        }
    }
}

/// `pages` if no record came twice.
fn once_each<T>(pages: Vec<Page<T>>, request: &Request) -> Result<Vec<Page<T>>> {
    let mut seen = HashSet::new();
    for (index, page) in pages.iter().enumerate() {
        if let Some(id) = page.ids.iter().flatten().find(|id| !seen.insert(*id)) {
            return Err(request.invalid_response(format!(
                "record {id} came twice (again on page {index}, counting from 0): the server \
                 repeats records instead of paging; refusing a table that holds one twice"
            )));
        }
    }
    Ok(pages)
}

/// Blocking workers for the CPU work of one read, as many at once as there are cores:
/// then no more pages or chunks sit in memory as parsed JSON than the work needs.
#[derive(Clone)]
pub struct Workers(Arc<Semaphore>, usize);

impl Workers {
    /// Slots for one read.
    pub fn new() -> Workers {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Workers(Arc::new(Semaphore::new(cores)), cores)
    }

    /// How many conversions run at once.
    pub fn slots(&self) -> usize {
        self.1
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
