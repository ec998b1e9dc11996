//! Rust errors to the Python exceptions of `personio_arrow.exceptions`.

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::error::Error;

/// Where the exception classes live (plain Python classes, so that they carry
/// `status`, `trace_id` and `endpoint` as ordinary attributes).
const EXCEPTIONS_MODULE: &str = "personio_arrow.exceptions";

/// The Python exception for `error`.
pub fn to_py_err(error: Error) -> PyErr {
    Python::attach(|py| match &error {
        Error::InvalidArgument(message) => PyValueError::new_err(message.clone()),
        Error::Io(message) => PyOSError::new_err(message.clone()),
        Error::Internal(_) => PyRuntimeError::new_err(error.to_string()),
        _ => personio_exception(py, &error).unwrap_or_else(|e| e),
    })
}

fn personio_exception(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let class_name = match error {
        Error::Authentication(_) => "AuthenticationError",
        Error::PermissionDenied(_) => "PermissionDeniedError",
        Error::NotFound(_) => "NotFoundError",
        Error::RateLimit(_) => "RateLimitError",
        Error::Server(_) => "ServerError",
        Error::BadRequest(_) => "BadRequestError",
        Error::InvalidResponse(_) => "InvalidResponseError",
        Error::Network(_) => "NetworkError",
        Error::ReportNotReady(_) => "ReportNotReadyError",
        Error::ListingChanged(_) => "ListingChangedError",
        Error::InvalidArgument(_) | Error::Io(_) | Error::Internal(_) => "PersonioError",
    };
    let class = py.import(EXCEPTIONS_MODULE)?.getattr(class_name)?;
    let failure = error.failure().cloned().unwrap_or_default();
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("status", failure.status)?;
    kwargs.set_item("trace_id", failure.trace_id)?;
    kwargs.set_item(
        "endpoint",
        (!failure.endpoint.is_empty()).then_some(failure.endpoint),
    )?;
    let instance = class.call((error.to_string(),), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

/// Raises one `TypeFallbackWarning` per message.
pub fn warn_all(py: Python<'_>, warnings: &[String]) -> PyResult<()> {
    if warnings.is_empty() {
        return Ok(());
    }
    let category = py
        .import(EXCEPTIONS_MODULE)?
        .getattr("TypeFallbackWarning")?;
    for message in warnings {
        let message = std::ffi::CString::new(message.replace('\0', " "))?;
        // stacklevel 2: point at the user's call, not at our Python wrapper.
        PyErr::warn(py, &category, &message, 2)?;
    }
    Ok(())
}
