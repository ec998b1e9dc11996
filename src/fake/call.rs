//! What a data handler reads of every request: its company's state, the caller's grant
//! (put there by `auth::require_token`), the headers and the raw query, taken as one
//! extractor so that handlers name only what sets them apart.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::auth::Grant;
use super::AppState;

/// One request to a data route.
pub(crate) struct Call {
    /// The state of the company the caller's credential reaches: a handler reads and
    /// writes no other.
    pub(crate) state: Arc<AppState>,
    pub(crate) grant: Grant,
    pub(crate) headers: HeaderMap,
    /// The query string as sent, undecoded; `None` without one.
    pub(crate) query: Option<String>,
}

impl FromRequestParts<Arc<AppState>> for Call {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Call, Response> {
        let Extension(grant) = Extension::<Grant>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Call {
            state: state.of_company(grant.credential.company),
            grant,
            headers: parts.headers.clone(),
            query: parts.uri.query().map(str::to_owned),
        })
    }
}
