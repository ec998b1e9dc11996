//! One v2 report cell, decoded from its text without a `serde_json::Value` tree.
//!
//! A cell is `{"attribute_id": ..., "<kind>_value": {...}}`. It is read into a light
//! shape ([`Lite`]): keys borrowed from the body, and only scalars made into `Value`s,
//! the leaves a column reads. A cell that does not fit its column keeps its own text.
//! What counts as a value follows `arrow::parse::is_missing` throughout.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::borrowed_key::Key;
use crate::arrow::parse::is_blank;

/// What one cell holds.
#[derive(Debug, PartialEq)]
pub enum Decoded<'a> {
    /// Personio sent no value.
    Missing,
    /// One scalar (`string_value`, `numeric_value`, `percentage_value`, ...).
    Scalar(Value),
    /// The one option of `options_value`: its `key` and `value` (label), scalars where
    /// sent.
    Option {
        /// `key`, the option's id.
        key: Option<Value>,
        /// `value`, the option's label.
        label: Option<Value>,
    },
    /// A cell that is a bare string, number or boolean instead of an object: every
    /// column reading the cell reads it as it is.
    Bare(Value),
    /// Anything its column cannot read as a value (another attribute's cell, several
    /// values, a shape no column reads): the cell's text as sent.
    Misfit(&'a str),
}

/// Decodes the cell `text` of the column `column`.
pub fn decode<'a>(text: &'a RawValue, column: &str) -> Decoded<'a> {
    match serde_json::from_str::<Lite<'_>>(text.get()) {
        Ok(cell) => match read_cell(cell, column) {
            Some(decoded) => decoded,
            None => Decoded::Misfit(text.get()),
        },
        // Not reached for text the body's own reading accepted as JSON.
        Err(_) => Decoded::Misfit(text.get()),
    }
}

/// The cell's value; `None` for a misfit.
fn read_cell(cell: Lite<'_>, column: &str) -> Option<Decoded<'static>> {
    let fields = match cell {
        Lite::Object(fields) => fields,
        Lite::Null => return Some(Decoded::Missing),
        Lite::List(_) => return None,
        bare => return bare.into_scalar().map(Decoded::Bare),
    };
    let mut carried = None;
    let mut count = 0;
    for (key, value) in fields {
        if key == "attribute_id" {
            match value {
                Lite::Text(id) if id == column => continue,
                _ => return None,
            }
        }
        if value.holds_a_value() {
            count += 1;
            carried = Some((key, value));
        }
    }
    let (key, value) = match (carried, count) {
        (None, _) => return Some(Decoded::Missing),
        (Some((key, value)), 1) if key.ends_with("_value") => (key, value),
        _ => return None,
    };
    if key == "options_value" {
        return one_option(value);
    }
    match value {
        // `{"value": x}`, `{"number": x}`: one present scalar is the value.
        Lite::Object(inner) => {
            let mut present = inner.into_iter().filter(|(_, v)| v.holds_a_value());
            match (present.next(), present.next()) {
                (Some((_, scalar)), None) => scalar.into_scalar().map(Decoded::Scalar),
                _ => None,
            }
        }
        scalar => scalar.into_scalar().map(Decoded::Scalar),
    }
}

/// `{"options": [{"key": ..., "value": ...}]}`: exactly one option, of those two keys
/// only. A key or label holding a list or object makes the cell a misfit.
fn one_option(value: Lite<'_>) -> Option<Decoded<'static>> {
    let Lite::Object(fields) = value else {
        return None;
    };
    let (_, options) = fields.into_iter().find(|(key, _)| key == "options")?;
    let Lite::List(mut options) = options else {
        return None;
    };
    let (Some(Lite::Object(option)), None) = (options.pop(), options.pop()) else {
        return None;
    };
    let (mut key, mut label) = (None, None);
    for (name, value) in option {
        let value = match value {
            Lite::List(_) | Lite::Object(_) if value.holds_a_value() => return None,
            leaf => leaf.into_scalar(),
        };
        match name.as_ref() {
            "key" => key = value,
            "value" => label = value,
            _ => return None,
        }
    }
    Some(Decoded::Option { key, label })
}

/// A JSON value as far as a cell needs it: keys borrowed from the body, scalars as
/// values.
enum Lite<'a> {
    Null,
    /// A string, borrowed where it has no escapes: most are compared or dropped.
    Text(Cow<'a, str>),
    /// A number or a boolean.
    Scalar(Value),
    List(Vec<Lite<'a>>),
    Object(Vec<(Cow<'a, str>, Lite<'a>)>),
}

impl Lite<'_> {
    /// The value of a string, number or boolean; `None` for anything else.
    fn into_scalar(self) -> Option<Value> {
        match self {
            Lite::Text(text) => Some(Value::String(text.into_owned())),
            Lite::Scalar(value) => Some(value),
            Lite::Null | Lite::List(_) | Lite::Object(_) => None,
        }
    }

    /// Whether it holds a value (`arrow::parse::is_missing`'s meaning).
    fn holds_a_value(&self) -> bool {
        match self {
            Lite::Null => false,
            Lite::Text(text) => !is_blank(text),
            Lite::Scalar(_) => true,
            Lite::List(items) => items.iter().any(Lite::holds_a_value),
            Lite::Object(fields) => fields.iter().any(|(_, value)| value.holds_a_value()),
        }
    }
}

impl<'de> Deserialize<'de> for Lite<'de> {
    fn deserialize<D: Deserializer<'de>>(reader: D) -> Result<Self, D::Error> {
        reader.deserialize_any(LiteVisitor)
    }
}

struct LiteVisitor;

impl<'de> Visitor<'de> for LiteVisitor {
    type Value = Lite<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Lite<'de>, E> {
        Ok(Lite::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Lite<'de>, E> {
        Ok(Lite::Scalar(Value::Bool(value)))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Lite<'de>, E> {
        Ok(Lite::Scalar(Value::from(value)))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Lite<'de>, E> {
        Ok(Lite::Scalar(Value::from(value)))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Lite<'de>, E> {
        Ok(Lite::Scalar(Value::from(value)))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Lite<'de>, E> {
        Ok(Lite::Text(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Lite<'de>, E> {
        Ok(Lite::Text(Cow::Owned(value.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Lite<'de>, A::Error> {
        let mut list = Vec::new();
        while let Some(item) = items.next_element::<Lite<'de>>()? {
            list.push(item);
        }
        Ok(Lite::List(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Lite<'de>, A::Error> {
        let mut fields = Vec::new();
        while let Some((key, value)) = entries.next_entry::<Key<'de>, Lite<'de>>()? {
            fields.push((key.0, value));
        }
        Ok(Lite::Object(fields))
    }
}
