//! The employee attributes a credential may read (`GET /v1/company/employees/attributes`):
//! parsed, as a table, and checked against the keys a user asks for.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::arrow::{build_table, ColumnDef, Kind, Table};
use crate::error::{Error, Result};
use crate::transport::{Api, Request, Transport};

pub(super) const ATTRIBUTES_PATH: &str = "/v1/company/employees/attributes";

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

/// `GET /v1/company/employees/attributes`, parsed.
pub async fn fetch_attributes(transport: &Transport) -> Result<Vec<Attribute>> {
    let request = Request::get(ATTRIBUTES_PATH, Vec::new());
    let json = transport
        .execute(&request, Some(Api::V1))
        .await?
        .json(&request)?;
    attributes_of(&json)
}

/// The attributes of an `/attributes` answer, or [`Error::InvalidResponse`].
pub(super) fn attributes_of(json: &Value) -> Result<Vec<Attribute>> {
    parse_attributes(json).ok_or_else(|| {
        Error::invalid_response(
            &format!("GET {ATTRIBUTES_PATH}"),
            "expected {\"data\": [{\"key\", \"label\", \"type\", ...}]}",
        )
    })
}

pub(super) fn parse_attributes(json: &Value) -> Option<Vec<Attribute>> {
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
                    .map(|o| o.iter().filter_map(crate::arrow::parse::raw_text).collect())
                    .unwrap_or_default(),
                key,
            })
        })
        .collect()
}

/// The attribute list as a table: key, label, type, universal_id, options.
pub fn attributes_table(attributes: &[Attribute]) -> Result<Table> {
    let columns = [
        ("key", Kind::Utf8),
        ("label", Kind::Utf8),
        ("type", Kind::Utf8),
        ("universal_id", Kind::Utf8),
        ("options", Kind::StringList),
    ]
    .map(|(name, kind)| ColumnDef::plain(name, kind));
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
    build_table(&columns, rows.len(), |c, r| {
        Some(Cow::Borrowed(&rows[r][c]))
    })
}

/// Checks requested keys against what the credential may read, before any listing.
pub(super) fn select(readable: &[Attribute], wanted: Option<&[String]>) -> Result<Vec<Attribute>> {
    let Some(wanted) = wanted else {
        return Ok(readable.to_vec());
    };
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
    // Users often pass a flattened column name (`department_name`,
    // `work_schedule_monday`) or a label.
    let hint = readable
        .iter()
        .find(|a| {
            key.strip_prefix(a.key.as_str())
                .is_some_and(|rest| rest.starts_with('_'))
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
