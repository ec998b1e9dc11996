//! `progress=` of the long reads: nothing, a bar (`personio_arrow._progress`), or the
//! caller's own `progress(done, total)`, fed from the waiting loop with the GIL held,
//! never from the runtime's threads.

use std::future::Future;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBool;

use super::wait::{wait, wait_ticking};
use crate::arrow::Table;
use crate::error::Result;
use crate::progress::Progress;

/// What a read's `progress` argument asks for.
pub enum Reporting<'py> {
    /// `False` (the default) or `None`: nothing.
    Off,
    /// `True`: a bar on stderr (tqdm's where tqdm is installed).
    Bar,
    /// A callable taking `(done, total)`, `total` `None` while unknown.
    Callback(Bound<'py, PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Reporting<'py> {
    type Error = PyErr;

    fn extract(value: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if value.is_none() {
            return Ok(Reporting::Off);
        }
        if let Ok(flag) = value.cast::<PyBool>() {
            return Ok(if flag.is_true() {
                Reporting::Bar
            } else {
                Reporting::Off
            });
        }
        if value.is_callable() {
            return Ok(Reporting::Callback(value.to_owned()));
        }
        Err(PyTypeError::new_err(
            "progress must be True, False or a callable taking (done, total)",
        ))
    }
}

/// Runs `read` as [`wait`] does, telling `reporting` how far it has come: records read
/// so far and the total when known at each change, then `(rows, rows)` once the table
/// is complete. A bar made here is closed however the read ends; an error raised by the
/// report cancels the read.
pub fn wait_reporting<F>(
    py: Python<'_>,
    reporting: Reporting<'_>,
    what: &str,
    read: F,
) -> PyResult<Table>
where
    F: Future<Output = Result<Table>> + Send + 'static,
{
    let (report, ours) = match reporting {
        Reporting::Off => return wait(py, read),
        Reporting::Bar => (
            py.import("personio_arrow._progress")?
                .getattr("bar")?
                .call1((what,))?,
            true,
        ),
        Reporting::Callback(callback) => (callback, false),
    };
    let progress = Progress::new();
    let mut last = None;
    let read = wait_ticking(py, progress.clone().watch(read), |_| {
        let now = progress.snapshot();
        if last != Some(now) {
            last = Some(now);
            report.call1(now)?;
        }
        Ok(())
    })
    .and_then(|table| {
        let rows = table.num_rows() as u64;
        report.call1((rows, Some(rows)))?;
        Ok(table)
    });
    if ours {
        let closed = report.call_method0("close");
        // The read's own error matters more than one from closing the bar.
        if read.is_ok() {
            closed?;
        }
    }
    read
}
