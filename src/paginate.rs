//! Offset paging: learn the total from the first page, fetch the rest concurrently,
//! keep the API's order, drop duplicate ids.

use std::collections::HashSet;
use std::future::Future;

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use crate::error::Result;

/// One page of an offset-paged listing.
#[derive(Debug)]
pub struct OffsetPage {
    /// The page's items, in the API's order.
    pub items: Vec<Value>,
    /// How many items the whole listing has, when the API says.
    pub total: Option<u64>,
}

/// Every item of a listing whose pages start at record offsets.
///
/// `fetch(offset)` reads one page. The first page tells the total and the page size the
/// API really used (it may cap what was asked); the remaining offsets are then fetched
/// with at most `concurrency` requests at once, in order. Without a total, pages are read
/// one after another until one is short or brings nothing new. Items whose `id_of` was
/// already seen are dropped: a record can move between pages while a listing runs.
pub async fn offset_paged<F, Fut>(
    concurrency: usize,
    fetch: F,
    id_of: impl Fn(&Value) -> Option<i64>,
) -> Result<Vec<Value>>
where
    F: Fn(u64) -> Fut,
    Fut: Future<Output = Result<OffsetPage>>,
{
    let first = fetch(0).await?;
    let step = first.items.len() as u64;
    let mut pages = vec![first.items];
    match first.total {
        Some(total) if step > 0 && step < total => {
            let offsets = (1..total.div_ceil(step)).map(|page| page * step);
            let rest: Vec<OffsetPage> = futures::stream::iter(offsets.map(&fetch))
                .buffered(concurrency.max(1))
                .try_collect()
                .await?;
            pages.extend(rest.into_iter().map(|page| page.items));
            // Records added while we read push later ones past the total: read on
            // until a page is empty.
            let mut offset = total.div_ceil(step) * step;
            while pages.last().is_some_and(|p| p.len() as u64 == step) {
                let page = fetch(offset).await?;
                if page.items.is_empty() {
                    break;
                }
                pages.push(page.items);
                offset += step;
            }
        }
        Some(_) => {}
        None if step > 0 => {
            let mut seen: HashSet<i64> = pages[0].iter().filter_map(&id_of).collect();
            let mut offset = step;
            loop {
                let page = fetch(offset).await?;
                let fresh = page
                    .items
                    .iter()
                    .filter_map(&id_of)
                    .filter(|id| seen.insert(*id))
                    .count();
                let short = (page.items.len() as u64) < step;
                pages.push(page.items);
                if short || fresh == 0 {
                    break;
                }
                offset += step;
            }
        }
        None => {}
    }
    Ok(dedupe_by_id(pages.into_iter().flatten(), id_of))
}

/// Keeps the first item of each id (and every item without one), in order.
pub fn dedupe_by_id(
    items: impl IntoIterator<Item = Value>,
    id_of: impl Fn(&Value) -> Option<i64>,
) -> Vec<Value> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|item| id_of(item).is_none_or(|id| seen.insert(id)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn id_of(v: &Value) -> Option<i64> {
        v.get("id")?.as_i64()
    }

    fn listing(ids: Vec<i64>, page: usize, with_total: bool) -> impl Fn(u64) -> std::future::Ready<Result<OffsetPage>> {
        move |offset| {
            let items = ids
                .iter()
                .skip(offset as usize)
                .take(page)
                .map(|id| json!({ "id": id }))
                .collect();
            std::future::ready(Ok(OffsetPage {
                items,
                total: with_total.then_some(ids.len() as u64),
            }))
        }
    }

    fn ids(items: &[Value]) -> Vec<i64> {
        items.iter().filter_map(id_of).collect()
    }

    #[tokio::test]
    async fn concurrent_pages_keep_order() {
        let all: Vec<i64> = (1..=1234).collect();
        let got = offset_paged(4, listing(all.clone(), 100, true), id_of).await.unwrap();
        assert_eq!(ids(&got), all);
    }

    #[tokio::test]
    async fn without_total_reads_until_short_page() {
        let all: Vec<i64> = (1..=250).collect();
        let got = offset_paged(4, listing(all.clone(), 50, false), id_of).await.unwrap();
        assert_eq!(ids(&got), all);
    }

    #[tokio::test]
    async fn a_page_that_ignores_offset_does_not_loop() {
        // Every request answers the same full page, as `updated_since` may.
        let calls = AtomicUsize::new(0);
        let fetch = |_offset: u64| {
            calls.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(OffsetPage {
                items: (1..=10).map(|id| json!({ "id": id })).collect(),
                total: None,
            }))
        };
        let got = offset_paged(4, fetch, id_of).await.unwrap();
        assert_eq!(ids(&got), (1..=10).collect::<Vec<_>>());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn duplicates_keep_the_first() {
        let items = vec![json!({"id": 1, "v": "a"}), json!({"id": 2}), json!({"id": 1, "v": "b"})];
        let kept = dedupe_by_id(items, id_of);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0]["v"], "a");
    }
}
