//! `GET /v2/projects`: the attendance projects, where v2 tells their names (an
//! attendance period carries only `project.id`).
//!
//! Item (fields observed, V2_NOTES 5): `{"id","name","project_code","client_name",
//! "billable","cost_center","parent_project","status","start","end"}`. Cursor paging
//! as on attendance periods: `limit` (default 50, 1..=100, else 400: assumed), and a
//! `next` href that holds only the cursor, absolute unless `attendance_relative_links`.
//! The scope is assumed to be the attendances one.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Value};

use super::attendance_data::PROJECTS;
use super::attendances::{forbidden, SCOPE};
use super::auth::Grant;
use super::errors::V2Error;
use super::query::{pairs, param};
use super::reports_v2::origin;
use super::{cursor, json, AppState};

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 100;
const PATH: &str = "/v2/projects";

/// `GET /v2/projects`.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    Extension(grant): Extension<Grant>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, V2Error> {
    if !grant.has(SCOPE) {
        return Ok(forbidden().into_response());
    }
    let q = pairs(query.as_deref());
    let (offset, limit): (usize, usize) = match param(&q, "cursor") {
        Some(c) => cursor::decode(c)
            .and_then(|text| {
                let (offset, limit) = text.split_once(';')?;
                Some((offset.parse().ok()?, limit.parse().ok()?))
            })
            .ok_or_else(|| V2Error::bad_request("The cursor is invalid"))?,
        None => match param(&q, "limit").map(str::parse::<usize>) {
            None => (0, DEFAULT_LIMIT),
            Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => (0, n),
            Some(_) => return Err(V2Error::bad_request("Invalid request content")),
        },
    };
    let end = offset.saturating_add(limit).min(PROJECTS.len());
    let data: Vec<Value> = PROJECTS[offset.min(end)..end]
        .iter()
        .map(|(id, name, active)| {
            json!({"id": id.to_string(), "name": name, "project_code": null,
                   "client_name": null, "billable": true, "cost_center": null,
                   "parent_project": null, "status": if *active { "ACTIVE" } else { "INACTIVE" },
                   "start": null, "end": null})
        })
        .collect();
    let base = if state.attendance_relative_links {
        String::new()
    } else {
        origin(&headers)
    };
    let mut links = json!({"self": {"href": format!("{base}{PATH}")}});
    if end < PROJECTS.len() {
        let next = cursor::encode(&format!("{end};{limit}"));
        links["next"] = json!({"href": format!("{base}{PATH}?cursor={next}")});
    }
    let body = json!({"_data": data, "_meta": {"links": links}});
    Ok(json::response(StatusCode::OK, body.to_string()))
}
