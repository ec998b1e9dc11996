//! A v2 catalogue (projects, org units, cost centers, legal entities, workplaces) as a
//! typed table: each column is a field of the item, found by its JSON pointer, read
//! through the cursor pipeline ([`read_cursor_pages`]) like every v2 listing.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use crate::arrow::build::{build_chunk, join_kept_chunks, Chunk, RawStrings};
use crate::arrow::{ColumnDef, Kind, Table};
use crate::error::Result;
use crate::paginate::{id_text, Claim, Page};
use crate::pipeline::{read_cursor_pages, CursorSource};
use crate::transport::{Api, Request, Response, Transport};

/// The largest page every v2 catalogue serves (V2_NOTES 6: legal entities and cost
/// centers take 1..=100; assumed for the others).
const PAGE_SIZE: usize = 100;

/// One column: its name, its type, and where its value sits in an item.
pub struct Field {
    /// The column name.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// The JSON pointer of its value in an item, e.g. `/cost_center/id`.
    pub pointer: &'static str,
}

impl Field {
    /// A column of type `kind`.
    pub const fn new(name: &'static str, kind: Kind, pointer: &'static str) -> Field {
        Field {
            name,
            kind,
            pointer,
        }
    }

    /// A text column.
    pub const fn text(name: &'static str, pointer: &'static str) -> Field {
        Field::new(name, Kind::Utf8, pointer)
    }
}

/// A v2 catalogue: where it is listed and which columns its items make.
pub struct Listing {
    /// The path, e.g. `/v2/cost-centers`.
    pub path: &'static str,
    /// Query parameters of the first request besides `limit`.
    pub query: Vec<(String, String)>,
    /// The columns, in order.
    pub fields: &'static [Field],
}

impl Listing {
    fn columns(&self) -> Vec<ColumnDef> {
        self.fields
            .iter()
            .map(|field| ColumnDef::plain(field.name, field.kind.clone()))
            .collect()
    }

    fn first_request(&self) -> Request {
        let mut query = self.query.clone();
        query.push(("limit".to_string(), PAGE_SIZE.to_string()));
        Request::get(self.path, query)
    }
}

/// Every item of `listing`, one row each, each exactly once (or an error).
pub async fn read_listing(transport: &Transport, listing: Listing) -> Result<Table> {
    let source = Arc::new(ListingPages {
        columns: listing.columns(),
        listing,
    });
    let pages = read_cursor_pages(transport, Api::V2, source.clone()).await?;
    join(&source.columns, pages)
}

struct ListingPages {
    listing: Listing,
    columns: Vec<ColumnDef>,
}

impl CursorSource for ListingPages {
    type Content = Chunk;

    fn first_request(&self) -> Request {
        self.listing.first_request()
    }

    fn convert(&self, body: Bytes, request: &Request) -> Result<Page<Chunk>> {
        convert_page(&self.listing, &self.columns, &body, request)
    }
}

fn convert_page(
    listing: &Listing,
    columns: &[ColumnDef],
    body: &Bytes,
    request: &Request,
) -> Result<Page<Chunk>> {
    let json = Response::of(body.clone()).json(request)?;
    let items = json
        .get("_data")
        .and_then(Value::as_array)
        .ok_or_else(|| request.invalid_response("expected {\"_data\": [item, ...]}"))?;
    let cell = |column: usize, row: usize| {
        items[row]
            .pointer(listing.fields[column].pointer)
            .map(Cow::Borrowed)
    };
    Ok(Page {
        len: items.len(),
        claim: Claim::default(),
        ids: items
            .iter()
            .map(|item| item.get("id").and_then(id_text))
            .collect(),
        content: build_chunk(columns, items.len(), cell, RawStrings::Kept),
    })
}

fn join(columns: &[ColumnDef], pages: Vec<Page<Chunk>>) -> Result<Table> {
    let chunks = pages.into_iter().map(|page| page.content).collect();
    join_kept_chunks(columns, chunks)
}
