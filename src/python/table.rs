//! `personio_arrow.Table`: Arrow data owned by Rust, handed to Python through the Arrow
//! PyCapsule interface so that pyarrow, polars, pandas and DuckDB read it without a copy.

use std::sync::Arc;

use arrow::array::{ArrayRef, StructArray};
use arrow::datatypes::{DataType, Field, SchemaRef, TimeUnit};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use pyo3_arrow::error::PyArrowResult;
use pyo3_arrow::ffi::{to_schema_pycapsule, to_stream_pycapsule, ArrayIterator};

use crate::arrow::Table;

/// Python helpers for the conversions that need pyarrow, polars or pandas.
const CONVERT_MODULE: &str = "personio_arrow._convert";
/// Columns listed by `repr` before it summarises the rest.
const REPR_COLUMNS: usize = 24;
/// Rows shown by `_repr_html_`.
const HTML_ROWS: usize = 10;

/// A typed table returned by every read.
#[pyclass(module = "personio_arrow", name = "Table", frozen)]
pub struct PyTable {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl PyTable {
    /// Wraps a core table (its warnings are raised by the caller).
    pub fn new(table: Table) -> PyTable {
        PyTable {
            schema: table.schema,
            batches: table.batches,
        }
    }

    /// The core table again (for writing files).
    pub fn to_core(&self) -> Table {
        Table {
            schema: self.schema.clone(),
            batches: self.batches.clone(),
            warnings: Vec::new(),
        }
    }

    fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    fn convert<'py>(slf: &Bound<'py, Self>, function: &str) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import(CONVERT_MODULE)?
            .getattr(function)?
            .call1((slf,))
    }
}

#[pymethods]
impl PyTable {
    /// Arrow PyCapsule interface: the rows as an Arrow C stream (no copy).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyArrowResult<Bound<'py, PyCapsule>> {
        let batches = self.batches.clone().into_iter().map(Ok);
        batches_capsule(py, &self.schema, batches, requested_schema)
    }

    /// Arrow PyCapsule interface: the schema as an Arrow C schema.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyArrowResult<Bound<'py, PyCapsule>> {
        to_schema_pycapsule(py, self.schema.as_ref())
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.rows()
    }

    /// Bytes of the table's Arrow buffers, each counted once (as `pyarrow.Table.nbytes`
    /// counts them, but a buffer shared by several batches only once).
    #[getter]
    fn nbytes(&self) -> usize {
        self.to_core().nbytes()
    }

    /// Column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The schema as a `pyarrow.Schema`, field metadata included (needs pyarrow).
    #[getter]
    fn schema<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        PyTable::convert(slf, "schema")
    }

    fn __len__(&self) -> usize {
        self.rows()
    }

    /// A `pyarrow.Table` sharing this table's memory.
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        PyTable::convert(slf, "to_pyarrow")
    }

    /// A `polars.DataFrame` sharing this table's memory where polars' types allow.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        PyTable::convert(slf, "to_polars")
    }

    /// A `pandas.DataFrame` with analyst dtypes: datetime64, nullable Int64, category
    /// for list attributes, string.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        PyTable::convert(slf, "to_pandas")
    }

    fn __repr__(&self) -> String {
        let fields = self.schema.fields();
        let mut lines = vec![format!(
            "personio_arrow.Table: {} rows x {} columns",
            self.rows(),
            fields.len()
        )];
        for field in fields.iter().take(REPR_COLUMNS) {
            lines.push(format!(
                "  {}: {}",
                field.name(),
                type_name(field.data_type())
            ));
        }
        if fields.len() > REPR_COLUMNS {
            lines.push(format!(
                "  ... {} more columns",
                fields.len() - REPR_COLUMNS
            ));
        }
        lines.join("\n")
    }

    /// A notebook view: size, then the first rows with each column's type.
    fn _repr_html_(&self) -> String {
        let fields = self.schema.fields();
        let mut html = format!(
            "<div><p><b>personio_arrow.Table</b>: {} rows &times; {} columns</p><table border=\"1\"><thead><tr>",
            self.rows(),
            fields.len()
        );
        for field in fields {
            html.push_str(&format!(
                "<th>{}<br/><small>{}</small></th>",
                escape(field.name()),
                escape(&type_name(field.data_type()))
            ));
        }
        html.push_str("</tr></thead><tbody>");
        let options = FormatOptions::default().with_null("");
        let mut shown = 0;
        for batch in &self.batches {
            let formatters: Vec<_> = batch
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).ok())
                .collect();
            for row in 0..batch.num_rows() {
                if shown == HTML_ROWS {
                    break;
                }
                html.push_str("<tr>");
                for formatter in &formatters {
                    let cell = formatter
                        .as_ref()
                        .map(|f| f.value(row).to_string())
                        .unwrap_or_default();
                    html.push_str(&format!("<td>{}</td>", escape(&cell)));
                }
                html.push_str("</tr>");
                shown += 1;
            }
        }
        html.push_str("</tbody></table>");
        if self.rows() > shown {
            html.push_str(&format!("<p>... {} more rows</p>", self.rows() - shown));
        }
        html.push_str("</div>");
        html
    }
}

/// Type names as pyarrow prints them, which is what Python users know.
pub fn type_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Int64 => "int64".into(),
        DataType::Int32 => "int32".into(),
        DataType::Float64 => "double".into(),
        DataType::Boolean => "bool".into(),
        DataType::Utf8 => "string".into(),
        DataType::Date32 => "date32[day]".into(),
        DataType::Timestamp(unit, tz) => {
            let unit = match unit {
                TimeUnit::Second => "s",
                TimeUnit::Millisecond => "ms",
                TimeUnit::Microsecond => "us",
                TimeUnit::Nanosecond => "ns",
            };
            match tz {
                Some(tz) => format!("timestamp[{unit}, tz={tz}]"),
                None => format!("timestamp[{unit}]"),
            }
        }
        DataType::Dictionary(key, value) => format!(
            "dictionary<values={}, indices={}>",
            type_name(value),
            type_name(key)
        ),
        DataType::List(item) => format!("list<item: {}>", type_name(item.data_type())),
        DataType::Struct(fields) => format!(
            "struct<{}>",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.name(), type_name(f.data_type())))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string().to_lowercase(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `batches` of `schema` as an Arrow C stream capsule; an error among them reaches the
/// consumer as an Arrow error.
pub(super) fn batches_capsule<'py>(
    py: Python<'py>,
    schema: &SchemaRef,
    batches: impl Iterator<Item = Result<RecordBatch, ArrowError>> + Send + 'static,
    requested_schema: Option<Bound<'py, PyCapsule>>,
) -> PyArrowResult<Bound<'py, PyCapsule>> {
    let arrays = batches.map(|batch| batch.map(|b| Arc::new(StructArray::from(b)) as ArrayRef));
    let field = Field::new_struct("", schema.fields().clone(), false)
        .with_metadata(schema.metadata().clone());
    let reader = Box::new(ArrayIterator::new(arrays, Arc::new(field)));
    to_stream_pycapsule(py, reader, requested_schema)
}
