//! The exception and warning classes of `personio_arrow`, defined here once.
//!
//! Native classes (pyo3's `create_exception!`), so raising one never depends on
//! importing a Python module. Their `__module__` is `personio_arrow`, where users
//! import them from (and where pickle finds them).

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// What every raised [`PersonioError`] carries besides its text. They are also class
/// attributes set to `None`, so that an error made by hand (`PersonioError("text")`)
/// has them too.
pub const FAILURE_ATTRIBUTES: [&str; 4] = ["status", "trace_id", "endpoint", "message"];

/// Defines each class and `add_classes`, which puts them all in the module.
macro_rules! classes {
    ($($name:ident($base:ty) = $doc:literal;)*) => {
        $(create_exception!(personio_arrow, $name, $base, $doc);)*

        /// Adds every exception and warning class to `module`.
        pub fn add_classes(module: &Bound<'_, PyModule>) -> PyResult<()> {
            let py = module.py();
            let base = py.get_type::<PersonioError>();
            for attribute in FAILURE_ATTRIBUTES {
                base.setattr(attribute, py.None())?;
            }
            $(module.add(stringify!($name), py.get_type::<$name>())?;)*
            module.add("ValidationError", validation_error(py)?)?;
            Ok(())
        }
    };
}

classes! {
    PersonioError(PyException) = "A call to Personio failed.\n\n\
        Attributes:\n    \
        status: the HTTP status, when there was a response.\n    \
        trace_id: Personio's trace id, when it sent one (quote it to Personio support).\n    \
        endpoint: the endpoint called, e.g. ``\"GET /v1/company/employees\"``.\n    \
        message: Personio's own message (``str(error)`` adds the status, endpoint and\n        \
        trace id).\n\n\
        Each is ``None`` when unknown, and on an error made by hand.";
    AuthenticationError(PersonioError) = "The client ID or secret was refused.";
    PermissionDeniedError(PersonioError) =
        "The credential lacks a scope, or may not read what was asked.";
    NotFoundError(PersonioError) = "The employee, report or endpoint does not exist.";
    RateLimitError(PersonioError) = "Still rate limited (HTTP 429) when the call's deadline \
        leaves no time to wait.\n\n\
        ``status`` is None when the rate budget knew, without asking, that the next request\n\
        could only go after the deadline.";
    ServerError(PersonioError) = "Personio failed (HTTP 5xx) after every retry.";
    BadRequestError(PersonioError) = "Personio refused the request (HTTP 400 or another 4xx).";
    InvalidResponseError(PersonioError) =
        "Personio answered with a body that is not the JSON the endpoint documents.";
    NetworkError(PersonioError) = "The connection failed or timed out after every retry.";
    ReportNotReadyError(PersonioError) = "A custom report is still updating (after waiting, \
        if asked to) or its update failed.";
    ListingChangedError(PersonioError) = "Records kept moving between pages while a listing \
        was read, pass after pass.\n\n\
        No part of such a listing is returned: every row exactly once, or this error.\n\
        Reading again later usually succeeds.";
    TypeFallbackWarning(PyUserWarning) = "A column's values did not all parse as its declared \
        type.\n\n\
        The column then holds the raw values as strings, so nothing is lost; its field\n\
        metadata carries ``personio.fallback = \"true\"``.";
}

const VALIDATION_ERROR_DOC: &str = "Personio refused what a write sent (HTTP 400 or 422): the \
    message names each field and what is wrong with it.\n\n\
    Both a ``BadRequestError`` and a ``ValueError``, so ``except ValueError`` catches a\n\
    refused value whether it was refused before sending or by Personio.";

static VALIDATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `ValidationError(BadRequestError, ValueError)`, made once with `type()`: a native
/// exception class has a single base.
pub fn validation_error(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    VALIDATION_ERROR
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [
                    py.get_type::<BadRequestError>(),
                    py.get_type::<PyValueError>(),
                ],
            )?;
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "personio_arrow")?;
            namespace.set_item("__doc__", VALIDATION_ERROR_DOC)?;
            let class = py
                .get_type::<PyType>()
                .call1(("ValidationError", bases, namespace))?;
            Ok(class.cast_into::<PyType>()?.unbind())
        })
        .map(|class| class.bind(py))
}
