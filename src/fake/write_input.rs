//! What the v1 writes take and how they refuse it: a request body as JSON or as a form
//! (`employee[first_name]=..` nests like JSON), and Personio's validation error, a
//! 422 naming each field (the Laravel shape of the spec's document upload:
//! `{"success":false,"error":{"code":..,"message":..,"error_data":{field:[..]}}}`).

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use super::call::Call;
use super::errors::V1Error;
use super::json;

/// The body of a write that needs `scope`, as a JSON object.
pub(crate) fn write_body(
    call: &Call,
    scope: &str,
    body: &Bytes,
) -> Result<Map<String, Value>, V1Error> {
    call.grant.require(scope)?;
    body_object(&call.headers, body)
}

/// The body as a JSON object, read by its `Content-Type`.
pub(crate) fn body_object(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Map<String, Value>, V1Error> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let value = if media.starts_with("application/x-www-form-urlencoded") {
        Some(form_object(body))
    } else {
        serde_json::from_slice(body).ok()
    };
    match value {
        Some(Value::Object(object)) => Ok(object),
        _ => Err(V1Error::new(StatusCode::BAD_REQUEST, "Bad Request")),
    }
}

/// `a[b]=x&c=y` as `{"a":{"b":"x"},"c":"y"}`; every value is text, as forms carry it.
fn form_object(body: &[u8]) -> Value {
    let mut root = Map::new();
    for (key, value) in url::form_urlencoded::parse(body) {
        let path: Vec<&str> = key
            .split('[')
            .map(|part| part.trim_end_matches(']'))
            .collect();
        put(&mut root, &path, Value::String(value.into_owned()));
    }
    Value::Object(root)
}

/// Puts `value` at `path` in `object`, making the objects on the way.
fn put(object: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            object.insert((*last).to_owned(), value);
        }
        [first, rest @ ..] => {
            let inner = object
                .entry((*first).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = inner {
                put(inner, rest, value);
            }
        }
    }
}

/// Field errors found in one request, answered together.
#[derive(Default)]
pub(crate) struct Invalid {
    fields: Map<String, Value>,
}

impl Invalid {
    pub(crate) fn add(&mut self, field: &str, message: impl Into<String>) {
        let messages = self
            .fields
            .entry(field.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = messages {
            list.push(Value::String(message.into()));
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The 422, with `code` as the endpoint's spec writes it (0 or 422).
    pub(crate) fn response(self, code: i64, message: &str) -> Response {
        let body = json!({
            "success": false,
            "error": {"code": code, "message": message, "error_data": self.fields},
        });
        json::response(StatusCode::UNPROCESSABLE_ENTITY, body.to_string())
    }

    /// The text at `field` of `object`; a number or boolean counts as its text (forms
    /// send everything as text). Records an error when required and missing.
    pub(crate) fn text(
        &mut self,
        object: &Map<String, Value>,
        field: &str,
        required: bool,
    ) -> Option<String> {
        match object.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => Some(v.to_string()),
            None | Some(Value::Null) | Some(Value::String(_)) => {
                if required {
                    self.add(field, format!("The {field} field is required."));
                }
                None
            }
            Some(_) => {
                self.add(field, format!("The {field} must be a string."));
                None
            }
        }
    }

    /// A `YYYY-MM-DD` date at `field`.
    pub(crate) fn date(
        &mut self,
        object: &Map<String, Value>,
        field: &str,
        required: bool,
    ) -> Option<NaiveDate> {
        let text = self.text(object, field, required)?;
        let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
        if date.is_none() {
            self.add(
                field,
                format!("The {field} does not match the format Y-m-d."),
            );
        }
        date
    }

    /// An integer at `field` (a number, or text of one).
    pub(crate) fn integer(
        &mut self,
        object: &Map<String, Value>,
        field: &str,
        required: bool,
    ) -> Option<i64> {
        let text = self.text(object, field, required)?;
        let number = text.parse::<i64>().ok();
        if number.is_none() {
            self.add(field, format!("The {field} must be an integer."));
        }
        number
    }

    /// A boolean at `field` as Laravel's rule takes it: `true`/`false` as JSON, `1`/`0`
    /// as a number or text. A form's `true` is text, and refused.
    pub(crate) fn boolean(
        &mut self,
        object: &Map<String, Value>,
        field: &str,
        required: bool,
    ) -> Option<bool> {
        let flag = match object.get(field) {
            None | Some(Value::Null) => {
                if required {
                    self.add(field, format!("The {field} field is required."));
                }
                return None;
            }
            Some(Value::Bool(flag)) => Some(*flag),
            Some(value) => match value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned)
                .as_str()
            {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            },
        };
        if flag.is_none() {
            self.add(field, format!("The {field} field must be true or false."));
        }
        flag
    }
}

impl IntoResponse for Invalid {
    fn into_response(self) -> Response {
        self.response(0, "The given data failed to pass validation.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_nest_like_json_and_booleans_are_laravels() {
        let form = form_object(
            b"employee%5Bfirst_name%5D=Ada&employee%5Bemail%5D=a%40b.c&flag=1&word=true",
        );
        assert_eq!(
            form,
            json!({"employee": {"first_name": "Ada", "email": "a@b.c"}, "flag": "1", "word": "true"})
        );
        let Value::Object(form) = form else {
            unreachable!()
        };
        let mut invalid = Invalid::default();
        assert_eq!(invalid.boolean(&form, "flag", true), Some(true));
        assert!(invalid.is_empty());
        assert_eq!(invalid.boolean(&form, "word", true), None);
        assert_eq!(invalid.boolean(&form, "missing", true), None);
        let answer = serde_json::to_value(&invalid.fields).unwrap();
        assert_eq!(
            answer,
            json!({"word": ["The word field must be true or false."],
                   "missing": ["The missing field is required."]})
        );
    }
}
