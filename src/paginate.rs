//! One paging policy for every listing addressed by record offset or page number:
//! every record exactly once, or an error.
//!
//! A pass reads the first page, learns the page size the server really used and what
//! it claims (records, pages), fetches the claimed pages concurrently in order, and
//! stops the concurrent phase at the first page that contradicts the claim (short or
//! empty before the end, nothing new, another total). It then reads on one page at a
//! time while pages come full and bring new records, so the number of requests is
//! bounded by what arrives, never by what the server claims.
//!
//! A pass is accepted when it is stable (every page claims the same, no record twice)
//! and holds what was claimed. Otherwise the listing is read again, until two passes
//! agree record for record: then more records than claimed are returned (the data
//! wins), fewer raise [`Error::InvalidResponse`], a record repeated in both raises it
//! too, and passes that never agree raise [`Error::ListingChanged`].

use std::collections::HashSet;
use std::future::Future;

use futures::stream::FuturesOrdered;
use futures::StreamExt;
use serde_json::Value;

use crate::error::{ApiFailure, Error, Result};
use crate::progress::Tally;

/// Passes over a listing before it is declared to be changing under us.
pub const MAX_PASSES: usize = 4;
/// More pages than any listing has: a guard for a server that never ends a listing.
const MAX_PAGES: u64 = 100_000;

/// How a listing addresses its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressing {
    /// `offset` counts records (v1 employees).
    RecordOffset,
    /// `page` counts pages from 1 (v1 custom reports, v1 time-offs).
    PageNumber,
    /// `offset` counts pages from 0 (v1 hourly absence periods).
    PageIndex,
}

/// What a page says about the whole listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Claim {
    /// `total_elements`.
    pub records: Option<u64>,
    /// `total_pages`.
    pub pages: Option<u64>,
}

impl Claim {
    /// Whether `other` says something else; a page that claims nothing contradicts
    /// nothing.
    fn contradicts(&self, other: &Claim) -> bool {
        let differ = |a: Option<u64>, b: Option<u64>| a.zip(b).is_some_and(|(a, b)| a != b);
        differ(self.records, other.records) || differ(self.pages, other.pages)
    }
}

/// One page of a listing, already converted by the caller.
#[derive(Debug)]
pub struct Page<T> {
    /// Records on the page.
    pub len: usize,
    /// What the page claims about the listing.
    pub claim: Claim,
    /// Each record's id as text ([`id_text`]), `None` for a record without one.
    pub ids: Vec<Option<String>>,
    /// What the caller made of the page.
    pub content: T,
}

/// An id as text, so that `100`, `"100"` and `" 100 "` are one id.
pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => {
            let s = s.trim();
            Some(
                s.parse::<i64>()
                    .map_or_else(|_| s.to_string(), |n| n.to_string()),
            )
        }
        _ => None,
    }
}

/// Every page of a listing, each record exactly once, in the API's order.
///
/// `fetch(position)` reads and converts the page at a record offset or page number;
/// at most `concurrency` pages are in progress at once. `endpoint` names the listing in
/// errors.
pub async fn read_listing<T, F, Fut>(
    addressing: Addressing,
    concurrency: usize,
    endpoint: &str,
    fetch: F,
) -> Result<Vec<Page<T>>>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    let mut previous: Option<Pass<T>> = None;
    let tally = Tally::start();
    for _ in 0..MAX_PASSES {
        let pass = read_pass(addressing, concurrency, &fetch, &tally).await?;
        if pass.is_stable() && pass.holds_claim() {
            return Ok(pass.pages);
        }
        if let Some(earlier) = &previous {
            if earlier.ids() == pass.ids() {
                return pass.settle(endpoint);
            }
        }
        previous = Some(pass);
    }
    Err(listing_changed(endpoint))
}

/// The error for a listing whose passes never agreed.
pub fn listing_changed(endpoint: &str) -> Error {
    Error::ListingChanged(ApiFailure {
        status: None,
        trace_id: None,
        message: format!(
            "the listing changed while it was read: {MAX_PASSES} passes over it never agreed \
             record for record; try again later"
        ),
        endpoint: endpoint.to_string(),
    })
}

/// One pass over a listing and what was seen on the way.
struct Pass<T> {
    /// Where the records read are counted.
    tally: Tally,
    pages: Vec<Page<T>>,
    /// Records per full page, as the server really paged.
    step: u64,
    /// What the first page claimed.
    claim: Claim,
    /// Whether every page claimed the same.
    claims_agree: bool,
    /// The first record that came twice, and where.
    repeated: Option<(String, u64)>,
    /// Why the pass stopped early (a page that contradicted the claim, or brought only
    /// records read before), if it did.
    anomaly: Option<String>,
}

async fn read_pass<T, F, Fut>(
    addressing: Addressing,
    concurrency: usize,
    fetch: &F,
    tally: &Tally,
) -> Result<Pass<T>>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    let position = |index: u64, step: u64| match addressing {
        Addressing::RecordOffset => index * step,
        Addressing::PageNumber => index + 1,
        Addressing::PageIndex => index,
    };
    let first = fetch(position(0, 0)).await?;
    let step = first.len as u64;
    let claim = first.claim;
    tally.expect(claim, step);
    let mut pass = Pass {
        tally: tally.clone(),
        pages: Vec::new(),
        step,
        claim,
        claims_agree: true,
        repeated: None,
        anomaly: None,
    };
    let mut seen = HashSet::new();
    pass.add(first, 0, &mut seen);
    if step == 0 {
        return Ok(pass);
    }
    // Concurrent phase: the claimed pages, in order, stopping at the first surprise.
    let claimed = pass.claimed_pages().min(MAX_PAGES);
    let mut next = 1;
    let mut in_flight = FuturesOrdered::new();
    while next < claimed && in_flight.len() < concurrency.max(1) {
        in_flight.push_back(fetch(position(next, step)));
        next += 1;
    }
    let mut index = 1;
    while let Some(page) = in_flight.next().await {
        let page = page?;
        let is_last = index + 1 == claimed;
        let surprise = pass.add(page, index, &mut seen);
        let short = !is_last && pass.pages.last().is_some_and(|p| (p.len as u64) < step);
        if let Some(surprise) = surprise.or_else(|| short.then(|| "fewer records".to_string())) {
            pass.anomaly = Some(format!("page {} brought {surprise}", position(index, step)));
            break;
        }
        index += 1;
        if next < claimed {
            in_flight.push_back(fetch(position(next, step)));
            next += 1;
        }
    }
    drop(in_flight);
    // Careful phase: one page at a time while pages come full and bring new records.
    while pass.anomaly.is_none()
        && pass.pages.last().is_some_and(|p| p.len as u64 == step)
        && index < MAX_PAGES
    {
        let page = fetch(position(index, step)).await?;
        if let Some(surprise) = pass.add(page, index, &mut seen) {
            pass.anomaly = Some(format!("page {} brought {surprise}", position(index, step)));
        }
        index += 1;
    }
    Ok(pass)
}

impl<T> Pass<T> {
    /// Adds a page; says what was surprising about it, if anything. A page of records
    /// all read before is not added: the server is not paging (it ignores the position,
    /// as `updated_since` may), so the listing ends there.
    fn add(&mut self, page: Page<T>, index: u64, seen: &mut HashSet<String>) -> Option<String> {
        let ids = || page.ids.iter().flatten();
        if page.len > 0 && ids().next().is_some() && ids().all(|id| seen.contains(id)) {
            return Some("only records read before".to_string());
        }
        let mut surprise = None;
        if self.claim.contradicts(&page.claim) {
            self.claims_agree = false;
            surprise = Some(format!("another claim ({:?})", page.claim));
        }
        for id in ids() {
            if !seen.insert(id.clone()) {
                self.repeated.get_or_insert((id.clone(), index));
            }
        }
        self.pages.push(page);
        self.tally.reached(self.records());
        surprise
    }

    /// How many pages the first page's claim makes.
    fn claimed_pages(&self) -> u64 {
        match (self.claim.pages, self.claim.records) {
            (Some(pages), _) => pages,
            (None, Some(records)) if self.step > 0 => records.div_ceil(self.step),
            _ => 1,
        }
    }

    fn records(&self) -> u64 {
        self.pages.iter().map(|p| p.len as u64).sum()
    }

    fn pages_with_records(&self) -> u64 {
        self.pages.iter().filter(|p| p.len > 0).count() as u64
    }

    fn ids(&self) -> Vec<&Option<String>> {
        self.pages.iter().flat_map(|p| p.ids.iter()).collect()
    }

    /// Every page claimed the same and no record came twice.
    fn is_stable(&self) -> bool {
        self.claims_agree && self.repeated.is_none()
    }

    /// Whether what arrived is what the first page claimed (records where it says how
    /// many, else pages).
    fn holds_claim(&self) -> bool {
        match (self.claim.records, self.claim.pages) {
            (Some(records), _) => self.records() == records,
            (None, Some(pages)) => self.pages_with_records() == pages,
            (None, None) => true,
        }
    }

    /// The verdict on two passes that agree record for record.
    fn settle(self, endpoint: &str) -> Result<Vec<Page<T>>> {
        let invalid = |message: String| Err(Error::invalid_response(endpoint, message));
        if let Some((id, index)) = &self.repeated {
            return invalid(format!(
                "record {id} came twice (again on page {index}, counting from 0) in two reads \
                 alike: the server repeats records instead of paging"
            ));
        }
        let short = match (self.claim.records, self.claim.pages) {
            (Some(records), _) => self.records() < records,
            (None, Some(pages)) => self.pages_with_records() < pages,
            (None, None) => false,
        };
        if short || !self.claims_agree {
            let why = self
                .anomaly
                .as_deref()
                .unwrap_or("its pages claimed different totals");
            return invalid(format!(
                "the listing claims {:?} but {} records in {} pages arrived, twice alike ({why}): \
                 refusing to return part of it",
                self.claim,
                self.records(),
                self.pages_with_records()
            ));
        }
        // More than claimed, twice alike: the records are there, the total is wrong.
        Ok(self.pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// A listing of `ids` served in pages of `size`, claiming `claim(ids.len())`.
    struct Server {
        ids: Mutex<Vec<u64>>,
        size: usize,
        addressing: Addressing,
        claim: fn(usize) -> Claim,
        calls: AtomicUsize,
    }

    impl Server {
        fn new(
            count: u64,
            size: usize,
            addressing: Addressing,
            claim: fn(usize) -> Claim,
        ) -> Server {
            Server {
                ids: Mutex::new((1..=count).collect()),
                size,
                addressing,
                claim,
                calls: AtomicUsize::new(0),
            }
        }

        fn page(&self, position: u64) -> std::future::Ready<Result<Page<()>>> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let ids = self.ids.lock().unwrap();
            let start = match self.addressing {
                Addressing::RecordOffset => position as usize,
                Addressing::PageNumber => (position as usize - 1) * self.size,
                Addressing::PageIndex => position as usize * self.size,
            };
            let page: Vec<Option<String>> = ids
                .iter()
                .skip(start)
                .take(self.size)
                .map(|id| Some(id.to_string()))
                .collect();
            std::future::ready(Ok(Page {
                len: page.len(),
                claim: (self.claim)(ids.len()),
                ids: page,
                content: (),
            }))
        }

        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    fn records(total: usize) -> Claim {
        Claim {
            records: Some(total as u64),
            pages: None,
        }
    }

    fn ids_of(pages: &[Page<()>]) -> Vec<u64> {
        pages
            .iter()
            .flat_map(|p| p.ids.iter().map(|id| id.as_ref().unwrap().parse().unwrap()))
            .collect()
    }

    /// Reads, 4 at once, from a server that ignores the position: records `1..=len`
    /// each time, claiming `total`. Returns what was read and how many fetches it took.
    async fn read_same_page(len: usize, total: usize) -> (Result<Vec<Page<()>>>, usize) {
        let calls = AtomicUsize::new(0);
        let fetch = |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(Page {
                len,
                claim: records(total),
                ids: (1..=len).map(|id| Some(id.to_string())).collect(),
                content: (),
            }))
        };
        let read = read_listing(Addressing::RecordOffset, 4, "GET /list", fetch).await;
        (read, calls.load(Ordering::SeqCst))
    }

    async fn read(server: &Server, concurrency: usize) -> Result<Vec<Page<()>>> {
        read_listing(server.addressing, concurrency, "GET /list", |p| {
            server.page(p)
        })
        .await
    }

    #[tokio::test]
    async fn a_true_total_reads_each_page_once_concurrently() {
        let server = Server::new(1234, 100, Addressing::RecordOffset, records);
        let pages = read(&server, 4).await.unwrap();
        assert_eq!(ids_of(&pages), (1..=1234).collect::<Vec<_>>());
        assert_eq!(server.calls(), 13);
    }

    #[tokio::test]
    async fn a_full_last_page_is_followed_by_one_look_further() {
        let server = Server::new(200, 100, Addressing::RecordOffset, records);
        assert_eq!(ids_of(&read(&server, 4).await.unwrap()).len(), 200);
        assert_eq!(server.calls(), 3);
    }

    #[tokio::test]
    async fn a_huge_total_costs_a_few_requests_and_is_refused() {
        let server = Server::new(250, 100, Addressing::RecordOffset, |_| {
            records(1_000_000_000)
        });
        let error = read(&server, 4).await.unwrap_err();
        assert!(matches!(error, Error::InvalidResponse(_)), "{error}");
        assert!(error.to_string().contains("refusing"), "{error}");
        // Two passes, each the first page, a window of 4 and the one page launched when
        // the first of them came back full: 6 requests a pass, whatever the claim.
        assert_eq!(server.calls(), 12);
    }

    #[tokio::test]
    async fn a_total_too_small_still_gives_every_record() {
        for claim in [|_| records(0), |n| records(n / 2)] {
            let server = Server::new(250, 100, Addressing::RecordOffset, claim);
            let pages = read(&server, 4).await.unwrap();
            assert_eq!(ids_of(&pages), (1..=250).collect::<Vec<_>>());
            assert!(server.calls() <= 8, "{}", server.calls());
        }
    }

    #[tokio::test]
    async fn a_server_that_ignores_the_position_is_refused() {
        let (read, calls) = read_same_page(100, 250).await;
        let message = read.unwrap_err().to_string();
        assert!(message.contains("only records read before"), "{message}");
        assert!(message.contains("refusing"), "{message}");
        assert!(calls <= 12);
    }

    #[tokio::test]
    async fn a_server_that_does_not_page_but_tells_the_truth_is_read_once() {
        // `updated_since` may disable paging: every record at once, whatever the offset.
        let (read, calls) = read_same_page(120, 120).await;
        assert_eq!(ids_of(&read.unwrap()), (1..=120).collect::<Vec<_>>());
        assert_eq!(calls, 2); // the page, and one look further
    }

    #[tokio::test]
    async fn ids_as_numbers_and_text_are_one() {
        assert_eq!(
            id_text(&serde_json::json!(100)),
            id_text(&serde_json::json!(" 100"))
        );
        assert_ne!(
            id_text(&serde_json::json!("0815")),
            id_text(&serde_json::json!("ACME"))
        );
        assert_eq!(id_text(&serde_json::json!("")), None);
    }

    #[tokio::test]
    async fn a_record_deleted_while_reading_is_read_again() {
        // After the first page, record 1 goes: offsets shift and 101 would be skipped.
        let server = Server::new(250, 100, Addressing::RecordOffset, records);
        let fetch = |position| {
            let page = server.page(position);
            if server.calls() == 1 {
                server.ids.lock().unwrap().remove(0);
            }
            page
        };
        let pages = read_listing(Addressing::RecordOffset, 1, "GET /list", fetch)
            .await
            .unwrap();
        assert_eq!(ids_of(&pages), (2..=250).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_listing_that_never_settles_is_a_listing_changed_error() {
        let server = Server::new(250, 100, Addressing::RecordOffset, records);
        let fetch = |position| {
            let page = server.page(position);
            // A new record at the front after every page.
            let mut ids = server.ids.lock().unwrap();
            let fresh = 10_000 + server.calls() as u64;
            ids.insert(0, fresh);
            page
        };
        let error = read_listing(Addressing::RecordOffset, 1, "GET /list", fetch)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::ListingChanged(_)), "{error}");
    }

    #[tokio::test]
    async fn numbered_pages_follow_the_claim_and_stop_at_an_empty_page() {
        let claim = |n: usize| Claim {
            records: None,
            pages: Some(n.div_ceil(10) as u64),
        };
        let server = Server::new(95, 10, Addressing::PageNumber, claim);
        assert_eq!(ids_of(&read(&server, 3).await.unwrap()).len(), 95);
        assert_eq!(server.calls(), 10);
        // A claim of one page while every page is full: read on to the end.
        let server = Server::new(95, 10, Addressing::PageNumber, |_| Claim {
            records: None,
            pages: Some(1),
        });
        assert_eq!(ids_of(&read(&server, 3).await.unwrap()).len(), 95);
    }

    #[tokio::test]
    async fn page_indexes_count_from_zero() {
        let server = Server::new(95, 10, Addressing::PageIndex, records);
        assert_eq!(
            ids_of(&read(&server, 3).await.unwrap()),
            (1..=95).collect::<Vec<_>>()
        );
        assert_eq!(server.calls(), 10);
    }

    #[tokio::test]
    async fn an_empty_page_in_the_middle_is_read_again() {
        let server = Server::new(250, 100, Addressing::RecordOffset, records);
        let glitched = AtomicUsize::new(0);
        let fetch = |position| {
            let mut page = server.page(position).into_inner().unwrap();
            if position == 100 && glitched.fetch_add(1, Ordering::SeqCst) == 0 {
                page.len = 0;
                page.ids.clear();
            }
            std::future::ready(Ok(page))
        };
        let pages = read_listing(Addressing::RecordOffset, 4, "GET /list", fetch)
            .await
            .unwrap();
        assert_eq!(ids_of(&pages), (1..=250).collect::<Vec<_>>());
    }
}
