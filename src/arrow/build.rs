//! Rows of JSON values to one typed RecordBatch, column by column.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListArray,
    ListBuilder, StringBuilder, StringDictionaryBuilder, StructArray, TimestampMicrosecondBuilder,
};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::{cast, concat_batches};
use arrow::datatypes::{DataType, Field, Int32Type, Schema, SchemaRef};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use serde_json::Value;

use super::dictionary::share_dictionaries;
use super::kind::{struct_fields, Kind};
use super::parse::{self, is_missing, raw_text, Parsed, Unparseable};
use super::table::Table;
use crate::error::{Error, Result};

/// One value of one row, borrowed from the response or made for the column.
pub type Cell<'a> = Option<Cow<'a, Value>>;

/// What a reader hands [`build_chunk`] for one row of one column.
pub enum Slot<'a> {
    /// A value, or none.
    Value(Cell<'a>),
    /// The JSON text, as sent, of a value that does not fit its column: the column
    /// falls back to strings and keeps this text.
    Misfit(&'a str),
}

impl<'a> From<Cell<'a>> for Slot<'a> {
    fn from(cell: Cell<'a>) -> Slot<'a> {
        Slot::Value(cell)
    }
}

impl Slot<'_> {
    /// The value, where it is one.
    fn value(&self) -> Option<&Value> {
        match self {
            Slot::Value(cell) => cell.as_deref(),
            Slot::Misfit(_) => None,
        }
    }
}

/// Field metadata key marking a column that kept raw strings.
pub const FALLBACK_METADATA_KEY: &str = "personio.fallback";

/// An output column: name, intended type and field metadata.
#[derive(Debug, Clone)]
pub struct ColumnDef {
    /// The column name.
    pub name: String,
    /// The intended type.
    pub kind: Kind,
    /// Field metadata (Personio key, label, type, ...).
    pub metadata: HashMap<String, String>,
}

impl ColumnDef {
    /// A column with no metadata.
    pub fn plain(name: &str, kind: Kind) -> ColumnDef {
        ColumnDef {
            name: name.to_string(),
            kind,
            metadata: HashMap::new(),
        }
    }

    /// Columns with no metadata, from a resource's table of names and types.
    pub fn plain_all(columns: &[(&str, Kind)]) -> Vec<ColumnDef> {
        columns
            .iter()
            .map(|(name, kind)| ColumnDef::plain(name, kind.clone()))
            .collect()
    }

    /// A column whose name is also its Personio key (`personio.key`).
    pub fn keyed(name: &str, kind: Kind) -> ColumnDef {
        ColumnDef {
            metadata: HashMap::from([("personio.key".to_string(), name.to_string())]),
            ..ColumnDef::plain(name, kind)
        }
    }
}

/// Typed arrays of one chunk of rows (one page), before the chunks are joined.
pub struct Chunk {
    /// Rows in the chunk.
    pub rows: usize,
    /// Per column: the typed array, or `None` where some value did not parse.
    pub arrays: Vec<Option<ArrayRef>>,
    /// Per column that did not parse: (column index, an offending value).
    pub failures: Vec<(usize, String)>,
    /// Per column, its values as raw strings, kept by [`build_chunk`] with [`RawStrings::Kept`] where
    /// the column may still fall back and its typed array cannot give them back; empty
    /// for chunks whose raw values are read again from their source at the join.
    pub raw: Vec<Option<ArrayRef>>,
}

impl Chunk {
    /// A chunk of `rows` rows whose `columns` columns are still to be [`put`](Self::put).
    pub fn to_fill(rows: usize, columns: usize) -> Chunk {
        Chunk {
            rows,
            arrays: vec![None; columns],
            failures: Vec::new(),
            raw: Vec::new(),
        }
    }

    /// Takes one column out (once): its array, or an example of a value that did not
    /// parse.
    pub fn take(&mut self, column: usize) -> Result<ArrayRef, String> {
        self.arrays[column].take().ok_or_else(|| {
            self.failures
                .iter()
                .find(|(failed, _)| *failed == column)
                .map(|(_, example)| example.clone())
                .unwrap_or_default()
        })
    }

    /// Puts a column taken from another chunk of the same rows in place.
    pub fn put(&mut self, column: usize, taken: Result<ArrayRef, String>) {
        match taken {
            Ok(array) => self.arrays[column] = Some(array),
            Err(example) => self.failures.push((column, example)),
        }
    }
}

/// Whether a chunk keeps its columns' raw strings for the join (see [`Chunk::raw`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawStrings {
    /// Kept where the typed array could not give them back: the chunk needs no source
    /// afterwards.
    Kept,
    /// Not kept: the join reads them again from the chunk's source if a column falls
    /// back.
    ReadAgain,
}

/// Converts `rows` rows; `cell(column, row)` gives each value (a [`Cell`] or a
/// [`Slot`]).
pub fn build_chunk<'a, S: Into<Slot<'a>>>(
    columns: &[ColumnDef],
    rows: usize,
    cell: impl Fn(usize, usize) -> S,
    raw: RawStrings,
) -> Chunk {
    let keep_raw = raw == RawStrings::Kept;
    let mut chunk = Chunk::to_fill(rows, columns.len());
    if keep_raw {
        chunk.raw = vec![None; columns.len()];
    }
    for (index, column) in columns.iter().enumerate() {
        let slots: Vec<Slot<'a>> = (0..rows).map(|row| cell(index, row).into()).collect();
        let misfit = slots.iter().find_map(|slot| match slot {
            Slot::Misfit(text) => Some(*text),
            Slot::Value(_) => None,
        });
        let values: Vec<Option<&Value>> = slots.iter().map(Slot::value).collect();
        let built = match misfit {
            Some(_) => Err(Unparseable),
            None => build_array(&column.kind, &values),
        };
        if keep_raw && (built.is_err() || !raw_from_typed(&column.kind)) {
            chunk.raw[index] = Some(raw_strings_of(&slots));
        }
        match built {
            Ok(array) => chunk.arrays[index] = Some(array),
            Err(Unparseable) => {
                let example = match misfit {
                    Some(text) => shorten(text),
                    None => values
                        .iter()
                        .flatten()
                        .find(|v| !accepts(&column.kind, v))
                        .and_then(|v| raw_text(v))
                        .map(|text| shorten(&text))
                        .unwrap_or_default(),
                };
                chunk.failures.push((index, example));
            }
        }
    }
    chunk
}

/// Whether a parsed array of `kind` holds the raw strings themselves (text as written;
/// a blank string, no value either way, is null), so that none need keeping.
fn raw_from_typed(kind: &Kind) -> bool {
    matches!(kind, Kind::Utf8 | Kind::Dictionary)
}

/// Joins chunks into one table, a record batch per chunk.
///
/// A column with a value that did not parse, in any chunk, holds the raw values as
/// strings in every chunk, is marked in its metadata, and adds one warning naming it:
/// `raw(chunk, columns)` gives, for one chunk, the raw string arrays of those columns.
pub fn join_chunks(
    columns: &[ColumnDef],
    mut chunks: Vec<Chunk>,
    mut raw: impl FnMut(usize, &[usize]) -> Result<Vec<ArrayRef>>,
) -> Result<Table> {
    let mut examples: Vec<Option<String>> = vec![None; columns.len()];
    for chunk in &chunks {
        for (column, example) in &chunk.failures {
            examples[*column].get_or_insert_with(|| example.clone());
        }
    }
    let fallen: Vec<usize> = (0..columns.len())
        .filter(|c| examples[*c].is_some())
        .collect();
    if !fallen.is_empty() {
        for (index, chunk) in chunks.iter_mut().enumerate() {
            let arrays = if chunk.raw.is_empty() {
                raw(index, &fallen)?
            } else {
                fallen
                    .iter()
                    .map(|column| kept_raw(chunk, *column))
                    .collect::<Result<_>>()?
            };
            for (column, array) in fallen.iter().zip(arrays) {
                chunk.arrays[*column] = Some(array);
            }
        }
    }
    let warnings = fallen
        .iter()
        .map(|c| {
            format!(
                "column {:?}: some values are not {} (for example {:?}); the column holds them as strings",
                columns[*c].name,
                describe(&columns[*c].kind),
                examples[*c].as_deref().unwrap_or_default()
            )
        })
        .collect();
    let fields: Vec<Field> = columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let mut metadata = column.metadata.clone();
            let data_type = if fallen.contains(&index) {
                metadata.insert(FALLBACK_METADATA_KEY.into(), "true".into());
                DataType::Utf8
            } else {
                column.kind.data_type()
            };
            Field::new(&column.name, data_type, true).with_metadata(metadata)
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batches = chunks
        .into_iter()
        .map(|chunk| {
            let arrays: Vec<ArrayRef> = chunk.arrays.into_iter().flatten().collect();
            let options = RecordBatchOptions::new().with_row_count(Some(chunk.rows));
            RecordBatch::try_new_with_options(schema.clone(), arrays, &options)
                .map_err(|e| Error::Internal(format!("cannot assemble the table: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Table {
        schema,
        batches: share_dictionaries(batches)?,
        warnings,
    })
}

/// The raw strings of one column of a chunk that kept them (see [`Chunk::raw`]).
fn kept_raw(chunk: &Chunk, column: usize) -> Result<ArrayRef> {
    if let Some(raw) = &chunk.raw[column] {
        return Ok(raw.clone());
    }
    let typed = chunk.arrays[column]
        .as_ref()
        .ok_or_else(|| Error::Internal(format!("column {column} kept neither values nor text")))?;
    cast(typed, &DataType::Utf8)
        .map_err(|e| Error::Internal(format!("cannot turn a column back into text: {e}")))
}

/// Joins chunks that kept their raw strings ([`RawStrings::Kept`]).
pub fn join_kept_chunks(columns: &[ColumnDef], chunks: Vec<Chunk>) -> Result<Table> {
    join_chunks(columns, chunks, |_, _| {
        Err(Error::Internal(
            "a chunk was built without its raw strings".into(),
        ))
    })
}

/// Builds a one-batch table of `rows` rows; `cell(column, row)` gives each value.
pub fn build_table<'a>(
    columns: &[ColumnDef],
    rows: usize,
    cell: impl Fn(usize, usize) -> Cell<'a>,
) -> Result<Table> {
    join_kept_chunks(
        columns,
        vec![build_chunk(columns, rows, cell, RawStrings::Kept)],
    )
}

/// `table` as one record batch (a copy, unless it is one already): for what must see
/// every row at once, such as a sort, and for a stream's window of pages.
pub fn one_batch(table: Table) -> Result<Table> {
    if table.batches.len() == 1 {
        return Ok(table);
    }
    let joined = concat_chunks(&table.schema, &table.batches)?;
    Ok(Table {
        batches: vec![joined],
        ..table
    })
}

/// Concatenates batches into one. Dictionary columns are encoded again afterwards:
/// concatenating appends each chunk's dictionary, and a repeated value would break
/// pandas' categories.
pub fn concat_chunks(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<RecordBatch> {
    let internal =
        |e: arrow::error::ArrowError| Error::Internal(format!("cannot join the pages: {e}"));
    if schema.fields().is_empty() {
        // No column to count the rows by (a report of no columns).
        let rows = batches.iter().map(RecordBatch::num_rows).sum();
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        return RecordBatch::try_new_with_options(schema.clone(), Vec::new(), &options)
            .map_err(internal);
    }
    let joined = concat_batches(schema, batches).map_err(internal)?;
    let columns = joined
        .columns()
        .iter()
        .map(|column| match column.data_type() {
            dictionary @ DataType::Dictionary(_, values) => {
                cast(&cast(column, values).map_err(internal)?, dictionary).map_err(internal)
            }
            _ => Ok(column.clone()),
        })
        .collect::<Result<Vec<_>>>()?;
    RecordBatch::try_new(schema.clone(), columns).map_err(internal)
}

/// One typed array, or `Unparseable` if any present value is not of the kind.
pub fn build_array(kind: &Kind, values: &[Option<&Value>]) -> Result<ArrayRef, Unparseable> {
    let n = values.len();
    Ok(match kind {
        Kind::Int64 => filled(Int64Builder::with_capacity(n), values, parse::int64)?,
        Kind::Float64 => filled(Float64Builder::with_capacity(n), values, parse::float64)?,
        Kind::Hours => filled(Float64Builder::with_capacity(n), values, parse::hours)?,
        Kind::Bool => filled(BooleanBuilder::with_capacity(n), values, parse::boolean)?,
        Kind::Utf8 => filled(StringBuilder::with_capacity(n, n * 16), values, parse::text)?,
        Kind::Date32 => filled(Date32Builder::with_capacity(n), values, parse::date32)?,
        Kind::PlainDate => filled(Date32Builder::with_capacity(n), values, parse::plain_date)?,
        Kind::TimestampUtc => filled(
            TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC"),
            values,
            parse::timestamp_micros,
        )?,
        Kind::LocalTimestamp => filled(
            TimestampMicrosecondBuilder::with_capacity(n),
            values,
            parse::local_timestamp_micros,
        )?,
        Kind::Dictionary => {
            let mut b = StringDictionaryBuilder::<Int32Type>::new();
            for v in values {
                match present(*v).map(parse::text).transpose()?.flatten() {
                    Some(text) => {
                        b.append(text).map_err(|_| Unparseable)?;
                    }
                    None => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        Kind::StringList => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for v in values {
                match present(*v).map(parse::tags).transpose()?.flatten() {
                    Some(tags) => {
                        for tag in tags {
                            b.values().append_value(tag);
                        }
                        b.append(true);
                    }
                    None => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
        Kind::StructList(members) => struct_list(members, values)?,
    })
}

/// `builder` with every value `parse`d appended (absent and null ones as nulls), finished.
fn filled<T>(
    mut builder: impl ArrayBuilder + Extend<Option<T>>,
    values: &[Option<&Value>],
    parse: fn(&Value) -> Parsed<T>,
) -> Result<ArrayRef, Unparseable> {
    for v in values {
        builder.extend([present(*v).map(parse).transpose()?.flatten()]);
    }
    Ok(builder.finish())
}

/// A value that is there and not JSON null.
fn present(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !v.is_null())
}

/// Lists of objects to `list<struct<...>>`; `""` and null are null, `[]` is empty.
fn struct_list(
    members: &[(String, Kind)],
    values: &[Option<&Value>],
) -> Result<ArrayRef, Unparseable> {
    let mut offsets = Vec::with_capacity(values.len() + 1);
    let mut validity = Vec::with_capacity(values.len());
    let mut elements: Vec<&serde_json::Map<String, Value>> = Vec::new();
    offsets.push(0i32);
    for value in values {
        match value {
            Some(Value::Array(items)) => {
                for item in items {
                    let object = item.as_object().ok_or(Unparseable)?;
                    let fields = match object.get("attributes") {
                        Some(Value::Object(inner)) => inner,
                        _ => object,
                    };
                    elements.push(fields);
                }
                validity.push(true);
            }
            Some(v) if !is_missing(v) => return Err(Unparseable),
            _ => validity.push(false),
        }
        offsets.push(i32::try_from(elements.len()).map_err(|_| Unparseable)?);
    }
    let children = members
        .iter()
        .map(|(name, kind)| {
            let column: Vec<Option<&Value>> = elements.iter().map(|e| e.get(name)).collect();
            build_array(kind, &column)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let fields = struct_fields(members);
    let structs = StructArray::try_new(fields.clone(), children, None).map_err(|_| Unparseable)?;
    let item = Arc::new(Field::new("item", DataType::Struct(fields), true));
    let list = ListArray::try_new(
        item,
        OffsetBuffer::new(offsets.into()),
        Arc::new(structs),
        Some(NullBuffer::from(validity)),
    )
    .map_err(|_| Unparseable)?;
    Ok(Arc::new(list))
}

/// Whether one value parses as `kind` (used to find an example for the warning).
fn accepts(kind: &Kind, value: &Value) -> bool {
    build_array(kind, &[Some(value)]).is_ok()
}

/// The raw values as strings (see [`raw_text`]).
pub fn raw_strings(values: &[Option<&Value>]) -> ArrayRef {
    let slots: Vec<Slot<'_>> = values
        .iter()
        .map(|value| Slot::Value(value.map(Cow::Borrowed)))
        .collect();
    raw_strings_of(&slots)
}

/// The raw strings of `slots`: a value's [`raw_text`], a misfit's text as sent.
fn raw_strings_of(slots: &[Slot<'_>]) -> ArrayRef {
    let mut b = StringBuilder::with_capacity(slots.len(), slots.len() * 16);
    for slot in slots {
        match slot {
            // Borrowed where it can be: this runs for every typed value a chunk keeps.
            Slot::Value(Some(value)) => match value.as_ref() {
                Value::String(text) => b.append_value(text),
                other => b.append_option(raw_text(other)),
            },
            Slot::Value(None) => b.append_null(),
            Slot::Misfit(text) => b.append_value(text),
        }
    }
    Arc::new(b.finish())
}

fn describe(kind: &Kind) -> &'static str {
    match kind {
        Kind::Int64 => "integers",
        Kind::Float64 => "numbers",
        Kind::Hours => "hours (HH:MM or a number)",
        Kind::Bool => "booleans",
        Kind::Utf8 | Kind::Dictionary => "text",
        Kind::Date32 => "dates",
        Kind::PlainDate => "dates without a time of day",
        Kind::TimestampUtc => "date-times with an offset",
        Kind::LocalTimestamp => "local date-times without an offset",
        Kind::StringList => "tags",
        Kind::StructList(_) => "lists of objects",
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::Int64Type;
    use serde_json::json;

    #[test]
    fn unparseable_value_turns_column_into_raw_strings() {
        let rows = [json!(1), json!("2"), json!("n/a"), json!(null)];
        let table = build_table(&[ColumnDef::plain("n", Kind::Int64)], rows.len(), |_, r| {
            Some(Cow::Borrowed(&rows[r]))
        })
        .unwrap();
        let batch = &table.batches[0];
        let column = batch.column(0).as_string::<i32>();
        assert_eq!(column.value(0), "1");
        assert_eq!(column.value(2), "n/a");
        assert!(column.is_null(3));
        assert_eq!(table.warnings.len(), 1);
        assert!(table.warnings[0].contains("\"n\"") && table.warnings[0].contains("n/a"));
        assert_eq!(
            batch
                .schema()
                .field(0)
                .metadata()
                .get(FALLBACK_METADATA_KEY),
            Some(&"true".to_string())
        );
    }

    #[test]
    fn struct_lists_read_entity_attributes() {
        let kind = Kind::StructList(vec![
            ("id".into(), Kind::Int64),
            ("percentage".into(), Kind::Float64),
        ]);
        let rows = [
            json!([{"type": "CostCenter", "attributes": {"id": 7, "percentage": "60"}},
                   {"type": "CostCenter", "attributes": {"id": 8, "percentage": 40}}]),
            json!([]),
            json!(""),
        ];
        let values: Vec<Option<&Value>> = rows.iter().map(Some).collect();
        let array = build_array(&kind, &values).unwrap();
        let list = array.as_list::<i32>();
        assert_eq!(list.value_length(0), 2);
        assert_eq!(list.value_length(1), 0);
        assert!(list.is_valid(1));
        assert!(list.is_null(2));
        let structs = list.values().as_struct();
        assert_eq!(structs.column(0).as_primitive::<Int64Type>().value(1), 8);
    }

    #[test]
    fn a_column_failing_in_one_chunk_is_raw_in_every_chunk() {
        let pages = [vec![json!("1"), json!(2)], vec![json!("x")]];
        let columns = [ColumnDef::plain("n", Kind::Int64)];
        let chunks = pages
            .iter()
            .map(|rows| {
                build_chunk(
                    &columns,
                    rows.len(),
                    |_, r| Some(Cow::Borrowed(&rows[r])),
                    RawStrings::ReadAgain,
                )
            })
            .collect();
        let table = join_chunks(&columns, chunks, |chunk, _| {
            let values: Vec<Option<&Value>> = pages[chunk].iter().map(Some).collect();
            Ok(vec![raw_strings(&values)])
        })
        .unwrap();
        assert_eq!(table.schema.field(0).data_type(), &DataType::Utf8);
        assert_eq!(table.batches[0].column(0).as_string::<i32>().value(1), "2");
        assert_eq!(table.batches[1].column(0).as_string::<i32>().value(0), "x");
        assert_eq!(table.warnings.len(), 1);
    }

    #[test]
    fn joined_dictionaries_have_unique_values() {
        let rows = [json!("a"), json!("b"), json!("a")];
        let table = build_table(&[ColumnDef::plain("d", Kind::Dictionary)], 3, |_, r| {
            Some(Cow::Borrowed(&rows[r]))
        })
        .unwrap();
        let twice = [table.batches[0].clone(), table.batches[0].clone()];
        let joined = concat_chunks(&table.schema, &twice).unwrap();
        let dictionary = joined.column(0).as_dictionary::<Int32Type>();
        assert_eq!(dictionary.values().len(), 2);
        assert_eq!(dictionary.len(), 6);
    }

    #[test]
    fn empty_table_has_the_schema() {
        let columns = [
            ColumnDef::plain("a", Kind::Date32),
            ColumnDef::plain("b", Kind::StringList),
        ];
        let table = build_table(&columns, 0, |_, _| None).unwrap();
        assert_eq!(table.num_rows(), 0);
        assert_eq!(table.schema.field(0).data_type(), &DataType::Date32);
        assert!(matches!(
            table.schema.field(1).data_type(),
            DataType::List(_)
        ));
    }
}
