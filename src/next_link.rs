//! v2 cursor paging: where a page's `_meta.links.next.href` leads, and what a page
//! holds, read without converting it.
//!
//! Personio sends the link absolute or relative (V2_NOTES 0: attendance periods moved
//! from relative to absolute ones); either is followed as given, resolved against the
//! configured base URL. A link to another origin is refused: the token goes to the
//! configured host only.

use std::collections::HashSet;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::error::Result;
use crate::transport::Request;

/// Guard against a `next` link that never ends.
const MAX_PAGES: usize = 100_000;
/// Empty pages in a row that may still link on (a cursor can land between records).
const MAX_EMPTY_PAGES_IN_A_ROW: usize = 3;

/// One walk along `next` links, bounded by what arrives: a link that comes twice, a
/// run of empty pages that keep linking on, or more than [`MAX_PAGES`] pages would
/// never end, and is an error instead.
#[derive(Default)]
pub struct LinkWalk {
    links: HashSet<String>,
    pages: usize,
    empty_in_a_row: usize,
}

impl LinkWalk {
    /// The request for the page after one of `rows` items (asked for by `request`)
    /// whose `next` link is `next`; `None` at the end. `listing` names what is read, in
    /// errors.
    pub fn next(
        &mut self,
        base: &Url,
        request: &Request,
        rows: usize,
        next: Option<String>,
        listing: &str,
    ) -> Result<Option<Request>> {
        self.pages += 1;
        self.empty_in_a_row = if rows == 0 {
            self.empty_in_a_row + 1
        } else {
            0
        };
        let Some(next) = next else {
            return Ok(None);
        };
        if self.empty_in_a_row >= MAX_EMPTY_PAGES_IN_A_ROW {
            return Err(request.invalid_response(format!(
                "{} pages in a row held nothing yet linked to more: the {listing} would never \
                 end",
                self.empty_in_a_row
            )));
        }
        if self.pages >= MAX_PAGES {
            return Err(request.invalid_response(format!(
                "more than {MAX_PAGES} pages: refusing to return part of the {listing}"
            )));
        }
        if !self.links.insert(next.clone()) {
            return Err(request.invalid_response(format!(
                "the next link {next:?} came twice: the {listing} would never end"
            )));
        }
        follow(base, &next, request).map(Some)
    }
}

/// The request for a `next` link, absolute or relative, on the configured base URL's
/// origin; a path below the base URL's path keeps it (a proxy prefix).
pub fn follow(base: &Url, href: &str, previous: &Request) -> Result<Request> {
    let url = base
        .join(href)
        .map_err(|_| previous.invalid_response(format!("the next link {href:?} is not a URL")))?;
    if url.origin() != base.origin() {
        return Err(previous.invalid_response(format!(
            "the next link {href:?} leads to another host than {}: not followed, so that \
             the token goes nowhere else",
            base.origin().ascii_serialization()
        )));
    }
    let prefix = base.path().trim_end_matches('/');
    let path = match url.path().strip_prefix(prefix) {
        Some(rest) if rest.starts_with('/') => rest,
        _ => url.path(),
    };
    let query = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    Ok(Request::get(path, query))
}

/// What a v2 list page holds, seen without building its records: how many, and the
/// `next` link.
pub struct Outline {
    /// Items in `_data`.
    pub rows: usize,
    /// `_meta.links.next.href` (or a plain string `next`), if any.
    pub next: Option<String>,
}

#[derive(Deserialize)]
struct WireOutline {
    #[serde(rename = "_data")]
    data: Option<Vec<IgnoredAny>>,
    #[serde(rename = "_meta")]
    meta: Option<Value>,
}

/// The outline of a v2 list page `{"_data": [...], "_meta": {"links": {"next":
/// {"href"}}}}`; an error naming `request` for any other body.
pub fn outline(body: &[u8], request: &Request) -> Result<Outline> {
    let wire: WireOutline = serde_json::from_slice(body).map_err(|e| {
        request.invalid_response(format!(
            "expected {{\"_data\": [...], \"_meta\": {{\"links\": ...}}}} ({e})"
        ))
    })?;
    let rows = wire
        .data
        .ok_or_else(|| request.invalid_response("the page has no \"_data\" list"))?
        .len();
    let next = wire.meta.as_ref().and_then(|meta| {
        let next = meta.pointer("/links/next")?;
        next.get("href")
            .unwrap_or(next)
            .as_str()
            .filter(|href| !href.trim().is_empty())
            .map(str::to_string)
    });
    Ok(Outline { rows, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://api.personio.de").unwrap()
    }

    fn previous() -> Request {
        Request::get("/v2/attendance-periods", Vec::new())
    }

    #[test]
    fn absolute_and_relative_links_make_the_same_request() {
        for href in [
            "https://api.personio.de/v2/attendance-periods?cursor=abc&limit=100",
            "/v2/attendance-periods?cursor=abc&limit=100",
        ] {
            let request = follow(&base(), href, &previous()).unwrap();
            assert_eq!(request.path, "/v2/attendance-periods");
            assert_eq!(
                request.query,
                vec![
                    ("cursor".to_string(), "abc".to_string()),
                    ("limit".to_string(), "100".to_string())
                ]
            );
        }
    }

    #[test]
    fn a_link_to_another_host_is_refused() {
        for href in [
            "https://evil.example/v2/attendance-periods?cursor=abc",
            "//evil.example/v2/attendance-periods",
            "http://api.personio.de/v2/attendance-periods",
        ] {
            let Err(error) = follow(&base(), href, &previous()) else {
                panic!("{href} was followed");
            };
            assert!(error.to_string().contains("another host"), "{error}");
        }
    }

    #[test]
    fn a_base_path_prefix_is_kept_once() {
        let base = Url::parse("https://proxy.example/personio/").unwrap();
        let request = follow(
            &base,
            "https://proxy.example/personio/v2/projects?cursor=x",
            &previous(),
        )
        .unwrap();
        assert_eq!(request.path, "/v2/projects");
    }

    #[test]
    fn outlines_read_the_count_and_the_link() {
        let body = br#"{"_data":[{"id":"a"},{"id":"b"}],"_meta":{"links":{"self":{"href":"x"},"next":{"href":"/v2/x?cursor=1"}}}}"#;
        let page = outline(body, &previous()).unwrap();
        assert_eq!(
            (page.rows, page.next.as_deref()),
            (2, Some("/v2/x?cursor=1"))
        );
        let last = outline(br#"{"_data":[],"_meta":{"links":null}}"#, &previous()).unwrap();
        assert_eq!((last.rows, last.next), (0, None));
        assert!(outline(br#"{"data":[]}"#, &previous()).is_err());
    }
}
