//! The columns of an employee table and where each value sits in a record.
//!
//! Columns are planned from `/attributes` before any record comes, so that pages convert
//! as they arrive and an empty company still has the full schema. Personio's declared
//! attribute `type` often does not describe the JSON (`supervisor` is `standard` yet
//! holds an employee, `created_at` is `date` yet holds an instant), so the standard
//! attributes Personio documents are typed by key, everything else by type.
//!
//! Once every page is in, the columns are laid out again from what the records carried:
//! every field of an entity becomes `<key>_<field>`, and a key the attribute list does
//! not name still becomes a column, typed by the shapes of its values.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::employee_seen::{Observed, Seen};
use super::employee_wire::{entity_fields, field_value, EmployeeRecord};
use super::employees::Attribute;
use super::names::{label_names, Names};
use crate::arrow::build::{build_chunk, Chunk, RawStrings};
use crate::arrow::parse::is_missing;
use crate::arrow::{Cell, ColumnDef, Kind};

/// How an attribute is laid out, whatever its declared type says.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Scalar(Kind),
    /// `<key>` as float64 plus `<key>_currency`; with `currency_if_seen`, the currency
    /// column stays only if a record carries a currency.
    Money {
        currency_if_seen: bool,
    },
    /// `{"type", "attributes": {<field>: ...}}`: a column `<key>_<field>` per field.
    Entity,
    /// A wrapped Employee: `<key>_<attribute>` per attribute, `<key>_name` composed.
    Employee,
}

/// Where a column's value sits in an employee record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// The attribute's `value`.
    Value,
    /// The attribute's `currency`.
    Currency,
    /// One field of an entity value.
    Field(String),
    /// First and last name (or the preferred name) of a wrapped employee.
    FullName,
}

/// Where one column's value sits: attribute key and place in the attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Locator {
    /// The attribute key.
    pub key: String,
    /// Where in the attribute.
    pub source: Source,
}

/// Columns, where each one's value sits, and each one's label.
#[derive(Debug, Default)]
pub struct Columns {
    /// The columns, named by key until [`Columns::name`].
    pub defs: Vec<ColumnDef>,
    /// Where each column's value sits.
    pub locators: Vec<Locator>,
    labels: Vec<String>,
}

/// One attribute and how it is laid out.
struct Group {
    attribute: Attribute,
    shape: Shape,
}

/// The columns planned before any record comes, and how to lay out the final ones.
pub struct Plan {
    groups: Vec<Group>,
    /// The columns every page converts to as it arrives.
    pub columns: Columns,
    listed: HashSet<String>,
    /// Keys the query asked for (`None`: every key).
    wanted: Option<HashSet<String>>,
    names: Names,
}

/// The final columns of a table.
pub struct Layout {
    /// The columns, named as asked.
    pub columns: Columns,
    /// Each column's index in the plan's columns, if planned.
    pub planned: Vec<Option<usize>>,
    /// Keys that records carried but the attribute list did not name, in key order.
    pub unlisted: Vec<String>,
}

/// Field metadata key marking a column laid out from what the records carried (entity
/// fields and keys beyond the plan): present only when some record has it.
pub const DISCOVERED_METADATA_KEY: &str = "personio.discovered";

fn standard_shape(key: &str) -> Option<Shape> {
    let entity_list = |fields: &[(&str, Kind)]| {
        Shape::Scalar(Kind::StructList(
            fields
                .iter()
                .map(|(name, kind)| (name.to_string(), kind.clone()))
                .collect(),
        ))
    };
    Some(match key {
        "id" => Shape::Scalar(Kind::Int64),
        "first_name"
        | "last_name"
        | "preferred_name"
        | "email"
        | "gender"
        | "status"
        | "position"
        | "employment_type"
        | "termination_type"
        | "termination_reason"
        | "fix_salary_interval"
        | "profile_picture" => Shape::Scalar(Kind::Utf8),
        "weekly_working_hours" | "vacation_day_balance" => Shape::Scalar(Kind::Float64),
        "hire_date"
        | "contract_end_date"
        | "termination_date"
        | "probation_period_end"
        | "last_working_day" => Shape::Scalar(Kind::Date32),
        "created_at" | "last_modified_at" => Shape::Scalar(Kind::TimestampUtc),
        "fix_salary" | "hourly_salary" => Shape::Money {
            currency_if_seen: false,
        },
        "department" | "office" | "team" | "subcompany" | "holiday_calendar" | "work_schedule" => {
            Shape::Entity
        }
        "supervisor" => Shape::Employee,
        "cost_centers" => entity_list(&[
            ("id", Kind::Int64),
            ("name", Kind::Utf8),
            ("percentage", Kind::Float64),
        ]),
        "absence_entitlement" => entity_list(&[
            ("id", Kind::Int64),
            ("name", Kind::Utf8),
            ("category", Kind::Utf8),
            ("entitlement", Kind::Float64),
        ]),
        _ => return None,
    })
}

fn declared_shape(declared_type: &str) -> Shape {
    match declared_type {
        "date" => Shape::Scalar(Kind::Date32),
        "integer" => Shape::Scalar(Kind::Int64),
        // Personio does not say which custom decimals are money.
        "decimal" => Shape::Money {
            currency_if_seen: true,
        },
        "list" => Shape::Scalar(Kind::Dictionary),
        "tags" => Shape::Scalar(Kind::StringList),
        _ => Shape::Scalar(Kind::Utf8),
    }
}

/// A key no attribute lists: the key decides for a standard one, its values otherwise.
fn unlisted_group(key: &str, seen: &Seen) -> Group {
    let shape = standard_shape(key).unwrap_or(if seen.currency {
        Shape::Money {
            currency_if_seen: false,
        }
    } else {
        Shape::Scalar(seen.shapes.kind())
    });
    let attribute = Attribute {
        key: key.to_string(),
        label: key.to_string(),
        declared_type: String::new(),
        universal_id: None,
        options: Vec::new(),
    };
    Group { attribute, shape }
}

/// The fields planned for every entity of `key`, so that the schema does not depend on
/// the day's data.
fn known_fields(key: &str) -> Vec<(&'static str, Kind)> {
    let mut fields = vec![("id", Kind::Int64), ("name", Kind::Utf8)];
    match key {
        "holiday_calendar" => fields.extend([("country", Kind::Utf8), ("state", Kind::Utf8)]),
        // The hours of each weekday, under the day's name as the record spells it.
        "work_schedule" => fields.extend([
            ("valid_from", Kind::Date32),
            ("monday", Kind::Hours),
            ("tuesday", Kind::Hours),
            ("wednesday", Kind::Hours),
            ("thursday", Kind::Hours),
            ("friday", Kind::Hours),
            ("saturday", Kind::Hours),
            ("sunday", Kind::Hours),
        ]),
        // `supervisor_name` is composed from the names, which come in every supervisor.
        "supervisor" => fields.extend([
            ("first_name", Kind::Utf8),
            ("last_name", Kind::Utf8),
            ("email", Kind::Utf8),
        ]),
        _ => {}
    }
    fields
}

impl Columns {
    fn push(&mut self, attribute: &Attribute, part: Option<&str>, kind: Kind, source: Source) {
        let key = attribute.key.as_str();
        let label = &attribute.label;
        let (name, label) = match part {
            None => (key.to_string(), label.clone()),
            Some("currency") => (format!("{key}_currency"), format!("{label} currency")),
            Some("id") => (format!("{key}_id"), format!("{label} ID")),
            Some("name") => (format!("{key}_name"), label.clone()),
            Some(field) => (
                format!("{key}_{field}"),
                format!("{label} {}", field.replace('_', " ")),
            ),
        };
        let mut metadata = HashMap::from([
            ("personio.key".to_string(), key.to_string()),
            ("personio.label".to_string(), attribute.label.clone()),
        ]);
        if !attribute.declared_type.is_empty() {
            metadata.insert("personio.type".into(), attribute.declared_type.clone());
        }
        if let Some(universal_id) = &attribute.universal_id {
            metadata.insert("personio.universal_id".into(), universal_id.clone());
        }
        if let Some(part) = part {
            metadata.insert("personio.part".into(), part.into());
        }
        self.defs.push(ColumnDef {
            name,
            kind,
            metadata,
        });
        self.locators.push(Locator {
            key: key.to_string(),
            source,
        });
        self.labels.push(label);
    }

    /// Adds the columns of one attribute, given what its values showed.
    fn add(&mut self, group: &Group, seen: &Seen) {
        let attribute = &group.attribute;
        match &group.shape {
            // Any attribute whose values are entities is laid out as one.
            Shape::Scalar(kind)
                if !matches!(kind, Kind::StructList(_)) && seen.shapes.only_entities() =>
            {
                self.add_entity(attribute, false, seen)
            }
            Shape::Scalar(kind) => self.push(attribute, None, kind.clone(), Source::Value),
            Shape::Money { currency_if_seen } => {
                self.push(attribute, None, Kind::Float64, Source::Value);
                if !currency_if_seen || seen.currency {
                    self.push(attribute, Some("currency"), Kind::Utf8, Source::Currency);
                }
            }
            Shape::Entity => self.add_entity(attribute, false, seen),
            Shape::Employee => self.add_entity(attribute, true, seen),
        }
    }

    /// The known fields of an entity, then every other field its values carried.
    fn add_entity(&mut self, attribute: &Attribute, employee: bool, seen: &Seen) {
        let known = known_fields(&attribute.key);
        for (field, kind) in &known {
            let source = match *field {
                "name" if employee => Source::FullName,
                _ => Source::Field(field.to_string()),
            };
            self.push(attribute, Some(field), kind.clone(), source);
        }
        for (field, shapes) in &seen.fields {
            if !known.iter().any(|(name, _)| name == field) {
                let source = Source::Field(field.clone());
                self.push(attribute, Some(field), shapes.kind(), source);
            }
        }
    }

    /// Names the columns by label when asked (labels are not unique: see [`label_names`]).
    fn name(&mut self, names: Names) {
        if names == Names::Label {
            let pairs: Vec<(String, String)> = self
                .labels
                .iter()
                .zip(&self.defs)
                .map(|(label, def)| (label.clone(), def.name.clone()))
                .collect();
            for (def, name) in self.defs.iter_mut().zip(label_names(&pairs)) {
                def.name = name;
            }
        }
    }

    /// For each of these columns, its index in `other`, if `other` has it: the same
    /// place in a record, the same kind.
    pub fn positions_in(&self, other: &Columns) -> Vec<Option<usize>> {
        let index: HashMap<&Locator, usize> = other
            .locators
            .iter()
            .enumerate()
            .map(|(position, locator)| (locator, position))
            .collect();
        self.locators
            .iter()
            .zip(&self.defs)
            .map(|(locator, def)| {
                index
                    .get(locator)
                    .copied()
                    .filter(|at| other.defs[*at].kind == def.kind)
            })
            .collect()
    }

    /// The columns at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> Columns {
        Columns {
            defs: indices.iter().map(|i| self.defs[*i].clone()).collect(),
            locators: indices.iter().map(|i| self.locators[*i].clone()).collect(),
            labels: indices.iter().map(|i| self.labels[*i].clone()).collect(),
        }
    }

    /// These columns of `records`.
    pub fn convert(&self, records: &[EmployeeRecord<'_>]) -> Chunk {
        // Employee pages drop their bodies and fetch them again in the rare case a
        // column falls back, rather than keep raw strings for every typed column.
        build_chunk(
            &self.defs,
            records.len(),
            |c, r| extract(&self.locators[c], &records[r]),
            RawStrings::ReadAgain,
        )
    }
}

impl Plan {
    /// Plans the columns of `attributes` (`id` always comes first). `wanted`, the keys a
    /// query asked for, limits the unlisted keys that become columns.
    pub fn new(attributes: &[Attribute], wanted: Option<&[String]>, names: Names) -> Plan {
        let id = Attribute {
            key: "id".into(),
            label: "ID".into(),
            declared_type: "integer".into(),
            universal_id: Some("id".into()),
            options: Vec::new(),
        };
        let groups: Vec<Group> = std::iter::once(&id)
            .chain(attributes.iter().filter(|a| a.key != "id"))
            .map(|attribute| Group {
                shape: standard_shape(&attribute.key)
                    .unwrap_or_else(|| declared_shape(&attribute.declared_type)),
                attribute: attribute.clone(),
            })
            .collect();
        // Before any record: every column a record may fill, currencies included.
        let anything = Seen {
            currency: true,
            ..Seen::default()
        };
        let mut columns = Columns::default();
        for group in &groups {
            columns.add(group, &anything);
        }
        Plan {
            listed: groups.iter().map(|g| g.attribute.key.clone()).collect(),
            groups,
            columns,
            wanted: wanted.map(|keys| keys.iter().cloned().collect()),
            names,
        }
    }

    /// The columns that what `observed` carried adds to the plan.
    pub fn unplanned(&self, observed: &Observed) -> Columns {
        let layout = self.layout(observed);
        let fresh: Vec<usize> = (0..layout.planned.len())
            .filter(|c| layout.planned[*c].is_none())
            .collect();
        layout.columns.subset(&fresh)
    }

    /// The final columns, given what the records carried: each planned attribute's
    /// columns with the entity fields found, then the keys no attribute lists. Columns
    /// that are not planned are marked [`DISCOVERED_METADATA_KEY`].
    pub fn layout(&self, observed: &Observed) -> Layout {
        let nothing = Seen::default();
        let mut columns = Columns::default();
        for group in &self.groups {
            let seen = observed.get(&group.attribute.key).unwrap_or(&nothing);
            columns.add(group, seen);
        }
        let mut unlisted = Vec::new();
        for (key, seen) in observed.iter() {
            let asked = self.wanted.as_ref().is_none_or(|keys| keys.contains(key));
            if asked && !self.listed.contains(key) {
                columns.add(&unlisted_group(key, seen), seen);
                unlisted.push(key.to_string());
            }
        }
        let planned = columns.positions_in(&self.columns);
        for (def, planned) in columns.defs.iter_mut().zip(&planned) {
            if planned.is_none() {
                def.metadata
                    .insert(DISCOVERED_METADATA_KEY.into(), "true".into());
            }
        }
        columns.name(self.names);
        Layout {
            columns,
            planned,
            unlisted,
        }
    }
}

/// One column's value in one employee record.
pub fn extract<'a>(locator: &Locator, record: &'a EmployeeRecord<'_>) -> Cell<'a> {
    let attribute = record.attributes.get(locator.key.as_str())?;
    let value = &attribute.value;
    match &locator.source {
        Source::Value => Some(Cow::Borrowed(value)),
        Source::Currency => attribute.currency.as_ref().map(Cow::Borrowed),
        Source::Field(field) => entity_field(value, field),
        Source::FullName => entity_fields(value)
            .and_then(full_name)
            .map(|name| Cow::Owned(Value::from(name))),
    }
}

/// One field of an entity value. A value that is not an entity (nor a missing one) goes
/// whole to the `id` field: that column then keeps it as a raw string, with a warning,
/// rather than losing it.
fn entity_field<'a>(value: &'a Value, field: &str) -> Cell<'a> {
    match entity_fields(value) {
        Some(fields) => fields.get(field).map(|f| Cow::Borrowed(field_value(f))),
        None if field == "id" && !is_missing(value) => Some(Cow::Borrowed(value)),
        None => None,
    }
}

/// `first_name last_name` of a wrapped employee, or its preferred name.
fn full_name(fields: &Map<String, Value>) -> Option<String> {
    let part = |name: &str| {
        fields
            .get(name)
            .map(field_value)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let full: Vec<&str> = [part("first_name"), part("last_name")]
        .into_iter()
        .flatten()
        .collect();
    if full.is_empty() {
        part("preferred_name").map(str::to_string)
    } else {
        Some(full.join(" "))
    }
}
