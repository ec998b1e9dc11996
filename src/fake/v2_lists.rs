//! Cursor paging of the small v2 catalogues (projects, org units, cost centers, legal
//! entities, workplaces): one answer shape, each endpoint's own rules.
//!
//! `{"_data":[...],"_meta":{"links":{"self":{"href"},"next":{"href"}}}}`, no `next` on
//! the last page (V2_NOTES 0). `limit` outside the endpoint's range is a 400
//! problem+json; `FakeOptions::v2_list_page_cap` clamps the page below it. The `next`
//! href holds only the cursor, which carries the offset, the limit and the first
//! request's query, so filters and sorting hold on every page (V2_NOTES open question
//! 4: assumed). Hrefs are absolute unless `attendance_relative_links`.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::errors::V2Error;
use super::query::{list_param, pairs, param};
use super::reports_v2::origin;
use super::{cursor, json, AppState};

/// How one endpoint pages, filters and sorts.
pub(crate) struct ListRules {
    pub path: &'static str,
    pub default_limit: usize,
    pub max_limit: usize,
    /// Filters taking a comma list, each matched against the item's field of that name.
    pub filters: &'static [&'static str],
    /// Whether `sort` (`id` or `name`, `-` first for descending) is taken.
    pub sortable: bool,
}

/// One page of `items(query)`, the query being the first request's (a cursor's, once
/// decoded): `items` gives the whole listing in its default order, or an error for a
/// query it refuses.
pub(crate) fn page(
    state: &AppState,
    headers: &HeaderMap,
    raw_query: Option<&str>,
    rules: &ListRules,
    items: impl FnOnce(&[(String, String)]) -> Result<Vec<Value>, V2Error>,
) -> Result<Response, V2Error> {
    let asked = pairs(raw_query);
    let (offset, limit, query) = match param(&asked, "cursor") {
        Some(c) => decode(c).ok_or_else(|| V2Error::bad_request("The cursor is invalid"))?,
        None => {
            let limit = match param(&asked, "limit").map(str::parse::<usize>) {
                None => rules.default_limit,
                Some(Ok(n)) if (1..=rules.max_limit).contains(&n) => n,
                Some(_) => return Err(V2Error::bad_request("Invalid request content")),
            };
            (0, limit, raw_query.unwrap_or("").to_owned())
        }
    };
    let q = pairs(Some(&query));
    let mut listing = items(&q)?;
    for key in rules.filters {
        if let Some(wanted) = list_param(&q, key) {
            listing.retain(|item| wanted.iter().any(|w| text(&item[*key]) == *w));
        }
    }
    if let Some(order) = param(&q, "sort") {
        sort(&mut listing, order, rules.sortable)?;
    }
    let size = limit.min(state.v2_list_page_cap);
    let end = offset.saturating_add(size).min(listing.len());
    let data = &listing[offset.min(end)..end];
    let base = if state.attendance_relative_links {
        String::new()
    } else {
        origin(headers)
    };
    let path = rules.path;
    let mut links = json!({"self": {"href": format!("{base}{path}")}});
    if end < listing.len() {
        let next = encode(end, limit, &query);
        links["next"] = json!({"href": format!("{base}{path}?cursor={next}")});
    }
    let body = json!({"_data": data, "_meta": {"links": links}});
    Ok(json::response(StatusCode::OK, body.to_string()))
}

/// A field as the text a filter compares: strings as they are, numbers written out.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Orders by `id` (as numbers) or `name`, descending with a leading `-`.
fn sort(listing: &mut [Value], order: &str, sortable: bool) -> Result<(), V2Error> {
    let (descending, field) = match order.strip_prefix('-') {
        Some(field) => (true, field),
        None => (false, order),
    };
    match field {
        "id" if sortable => listing.sort_by_key(|item| text(&item["id"]).parse::<i64>().ok()),
        "name" if sortable => listing.sort_by_key(|item| text(&item["name"])),
        _ => return Err(V2Error::bad_request("Invalid request content")),
    }
    if descending {
        listing.reverse();
    }
    Ok(())
}

fn encode(offset: usize, limit: usize, query: &str) -> String {
    cursor::encode(&format!("{offset};{limit};{query}"))
}

fn decode(text: &str) -> Option<(usize, usize, String)> {
    let decoded = cursor::decode(text)?;
    let mut fields = decoded.splitn(3, ';');
    let offset = fields.next()?.parse().ok()?;
    let limit = fields.next()?.parse().ok()?;
    Some((offset, limit, fields.next()?.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_carry_the_query() {
        let query = "type=team&sort=-name&x=a;b";
        assert_eq!(
            decode(&encode(100, 50, query)),
            Some((100, 50, query.to_owned()))
        );
        assert_eq!(decode(&cursor::encode("1;x;")), None);
    }

    #[test]
    fn sorting_takes_ids_as_numbers_and_refuses_other_fields() {
        let mut items = vec![
            json!({"id": "10", "name": "b"}),
            json!({"id": "9", "name": "c"}),
            json!({"id": "100", "name": "a"}),
        ];
        assert!(sort(&mut items, "id", true).is_ok());
        let ids: Vec<String> = items.iter().map(|i| text(&i["id"])).collect();
        assert_eq!(ids, ["9", "10", "100"]);
        assert!(sort(&mut items, "-name", true).is_ok());
        assert_eq!(text(&items[0]["name"]), "c");
        assert!(sort(&mut items, "created_at", true).is_err());
        assert!(sort(&mut items, "id", false).is_err());
    }
}
