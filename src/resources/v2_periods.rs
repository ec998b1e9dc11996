//! A v2 listing of periods (attendance periods, absence periods) through the cursor
//! pipeline: `limit` 100, the days as local date-time filters, `person.id` as a comma
//! list, and each period one row of the resource's own columns.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use super::days::PeriodQuery;
use crate::arrow::build::{build_chunk, join_kept_chunks, Chunk, RawStrings};
use crate::arrow::{Cell, ColumnDef, Table};
use crate::error::Result;
use crate::paginate::{id_text, Claim, Page};
use crate::pipeline::{read_cursor_pages, CursorSource};
use crate::transport::{Api, Request, Response, Transport};

/// The largest page v2 serves.
const PAGE_SIZE: usize = 100;

/// Where a resource's periods are listed and how a period makes a row.
pub struct PeriodListing {
    /// The path, e.g. `/v2/absence-periods`.
    pub path: &'static str,
    /// The columns a period makes, in order.
    pub columns: Vec<ColumnDef>,
    /// One cell of a period, by column position.
    pub cell: for<'a> fn(&'a Value, usize) -> Cell<'a>,
}

impl PeriodListing {
    /// Every period `query` selects, in one batch: `days` are the filters that select
    /// by day, since each resource bounds its periods by other fields.
    pub async fn read<A>(
        self,
        transport: &Transport,
        query: &PeriodQuery<A>,
        days: [(&str, String); 2],
    ) -> Result<Table> {
        let mut filters: Vec<(String, String)> = days
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        filters.push(("limit".to_string(), PAGE_SIZE.to_string()));
        filters.extend(query.v2_person_filter());
        let source = Arc::new(PeriodPages {
            listing: self,
            filters,
        });
        let pages = read_cursor_pages(transport, Api::V2, source.clone()).await?;
        source.listing.join(pages)
    }

    /// Periods from recorded page bodies, as [`PeriodListing::read`] converts them,
    /// without a server. For tests that feed bodies.
    pub fn convert_bodies(&self, bodies: &[Bytes]) -> Result<Table> {
        let request = Request::get(self.path, Vec::new());
        let pages = bodies
            .iter()
            .map(|body| self.convert_page(body.clone(), &request))
            .collect::<Result<Vec<_>>>()?;
        self.join(pages)
    }

    fn convert_page(&self, body: Bytes, request: &Request) -> Result<Page<Chunk>> {
        let json = Response::of(body).json(request)?;
        let periods = json
            .get("_data")
            .and_then(Value::as_array)
            .ok_or_else(|| request.invalid_response("expected {\"_data\": [period, ...]}"))?;
        let chunk = build_chunk(
            &self.columns,
            periods.len(),
            |c, r| (self.cell)(&periods[r], c),
            RawStrings::Kept,
        );
        Ok(Page {
            len: periods.len(),
            claim: Claim::default(),
            ids: periods
                .iter()
                .map(|period| period.get("id").and_then(id_text))
                .collect(),
            content: chunk,
        })
    }

    fn join(&self, pages: Vec<Page<Chunk>>) -> Result<Table> {
        let chunks = pages.into_iter().map(|page| page.content).collect();
        join_kept_chunks(&self.columns, chunks)
    }
}

/// One listing of periods.
struct PeriodPages {
    listing: PeriodListing,
    /// The query of the first page; the cursor carries it on.
    filters: Vec<(String, String)>,
}

impl CursorSource for PeriodPages {
    type Content = Chunk;

    fn first_request(&self) -> Request {
        Request::get(self.listing.path, self.filters.clone())
    }

    fn convert(&self, body: Bytes, request: &Request) -> Result<Page<Chunk>> {
        self.listing.convert_page(body, request)
    }
}
