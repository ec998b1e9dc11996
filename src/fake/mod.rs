//! A fake Personio server: the ground of every test and what new users run without
//! credentials.
//!
//! It serves the v1 employee endpoints and profile pictures, the v1 custom reports and
//! v2 reports, v1 attendances, v2 attendance periods and projects, v1 time-offs,
//! absence periods, time-off types and balances, v2 absence periods (with their
//! breakdowns) and absence types, the v2 org listings (org units, cost centers, legal
//! entities, workplaces), the v1 writes (employees created and updated, attendances
//! created in batches and deleted, time-offs created and deleted: their records are
//! read back by every listing), and the v1/v2 token endpoints
//! with Personio's shapes, paging rules, caps, error bodies and
//! wire quirks (see `personio-api/API_NOTES.md` and `V2_NOTES.md`), over a
//! deterministic synthetic company, on 127.0.0.1 only. It shares no code with the client
//! on purpose: it writes JSON the way Personio does, so a client bug cannot hide behind a
//! shared model.
//!
//! Where real accounts were seen to send something the spec does not say
//! (`personio-api/OBSERVED.md`), the fake sends that, and each module's docs mark its
//! shapes **observed** (seen on real accounts) or **assumed** (our guess): v1 auth
//! errors in `auth`; legacy attribute objects, ids above 2^53, date offsets, nested
//! objects and unlisted keys in `company`; v1 report metadata in `reports_v1`; the v2
//! report table, option keys and errors in `reports_v2` and `errors`. Knobs for these:
//! `legacy_attribute_objects` and `v1_auth_without_expires_in` (see [`FakeOptions`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), personio_arrow::fake::FakeError> {
//! use personio_arrow::fake::{FakeOptions, FakeServer};
//! let server = FakeServer::start(FakeOptions { employees: 50, ..Default::default() }).await?;
//! println!("{} {}", server.url(), server.client_id());
//! # Ok(()) }
//! ```
//!
//! One server can serve several companies (`FakeOptions::companies`, see
//! [`CompanySpec`]): every credential reaches one company, and its tokens read and
//! write that company only (each company has its own `AppState`; a data request gets
//! its credential's, see `call`). Tokens, rate limits (per credential, as always),
//! faults and counters are the server's, shared by all.
//!
//! Faults, reproducible from the seed, come through `FakeOptions::faults` (a list of
//! [`FaultSpec`]): `server_error_burst`, `rate_limit_burst`, `token_expiry`,
//! `token_revocation`, `connection_reset`, `truncated_body`, `malformed_body`,
//! `slow_body`, `redirect`, `lying_total`, `empty_page` and `records_move`, on the
//! employee listing, v1 and v2 report pages and (some of them) the token endpoints and
//! the writes.
//! What each one sends is described in `faults`; [`FakeStats::by_fault`] counts hits.
//! `report_v2_page_cap` splits v2 reports into several cursor pages so that faults can
//! land mid-listing there too.
//!
//! Layout: `options` (knobs), `company` (the synthetic company), `auth` (credentials,
//! tokens, token endpoints), `employees` (the employee routes), `reports` (custom
//! report types and read counting), `report_catalogue` (the reports of the company),
//! `report_values` and `report_history` (report cells), `reports_v1` and `reports_v2`
//! (the two report wire formats; the v1 -> v2 mapping is documented in `reports_v2`),
//! `attendance_data` (attendances and projects), `attendances` (their v1 and v2
//! routes, and how one attendance looks in each), `projects` (v2 projects),
//! `org_data` (org units, cost centers, legal entities, workplaces) and `org_routes`
//! (their v2 listings), `v2_lists` (how those and projects page), `pictures` (profile
//! pictures) and `images` (the image files they send),
//! `absence_data` (absence types and absences), `absences_v1` and `absences_v2` (their
//! routes, each listing with its own paging),
//! `employee_writes`, `attendance_writes` and `absence_writes` (the v1 writes, taking
//! bodies through `write_input`; the employee records they leave are made in
//! `company::roster`), `store` (the locks the writes change records under),
//! `query` (their query strings), `cursor` (v2 cursors), `errors` (error bodies), `limits` (rate limits per
//! credential and endpoint group, with Personio's headers), `faults` (injected
//! faults), `conn` (the listener whose connections a fault can reset), `stats`
//! (counters, latency), `json` (writing); `test_support` (what the unit tests build
//! on).

mod absence_data;
mod absence_writes;
mod absences_v1;
mod absences_v2;
mod attendance_data;
mod attendance_writes;
mod attendances;
mod auth;
mod call;
mod company;
mod conn;
mod cursor;
mod employee_writes;
mod employees;
mod errors;
mod faults;
mod images;
mod json;
mod limits;
mod options;
mod org_data;
mod org_routes;
mod pictures;
mod projects;
mod query;
mod report_catalogue;
mod report_history;
mod report_values;
mod reports;
mod reports_v1;
mod reports_v2;
mod stats;
mod store;
#[cfg(test)]
mod test_support;
mod v2_lists;
mod write_input;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::Method;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{delete, get, post, MethodRouter};
use axum::Router;
use chrono::{DateTime, Utc};
use rand::rngs::SmallRng;
use rand::SeedableRng;
use tokio::sync::watch;

pub use options::{
    all_scopes, CompanySpec, CredentialSpec, FakeOptions, FaultKind, FaultRoute, FaultSpec, Lie,
    MoveMode, RateLimitGroups, RateLimitPreset, RateLimitSpec, RateLimits, ValueOverride,
};
pub use stats::FakeStats;

use auth::{Auth, Credential};
use company::Company;
use conn::{ConnHandle, FaultListener};
use faults::Faults;
use limits::Limits;
use reports::Catalogue;
use stats::Stats;

/// The default credential's client ID (its secret is random per start).
const DEFAULT_CLIENT_ID: &str = "fake-client-id";
/// The company's "now" unless `updated_at_base` says otherwise.
const DEFAULT_BASE: &str = "2026-01-01T00:00:00Z";

/// Why the fake server could not start.
#[derive(Debug, thiserror::Error)]
pub enum FakeError {
    /// The options contradict themselves or cannot work.
    #[error("invalid fake server options: {0}")]
    InvalidOptions(String),
    /// 127.0.0.1:`port` could not be bound (taken, or no permission).
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for (0 = any).
        port: u16,
        /// The OS error.
        source: std::io::Error,
    },
}

/// State of one company, shared by every route and middleware; the tokens, rate
/// limits, faults and counters are shared by every company of the server.
pub(crate) struct AppState {
    company: RwLock<Arc<Company>>,
    reports: Catalogue,
    auth: Arc<Auth>,
    faults: Arc<Faults>,
    /// `rate_limits`, when given.
    limits: Option<Arc<Limits>>,
    stats: Arc<Stats>,
    latency: Duration,
    /// `report_v2_page_cap`, `usize::MAX` when none.
    report_v2_page_cap: usize,
    /// Every attendance of the company (see `attendance_data`).
    attendances: RwLock<Vec<attendance_data::Attendance>>,
    /// `attendance_relative_links`.
    attendance_relative_links: bool,
    /// The org listings (see `org_data`).
    org: org_data::OrgData,
    /// `v2_list_page_cap`, `usize::MAX` when none.
    v2_list_page_cap: usize,
    /// Every absence of the company (see `absence_data`).
    absences: RwLock<Vec<absence_data::Absence>>,
    /// The company's "now" (`updated_at_base`): absence balances are as of it.
    now: DateTime<Utc>,
    /// In the first company's state (the router's): the other companies' states, in
    /// the order of `FakeOptions::companies`; empty in theirs.
    others: Vec<Arc<AppState>>,
}

impl AppState {
    /// The state of company number `index` (0: the first, the router's), whose data
    /// a credential of that company reads and writes.
    pub(crate) fn of_company(self: &Arc<Self>, index: usize) -> Arc<AppState> {
        match index.checked_sub(1) {
            None => Arc::clone(self),
            Some(other) => Arc::clone(&self.others[other]),
        }
    }
}

/// What every company of one server shares.
struct Shared {
    auth: Arc<Auth>,
    faults: Arc<Faults>,
    limits: Option<Arc<Limits>>,
    stats: Arc<Stats>,
}

/// A running fake Personio server. Stops on [`shutdown`](Self::shutdown) or drop.
pub struct FakeServer {
    addr: SocketAddr,
    client_secret: String,
    state: Arc<AppState>,
    stop: watch::Sender<bool>,
}

// Hand-written so that the secret never lands in a log.
impl fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeServer")
            .field("url", &self.url())
            .field("client_id", &DEFAULT_CLIENT_ID)
            .finish_non_exhaustive()
    }
}

impl FakeServer {
    /// Builds the company, binds 127.0.0.1 and serves in the background.
    ///
    /// Must be called inside a tokio runtime; spawns the server on it and returns once
    /// it listens.
    pub async fn start(options: FakeOptions) -> Result<FakeServer, FakeError> {
        options.validate(DEFAULT_CLIENT_ID)?;
        let base_text = options.updated_at_base.as_deref().unwrap_or(DEFAULT_BASE);
        let base: DateTime<Utc> = company::parse_instant(base_text).ok_or_else(|| {
            FakeError::InvalidOptions(format!(
                "updated_at_base {base_text:?} is not an ISO datetime"
            ))
        })?;
        let first = CompanySpec {
            seed: options.seed,
            employees: options.employees,
            custom_attributes: options.custom_attributes,
            credentials: Vec::new(),
        };
        let specs: Vec<&CompanySpec> = std::iter::once(&first).chain(&options.companies).collect();
        let mut companies: Vec<Company> = specs
            .iter()
            .map(|spec| {
                let mut company =
                    Company::generate(spec.seed, spec.employees, spec.custom_attributes, base);
                company.set_legacy_every(options.legacy_attribute_objects);
                company
            })
            .collect();
        for o in &options.overrides {
            companies[0]
                .override_value(o.employee, &o.key, &o.value.to_string())
                .map_err(FakeError::InvalidOptions)?;
        }

        let client_secret = auth::random_hex(&mut SmallRng::seed_from_u64(auth::entropy()), 20);
        let default = CredentialSpec {
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: client_secret.clone(),
            whitelist: options.whitelist.clone(),
            scopes: all_scopes(),
        };
        let firsts = std::iter::once(&default)
            .chain(&options.credentials)
            .map(|spec| (0, spec));
        let others = specs
            .iter()
            .enumerate()
            .flat_map(|(index, company)| company.credentials.iter().map(move |c| (index, c)));
        let credentials = firsts
            .chain(others)
            .map(|(index, spec)| Credential::new(&companies[index], index, spec))
            .collect();
        let shared = Shared {
            auth: Arc::new(Auth::new(
                credentials,
                options.token_ttl_seconds,
                options.revoke_tokens_after,
                options.v1_auth_without_expires_in,
            )),
            faults: Arc::new(Faults::new(&options)),
            limits: Limits::new(&options).map(Arc::new),
            stats: Arc::new(Stats::default()),
        };
        let mut states = companies
            .into_iter()
            .zip(&specs)
            .map(|(company, spec)| company_state(&options, spec.seed, company, base, &shared));
        let mut state = states.next().expect("the first company");
        state.others = states.map(Arc::new).collect();
        let state = Arc::new(state);

        let port = options.port;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| FakeError::Bind { port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| FakeError::Bind { port, source })?;
        let (stop, mut stopped) = watch::channel(false);
        let app = router(state.clone()).into_make_service_with_connect_info::<ConnHandle>();
        tokio::spawn(async move {
            let signal = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            // An accept error ends the task; there is nobody to report it to.
            let _ = axum::serve(FaultListener(listener), app)
                .with_graceful_shutdown(signal)
                .await;
        });
        Ok(FakeServer {
            addr,
            client_secret,
            state,
            stop,
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Client ID of the default credential (`fake-client-id`).
    pub fn client_id(&self) -> &str {
        DEFAULT_CLIENT_ID
    }

    /// Client secret of the default credential: 40 hex characters, random per start.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// The custom reports as `(name, id)`, in the order v1 lists them. Ids are UUIDs
    /// drawn from the seed; the names are fixed: "Headcount", "Absences and attendance",
    /// "Department and salary history", "Performance", "Team overview" (updating),
    /// "Probation and contract ends" (update_failed), "Headcount by office" (grouped),
    /// "Compensation review" (not enabled for API access).
    pub fn reports(&self) -> Vec<(String, String)> {
        self.state
            .reports
            .reports
            .iter()
            .map(|r| (r.name.to_owned(), r.id.clone()))
            .collect()
    }

    /// The id of the custom report with this name (see [`reports`](Self::reports)).
    pub fn report_id(&self, name: &str) -> Option<String> {
        self.state
            .reports
            .reports
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.id.clone())
    }

    /// A snapshot of the request counters.
    pub fn stats(&self) -> FakeStats {
        self.state.stats.snapshot()
    }

    /// Every token this server issued (the last 4096), for tests that check that no
    /// token shows up in a message, a repr or a log.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.auth.issued()
    }

    /// Stops accepting connections and ends the server once in-flight requests are done.
    /// Idempotent; also done on drop.
    pub fn shutdown(&self) {
        self.stop.send_replace(true);
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The state of one company made of `company` (generated from `seed`) and the parts
/// every company shares.
fn company_state(
    options: &FakeOptions,
    seed: u64,
    company: Company,
    base: DateTime<Utc>,
    shared: &Shared,
) -> AppState {
    let reports = Catalogue::new(
        seed,
        &company,
        base,
        options.report_updating_reads,
        options.report_page_cap,
        options.wide_report_columns,
    );
    let employee_ids: Vec<i64> = company.employees.iter().map(|e| e.id).collect();
    AppState {
        absences: RwLock::new(absence_data::generate(seed, &employee_ids, base)),
        now: base,
        attendances: RwLock::new(attendance_data::generate(seed, &employee_ids, base)),
        org: org_data::OrgData::new(&company.org),
        v2_list_page_cap: options.v2_list_page_cap.unwrap_or(usize::MAX),
        attendance_relative_links: options.attendance_relative_links,
        reports,
        auth: Arc::clone(&shared.auth),
        faults: Arc::clone(&shared.faults),
        limits: shared.limits.clone(),
        stats: Arc::clone(&shared.stats),
        latency: Duration::from_millis(options.latency_ms),
        report_v2_page_cap: options.report_v2_page_cap.unwrap_or(usize::MAX),
        company: RwLock::new(Arc::new(company)),
        others: Vec::new(),
    }
}

/// Which routes a [`FaultSpec`] can name, by path template and method.
pub(crate) fn fault_route(path: &str, method: &Method) -> Option<FaultRoute> {
    let write = [Method::POST, Method::PATCH, Method::DELETE].contains(method);
    match path {
        "/v1/auth" | "/v2/auth/token" => Some(FaultRoute::Auth),
        "/v1/company/employees" if write => Some(FaultRoute::Writes),
        "/v1/company/employees" => Some(FaultRoute::Employees),
        "/v1/company/custom-reports/reports/{id}" => Some(FaultRoute::ReportsV1),
        "/v2/reports/{id}" => Some(FaultRoute::ReportsV2),
        "/v1/company/attendances" | "/v2/attendance-periods" if !write => {
            Some(FaultRoute::Attendances)
        }
        "/v1/company/time-offs"
        | "/v1/company/absence-periods"
        | "/v2/absence-periods"
        | "/v2/absence-periods/{id}/breakdowns"
            if !write =>
        {
            Some(FaultRoute::Absences)
        }
        "/v2/org-units" | "/v2/cost-centers" | "/v2/legal-entities" | "/v2/workplaces"
        | "/v2/projects" => Some(FaultRoute::Org),
        "/v1/company/employees/{id}"
        | "/v1/company/attendances"
        | "/v1/company/attendances/{id}"
        | "/v1/company/time-offs"
        | "/v1/company/time-offs/{id}"
            if write =>
        {
            Some(FaultRoute::Writes)
        }
        _ => None,
    }
}

/// The routes. Data routes sit behind the fault and token middleware, every route
/// behind the rate limits (`limits::enforce`) before that, and every route behind
/// `faults::route_faults` (which acts on the routes a [`FaultSpec`] can name) before that; every route is
/// labelled for the stats; unknown paths get a v1 404, wrong methods a v1 405; the
/// stats/latency middleware wraps it all.
fn router(state: Arc<AppState>) -> Router {
    // Order matters: the last layer added runs first, so the rate limit and faults
    // (429/503) come before the token check, as at a real gateway.
    let data = |path: &'static str, route: MethodRouter<Arc<AppState>>| {
        let route = route
            .route_layer(from_fn_with_state(state.clone(), auth::require_token))
            .route_layer(from_fn_with_state(state.clone(), faults::data_faults));
        (path, route)
    };
    let routes = [
        data(
            "/v1/company/employees",
            get(employees::list).post(employee_writes::create),
        ),
        data(
            "/v1/company/employees/attributes",
            get(employees::attributes),
        ),
        // Deprecated alias, same answer.
        data(
            "/v1/company/employees/custom-attributes",
            get(employees::attributes),
        ),
        data(
            "/v1/company/employees/{id}",
            get(employees::one).patch(employee_writes::update),
        ),
        data(
            "/v1/company/employees/{id}/profile-picture",
            get(pictures::original),
        ),
        data(
            "/v1/company/employees/{id}/profile-picture/{width}",
            get(pictures::of_width),
        ),
        data("/v1/company/custom-reports/reports", get(reports_v1::list)),
        data(
            "/v1/company/custom-reports/reports/{id}",
            get(reports_v1::one),
        ),
        data(
            "/v1/company/custom-reports/columns",
            get(reports_v1::columns),
        ),
        data(
            "/v1/company/attendances",
            get(attendances::v1_list).post(attendance_writes::create),
        ),
        data(
            "/v1/company/attendances/{id}",
            delete(attendance_writes::delete),
        ),
        data("/v2/attendance-periods", get(attendances::v2_list)),
        data("/v2/projects", get(projects::list)),
        data("/v2/org-units", get(org_routes::org_units)),
        data("/v2/cost-centers", get(org_routes::cost_centers)),
        data("/v2/legal-entities", get(org_routes::legal_entities)),
        data("/v2/workplaces", get(org_routes::workplaces)),
        data(
            "/v1/company/time-offs",
            get(absences_v1::time_offs).post(absence_writes::create),
        ),
        data("/v1/company/time-offs/{id}", delete(absence_writes::delete)),
        data(
            "/v1/company/absence-periods",
            get(absences_v1::absence_periods),
        ),
        data(
            "/v1/company/time-off-types",
            get(absences_v1::time_off_types),
        ),
        data(
            "/v1/company/employees/{id}/absences/balance",
            get(absences_v1::balance),
        ),
        data("/v2/absence-periods", get(absences_v2::periods)),
        data(
            "/v2/absence-periods/{id}/breakdowns",
            get(absences_v2::breakdowns),
        ),
        data("/v2/absence-types", get(absences_v2::types)),
        data("/v2/reports", get(reports_v2::list)),
        data("/v2/reports/{id}", get(reports_v2::one)),
        ("/v1/auth", post(auth::v1_token)),
        ("/v2/auth/token", post(auth::v2_token)),
        ("/v2/auth/revoke", post(auth::v2_revoke)),
    ];
    routes
        .into_iter()
        .fold(Router::new(), |app, (path, route)| {
            let route = route.route_layer(from_fn_with_state(
                state.clone(),
                move |State(s): State<Arc<AppState>>, req, next| {
                    limits::enforce(path, s, req, next)
                },
            ));
            let route = route.route_layer(from_fn_with_state(
                state.clone(),
                move |State(s): State<Arc<AppState>>, req, next| {
                    faults::route_faults(path, s, req, next)
                },
            ));
            let route = route
                .fallback(errors::method_not_allowed)
                .layer(from_fn(move |req, next| stats::tag_route(path, req, next)));
            app.route(path, route)
        })
        .fallback(errors::not_found)
        .layer(from_fn_with_state(state.clone(), stats::observe))
        .with_state(state)
}
