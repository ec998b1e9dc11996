//! One rate budget per company, shared by every request of every read and thread.
//!
//! Personio limits each endpoint group on its own: v1 employees (300 a minute, bursts
//! of 15), the rest of v1 (about 2000 a minute), `/v1/auth` (60 a minute), and v2 one
//! token bucket per endpoint (API_NOTES "Rate limits and errors", V2_NOTES 8). A
//! [`RateBudget`] holds one [`Bucket`] per group, starting from those documented
//! limits; what a response announces replaces them, larger or smaller (`headers`).
//! Budgets live in a process-wide registry keyed by the base URL's origin and the client
//! ID, so every [`Client`](crate::Client) of one credential, in any thread, draws from
//! the same budget, and credentials of different companies share nothing.
//!
//! Layout: `bucket` (one group's token bucket, its queue and 429 handling), `headers`
//! (what a response announces); here the groups, their priors and the registry.

mod bucket;
mod headers;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use url::Url;

pub use bucket::{Bucket, Limits, OverDeadline, Permit};

/// `GET /v1/company/employees*`: 300 a minute, bursts of 15 (changelog of 2024-05-06).
const V1_EMPLOYEES: Limits = Limits {
    burst: 15.0,
    per_second: 5.0,
};
/// Every other v1 path: about 2000 a minute (per IP; here per company).
const V1_OTHER: Limits = Limits {
    burst: 30.0,
    per_second: 2000.0 / 60.0,
};
/// `POST /v1/auth`: about 60 a minute.
const V1_AUTH: Limits = Limits {
    burst: 5.0,
    per_second: 1.0,
};
/// Each v2 endpoint: undocumented; about 10 a second seen on absence periods (30 on
/// persons), so 10 until the headers tell.
const V2_ENDPOINT: Limits = Limits {
    burst: 10.0,
    per_second: 10.0,
};
/// `/v2/auth/*`: 150 a minute (unconfirmed).
const V2_AUTH: Limits = Limits {
    burst: 5.0,
    per_second: 2.5,
};

/// The endpoint group of a request path (below the base URL) and Personio's documented
/// limits for it. v2 groups are the path without its ids: a segment is an id unless it
/// is made of lowercase letters, `-` and `_` only (`/v2/reports/6f97...` is
/// `/v2/reports`, `/v2/persons/12/employments` is `/v2/persons/employments`).
pub fn group(path: &str) -> (String, Limits) {
    let path = path.trim_end_matches('/');
    let is_name = |segment: &&str| {
        !segment.is_empty()
            && segment
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
    };
    if path == "/v1/auth" {
        ("/v1/auth".into(), V1_AUTH)
    } else if path == "/v1/company/employees" || path.starts_with("/v1/company/employees/") {
        ("/v1/company/employees".into(), V1_EMPLOYEES)
    } else if path.starts_with("/v2/auth/") {
        ("/v2/auth".into(), V2_AUTH)
    } else if let Some(rest) = path.strip_prefix("/v2/") {
        let names: Vec<&str> = rest.split('/').filter(is_name).collect();
        (format!("/v2/{}", names.join("/")), V2_ENDPOINT)
    } else {
        ("/v1".into(), V1_OTHER)
    }
}

/// The buckets of one company, one per endpoint group, made on first use.
#[derive(Debug, Default)]
pub struct RateBudget {
    buckets: Mutex<HashMap<String, Arc<Bucket>>>,
}

/// Every budget of the process, by (origin, client ID).
type Budgets = HashMap<(String, String), Arc<RateBudget>>;

/// The budgets and the process that made them: a child made by `fork` starts afresh,
/// since a parent's thread may have been holding a bucket's queue and does not exist
/// in the child.
static REGISTRY: Mutex<Option<(u32, Budgets)>> = Mutex::new(None);

impl RateBudget {
    /// The budget of the credential `client_id` at `base_url`'s origin, shared by every
    /// caller in this process.
    pub fn shared(base_url: &Url, client_id: &str) -> Arc<RateBudget> {
        let key = (
            base_url.origin().ascii_serialization(),
            client_id.to_string(),
        );
        let pid = std::process::id();
        let mut registry = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
        if registry.as_ref().is_none_or(|(owner, _)| *owner != pid) {
            *registry = Some((pid, HashMap::new()));
        }
        let (_, budgets) = registry.as_mut().expect("set above");
        budgets.entry(key).or_default().clone()
    }

    /// The bucket of the group `path` belongs to.
    pub fn bucket(&self, path: &str) -> Arc<Bucket> {
        let (name, prior) = group(path);
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        buckets
            .entry(name)
            .or_insert_with_key(|name| Bucket::new(name.clone(), prior))
            .clone()
    }

    /// Waits in line for a token of `path`'s group (see [`Bucket::acquire`]).
    pub async fn acquire(&self, path: &str) -> Result<Permit, OverDeadline> {
        self.bucket(path).acquire().await
    }
}

/// Exponential backoff from `base`, doubled per attempt, capped at 30 s, with up to 25 %
/// jitter so that concurrent retries spread out (for 5xx and network failures).
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let exponential = base.saturating_mul(1u32 << attempt.min(16));
    let capped = exponential.min(Duration::from_secs(30));
    let jitter = rand::random::<f64>() * 0.25;
    capped.mul_f64(1.0 + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_personios_groups() {
        let paths = [
            ("/v1/auth", "/v1/auth"),
            ("/v1/company/employees", "/v1/company/employees"),
            ("/v1/company/employees/42/", "/v1/company/employees"),
            ("/v1/company/employees/attributes", "/v1/company/employees"),
            ("/v1/company/employeesx", "/v1"),
            ("/v1/company/custom-reports/reports/a1", "/v1"),
            ("/v2/auth/token", "/v2/auth"),
            (
                "/v2/reports/6f976df8-1b2c-4d5e-8f90-123456789abc",
                "/v2/reports",
            ),
            ("/v2/reports", "/v2/reports"),
            ("/v2/persons/12/employments", "/v2/persons/employments"),
            ("/v2/absence-periods", "/v2/absence-periods"),
        ];
        for (path, name) in paths {
            assert_eq!(group(path).0, name, "{path}");
        }
        assert_eq!(group("/v1/company/employees").1, V1_EMPLOYEES);
        assert_eq!(group("/v2/attendance-periods").1, V2_ENDPOINT);
    }

    #[test]
    fn one_budget_per_origin_and_client_id() {
        let url = |s: &str| Url::parse(s).unwrap();
        let a = RateBudget::shared(&url("https://budget.test"), "id-a");
        let same = RateBudget::shared(&url("https://budget.test/some/prefix/"), "id-a");
        let other_id = RateBudget::shared(&url("https://budget.test"), "id-b");
        let other_host = RateBudget::shared(&url("https://other.budget.test"), "id-a");
        assert!(Arc::ptr_eq(&a, &same));
        assert!(!Arc::ptr_eq(&a, &other_id));
        assert!(!Arc::ptr_eq(&a, &other_host));
        // Groups are buckets of their own; paths of one group share one.
        assert!(Arc::ptr_eq(
            &a.bucket("/v2/reports/x1"),
            &same.bucket("/v2/reports/y2")
        ));
        assert!(!Arc::ptr_eq(
            &a.bucket("/v2/reports"),
            &a.bucket("/v1/auth")
        ));
        assert_eq!(a.bucket("/v2/reports/x1").name(), "/v2/reports");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let first = backoff(Duration::from_millis(100), 0);
        let later = backoff(Duration::from_millis(100), 4);
        assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(125));
        assert!(later >= Duration::from_millis(1600));
        assert!(backoff(Duration::from_secs(1), 30) <= Duration::from_millis(37_500));
    }
}
