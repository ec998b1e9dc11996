//! A v1 report page read straight from its text: `data[0].attributes.items`, each item's
//! employee id and cells, without a `serde_json::Value` tree of the page. A cell keeps
//! its keys borrowed from the body and only its values as `Value`s.
//!
//! The reading is as lenient as the page's shape allows: an item that is no object has
//! no id and no cells, a cell that is no object is skipped, and an item whose cell list
//! is no list has no cells. A page whose `data` is not a list starting with a report
//! (`{"attributes": {"items": [...]}}`) is no report page; an empty `data` is a page
//! past the end.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::borrowed_key::Key;

/// A report cell: Personio's attribute object (`{"attribute_id", "value", ...}`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReportCell<'a> {
    fields: Vec<(Cow<'a, str>, Value)>,
}

impl ReportCell<'_> {
    /// The field `key`; of a key sent twice, the last, as a JSON object reads.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }
}

impl<'de> Deserialize<'de> for ReportCell<'de> {
    fn deserialize<D: Deserializer<'de>>(reader: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = ReportCell<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a report cell")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReportCell<'de>, A::Error> {
                let mut fields = Vec::new();
                while let Some((key, value)) = map.next_entry::<Key<'de>, Value>()? {
                    fields.push((key.0, value));
                }
                Ok(ReportCell { fields })
            }
        }
        reader.deserialize_map(Fields)
    }
}

/// One item of a page: an employee (or, in a historical report, their history).
#[derive(Debug, Default)]
pub struct WireItem<'a> {
    /// `employee_id`, as sent.
    pub employee_id: Option<Value>,
    /// The cells of `attributes` (or `historical_attributes`).
    pub cells: Vec<ReportCell<'a>>,
}

/// What a page body holds for the reader.
#[derive(Debug, Default)]
pub struct WirePage<'a> {
    /// `metadata` (the totals).
    pub metadata: Option<Value>,
    /// `data[0].attributes.items`, empty for an empty `data`; `None` when the body is
    /// not a report page.
    pub items: Option<Vec<WireItem<'a>>>,
}

/// Reads a page body; `historical` reads each item's `historical_attributes`, else its
/// `attributes`. An error only for a body that is not JSON.
pub fn read_page(body: &[u8], historical: bool) -> serde_json::Result<WirePage<'_>> {
    let mut reader = serde_json::Deserializer::from_slice(body);
    let page = Lenient(PageShape { historical }).deserialize(&mut reader)?;
    reader.end()?;
    Ok(page)
}

/// How one JSON value is read where its shape may be wrong: as an object, as a list,
/// or (anything else) as what a wrong shape gives.
trait Shape<'de>: Sized {
    type Out;

    /// What a value of a wrong shape gives.
    fn wrong(self) -> Self::Out;

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Out, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(self.wrong())
    }

    fn list<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Out, A::Error> {
        while items.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.wrong())
    }
}

/// Reads one value by its [`Shape`], whatever it turns out to be.
struct Lenient<S>(S);

impl<'de, S: Shape<'de>> DeserializeSeed<'de> for Lenient<S> {
    type Value = S::Out;

    fn deserialize<D: Deserializer<'de>>(self, reader: D) -> Result<S::Out, D::Error> {
        reader.deserialize_any(self)
    }
}

impl<'de, S: Shape<'de>> Visitor<'de> for Lenient<S> {
    type Value = S::Out;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S::Out, A::Error> {
        self.0.object(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, items: A) -> Result<S::Out, A::Error> {
        self.0.list(items)
    }

    fn visit_bool<E>(self, _: bool) -> Result<S::Out, E> {
        Ok(self.0.wrong())
    }

    fn visit_i64<E>(self, _: i64) -> Result<S::Out, E> {
        Ok(self.0.wrong())
    }

    fn visit_u64<E>(self, _: u64) -> Result<S::Out, E> {
        Ok(self.0.wrong())
    }

    fn visit_f64<E>(self, _: f64) -> Result<S::Out, E> {
        Ok(self.0.wrong())
    }

    fn visit_str<E>(self, _: &str) -> Result<S::Out, E> {
        Ok(self.0.wrong())
    }

    fn visit_unit<E>(self) -> Result<S::Out, E> {
        Ok(self.0.wrong())
    }
}

/// The body: `{"metadata": ..., "data": [...]}`.
struct PageShape {
    historical: bool,
}

impl<'de> Shape<'de> for PageShape {
    type Out = WirePage<'de>;

    fn wrong(self) -> WirePage<'de> {
        WirePage::default()
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<WirePage<'de>, A::Error> {
        let mut page = WirePage::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "metadata" => page.metadata = Some(map.next_value()?),
                "data" => {
                    let historical = self.historical;
                    page.items = map.next_value_seed(Lenient(DataShape { historical }))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(page)
    }
}

/// `data`: a list whose first element is the report; empty past the end.
struct DataShape {
    historical: bool,
}

impl<'de> Shape<'de> for DataShape {
    type Out = Option<Vec<WireItem<'de>>>;

    fn wrong(self) -> Self::Out {
        None
    }

    fn list<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Out, A::Error> {
        let historical = self.historical;
        let first = items.next_element_seed(Lenient(ReportShape {
            historical,
            level: ReportLevel::Report,
        }))?;
        while items.next_element::<IgnoredAny>()?.is_some() {}
        Ok(first.unwrap_or(Some(Vec::new())))
    }
}

/// Where in `{"attributes": {"items": [...]}}` a reader is.
#[derive(Clone, Copy)]
enum ReportLevel {
    Report,
    Attributes,
}

/// The report object down to its `items`.
struct ReportShape {
    historical: bool,
    level: ReportLevel,
}

impl<'de> Shape<'de> for ReportShape {
    type Out = Option<Vec<WireItem<'de>>>;

    fn wrong(self) -> Self::Out {
        None
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Out, A::Error> {
        let (wanted, inner) = match self.level {
            ReportLevel::Report => ("attributes", Some(ReportLevel::Attributes)),
            ReportLevel::Attributes => ("items", None),
        };
        let historical = self.historical;
        let mut found = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.0 != wanted {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            found = match inner {
                Some(level) => map.next_value_seed(Lenient(ReportShape { historical, level }))?,
                None => map.next_value_seed(Lenient(ItemsShape { historical }))?,
            };
        }
        Ok(found)
    }
}

/// `items`: a list of items.
struct ItemsShape {
    historical: bool,
}

impl<'de> Shape<'de> for ItemsShape {
    type Out = Option<Vec<WireItem<'de>>>;

    fn wrong(self) -> Self::Out {
        None
    }

    fn list<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Out, A::Error> {
        let mut read = Vec::new();
        let historical = self.historical;
        while let Some(item) = items.next_element_seed(Lenient(ItemShape { historical }))? {
            read.push(item);
        }
        Ok(Some(read))
    }
}

/// One item: `employee_id` and the cell list.
struct ItemShape {
    historical: bool,
}

impl<'de> Shape<'de> for ItemShape {
    type Out = WireItem<'de>;

    fn wrong(self) -> WireItem<'de> {
        WireItem::default()
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<WireItem<'de>, A::Error> {
        let cells_key = if self.historical {
            "historical_attributes"
        } else {
            "attributes"
        };
        let mut item = WireItem::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.0 == "employee_id" {
                item.employee_id = Some(map.next_value()?);
            } else if key.0 == cells_key {
                item.cells = map.next_value_seed(Lenient(CellsShape))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(item)
    }
}

/// An item's cell list: the cells that are objects.
struct CellsShape;

impl<'de> Shape<'de> for CellsShape {
    type Out = Vec<ReportCell<'de>>;

    fn wrong(self) -> Self::Out {
        Vec::new()
    }

    fn list<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Out, A::Error> {
        let mut cells = Vec::new();
        while let Some(cell) = items.next_element_seed(Lenient(CellShape))? {
            cells.extend(cell);
        }
        Ok(cells)
    }
}

/// One cell, if it is an object.
struct CellShape;

impl<'de> Shape<'de> for CellShape {
    type Out = Option<ReportCell<'de>>;

    fn wrong(self) -> Self::Out {
        None
    }

    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Self::Out, A::Error> {
        ReportCell::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
}
