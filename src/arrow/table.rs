//! A typed result: schema, record batches, and the warnings its conversion raised.

use std::collections::HashSet;

use arrow::array::{Array, ArrayData};
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

    /// Bytes of the table's buffers, each counted once however many columns or
    /// batches share it (a dictionary shared by every batch, say): the memory the
    /// table itself holds, beside what reading it took.
    pub fn nbytes(&self) -> usize {
        let mut seen = HashSet::new();
        let mut total = 0;
        for batch in &self.batches {
            for column in batch.columns() {
                total += unseen_bytes(&column.to_data(), &mut seen);
            }
        }
        total
    }
}

/// Bytes of `data`'s buffers, its null mask and its children's, skipping the buffers
/// `seen` holds already (known by address and length).
fn unseen_bytes(data: &ArrayData, seen: &mut HashSet<(usize, usize)>) -> usize {
    let nulls = data.nulls().map(|nulls| nulls.buffer());
    let own: usize = data
        .buffers()
        .iter()
        .chain(nulls)
        .filter(|buffer| seen.insert((buffer.as_ptr() as usize, buffer.len())))
        .map(|buffer| buffer.len())
        .sum();
    own + data
        .child_data()
        .iter()
        .map(|child| unseen_bytes(child, seen))
        .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, DictionaryArray, Int32Array, Int64Array, StringArray};
    use arrow::datatypes::{Field, Schema};

    use super::*;

    #[test]
    fn nbytes_counts_each_buffer_once() {
        let ids: ArrayRef = Arc::new(Int64Array::from(vec![Some(1), None, Some(3)]));
        let values: ArrayRef = Arc::new(StringArray::from(vec!["a", "bc"]));
        let dictionary = |keys: Vec<i32>| -> ArrayRef {
            Arc::new(DictionaryArray::try_new(Int32Array::from(keys), values.clone()).unwrap())
        };
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", ids.data_type().clone(), true),
            Field::new("d", dictionary(vec![0]).data_type().clone(), true),
        ]));
        let batch = |keys| {
            RecordBatch::try_new(schema.clone(), vec![ids.clone(), dictionary(keys)]).unwrap()
        };
        let table = Table {
            schema: schema.clone(),
            batches: vec![batch(vec![0, 1, 1]), batch(vec![1, 0, 0])],
            warnings: Vec::new(),
        };
        // ids: 3 x 8 bytes and a null mask of one byte, shared by both batches; two
        // key arrays of 3 x 4 bytes; the shared dictionary: 3 offsets x 4 bytes, 3 bytes
        // of text.
        assert_eq!(table.nbytes(), 24 + 1 + 2 * 12 + 12 + 3);
    }
}
