//! The `attributes` of a v1 record (attendances, time-offs, hourly absence periods),
//! where v1 keeps every value of a record but its id.

use std::borrow::Cow;

use serde_json::Value;

use crate::arrow::Cell;

/// A record's `attributes`; none when the record has none.
#[derive(Clone, Copy)]
pub struct Attributes<'a>(Option<&'a Value>);

impl<'a> Attributes<'a> {
    /// The attributes of `record`.
    pub fn of(record: &'a Value) -> Attributes<'a> {
        Attributes(record.get("attributes"))
    }

    /// The value at `pointer`, e.g. `/project/id`.
    pub fn get(&self, pointer: &str) -> Cell<'a> {
        self.0.and_then(|a| a.pointer(pointer)).map(Cow::Borrowed)
    }

    /// `status` upper-cased, as v2 writes it (`confirmed` is `CONFIRMED`); a status
    /// that is not text is kept as sent.
    pub fn status(&self) -> Cell<'a> {
        self.get("/status").map(|status| match status.as_str() {
            Some(text) => Cow::Owned(Value::from(text.to_uppercase())),
            None => status,
        })
    }
}
