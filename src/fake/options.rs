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
    /// Extra credentials of this company, besides the default one.
    pub credentials: Vec<CredentialSpec>,
    /// More companies served by the same server, each reached only through its own
    /// credentials (see [`CompanySpec`]). The company of `seed`, `employees` and
    /// `custom_attributes`, with the default credential and `credentials`, comes first.
    pub companies: Vec<CompanySpec>,
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
    /// Personio-like rate limits, enforced per credential and endpoint group with
    /// Personio's headers (see [`RateLimits`]); `None` (default) = no limits, no headers.
    pub rate_limits: Option<RateLimits>,
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
    /// Largest v2 report page, in rows; larger `limit`s (and "all") are clamped. `None`
    /// (default) = no cap, as far as anyone has seen. A cap makes a small report span
    /// several cursor pages, so that faults can hit a v2 read mid-listing.
    pub report_v2_page_cap: Option<usize>,
    /// Injected faults, each reproducible from `seed` (see [`FaultSpec`]).
    pub faults: Vec<FaultSpec>,
    /// `next` links of v2 attendance periods, projects, the absence listings and the org
    /// listings (org units, cost centers, legal entities, workplaces) as relative hrefs
    /// (`/v2/attendance-periods?cursor=..`) instead of absolute ones; Personio sent both.
    pub attendance_relative_links: bool,
    /// Largest page of v2 projects and the org listings; larger `limit`s are clamped.
    /// `None` (default) = each endpoint's own maximum. A small cap makes the small
    /// catalogues span several cursor pages.
    pub v2_list_page_cap: Option<usize>,
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
            companies: Vec::new(),
            token_ttl_seconds: 86_400,
            v1_auth_without_expires_in: false,
            server_errors: 0,
            malformed_responses: 0,
            revoke_tokens_after: None,
            rate_limits: None,
            updated_at_base: None,
            overrides: Vec::new(),
            legacy_attribute_objects: super::company::DEFAULT_LEGACY_EVERY,
            report_updating_reads: 2,
            report_page_cap: 200,
            wide_report_columns: 0,
            report_v2_page_cap: None,
            faults: Vec::new(),
            attendance_relative_links: false,
            v2_list_page_cap: None,
        }
    }
}

/// One more company of [`FakeOptions::companies`]: its own employees, reports,
/// attendances, absences and org listings, generated from its own seed, and the
/// credentials that reach it. A token issued for one of them reads and writes this
/// company only; its rate budget is its credential's, as for any credential. The
/// other knobs (`updated_at_base`, `legacy_attribute_objects`, the report and page
/// caps, `faults`, `rate_limits`) apply to every company alike; `overrides` and
/// `whitelist` to the first one only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanySpec {
    /// Seed of this company (give each company its own, or they look alike).
    pub seed: u64,
    /// Number of employees; default 200.
    #[serde(default = "default_employees")]
    pub employees: usize,
    /// Number of custom `dynamic_<n>` attributes; default 27.
    #[serde(default = "default_custom_attributes")]
    pub custom_attributes: usize,
    /// Its credentials, at least one; client IDs are unique across all companies.
    pub credentials: Vec<CredentialSpec>,
}

fn default_employees() -> usize {
    FakeOptions::default().employees
}

fn default_custom_attributes() -> usize {
    FakeOptions::default().custom_attributes
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

/// The rate limits of [`FakeOptions::rate_limits`]: `"personio"` for Personio's
/// documented limits, `"ample"` for far more room than any test uses, or a token bucket
/// per group, e.g. `{"v1": {"burst": 5,
/// "per_second": 2}}` (groups left out are not limited).
///
/// Every data route is limited per credential (the token's), the token endpoints per
/// caller (Personio limits them per IP; here everyone is 127.0.0.1). Answers carry the
/// bucket as Personio announces it: v1 routes `X-RateLimit-Limit` (the burst),
/// `X-RateLimit-Remaining` and `X-RateLimit-Reset` (whole seconds until the bucket is
/// full again), plus `Retry-After` (whole seconds until a token is back) on a 429; v2
/// routes `x-ratelimit-burst-capacity`, `x-ratelimit-replenish-rate`,
/// `x-ratelimit-remaining` and `x-ratelimit-requested-tokens`, and no `Retry-After`
/// (V2_NOTES 8). Over the limit the answer is 429 in the route's error shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RateLimits {
    /// Named limits.
    Preset(RateLimitPreset),
    /// A bucket per group.
    Groups(RateLimitGroups),
}

/// Named rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimitPreset {
    /// What Personio documents: v1 employees 300 a minute with bursts of 15, the rest of
    /// v1 2000 a minute (bursts of 30), `/v1/auth` 60 a minute (bursts of 5); each v2
    /// endpoint 10 a second (bursts of 10), `/v2/auth/*` 150 a minute (bursts of 5).
    Personio,
    /// Every group 1000 a second with bursts of 1000: far more room than a test or a
    /// benchmark uses, announced in the headers, so that a client pacing by them does
    /// not stretch the run.
    Ample,
}

/// A token bucket per endpoint group; a group left out is not limited.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitGroups {
    /// `/v1/company/employees` and every path below it.
    pub employees: Option<RateLimitSpec>,
    /// Every other v1 data route (custom reports), one bucket for all of them.
    pub v1: Option<RateLimitSpec>,
    /// `POST /v1/auth`.
    pub v1_auth: Option<RateLimitSpec>,
    /// Each v2 data endpoint (path without its ids: `/v2/reports/{id}` and
    /// `/v2/reports` are one), a bucket of this size each.
    pub v2: Option<RateLimitSpec>,
    /// `POST /v2/auth/token` and `/v2/auth/revoke`.
    pub v2_auth: Option<RateLimitSpec>,
}

/// A token bucket: `burst` requests at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Bucket size (v1 `X-RateLimit-Limit`, v2 `x-ratelimit-burst-capacity`).
    pub burst: u32,
    /// Refill rate in requests per second (v2 `x-ratelimit-replenish-rate`).
    pub per_second: f64,
}

impl RateLimits {
    /// The bucket of each group.
    pub fn groups(&self) -> RateLimitGroups {
        let spec = |burst, per_second| Some(RateLimitSpec { burst, per_second });
        match self {
            RateLimits::Preset(RateLimitPreset::Personio) => RateLimitGroups {
                employees: spec(15, 5.0),
                v1: spec(30, 2000.0 / 60.0),
                v1_auth: spec(5, 1.0),
                v2: spec(10, 10.0),
                v2_auth: spec(5, 2.5),
            },
            RateLimits::Preset(RateLimitPreset::Ample) => RateLimitGroups {
                employees: spec(1000, 1000.0),
                v1: spec(1000, 1000.0),
                v1_auth: spec(1000, 1000.0),
                v2: spec(1000, 1000.0),
                v2_auth: spec(1000, 1000.0),
            },
            RateLimits::Groups(groups) => groups.clone(),
        }
    }
}

/// One injected fault of [`FakeOptions::faults`].
///
/// A fault counts the requests to its `routes` (from 0, in arrival order, each fault on
/// its own) and hits request number `after`, then the next ones, `count` in all; with
/// `probability`, each request from `after` on is hit with that probability instead
/// (drawn from a hash of the server's `seed`, the fault's position in the list and the
/// request's number, so the same request sequence meets the same faults), until
/// `count` hits. Where two faults hit the same request, the first listed answers it.
/// With concurrent pages, which page a request number lands on follows the arrival
/// order; the number of hits does not. Kind-specific fields are refused on other kinds.
///
/// As a Python caller passes it: `FakePersonio(faults=[{"kind": "server_error_burst",
/// "count": 3}, {"kind": "slow_body", "stall_ms": 3000, "routes": ["reports_v2"]}])`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// What goes wrong.
    pub kind: FaultKind,
    /// Routes it hits and counts. Default: the three listings, `["employees",
    /// "reports_v1", "reports_v2"]`; `"auth"` (both token endpoints) and `"writes"`
    /// (the v1 writes) only for server_error_burst, rate_limit_burst, connection_reset,
    /// truncated_body, malformed_body, slow_body and redirect; `"attendances"`,
    /// `"absences"` and `"org"` for every kind but lying_total, empty_page and
    /// records_move.
    #[serde(default = "FaultRoute::listings")]
    pub routes: Vec<FaultRoute>,
    /// Requests let through before the first hit. Default 1 (the second request: mid
    /// listing); 0 for lying_total. For records_move, the responses served before the
    /// listing changes; for token_revocation, the requests before every token dies.
    #[serde(default)]
    pub after: Option<u32>,
    /// Requests hit, at least 1. Default 1, but every request from `after` on for
    /// lying_total; ignored by token_revocation and records_move (they last).
    #[serde(default)]
    pub count: Option<u32>,
    /// Hit each request from `after` on with this probability (0 < p <= 1) instead of
    /// a run of consecutive ones.
    #[serde(default)]
    pub probability: Option<f64>,
    /// server_error_burst: the statuses, cycled (500..=599; default `[500, 502, 503]`).
    #[serde(default)]
    pub statuses: Option<Vec<u16>>,
    /// rate_limit_burst: seconds in v1's `Retry-After` and `X-RateLimit-Reset`
    /// (default 1).
    #[serde(default)]
    pub retry_after_seconds: Option<u64>,
    /// slow_body: how long to stall after the headers and half the body (default 5000).
    #[serde(default)]
    pub stall_ms: Option<u64>,
    /// redirect: the origin `Location` points to, keeping path and query (default
    /// `https://personio.example.invalid`).
    #[serde(default)]
    pub location: Option<String>,
    /// lying_total: what the totals claim (default `"huge"`).
    #[serde(default)]
    pub lie: Option<Lie>,
    /// records_move: how the listing changes (default `"move"`).
    #[serde(default)]
    pub mode: Option<MoveMode>,
}

/// The kinds of [`FaultSpec`]; on the wire in snake_case (`"server_error_burst"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// 5xx answers (`statuses`, cycled) in the route's error shape.
    ServerErrorBurst,
    /// 429 answers: v1 with `Retry-After`, `X-RateLimit-Limit`, `-Remaining: 0`,
    /// `-Reset`; v2 with `x-ratelimit-remaining: 0`, `-replenish-rate`,
    /// `-burst-capacity`, `-requested-tokens` and no `Retry-After`.
    RateLimitBurst,
    /// The token of the hit request expires: 401, and that token stays invalid (a new
    /// one works).
    TokenExpiry,
    /// Every token is revoked at request `after` (it answers 401) and the credential
    /// with it: token requests are refused from then on (v1 403 "Wrong credentials",
    /// v2 401 `invalid_client`), data requests answer 401.
    TokenRevocation,
    /// The TCP connection is closed (RST) without an answer.
    ConnectionReset,
    /// Status, headers and the full `Content-Length`, then half the body, then the
    /// connection is closed.
    TruncatedBody,
    /// A complete 200 whose body is the first half of the JSON: invalid JSON.
    MalformedBody,
    /// Status, headers, `Content-Length` and half the body, then a stall of
    /// `stall_ms`, then the rest.
    SlowBody,
    /// 307 to another origin (`location` + the request's path and query).
    Redirect,
    /// Totals that lie (see [`Lie`]).
    LyingTotal,
    /// A page with no records in the middle of a listing while the totals say there
    /// is more: v1 `data: []` / `items: []` with the true totals; v2 `_data: []` with a
    /// `next` link to where the hit page started.
    EmptyPage,
    /// The listing changes after the first `after` responses (see [`MoveMode`]); from
    /// then on the first record of every page sends its id as a JSON string (`"100"`
    /// where it was `100`): v1 employees `id`, v1 report items `employee_id`.
    RecordsMove,
}

impl FaultKind {
    /// The snake_case name, as in the options and in [`FakeStats`](super::FakeStats).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::ServerErrorBurst => "server_error_burst",
            FaultKind::RateLimitBurst => "rate_limit_burst",
            FaultKind::TokenExpiry => "token_expiry",
            FaultKind::TokenRevocation => "token_revocation",
            FaultKind::ConnectionReset => "connection_reset",
            FaultKind::TruncatedBody => "truncated_body",
            FaultKind::MalformedBody => "malformed_body",
            FaultKind::SlowBody => "slow_body",
            FaultKind::Redirect => "redirect",
            FaultKind::LyingTotal => "lying_total",
            FaultKind::EmptyPage => "empty_page",
            FaultKind::RecordsMove => "records_move",
        }
    }
}

/// Routes a fault hits, in the options as `"employees"` (`GET /v1/company/employees`),
/// `"reports_v1"` (`GET /v1/company/custom-reports/reports/{id}`), `"reports_v2"`
/// (`GET /v2/reports/{id}`), `"auth"` (`POST /v1/auth` and `POST /v2/auth/token`),
/// `"writes"` (the v1 writes), `"attendances"`, `"absences"` and `"org"` (the reads
/// named on each variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultRoute {
    /// The v1 employee listing.
    Employees,
    /// v1 custom report pages.
    ReportsV1,
    /// v2 report pages.
    ReportsV2,
    /// The v1 and v2 token endpoints.
    Auth,
    /// The v1 writes: `POST`/`PATCH /v1/company/employees[/{id}]`, `POST
    /// /v1/company/attendances`, `POST /v1/company/time-offs`, `DELETE` of one attendance
    /// or time-off. A `connection_reset` there applies the write, then resets.
    Writes,
    /// `GET /v1/company/attendances` and `GET /v2/attendance-periods`.
    Attendances,
    /// `GET /v1/company/time-offs`, `/v1/company/absence-periods`,
    /// `/v2/absence-periods` and `/v2/absence-periods/{id}/breakdowns`.
    Absences,
    /// `GET /v2/org-units`, `/v2/cost-centers`, `/v2/legal-entities`,
    /// `/v2/workplaces` and `/v2/projects`.
    Org,
}

impl FaultRoute {
    fn listings() -> Vec<FaultRoute> {
        vec![
            FaultRoute::Employees,
            FaultRoute::ReportsV1,
            FaultRoute::ReportsV2,
        ]
    }
}

/// What lying totals claim, per route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lie {
    /// v1 employees and reports: `total_elements` and `total_pages` 10^9 (employees'
    /// `total_pages` = 10^9 / limit).
    Huge,
    /// v1: `total_elements` and `total_pages` 0.
    Zero,
    /// v1 employees: half the real count (and its pages); v1 reports: `total_pages` 1
    /// and `total_elements` one page's worth.
    Short,
}

/// How records move between the pages of a listing (employees, report rows alike);
/// `mid` is the record at position len/2 of the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveMode {
    /// The first record is deleted: offset paging skips the one that slides onto the
    /// first page.
    Delete,
    /// `mid` is missing at first, then inserted first: offset paging repeats the last
    /// record of the first page.
    Insert,
    /// `mid` moves to the front: one record repeated, `mid` skipped, the set unchanged.
    Move,
}

impl FaultSpec {
    /// Requests let through before the first hit.
    pub(crate) fn after(&self) -> u32 {
        self.after.unwrap_or(match self.kind {
            FaultKind::LyingTotal => 0,
            _ => 1,
        })
    }

    /// Requests hit (`u32::MAX` = no end).
    pub(crate) fn count(&self) -> u32 {
        match self.kind {
            FaultKind::TokenRevocation | FaultKind::RecordsMove => u32::MAX,
            FaultKind::LyingTotal => self.count.unwrap_or(u32::MAX),
            _ => self.count.unwrap_or(1),
        }
    }

    pub(crate) fn statuses(&self) -> Vec<u16> {
        self.statuses.clone().unwrap_or_else(|| vec![500, 502, 503])
    }

    pub(crate) fn location(&self) -> &str {
        self.location
            .as_deref()
            .unwrap_or("https://personio.example.invalid")
    }

    /// Refuses what cannot work, and fields of another kind.
    fn validate(&self) -> Result<(), String> {
        use FaultKind as K;
        let only = |given: bool, field: &str, kind: K| {
            if given && self.kind != kind {
                Err(format!("{field} belongs to {}", kind.name()))
            } else {
                Ok(())
            }
        };
        only(self.statuses.is_some(), "statuses", K::ServerErrorBurst)?;
        only(
            self.retry_after_seconds.is_some(),
            "retry_after_seconds",
            K::RateLimitBurst,
        )?;
        only(self.stall_ms.is_some(), "stall_ms", K::SlowBody)?;
        only(self.location.is_some(), "location", K::Redirect)?;
        only(self.lie.is_some(), "lie", K::LyingTotal)?;
        only(self.mode.is_some(), "mode", K::RecordsMove)?;
        if self.routes.is_empty() {
            return Err("routes may not be empty".into());
        }
        let transport_fault = matches!(
            self.kind,
            K::ServerErrorBurst
                | K::RateLimitBurst
                | K::ConnectionReset
                | K::TruncatedBody
                | K::MalformedBody
                | K::SlowBody
                | K::Redirect
        );
        if !transport_fault && self.routes.contains(&FaultRoute::Auth) {
            return Err("this fault does not apply to the auth routes".into());
        }
        if !transport_fault && self.routes.contains(&FaultRoute::Writes) {
            return Err("this fault does not apply to the write routes".into());
        }
        // The content faults change what the employee and report handlers send; the
        // token faults act before any handler, so they apply here too.
        let content_fault = matches!(self.kind, K::LyingTotal | K::EmptyPage | K::RecordsMove);
        let reads = [
            FaultRoute::Attendances,
            FaultRoute::Absences,
            FaultRoute::Org,
        ];
        if content_fault && self.routes.iter().any(|r| reads.contains(r)) {
            return Err(
                "this fault does not apply to the attendance, absence and org routes".into(),
            );
        }
        if self.count == Some(0) {
            return Err("count must be at least 1".into());
        }
        if let Some(p) = self.probability {
            if matches!(self.kind, K::TokenRevocation | K::RecordsMove) {
                return Err("probability does not apply: this fault happens once".into());
            }
            if !(p > 0.0 && p <= 1.0) {
                return Err(format!("probability must be in (0, 1], got {p}"));
            }
        }
        if let Some(statuses) = &self.statuses {
            if statuses.is_empty() || statuses.iter().any(|s| !(500..=599).contains(s)) {
                return Err("statuses must be a non-empty list of 5xx codes".into());
            }
        }
        if self.stall_ms == Some(0) {
            return Err("stall_ms must be at least 1".into());
        }
        if let Some(location) = &self.location {
            let ok = url::Url::parse(location)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !ok {
                return Err(format!(
                    "location must be an http(s) origin, got {location:?}"
                ));
            }
        }
        Ok(())
    }
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
        "org_units:read",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

impl FakeOptions {
    /// Refuses settings that cannot work, before anything is bound.
    pub(crate) fn validate(&self, default_client_id: &str) -> Result<(), FakeError> {
        let invalid = |msg: String| Err(FakeError::InvalidOptions(msg));
        if let Some(limits) = &self.rate_limits {
            let g = limits.groups();
            for (name, spec) in [
                ("employees", g.employees),
                ("v1", g.v1),
                ("v1_auth", g.v1_auth),
                ("v2", g.v2),
                ("v2_auth", g.v2_auth),
            ] {
                if spec.is_some_and(|s| {
                    s.burst == 0 || !(s.per_second.is_finite() && s.per_second > 0.0)
                }) {
                    return invalid(format!(
                        "rate_limits.{name} needs burst >= 1 and per_second > 0"
                    ));
                }
            }
        }
        if self.report_page_cap == 0 {
            return invalid("report_page_cap must be at least 1".into());
        }
        if self.report_v2_page_cap == Some(0) {
            return invalid("report_v2_page_cap must be at least 1".into());
        }
        if self.v2_list_page_cap == Some(0) {
            return invalid("v2_list_page_cap must be at least 1".into());
        }
        for (n, f) in self.faults.iter().enumerate() {
            f.validate().map_err(|e| {
                FakeError::InvalidOptions(format!("faults[{n}] ({}): {e}", f.kind.name()))
            })?;
        }
        if self.revoke_tokens_after == Some(0) {
            return invalid("revoke_tokens_after must be at least 1".into());
        }
        if let Some(n) = self.companies.iter().position(|c| c.credentials.is_empty()) {
            return invalid(format!("companies[{n}] needs at least one credential"));
        }
        let mut ids = vec![default_client_id];
        let every_credential = self
            .credentials
            .iter()
            .chain(self.companies.iter().flat_map(|c| &c.credentials));
        for c in every_credential {
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
    }

    #[test]
    fn companies_need_credentials_of_their_own() {
        let o: FakeOptions = serde_json::from_str(
            r#"{"companies": [{"seed": 7, "credentials": [{"client_id": "b", "client_secret": "s"}]}]}"#,
        )
        .unwrap();
        assert!(o.validate("x").is_ok());
        assert_eq!(
            (o.companies[0].employees, o.companies[0].custom_attributes),
            (200, 27)
        );
        for bad in [
            r#"{"companies": [{"seed": 7, "credentials": []}]}"#,
            r#"{"companies": [{"seed": 7, "credentials": [{"client_id": "x", "client_secret": "s"}]}]}"#,
            r#"{"credentials": [{"client_id": "b", "client_secret": "s"}],
                "companies": [{"seed": 7, "credentials": [{"client_id": "b", "client_secret": "t"}]}]}"#,
        ] {
            let o: FakeOptions = serde_json::from_str(bad).unwrap();
            assert!(o.validate("x").is_err(), "{bad}");
        }
        assert!(
            serde_json::from_str::<FakeOptions>(r#"{"companies": [{"employees": 5}]}"#).is_err()
        );
    }

    #[test]
    fn rate_limits_are_a_preset_or_groups() {
        let o: FakeOptions = serde_json::from_str(r#"{"rate_limits": "personio"}"#).unwrap();
        let g = o.rate_limits.unwrap().groups();
        assert_eq!(
            g.employees,
            Some(RateLimitSpec {
                burst: 15,
                per_second: 5.0
            })
        );
        assert!(g.v2.is_some() && g.v2_auth.is_some());
        let o: FakeOptions = serde_json::from_str(r#"{"rate_limits": "ample"}"#).unwrap();
        let g = o.rate_limits.unwrap().groups();
        for group in [g.employees, g.v1, g.v1_auth, g.v2, g.v2_auth] {
            assert_eq!(group.map(|s| s.burst), Some(1000));
        }
        let o: FakeOptions =
            serde_json::from_str(r#"{"rate_limits": {"v1": {"burst": 5, "per_second": 2}}}"#)
                .unwrap();
        assert!(o.validate("x").is_ok());
        let g = o.rate_limits.unwrap().groups();
        assert_eq!((g.v1.unwrap().burst, g.employees), (5, None));
        for bad in [
            r#"{"rate_limits": "pesonio"}"#,
            r#"{"rate_limits": {"v3": {"burst": 5, "per_second": 2}}}"#,
            r#"{"rate_limits": {"v1": {"burst": 5, "per_second": 2, "retry_after": true}}}"#,
        ] {
            assert!(serde_json::from_str::<FakeOptions>(bad).is_err(), "{bad}");
        }
        let zero: FakeOptions =
            serde_json::from_str(r#"{"rate_limits": {"v2": {"burst": 0, "per_second": 2}}}"#)
                .unwrap();
        assert!(zero.validate("x").is_err());
    }

    #[test]
    fn faults_take_defaults_and_refuse_fields_of_other_kinds() {
        let o: FakeOptions = serde_json::from_str(
            r#"{"faults": [{"kind": "server_error_burst", "count": 3},
                           {"kind": "lying_total", "lie": "short"},
                           {"kind": "redirect", "routes": ["auth"], "after": 0},
                           {"kind": "token_expiry", "routes": ["attendances", "org"]}]}"#,
        )
        .unwrap();
        assert!(o.validate("x").is_ok());
        let f = &o.faults[0];
        assert_eq!(
            (f.after(), f.count(), f.statuses()),
            (1, 3, vec![500, 502, 503])
        );
        assert_eq!(f.routes, FaultRoute::listings());
        assert_eq!((o.faults[1].after(), o.faults[1].count()), (0, u32::MAX));
        for bad in [
            r#"{"faults": [{"kind": "slow_body", "lie": "huge"}]}"#,
            r#"{"faults": [{"kind": "token_expiry", "routes": ["auth"]}]}"#,
            r#"{"faults": [{"kind": "empty_page", "routes": ["absences"]}]}"#,
            r#"{"faults": [{"kind": "empty_page", "count": 0}]}"#,
            r#"{"faults": [{"kind": "connection_reset", "probability": 1.5}]}"#,
            r#"{"faults": [{"kind": "server_error_burst", "statuses": [404]}]}"#,
            r#"{"faults": [{"kind": "redirect", "location": "ftp://x"}]}"#,
        ] {
            let o: FakeOptions = serde_json::from_str(bad).unwrap();
            assert!(o.validate("x").is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<FakeOptions>(r#"{"faults": [{"kind": "nope"}]}"#).is_err());
        assert!(serde_json::from_str::<FakeOptions>(
            r#"{"faults": [{"kind": "redirect", "cnt": 1}]}"#
        )
        .is_err());
    }
}
