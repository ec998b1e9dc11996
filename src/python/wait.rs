//! Running core futures from Python: GIL released, Ctrl-C honoured.

use std::future::Future;
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::error::Result;
use crate::runtime::runtime;

/// How often a waiting call looks for a KeyboardInterrupt.
const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(100);

/// Runs `future` on the process runtime without the GIL, so other Python threads run
/// meanwhile; a KeyboardInterrupt cancels it.
pub fn wait<T, F>(py: Python<'_>, future: F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T>> + Send + 'static,
{
    wait_ticking(py, future, |_| Ok(()))
}

/// [`wait`], calling `tick` with the GIL between polls (a progress bar's redraw); an
/// error from `tick` cancels the future like a KeyboardInterrupt.
pub fn wait_ticking<T, F>(
    py: Python<'_>,
    future: F,
    mut tick: impl FnMut(Python<'_>) -> PyResult<()>,
) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T>> + Send + 'static,
{
    let runtime = runtime();
    let mut task = runtime.spawn(future);
    loop {
        let finished = py.detach(|| {
            runtime.block_on(async { tokio::time::timeout(SIGNAL_CHECK_INTERVAL, &mut task).await })
        });
        match finished {
            Ok(Ok(result)) => return Ok(result?),
            Ok(Err(join_error)) => {
                return Err(PyRuntimeError::new_err(format!(
                    "personio-arrow task failed: {join_error}"
                )))
            }
            Err(_still_running) => {
                if let Err(interrupt) = py.check_signals().and_then(|()| tick(py)) {
                    task.abort();
                    return Err(interrupt);
                }
            }
        }
    }
}
