//! Employees written through v1: `POST /v1/company/employees` and `PATCH
//! /v1/company/employees/{id}`, with the spec's JSON body `{"employee":{..}}`.
//!
//! Custom attributes are named by key (`dynamic_123`) or by label; labels are resolved
//! through `GET /v1/company/employees/attributes` before anything is written, and a
//! label that names no attribute, or several, is refused there.
//!
//! Neither write is sent twice unless it cannot have been applied (see `http`): a
//! second create would make a second employee, so a lost answer is an error.

use reqwest::Method;
use serde_json::{Map, Value};

use super::employee_attributes::{fetch_attributes, Attribute};
use super::write_checks::{answered_id, day, filled};
use crate::error::{Error, Result};
use crate::transport::{Api, Body, Request, Response, Transport};

const EMPLOYEES_PATH: &str = "/v1/company/employees";
const CUSTOM_PREFIX: &str = "dynamic_";

/// The fields of an employee write; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmployeeFields {
    /// Required to create; Personio cannot change it afterwards.
    pub email: Option<String>,
    /// Required to create.
    pub first_name: Option<String>,
    /// Required to create.
    pub last_name: Option<String>,
    /// `male`, `female` or `diverse`.
    pub gender: Option<String>,
    pub position: Option<String>,
    /// A department's name, as set up in Personio.
    pub department: Option<String>,
    /// `YYYY-MM-DD`.
    pub hire_date: Option<String>,
    /// Sent as `weekly_working_hours`.
    pub weekly_hours: Option<f64>,
    /// Custom attributes by key (`dynamic_123`) or label, with their values.
    pub custom_attributes: Vec<(String, Value)>,
}

/// An employee write Personio applied: the employee's id, and what Personio ignored
/// (its `meta`, e.g. a department it does not know), for the caller to show.
#[derive(Debug, Clone, PartialEq)]
pub struct EmployeeWritten {
    pub id: i64,
    pub ignored: Vec<String>,
}

/// Creates the employee.
pub async fn create_employee(
    transport: &Transport,
    fields: &EmployeeFields,
) -> Result<EmployeeWritten> {
    for (field, value) in [
        ("email", &fields.email),
        ("first_name", &fields.first_name),
        ("last_name", &fields.last_name),
    ] {
        filled(field, value.as_deref().unwrap_or_default())?;
    }
    let body = employee_body(transport, fields).await?;
    let request = Request::write(Method::POST, EMPLOYEES_PATH, Body::Json(body));
    let response = transport.execute(&request, Some(Api::V1)).await?;
    Ok(EmployeeWritten {
        id: answered_id(&request, &response, "/data/id")?,
        ignored: ignored(&request, &response)?,
    })
}

/// Changes the given fields of employee `id`.
pub async fn update_employee(
    transport: &Transport,
    id: i64,
    fields: &EmployeeFields,
) -> Result<EmployeeWritten> {
    if fields.email.is_some() {
        return Err(Error::invalid_argument(
            "email cannot be changed: Personio does not update it",
        ));
    }
    if *fields == EmployeeFields::default() {
        return Err(Error::invalid_argument(
            "nothing to update: give at least one field",
        ));
    }
    let body = employee_body(transport, fields).await?;
    let request = Request::write(
        Method::PATCH,
        format!("{EMPLOYEES_PATH}/{id}"),
        Body::Json(body),
    );
    let response = transport.execute(&request, Some(Api::V1)).await?;
    Ok(EmployeeWritten {
        id,
        ignored: ignored(&request, &response)?,
    })
}

/// The answer's `meta`: what Personio ignored of a write it applied.
fn ignored(request: &Request, response: &Response) -> Result<Vec<String>> {
    let json = response.json(request)?;
    let Some(Value::Array(meta)) = json.get("meta") else {
        return Ok(Vec::new());
    };
    Ok(meta
        .iter()
        .map(|note| {
            note.as_str()
                .map_or_else(|| note.to_string(), str::to_string)
        })
        .collect())
}

/// `{"employee":{..}}` with the given fields; custom attributes by key.
async fn employee_body(transport: &Transport, fields: &EmployeeFields) -> Result<Value> {
    let mut employee = Map::new();
    let texts = [
        ("email", &fields.email),
        ("first_name", &fields.first_name),
        ("last_name", &fields.last_name),
        ("gender", &fields.gender),
        ("position", &fields.position),
        ("department", &fields.department),
    ];
    for (field, value) in texts {
        if let Some(value) = value {
            employee.insert(field.to_string(), Value::from(filled(field, value)?));
        }
    }
    if let Some(hire_date) = &fields.hire_date {
        employee.insert(
            "hire_date".into(),
            Value::from(day("hire_date", hire_date)?),
        );
    }
    if let Some(hours) = fields.weekly_hours {
        if !(hours.is_finite() && hours >= 0.0) {
            return Err(Error::invalid_argument(format!(
                "weekly_hours must be a number of hours, got {hours}"
            )));
        }
        employee.insert("weekly_working_hours".into(), Value::from(hours));
    }
    if !fields.custom_attributes.is_empty() {
        let custom = custom_by_key(transport, &fields.custom_attributes).await?;
        employee.insert("custom_attributes".into(), Value::Object(custom));
    }
    Ok(Value::Object(Map::from_iter([(
        "employee".to_string(),
        Value::Object(employee),
    )])))
}

/// The custom attributes keyed as Personio wants them; the attribute list is read
/// only when some are named by label.
async fn custom_by_key(
    transport: &Transport,
    named: &[(String, Value)],
) -> Result<Map<String, Value>> {
    let by_label = named.iter().any(|(name, _)| !is_custom_key(name));
    let attributes = if by_label {
        fetch_attributes(transport).await?
    } else {
        Vec::new()
    };
    named
        .iter()
        .map(|(name, value)| Ok((custom_key(&attributes, name)?, value.clone())))
        .collect()
}

fn is_custom_key(name: &str) -> bool {
    name.strip_prefix(CUSTOM_PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The key of the custom attribute `name` (a key, or the label of exactly one).
fn custom_key(attributes: &[Attribute], name: &str) -> Result<String> {
    if is_custom_key(name) {
        return Ok(name.to_string());
    }
    let keys: Vec<&str> = attributes
        .iter()
        .filter(|a| is_custom_key(&a.key) && a.label == name)
        .map(|a| a.key.as_str())
        .collect();
    match keys.as_slice() {
        [key] => Ok((*key).to_string()),
        [] => Err(Error::invalid_argument(format!(
            "no custom attribute is labelled {name:?}: name it by its label or key (dynamic_<n>), see employee_attributes()"
        ))),
        _ => Err(Error::invalid_argument(format!(
            "several custom attributes are labelled {name:?} ({}): name one by its key",
            keys.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(key: &str, label: &str) -> Attribute {
        Attribute {
            key: key.into(),
            label: label.into(),
            declared_type: "standard".into(),
            universal_id: None,
            options: Vec::new(),
        }
    }

    #[test]
    fn custom_attributes_resolve_by_key_or_one_label() {
        let attributes = [
            attribute("dynamic_1", "Shirt size"),
            attribute("dynamic_2", "Employment type"),
            attribute("employment_type", "Employment type"),
            attribute("dynamic_3", "Twin"),
            attribute("dynamic_4", "Twin"),
        ];
        assert_eq!(custom_key(&attributes, "dynamic_99").unwrap(), "dynamic_99");
        assert_eq!(custom_key(&attributes, "Shirt size").unwrap(), "dynamic_1");
        assert_eq!(
            custom_key(&attributes, "Employment type").unwrap(),
            "dynamic_2"
        );
        let unknown = custom_key(&attributes, "Hat size").unwrap_err().to_string();
        assert!(unknown.contains("\"Hat size\""), "{unknown}");
        let shared = custom_key(&attributes, "Twin").unwrap_err().to_string();
        assert!(shared.contains("dynamic_3, dynamic_4"), "{shared}");
    }
}
