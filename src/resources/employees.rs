//! Employees (`/v1/company/employees`) as typed Arrow.
//!
//! The schema comes from `GET /v1/company/employees/attributes`: a column the credential
//! may not read is absent, and an empty company still has every column. Personio's
//! declared attribute `type` often does not describe the JSON (`supervisor` is
//! `standard` yet holds an employee, `created_at` is `date` yet holds an instant), so
//! the standard attributes Personio documents are typed by key, everything else by type.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::names::{label_names, Names};
use crate::arrow::{build_table, Cell, ColumnDef, Kind, Table};
use crate::error::{Error, Result};
use crate::paginate::{offset_paged, OffsetPage};
use crate::transport::{Api, Transport};

const EMPLOYEES_PATH: &str = "/v1/company/employees";
const ATTRIBUTES_PATH: &str = "/v1/company/employees/attributes";
/// Personio's cap on `limit` since 2025-01-31.
const PAGE_SIZE: u64 = 100;

/// One readable employee attribute, as `/attributes` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// `first_name`, `dynamic_123`, ...
    pub key: String,
    /// Human label (not unique).
    pub label: String,
    /// Declared type: standard, date, integer, decimal, list, link, tags, multiline.
    pub declared_type: String,
    /// Cross-company id such as `iban`, when Personio has one.
    pub universal_id: Option<String>,
    /// Choices of a `list` or `tags` attribute.
    pub options: Vec<String>,
}

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct EmployeeQuery {
    /// Attribute keys to read (`id` always comes); `None` reads every readable one.
    pub attributes: Option<Vec<String>>,
    /// Only employees changed after this instant (RFC 3339 with an offset).
    pub updated_since: Option<String>,
    /// Column naming.
    pub names: Names,
}

/// How a known standard attribute is laid out, whatever its declared type says.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Scalar(Kind),
    /// `<key>` as float64 plus `<key>_currency`.
    Money,
    /// `{"type","attributes":{"id","name"}}` flattened to `<key>_id`, `<key>_name`.
    Entity,
    /// A wrapped Employee flattened to `supervisor_id`, `supervisor_name`.
    Supervisor,
}

/// Where a column's value sits in an employee record.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    Value,
    Currency,
    EntityId,
    EntityName,
    SupervisorId,
    SupervisorName,
}

struct Planned {
    def: ColumnDef,
    key: String,
    source: Source,
    label_name: String,
}

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
        "first_name" | "last_name" | "preferred_name" | "email" | "gender" | "status"
        | "position" | "employment_type" | "termination_type" | "termination_reason"
        | "fix_salary_interval" | "profile_picture" => Shape::Scalar(Kind::Utf8),
        "weekly_working_hours" | "vacation_day_balance" => Shape::Scalar(Kind::Float64),
        "hire_date" | "contract_end_date" | "termination_date" | "probation_period_end"
        | "last_working_day" => Shape::Scalar(Kind::Date32),
        "created_at" | "last_modified_at" => Shape::Scalar(Kind::TimestampUtc),
        "fix_salary" | "hourly_salary" => Shape::Money,
        "department" | "office" | "team" | "subcompany" | "holiday_calendar" | "work_schedule" => {
            Shape::Entity
        }
        "supervisor" => Shape::Supervisor,
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

fn declared_shape(declared_type: &str, has_currency: bool) -> Shape {
    match declared_type {
        "date" => Shape::Scalar(Kind::Date32),
        "integer" => Shape::Scalar(Kind::Int64),
        "decimal" if has_currency => Shape::Money,
        "decimal" => Shape::Scalar(Kind::Float64),
        "list" => Shape::Scalar(Kind::Dictionary),
        "tags" => Shape::Scalar(Kind::StringList),
        _ => Shape::Scalar(Kind::Utf8),
    }
}

/// `GET /v1/company/employees/attributes`, parsed.
pub async fn fetch_attributes(transport: &Transport) -> Result<Vec<Attribute>> {
    let json = transport.get_json(Api::V1, ATTRIBUTES_PATH, Vec::new()).await?;
    parse_attributes(&json)
        .ok_or_else(|| Error::invalid_response(&format!("GET {ATTRIBUTES_PATH}"), "expected {\"data\": [{\"key\", \"label\", \"type\", ...}]}"))
}

fn parse_attributes(json: &Value) -> Option<Vec<Attribute>> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    json.get("data")?
        .as_array()?
        .iter()
        .map(|item| {
            let key = text(item.get("key"))?;
            Some(Attribute {
                label: text(item.get("label")).unwrap_or_else(|| key.clone()),
                declared_type: text(item.get("type")).unwrap_or_else(|| "standard".into()),
                universal_id: text(item.get("universal_id")),
                options: item
                    .get("options")
                    .and_then(Value::as_array)
                    .map(|o| o.iter().filter_map(|v| crate::arrow::parse::raw_text(v)).collect())
                    .unwrap_or_default(),
                key,
            })
        })
        .collect()
}

/// The attribute list as a table: key, label, type, universal_id, options.
pub fn attributes_table(attributes: &[Attribute]) -> Result<Table> {
    let columns: Vec<ColumnDef> = [
        ("key", Kind::Utf8),
        ("label", Kind::Utf8),
        ("type", Kind::Utf8),
        ("universal_id", Kind::Utf8),
        ("options", Kind::StringList),
    ]
    .into_iter()
    .map(|(name, kind)| ColumnDef {
        name: name.into(),
        kind,
        metadata: HashMap::new(),
    })
    .collect();
    let rows: Vec<[Value; 5]> = attributes
        .iter()
        .map(|a| {
            [
                Value::from(a.key.as_str()),
                Value::from(a.label.as_str()),
                Value::from(a.declared_type.as_str()),
                a.universal_id.as_deref().map_or(Value::Null, Value::from),
                Value::from(a.options.clone()),
            ]
        })
        .collect();
    build_table(&columns, rows.len(), |c, r| Some(Cow::Borrowed(&rows[r][c])))
}

/// Every employee the query selects, as one typed table.
pub async fn fetch_employees(transport: &Transport, query: &EmployeeQuery) -> Result<Table> {
    let readable = fetch_attributes(transport).await?;
    let selected = select(&readable, query.attributes.as_deref())?;
    let mut params: Vec<(String, String)> = Vec::new();
    if let Some(wanted) = &query.attributes {
        params.extend(wanted.iter().map(|k| ("attributes[]".to_string(), k.clone())));
    }
    if let Some(since) = &query.updated_since {
        params.push(("updated_since".into(), since.clone()));
    }
    let endpoint = format!("GET {EMPLOYEES_PATH}");
    let fetch = |offset: u64| {
        let mut page_params = params.clone();
        page_params.push(("limit".into(), PAGE_SIZE.to_string()));
        page_params.push(("offset".into(), offset.to_string()));
        let endpoint = endpoint.as_str();
        async move {
            let json = transport.get_json(Api::V1, EMPLOYEES_PATH, page_params).await?;
            parse_page(&json).ok_or_else(|| {
                Error::invalid_response(endpoint, "expected {\"success\": true, \"data\": [...]} with employees")
            })
        }
    };
    let concurrency = transport.config().concurrency;
    let employees = offset_paged(concurrency, fetch, employee_id).await?;
    employees_table(&selected, &employees, query.names, &endpoint)
}

/// One employee by id, as a one-row table.
pub async fn fetch_employee(transport: &Transport, id: i64, names: Names) -> Result<Table> {
    if id <= 0 {
        return Err(Error::invalid_argument(format!(
            "employee ids are positive integers, got {id}"
        )));
    }
    let readable = fetch_attributes(transport).await?;
    let path = format!("{EMPLOYEES_PATH}/{id}");
    let endpoint = format!("GET {path}");
    let json = transport.get_json(Api::V1, &path, Vec::new()).await?;
    let record = json
        .get("data")
        .filter(|d| d.is_object())
        .cloned()
        .ok_or_else(|| Error::invalid_response(&endpoint, "expected {\"data\": {\"type\": \"Employee\", ...}}"))?;
    employees_table(&readable, &[record], names, &endpoint)
}

/// Checks requested keys against what the credential may read, before any listing.
fn select(readable: &[Attribute], wanted: Option<&[String]>) -> Result<Vec<Attribute>> {
    let Some(wanted) = wanted else {
        return Ok(readable.to_vec());
    };
    if wanted.is_empty() {
        return Err(Error::invalid_argument(
            "attributes is empty: pass None for every readable attribute, or a list of keys",
        ));
    }
    let by_key: HashMap<&str, &Attribute> = readable.iter().map(|a| (a.key.as_str(), a)).collect();
    let mut seen = HashSet::new();
    let mut selected = Vec::new();
    for key in wanted {
        if key == "id" || !seen.insert(key.as_str()) {
            continue;
        }
        match by_key.get(key.as_str()) {
            Some(attribute) => selected.push((*attribute).clone()),
            None => return Err(unknown_attribute(key, readable)),
        }
    }
    Ok(selected)
}

fn unknown_attribute(key: &str, readable: &[Attribute]) -> Error {
    // Users often pass a flattened column name (`department_name`) or a label.
    let hint = readable
        .iter()
        .find(|a| {
            key.strip_prefix(a.key.as_str())
                .is_some_and(|rest| matches!(rest, "_id" | "_name" | "_currency"))
                || a.label.eq_ignore_ascii_case(key)
        })
        .map(|a| format!(" Did you mean {:?}?", a.key))
        .unwrap_or_default();
    let mut keys: Vec<&str> = readable.iter().map(|a| a.key.as_str()).collect();
    keys.sort_unstable();
    Error::invalid_argument(format!(
        "unknown employee attribute {key:?}: this credential can read {}.{hint}",
        keys.join(", ")
    ))
}

fn parse_page(json: &Value) -> Option<OffsetPage> {
    if json.get("success") == Some(&Value::Bool(false)) {
        return None;
    }
    let items = json.get("data")?.as_array()?.clone();
    let total = json.pointer("/metadata/total_elements").and_then(|v| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    Some(OffsetPage { items, total })
}

/// The `id` of a listed employee (an integer, or an integer string).
fn employee_id(item: &Value) -> Option<i64> {
    crate::arrow::parse::int64(item.pointer("/attributes/id/value")?).ok()?
}

fn employees_table(
    attributes: &[Attribute],
    records: &[Value],
    names: Names,
    endpoint: &str,
) -> Result<Table> {
    let rows: Vec<&Map<String, Value>> = records
        .iter()
        .map(|r| r.get("attributes").and_then(Value::as_object))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            Error::invalid_response(endpoint, "an employee has no \"attributes\" object")
        })?;
    let mut plan = plan_columns(attributes, &rows);
    if names == Names::Label {
        let labels: Vec<(String, String)> = plan
            .iter()
            .map(|p| (p.label_name.clone(), p.def.name.clone()))
            .collect();
        for (planned, name) in plan.iter_mut().zip(label_names(&labels)) {
            planned.def.name = name;
        }
    }
    let defs: Vec<ColumnDef> = plan.iter().map(|p| p.def.clone()).collect();
    build_table(&defs, rows.len(), |c, r| extract(&plan[c], rows[r]))
}

fn plan_columns(attributes: &[Attribute], rows: &[&Map<String, Value>]) -> Vec<Planned> {
    let id = Attribute {
        key: "id".into(),
        label: "ID".into(),
        declared_type: "integer".into(),
        universal_id: Some("id".into()),
        options: Vec::new(),
    };
    let mut plan = Vec::new();
    for attribute in std::iter::once(&id).chain(attributes.iter().filter(|a| a.key != "id")) {
        let has_currency = || {
            rows.iter()
                .any(|row| row.get(&attribute.key).and_then(|a| a.get("currency")).is_some())
        };
        let shape = standard_shape(&attribute.key)
            .unwrap_or_else(|| declared_shape(&attribute.declared_type, has_currency()));
        let key = attribute.key.as_str();
        let label = attribute.label.as_str();
        let mut push = |name: String, kind: Kind, source: Source, part: Option<&str>, label_name: String| {
            let mut metadata = HashMap::from([
                ("personio.key".to_string(), key.to_string()),
                ("personio.label".to_string(), label.to_string()),
                ("personio.type".to_string(), attribute.declared_type.clone()),
            ]);
            if let Some(universal_id) = &attribute.universal_id {
                metadata.insert("personio.universal_id".into(), universal_id.clone());
            }
            if let Some(part) = part {
                metadata.insert("personio.part".into(), part.into());
            }
            plan.push(Planned {
                def: ColumnDef { name, kind, metadata },
                key: key.to_string(),
                source,
                label_name,
            });
        };
        match shape {
            Shape::Scalar(kind) => push(key.into(), kind, Source::Value, None, label.into()),
            Shape::Money => {
                push(key.into(), Kind::Float64, Source::Value, None, label.into());
                push(format!("{key}_currency"), Kind::Utf8, Source::Currency, Some("currency"), format!("{label} currency"));
            }
            Shape::Entity | Shape::Supervisor => {
                let (id_source, name_source) = if shape == Shape::Supervisor {
                    (Source::SupervisorId, Source::SupervisorName)
                } else {
                    (Source::EntityId, Source::EntityName)
                };
                push(format!("{key}_id"), Kind::Int64, id_source, Some("id"), format!("{label} ID"));
                push(format!("{key}_name"), Kind::Utf8, name_source, Some("name"), label.into());
            }
        }
    }
    plan
}

/// One column's value in one employee record.
fn extract<'a>(planned: &Planned, row: &'a Map<String, Value>) -> Cell<'a> {
    let attribute = row.get(&planned.key)?;
    let value = attribute.get("value")?;
    match planned.source {
        Source::Value => Some(Cow::Borrowed(value)),
        Source::Currency => attribute.get("currency").map(Cow::Borrowed),
        Source::EntityId | Source::EntityName | Source::SupervisorId => {
            if is_empty_entity(value) {
                return None;
            }
            let field = if planned.source == Source::EntityName { "name" } else { "id" };
            match value.pointer(&format!("/attributes/{field}")) {
                // A supervisor's fields are wrapped attributes themselves.
                Some(Value::Object(wrapped)) => wrapped.get("value").map(Cow::Borrowed),
                Some(found) => Some(Cow::Borrowed(found)),
                // Not an entity: hand over the whole value, which then does not parse and
                // keeps the column as raw strings rather than losing it.
                None => Some(Cow::Borrowed(value)),
            }
        }
        Source::SupervisorName => {
            if is_empty_entity(value) {
                return None;
            }
            let part = |name: &str| {
                value
                    .pointer(&format!("/attributes/{name}/value"))
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let full: Vec<&str> = [part("first_name"), part("last_name")].into_iter().flatten().collect();
            if full.is_empty() {
                part("preferred_name").map(|p| Cow::Owned(Value::from(p)))
            } else {
                Some(Cow::Owned(Value::from(full.join(" "))))
            }
        }
    }
}

/// Personio sends a missing entity as null, `""`, `[]` or `{}`.
fn is_empty_entity(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        _ => false,
    }
}
