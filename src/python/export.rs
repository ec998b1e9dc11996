//! File output and terminal display for the command line.

use std::path::PathBuf;

use arrow::util::pretty::pretty_format_batches;
use pyo3::prelude::*;

use super::stream::PyRecordBatchStream;
use super::table::{type_name, PyTable};
use crate::export;

/// Writes `table` to `path`; the extension picks the format (.parquet, .csv,
/// .arrow/.feather, .json, .jsonl).
#[pyfunction]
pub fn write_table(py: Python<'_>, table: PyRef<'_, PyTable>, path: PathBuf) -> PyResult<()> {
    let core = table.to_core();
    Ok(py.detach(|| export::write(&core, &path))?)
}

/// Writes a stream to the Parquet file `path` as its batches arrive (one row group
/// each), through a temporary file renamed on success; returns the rows written.
#[pyfunction]
pub fn write_stream(
    py: Python<'_>,
    mut stream: PyRefMut<'_, PyRecordBatchStream>,
    path: PathBuf,
) -> PyResult<usize> {
    let schema = stream.schema_ref();
    let mut batches = stream.take()?;
    let batches = std::iter::from_fn(move || batches.next_blocking());
    Ok(py.detach(|| export::write_parquet_stream(schema, batches, &path))?)
}

/// The first `max_rows` rows as a text grid, or with `schema_only` each column's type.
#[pyfunction]
#[pyo3(signature = (table, max_rows = 10, schema_only = false))]
pub fn format_table(
    table: PyRef<'_, PyTable>,
    max_rows: usize,
    schema_only: bool,
) -> PyResult<String> {
    let core = table.to_core();
    if schema_only {
        let width = core
            .schema
            .fields()
            .iter()
            .map(|f| f.name().chars().count())
            .max()
            .unwrap_or(0);
        return Ok(core
            .schema
            .fields()
            .iter()
            .map(|f| format!("  {:width$}  {}", f.name(), type_name(f.data_type())))
            .collect::<Vec<_>>()
            .join("\n"));
    }
    let mut head = Vec::new();
    let mut left = max_rows;
    for batch in &core.batches {
        if left == 0 {
            break;
        }
        let take = left.min(batch.num_rows());
        head.push(batch.slice(0, take));
        left -= take;
    }
    pretty_format_batches(&head)
        .map(|grid| grid.to_string())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}
