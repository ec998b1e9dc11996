//! Pages of employees converted as they arrive, and the join that lays out the final
//! columns from what every page carried, reading a page body again only where that
//! page's values must be converted again or kept as raw strings.

use std::future::Future;

use arrow::array::ArrayRef;
use bytes::Bytes;

use super::employee_attributes::ATTRIBUTES_PATH;
use super::employee_plan::{extract, Columns, Plan};
use super::employee_seen::Observed;
use super::employee_wire::{parse_employees, EmployeeRecord};
use crate::arrow::build::{build_chunk, join_chunks, raw_strings, Chunk, RawStrings};
use crate::arrow::{Cell, Table};
use crate::error::{Error, Result};
use crate::paginate::{id_text, listing_changed, Claim, Page};
use crate::transport::Request;

pub(super) const EMPLOYEES_PATH: &str = "/v1/company/employees";

/// For pages that keep their bodies: nothing is ever fetched again.
pub(super) async fn kept_bodies_only(_offset: u64) -> Result<Bytes> {
    Err(Error::Internal(
        "a page kept its body, yet it was asked for again".into(),
    ))
}

/// A converted page and what is needed to finish the table.
pub(super) struct PageContent {
    /// The planned columns.
    chunk: Chunk,
    /// The columns that what this page carried adds to the plan.
    extra: Columns,
    extra_chunk: Chunk,
    /// What the page's records carried.
    observed: Observed,
    /// For the rare column converted again at the join or kept as raw strings; dropped
    /// from listing pages once converted (see [`PageContent::drop_body`]).
    body: Option<Bytes>,
    /// Whether the body is a single-employee answer.
    single: bool,
    /// Where the page starts in the listing, to fetch its body again.
    offset: u64,
}

impl PageContent {
    /// Drops the body, which can be fetched again from `offset`.
    pub(super) fn drop_body(&mut self, offset: u64) {
        self.body = None;
        self.offset = offset;
    }
}

pub(super) fn convert_page(
    plan: &Plan,
    body: Bytes,
    request: &Request,
    single: bool,
) -> Result<Page<PageContent>> {
    let (records, total) = parse_employees(&body, request, single)?;
    let chunk = plan.columns.convert(&records);
    let observed = Observed::of(&records);
    let extra = plan.unplanned(&observed);
    let extra_chunk = extra.convert(&records);
    let ids = records
        .iter()
        .map(|record| {
            record
                .attributes
                .get("id")
                .and_then(|id| id_text(&id.value))
        })
        .collect();
    drop(records);
    Ok(Page {
        len: chunk.rows,
        claim: Claim {
            records: total,
            pages: None,
        },
        ids,
        content: PageContent {
            chunk,
            extra,
            extra_chunk,
            observed,
            body: Some(body),
            single,
            offset: 0,
        },
    })
}

/// Joins converted pages (each record once: see `read_listing`) into the columns laid
/// out from what every page carried: raw strings where a column did not parse, one
/// warning naming the keys that no attribute lists. A page body that is needed (a
/// column to convert again, or raw strings) and was not kept is fetched again with
/// `refetch(offset)`, and must hold the same records.
pub(super) async fn join_pages<R, Fut>(
    plan: &Plan,
    mut pages: Vec<Page<PageContent>>,
    refetch: R,
) -> Result<Table>
where
    R: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Bytes>>,
{
    let mut observed = Observed::default();
    for page in &pages {
        observed.merge(&page.content.observed);
    }
    let layout = plan.layout(&observed);
    let columns = &layout.columns;
    let mut chunks = Vec::with_capacity(pages.len());
    for page in &mut pages {
        let later = later_columns(columns, &layout.planned, &page.content);
        if later.1 {
            restore_body(page, &refetch).await?;
        }
        chunks.push(arrange(columns, &layout.planned, &mut page.content, later)?);
    }
    if chunks.iter().any(|chunk| !chunk.failures.is_empty()) {
        for page in &mut pages {
            restore_body(page, &refetch).await?;
        }
    }
    let bodies: Vec<(Bytes, bool)> = pages
        .into_iter()
        .map(|page| (page.content.body.unwrap_or_default(), page.content.single))
        .collect();
    let mut table = join_chunks(&columns.defs, chunks, |index, fallen| {
        let (body, single) = &bodies[index];
        raw_columns(&columns.subset(fallen), body, *single)
    })?;
    if !layout.unlisted.is_empty() {
        table.warnings.push(format!(
            "keys that {ATTRIBUTES_PATH} does not list became columns typed by their values: {}",
            layout.unlisted.join(", ")
        ));
    }
    Ok(table)
}

/// Fetches a page's body again unless it was kept; the records must be the same ones,
/// else the listing changed since it was read.
async fn restore_body<R, Fut>(page: &mut Page<PageContent>, refetch: &R) -> Result<()>
where
    R: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Bytes>>,
{
    if page.content.body.is_some() {
        return Ok(());
    }
    let body = refetch(page.content.offset).await?;
    let request = Request::get(EMPLOYEES_PATH, Vec::new());
    let (records, _) = parse_employees(&body, &request, page.content.single)?;
    let ids: Vec<Option<String>> = records
        .iter()
        .map(|r| r.attributes.get("id").and_then(|id| id_text(&id.value)))
        .collect();
    if ids != page.ids {
        return Err(listing_changed(&request.endpoint()));
    }
    drop(records);
    page.content.body = Some(body);
    Ok(())
}

/// The columns of the final layout that a page did not convert on arrival, and whether
/// the page carries any of their keys (then they must be converted from its body).
fn later_columns(
    columns: &Columns,
    planned: &[Option<usize>],
    page: &PageContent,
) -> (Vec<usize>, bool) {
    let found = columns.positions_in(&page.extra);
    let later: Vec<usize> = planned
        .iter()
        .zip(found)
        .enumerate()
        .filter(|(_, (planned, found))| planned.is_none() && found.is_none())
        .map(|(column, _)| column)
        .collect();
    let carried = columns
        .subset(&later)
        .locators
        .iter()
        .any(|locator| page.observed.get(&locator.key).is_some());
    (later, carried)
}

/// One page's chunk in the final `columns` (`planned`: each one's index in the plan).
/// A column comes as the page converted it on arrival, planned or found in the page,
/// when the kind is the same; else it is converted now, from the kept body if the page
/// carries its key at all (`later`: see [`later_columns`]).
fn arrange(
    columns: &Columns,
    planned: &[Option<usize>],
    page: &mut PageContent,
    (later, carried): (Vec<usize>, bool),
) -> Result<Chunk> {
    let found = columns.positions_in(&page.extra);
    let mut arranged = Chunk::to_fill(page.chunk.rows, planned.len());
    for (column, (planned, found)) in planned.iter().zip(found).enumerate() {
        match (planned, found) {
            (Some(p), _) => arranged.put(column, page.chunk.take(*p)),
            (None, Some(f)) => arranged.put(column, page.extra_chunk.take(f)),
            (None, None) => {}
        }
    }
    if later.is_empty() {
        return Ok(arranged);
    }
    let missing = columns.subset(&later);
    let mut converted = match (&page.body, carried) {
        (Some(body), true) => missing.convert(&records_of(body, page.single)?),
        (None, true) => {
            return Err(Error::Internal(
                "a page body needed at the join was not fetched again".into(),
            ))
        }
        (_, false) => build_chunk(
            &missing.defs,
            page.chunk.rows,
            |_, _| None,
            RawStrings::ReadAgain,
        ),
    };
    for (at, column) in later.into_iter().enumerate() {
        arranged.put(column, converted.take(at));
    }
    Ok(arranged)
}

/// The employee records of a kept page body.
fn records_of(body: &[u8], single: bool) -> Result<Vec<EmployeeRecord<'_>>> {
    let request = Request::get(EMPLOYEES_PATH, Vec::new());
    Ok(parse_employees(body, &request, single)?.0)
}

/// The raw strings of some columns of one page, read again from its body.
fn raw_columns(columns: &Columns, body: &Bytes, single: bool) -> Result<Vec<ArrayRef>> {
    let records = records_of(body, single)?;
    Ok(columns
        .locators
        .iter()
        .map(|locator| {
            let cells: Vec<Cell<'_>> = records
                .iter()
                .map(|record| extract(locator, record))
                .collect();
            raw_strings(&cells.iter().map(|c| c.as_deref()).collect::<Vec<_>>())
        })
        .collect())
}
