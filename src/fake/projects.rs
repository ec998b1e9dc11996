//! `GET /v2/projects`: the attendance projects, where v2 tells their names (an
//! attendance period carries only `project.id`).
//!
//! Item (fields observed, V2_NOTES 5; their values here assumed): `{"id","name",
//! "project_code","client_name","billable","cost_center":{"id"}|null,
//! "parent_project":{"id"}|null,"status","start":{"date"}|null,"end":{"date"}|null}`.
//! Paged by `v2_lists`: `limit` 1..=100, default 50 (assumed), no filters. The scope
//! is assumed to be the attendances one.

use axum::response::Response;
use serde_json::{json, Value};

use super::attendance_data::PROJECTS;
use super::attendances::SCOPE;
use super::call::Call;
use super::errors::V2Error;
use super::v2_lists::{page, ListRules};
use super::AppState;

const RULES: ListRules = ListRules {
    path: "/v2/projects",
    default_limit: 50,
    max_limit: 100,
    filters: &[],
    sortable: false,
};

/// Per project of [`PROJECTS`], by position: code, client, billable, index of its cost
/// center in the company's, position of its parent project, start and end dates.
type Details = (
    Option<&'static str>,
    Option<&'static str>,
    bool,
    Option<usize>,
    Option<usize>,
    Option<&'static str>,
    Option<&'static str>,
);
#[rustfmt::skip]
const DETAILS: [Details; 5] = [
    (Some("RO-1"), Some("ACME"), true, Some(0), None, Some("2025-01-01"), None),
    (Some("0815-WEB"), Some("Müller GmbH"), true, None, Some(0), Some("2025-03-01"), Some("2025-12-31")),
    (None, Some("Müller GmbH"), true, Some(1), Some(1), None, None),
    (Some("INT"), None, false, None, None, Some("2024-06-01"), Some("2025-06-30")),
    (Some("0815"), None, false, Some(5), None, None, None),
];

/// `GET /v2/projects`.
pub(crate) async fn list(call: Call) -> Result<Response, V2Error> {
    call.grant.require_v2(SCOPE)?;
    page(
        &call.state,
        &call.headers,
        call.query.as_deref(),
        &RULES,
        |_| {
            Ok(PROJECTS
                .iter()
                .zip(DETAILS)
                .map(|(&(id, name, active), details)| item(&call.state, id, name, active, details))
                .collect())
        },
    )
}

fn item(state: &AppState, id: i64, name: &str, active: bool, details: Details) -> Value {
    let (code, client, billable, cost_center, parent, start, end) = details;
    let company = state.company();
    let cost_center = cost_center
        .and_then(|index| company.org.cost_centers.get(index))
        .map(|(id, _)| json!({"id": id.to_string()}));
    let parent = parent.map(|index| json!({"id": PROJECTS[index].0.to_string()}));
    json!({
        "id": id.to_string(), "name": name, "project_code": code, "client_name": client,
        "billable": billable, "cost_center": cost_center, "parent_project": parent,
        "status": if active { "ACTIVE" } else { "INACTIVE" },
        "start": start.map(|date| json!({"date": date})),
        "end": end.map(|date| json!({"date": date})),
    })
}
