//! The company's projects from `GET /v2/projects`, one row each (fields observed,
//! V2_NOTES 5), read through the cursor pipeline like any v2 listing:
//!
//! | column | type | from |
//! |---|---|---|
//! | `id`, `name`, `project_code`, `client_name` | string | as named (codes stay text: `"0815"`) |
//! | `billable` | bool | `billable` |
//! | `cost_center_id` | string | `cost_center.id` |
//! | `parent_project_id` | string | `parent_project.id` |
//! | `status` | string | `status` (`ACTIVE`, `INACTIVE`) |
//! | `start_date`, `end_date` | date32 | `start.date`, `end.date` |
//!
//! The same listing names the projects of v2 attendance periods ([`project_names`]).

use arrow::array::{Array, AsArray};

use super::v2_listing::{read_listing, Field, Listing};
use crate::arrow::Kind;
use crate::error::Result;
use crate::transport::Transport;

const FIELDS: &[Field] = &[
    Field::text("id", "/id"),
    Field::text("name", "/name"),
    Field::text("project_code", "/project_code"),
    Field::text("client_name", "/client_name"),
    Field::new("billable", Kind::Bool, "/billable"),
    Field::text("cost_center_id", "/cost_center/id"),
    Field::text("parent_project_id", "/parent_project/id"),
    Field::text("status", "/status"),
    Field::new("start_date", Kind::Date32, "/start/date"),
    Field::new("end_date", Kind::Date32, "/end/date"),
];
const ID: usize = 0;
const NAME: usize = 1;

/// `GET /v2/projects`.
pub fn projects() -> Listing {
    Listing {
        path: "/v2/projects",
        query: Vec::new(),
        fields: FIELDS,
    }
}

/// Every project as `(id, name)`, ids as sent (text stays text: `"0815"`).
pub(super) async fn project_names(transport: &Transport) -> Result<Vec<(String, Option<String>)>> {
    let table = read_listing(transport, projects()).await?;
    let mut names = Vec::with_capacity(table.num_rows());
    for batch in &table.batches {
        let ids = batch.column(ID).as_string::<i32>();
        let project_names = batch.column(NAME).as_string::<i32>();
        for row in (0..batch.num_rows()).filter(|row| ids.is_valid(*row)) {
            let name = project_names
                .is_valid(row)
                .then(|| project_names.value(row));
            names.push((ids.value(row).to_string(), name.map(str::to_string)));
        }
    }
    Ok(names)
}
