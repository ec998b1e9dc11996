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

use axum::response::Response;
use serde_json::Value;

use super::call::Call;
use super::errors::V2Error;
use super::org_data::{chain, OrgData};
use super::query::param;
use super::v2_lists::{page, ListRules};

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
pub(crate) async fn org_units(call: Call) -> Result<Response, V2Error> {
    call.grant.require_v2(SCOPE)?;
    page(
        &call.state,
        &call.headers,
        call.query.as_deref(),
        &ORG_UNITS,
        |q| {
            let kind = param(q, "type").unwrap_or_default();
            let units = call.state.org.units(kind).ok_or_else(|| {
                V2Error::bad_request("The type is required and must be department or team")
            })?;
            let with_chain = param(q, "include_parent_chain") == Some("true");
            Ok(units
                .iter()
                .map(|unit| unit.item(kind, with_chain.then(|| chain(units, unit))))
                .collect())
        },
    )
}

/// `GET /v2/cost-centers`.
pub(crate) async fn cost_centers(call: Call) -> Result<Response, V2Error> {
    listing(call, &COST_CENTERS, |org| &org.cost_centers)
}

/// `GET /v2/legal-entities`.
pub(crate) async fn legal_entities(call: Call) -> Result<Response, V2Error> {
    listing(call, &LEGAL_ENTITIES, |org| &org.legal_entities)
}

/// `GET /v2/workplaces`.
pub(crate) async fn workplaces(call: Call) -> Result<Response, V2Error> {
    listing(call, &WORKPLACES, |org| &org.workplaces)
}

/// A catalogue that filters and pages by `rules` alone.
fn listing(
    call: Call,
    rules: &ListRules,
    items: fn(&OrgData) -> &[Value],
) -> Result<Response, V2Error> {
    call.grant.require_v2(SCOPE)?;
    let items = items(&call.state.org);
    page(
        &call.state,
        &call.headers,
        call.query.as_deref(),
        rules,
        |_| Ok(items.to_vec()),
    )
}
