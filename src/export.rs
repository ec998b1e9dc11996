//! Writing a table to a file, the format chosen by the file's extension.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, StringArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::arrow::Table;
use crate::error::{Error, Result};

/// A file format we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Apache Parquet, snappy-compressed.
    Parquet,
    /// CSV with a header; nested values as text.
    Csv,
    /// Arrow IPC file (Feather v2).
    Arrow,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    JsonLines,
}

impl Format {
    /// The format an output path asks for.
    pub fn from_path(path: &Path) -> Result<Format> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("parquet" | "pq") => Ok(Format::Parquet),
            Some("csv") => Ok(Format::Csv),
            Some("arrow" | "feather" | "ipc") => Ok(Format::Arrow),
            Some("json") => Ok(Format::Json),
            Some("jsonl" | "ndjson") => Ok(Format::JsonLines),
            _ => Err(Error::invalid_argument(format!(
                "cannot tell the format of {}: use .parquet, .csv, .arrow/.feather, .json or .jsonl",
                path.display()
            ))),
        }
    }
}

/// Writes `table` to `path` in the format its extension names.
pub fn write(table: &Table, path: &Path) -> Result<()> {
    let format = Format::from_path(path)?;
    let io = |e: &dyn std::fmt::Display| Error::Io(format!("cannot write {}: {e}", path.display()));
    let file = BufWriter::new(File::create(path).map_err(|e| io(&e))?);
    match format {
        Format::Parquet => {
            let properties = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build();
            let mut writer = ArrowWriter::try_new(file, table.schema.clone(), Some(properties))
                .map_err(|e| io(&e))?;
            for batch in &table.batches {
                writer.write(batch).map_err(|e| io(&e))?;
            }
            writer.close().map_err(|e| io(&e))?;
        }
        Format::Arrow => {
            let mut writer =
                arrow::ipc::writer::FileWriter::try_new(file, &table.schema).map_err(|e| io(&e))?;
            for batch in &table.batches {
                writer.write(batch).map_err(|e| io(&e))?;
            }
            writer.finish().map_err(|e| io(&e))?;
        }
        Format::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(file);
            for batch in &table.batches {
                writer
                    .write(&flat_for_csv(batch).map_err(|e| io(&e))?)
                    .map_err(|e| io(&e))?;
            }
        }
        Format::Json => {
            let mut writer = arrow::json::ArrayWriter::new(file);
            for batch in &table.batches {
                writer.write(batch).map_err(|e| io(&e))?;
            }
            writer.finish().map_err(|e| io(&e))?;
        }
        Format::JsonLines => {
            let mut writer = arrow::json::LineDelimitedWriter::new(file);
            for batch in &table.batches {
                writer.write(batch).map_err(|e| io(&e))?;
            }
            writer.finish().map_err(|e| io(&e))?;
        }
    }
    Ok(())
}

/// Writes record batches as they come to the Parquet file `path`, one row group per
/// batch, through a temporary file beside it that is renamed only once every batch is
/// written: a failed read or write (whose error is returned) leaves neither a partial
/// file nor the temporary one. Returns the rows written.
pub fn write_parquet_stream(
    schema: SchemaRef,
    batches: impl Iterator<Item = Result<RecordBatch>>,
    path: &Path,
) -> Result<usize> {
    if Format::from_path(path)? != Format::Parquet {
        return Err(Error::invalid_argument(format!(
            "a stream is written to Parquet only (.parquet): {}",
            path.display()
        )));
    }
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid_argument(format!("{} names no file", path.display())))?;
    let mut partial = name.to_os_string();
    partial.push(format!(".partial-{}", std::process::id()));
    let temporary = path.with_file_name(partial);
    let written = write_parquet_batches(schema, batches, &temporary).and_then(|rows| {
        std::fs::rename(&temporary, path)
            .map(|()| rows)
            .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))
    });
    if written.is_err() {
        // Nothing may be left behind; the file may not exist yet.
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

fn write_parquet_batches(
    schema: SchemaRef,
    batches: impl Iterator<Item = Result<RecordBatch>>,
    path: &Path,
) -> Result<usize> {
    let io = |e: &dyn std::fmt::Display| Error::Io(format!("cannot write {}: {e}", path.display()));
    let file = BufWriter::new(File::create(path).map_err(|e| io(&e))?);
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer = ArrowWriter::try_new(file, schema, Some(properties)).map_err(|e| io(&e))?;
    let mut rows = 0;
    for batch in batches {
        let batch = batch?;
        rows += batch.num_rows();
        writer.write(&batch).map_err(|e| io(&e))?;
        // One row group per batch: the batch's memory goes now.
        writer.flush().map_err(|e| io(&e))?;
    }
    writer.close().map_err(|e| io(&e))?;
    Ok(rows)
}

/// CSV holds scalars only: nested columns become their text, dictionaries plain strings.
fn flat_for_csv(batch: &RecordBatch) -> std::result::Result<RecordBatch, arrow::error::ArrowError> {
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        let flat: ArrayRef = match field.data_type() {
            DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) => {
                let formatter =
                    ArrayFormatter::try_new(column.as_ref(), &FormatOptions::default())?;
                let text: StringArray = (0..column.len())
                    .map(|i| column.is_valid(i).then(|| formatter.value(i).to_string()))
                    .collect();
                Arc::new(text)
            }
            DataType::Dictionary(_, _) => cast(column, &DataType::Utf8)?,
            _ => column.clone(),
        };
        fields.push(Field::new(field.name(), flat.data_type().clone(), true));
        columns.push(flat);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
}
