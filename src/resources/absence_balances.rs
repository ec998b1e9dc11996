//! One employee's absence balances (`GET /v1/company/employees/{id}/absences/balance`,
//! the spec's `EmployeeAbsenceBalance`): one row per absence type that keeps a balance,
//! with `employee_id`, `absence_type_id` (v1's integer, as text), `absence_type_name`,
//! `category`, `balance` (what is left after what was taken up to today) and
//! `available_balance` (after the planned absences too), in the type's unit.

use std::borrow::Cow;

use serde_json::Value;

use crate::arrow::build::build_table;
use crate::arrow::{Cell, ColumnDef, Kind, Table};
use crate::error::{Error, Result};
use crate::transport::{Api, Request, Transport};

/// The table's columns and the key each is read from (`None`: the employee asked for).
const COLUMNS: [(&str, Kind, Option<&str>); 6] = [
    ("employee_id", Kind::Int64, None),
    ("absence_type_id", Kind::Utf8, Some("id")),
    ("absence_type_name", Kind::Utf8, Some("name")),
    ("category", Kind::Utf8, Some("category")),
    ("balance", Kind::Float64, Some("balance")),
    (
        "available_balance",
        Kind::Float64,
        Some("available_balance"),
    ),
];

/// The balances of employee `employee_id`; [`Error::NotFound`] for an unknown one.
pub async fn fetch_absence_balances(transport: &Transport, employee_id: i64) -> Result<Table> {
    if employee_id <= 0 {
        return Err(Error::invalid_argument(format!(
            "employee_id must be a positive integer, got {employee_id}"
        )));
    }
    let path = format!("/v1/company/employees/{employee_id}/absences/balance");
    let request = Request::get(path, Vec::new());
    let json = transport
        .execute(&request, Some(Api::V1))
        .await?
        .json(&request)?;
    let balances = json.get("data").and_then(Value::as_array).ok_or_else(|| {
        request.invalid_response("expected {\"success\": true, \"data\": [balance, ...]}")
    })?;
    let columns: Vec<ColumnDef> = COLUMNS
        .iter()
        .map(|(name, kind, _)| ColumnDef::plain(name, kind.clone()))
        .collect();
    let employee = Value::from(employee_id);
    let cell = |column: usize, row: usize| -> Cell<'_> {
        match COLUMNS[column].2 {
            Some(key) => balances[row].get(key).map(Cow::Borrowed),
            None => Some(Cow::Borrowed(&employee)),
        }
    };
    build_table(&columns, balances.len(), cell)
}
