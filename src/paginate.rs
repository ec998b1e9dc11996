//! Offset paging: learn the total from the first page, fetch the rest concurrently,
//! keep the API's order, drop duplicate ids.

use std::collections::HashSet;
use std::future::Future;

use futures::{StreamExt, TryStreamExt};

use crate::error::Result;

/// One page of an offset-paged listing, already converted by the caller.
#[derive(Debug)]
pub struct OffsetPage<T> {
    /// Items on the page.
    pub len: usize,
    /// How many items the whole listing has, when the API says.
    pub total: Option<u64>,
    /// The id of each item, in order (`None` for an item without one).
    pub ids: Vec<Option<i64>>,
    /// What the caller made of the page.
    pub content: T,
}

/// Every page of a listing whose pages start at record offsets, in the API's order.
///
/// `fetch(offset)` reads and converts one page. The first page tells the total and the
/// page size the API really used (it may cap what was asked); the remaining offsets are
/// then fetched with at most `concurrency` requests at once, kept in order. Without a
/// total, pages are read one after another until one is short or brings no new id, so a
/// server that ignores `offset` cannot make us loop.
pub async fn offset_paged<T, F, Fut>(concurrency: usize, fetch: F) -> Result<Vec<OffsetPage<T>>>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<OffsetPage<T>>>,
{
    let first = fetch(0).await?;
    let step = first.len as u64;
    let total = first.total;
    let mut pages = vec![first];
    match total {
        Some(total) if step > 0 && step < total => {
            let offsets = (1..total.div_ceil(step)).map(|page| page * step);
            let rest: Vec<OffsetPage<T>> = futures::stream::iter(offsets.map(&fetch))
                .buffered(concurrency.max(1))
                .try_collect()
                .await?;
            pages.extend(rest);
            // Records added while we read push later ones past the total: read on, at
            // most as many pages again.
            read_on(&fetch, &mut pages, step, Some(total.div_ceil(step))).await?;
        }
        None if step > 0 => read_on(&fetch, &mut pages, step, None).await?,
        _ => {}
    }
    Ok(pages)
}

/// Reads pages one after another from where `pages` ends, while the last one is full
/// and each brings an id not seen before (at most `max_pages` more, when given).
async fn read_on<T, F, Fut>(
    fetch: &F,
    pages: &mut Vec<OffsetPage<T>>,
    step: u64,
    max_pages: Option<u64>,
) -> Result<()>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<OffsetPage<T>>>,
{
    let mut seen: HashSet<i64> = pages
        .iter()
        .flat_map(|p| p.ids.iter().flatten().copied())
        .collect();
    let mut read = 0;
    while pages.last().is_some_and(|p| p.len as u64 == step)
        && max_pages.is_none_or(|max| read < max)
    {
        let page = fetch(pages.len() as u64 * step).await?;
        read += 1;
        let fresh = page
            .ids
            .iter()
            .flatten()
            .filter(|id| seen.insert(**id))
            .count();
        if fresh == 0 {
            break;
        }
        pages.push(page);
    }
    Ok(())
}

/// One page of a listing paged by 1-based page numbers.
#[derive(Debug)]
pub struct NumberedPage<T> {
    /// Items on the page.
    pub len: usize,
    /// How many pages the listing has, when the API says.
    pub total_pages: Option<u64>,
    /// What the caller made of the page.
    pub content: T,
}

/// Every page of a listing paged by page number (`page=1, 2, ...`), in order.
///
/// The first page tells how many pages there are (computed by the server with the page
/// size it really used, so a capped `limit` cannot make us skip or repeat records);
/// the rest are fetched with at most `concurrency` requests at once. Without a total,
/// pages are read one after another until an empty one, at most `max_pages`.
pub async fn page_numbered<T, F, Fut>(
    concurrency: usize,
    max_pages: u64,
    fetch: F,
) -> Result<Vec<NumberedPage<T>>>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<NumberedPage<T>>>,
{
    let first = fetch(1).await?;
    let total_pages = first.total_pages;
    let mut pages = vec![first];
    match total_pages {
        Some(total) => {
            let rest: Vec<NumberedPage<T>> =
                futures::stream::iter((2..=total.min(max_pages)).map(&fetch))
                    .buffered(concurrency.max(1))
                    .try_collect()
                    .await?;
            pages.extend(rest);
        }
        None => {
            let mut number = 2;
            while pages.last().is_some_and(|p| p.len > 0) && number <= max_pages {
                pages.push(fetch(number).await?);
                number += 1;
            }
        }
    }
    Ok(pages)
}

/// For each page, which of its items to keep: the first item of each id (and every item
/// without one). A record can move between pages while a listing runs.
pub fn first_occurrences<T>(pages: &[OffsetPage<T>]) -> Vec<Vec<bool>> {
    let mut seen = HashSet::new();
    pages
        .iter()
        .map(|page| {
            page.ids
                .iter()
                .map(|id| id.is_none_or(|id| seen.insert(id)))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn listing(
        ids: Vec<i64>,
        page: usize,
        with_total: bool,
    ) -> impl Fn(u64) -> std::future::Ready<Result<OffsetPage<()>>> {
        move |offset| {
            let page_ids: Vec<Option<i64>> = ids
                .iter()
                .skip(offset as usize)
                .take(page)
                .map(|id| Some(*id))
                .collect();
            std::future::ready(Ok(OffsetPage {
                len: page_ids.len(),
                total: with_total.then_some(ids.len() as u64),
                ids: page_ids,
                content: (),
            }))
        }
    }

    fn kept_ids<T>(pages: &[OffsetPage<T>]) -> Vec<i64> {
        let keep = first_occurrences(pages);
        pages
            .iter()
            .zip(keep)
            .flat_map(|(p, k)| {
                p.ids
                    .iter()
                    .zip(k)
                    .filter(|(_, k)| *k)
                    .map(|(id, _)| id.unwrap())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[tokio::test]
    async fn concurrent_pages_keep_order() {
        let all: Vec<i64> = (1..=1234).collect();
        let pages = offset_paged(4, listing(all.clone(), 100, true))
            .await
            .unwrap();
        assert_eq!(pages.len(), 13);
        assert_eq!(kept_ids(&pages), all);
    }

    /// A server that answers the same full page of ids 1..=len whatever the offset.
    fn same_page_every_time(
        len: usize,
        total: Option<u64>,
        calls: &AtomicUsize,
    ) -> impl Fn(u64) -> std::future::Ready<Result<OffsetPage<()>>> + '_ {
        move |_offset| {
            calls.fetch_add(1, Ordering::SeqCst);
            let ids: Vec<Option<i64>> = (1..=len as i64).map(Some).collect();
            std::future::ready(Ok(OffsetPage {
                len,
                total,
                ids,
                content: (),
            }))
        }
    }

    #[tokio::test]
    async fn a_server_that_ignores_offset_with_a_total_does_not_loop() {
        // Claiming more records than a page holds.
        let calls = AtomicUsize::new(0);
        let pages = offset_paged(4, same_page_every_time(100, Some(250), &calls))
            .await
            .unwrap();
        assert_eq!(kept_ids(&pages), (1..=100).collect::<Vec<_>>());
        assert!(calls.load(Ordering::SeqCst) <= 4);
    }

    #[tokio::test]
    async fn without_total_reads_until_short_page() {
        let all: Vec<i64> = (1..=250).collect();
        let pages = offset_paged(4, listing(all.clone(), 50, false))
            .await
            .unwrap();
        assert_eq!(kept_ids(&pages), all);
    }

    #[tokio::test]
    async fn a_server_that_ignores_offset_does_not_loop() {
        // Without a total, as `updated_since` may answer.
        let calls = AtomicUsize::new(0);
        let pages = offset_paged(4, same_page_every_time(10, None, &calls))
            .await
            .unwrap();
        assert_eq!(kept_ids(&pages), (1..=10).collect::<Vec<_>>());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn numbered_pages_follow_the_total() {
        let asked = std::sync::Mutex::new(Vec::new());
        let fetch = |page: u64| {
            asked.lock().unwrap().push(page);
            std::future::ready(Ok(NumberedPage {
                len: 10,
                total_pages: Some(4),
                content: page,
            }))
        };
        let pages = page_numbered(3, 100, fetch).await.unwrap();
        assert_eq!(
            pages.iter().map(|p| p.content).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert_eq!(asked.lock().unwrap().len(), 4);
    }

    #[tokio::test]
    async fn numbered_pages_without_total_stop_at_an_empty_page() {
        let fetch = |page: u64| {
            let len = if page <= 3 { 10 } else { 0 };
            std::future::ready(Ok(NumberedPage {
                len,
                total_pages: None,
                content: page,
            }))
        };
        let pages = page_numbered(3, 100, fetch).await.unwrap();
        assert_eq!(pages.len(), 4);
    }

    #[test]
    fn duplicates_across_pages_keep_the_first() {
        let page = |ids: &[i64]| OffsetPage {
            len: ids.len(),
            total: None,
            ids: ids.iter().map(|id| Some(*id)).chain([None]).collect(),
            content: (),
        };
        let keep = first_occurrences(&[page(&[1, 2]), page(&[2, 3])]);
        assert_eq!(keep, vec![vec![true, true, true], vec![false, true, true]]);
    }
}
