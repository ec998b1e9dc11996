//! One dictionary per column across a table's batches. Each page builds its own
//! dictionary; Arrow IPC files (Feather) hold a single dictionary per field, and pandas
//! and polars then need no unification of categories.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, DictionaryArray, Int32Array, StringBuilder};
use arrow::datatypes::{DataType, Int32Type};
use arrow::record_batch::RecordBatch;

use crate::error::{Error, Result};

/// `batches` with every `dictionary<int32, string>` column encoded against one
/// dictionary shared by all batches (only the keys are written anew).
pub fn share_dictionaries(batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>> {
    let Some(schema) = batches.first().map(RecordBatch::schema) else {
        return Ok(batches);
    };
    let dictionary_columns: Vec<usize> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, field)| is_string_dictionary(field.data_type()))
        .map(|(index, _)| index)
        .collect();
    if batches.len() < 2 || dictionary_columns.is_empty() {
        return Ok(batches);
    }
    let mut columns: Vec<Vec<ArrayRef>> = batches.iter().map(|b| b.columns().to_vec()).collect();
    for &column in &dictionary_columns {
        let parts: Vec<&DictionaryArray<Int32Type>> = batches
            .iter()
            .map(|batch| batch.column(column).as_dictionary::<Int32Type>())
            .collect();
        for (at, shared) in one_dictionary(&parts)?.into_iter().enumerate() {
            columns[at][column] = shared;
        }
    }
    batches
        .iter()
        .zip(columns)
        .map(|(batch, columns)| {
            RecordBatch::try_new(batch.schema(), columns)
                .map_err(|e| Error::Internal(format!("cannot share a dictionary: {e}")))
        })
        .collect()
}

fn is_string_dictionary(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Dictionary(key, value)
        if **key == DataType::Int32 && **value == DataType::Utf8)
}

/// The parts encoded against the union of their dictionaries, in first-seen order.
fn one_dictionary(parts: &[&DictionaryArray<Int32Type>]) -> Result<Vec<ArrayRef>> {
    let mut index_of: HashMap<&str, i32> = HashMap::new();
    let mut values = StringBuilder::new();
    let mut remaps: Vec<Vec<Option<i32>>> = Vec::with_capacity(parts.len());
    for part in parts {
        let own = part.values().as_string::<i32>();
        let remap = own
            .iter()
            .map(|value| {
                value.map(|value| {
                    let next = index_of.len() as i32;
                    *index_of.entry(value).or_insert_with(|| {
                        values.append_value(value);
                        next
                    })
                })
            })
            .collect();
        remaps.push(remap);
    }
    let values: ArrayRef = Arc::new(values.finish());
    parts
        .iter()
        .zip(remaps)
        .map(|(part, remap)| {
            let keys: Int32Array = part
                .keys()
                .iter()
                .map(|key| key.and_then(|key| remap[key as usize]))
                .collect();
            DictionaryArray::try_new(keys, values.clone())
                .map(|array| Arc::new(array) as ArrayRef)
                .map_err(|e| Error::Internal(format!("cannot share a dictionary: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::StringDictionaryBuilder;
    use arrow::datatypes::{Field, Schema};

    fn batch(values: &[Option<&str>]) -> RecordBatch {
        let mut builder = StringDictionaryBuilder::<Int32Type>::new();
        for value in values {
            builder.append_option(*value);
        }
        let array: ArrayRef = Arc::new(builder.finish());
        let schema = Schema::new(vec![Field::new("d", array.data_type().clone(), true)]);
        RecordBatch::try_new(Arc::new(schema), vec![array]).unwrap()
    }

    fn texts(batch: &RecordBatch) -> Vec<Option<String>> {
        let array = batch.column(0).as_dictionary::<Int32Type>();
        let values = array.values().as_string::<i32>();
        array
            .keys()
            .iter()
            .map(|key| key.map(|key| values.value(key as usize).to_string()))
            .collect()
    }

    #[test]
    fn batches_share_one_dictionary_and_keep_their_values() {
        let batches = vec![
            batch(&[Some("b"), None, Some("a")]),
            batch(&[Some("c"), Some("a"), Some("a")]),
        ];
        let before: Vec<_> = batches.iter().map(texts).collect();
        let shared = share_dictionaries(batches).unwrap();
        let after: Vec<_> = shared.iter().map(texts).collect();
        assert_eq!(after, before);
        let dictionaries: Vec<ArrayRef> = shared
            .iter()
            .map(|b| b.column(0).as_dictionary::<Int32Type>().values().clone())
            .collect();
        assert!(Arc::ptr_eq(&dictionaries[0], &dictionaries[1]));
        let values = dictionaries[0].as_string::<i32>();
        assert_eq!(
            values.iter().collect::<Vec<_>>(),
            [Some("b"), Some("a"), Some("c")]
        );
    }
}
