//! Faults on the data routes: the rate-limit token bucket, injected 503s and truncated
//! bodies. One middleware applies them in the order a real gateway would: the limit
//! first (a refused request costs nothing else), then the injected outage, then the
//! route; a truncated body replaces a successful one on the way out.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::options::{FakeOptions, RateLimitSpec};
use super::{errors, AppState};

/// Counters and the bucket of the fault knobs.
pub(crate) struct Faults {
    server_errors: AtomicU32,
    malformed: AtomicU32,
    bucket: Option<Mutex<Bucket>>,
}

impl Faults {
    pub(crate) fn new(options: &FakeOptions) -> Faults {
        Faults {
            server_errors: AtomicU32::new(options.server_errors),
            malformed: AtomicU32::new(options.malformed_responses),
            bucket: options
                .rate_limit
                .as_ref()
                .map(|spec| Mutex::new(Bucket::new(spec))),
        }
    }
}

/// Takes one from a counter if it is positive.
fn take(counter: &AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

/// A token bucket: `burst` tokens, refilled continuously at `per_second`.
struct Bucket {
    spec: RateLimitSpec,
    tokens: f64,
    last: Instant,
}

enum Admission {
    /// Admitted; whole tokens left.
    Admitted { remaining: u32 },
    /// Refused; whole seconds (>= 1) until a token is back.
    Limited { reset_secs: u64 },
}

impl Bucket {
    fn new(spec: &RateLimitSpec) -> Bucket {
        Bucket {
            spec: spec.clone(),
            tokens: f64::from(spec.burst),
            last: Instant::now(),
        }
    }

    fn admit(&mut self) -> Admission {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.spec.per_second;
        self.tokens = (self.tokens + refill).min(f64::from(self.spec.burst));
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Admission::Admitted {
                remaining: self.tokens as u32,
            }
        } else {
            let wait = (1.0 - self.tokens) / self.spec.per_second;
            Admission::Limited {
                reset_secs: (wait.ceil() as u64).max(1),
            }
        }
    }
}

fn set(headers: &mut HeaderMap, name: &'static str, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        headers.insert(name, v);
    }
}

/// Middleware of the data routes: rate limit, injected 503, truncated 200 bodies.
pub(crate) async fn data_faults(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let faults = &state.faults;
    // Errors take the shape of the route's API version.
    let path = req.uri().path().to_owned();
    let mut remaining = None;
    if let Some(bucket) = &faults.bucket {
        let mut bucket = bucket.lock().expect("bucket lock");
        let limit = bucket.spec.burst;
        match bucket.admit() {
            Admission::Admitted { remaining: r } => remaining = Some((limit, r)),
            Admission::Limited { reset_secs } => {
                let retry_after = bucket.spec.retry_after;
                drop(bucket);
                state.stats.count_rate_limited();
                let mut resp =
                    errors::gateway(&path, StatusCode::TOO_MANY_REQUESTS, "Too many requests");
                let h = resp.headers_mut();
                set(h, "x-ratelimit-limit", limit);
                set(h, "x-ratelimit-remaining", 0);
                set(h, "x-ratelimit-reset", reset_secs);
                if retry_after {
                    set(h, "retry-after", reset_secs);
                }
                return resp;
            }
        }
    }

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
    if let Some((limit, r)) = remaining {
        set(resp.headers_mut(), "x-ratelimit-limit", limit);
        set(resp.headers_mut(), "x-ratelimit-remaining", r);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_admits_the_burst_then_refuses() {
        let spec = RateLimitSpec {
            burst: 2,
            per_second: 0.5,
            retry_after: true,
        };
        let mut b = Bucket::new(&spec);
        assert!(matches!(b.admit(), Admission::Admitted { remaining: 1 }));
        assert!(matches!(b.admit(), Admission::Admitted { remaining: 0 }));
        match b.admit() {
            Admission::Limited { reset_secs } => assert_eq!(reset_secs, 2),
            Admission::Admitted { .. } => panic!("bucket should be empty"),
        }
    }
}
