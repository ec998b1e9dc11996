//! Personio's error bodies, written exactly as the wire carries them.
//!
//! v1 routes answer `{"success":false,"error":{"code":<status>,"message":".."}}` (the
//! spec's `ErrorResponse`); v1 custom-report routes answer a top-level JSON array (the
//! spec's `PublicAPIException`); the v2 token endpoint answers in the OAuth problem shape
//! of the developer hub (`error`, `error_description`, `error_uri`, `timestamp`,
//! `trace_id`, `meta`); other v2 routes answer problem+json (`personio_trace_id`,
//! `timestamp`, `errors[{title,detail,type,_meta}]`), except the v2 Report API's own
//! 400s ([`ReportApiError`], observed).

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::rngs::SmallRng;
use rand::SeedableRng;

use super::{auth, json};

/// Where the `type` URLs of v2 errors point.
const V2_ERROR_DOCS: &str = "https://developer.personio.de/v2.0/page/public-api-error-codes#";

/// The spec's own 404 message for an unknown employee, trailing space included.
pub(crate) const EMPLOYEE_NOT_FOUND: &str = "Es ist ein Problem aufgetreten ";

/// A v1 error response: `{"success":false,"error":{"code":..,"message":..}}`, the code
/// being the HTTP status.
pub(crate) fn v1(status: StatusCode, message: &str) -> Response {
    v1_with_code(status, status.as_u16().into(), message)
}

/// A v1 error response whose `code` is not the HTTP status (observed: a wrong
/// `/v1/auth` secret answers 403 with `"code":0`).
pub(crate) fn v1_with_code(status: StatusCode, code: i64, message: &str) -> Response {
    let mut body = String::with_capacity(64 + message.len());
    body.push_str(r#"{"success":false,"error":{"code":"#);
    body.push_str(&code.to_string());
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

/// A fresh random trace id (32 hex characters), as every Personio error carries.
pub(crate) fn trace_id() -> String {
    auth::random_hex(&mut SmallRng::seed_from_u64(auth::entropy()), 16)
}

fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A v1 custom-report error: a top-level array with one `CustomReportsErrorResponse`,
/// `[{"status","trace_id","timestamp","errors":[{"title","details","type","_meta":[]}]}]`.
/// `meta` holds `(field, description)` pairs (the spec's `ErrorMeta`).
pub(crate) struct ReportError {
    status: StatusCode,
    details: Cow<'static, str>,
    kind: &'static str,
    meta: Vec<(&'static str, String)>,
}

impl ReportError {
    /// 404 "Report not found".
    pub(crate) fn not_found() -> ReportError {
        ReportError {
            status: StatusCode::NOT_FOUND,
            details: "Report not found".into(),
            kind: "search",
            meta: Vec::new(),
        }
    }

    /// 400 about one query parameter.
    pub(crate) fn bad_param(field: &'static str, description: impl Into<String>) -> ReportError {
        let description = description.into();
        ReportError {
            status: StatusCode::BAD_REQUEST,
            details: format!("Invalid parameter {field}").into(),
            kind: "validation",
            meta: vec![(field, description)],
        }
    }

    /// 403 for a token without `scope`.
    pub(crate) fn missing_scope(scope: &str) -> ReportError {
        ReportError {
            status: StatusCode::FORBIDDEN,
            details: format!("The API credential is missing the scope {scope}").into(),
            kind: "authorization",
            meta: Vec::new(),
        }
    }
}

impl IntoResponse for ReportError {
    fn into_response(self) -> Response {
        let meta: Vec<serde_json::Value> = self
            .meta
            .iter()
            .map(|(f, d)| serde_json::json!({"field": f, "description": d}))
            .collect();
        let body = serde_json::json!([{
            "status": self.status.as_u16(),
            "trace_id": trace_id(),
            "timestamp": now_utc(),
            "errors": [{
                "title": self.status.canonical_reason().unwrap_or("Error"),
                "details": self.details,
                "type": self.kind,
                "_meta": meta,
            }],
        }]);
        json::response(self.status, body.to_string())
    }
}

/// A v2 resource error (`application/problem+json`), e.g. 400 `common.bad_request`.
pub(crate) struct V2Error {
    status: StatusCode,
    title: Cow<'static, str>,
    detail: Cow<'static, str>,
    /// The anchor of the `type` URL, e.g. `common.bad_request`.
    code: &'static str,
}

impl V2Error {
    pub(crate) fn new(
        status: StatusCode,
        title: impl Into<Cow<'static, str>>,
        detail: impl Into<Cow<'static, str>>,
        code: &'static str,
    ) -> V2Error {
        V2Error {
            status,
            title: title.into(),
            detail: detail.into(),
            code,
        }
    }

    /// 400 `common.bad_request`.
    pub(crate) fn bad_request(detail: impl Into<Cow<'static, str>>) -> V2Error {
        V2Error::new(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            detail,
            "common.bad_request",
        )
    }
}

impl IntoResponse for V2Error {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "personio_trace_id": trace_id(),
            "timestamp": now_utc(),
            "errors": [{
                "title": self.title,
                "detail": self.detail,
                "type": format!("{V2_ERROR_DOCS}{}", self.code),
                "_meta": {},
            }],
        });
        let mut resp = json::response(self.status, body.to_string());
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        resp
    }
}

/// An error of the v2 Report API (`/v2/reports...`). Real accounts answer each of the
/// first three with HTTP 400 and a body of its own (observed, OBSERVED.md); the rest
/// (a bad `limit` or cursor) is the problem+json of other v2 routes (assumed).
pub(crate) enum ReportApiError {
    /// An unknown report id, or a report not enabled for API access:
    /// `{"errors":[{"status":"400","id":"<uuid>","title":"Bad Request",
    /// "detail":"Report with id <id> not found."}]}`.
    NotFound(String),
    /// `{"error":{"message":..}}`: "Unsupported nested type: null" for a grouped or
    /// chart report, "Unauthorized token" without the reports scope.
    Message(&'static str),
    /// Any other error, as problem+json.
    Problem(V2Error),
}

impl From<V2Error> for ReportApiError {
    fn from(e: V2Error) -> Self {
        ReportApiError::Problem(e)
    }
}

/// A random version-4 UUID, as the `id` of a JSON:API error.
fn random_uuid() -> String {
    let h = trace_id();
    let variant = ["8", "9", "a", "b"][usize::from(h.as_bytes()[16] % 4)];
    format!(
        "{}-{}-4{}-{variant}{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

impl IntoResponse for ReportApiError {
    fn into_response(self) -> Response {
        let body = match self {
            ReportApiError::NotFound(id) => serde_json::json!({"errors": [{
                "status": "400",
                "id": random_uuid(),
                "title": "Bad Request",
                "detail": format!("Report with id {id} not found."),
            }]}),
            ReportApiError::Message(message) => {
                serde_json::json!({"error": {"message": message}})
            }
            ReportApiError::Problem(e) => return e.into_response(),
        };
        json::response(StatusCode::BAD_REQUEST, body.to_string())
    }
}

/// A gateway-level error (401, 429, 503) in the shape of the route's API version: v2
/// problem+json under `/v2/`, the v1 body elsewhere (custom-report routes included:
/// the gateway answers before the report service).
pub(crate) fn gateway(path: &str, status: StatusCode, message: &str) -> Response {
    if !path.starts_with("/v2/") {
        return v1(status, message);
    }
    let code = match status {
        StatusCode::UNAUTHORIZED => "common.unauthorized",
        StatusCode::TOO_MANY_REQUESTS => "common.too_many_requests",
        _ => "common.service_unavailable",
    };
    let title = status.canonical_reason().unwrap_or("Error");
    V2Error::new(status, title, message.to_owned(), code).into_response()
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
