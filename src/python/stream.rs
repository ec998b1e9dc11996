//! `personio_arrow.RecordBatchStream`: a streamed read handed to Python as record
//! batches (Python iteration) or as an Arrow C stream (the PyCapsule interface), once.

use std::time::Duration;

use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use pyo3_arrow::error::PyArrowResult;
use pyo3_arrow::ffi::to_schema_pycapsule;
use pyo3_arrow::{PyRecordBatch, PySchema};
use tokio::sync::mpsc;

use super::table::batches_capsule;
use crate::error::{Error, Result};
use crate::pipeline::Task;
use crate::runtime::runtime;

/// Batches waiting for the consumer (the channel's capacity): a slow consumer slows the
/// read beyond these.
const QUEUED_BATCHES: usize = 2;
/// How often a waiting `next` looks for a KeyboardInterrupt.
const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(100);

/// The batches of a read running on the runtime; dropping it aborts the read.
pub struct Batches {
    /// The first batch, kept from the start (it told the schema) if it has rows.
    first: Option<RecordBatch>,
    receiver: mpsc::Receiver<Result<RecordBatch>>,
    /// Aborted when dropped: a stream let go stops its requests.
    _read: Task<()>,
}

impl Batches {
    /// The next batch without Python (for the C stream, a writer): blocks the thread.
    pub fn next_blocking(&mut self) -> Option<Result<RecordBatch>> {
        if let Some(first) = self.first.take() {
            return Some(Ok(first));
        }
        self.receiver.blocking_recv()
    }
}

/// A record batch stream (Arrow PyCapsule stream interface), consumable once.
#[pyclass(module = "personio_arrow", name = "RecordBatchStream")]
pub struct PyRecordBatchStream {
    schema: SchemaRef,
    batches: Option<Batches>,
}

impl PyRecordBatchStream {
    /// Runs `read` (which sends to the channel's other end) on the runtime, and waits
    /// for the first batch, which tells the schema (or the error that came instead).
    pub fn start<F>(
        py: Python<'_>,
        read: impl FnOnce(mpsc::Sender<Result<RecordBatch>>) -> F,
    ) -> PyResult<PyRecordBatchStream>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let (sender, receiver) = mpsc::channel(QUEUED_BATCHES);
        let runtime = runtime();
        let task = {
            let _inside = runtime.enter();
            Task::spawn(read(sender))
        };
        let mut batches = Batches {
            first: None,
            receiver,
            _read: task,
        };
        let first = next_batch(py, &mut batches)?.ok_or_else(|| {
            PyRuntimeError::new_err("personio-arrow: the stream ended before its first batch")
        })?;
        Ok(PyRecordBatchStream {
            schema: first.schema(),
            batches: Some(Batches {
                first: (first.num_rows() > 0).then_some(first),
                ..batches
            }),
        })
    }

    /// The schema, for writers.
    pub fn schema_ref(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// The batches, once: later calls fail.
    pub fn take(&mut self) -> PyResult<Batches> {
        self.batches.take().ok_or_else(|| {
            PyRuntimeError::new_err("this stream was already consumed: read it again")
        })
    }
}

/// The next batch, waiting without the GIL; a KeyboardInterrupt ends the wait.
fn next_batch(py: Python<'_>, batches: &mut Batches) -> PyResult<Option<RecordBatch>> {
    if let Some(first) = batches.first.take() {
        return Ok(Some(first));
    }
    let runtime = runtime();
    loop {
        let received = py.detach(|| {
            runtime.block_on(async {
                tokio::time::timeout(SIGNAL_CHECK_INTERVAL, batches.receiver.recv()).await
            })
        });
        match received {
            Ok(Some(batch)) => return Ok(Some(batch?)),
            Ok(None) => return Ok(None),
            Err(_waiting) => py.check_signals()?,
        }
    }
}

#[pymethods]
impl PyRecordBatchStream {
    /// The schema as a `pyarrow.Schema` (needs pyarrow).
    #[getter]
    fn schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PySchema::new(self.schema.clone()).into_pyarrow(py)
    }

    /// Arrow PyCapsule interface: the batches as an Arrow C stream. Consumes the stream;
    /// an error of the read reaches the consumer as an Arrow error with its message.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &mut self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyArrowResult<Bound<'py, PyCapsule>> {
        let mut batches = self.take()?;
        let batches = std::iter::from_fn(move || batches.next_blocking())
            .map(|batch| batch.map_err(|e: Error| ArrowError::ExternalError(Box::new(e))));
        batches_capsule(py, &self.schema, batches, requested_schema)
    }

    /// Arrow PyCapsule interface: the schema as an Arrow C schema.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyArrowResult<Bound<'py, PyCapsule>> {
        to_schema_pycapsule(py, self.schema.as_ref())
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The next batch as a `pyarrow.RecordBatch`; the read's error (typed) if it failed.
    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(batches) = self.batches.as_mut() else {
            return Ok(None);
        };
        match next_batch(py, batches) {
            Ok(Some(batch)) => Ok(Some(PyRecordBatch::new(batch).into_pyarrow(py)?)),
            done => {
                // Ended or failed: the read is over either way.
                self.batches = None;
                done.map(|_| None)
            }
        }
    }

    /// Stops the read now (as dropping the stream does).
    fn close(&mut self) {
        self.batches = None;
    }

    fn __repr__(&self) -> String {
        let state = if self.batches.is_some() {
            "open"
        } else {
            "consumed"
        };
        format!(
            "<personio_arrow.RecordBatchStream {} columns, {state}>",
            self.schema.fields().len()
        )
    }
}
