//! Small JSON-writing helpers.
//!
//! The fake writes most bodies by hand into a `String`: employee records are assembled
//! from pre-serialised fragments, which is much faster than building `serde_json::Value`
//! trees for every page, and it keeps full control over the exact wire shape.

use std::fmt::Write;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Appends `s` as a JSON string literal. Non-ASCII characters are written as UTF-8, as
/// Personio does; only quotes, backslashes and control characters are escaped.
pub(crate) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    // Fast path: almost every string needs no escaping.
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends an optional string: `null` when absent.
pub(crate) fn push_opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_str(out, s),
        None => out.push_str("null"),
    }
}

/// Appends a number the way a JSON encoder would: `40` for 40.0, `37.5` for 37.5.
pub(crate) fn push_num(out: &mut String, n: f64) {
    debug_assert!(n.is_finite());
    let _ = write!(out, "{n}");
}

/// A response with a JSON body and `content-type: application/json`.
pub(crate) fn response(status: StatusCode, body: String) -> Response {
    streamed_response(status, axum::body::Body::from(body))
}

/// A response with a JSON `body` sent as it is produced (no `Content-Length`).
pub(crate) fn streamed_response(status: StatusCode, body: axum::body::Body) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_serde_json() {
        for s in ["plain", "Zoë \"Z\" O'Brien", "a\\b\nc\td\u{1}", "王伟 🚀"] {
            let mut out = String::new();
            push_str(&mut out, s);
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn numbers_drop_a_zero_fraction() {
        let mut out = String::new();
        push_num(&mut out, 40.0);
        out.push(' ');
        push_num(&mut out, 37.5);
        assert_eq!(out, "40 37.5");
    }
}
