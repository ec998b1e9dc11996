//! The HTTP layer: the one request path below the tokens. Headers, retries, the rate
//! budget, redirects refused, bodies bounded, error bodies mapped and scrubbed.
//!
//! It attaches a bearer credential when an [`Authorizer`] hands it one and says when
//! Personio refused it, but knows nothing of how credentials are obtained: that is the
//! token layer's ([`crate::auth`]), which sends its own requests through this one.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, LOCATION, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

use crate::config::Config;
use crate::deadline;
use crate::error::{ApiFailure, Error, Result};
use crate::ratelimit::{backoff, OverDeadline, RateBudget};
use crate::redact::redact;
use crate::secret::Secret;

/// Sent with every request, so Personio can tell this client apart.
const USER_AGENT_VALUE: &str = concat!("personio-arrow/", env!("CARGO_PKG_VERSION"));
/// First wait before retrying a 5xx or a network failure.
const RETRY_BASE: Duration = Duration::from_millis(200);
/// How many secrets besides the client secret (the latest tokens) are scrubbed.
const CONCEALED_SECRETS: usize = 16;

/// A request body.
#[derive(Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json`.
    Json(Value),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
}

/// One API call, described so that it can be sent again on retry.
#[derive(Clone)]
pub struct Request {
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL, e.g. `/v1/company/employees`.
    pub path: String,
    /// Query parameters, in order; a name may repeat (`attributes[]`).
    pub query: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// Whether sending it twice does no harm (reads, token requests), so that a reply
    /// lost on the way (a reset, a cut body, a timeout) may be asked for again.
    pub retry_safe: bool,
    /// The `Accept` header, where it is not JSON (a profile picture).
    pub accept: Option<&'static str>,
    /// Error statuses whose body is the answer rather than a failure (the attendance
    /// batch's 400 says, row by row, what was created).
    pub answered: &'static [StatusCode],
}

impl Request {
    /// A GET of `path` with `query`.
    pub fn get(path: impl Into<String>, query: Vec<(String, String)>) -> Request {
        Request {
            method: Method::GET,
            path: path.into(),
            query,
            body: Body::Empty,
            retry_safe: true,
            accept: None,
            answered: &[],
        }
    }

    /// A POST of `body` to `path`; retried only where it cannot have arrived, unless
    /// marked [`Request::retry_safe`].
    pub fn post(path: impl Into<String>, body: Body) -> Request {
        Request::write(Method::POST, path, body)
    }

    /// A write (`method` POST, PATCH or DELETE) of `body` to `path`: sent again only
    /// where it cannot have been applied (see [`Http::send`]).
    pub fn write(method: Method, path: impl Into<String>, body: Body) -> Request {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            body,
            retry_safe: false,
            accept: None,
            answered: &[],
        }
    }

    /// Reads the body of `statuses` as the answer (see [`Request::answered`]).
    pub fn answered_by(mut self, statuses: &'static [StatusCode]) -> Request {
        self.answered = statuses;
        self
    }

    /// Asks for `media` (an `Accept` header) instead of JSON.
    pub fn accepting(mut self, media: &'static str) -> Request {
        self.accept = Some(media);
        self
    }

    /// Marks a request that may be sent twice (a token request).
    pub fn retry_safe(mut self) -> Request {
        self.retry_safe = true;
        self
    }

    /// `GET /v1/company/employees`: how errors name the endpoint.
    pub fn endpoint(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// An [`Error::InvalidResponse`] naming this request's endpoint.
    pub fn invalid_response(&self, message: impl Into<String>) -> Error {
        Error::invalid_response(&self.endpoint(), message)
    }
}

/// A successful response (or one of the request's [`Request::answered`] statuses).
pub struct Response {
    /// The status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl Response {
    /// A response of `body` without headers (for feeding recorded bodies to parsers).
    pub fn of(body: Bytes) -> Response {
        Response {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body,
        }
    }

    /// The body as JSON, or [`Error::InvalidResponse`] naming the endpoint.
    pub fn json(&self, request: &Request) -> Result<Value> {
        serde_json::from_slice(&self.body)
            .map_err(|e| request.invalid_response(format!("the body is not valid JSON ({e})")))
    }
}

/// How each try of a request is authorized. The HTTP layer attaches the credential it is
/// handed and reports a refusal; obtaining, caching and renewing it is the caller's.
pub trait Authorizer {
    /// What one try carries; its text is sent as `Authorization: Bearer`.
    type Credential: AsRef<str>;

    /// The credential for the next try; `None` sends the request without one.
    async fn credential(&self) -> Result<Option<Self::Credential>>;

    /// Personio refused `credential` (401): the next one handed out should be new.
    async fn refused(&self, credential: &Self::Credential);
}

/// No credential: for the token requests, which carry the client secret in their body.
pub struct Anonymous;

impl Authorizer for Anonymous {
    type Credential = String;

    async fn credential(&self) -> Result<Option<String>> {
        Ok(None)
    }

    async fn refused(&self, _: &String) {}
}

/// HTTP client and configuration of one [`crate::Client`]; its rate budget is the
/// company's, shared with every other client of the credential ([`RateBudget`]).
#[derive(Debug)]
pub struct Http {
    /// The HTTP client and the process that built it: a forked child must not reuse the
    /// parent's pooled connections (both would read the same sockets), so it builds its own.
    http: std::sync::Mutex<(u32, reqwest::Client)>,
    headers: HeaderMap,
    config: Config,
    /// The latest tokens issued to this client, so that error text echoing any of them
    /// can be scrubbed (as it is of the client secret).
    concealed: std::sync::Mutex<Vec<Secret>>,
}

impl Http {
    /// Builds the HTTP client (rustls, HTTP/2 where offered, our headers).
    pub fn new(config: Config) -> Result<Http> {
        // reqwest is built without a default crypto provider; install ring once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in [
            ("x-personio-partner-id", &config.partner_id),
            ("x-personio-app-id", &config.app_id),
        ] {
            if let Some(value) = value {
                let value = HeaderValue::from_str(value)
                    .ok()
                    .filter(|_| value.is_ascii())
                    .ok_or_else(|| {
                        Error::invalid_argument(format!("{name} must be printable ASCII"))
                    })?;
                headers.insert(name, value);
            }
        }
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        let http = build_http(&config, &headers)?;
        Ok(Http {
            http: std::sync::Mutex::new((std::process::id(), http)),
            headers,
            config,
            concealed: std::sync::Mutex::default(),
        })
    }

    /// The HTTP client of this process (rebuilt once in a forked child).
    fn http(&self) -> Result<reqwest::Client> {
        let mut slot = self.http.lock().unwrap_or_else(|e| e.into_inner());
        let pid = std::process::id();
        if slot.0 != pid {
            *slot = (pid, build_http(&self.config, &self.headers)?);
        }
        Ok(slot.1.clone())
    }

    /// The configuration this HTTP layer was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Adds `secret` (a token issued to this client) to what server text is scrubbed of;
    /// the latest [`CONCEALED_SECRETS`] are kept.
    pub fn conceal(&self, secret: &Secret) {
        if let Ok(mut concealed) = self.concealed.lock() {
            if concealed.len() == CONCEALED_SECRETS {
                concealed.remove(0);
            }
            concealed.push(secret.clone());
        }
    }

    /// Sends `request` with the credential `authorizer` hands out for each try, and
    /// returns a 2xx response.
    ///
    /// Every try first takes a token from the company's budget for the request's
    /// endpoint group, and every answer feeds its rate-limit headers back. A 429 pauses
    /// the whole group and is retried for as long as the call's deadline allows (outside
    /// a call, `max_retries` times); server errors and lost replies are retried up to
    /// `max_retries` times where the request may be sent twice; a refused credential is
    /// renewed once on 401.
    pub async fn send<A: Authorizer>(&self, request: &Request, authorizer: &A) -> Result<Response> {
        self.send_to(request, authorizer, None).await
    }

    /// As [`send`](Self::send), but a 2xx body goes to `reader` piece by piece as it
    /// arrives instead of into the response (whose body is then empty). A try given up
    /// after some of its body was read, and tried again, starts with
    /// [`BodyReader::restart`].
    pub async fn send_reading<A: Authorizer>(
        &self,
        request: &Request,
        authorizer: &A,
        reader: &mut dyn BodyReader,
    ) -> Result<Response> {
        self.send_to(request, authorizer, Some(reader)).await
    }

    async fn send_to<A: Authorizer>(
        &self,
        request: &Request,
        authorizer: &A,
        mut reader: Option<&mut dyn BodyReader>,
    ) -> Result<Response> {
        let budget = RateBudget::shared(&self.config.base_url, &self.config.client_id);
        let mut attempt = 0u32;
        let mut renewed = false;
        loop {
            let credential = authorizer.credential().await?;
            let permit = budget
                .acquire(&request.path)
                .await
                .map_err(|over| over_deadline(request, &over))?;
            let mut builder = self
                .http()?
                .request(request.method.clone(), self.config.url(&request.path))
                .query(&request.query);
            builder = match &request.body {
                Body::Empty => builder,
                Body::Json(json) => builder.json(json),
                Body::Form(form) => builder.form(form),
            };
            if let Some(credential) = &credential {
                builder = builder.bearer_auth(credential.as_ref());
            }
            if let Some(media) = request.accept {
                builder = builder.header(ACCEPT, media);
            }
            let outcome = match builder.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    // Within a call, a rate limit is waited out for as long as the
                    // deadline allows; outside one, `max_retries` bounds it. The wait
                    // itself happens in the next `acquire`, with everyone else's.
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        let pause = permit.too_many_requests(&headers);
                        let may_wait =
                            deadline::allows(pause).unwrap_or(attempt < self.config.max_retries);
                        if may_wait {
                            attempt += 1;
                            continue;
                        }
                    } else {
                        permit.observe(&headers);
                    }
                    let reader = match reader.as_deref_mut() {
                        Some(reader) if status.is_success() => {
                            reader.restart();
                            Some(reader)
                        }
                        _ => None,
                    };
                    read_body(response, self.config.max_response_bytes, request, reader)
                        .await
                        .map(|body| (status, headers, body))
                }
                Err(e) => Err(BodyFault::Http(e)),
            };
            let (status, headers, body) = match outcome {
                Ok(parts) => parts,
                Err(BodyFault::Http(e))
                    if attempt < self.config.max_retries && is_transient(&e, request) =>
                {
                    tokio::time::sleep(backoff(RETRY_BASE, attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(BodyFault::Http(e)) => return Err(network_error(request, &e)),
                Err(BodyFault::Refused(error)) => return Err(error),
            };
            if status.is_success() || request.answered.contains(&status) {
                return Ok(Response {
                    status,
                    headers,
                    body,
                });
            }
            match status {
                StatusCode::UNAUTHORIZED if !renewed => {
                    if let Some(credential) = &credential {
                        renewed = true;
                        authorizer.refused(credential).await;
                        continue;
                    }
                }
                // A server error on a read or token request is asked again; a request
                // that must not run twice only on 503 (Personio did not take it).
                status
                    if status.is_server_error()
                        && (request.retry_safe || status == StatusCode::SERVICE_UNAVAILABLE)
                        && attempt < self.config.max_retries =>
                {
                    tokio::time::sleep(backoff(RETRY_BASE, attempt)).await;
                    attempt += 1;
                    continue;
                }
                _ => {}
            }
            return Err(self.refusal(request, status, &headers, &body));
        }
    }

    /// The error a non-2xx answer to `request` means, its server text scrubbed of the
    /// client secret and the tokens issued; also for an [`Request::answered`] status
    /// whose body turns out not to be the answer.
    pub fn refusal(
        &self,
        request: &Request,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Error {
        let concealed = self.concealed();
        let secrets: Vec<&str> = std::iter::once(self.config.client_secret.expose())
            .chain(concealed.iter().map(Secret::expose))
            .collect();
        status_error(request, status, headers, body, &secrets)
    }

    /// Every secret besides the client secret that server text is scrubbed of.
    fn concealed(&self) -> Vec<Secret> {
        self.concealed
            .lock()
            .map(|concealed| concealed.clone())
            .unwrap_or_default()
    }
}

/// A wait for the rate budget that the call's deadline does not leave time for.
fn over_deadline(request: &Request, over: &OverDeadline) -> Error {
    Error::RateLimit(ApiFailure {
        status: None,
        trace_id: None,
        message: format!(
            "the rate limit of {} lets the next request go in {:.1} s, after the call's \
             deadline",
            over.group,
            over.wait.as_secs_f64()
        ),
        endpoint: request.endpoint(),
    })
}

/// Whether a failure may go away on a second try: a connection never made, always; a
/// reply lost or cut on the way (reset, timeout, a body short of its length), only for
/// a request that may be sent twice.
fn is_transient(error: &reqwest::Error, request: &Request) -> bool {
    error.is_connect()
        || (request.retry_safe
            && (error.is_timeout() || error.is_request() || error.is_body() || error.is_decode()))
}

/// Why a body could not be had.
enum BodyFault {
    /// The network or the HTTP layer failed.
    Http(reqwest::Error),
    /// The body is refused as it is (too large).
    Refused(Error),
}

/// Reads a successful response's body as it arrives (see [`Http::send_reading`]).
pub trait BodyReader: Send {
    /// A try begins: forget any body read before.
    fn restart(&mut self);

    /// The next piece of the body; an error refuses the body (it is not asked again).
    fn piece(&mut self, piece: &[u8]) -> Result<()>;

    /// Waits until the reader takes another piece: a reader whose consumer is behind
    /// holds the download back (the request's timeout still runs). At once by default.
    fn ready(&mut self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(std::future::ready(()))
    }
}

/// The whole body, refused once it passes `cap` bytes (announced or received); with a
/// `reader`, the body goes to it and an empty one is returned.
async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
    request: &Request,
    mut reader: Option<&mut (dyn BodyReader + '_)>,
) -> std::result::Result<Bytes, BodyFault> {
    let too_large = || {
        BodyFault::Refused(request.invalid_response(format!(
            "the response is larger than the {cap} bytes accepted (max_response_bytes)"
        )))
    };
    let announced = response.content_length().unwrap_or(0);
    if announced > cap as u64 {
        return Err(too_large());
    }
    // Sized once where the length is announced: growing by doubling would hold up to
    // twice a large report's body at once.
    let capacity = if reader.is_some() { 0 } else { announced };
    let mut body = bytes::BytesMut::with_capacity(capacity as usize);
    let mut received = 0;
    loop {
        if let Some(reader) = reader.as_deref_mut() {
            reader.ready().await;
        }
        let Some(chunk) = response.chunk().await.map_err(BodyFault::Http)? else {
            break;
        };
        received += chunk.len();
        if received > cap {
            return Err(too_large());
        }
        match &mut reader {
            Some(reader) => reader.piece(&chunk).map_err(BodyFault::Refused)?,
            None => body.extend_from_slice(&chunk),
        }
    }
    Ok(body.freeze())
}

/// The reqwest client: rustls, HTTP/2 where offered, our headers, no redirects.
fn build_http(config: &Config, headers: &HeaderMap) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .default_headers(headers.clone())
        .timeout(config.timeout)
        .connect_timeout(config.timeout.min(Duration::from_secs(10)))
        .pool_max_idle_per_host(config.concurrency.max(4))
        // A redirect would carry the auth body (with the client secret) or the bearer
        // token to wherever it points: none is followed, each is an error.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::invalid_argument(format!("cannot build the HTTP client: {e}")))
}

fn network_error(request: &Request, error: &reqwest::Error) -> Error {
    // Walk to the root cause: reqwest's own text alone ("error sending request") says little.
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    Error::Network(ApiFailure {
        status: None,
        trace_id: None,
        message,
        endpoint: request.endpoint(),
    })
}

/// Maps a non-2xx response to the error the user can act on. Server text is bounded
/// and scrubbed of `secrets` (the client secret, the tokens issued).
fn status_error(
    request: &Request,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    secrets: &[&str],
) -> Error {
    if status.is_redirection() {
        return redirect_error(request, status, headers);
    }
    let (message, body_trace_id) = describe_error_body(body);
    let message = message.map(|m| redact(&m, secrets));
    let message = message.unwrap_or_else(|| {
        format!(
            "HTTP {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_string()
    });
    let trace_id = body_trace_id
        .or_else(|| {
            ["x-personio-trace-id", "x-request-id"]
                .iter()
                .find_map(|name| headers.get(*name)?.to_str().ok().map(str::to_string))
        })
        .map(|trace_id| redact(&trace_id, secrets));
    let failure = ApiFailure {
        status: Some(status.as_u16()),
        trace_id,
        message,
        endpoint: request.endpoint(),
    };
    // Personio answers some refusals with a 400 or 401 whose message alone tells what
    // they mean (OBSERVED.md: v2 reports and persons).
    let message = failure.message.to_ascii_lowercase();
    let missing_right = matches!(
        message.as_str(),
        "unauthorized token" | "unauthorized request"
    );
    // A write's 400 or 422 refuses what was sent: Personio's validation. (Token
    // requests are POSTs too, but may be sent twice: they are no writes.)
    let refused_write = !request.retry_safe && matches!(status.as_u16(), 400 | 422);
    match status.as_u16() {
        400 | 401 if missing_right => Error::PermissionDenied(failure),
        400 if message.contains("not found") => Error::NotFound(failure),
        _ if refused_write => Error::Validation(failure),
        401 => Error::Authentication(failure),
        403 => Error::PermissionDenied(failure),
        404 => Error::NotFound(failure),
        429 => Error::RateLimit(failure),
        500..=599 => Error::Server(failure),
        _ => Error::BadRequest(failure),
    }
}

/// A 3xx: never followed (it could carry credentials elsewhere), named by the origin
/// it points to and never its path or query.
fn redirect_error(request: &Request, status: StatusCode, headers: &HeaderMap) -> Error {
    let target = headers
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .and_then(|l| Url::parse(l).ok())
        .map(|url| url.origin().ascii_serialization())
        .filter(|origin| origin != "null")
        .map_or("a location on the same host".to_string(), |origin| origin);
    Error::InvalidResponse(ApiFailure {
        status: Some(status.as_u16()),
        trace_id: None,
        message: format!(
            "the server redirected to {target}; redirects are not followed, so that \
             credentials go nowhere but the configured base URL"
        ),
        endpoint: request.endpoint(),
    })
}

/// Personio's message and trace id from any of its error shapes: v1
/// `{"error":{"message"}}`, custom reports `{"trace_id","errors":[..]}` or a bare array,
/// v2 problem+json `{"personio_trace_id","errors":[{"title","detail"}]}`, and OAuth
/// `{"error","error_description"}`.
fn describe_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(mut json) = serde_json::from_slice::<Value>(body) else {
        return (None, None);
    };
    // Custom reports wrap the whole error object in an array.
    if let Value::Array(items) = &mut json {
        if items.len() == 1 && items[0].get("errors").is_some() {
            json = items.remove(0);
        }
    }
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let trace_id = text(json.get("trace_id")).or_else(|| text(json.get("personio_trace_id")));
    let errors = match &json {
        Value::Array(items) => Some(items),
        _ => json.get("errors").and_then(Value::as_array),
    };
    let from_errors = errors.and_then(|items| {
        let parts: Vec<String> = items
            .iter()
            .filter_map(|e| {
                text(e.get("detail"))
                    .or_else(|| text(e.get("details")))
                    .or_else(|| text(e.get("message")))
                    .or_else(|| text(e.get("title")))
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    });
    let message = text(json.pointer("/error/message"))
        .map(|message| with_field_errors(message, json.pointer("/error/error_data")))
        .or(from_errors)
        .or_else(|| text(json.get("error_description")))
        .or_else(|| text(json.get("error")))
        .or_else(|| text(json.get("message")))
        .or_else(|| text(json.get("detail")));
    (message, trace_id)
}

/// `message` followed by the fields a v1 validation error names in its `error_data`
/// (`{"end_date":["The end date must be ..."]}`), or its text when it is one.
fn with_field_errors(message: String, error_data: Option<&Value>) -> String {
    let fields: Vec<String> = match error_data {
        Some(Value::Object(fields)) => fields
            .iter()
            .map(|(field, problems)| {
                let problems: Vec<&str> = match problems {
                    Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                    other => other.as_str().into_iter().collect(),
                };
                format!("{field}: {}", problems.join(" "))
            })
            .collect(),
        Some(Value::String(text)) if !text.trim().is_empty() => vec![text.trim().to_string()],
        _ => Vec::new(),
    };
    if fields.is_empty() {
        message
    } else {
        format!("{message} ({})", fields.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The observed v2 refusals (OBSERVED.md), as Personio words them.
    #[test]
    fn observed_refusals_map_to_their_meaning() {
        let request = Request::get("/v2/reports/r1", Vec::new());
        let cases = [
            (
                400,
                r#"{"errors":[{"status":"400","id":"a1b2","title":"Bad Request","detail":"Report with id r1 not found."}]}"#,
                "NotFound",
                "Report with id r1 not found.",
            ),
            (
                400,
                r#"{"error":{"message":"Unsupported nested type: null"}}"#,
                "BadRequest",
                "Unsupported nested type: null",
            ),
            (
                400,
                r#"{"error":{"message":"Unauthorized token"}}"#,
                "PermissionDenied",
                "Unauthorized token",
            ),
            (
                400,
                r#"{"error":{"message":"Array contains no element matching the predicate."}}"#,
                "BadRequest",
                "Array contains no element matching the predicate.",
            ),
            (
                401,
                r#"{"error":{"message":"Unauthorized Request"}}"#,
                "PermissionDenied",
                "Unauthorized Request",
            ),
            (
                401,
                r#"{"success":false,"error":{"code":0,"message":"Token expired"}}"#,
                "Authentication",
                "Token expired",
            ),
        ];
        for (status, body, variant, message) in cases {
            let status = StatusCode::from_u16(status).unwrap();
            let error = status_error(&request, status, &HeaderMap::new(), body.as_bytes(), &[]);
            assert!(
                format!("{error:?}").starts_with(variant),
                "{body}: {error:?}"
            );
            assert_eq!(error.failure().unwrap().message, message);
        }
    }

    #[test]
    fn reads_every_error_shape() {
        let cases: [(&str, &str, Option<&str>); 6] = [
            (
                r#"[{"title":"ID","detail":"Report ID not found"}]"#,
                "Report ID not found",
                None,
            ),
            (
                r#"{"success":false,"error":{"code":404,"message":"Not here"}}"#,
                "Not here",
                None,
            ),
            (
                r#"{"status":400,"trace_id":"t1","errors":[{"message":"Bad id"}]}"#,
                "Bad id",
                Some("t1"),
            ),
            (
                r#"[{"status":404,"trace_id":"t0","errors":[{"title":"Not Found","details":"Report not found"}]}]"#,
                "Report not found",
                Some("t0"),
            ),
            (
                r#"{"personio_trace_id":"t2","errors":[{"title":"Insufficient","detail":"Scope"}]}"#,
                "Scope",
                Some("t2"),
            ),
            (
                r#"{"error":"invalid_client","error_description":"Unknown client.","trace_id":"t3"}"#,
                "Unknown client.",
                Some("t3"),
            ),
        ];
        for (body, message, trace) in cases {
            let (m, t) = describe_error_body(body.as_bytes());
            assert_eq!(m.as_deref(), Some(message), "{body}");
            assert_eq!(t.as_deref(), trace, "{body}");
        }
        assert_eq!(describe_error_body(b"<html>"), (None, None));
    }
}
