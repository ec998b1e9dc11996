//! A typed result: schema, record batches, and the warnings its conversion raised.

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

/// What every read returns.
#[derive(Debug, Clone)]
pub struct Table {
    /// The schema, with Personio's metadata on every field.
    pub schema: SchemaRef,
    /// The rows; all batches share `schema`.
    pub batches: Vec<RecordBatch>,
    /// One message per column that kept raw strings (see `arrow::build::join_chunks`).
    pub warnings: Vec<String>,
}

impl Table {
    /// Rows in all batches.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}
