//! Faults: the older counters (`server_errors`, `malformed_responses`) on every data
//! route, and the seeded fault list
//! (`FakeOptions::faults`, see [`FaultSpec`]) on the listings and token endpoints.
//!
//! Two middlewares. [`route_faults`] runs first, on the routes a [`FaultSpec`] can name
//! (employee listing, v1 and v2 report pages, token endpoints), as an unreliable
//! network and gateway in front of Personio would: it answers 5xx, 429, 401 or 307
//! itself, kills the connection (see `conn`), or lets the request through and then
//! truncates, corrupts or stalls the body; faults of the data itself (lying totals,
//! empty pages, moving records) travel to the handlers as a [`Content`] extension.
//! Then (after the rate limits of `limits`) [`data_faults`] applies the older knobs: the
//! injected outage, then the route; a truncated body replaces a successful one on the
//! way out.
//!
//! What each fault sends:
//! - `server_error_burst`: `statuses` (default 500, 502, 503, cycled) in the route's
//!   error shape (v1 body, problem+json under `/v2/`).
//! - `rate_limit_burst`: 429; v1 routes with `Retry-After` (`retry_after_seconds`,
//!   default 1), `X-RateLimit-Limit`, `X-RateLimit-Remaining: 0`, `X-RateLimit-Reset`;
//!   v2 routes with `x-ratelimit-remaining: 0`, `x-ratelimit-replenish-rate`,
//!   `x-ratelimit-burst-capacity`, `x-ratelimit-requested-tokens` and no `Retry-After`
//!   (as observed, V2_NOTES 8).
//! - `token_expiry`: the hit request's token stops being valid, so it (and any later
//!   use of that token) answers 401; a new token works.
//! - `token_revocation`: at request `after` every token dies and the credential with
//!   it: that request and all later data requests answer 401, token requests are
//!   refused (v1 403 "Wrong credentials" with code 0, v2 401 `invalid_client`).
//! - `connection_reset`: no answer; the connection is closed with a TCP RST.
//! - `truncated_body`: the status and headers with the full `Content-Length`, half the
//!   body, then the connection is closed.
//! - `malformed_body`: a complete 200 (right `Content-Length`) whose body is the first
//!   half of the JSON. Other statuses pass unchanged.
//! - `slow_body`: status, headers, `Content-Length` and half the body at once; the rest
//!   after `stall_ms` (default 5000).
//! - `redirect`: 307 with `Location: <location><path>?<query>` (default origin
//!   `https://personio.example.invalid`).
//! - `lying_total`: v1 employees `metadata.total_elements`/`total_pages` 10^9
//!   (`huge`), 0 (`zero`) or half the truth (`short`); v1 reports `total_pages` 10^9,
//!   0 or 1 (`total_elements` 10^9, 0 or one page's worth); v2 reports (any lie): a
//!   `next` link after the last page, then on every page, each link new, to pages with
//!   no rows: it never ends.
//! - `empty_page`: the hit page has no records: v1 `data: []` (employees) or
//!   `items: []` (reports) with the true totals; v2 `_data: []` with a `next` link to
//!   the position the page should have started at.
//! - `records_move`: after `after` responses the listing changes (`delete`: the first
//!   record goes; `insert`: the record at len/2, missing until then, comes first;
//!   `move`: the record at len/2 moves to the front), for employees and report rows
//!   alike (v2 cursors hold positions, so they skip and repeat too); from then on the
//!   first record of each page sends its id as a string (employees `id`, v1 report
//!   `employee_id`).

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::conn::ConnHandle;
use super::options::{FakeOptions, FaultKind, FaultRoute, FaultSpec, Lie, MoveMode};
use super::{errors, AppState};

/// Counters of the fault knobs.
pub(crate) struct Faults {
    server_errors: AtomicU32,
    malformed: AtomicU32,
    seed: u64,
    listed: Vec<Active>,
    /// Makes every endless v2 `next` link new.
    nonce: AtomicU64,
}

impl Faults {
    pub(crate) fn new(options: &FakeOptions) -> Faults {
        Faults {
            server_errors: AtomicU32::new(options.server_errors),
            malformed: AtomicU32::new(options.malformed_responses),
            seed: options.seed,
            listed: options
                .faults
                .iter()
                .enumerate()
                .map(|(i, spec)| Active {
                    spec: spec.clone(),
                    index: i as u64,
                    seen: AtomicU64::new(0),
                    hits: AtomicU64::new(0),
                    fired: AtomicBool::new(false),
                })
                .collect(),
            nonce: AtomicU64::new(0),
        }
    }

    /// A number never handed out before (for endless v2 links).
    pub(crate) fn nonce(&self) -> u64 {
        self.nonce.fetch_add(1, Ordering::Relaxed)
    }
}

/// One listed fault and its counters.
struct Active {
    spec: FaultSpec,
    index: u64,
    /// Requests to its routes so far.
    seen: AtomicU64,
    /// Hits so far (probability mode).
    hits: AtomicU64,
    /// token_revocation: done.
    fired: AtomicBool,
}

/// SplitMix64: the seeded draw behind `probability`.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Active {
    /// Counts one request to the fault's routes; `Some(n)` when it is the fault's n-th
    /// hit (from 0).
    fn hit(&self, seed: u64) -> Option<u64> {
        let k = self.seen.fetch_add(1, Ordering::Relaxed);
        let after = u64::from(self.spec.after());
        let count = u64::from(self.spec.count());
        if k < after {
            return None;
        }
        match self.spec.probability {
            None => (k - after < count).then_some(k - after),
            Some(p) => {
                let draw = mix(seed ^ mix(self.index.wrapping_add(1)) ^ mix(k.wrapping_add(7)));
                let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
                if unit >= p {
                    return None;
                }
                self.hits
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |h| {
                        (h < count).then_some(h + 1)
                    })
                    .ok()
            }
        }
    }
}

/// Faults of the data a listing handler must apply to this request's body.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Content {
    /// `lying_total`.
    pub lie: Option<Lie>,
    /// `empty_page`.
    pub empty_page: bool,
    /// `records_move`: the mode, and whether the listing has changed yet.
    pub records: Option<(MoveMode, bool)>,
}

impl Content {
    /// The listing of `n` records as this request sees it: positions into the true
    /// listing, in the order served.
    pub(crate) fn order(&self, n: usize) -> Vec<usize> {
        let mid = n / 2;
        let all = 0..n;
        match self.records {
            None | Some((MoveMode::Delete | MoveMode::Move, false)) => all.collect(),
            Some((MoveMode::Delete, true)) => all.skip(1).collect(),
            Some((MoveMode::Insert, false)) => all.filter(|&p| p != mid).collect(),
            Some((MoveMode::Insert | MoveMode::Move, true)) => std::iter::once(mid)
                .chain(all.filter(|&p| p != mid))
                .filter(|&p| p < n)
                .collect(),
        }
    }

    /// Whether the first record of a page sends its id as a JSON string.
    pub(crate) fn string_first_id(&self) -> bool {
        matches!(self.records, Some((_, true)))
    }
}

/// What a transport fault does to one request.
enum Transport {
    Status(StatusCode),
    RateLimited(u64),
    Reset,
    Truncate,
    Malform,
    Stall(u64),
    Redirect(String),
}

/// Middleware of every route; acts on those a [`FaultSpec`] can name (`path` is the
/// route's template).
pub(crate) async fn route_faults(
    path: &'static str,
    state: Arc<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(route) = super::fault_route(path, req.method()) else {
        return next.run(req).await;
    };
    let faults = &state.faults;
    let mut content = Content::default();
    let mut transport = None;
    for f in faults
        .listed
        .iter()
        .filter(|f| f.spec.routes.contains(&route))
    {
        let kind = f.spec.kind;
        let hit = f.hit(faults.seed);
        if kind == FaultKind::RecordsMove {
            let changed = hit.is_some();
            content.records = Some((f.spec.mode.unwrap_or(MoveMode::Move), changed));
            if changed {
                state.stats.count_fault(kind.name());
            }
            continue;
        }
        let Some(n) = hit else { continue };
        let applies = match kind {
            FaultKind::LyingTotal => {
                content.lie = Some(f.spec.lie.unwrap_or(Lie::Huge));
                true
            }
            FaultKind::EmptyPage => {
                content.empty_page = true;
                true
            }
            FaultKind::TokenExpiry => {
                if let Some(token) = bearer(req.headers()) {
                    state.auth.expire(token);
                }
                true
            }
            FaultKind::TokenRevocation => {
                let first = !f.fired.swap(true, Ordering::Relaxed);
                if first {
                    state.auth.revoke_all();
                }
                first
            }
            _ if transport.is_some() => false,
            FaultKind::ServerErrorBurst => {
                let statuses = f.spec.statuses();
                let code = statuses[(n % statuses.len() as u64) as usize];
                let status =
                    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                transport = Some(Transport::Status(status));
                true
            }
            FaultKind::RateLimitBurst => {
                transport = Some(Transport::RateLimited(
                    f.spec.retry_after_seconds.unwrap_or(1),
                ));
                true
            }
            FaultKind::ConnectionReset => {
                transport = Some(Transport::Reset);
                true
            }
            FaultKind::TruncatedBody => {
                transport = Some(Transport::Truncate);
                true
            }
            FaultKind::MalformedBody => {
                transport = Some(Transport::Malform);
                true
            }
            FaultKind::SlowBody => {
                transport = Some(Transport::Stall(f.spec.stall_ms.unwrap_or(5000)));
                true
            }
            FaultKind::Redirect => {
                let target = req
                    .uri()
                    .path_and_query()
                    .map_or("/", |pq| pq.as_str())
                    .to_owned();
                let origin = f.spec.location().trim_end_matches('/');
                transport = Some(Transport::Redirect(format!("{origin}{target}")));
                true
            }
            FaultKind::RecordsMove => unreachable!("handled above"),
        };
        if applies {
            state.stats.count_fault(kind.name());
            state.stats.count_injected();
        }
    }

    let path = req.uri().path().to_owned();
    let v2 = path.starts_with("/v2/");
    match transport {
        None => {
            req.extensions_mut().insert(content);
            next.run(req).await
        }
        Some(Transport::Status(status)) => {
            let reason = status.canonical_reason().unwrap_or("Server Error");
            errors::gateway(&path, status, reason)
        }
        Some(Transport::RateLimited(secs)) => {
            let mut resp =
                errors::gateway(&path, StatusCode::TOO_MANY_REQUESTS, "Too many requests");
            let h = resp.headers_mut();
            if v2 {
                set(h, "x-ratelimit-remaining", 0);
                set(h, "x-ratelimit-replenish-rate", 10);
                set(h, "x-ratelimit-burst-capacity", 10);
                set(h, "x-ratelimit-requested-tokens", 1);
            } else {
                set(h, "retry-after", secs);
                set(h, "x-ratelimit-limit", 60);
                set(h, "x-ratelimit-remaining", 0);
                set(h, "x-ratelimit-reset", secs);
            }
            resp
        }
        Some(Transport::Reset) => {
            let conn = req.extensions().get::<ConnectInfo<ConnHandle>>().cloned();
            // A write is applied first: its reply, not its request, is lost.
            if route == FaultRoute::Writes {
                req.extensions_mut().insert(content);
                next.run(req).await;
            }
            if let Some(ConnectInfo(conn)) = conn {
                conn.kill();
            }
            // Never sent: the connection fails before a byte of it is written.
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Some(Transport::Redirect(location)) => {
            let mut resp = StatusCode::TEMPORARY_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                resp.headers_mut().insert(header::LOCATION, v);
            }
            resp
        }
        Some(Transport::Truncate) => {
            req.extensions_mut().insert(content);
            let resp = next.run(req).await;
            staged(resp, Stage::Cut).await
        }
        Some(Transport::Malform) => {
            req.extensions_mut().insert(content);
            let resp = next.run(req).await;
            if resp.status() == StatusCode::OK {
                staged(resp, Stage::Half).await
            } else {
                resp
            }
        }
        Some(Transport::Stall(ms)) => {
            req.extensions_mut().insert(content);
            let resp = next.run(req).await;
            staged(resp, Stage::Stall(Duration::from_millis(ms))).await
        }
    }
}

/// The bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// How a body goes out.
enum Stage {
    /// A complete message of the first half only.
    Half,
    /// Full `Content-Length`, half the body, then the connection dies.
    Cut,
    /// Full `Content-Length`, half the body, a stall, the rest.
    Stall(Duration),
}

/// Re-sends `resp` with its body staged: the whole body is known, so the
/// `Content-Length` announced is the true one (except for [`Stage::Half`], which is a
/// shorter but complete message).
async fn staged(resp: Response, stage: Stage) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.len() / 2;
    let (first, rest) = (bytes.slice(..half), bytes.slice(half..));
    let length = match stage {
        Stage::Half => half,
        Stage::Cut | Stage::Stall(_) => bytes.len(),
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    let body = match stage {
        Stage::Half => Body::from(first),
        Stage::Cut => {
            let stream = futures::stream::unfold(0u8, move |step| {
                let first = first.clone();
                async move {
                    match step {
                        0 => Some((Ok(first), 1)),
                        1 => {
                            // Let hyper flush the half before the connection goes.
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            let cut = std::io::Error::new(
                                std::io::ErrorKind::ConnectionReset,
                                "body cut by an injected fault",
                            );
                            Some((Err(cut), 2))
                        }
                        _ => None,
                    }
                }
            });
            Body::from_stream(stream)
        }
        Stage::Stall(stall) => {
            let stream = futures::stream::unfold(0u8, move |step| {
                let (first, rest) = (first.clone(), rest.clone());
                async move {
                    match step {
                        0 => Some((Ok::<Bytes, std::io::Error>(first), 1)),
                        1 => {
                            tokio::time::sleep(stall).await;
                            Some((Ok(rest), 2))
                        }
                        _ => None,
                    }
                }
            });
            Body::from_stream(stream)
        }
    };
    Response::from_parts(parts, body)
}

/// Takes one from a counter if it is positive.
fn take(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

fn set(headers: &mut HeaderMap, name: &'static str, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        headers.insert(name, v);
    }
}

/// Middleware of the data routes: injected 503, truncated 200 bodies.
pub(crate) async fn data_faults(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let faults = &state.faults;
    // Errors take the shape of the route's API version.
    let path = req.uri().path().to_owned();
    let mut resp = if take(&faults.server_errors) {
        state.stats.count_injected();
        errors::gateway(
            &path,
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable",
        )
    } else {
        next.run(req).await
    };

    if resp.status() == StatusCode::OK && take(&faults.malformed) {
        state.stats.count_injected();
        resp = truncate(resp).await;
    }
    resp
}

/// Keeps the first half of the body: what a client sees when a response is cut short.
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}
