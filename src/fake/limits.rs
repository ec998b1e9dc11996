//! Rate limits as Personio enforces them (`FakeOptions::rate_limits`): a token bucket
//! per credential and endpoint group (per caller on the token endpoints), announced in
//! v1 style on v1 routes and v2 style on v2 routes. What each header means is described
//! on [`RateLimits`](super::RateLimits).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::options::{FakeOptions, RateLimitGroups, RateLimitSpec};
use super::{errors, AppState};

/// The buckets, made on first use.
pub(crate) struct Limits {
    groups: RateLimitGroups,
    /// By (group, credential or caller).
    buckets: Mutex<HashMap<(String, String), Bucket>>,
}

impl Limits {
    /// The limits of `options`, or `None` when there are none.
    pub(crate) fn new(options: &FakeOptions) -> Option<Limits> {
        options.rate_limits.as_ref().map(|limits| Limits {
            groups: limits.groups(),
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// The group of the route `template`, its bucket size, whether it is limited per
    /// credential (else per caller), and whether it speaks v2.
    fn group(&self, template: &str) -> Option<(String, RateLimitSpec, bool, bool)> {
        let g = &self.groups;
        if template == "/v1/auth" {
            return g.v1_auth.map(|s| (template.to_owned(), s, false, false));
        }
        if template.starts_with("/v1/company/employees") {
            return g
                .employees
                .map(|s| ("/v1/company/employees".to_owned(), s, true, false));
        }
        if template.starts_with("/v2/auth/") {
            return g.v2_auth.map(|s| ("/v2/auth".to_owned(), s, false, true));
        }
        if template.starts_with("/v2/") {
            let endpoint: Vec<&str> = template
                .split('/')
                .filter(|part| !part.starts_with('{'))
                .collect();
            return g.v2.map(|s| (endpoint.join("/"), s, true, true));
        }
        g.v1.map(|s| ("/v1".to_owned(), s, true, false))
    }
}

/// A token bucket: `burst` tokens, refilled continuously at `per_second`.
struct Bucket {
    spec: RateLimitSpec,
    tokens: f64,
    last: Instant,
}

/// What the bucket said to one request.
struct Admission {
    admitted: bool,
    /// Whole tokens left.
    remaining: u32,
    /// Whole seconds (rounded up) until the bucket is full again, counted from the
    /// whole tokens announced (so never sooner than the truth).
    full_in: u64,
    /// Whole seconds (rounded up, at least 1) until a token is back.
    token_in: u64,
}

impl Bucket {
    fn new(spec: RateLimitSpec) -> Bucket {
        Bucket {
            spec,
            tokens: f64::from(spec.burst),
            last: Instant::now(),
        }
    }

    fn admit(&mut self) -> Admission {
        let now = Instant::now();
        let burst = f64::from(self.spec.burst);
        let refill = now.duration_since(self.last).as_secs_f64() * self.spec.per_second;
        self.tokens = (self.tokens + refill).min(burst);
        self.last = now;
        let admitted = self.tokens >= 1.0;
        if admitted {
            self.tokens -= 1.0;
        }
        let seconds = |tokens: f64| (tokens.max(0.0) / self.spec.per_second).ceil() as u64;
        let remaining = self.tokens as u32;
        Admission {
            admitted,
            remaining,
            full_in: seconds(burst - f64::from(remaining)),
            token_in: seconds(1.0 - self.tokens).max(1),
        }
    }
}

/// Middleware of every route (`template` is its path template): takes a token of the
/// route's group or answers 429; either way the answer carries the bucket's headers.
pub(crate) async fn enforce(
    template: &'static str,
    state: Arc<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let Some(limits) = &state.limits else {
        return next.run(req).await;
    };
    let Some((group, spec, per_credential, v2)) = limits.group(template) else {
        return next.run(req).await;
    };
    // Per credential: the token's client ID, or the token itself when the fake does
    // not know it (expired and forgotten, or made up), so that it drains no real bucket.
    let token = per_credential.then(|| bearer(req.headers())).flatten();
    let client = token.and_then(|token| state.auth.client_of(token));
    let who = client
        .clone()
        .or_else(|| token.map(str::to_owned))
        .unwrap_or_default();
    let admission = limits
        .buckets
        .lock()
        .expect("rate limit lock")
        .entry((group, who))
        .or_insert_with(|| Bucket::new(spec))
        .admit();
    let mut resp = if admission.admitted {
        next.run(req).await
    } else {
        state.stats.count_rate_limited(client.as_deref());
        errors::gateway(
            req.uri().path(),
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
        )
    };
    let h = resp.headers_mut();
    if v2 {
        set(h, "x-ratelimit-remaining", admission.remaining);
        set(h, "x-ratelimit-replenish-rate", spec.per_second);
        set(h, "x-ratelimit-burst-capacity", spec.burst);
        set(h, "x-ratelimit-requested-tokens", 1);
    } else {
        set(h, "x-ratelimit-limit", spec.burst);
        set(h, "x-ratelimit-remaining", admission.remaining);
        set(h, "x-ratelimit-reset", admission.full_in);
        if !admission.admitted {
            set(h, "retry-after", admission.token_in);
        }
    }
    resp
}

/// The bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn set(headers: &mut HeaderMap, name: &'static str, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        headers.insert(name, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_admits_the_burst_then_refuses() {
        let mut b = Bucket::new(RateLimitSpec {
            burst: 2,
            per_second: 0.5,
        });
        let first = b.admit();
        assert!(first.admitted);
        assert_eq!((first.remaining, first.full_in), (1, 2));
        let second = b.admit();
        assert!(second.admitted);
        assert_eq!((second.remaining, second.full_in), (0, 4));
        let refused = b.admit();
        assert!(!refused.admitted);
        assert_eq!((refused.token_in, refused.full_in), (2, 4));
    }

    #[test]
    fn routes_fall_into_groups() {
        let options: FakeOptions = serde_json::from_str(r#"{"rate_limits": "personio"}"#).unwrap();
        let limits = Limits::new(&options).unwrap();
        let group = |t: &str| {
            let (name, spec, per_credential, v2) = limits.group(t).unwrap();
            (name, spec.burst, per_credential, v2)
        };
        assert_eq!(group("/v1/auth"), ("/v1/auth".into(), 5, false, false));
        assert_eq!(
            group("/v1/company/employees/{id}"),
            ("/v1/company/employees".into(), 15, true, false)
        );
        assert_eq!(
            group("/v1/company/custom-reports/reports/{id}"),
            ("/v1".into(), 30, true, false)
        );
        assert_eq!(
            group("/v2/reports/{id}"),
            ("/v2/reports".into(), 10, true, true)
        );
        assert_eq!(group("/v2/reports"), ("/v2/reports".into(), 10, true, true));
        assert_eq!(group("/v2/auth/token"), ("/v2/auth".into(), 5, false, true));
        let only_v1: FakeOptions =
            serde_json::from_str(r#"{"rate_limits": {"v1": {"burst": 1, "per_second": 1}}}"#)
                .unwrap();
        let limits = Limits::new(&only_v1).unwrap();
        assert!(limits.group("/v2/reports").is_none());
        assert!(limits.group("/v1/company/employees").is_none());
    }
}
