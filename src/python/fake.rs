//! The fake Personio server, started in-process for tests and demos.

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::fake_options::{fake_options, stats_dict};
use crate::fake::{FakeError, FakeServer};
use crate::runtime::runtime;

/// A running fake Personio server (low-level; use `personio_arrow.testing.FakePersonio`).
#[pyclass(module = "personio_arrow.testing", name = "FakeServer", frozen)]
pub struct PyFakeServer {
    server: FakeServer,
}

#[pymethods]
impl PyFakeServer {
    /// Starts a server from its options: a dict with any `FakeOptions` fields.
    #[new]
    #[pyo3(signature = (options = None))]
    fn new(py: Python<'_>, options: Option<Bound<'_, PyDict>>) -> PyResult<PyFakeServer> {
        let options = fake_options(options.as_ref())?;
        let runtime = runtime();
        let server = py
            .detach(|| runtime.block_on(FakeServer::start(options)))
            .map_err(|e| match e {
                FakeError::InvalidOptions(_) => PyValueError::new_err(e.to_string()),
                FakeError::Bind { .. } => PyOSError::new_err(e.to_string()),
            })?;
        Ok(PyFakeServer { server })
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    #[getter]
    fn url(&self) -> String {
        self.server.url()
    }

    /// Client ID of the default credential.
    #[getter]
    fn client_id(&self) -> String {
        self.server.client_id().to_string()
    }

    /// Client secret of the default credential (random per start).
    #[getter]
    fn client_secret(&self) -> String {
        self.server.client_secret().to_string()
    }

    /// What the server has seen so far.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        stats_dict(py, self.server.stats())
    }

    /// Every token this server issued (the last 4096).
    fn issued_tokens(&self) -> Vec<String> {
        self.server.issued_tokens()
    }

    /// Stops the server; further requests are refused.
    fn shutdown(&self) {
        self.server.shutdown();
    }

    fn __repr__(&self) -> String {
        format!(
            "personio_arrow.testing.FakeServer(url={:?})",
            self.server.url()
        )
    }
}
