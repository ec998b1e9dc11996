//! Departments or teams from `GET /v2/org-units?type=...&include_parent_chain=true`,
//! one row per unit:
//!
//! | column | type | from |
//! |---|---|---|
//! | `id` | string | `id` |
//! | `type` | string | `type` (`department` or `team`) |
//! | `name`, `abbreviation`, `description` | string | as named |
//! | `parent_id` | string | `parent_id` (null at a root) |
//! | `ancestor_ids` | list<string> | the ids above the unit, from its root down to `parent_id` (empty at a root) |
//!
//! Each type is a tree of its own (Personio asks for the type with every id). The
//! listing gives each unit's ancestors as ids only, in a field the hub does not name
//! (V2_NOTES 6), so `ancestor_ids` is computed from the `parent_id`s of the whole
//! listing: a parent the listing does not hold ends the chain there (its id is still
//! the chain's first), and parents that lead back to a unit already passed (a cycle) are
//! an [`Error::InvalidResponse`], since no order of them is true.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, ListBuilder, RecordBatch, StringBuilder};
use arrow::datatypes::{Field as ArrowField, Schema};

use super::choice::parse_choice;
use super::v2_listing::{read_listing, Field, Listing};
use crate::arrow::Table;
use crate::error::{Error, Result};
use crate::transport::Transport;

const PATH: &str = "/v2/org-units";
const FIELDS: &[Field] = &[
    Field::text("id", "/id"),
    Field::text("type", "/type"),
    Field::text("name", "/name"),
    Field::text("abbreviation", "/abbreviation"),
    Field::text("description", "/description"),
    Field::text("parent_id", "/parent_id"),
];
const ID: usize = 0;
const PARENT_ID: usize = 5;
const ANCESTOR_IDS: &str = "ancestor_ids";

/// Which org units to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgUnitType {
    /// Departments.
    Department,
    /// Teams.
    Team,
}

impl std::str::FromStr for OrgUnitType {
    type Err = Error;

    fn from_str(value: &str) -> Result<OrgUnitType> {
        let choices = [
            ("department", OrgUnitType::Department),
            ("team", OrgUnitType::Team),
        ];
        parse_choice("type", value, &choices)
    }
}

impl OrgUnitType {
    fn wire(self) -> &'static str {
        match self {
            OrgUnitType::Department => "department",
            OrgUnitType::Team => "team",
        }
    }
}

/// The org units of `kind`, with their ancestors.
pub async fn fetch_org_units(transport: &Transport, kind: OrgUnitType) -> Result<Table> {
    let listing = Listing {
        path: PATH,
        query: vec![
            ("type".to_string(), kind.wire().to_string()),
            ("include_parent_chain".to_string(), "true".to_string()),
        ],
        fields: FIELDS,
    };
    with_ancestors(read_listing(transport, listing).await?)
}

/// `table` with `ancestor_ids` after its columns (see the module docs).
fn with_ancestors(table: Table) -> Result<Table> {
    let mut parents: HashMap<String, Option<String>> = HashMap::new();
    for batch in &table.batches {
        let ids = batch.column(ID).as_string::<i32>();
        let parent_ids = batch.column(PARENT_ID).as_string::<i32>();
        for row in 0..batch.num_rows() {
            if ids.is_valid(row) {
                let parent = parent_ids.is_valid(row).then(|| parent_ids.value(row));
                parents.insert(ids.value(row).to_string(), parent.map(str::to_string));
            }
        }
    }
    let mut fields: Vec<ArrowField> = table
        .schema
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    let list = ListBuilder::new(StringBuilder::new()).finish();
    fields.push(ArrowField::new(
        ANCESTOR_IDS,
        list.data_type().clone(),
        true,
    ));
    let schema = Arc::new(Schema::new(fields));
    let batches = table
        .batches
        .iter()
        .map(|batch| {
            let parent_ids = batch.column(PARENT_ID).as_string::<i32>();
            let mut chains = ListBuilder::new(StringBuilder::new());
            for row in 0..batch.num_rows() {
                let parent = parent_ids.is_valid(row).then(|| parent_ids.value(row));
                for id in ancestors(parent, &parents)? {
                    chains.values().append_value(id);
                }
                chains.append(true);
            }
            let mut arrays: Vec<ArrayRef> = batch.columns().to_vec();
            arrays.push(Arc::new(chains.finish()));
            RecordBatch::try_new(schema.clone(), arrays)
                .map_err(|e| Error::Internal(format!("cannot add the ancestor ids: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Table {
        schema,
        batches,
        ..table
    })
}

/// The ids from the root down to `parent`, following `parents` (id -> parent id).
fn ancestors<'a>(
    parent: Option<&'a str>,
    parents: &'a HashMap<String, Option<String>>,
) -> Result<Vec<&'a str>> {
    let mut chain: Vec<&str> = Vec::new();
    let mut next = parent;
    while let Some(id) = next {
        if chain.contains(&id) {
            return Err(Error::invalid_response(
                &format!("GET {PATH}"),
                format!(
                    "the org units {} name each other as parents in a cycle: they have no \
                     root, so no chain of theirs would be true",
                    chain.join(", ")
                ),
            ));
        }
        chain.push(id);
        // A parent the listing does not hold ends the chain.
        next = parents.get(id).and_then(|p| p.as_deref());
    }
    chain.reverse();
    Ok(chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parents(pairs: &[(&str, Option<&str>)]) -> HashMap<String, Option<String>> {
        pairs
            .iter()
            .map(|(id, parent)| (id.to_string(), parent.map(str::to_string)))
            .collect()
    }

    #[test]
    fn chains_run_from_the_root_down() {
        let tree = parents(&[("1", None), ("2", Some("1")), ("3", Some("2"))]);
        assert_eq!(ancestors(Some("2"), &tree).unwrap(), ["1", "2"]);
        assert!(ancestors(None, &tree).unwrap().is_empty());
    }

    #[test]
    fn a_missing_parent_ends_the_chain() {
        let tree = parents(&[("4411", Some("310"))]);
        assert_eq!(ancestors(Some("4411"), &tree).unwrap(), ["310", "4411"]);
        assert_eq!(ancestors(Some("310"), &tree).unwrap(), ["310"]);
    }

    #[test]
    fn a_cycle_is_an_error_not_a_loop() {
        let tree = parents(&[("1", Some("2")), ("2", Some("3")), ("3", Some("1"))]);
        let error = ancestors(Some("1"), &tree).unwrap_err();
        assert!(error.to_string().contains("1, 2, 3"), "{error}");
        let own = parents(&[("7", Some("7"))]);
        assert!(ancestors(Some("7"), &own).is_err());
    }

    #[test]
    fn types_are_department_or_team() {
        assert_eq!("team".parse::<OrgUnitType>().unwrap(), OrgUnitType::Team);
        let error = "Team".parse::<OrgUnitType>().unwrap_err();
        assert!(error
            .to_string()
            .contains(r#"type must be "department" or "team""#));
    }
}
