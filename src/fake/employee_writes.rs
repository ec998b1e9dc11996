//! The v1 employee writes (scope `employees:write`), as the spec describes them:
//!
//! - `POST /v1/company/employees`: `{"employee":{..}}` as JSON, or the same fields as a
//!   form (`employee[email]=..`). `email`, `first_name`, `last_name` are required; the
//!   answer is `{"success":true,"data":{"id":..,"message":"success"}}`.
//! - `PATCH /v1/company/employees/{id}`: the same fields but `email` (ignored, as every
//!   field the spec does not list); answers `{"success":true,"data":{"id":..},"meta":[]}`.
//!
//! Both: `status` follows `hire_date` on create unless given; `department`, `office`
//! and `subcompany` are names that must exist, else they are ignored and named in
//! `meta` (the spec's "meta error"); an unknown `supervisor_id` is the spec's 422
//! "Supervisor with ID 1 not found". Field checks (assumed wording, Laravel's) answer
//! a 422 naming each field (`write_input`); an unknown `custom_attributes` key is one.
//! The record is then what every later read returns.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::call::Call;
use super::company::{json_text, Company};
use super::errors::{self, V1Error};
use super::json;
use super::write_input::{write_body, Invalid};

const SCOPE: &str = "employees:write";
const GENDERS: &[&str] = &["male", "female", "diverse"];
const STATUSES: &[&str] = &["onboarding", "active", "leave", "inactive"];
/// Fields written as given text.
const TEXT_FIELDS: &[&str] = &["first_name", "last_name", "preferred_name", "position"];
/// Fields naming an org entity.
const ENTITY_FIELDS: &[&str] = &["department", "office", "subcompany"];

/// `POST /v1/company/employees`.
pub(crate) async fn create(call: Call, body: Bytes) -> Result<Response, V1Error> {
    let employee = employee_object(&call, &body)?;
    let state = call.state;
    let mut invalid = Invalid::default();
    let email = invalid.text(&employee, "email", true);
    for field in ["first_name", "last_name"] {
        invalid.text(&employee, field, true);
    }
    let created = state.change_company(|company| {
        let mut change = read_fields(company, &employee, &mut invalid)?;
        if let Some(email) = &email {
            if !email.contains('@') {
                invalid.add("email", "The email must be a valid email address.");
            } else if company.email_taken(email) {
                invalid.add("email", "The email has already been taken.");
            }
        }
        if !invalid.is_empty() {
            return Ok(None);
        }
        if !change.values.iter().any(|(key, _)| key == "status") {
            let hired = change
                .hire_date
                .is_some_and(|d| d <= state.now.date_naive());
            let status = if hired { "active" } else { "onboarding" };
            change.values.push(("status".into(), json_text(status)));
        }
        let id = company.hire(
            email.as_deref().unwrap_or_default(),
            &change.values,
            state.now,
        );
        if let Some(supervisor) = change.supervisor {
            company.set_supervisor(company.employees.len() - 1, supervisor);
        }
        Ok(Some((id, change.meta)))
    })?;
    let Some((id, meta)) = created else {
        return Ok(invalid.response(422, "The given data was invalid."));
    };
    let mut answer = json!({"success": true, "data": {"id": id, "message": "success"}});
    if !meta.is_empty() {
        answer["meta"] = json!(meta);
    }
    Ok(json::response(StatusCode::OK, answer.to_string()))
}

/// `PATCH /v1/company/employees/{id}`.
pub(crate) async fn update(
    call: Call,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, V1Error> {
    let employee = employee_object(&call, &body)?;
    let state = call.state;
    let not_found = || V1Error::new(StatusCode::NOT_FOUND, errors::EMPLOYEE_NOT_FOUND);
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let mut invalid = Invalid::default();
    let meta = state.change_company(|company| {
        let index = company.find(id).ok_or_else(not_found)?;
        let change = read_fields(company, &employee, &mut invalid)?;
        if change.supervisor == Some(index) {
            return Err(supervisor_refused(id));
        }
        if !invalid.is_empty() {
            return Ok(None);
        }
        company.amend(index, &change.values, state.now);
        if let Some(supervisor) = change.supervisor {
            company.set_supervisor(index, supervisor);
        }
        Ok(Some(change.meta))
    })?;
    let Some(meta) = meta else {
        return Ok(invalid.response(422, "The given data was invalid."));
    };
    let answer = json!({"success": true, "data": {"id": id}, "meta": meta});
    Ok(json::response(StatusCode::OK, answer.to_string()))
}

/// The `employee` object of the body; a body without one changes nothing.
fn employee_object(call: &Call, body: &Bytes) -> Result<Map<String, Value>, V1Error> {
    match write_body(call, SCOPE, body)?.remove("employee") {
        Some(Value::Object(employee)) => Ok(employee),
        _ => Ok(Map::new()),
    }
}

/// What a write changes.
struct Change {
    /// Attribute key and JSON text.
    values: Vec<(String, String)>,
    /// Index of the new supervisor.
    supervisor: Option<usize>,
    hire_date: Option<chrono::NaiveDate>,
    /// Fields ignored, as the spec's "meta error".
    meta: Vec<String>,
}

/// Reads the fields both writes take (not `email`); field errors go to `invalid`.
fn read_fields(
    company: &Company,
    employee: &Map<String, Value>,
    invalid: &mut Invalid,
) -> Result<Change, V1Error> {
    let mut values = Vec::new();
    let mut meta = Vec::new();
    for &field in TEXT_FIELDS {
        if let Some(text) = invalid.text(employee, field, false) {
            values.push((field.to_owned(), json_text(&text)));
        }
    }
    for (field, allowed) in [("gender", GENDERS), ("status", STATUSES)] {
        if let Some(text) = invalid.text(employee, field, false) {
            if allowed.contains(&text.as_str()) {
                values.push((field.to_owned(), json_text(&text)));
            } else {
                invalid.add(field, format!("The selected {field} is invalid."));
            }
        }
    }
    let hire_date = invalid.date(employee, "hire_date", false);
    if let Some(day) = hire_date {
        values.push(("hire_date".into(), json_text(&day.to_string())));
    }
    if let Some(text) = invalid.text(employee, "weekly_working_hours", false) {
        match text.parse::<f64>() {
            Ok(hours) if (0.0..=168.0).contains(&hours) => {
                values.push(("weekly_working_hours".into(), json!(hours).to_string()));
            }
            _ => invalid.add(
                "weekly_working_hours",
                "The weekly_working_hours must be a number between 0 and 168.",
            ),
        }
    }
    for &field in ENTITY_FIELDS {
        if let Some(name) = invalid.text(employee, field, false) {
            match company.entity_named(field, &name) {
                Some(entity) => values.push((field.to_owned(), entity)),
                None => meta.push(format!("{field} \"{name}\" does not exist and was ignored")),
            }
        }
    }
    let supervisor = match employee.get("supervisor_id") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let id = value
                .as_i64()
                .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
                .unwrap_or(0);
            Some(company.find(id).ok_or_else(|| supervisor_refused(id))?)
        }
    };
    match employee.get("custom_attributes") {
        None | Some(Value::Null) => {}
        Some(Value::Object(custom)) => {
            for (key, value) in custom {
                if key.starts_with("dynamic_") && company.has_attribute(key) {
                    values.push((key.clone(), value.to_string()));
                } else {
                    let field = format!("custom_attributes.{key}");
                    invalid.add(&field, format!("The attribute {key} does not exist."));
                }
            }
        }
        Some(_) => invalid.add(
            "custom_attributes",
            "The custom_attributes must be an object.",
        ),
    }
    Ok(Change {
        values,
        supervisor,
        hire_date,
        meta,
    })
}

/// The spec's own 422 for a supervisor that is not an employee.
fn supervisor_refused(id: i64) -> V1Error {
    V1Error::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("Supervisor with ID {id} not found"),
    )
}
