//! The one tokio runtime of the process: created lazily, recreated in a forked child.

use std::sync::{Arc, Mutex};

use tokio::runtime::Runtime;

/// The runtime and the process that made it.
static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The process-wide runtime. A child made by `fork` gets a new one, because the
/// parent's worker threads do not exist in the child.
pub fn runtime() -> Arc<Runtime> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, runtime)) = slot.as_ref() {
        if *owner == pid {
            return runtime.clone();
        }
    }
    // A parent's runtime cannot be shut down from the child (its threads are gone):
    // forget it instead of dropping it.
    if let Some((_, stale)) = slot.take() {
        std::mem::forget(stale);
    }
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get().max(2)))
            .thread_name("personio-arrow")
            .enable_all()
            .build()
            .expect("the tokio runtime could not start"),
    );
    *slot = Some((pid, runtime.clone()));
    runtime
}

/// Runs a future to completion on the process runtime, from synchronous code.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    runtime().block_on(future)
}
