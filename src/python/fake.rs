//! The fake Personio server, started in-process for tests and demos.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::fake::{FakeOptions, FakeServer};
use crate::runtime::runtime;

/// A running fake Personio server (low-level; use `personio_arrow.testing.FakePersonio`).
#[pyclass(module = "personio_arrow._core", name = "FakeServer", frozen)]
pub struct PyFakeServer {
    server: FakeServer,
}

#[pymethods]
impl PyFakeServer {
    /// Starts a server from its options as a JSON object (every `FakeOptions` field).
    #[new]
    #[pyo3(signature = (options_json = "{}"))]
    fn new(py: Python<'_>, options_json: &str) -> PyResult<PyFakeServer> {
        let options: FakeOptions = serde_json::from_str(options_json)
            .map_err(|e| PyValueError::new_err(format!("bad fake server option: {e}")))?;
        let runtime = runtime();
        let server = py
            .detach(|| runtime.block_on(FakeServer::start(options)))
            .map_err(|e| PyRuntimeError::new_err(format!("the fake server did not start: {e}")))?;
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

    /// What the server has seen so far, as a JSON object.
    fn stats_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.server.stats())
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
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
            "personio_arrow._core.FakeServer(url={:?})",
            self.server.url()
        )
    }
}
