//! The employee routes: list (with paging, projection, `email` and `updated_since`),
//! one employee, and the attribute schema.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;

use super::call::Call;
use super::company::{parse_instant, Company, ID};
use super::errors::{self, V1Error};
use super::faults::Content;
use super::json;
use super::options::Lie;

const SCOPE: &str = "employees:read";
const DEFAULT_LIMIT: usize = 50;
/// Personio caps employee pages at 100 since 2025-01-31 (larger limits are clamped).
const MAX_LIMIT: usize = 100;

/// The query of `GET /v1/company/employees`, parsed by hand because `attributes[]`
/// repeats.
struct ListQuery {
    limit: usize,
    offset: usize,
    email: Option<String>,
    attributes: Option<Vec<String>>,
    updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

fn parse_query(query: Option<&str>) -> Result<ListQuery, V1Error> {
    let bad = |message: &'static str| Err(V1Error::new(StatusCode::BAD_REQUEST, message));
    let mut q = ListQuery {
        limit: DEFAULT_LIMIT,
        offset: 0,
        email: None,
        attributes: None,
        updated_since: None,
    };
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match &*key {
            "limit" => match value.parse::<usize>() {
                Ok(n) if n >= 1 => q.limit = n.min(MAX_LIMIT),
                _ => return bad("The limit must be a positive integer"),
            },
            "offset" => match value.parse::<usize>() {
                Ok(n) => q.offset = n,
                Err(_) => return bad("The offset must be a non-negative integer"),
            },
            "email" => q.email = Some(value.into_owned()),
            "attributes[]" => {
                let list = q.attributes.get_or_insert_with(Vec::new);
                if !value.is_empty() {
                    list.push(value.into_owned());
                }
            }
            "updated_since" => match parse_instant(&value) {
                Some(t) => q.updated_since = Some(t),
                None => {
                    return bad("The updated_since must be an ISO 8601 datetime (2022-12-24T08:15:30) or YYYY-MM-DD")
                }
            },
            _ => {}
        }
    }
    Ok(q)
}

/// `GET /v1/company/employees`.
///
/// Without `updated_since`: `email` filters (exact match), then `offset` (a record
/// offset) and `limit` page. With `updated_since`, as the spec's note says, `limit`,
/// `offset` and `email` are ignored: every employee modified after it comes in this one
/// response, with the spec example's metadata (`limit` 1, `offset` 0, `total_pages` =
/// `total_elements`), which loops a client that trusts `total_pages`. `attributes[]`
/// only projects there too (the fake keeps one modification time per employee, not per
/// attribute, so it does not narrow the selection).
///
/// The faults `lying_total`, `empty_page` and `records_move` change what a page holds
/// or claims (see `faults`).
pub(crate) async fn list(
    call: Call,
    content: Option<Extension<Content>>,
) -> Result<Response, V1Error> {
    let content = content.map(|Extension(c)| c).unwrap_or_default();
    call.grant.require(SCOPE)?;
    let q = parse_query(call.query.as_deref())?;
    let company = &*call.state.company();
    let readable = &call.grant.credential.readable;
    let mut mask = readable.clone();
    if let Some(wanted) = &q.attributes {
        for (m, a) in mask.iter_mut().zip(&company.attrs) {
            *m = *m && wanted.contains(&a.key);
        }
        mask[ID] = true;
    }

    let page = select(company, &q, &content);
    let Page {
        mut rows,
        mut total_elements,
        current_page,
        mut total_pages,
        offset,
        limit,
    } = page;
    if content.empty_page {
        rows.clear();
    }
    if let Some(lie) = content.lie {
        let claimed = match lie {
            Lie::Huge => 1_000_000_000,
            Lie::Zero => 0,
            Lie::Short => total_elements / 2,
        };
        total_elements = claimed;
        total_pages = claimed.div_ceil(limit.max(1));
    }
    let mut out = String::with_capacity(256 + rows.len() * 2048);
    out.push_str(&format!(
        r#"{{"success":true,"metadata":{{"total_elements":{total_elements},"current_page":{current_page},"total_pages":{total_pages}}},"offset":{offset},"limit":{limit},"data":["#
    ));
    for (n, &i) in rows.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let string_id = n == 0 && content.string_first_id();
        company.write_employee_with(&mut out, i, &mask, readable, string_id);
    }
    out.push_str("]}");
    Ok(json::response(StatusCode::OK, out))
}

/// The employees a list request returns, and the paging fields it echoes.
struct Page {
    /// Indices into `Company::employees`.
    rows: Vec<usize>,
    total_elements: usize,
    current_page: usize,
    total_pages: usize,
    offset: usize,
    limit: usize,
}

/// `content` orders the company (the `records_move` fault); the rest is the query.
fn select(company: &Company, q: &ListQuery, content: &Content) -> Page {
    let employees = &company.employees;
    let order = content.order(employees.len());
    if let Some(since) = q.updated_since {
        let rows: Vec<usize> = order
            .into_iter()
            .filter(|&i| employees[i].last_modified > since)
            .collect();
        let n = rows.len();
        // The spec example's metadata, verbatim in shape.
        return Page {
            rows,
            total_elements: n,
            current_page: 0,
            total_pages: n,
            offset: 0,
            limit: 1,
        };
    }
    let matching: Vec<usize> = order
        .into_iter()
        .filter(|&i| q.email.as_ref().is_none_or(|e| &employees[i].email == e))
        .collect();
    let n = matching.len();
    Page {
        rows: matching.into_iter().skip(q.offset).take(q.limit).collect(),
        total_elements: n,
        current_page: q.offset / q.limit,
        total_pages: n.div_ceil(q.limit),
        offset: q.offset,
        limit: q.limit,
    }
}

/// `GET /v1/company/employees/{id}`; an unknown or non-numeric id answers the spec's 404.
pub(crate) async fn one(call: Call, Path(id): Path<String>) -> Result<Response, V1Error> {
    call.grant.require(SCOPE)?;
    let company = &*call.state.company();
    let Some(idx) = id.parse::<i64>().ok().and_then(|id| company.find(id)) else {
        return Err(V1Error::new(
            StatusCode::NOT_FOUND,
            errors::EMPLOYEE_NOT_FOUND,
        ));
    };
    let readable = &call.grant.credential.readable;
    let mut out = String::with_capacity(4096);
    out.push_str(r#"{"success":true,"data":"#);
    company.write_employee(&mut out, idx, readable, readable);
    out.push('}');
    Ok(json::response(StatusCode::OK, out))
}

/// `GET /v1/company/employees/attributes` (and its deprecated alias
/// `custom-attributes`): every attribute the credential may read, except `id` and the
/// keys records carry unlisted (see `company`).
pub(crate) async fn attributes(call: Call) -> Result<Response, V1Error> {
    call.grant.require(SCOPE)?;
    let data: Vec<serde_json::Value> = call
        .state
        .company()
        .attrs
        .iter()
        .zip(&call.grant.credential.readable)
        .enumerate()
        .filter(|&(i, (a, &r))| r && i != ID && a.listed)
        .map(|(_, (a, _))| {
            serde_json::json!({
                "key": a.key,
                "label": a.label,
                "type": a.kind,
                "universal_id": a.universal_id,
                "options": a.options,
            })
        })
        .collect();
    let body = serde_json::json!({"success": true, "data": data});
    Ok(json::response(StatusCode::OK, body.to_string()))
}
