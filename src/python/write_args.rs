//! What the writes take from Python: custom attribute values and attendance rows
//! (a list of dicts, or any Arrow table: pyarrow, polars, ...).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyMapping, PyString, PyTime};
use serde_json::Value;

use super::client::day_text;
use crate::resources::attendance_writes::AttendanceRow;

/// The columns an attendance row may have.
const ROW_FIELDS: [&str; 7] = [
    "employee",
    "date",
    "start_time",
    "end_time",
    "break",
    "comment",
    "project_id",
];

/// `{name: value}` as (name, JSON value): text, numbers, booleans, dates as
/// `YYYY-MM-DD`, `None` to clear.
pub fn custom_values(values: &Bound<'_, PyDict>) -> PyResult<Vec<(String, Value)>> {
    values
        .iter()
        .map(|(name, value)| {
            let name: String = name
                .extract()
                .map_err(|_| PyTypeError::new_err("custom_attributes keys must be str"))?;
            let value = json_value(&value).ok_or_else(|| {
                PyTypeError::new_err(format!(
                    "custom attribute {name:?}: give str, int, float, bool, datetime.date or None"
                ))
            })?;
            Ok((name, value))
        })
        .collect()
}

fn json_value(value: &Bound<'_, PyAny>) -> Option<Value> {
    if value.is_none() {
        return Some(Value::Null);
    }
    if value.is_instance_of::<PyBool>() {
        return value.extract::<bool>().ok().map(Value::from);
    }
    if value.is_instance_of::<PyInt>() {
        return value.extract::<i64>().ok().map(Value::from);
    }
    if value.is_instance_of::<PyFloat>() {
        return value.extract::<f64>().ok().map(Value::from);
    }
    if value.is_instance_of::<PyDate>() {
        return day_text("value", value).ok().map(Value::from);
    }
    value
        .cast::<PyString>()
        .ok()?
        .extract::<String>()
        .ok()
        .map(Value::from)
}

/// The rows of a list of dicts or of an Arrow table.
pub fn attendance_rows(rows: &Bound<'_, PyAny>) -> PyResult<Vec<AttendanceRow>> {
    let py = rows.py();
    let listed = if rows.hasattr("__arrow_c_stream__")? {
        let pyarrow = py.import("pyarrow").map_err(|_| {
            PyTypeError::new_err(
                "reading rows from an Arrow table needs pyarrow: pip install pyarrow",
            )
        })?;
        pyarrow
            .call_method1("table", (rows,))?
            .call_method0("to_pylist")?
    } else {
        rows.clone()
    };
    let refused = || {
        PyTypeError::new_err(
            "rows must be an Arrow table (pyarrow, polars, ...) or a list of dicts",
        )
    };
    if listed.is_instance_of::<PyString>() || listed.is_instance_of::<PyDict>() {
        return Err(refused());
    }
    listed
        .try_iter()
        .map_err(|_| refused())?
        .enumerate()
        .map(|(index, row)| attendance_row(index, &row?))
        .collect()
}

fn attendance_row(index: usize, row: &Bound<'_, PyAny>) -> PyResult<AttendanceRow> {
    let row = row
        .cast::<PyMapping>()
        .map_err(|_| PyTypeError::new_err(format!("row {index} is not a dict")))?;
    for key in row.keys()? {
        let key: String = key.extract()?;
        if !ROW_FIELDS.contains(&key.as_str()) {
            return Err(PyValueError::new_err(format!(
                "row {index}: unknown column {key:?}; the columns are {}",
                ROW_FIELDS.join(", ")
            )));
        }
    }
    let field = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        Ok(row.get_item(name).ok().filter(|value| !value.is_none()))
    };
    let required = |name: &str| {
        field(name)?
            .ok_or_else(|| PyValueError::new_err(format!("row {index}: {name} is required")))
    };
    let integer = |name: &str, value: Bound<'_, PyAny>| {
        if value.is_instance_of::<PyBool>() {
            return Err(PyTypeError::new_err(format!(
                "row {index}: {name} must be an int"
            )));
        }
        value
            .extract::<i64>()
            .map_err(|_| PyTypeError::new_err(format!("row {index}: {name} must be an int")))
    };
    let text = |name: &str, value: Bound<'_, PyAny>| {
        value
            .extract::<String>()
            .map_err(|_| PyTypeError::new_err(format!("row {index}: {name} must be a str")))
    };
    Ok(AttendanceRow {
        employee: integer("employee", required("employee")?)?,
        date: day_text(&format!("row {index}: date"), &required("date")?)?,
        start_time: clock_text(index, "start_time", &required("start_time")?)?,
        end_time: field("end_time")?
            .map(|end| clock_text(index, "end_time", &end))
            .transpose()?,
        break_minutes: integer("break", required("break")?)?,
        comment: field("comment")?.map(|c| text("comment", c)).transpose()?,
        project_id: field("project_id")?
            .map(|p| integer("project_id", p))
            .transpose()?,
    })
}

/// A `datetime.time` or an `hh:mm` string, as text for the core, which checks it.
fn clock_text(index: usize, name: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_instance_of::<PyTime>() {
        return value.call_method1("strftime", ("%H:%M",))?.extract();
    }
    value.extract::<String>().map_err(|_| {
        PyTypeError::new_err(format!(
            "row {index}: {name} must be a datetime.time or an \"hh:mm\" string"
        ))
    })
}
