//! Rust errors to Python exceptions, and type fallbacks to warnings at the user's line.

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use pyo3::PyTypeInfo;

use super::exceptions::{
    validation_error, AuthenticationError, BadRequestError, InvalidResponseError,
    ListingChangedError, NetworkError, NotFoundError, PermissionDeniedError, RateLimitError,
    ReportNotReadyError, ServerError, TypeFallbackWarning,
};
use crate::error::{ApiFailure, Error};

/// The package whose frames a warning skips to reach the user's code.
const PACKAGE: &str = "personio_arrow";

impl From<Error> for PyErr {
    fn from(error: Error) -> PyErr {
        let text = error.to_string();
        match error {
            Error::InvalidArgument(message) => PyValueError::new_err(message),
            Error::Io(message) => PyOSError::new_err(message),
            Error::Internal(_) => PyRuntimeError::new_err(text),
            Error::Authentication(failure) => raised::<AuthenticationError>(text, failure),
            Error::PermissionDenied(failure) => raised::<PermissionDeniedError>(text, failure),
            Error::NotFound(failure) => raised::<NotFoundError>(text, failure),
            Error::RateLimit(failure) => raised::<RateLimitError>(text, failure),
            Error::Server(failure) => raised::<ServerError>(text, failure),
            Error::BadRequest(failure) => raised::<BadRequestError>(text, failure),
            Error::Validation(failure) => raised_as(validation_error, text, failure),
            Error::InvalidResponse(failure) => raised::<InvalidResponseError>(text, failure),
            Error::Network(failure) => raised::<NetworkError>(text, failure),
            Error::ReportNotReady(failure) => raised::<ReportNotReadyError>(text, failure),
            Error::ListingChanged(failure) => raised::<ListingChangedError>(text, failure),
        }
    }
}

/// An exception of class `T` whose text is the full description (`text`) and whose
/// attributes are the parts of `failure`.
fn raised<T: PyTypeInfo>(text: String, failure: ApiFailure) -> PyErr {
    Python::attach(|py| {
        let error = PyErr::from_type(py.get_type::<T>(), text);
        // Setting attributes on a fresh exception fails only when memory runs out; the
        // error itself matters more than its attributes then.
        let _ = describe(error.value(py), failure);
        error
    })
}

/// [`raised`], for a class made at run time (`class_of`).
fn raised_as(
    class_of: fn(Python<'_>) -> PyResult<&Bound<'_, PyType>>,
    text: String,
    failure: ApiFailure,
) -> PyErr {
    Python::attach(|py| match class_of(py) {
        Ok(class) => {
            let error = PyErr::from_type(class.clone(), text);
            let _ = describe(error.value(py), failure);
            error
        }
        Err(error) => error,
    })
}

fn describe(exception: &Bound<'_, PyAny>, failure: ApiFailure) -> PyResult<()> {
    let ApiFailure {
        status,
        trace_id,
        message,
        endpoint,
    } = failure;
    exception.setattr("status", status)?;
    exception.setattr("trace_id", trace_id)?;
    exception.setattr("endpoint", (!endpoint.is_empty()).then_some(endpoint))?;
    exception.setattr("message", message)
}

/// Raises one `TypeFallbackWarning` per message, attributed to the user's line that
/// called into this package.
pub fn warn_all(py: Python<'_>, warnings: &[String]) -> PyResult<()> {
    warn_as(py, &py.get_type::<TypeFallbackWarning>(), warnings)
}

/// Raises one `UserWarning` per thing Personio ignored of a write it applied.
pub fn warn_ignored(py: Python<'_>, ignored: &[String]) -> PyResult<()> {
    let ignored: Vec<String> = ignored
        .iter()
        .map(|note| format!("Personio ignored part of the write: {note}"))
        .collect();
    warn_as(py, &py.get_type::<PyUserWarning>(), &ignored)
}

/// One warning of `category` per message, at the user's line.
fn warn_as(py: Python<'_>, category: &Bound<'_, PyType>, warnings: &[String]) -> PyResult<()> {
    if warnings.is_empty() {
        return Ok(());
    }
    let stacklevel = user_stacklevel(py)?;
    for message in warnings {
        let message = std::ffi::CString::new(message.replace('\0', " "))?;
        PyErr::warn(py, category, &message, stacklevel)?;
    }
    Ok(())
}

/// The `stacklevel` of the first Python frame outside this package: 1 is the frame that
/// called into Rust, each of our own Python wrappers above it adds one. A fixed number
/// would point into our wrappers, or past the user's line, as soon as their depth changed.
fn user_stacklevel(py: Python<'_>) -> PyResult<i32> {
    let Ok(mut frame) = py.import("sys")?.call_method1("_getframe", (0,)) else {
        return Ok(1); // no Python frame at all: called from a bare thread
    };
    let mut level = 1;
    while is_ours(&frame)? {
        let caller = frame.getattr("f_back")?;
        if caller.is_none() {
            break;
        }
        frame = caller;
        level += 1;
    }
    Ok(level)
}

fn is_ours(frame: &Bound<'_, PyAny>) -> PyResult<bool> {
    let globals = frame.getattr("f_globals")?;
    let Some(module) = globals.cast::<PyDict>()?.get_item("__name__")? else {
        return Ok(false);
    };
    let module: String = module.extract().unwrap_or_default();
    Ok(module == PACKAGE
        || module
            .strip_prefix(PACKAGE)
            .is_some_and(|rest| rest.starts_with('.')))
}
