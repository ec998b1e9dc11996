//! How far a long read has come: records read so far, and how many are expected where
//! the listing says.
//!
//! A caller who wants to know runs the read inside [`Progress::watch`] and looks at
//! [`Progress::snapshot`] whenever it likes (the Python layer does so between its
//! polls). The pipeline finds the watcher through a task-local, so no read's signature
//! carries it, and a read nobody watches pays one task-local lookup per listing.
//! Updates are atomics; nothing is called back from the runtime's threads.
//!
//! Each listing of the read is counted on its own ([`Tally`]), since some reads run
//! two listings at once (v1 absences) and some one after another:
//! - `done` is the most records any pass over the listing has reached. A listing read
//!   again (records moved under us) starts its pass from zero, and the count holds
//!   where it was until the new pass gets further: it never goes back.
//! - `expected` is what the pass's first page claims (`total_elements`, else
//!   `total_pages` times the page size, which may overstate the last page), unknown for
//!   v2 cursor listings and v2 reports, which tell no total. It is never below `done`:
//!   a listing that brings more than it claimed raises its own total.
//!
//! A snapshot sums the listings begun so far; its total is unknown while any of them
//! is. What the counts are at the end is the table's business: the Python layer
//! reports the row count last.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::paginate::Claim;

tokio::task_local! {
    static WATCHED: Arc<Progress>;
}

/// `expected` before a listing says.
const UNKNOWN: u64 = u64::MAX;

/// The progress of one read, shared by the read and whoever watches it.
#[derive(Debug, Default)]
pub struct Progress {
    listings: Mutex<Vec<Arc<Listing>>>,
}

/// One listing's counts.
#[derive(Debug)]
struct Listing {
    done: AtomicU64,
    expected: AtomicU64,
}

impl Progress {
    /// A progress with nothing read yet.
    pub fn new() -> Arc<Progress> {
        Arc::default()
    }

    /// Runs `read` with this progress counting it (the tasks it spawns are not
    /// counted: the pipeline counts where pages and rows arrive, in the read's task).
    pub async fn watch<F: Future>(self: Arc<Self>, read: F) -> F::Output {
        WATCHED.scope(self, read).await
    }

    /// Records read so far, and how many are expected in all when every listing begun
    /// has said.
    pub fn snapshot(&self) -> (u64, Option<u64>) {
        let listings = self.listings.lock().unwrap_or_else(|e| e.into_inner());
        let mut done = 0u64;
        let mut expected = Some(0u64);
        for listing in listings.iter() {
            let listing_done = listing.done.load(Ordering::Relaxed);
            done = done.saturating_add(listing_done);
            expected = match listing.expected.load(Ordering::Relaxed) {
                UNKNOWN => None,
                claimed => expected.map(|e| e.saturating_add(claimed.max(listing_done))),
            };
        }
        (done, expected)
    }
}

/// Runs `read` without counting it in the watched read of this task: for the requests
/// a resource makes besides its listing (one per record, say), whose records are not
/// the table's rows.
pub async fn uncounted<F: Future>(read: F) -> F::Output {
    WATCHED.scope(Progress::new(), read).await
}

/// The counter of one listing being read; counts nothing when the read is not watched.
#[derive(Debug, Clone, Default)]
pub struct Tally(Option<Arc<Listing>>);

impl Tally {
    /// A counter for a listing that starts now, in the watched read of this task.
    pub fn start() -> Tally {
        let listing = WATCHED.try_with(|progress| {
            let listing = Arc::new(Listing {
                done: AtomicU64::new(0),
                expected: AtomicU64::new(UNKNOWN),
            });
            let mut listings = progress.listings.lock().unwrap_or_else(|e| e.into_inner());
            listings.push(listing.clone());
            listing
        });
        Tally(listing.ok())
    }

    /// The current pass has read `records` of the listing.
    pub fn reached(&self, records: u64) {
        if let Some(listing) = &self.0 {
            listing.done.fetch_max(records, Ordering::Relaxed);
        }
    }

    /// A pass's first page claims `claim` about the listing, whose pages hold `step`
    /// records.
    pub fn expect(&self, claim: Claim, step: u64) {
        // A claim as large as `UNKNOWN` is one record short of it, not unknown.
        let expected = match (claim.records, claim.pages) {
            (Some(records), _) => records.min(UNKNOWN - 1),
            (None, Some(pages)) => pages.saturating_mul(step).min(UNKNOWN - 1),
            (None, None) => UNKNOWN,
        };
        if let Some(listing) = &self.0 {
            listing.expected.store(expected, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(records: u64) -> Claim {
        Claim {
            records: Some(records),
            pages: None,
        }
    }

    #[tokio::test]
    async fn an_unwatched_read_counts_nothing() {
        let tally = Tally::start();
        tally.expect(claim(10), 5);
        tally.reached(5);
        assert!(tally.0.is_none());
    }

    #[tokio::test]
    async fn what_runs_uncounted_is_not_counted() {
        let progress = Progress::new();
        let tally = progress
            .clone()
            .watch(uncounted(async { Tally::start() }))
            .await;
        tally.expect(claim(10), 5);
        tally.reached(5);
        assert_eq!(progress.snapshot(), (0, Some(0)));
    }

    #[tokio::test]
    async fn listings_add_up_and_a_pass_read_again_never_goes_back() {
        let progress = Progress::new();
        let watched = progress.clone();
        let (first, second) = watched
            .watch(async { (Tally::start(), Tally::start()) })
            .await;
        assert_eq!(progress.snapshot(), (0, None));
        first.expect(claim(250), 100);
        second.expect(
            Claim {
                records: None,
                pages: Some(2),
            },
            10,
        );
        first.reached(200);
        second.reached(10);
        assert_eq!(progress.snapshot(), (210, Some(270)));
        // A second pass over the first listing: the count holds at the first's 200.
        first.expect(claim(249), 100);
        first.reached(100);
        assert_eq!(progress.snapshot(), (210, Some(269)));
        first.reached(249);
        assert_eq!(progress.snapshot(), (259, Some(269)));
    }

    #[tokio::test]
    async fn more_than_claimed_raises_the_total_and_no_claim_leaves_it_unknown() {
        let progress = Progress::new();
        let watched = progress.clone();
        let (paged, cursor) = watched
            .watch(async { (Tally::start(), Tally::start()) })
            .await;
        paged.expect(claim(100), 100);
        paged.reached(120);
        assert_eq!(progress.snapshot(), (120, None));
        cursor.expect(Claim::default(), 50);
        cursor.reached(50);
        assert_eq!(progress.snapshot(), (170, None));
        drop(cursor);
        let only_paged = Progress::new();
        let tally = only_paged.clone().watch(async { Tally::start() }).await;
        tally.expect(claim(100), 100);
        tally.reached(120);
        assert_eq!(only_paged.snapshot(), (120, Some(120)));
    }
}
