//! The one error type of the crate. Each variant maps 1:1 to a Python exception.

/// What Personio (or the network) told us when a call failed.
///
/// Never holds a secret or a token: messages come from Personio's error bodies or
/// from our own wording, and request URLs carry no credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiFailure {
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// Personio's trace id, when the body or headers carried one.
    pub trace_id: Option<String>,
    /// Personio's message, or ours when Personio gave none.
    pub message: String,
    /// The endpoint, e.g. `GET /v1/company/employees`.
    pub endpoint: String,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        match (self.status, self.endpoint.is_empty()) {
            (Some(status), false) => write!(f, " (HTTP {status} from {})", self.endpoint)?,
            (Some(status), true) => write!(f, " (HTTP {status})")?,
            (None, false) => write!(f, " ({})", self.endpoint)?,
            (None, true) => {}
        }
        if let Some(trace_id) = &self.trace_id {
            write!(f, " [trace id {trace_id}]")?;
        }
        Ok(())
    }
}

/// Every way a call can fail.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The credentials were refused.
    #[error("authentication failed: {0}")]
    Authentication(ApiFailure),
    /// The credential lacks a scope or may not read what was asked.
    #[error("permission denied: {0}")]
    PermissionDenied(ApiFailure),
    /// The thing asked for does not exist.
    #[error("not found: {0}")]
    NotFound(ApiFailure),
    /// Still rate limited after every retry, or the rate budget's wait would pass the
    /// call's deadline (then without a status: nothing was sent).
    #[error("rate limited: {0}")]
    RateLimit(ApiFailure),
    /// Personio failed (5xx) after every retry.
    #[error("server error: {0}")]
    Server(ApiFailure),
    /// Personio refused the request as malformed (a 4xx we have no better name for).
    #[error("request refused: {0}")]
    BadRequest(ApiFailure),
    /// Personio refused what a write sent (its 400 or 422): the message names the
    /// fields.
    #[error("invalid data: {0}")]
    Validation(ApiFailure),
    /// A body we cannot read: not JSON, or not the shape the endpoint documents.
    #[error("invalid response: {0}")]
    InvalidResponse(ApiFailure),
    /// The network failed (connection refused or reset, timeout) after every retry.
    #[error("network error: {0}")]
    Network(ApiFailure),
    /// A custom report is still updating (after the wait, if any) or its update failed.
    #[error("report not ready: {0}")]
    ReportNotReady(ApiFailure),
    /// Records kept moving between pages while a listing was read, pass after pass.
    #[error("listing changed: {0}")]
    ListingChanged(ApiFailure),
    /// A bad argument, found before any request was sent.
    #[error("{0}")]
    InvalidArgument(String),
    /// Writing an output file failed.
    #[error("{0}")]
    Io(String),
    /// A fault of this library (a bug): please report it.
    #[error("internal error in personio-arrow: {0}")]
    Internal(String),
}

/// The `ApiFailure` of an error (by reference or by mutable reference), for every
/// variant that came from a call.
macro_rules! failure_of {
    ($error:expr) => {
        match $error {
            Error::Authentication(f)
            | Error::PermissionDenied(f)
            | Error::NotFound(f)
            | Error::RateLimit(f)
            | Error::Server(f)
            | Error::BadRequest(f)
            | Error::Validation(f)
            | Error::InvalidResponse(f)
            | Error::Network(f)
            | Error::ReportNotReady(f)
            | Error::ListingChanged(f) => Some(f),
            Error::InvalidArgument(_) | Error::Io(_) | Error::Internal(_) => None,
        }
    };
}

impl Error {
    /// The failure details, for every variant that came from a call.
    pub fn failure(&self) -> Option<&ApiFailure> {
        failure_of!(self)
    }

    /// The failure details, to amend them.
    pub fn failure_mut(&mut self) -> Option<&mut ApiFailure> {
        failure_of!(self)
    }

    /// A body that does not have the shape `endpoint` documents.
    pub fn invalid_response(endpoint: &str, message: impl Into<String>) -> Error {
        Error::InvalidResponse(ApiFailure {
            status: None,
            trace_id: None,
            message: message.into(),
            endpoint: endpoint.to_string(),
        })
    }

    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::InvalidArgument(message.into())
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
