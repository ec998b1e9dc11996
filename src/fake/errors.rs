//! Personio's error bodies, written exactly as the wire carries them.
//!
//! v1 routes answer `{"success":false,"error":{"code":<status>,"message":".."}}` (the
//! spec's `ErrorResponse`); the v2 token endpoint answers in the OAuth problem shape of
//! the developer hub (`error`, `error_description`, `error_uri`, `timestamp`, `trace_id`,
//! `meta`).

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::json;

/// The spec's own 404 message for an unknown employee, trailing space included.
pub(crate) const EMPLOYEE_NOT_FOUND: &str = "Es ist ein Problem aufgetreten ";

/// A v1 error response: `{"success":false,"error":{"code":..,"message":..}}`.
pub(crate) fn v1(status: StatusCode, message: &str) -> Response {
    let mut body = String::with_capacity(64 + message.len());
    body.push_str(r#"{"success":false,"error":{"code":"#);
    body.push_str(status.as_str());
    body.push_str(r#","message":"#);
    json::push_str(&mut body, message);
    body.push_str("}}");
    json::response(status, body)
}

/// A v1 error as a value, so handlers can use `?` (a `Response` is too large for a
/// `Result` error).
pub(crate) struct V1Error {
    status: StatusCode,
    message: Cow<'static, str>,
}

impl V1Error {
    pub(crate) fn new(status: StatusCode, message: impl Into<Cow<'static, str>>) -> V1Error {
        V1Error {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for V1Error {
    fn into_response(self) -> Response {
        v1(self.status, &self.message)
    }
}

/// A v2 OAuth error (`POST /v2/auth/token`), e.g. `invalid_client`.
pub(crate) fn oauth(
    status: StatusCode,
    error: &str,
    description: &str,
    trace_id: &str,
) -> Response {
    let body = serde_json::json!({
        "error": error,
        "error_description": description,
        "error_uri": format!(
            "https://developer.personio.de/reference/errors#credentials.oauth2.{error}"
        ),
        "timestamp": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "trace_id": trace_id,
        "meta": {},
    });
    json::response(status, body.to_string())
}

/// Fallback for paths the fake (and Personio) does not serve.
pub(crate) async fn not_found() -> Response {
    v1(StatusCode::NOT_FOUND, "Not Found")
}

/// Fallback for a known path called with the wrong method; keeps the body JSON.
pub(crate) async fn method_not_allowed() -> Response {
    v1(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn v1_body_has_the_spec_shape() {
        let resp = v1(StatusCode::UNAUTHORIZED, "Authorization is not provided");
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"success": false, "error": {"code": 401, "message": "Authorization is not provided"}})
        );
    }
}
