//! The v2 org listings (V2_NOTES 6), over the company's `org_data`, paged by
//! `v2_lists`:
//!
//! - `GET /v2/org-units`: `type` (`department` or `team`) required, else 400;
//!   `include_parent_chain=true` adds each unit's ancestor ids; `id` filter, `sort`;
//!   `limit` 1..=100, default 50 (both assumed).
//! - `GET /v2/cost-centers` and `GET /v2/workplaces`: `id`, `name` filters, `sort`;
//!   `limit` 1..=100, default 50.
//! - `GET /v2/legal-entities`: `id`, `country` filters; `limit` 1..=100, default 20;
//!   newest first.
//!
//! The scope is assumed: `org_units:read` for all four (V2_NOTES open question 1); a
//! token without it gets the v2 403.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use serde_json::Value;

use super::attendances::forbidden;
use super::auth::Grant;
use super::errors::V2Error;
use super::org_data::chain;
use super::query::param;
use super::v2_lists::{page, ListRules};
use super::AppState;

const SCOPE: &str = "org_units:read";

const ORG_UNITS: ListRules = ListRules {
    path: "/v2/org-units",
    default_limit: 50,
    max_limit: 100,
    filters: &["id"],
    sortable: true,
};
const COST_CENTERS: ListRules = ListRules {
    path: "/v2/cost-centers",
    default_limit: 50,
    max_limit: 100,
    filters: &["id", "name"],
    sortable: true,
};
const WORKPLACES: ListRules = ListRules {
    path: "/v2/workplaces",
    ..COST_CENTERS
};
const LEGAL_ENTITIES: ListRules = ListRules {
    path: "/v2/legal-entities",
    default_limit: 20,
    max_limit: 100,
    filters: &["id", "country"],
    sortable: false,
};

/// `GET /v2/org-units`.
pub(crate) async fn org_units(
    State(state): State<Arc<AppState>>,
    Extension(grant): Extension<Grant>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, V2Error> {
    require(&grant)?;
    page(&state, &headers, query.as_deref(), &ORG_UNITS, |q| {
        let kind = param(q, "type").unwrap_or_default();
        let units = state.org.units(kind).ok_or_else(|| {
            V2Error::bad_request("The type is required and must be department or team")
        })?;
        let with_chain = param(q, "include_parent_chain") == Some("true");
        Ok(units
            .iter()
            .map(|unit| unit.item(kind, with_chain.then(|| chain(units, unit))))
            .collect())
    })
}

/// `GET /v2/cost-centers`.
pub(crate) async fn cost_centers(
    State(state): State<Arc<AppState>>,
    Extension(grant): Extension<Grant>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, V2Error> {
    listing(
        &state,
        &grant,
        &headers,
        query,
        &COST_CENTERS,
        &state.org.cost_centers,
    )
}

/// `GET /v2/legal-entities`.
pub(crate) async fn legal_entities(
    State(state): State<Arc<AppState>>,
    Extension(grant): Extension<Grant>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, V2Error> {
    let items = &state.org.legal_entities;
    listing(&state, &grant, &headers, query, &LEGAL_ENTITIES, items)
}

/// `GET /v2/workplaces`.
pub(crate) async fn workplaces(
    State(state): State<Arc<AppState>>,
    Extension(grant): Extension<Grant>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, V2Error> {
    listing(
        &state,
        &grant,
        &headers,
        query,
        &WORKPLACES,
        &state.org.workplaces,
    )
}

fn listing(
    state: &AppState,
    grant: &Grant,
    headers: &HeaderMap,
    query: Option<String>,
    rules: &ListRules,
    items: &[Value],
) -> Result<Response, V2Error> {
    require(grant)?;
    page(state, headers, query.as_deref(), rules, |_| {
        Ok(items.to_vec())
    })
}

fn require(grant: &Grant) -> Result<(), V2Error> {
    if grant.has(SCOPE) {
        Ok(())
    } else {
        Err(forbidden())
    }
}
