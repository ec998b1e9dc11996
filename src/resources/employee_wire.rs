//! The wire shape of employee responses, read straight into small structs.
//!
//! Only each attribute's `value` and `currency` are kept; labels, types and universal
//! ids (the same in every record) are skipped while parsing, and keys borrow from the
//! body, so a page costs a few allocations per attribute instead of a JSON tree.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use serde::Deserialize;
use serde_json::Value;

use crate::error::Result;
use crate::transport::Request;

/// `GET /v1/company/employees`.
#[derive(Deserialize)]
struct ListBody<'a> {
    #[serde(default)]
    success: Option<bool>,
    #[serde(borrow)]
    data: Vec<EmployeeRecord<'a>>,
    #[serde(default)]
    metadata: Option<Metadata>,
}

/// `GET /v1/company/employees/{id}`.
#[derive(Deserialize)]
struct SingleBody<'a> {
    #[serde(borrow)]
    data: EmployeeRecord<'a>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    total_elements: Option<Value>,
}

/// One employee: `{"type": "Employee", "attributes": {<key>: {...}}}`.
#[derive(Deserialize)]
pub struct EmployeeRecord<'a> {
    /// Attributes by key (Personio keys are plain identifiers, so they borrow; foldhash
    /// because SipHash showed in profiles and these keys need no DoS protection).
    #[serde(borrow)]
    pub attributes: HashMap<&'a str, AttributeValue, RandomState>,
}

impl EmployeeRecord<'_> {
    /// The `id` (an integer, or an integer string).
    pub fn id(&self) -> Option<i64> {
        crate::arrow::parse::int64(&self.attributes.get("id")?.value).ok()?
    }
}

/// `{"label", "value", "type", "universal_id", "currency"?}`, keeping what varies.
#[derive(Deserialize)]
pub struct AttributeValue {
    /// The value, loosely typed.
    #[serde(default)]
    pub value: Value,
    /// The currency of a money attribute.
    #[serde(default)]
    pub currency: Option<Value>,
}

/// The employees of a list page and the listing's total, or of a single-employee answer.
pub fn parse_employees<'a>(
    body: &'a [u8],
    request: &Request,
    single: bool,
) -> Result<(Vec<EmployeeRecord<'a>>, Option<u64>)> {
    let bad = |e: serde_json::Error| {
        request.invalid_response(format!(
            "expected {{\"success\": true, \"data\": ...}} with employees ({e})"
        ))
    };
    if single {
        let body: SingleBody<'a> = serde_json::from_slice(body).map_err(bad)?;
        return Ok((vec![body.data], None));
    }
    let body: ListBody<'a> = serde_json::from_slice(body).map_err(bad)?;
    if body.success == Some(false) {
        return Err(request.invalid_response("the answer says success: false"));
    }
    let total = body
        .metadata
        .and_then(|m| m.total_elements)
        .and_then(|v| crate::arrow::parse::count(&v));
    Ok((body.data, total))
}
