//! What happened: request counters, and the outermost middleware that keeps them (and
//! applies the latency knob, so that the in-flight peak includes the sleep).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use super::AppState;

/// A snapshot of the server's counters ([`FakeServer::stats`](super::FakeServer::stats)).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FakeStats {
    /// Every request received (auth, data, unknown routes).
    pub requests: u64,
    /// Calls of `POST /v1/auth`, successful or not.
    pub auth_v1: u64,
    /// Calls of `POST /v2/auth/token`, successful or not.
    pub auth_v2: u64,
    /// Requests per route: method and path template, e.g. `GET /v1/company/employees/{id}`;
    /// unknown paths count as `<METHOD> (unmatched)`.
    pub by_route: BTreeMap<String, u64>,
    /// Responses per HTTP status.
    pub by_status: BTreeMap<u16, u64>,
    /// Peak number of requests being handled at once (latency sleep included).
    pub max_in_flight: u64,
    /// Requests refused with 429 by the rate limit.
    pub rate_limited: u64,
    /// Tokens issued (v1 and v2) per client ID.
    pub tokens_by_client: BTreeMap<String, u64>,
    /// Requests refused with 429 by a per-credential rate limit, per client ID (the
    /// token endpoints are limited per caller, not per credential: not counted here).
    pub rate_limited_by_client: BTreeMap<String, u64>,
    /// Injected faults: the 503s and truncated bodies of `server_errors` and
    /// `malformed_responses`, and every hit of `faults` except records_move.
    pub injected_errors: u64,
    /// Hits per kind of `faults` (e.g. `"connection_reset"`); records_move counts every
    /// response served after the listing changed, token_revocation the revocation.
    pub by_fault: BTreeMap<String, u64>,
}

/// Live counters behind [`FakeStats`].
#[derive(Default)]
pub(crate) struct Stats {
    requests: AtomicU64,
    auth_v1: AtomicU64,
    auth_v2: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    rate_limited: AtomicU64,
    injected_errors: AtomicU64,
    by_route: Mutex<BTreeMap<String, u64>>,
    by_status: Mutex<BTreeMap<u16, u64>>,
    by_fault: Mutex<BTreeMap<String, u64>>,
    tokens_by_client: Mutex<BTreeMap<String, u64>>,
    rate_limited_by_client: Mutex<BTreeMap<String, u64>>,
}

impl Stats {
    pub(crate) fn snapshot(&self) -> FakeStats {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        FakeStats {
            requests: get(&self.requests),
            auth_v1: get(&self.auth_v1),
            auth_v2: get(&self.auth_v2),
            by_route: self.by_route.lock().expect("stats lock").clone(),
            by_status: self.by_status.lock().expect("stats lock").clone(),
            max_in_flight: get(&self.max_in_flight),
            rate_limited: get(&self.rate_limited),
            tokens_by_client: self.tokens_by_client.lock().expect("stats lock").clone(),
            rate_limited_by_client: self
                .rate_limited_by_client
                .lock()
                .expect("stats lock")
                .clone(),
            injected_errors: get(&self.injected_errors),
            by_fault: self.by_fault.lock().expect("stats lock").clone(),
        }
    }

    pub(crate) fn count_auth_v1(&self) {
        self.auth_v1.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_auth_v2(&self) {
        self.auth_v2.fetch_add(1, Ordering::Relaxed);
    }

    /// A 429 of the rate limits; `client_id` when the bucket was a credential's.
    pub(crate) fn count_rate_limited(&self, client_id: Option<&str>) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
        if let Some(client_id) = client_id {
            bump(&self.rate_limited_by_client, client_id);
        }
    }

    pub(crate) fn count_token(&self, client_id: &str) {
        bump(&self.tokens_by_client, client_id);
    }

    pub(crate) fn count_fault(&self, kind: &str) {
        bump(&self.by_fault, kind);
    }

    pub(crate) fn count_injected(&self) {
        self.injected_errors.fetch_add(1, Ordering::Relaxed);
    }
}

fn bump(counts: &Mutex<BTreeMap<String, u64>>, key: &str) {
    *counts
        .lock()
        .expect("stats lock")
        .entry(key.to_owned())
        .or_default() += 1;
}

/// Decrements the in-flight gauge even when the client hangs up mid-request (hyper then
/// drops the handler future).
struct InFlight<'a>(&'a AtomicU64);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The route template a request matched, carried out on the response so that the
/// outermost middleware (which runs before routing) can label it.
#[derive(Clone)]
pub(crate) struct RouteLabel(String);

/// Route-level middleware: tags the response with `<METHOD> <path template>`.
/// (axum's `MatchedPath` needs a feature this crate does not enable, so each route
/// passes its own template.)
pub(crate) async fn tag_route(path: &'static str, req: Request, next: Next) -> Response {
    let label = format!("{} {path}", req.method());
    let mut resp = next.run(req).await;
    resp.extensions_mut().insert(RouteLabel(label));
    resp
}

/// Outermost middleware: counts, tracks the in-flight peak, sleeps `latency_ms`.
pub(crate) async fn observe(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let stats = &state.stats;
    stats.requests.fetch_add(1, Ordering::Relaxed);
    let now = stats.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
    let _guard = InFlight(&stats.in_flight);
    stats.max_in_flight.fetch_max(now, Ordering::Relaxed);

    if state.latency > Duration::ZERO {
        tokio::time::sleep(state.latency).await;
    }
    let unmatched = format!("{} (unmatched)", req.method());
    let resp = next.run(req).await;

    let label = resp
        .extensions()
        .get::<RouteLabel>()
        .map_or(unmatched, |l| l.0.clone());
    *stats
        .by_route
        .lock()
        .expect("stats lock")
        .entry(label)
        .or_default() += 1;
    *stats
        .by_status
        .lock()
        .expect("stats lock")
        .entry(resp.status().as_u16())
        .or_default() += 1;
    resp
}
