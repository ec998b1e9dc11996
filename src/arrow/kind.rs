//! The Arrow types a Personio value can become.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields, TimeUnit};

/// The type of one output column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `int64`: ids and `integer` attributes.
    Int64,
    /// `float64`: decimals, money, hours.
    Float64,
    /// `float64` hours read from `HH:MM` strings (`"07:30"` is 7.5) or numbers.
    Hours,
    /// `bool`.
    Bool,
    /// `string`: text, links, multiline.
    Utf8,
    /// `date32`: the calendar date as written.
    Date32,
    /// `date32` from a plain `YYYY-MM-DD` only: a value with a time of day does not
    /// parse, so that no time is dropped where a column was seen to hold dates.
    PlainDate,
    /// `timestamp[us, UTC]`: instants.
    TimestampUtc,
    /// `timestamp[us]` without a zone: a wall-clock date-time as written, in the
    /// company's local time (attendance starts and ends), never shifted.
    LocalTimestamp,
    /// `dictionary<int32, string>`: `list` attributes (one choice of a few).
    Dictionary,
    /// `list<string>`: tags.
    StringList,
    /// `list<struct<...>>`: lists of entities such as cost centers. Element fields live
    /// under the element's `attributes` object when it has one.
    StructList(Vec<(String, Kind)>),
}

impl Kind {
    /// The Arrow type of this kind.
    pub fn data_type(&self) -> DataType {
        match self {
            Kind::Int64 => DataType::Int64,
            Kind::Float64 | Kind::Hours => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::Utf8 => DataType::Utf8,
            Kind::Date32 | Kind::PlainDate => DataType::Date32,
            Kind::TimestampUtc => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            Kind::LocalTimestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            Kind::Dictionary => {
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
            }
            Kind::StringList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            Kind::StructList(fields) => DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(struct_fields(fields)),
                true,
            ))),
        }
    }
}

/// The Arrow fields of a struct kind's members.
pub fn struct_fields(fields: &[(String, Kind)]) -> Fields {
    fields
        .iter()
        .map(|(name, kind)| Field::new(name, kind.data_type(), true))
        .collect()
}
