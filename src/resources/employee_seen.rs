//! What the records of a listing carried: per attribute key, the JSON shapes of its
//! values, the fields of its entity values and whether a currency came.
//!
//! Each page reports what it saw as it converts; the join merges the reports and lays
//! out the columns the attribute list could not announce (entity fields, unlisted keys).

use std::collections::{BTreeMap, HashMap};

use foldhash::fast::RandomState;
use serde_json::Value;

use super::employee_wire::EmployeeRecord;
use super::employee_wire::{entity_fields, field_value, AttributeValue};
use crate::arrow::parse::is_missing;
use crate::arrow::Kind;

/// The JSON shapes some values showed; a missing value (null, `""`) shows none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shapes(u8);

impl Shapes {
    const INTEGER: u8 = 1;
    const NUMBER: u8 = 2;
    const BOOLEAN: u8 = 4;
    const TEXT: u8 = 8;
    const ENTITY: u8 = 16;
    const OTHER: u8 = 32;

    /// The shape of one value.
    pub fn of(value: &Value) -> Shapes {
        Shapes(match value {
            v if is_missing(v) => 0,
            Value::Number(n) if n.is_f64() => Self::NUMBER,
            Value::Number(_) => Self::INTEGER,
            Value::Bool(_) => Self::BOOLEAN,
            Value::String(_) => Self::TEXT,
            v if entity_fields(v).is_some() => Self::ENTITY,
            _ => Self::OTHER,
        })
    }

    fn add(&mut self, other: Shapes) {
        self.0 |= other.0;
    }

    fn has(self, bits: u8) -> bool {
        self.0 & bits != 0
    }

    /// Whether some value was an entity and every other one a missing entity.
    pub fn only_entities(self) -> bool {
        self.has(Self::ENTITY) && !self.has(!Self::ENTITY)
    }

    /// The column kind for values of these shapes: integers int64, numbers float64,
    /// booleans bool, strings string. Where shapes mix, the numbers' or booleans' kind:
    /// numeric strings then parse, and anything that does not turns the column into raw
    /// strings with a warning. Objects and arrays are not text, so a column holding any
    /// keeps raw JSON strings the same way.
    pub fn kind(self) -> Kind {
        if self.has(Self::ENTITY | Self::OTHER) {
            Kind::Utf8
        } else if self.has(Self::NUMBER) {
            Kind::Float64
        } else if self.has(Self::INTEGER) {
            Kind::Int64
        } else if self.has(Self::BOOLEAN) {
            Kind::Bool
        } else {
            Kind::Utf8
        }
    }
}

/// What the values of one attribute key showed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seen {
    /// Shapes of the values.
    pub shapes: Shapes,
    /// Shapes of each field of the entity values (a wrapped field by its `value`).
    pub fields: BTreeMap<String, Shapes>,
    /// Whether a value came with a `currency`.
    pub currency: bool,
}

impl Seen {
    fn add(&mut self, attribute: &AttributeValue) {
        self.shapes.add(Shapes::of(&attribute.value));
        self.currency |= attribute.currency.is_some();
        for (name, field) in entity_fields(&attribute.value).into_iter().flatten() {
            self.add_field(name, Shapes::of(field_value(field)));
        }
    }

    fn add_field(&mut self, name: &str, shapes: Shapes) {
        match self.fields.get_mut(name) {
            Some(known) => known.add(shapes),
            None => {
                self.fields.insert(name.to_string(), shapes);
            }
        }
    }

    fn merge(&mut self, other: &Seen) {
        self.shapes.add(other.shapes);
        self.currency |= other.currency;
        for (name, shapes) in &other.fields {
            self.add_field(name, *shapes);
        }
    }
}

/// What the records carried, by attribute key (in key order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed(BTreeMap<String, Seen>);

impl Observed {
    /// What the records of one page carried.
    pub fn of(records: &[EmployeeRecord<'_>]) -> Observed {
        let mut seen: HashMap<&str, Seen, RandomState> = HashMap::default();
        for record in records {
            for (key, attribute) in &record.attributes {
                seen.entry(key).or_default().add(attribute);
            }
        }
        Observed(
            seen.into_iter()
                .map(|(key, seen)| (key.to_string(), seen))
                .collect(),
        )
    }

    /// Adds what another page carried.
    pub fn merge(&mut self, other: &Observed) {
        for (key, seen) in &other.0 {
            match self.0.get_mut(key) {
                Some(known) => known.merge(seen),
                None => {
                    self.0.insert(key.clone(), seen.clone());
                }
            }
        }
    }

    /// What the values of `key` showed, if any record carried it.
    pub fn get(&self, key: &str) -> Option<&Seen> {
        self.0.get(key)
    }

    /// Every key some record carried, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Seen)> {
        self.0.iter().map(|(key, seen)| (key.as_str(), seen))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shapes(values: &[Value]) -> Shapes {
        let mut all = Shapes::default();
        for value in values {
            all.add(Shapes::of(value));
        }
        all
    }

    #[test]
    fn kinds_follow_the_json_shapes() {
        let kind = |values: &[Value]| shapes(values).kind();
        assert_eq!(
            kind(&[json!(1067807102794692000u64), json!(2)]),
            Kind::Int64
        );
        assert_eq!(kind(&[json!(1), json!(2.5)]), Kind::Float64);
        assert_eq!(kind(&[json!(true), json!(null)]), Kind::Bool);
        assert_eq!(kind(&[json!("DE"), json!("")]), Kind::Utf8);
        assert_eq!(kind(&[json!(null), json!("")]), Kind::Utf8);
        // Mixed: the numbers' kind, which numeric strings pass and other strings fail.
        assert_eq!(kind(&[json!(40), json!("40")]), Kind::Int64);
        assert_eq!(kind(&[json!(true), json!(1)]), Kind::Int64);
        // Objects and arrays do not parse as text: raw JSON strings.
        assert_eq!(kind(&[json!({"a": 1})]), Kind::Utf8);
        assert_eq!(kind(&[json!(1), json!([1])]), Kind::Utf8);
    }

    #[test]
    fn entities_alone_or_with_missing_ones() {
        let entity = json!({"type": "Team", "attributes": {"id": 1}});
        assert!(shapes(&[entity.clone(), json!([]), json!(""), json!({})]).only_entities());
        assert!(!shapes(&[entity.clone(), json!("Team A")]).only_entities());
        assert!(!shapes(&[json!([]), json!(null)]).only_entities());
        assert!(!shapes(&[entity, json!({"id": 1})]).only_entities());
    }

    #[test]
    fn pages_report_keys_fields_and_currency() {
        let page = |body: &'static str| {
            let request = crate::transport::Request::get("/v1/company/employees", Vec::new());
            let (records, _) =
                super::super::employee_wire::parse_employees(body.as_bytes(), &request, false)
                    .unwrap();
            Observed::of(&records)
        };
        let mut observed = page(
            r#"{"success": true, "data": [{"type": "Employee", "attributes": {
                "supervisor": {"label": "Supervisor", "value": {"type": "Employee", "attributes": {
                    "id": {"label": "ID", "value": 2},
                    "email": {"label": "Email", "value": "b@x.de", "type": "standard", "universal_id": "email"}}}},
                "pay": {"label": "Pay", "value": 10, "currency": "EUR"}}}]}"#,
        );
        observed.merge(&page(
            r#"{"success": true, "data": [{"type": "Employee", "attributes": {
                "supervisor": {"label": "Supervisor", "value": {"type": "Employee", "attributes": {
                    "id": {"label": "ID", "value": 3}, "nick": {"label": "Nick", "value": "Bo"}}}},
                "pay": {"label": "Pay", "value": 12.5}}}]}"#,
        ));
        let supervisor = observed.get("supervisor").unwrap();
        assert!(supervisor.shapes.only_entities());
        let fields: Vec<(&str, Kind)> = supervisor
            .fields
            .iter()
            .map(|(name, shapes)| (name.as_str(), shapes.kind()))
            .collect();
        assert_eq!(
            fields,
            [
                ("email", Kind::Utf8),
                ("id", Kind::Int64),
                ("nick", Kind::Utf8)
            ]
        );
        let pay = observed.get("pay").unwrap();
        assert!(pay.currency);
        assert_eq!(pay.shapes.kind(), Kind::Float64);
        let keys: Vec<&str> = observed.iter().map(|(key, _)| key).collect();
        assert_eq!(keys, ["pay", "supervisor"]);
    }
}
