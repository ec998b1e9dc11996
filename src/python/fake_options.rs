//! The fake server's options from a Python dict, and its stats back as one.
//!
//! The dict's values become a `serde_json::Value` in memory (no JSON text), which serde
//! reads into `FakeOptions` by the same rules as the CLI and Rust tests: unknown names
//! are refused and every field is typed. Each option is read alone first, so that an
//! error names the option at fault.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::fake::{FakeOptions, FakeStats};

/// Deepest nesting taken: the options nest three levels; a dict that contains itself
/// must fail, not overflow the stack.
const MAX_DEPTH: usize = 16;

/// `FakeOptions` from `options` (`None`: every default).
pub fn fake_options(options: Option<&Bound<'_, PyDict>>) -> PyResult<FakeOptions> {
    let mut object = Map::new();
    for (name, value) in options.into_iter().flat_map(|o| o.iter()) {
        let name: String = name
            .extract()
            .map_err(|_| PyTypeError::new_err("fake server option names must be strings"))?;
        let value = json_value(&value, 0).map_err(|e| option_error(&name, e))?;
        let alone = Map::from_iter([(name.clone(), value.clone())]);
        serde_json::from_value::<FakeOptions>(Value::Object(alone))
            .map_err(|e| PyTypeError::new_err(format!("fake server option {name:?}: {e}")))?;
        object.insert(name, value);
    }
    serde_json::from_value(Value::Object(object))
        .map_err(|e| PyTypeError::new_err(format!("fake server options: {e}")))
}

/// `stats` as a dict with the same keys (HTTP statuses as int keys).
pub fn stats_dict<'py>(py: Python<'py>, stats: FakeStats) -> PyResult<Bound<'py, PyDict>> {
    // Spelled out field by field: a new counter fails to compile until it is added here.
    let FakeStats {
        requests,
        auth_v1,
        auth_v2,
        by_route,
        by_status,
        max_in_flight,
        rate_limited,
        tokens_by_client,
        rate_limited_by_client,
        injected_errors,
        by_fault,
    } = stats;
    let dict = PyDict::new(py);
    dict.set_item("requests", requests)?;
    dict.set_item("auth_v1", auth_v1)?;
    dict.set_item("auth_v2", auth_v2)?;
    dict.set_item("by_route", by_route)?;
    dict.set_item("by_status", by_status)?;
    dict.set_item("max_in_flight", max_in_flight)?;
    dict.set_item("rate_limited", rate_limited)?;
    dict.set_item("tokens_by_client", tokens_by_client)?;
    dict.set_item("rate_limited_by_client", rate_limited_by_client)?;
    dict.set_item("injected_errors", injected_errors)?;
    dict.set_item("by_fault", by_fault)?;
    Ok(dict)
}

/// The error `error` of option `name`, with the name in front.
fn option_error(name: &str, error: PyErr) -> PyErr {
    Python::attach(|py| {
        let text = format!("fake server option {name:?}: {}", error.value(py));
        if error.is_instance_of::<PyValueError>(py) {
            PyValueError::new_err(text)
        } else {
            PyTypeError::new_err(text)
        }
    })
}

/// The JSON value of a Python value made of None, bool, int, float, str, list, tuple
/// and dicts with str keys.
fn json_value(value: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err("nested too deeply"));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    // bool before int: in Python, True is an int.
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(number) = value.extract::<i64>() {
            return Ok(number.into());
        }
        return value
            .extract::<u64>()
            .map(Value::from)
            .map_err(|_| PyValueError::new_err(format!("{value} is out of range")));
    }
    if let Ok(number) = value.cast::<PyFloat>() {
        return Number::from_f64(number.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err(format!("{value} is not a finite number")));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Value::String(text.extract()?));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = Map::new();
        for (key, item) in dict.iter() {
            let key: String = key
                .extract()
                .map_err(|_| PyTypeError::new_err(format!("key {key} is not a string")))?;
            object.insert(key, json_value(&item, depth + 1)?);
        }
        return Ok(Value::Object(object));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        return value
            .try_iter()?
            .map(|item| json_value(&item?, depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    Err(PyTypeError::new_err(format!(
        "values of type {} are not taken (None, bool, int, float, str, list or dict are)",
        value.get_type().name()?
    )))
}
