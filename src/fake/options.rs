//! The knobs of the fake server.
//!
//! They live in one type so that Python (`FakePersonio(**kwargs)`), the CLI and Rust tests
//! can all pass every knob the same way; unknown keys are refused so a typo is an error
//! rather than a silently ignored setting.

use std::fmt;

use serde::Deserialize;

use super::FakeError;

/// Options of a [`FakeServer`](super::FakeServer). Every field has a default, so any
/// subset can be given (also as a JSON/dict object).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FakeOptions {
    /// Seed of the synthetic company. The company is a pure function of
    /// (`seed`, `employees`, `custom_attributes`, `updated_at_base`).
    pub seed: u64,
    /// Number of employees in the company.
    pub employees: usize,
    /// Number of custom `dynamic_<n>` attributes, besides the 33 standard ones (records
    /// also carry 2 keys `/attributes` does not list).
    pub custom_attributes: usize,
    /// Sleep this long before answering every request (auth included).
    pub latency_ms: u64,
    /// Port to bind on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Attribute keys the default credential may read; `None` = all. `id` is always read.
    pub whitelist: Option<Vec<String>>,
    /// Extra credentials, besides the default one.
    pub credentials: Vec<CredentialSpec>,
    /// Token lifetime: the `expires_in` announced, and tokens really expire after it.
    pub token_ttl_seconds: u64,
    /// `POST /v1/auth` answers without `expires_in` (observed on real accounts); tokens
    /// still expire after `token_ttl_seconds`.
    pub v1_auth_without_expires_in: bool,
    /// The next N non-auth requests answer 503 with a v1 error body.
    pub server_errors: u32,
    /// The next N non-auth requests that would answer 200 get a truncated JSON body
    /// (the first half of it), still with status 200.
    pub malformed_responses: u32,
    /// After every N authenticated data requests all issued tokens become invalid (401),
    /// forcing the client to authenticate again.
    pub revoke_tokens_after: Option<u32>,
    /// Token bucket over non-auth requests; over it the answer is 429.
    pub rate_limit: Option<RateLimitSpec>,
    /// The company's "now" (ISO datetime, naive = UTC, or `YYYY-MM-DD`):
    /// `last_modified_at` values fall in the three years before it, hire dates around
    /// it. Default `2026-01-01T00:00:00Z`; fixed, so the company does not depend on the
    /// clock.
    pub updated_at_base: Option<String>,
    /// Wire values to send instead of the generated ones, for tests of odd data.
    pub overrides: Vec<ValueOverride>,
    /// Every N-th employee (positions N-1, 2N-1, ...) sends attribute objects with only
    /// `label` and `value`, as older accounts do (observed); 0 = none, 1 = all.
    pub legacy_attribute_objects: usize,
    /// The custom report that is still `updating` turns `up_to_date` after this many
    /// reads: every v1 GET of the report list or of that report counts one, and the
    /// first `report_updating_reads` of them still say `updating` (0 = never updating).
    pub report_updating_reads: u32,
    /// Largest v1 custom-report page, in employees; larger `limit`s are clamped.
    pub report_page_cap: usize,
    /// When not 0, one more report, "Wide export" (point_in_time), with this many
    /// columns: the Headcount columns over and over, each copy under its own id. For
    /// benchmarks of wide reports.
    pub wide_report_columns: usize,
}

/// One attribute value of one employee, replaced on the wire.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueOverride {
    /// Position of the employee in the listing (0 = first).
    pub employee: usize,
    /// Attribute key, e.g. `hire_date` or `dynamic_1234`.
    pub key: String,
    /// The JSON value to send as the attribute's `value`.
    pub value: serde_json::Value,
}

impl Default for FakeOptions {
    fn default() -> Self {
        FakeOptions {
            seed: 0,
            employees: 200,
            custom_attributes: 27,
            latency_ms: 0,
            port: 0,
            whitelist: None,
            credentials: Vec::new(),
            token_ttl_seconds: 86_400,
            v1_auth_without_expires_in: false,
            server_errors: 0,
            malformed_responses: 0,
            revoke_tokens_after: None,
            rate_limit: None,
            updated_at_base: None,
            overrides: Vec::new(),
            legacy_attribute_objects: super::company::DEFAULT_LEGACY_EVERY,
            report_updating_reads: 2,
            report_page_cap: 200,
            wide_report_columns: 0,
        }
    }
}

/// An extra API credential, as a Personio admin would create one.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialSpec {
    /// The client ID; must differ from every other credential's.
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
    /// Readable attribute keys; `None` = all.
    #[serde(default)]
    pub whitelist: Option<Vec<String>>,
    /// Granted scopes, e.g. `employees:read`; default [`all_scopes`].
    #[serde(default = "all_scopes")]
    pub scopes: Vec<String>,
}

// Hand-written so that printing options never shows a secret.
impl fmt::Debug for CredentialSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialSpec")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("whitelist", &self.whitelist)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// A token bucket: `burst` requests at once, refilled at `per_second`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Bucket size (and `X-RateLimit-Limit`).
    pub burst: u32,
    /// Refill rate in requests per second.
    pub per_second: f64,
    /// Whether a 429 carries `Retry-After` (v1 does; v2 does not).
    #[serde(default = "yes")]
    pub retry_after: bool,
}

/// Every scope the fake knows; the default credential has them all.
pub fn all_scopes() -> Vec<String> {
    [
        "employees:read",
        "employees:write",
        "attendances:read",
        "attendances:write",
        "absences:read",
        "absences:write",
        "reports.custom:read",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

fn yes() -> bool {
    true
}

impl FakeOptions {
    /// Refuses settings that cannot work, before anything is bound.
    pub(crate) fn validate(&self, default_client_id: &str) -> Result<(), FakeError> {
        let invalid = |msg: String| Err(FakeError::InvalidOptions(msg));
        if let Some(rl) = &self.rate_limit {
            if rl.burst == 0 || !(rl.per_second.is_finite() && rl.per_second > 0.0) {
                return invalid("rate_limit needs burst >= 1 and per_second > 0".into());
            }
        }
        if self.report_page_cap == 0 {
            return invalid("report_page_cap must be at least 1".into());
        }
        if self.revoke_tokens_after == Some(0) {
            return invalid("revoke_tokens_after must be at least 1".into());
        }
        let mut ids = vec![default_client_id];
        for c in &self.credentials {
            if c.client_id.is_empty() || ids.contains(&c.client_id.as_str()) {
                return invalid(format!("duplicate or empty client_id {:?}", c.client_id));
            }
            ids.push(&c.client_id);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_objects_take_defaults_and_typos_fail() {
        let o: FakeOptions = serde_json::from_str(
            r#"{"employees": 5, "credentials": [{"client_id": "a", "client_secret": "s"}]}"#,
        )
        .unwrap();
        assert_eq!(o.employees, 5);
        assert_eq!(o.custom_attributes, 27);
        assert_eq!(o.credentials[0].scopes, all_scopes());
        assert!(!format!("{o:?}").contains("\"s\""));
        assert!(serde_json::from_str::<FakeOptions>(r#"{"employes": 5}"#).is_err());
        let rl: RateLimitSpec = serde_json::from_str(r#"{"burst": 2, "per_second": 1}"#).unwrap();
        assert!(rl.retry_after);
    }
}
