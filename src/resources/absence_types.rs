//! Absence types as a table, from `GET /v2/absence-types` (the default) or v1
//! `GET /v1/company/time-off-types`: `id` (text: a v2 UUID, a v1 integer), `name`,
//! `category`, `unit` (`day` or `hour`, lower-cased from v2's `DAY`/`HOUR`) and
//! `approval_required` where the API says it (v2's fields are unconfirmed: a field it
//! does not send is null). The v2 listing also names the types of v2 absence periods.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use super::absences::AbsenceApi;
use crate::arrow::build::{build_chunk, join_kept_chunks, Chunk, RawStrings};
use crate::arrow::{Cell, ColumnDef, Kind, Table};
use crate::error::Result;
use crate::paginate::{id_text, Addressing, Claim, Page};
use crate::pipeline::{read_cursor_pages, read_pages, CursorSource, PageSource};
use crate::transport::{Api, Request, Response, Transport};

const V1_PATH: &str = "/v1/company/time-off-types";
const V2_PATH: &str = "/v2/absence-types";
const V1_PAGE_SIZE: u64 = 200;
const V2_PAGE_SIZE: usize = 100;

/// The table's columns, in order.
const COLUMNS: [(&str, Kind); 5] = [
    ("id", Kind::Utf8),
    ("name", Kind::Utf8),
    ("category", Kind::Utf8),
    ("unit", Kind::Utf8),
    ("approval_required", Kind::Bool),
];

fn columns() -> Vec<ColumnDef> {
    ColumnDef::plain_all(&COLUMNS)
}

/// A type's name and unit (`day`, `hour`), by its id as sent.
pub(super) type TypeNames = HashMap<String, (Option<String>, Option<String>)>;

/// Every absence type, through the API `api` picks (v2 unless `V1`).
pub async fn fetch_absence_types(transport: &Transport, api: AbsenceApi) -> Result<Table> {
    let columns = columns();
    let chunks = match api {
        AbsenceApi::V1 => {
            let source = Arc::new(V1Types(columns.clone()));
            let pages = read_pages(transport, Api::V1, Addressing::RecordOffset, source).await?;
            pages.into_iter().map(|page| page.content.0).collect()
        }
        AbsenceApi::Auto | AbsenceApi::V2 => {
            let source = Arc::new(V2Types(columns.clone()));
            let pages = read_cursor_pages(transport, Api::V2, source).await?;
            pages.into_iter().map(|page| page.content.0).collect()
        }
    };
    join_kept_chunks(&columns, chunks)
}

/// Every v2 absence type's name and unit, by id.
pub(super) async fn v2_type_names(transport: &Transport) -> Result<TypeNames> {
    let pages = read_cursor_pages(transport, Api::V2, Arc::new(V2Types(columns()))).await?;
    Ok(pages.into_iter().flat_map(|page| page.content.1).collect())
}

/// A converted page: its chunk, and each type's `(id, (name, unit))`.
type Converted = (Chunk, Vec<(String, (Option<String>, Option<String>))>);

struct V1Types(Vec<ColumnDef>);

impl PageSource for V1Types {
    type Content = Converted;

    fn request(&self, offset: u64) -> Request {
        let query = vec![
            ("limit".to_string(), V1_PAGE_SIZE.to_string()),
            ("offset".to_string(), offset.to_string()),
        ];
        Request::get(V1_PATH, query)
    }

    fn convert(&self, body: Bytes, request: &Request, _offset: u64) -> Result<Page<Converted>> {
        let json = Response::of(body).json(request)?;
        let types = json.get("data").and_then(Value::as_array).ok_or_else(|| {
            request.invalid_response("expected {\"success\": true, \"data\": [type, ...]}")
        })?;
        let attributes: Vec<Option<&Value>> = types.iter().map(|t| t.get("attributes")).collect();
        Ok(convert(&self.0, &attributes))
    }
}

struct V2Types(Vec<ColumnDef>);

impl CursorSource for V2Types {
    type Content = Converted;

    fn first_request(&self) -> Request {
        let query = vec![("limit".to_string(), V2_PAGE_SIZE.to_string())];
        Request::get(V2_PATH, query)
    }

    fn convert(&self, body: Bytes, request: &Request) -> Result<Page<Converted>> {
        let json = Response::of(body).json(request)?;
        let types = json
            .get("_data")
            .and_then(Value::as_array)
            .ok_or_else(|| request.invalid_response("expected {\"_data\": [type, ...]}"))?;
        let fields: Vec<Option<&Value>> = types.iter().map(Some).collect();
        Ok(convert(&self.0, &fields))
    }
}

/// A page of types, each given by the object that holds its fields.
fn convert(columns: &[ColumnDef], types: &[Option<&Value>]) -> Page<Converted> {
    let field = |row: usize, key: &str| types[row].and_then(|t| t.get(key));
    let cell = |column: usize, row: usize| -> Cell<'_> {
        let key = COLUMNS[column].0;
        let value = field(row, key)?;
        match (key, value.as_str()) {
            ("unit", Some(unit)) => Some(Cow::Owned(Value::from(unit.to_lowercase()))),
            _ => Some(Cow::Borrowed(value)),
        }
    };
    let chunk = build_chunk(columns, types.len(), cell, RawStrings::Kept);
    let text = |value: Option<&Value>| match value {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let names = (0..types.len())
        .filter_map(|row| {
            let id = text(field(row, "id"))?;
            let unit = text(field(row, "unit")).map(|u| u.to_lowercase());
            Some((id, (text(field(row, "name")), unit)))
        })
        .collect();
    Page {
        len: types.len(),
        claim: Claim::default(),
        ids: (0..types.len())
            .map(|row| field(row, "id").and_then(id_text))
            .collect(),
        content: (chunk, names),
    }
}
