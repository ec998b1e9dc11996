//! The wire shape of employee responses, read straight into small structs.
//!
//! Only each attribute's `value` and `currency` are kept; labels, types and universal
//! ids (the same in every record) are skipped while parsing, and keys borrow from the
//! body, so a page costs a few allocations per attribute instead of a JSON tree.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use serde::de::{MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

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
    #[serde(borrow, deserialize_with = "attribute_map")]
    pub attributes: HashMap<&'a str, AttributeValue, RandomState>,
}

/// Attributes a record usually carries: the map is made this large at once, since JSON
/// tells no length and growing it showed in profiles.
const USUAL_ATTRIBUTES: usize = 64;

/// An `attributes` object into a map sized for [`USUAL_ATTRIBUTES`].
fn attribute_map<'de, D>(
    deserializer: D,
) -> std::result::Result<HashMap<&'de str, AttributeValue, RandomState>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Attributes;
    impl<'de> Visitor<'de> for Attributes {
        type Value = HashMap<&'de str, AttributeValue, RandomState>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of attributes")
        }

        fn visit_map<M: MapAccess<'de>>(
            self,
            mut map: M,
        ) -> std::result::Result<Self::Value, M::Error> {
            let mut attributes =
                HashMap::with_capacity_and_hasher(USUAL_ATTRIBUTES, RandomState::default());
            while let Some((key, value)) = map.next_entry()? {
                attributes.insert(key, value);
            }
            Ok(attributes)
        }
    }
    deserializer.deserialize_map(Attributes)
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

/// The fields of an entity value, `{"type": "Department", "attributes": {<field>: ...}}`
/// (`type` may be absent), or `None` for any other value. An object with other keys is
/// not an entity: read as one, those keys would be lost.
pub fn entity_fields(value: &Value) -> Option<&Map<String, Value>> {
    let object = value.as_object()?;
    let fields = object.get("attributes")?.as_object()?;
    object
        .keys()
        .all(|key| key == "attributes" || key == "type")
        .then_some(fields)
}

/// What one entity field holds. A supervisor's fields are wrapped attributes,
/// `{"label", "value", "type"?, "universal_id"?}` (older accounts send only `label` and
/// `value`): their `value`. Any other field is its own value.
pub fn field_value(field: &Value) -> &Value {
    let wrapped = |object: &Map<String, Value>| {
        object.contains_key("value")
            && object
                .keys()
                .all(|key| matches!(key.as_str(), "label" | "value" | "type" | "universal_id"))
    };
    match field {
        Value::Object(object) if wrapped(object) => &object["value"],
        other => other,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entities_are_type_and_attributes_only() {
        let office = json!({"type": "Office", "attributes": {"id": 131014, "name": "Munich"}});
        assert_eq!(entity_fields(&office).unwrap()["name"], json!("Munich"));
        let untyped = json!({"attributes": {"id": 1}});
        assert_eq!(entity_fields(&untyped).unwrap()["id"], json!(1));
        // An extra top-level key would be lost by reading only `attributes`.
        let more = json!({"type": "Office", "attributes": {"id": 1}, "since": "2020"});
        assert!(entity_fields(&more).is_none());
        assert!(entity_fields(&json!({"type": "Office", "attributes": "x"})).is_none());
        assert!(entity_fields(&json!([{"type": "CostCenter", "attributes": {}}])).is_none());
        assert!(entity_fields(&json!("Munich")).is_none());
    }

    /// Found by tests/fuzz_parsers.rs: serde_json's default float parsing may land one
    /// unit in the last place off, so a text column showed another number than the body.
    #[test]
    fn numbers_read_exactly_as_sent() {
        let body = br#"{"success": true, "data": [{"type": "Employee", "attributes": {
            "a": {"label": "A", "value": -193046.18308595102},
            "b": {"label": "B", "value": 7.036685010993069e55}}}]}"#;
        let request = Request::get("/v1/company/employees", Vec::new());
        let (records, _) = parse_employees(body, &request, false).unwrap();
        let value = |key: &str| &records[0].attributes[key].value;
        assert_eq!(value("a").to_string(), "-193046.18308595102");
        assert_eq!(value("a").as_f64(), Some(-193046.18308595102));
        assert_eq!(value("b").as_f64(), Some(7.036685010993069e55));
    }

    #[test]
    fn wrapped_fields_give_their_value() {
        let full = json!({"label": "Email", "value": "a@b.de", "type": "standard", "universal_id": "email"});
        assert_eq!(field_value(&full), &json!("a@b.de"));
        let legacy = json!({"label": "ID", "value": 2});
        assert_eq!(field_value(&legacy), &json!(2));
        assert_eq!(field_value(&json!(978)), &json!(978));
        // Not a wrapped attribute: a `currency` would be lost, so the object stays whole.
        let money = json!({"label": "Salary", "value": 3000, "currency": "EUR"});
        assert_eq!(field_value(&money), &money);
        assert_eq!(
            field_value(&json!({"value": 1, "unit": "h"})),
            &json!({"value": 1, "unit": "h"})
        );
    }
}
