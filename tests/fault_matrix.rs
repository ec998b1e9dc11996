//! The fault matrix: every seeded fault of the fake server against every read of the
//! public client, each cell classified against the same read of a fault-free fake of
//! the same seed.
//!
//! ```text
//! cargo test --test fault_matrix -- --nocapture
//! ```
//!
//! prints a markdown table fault x read -> outcome:
//! - `ok`: the table equals the fault-free one;
//! - `error: <Variant>`: the read failed with that `personio_arrow::Error` variant;
//! - `SHORT n/m`: an Ok table with fewer rows than the true one;
//! - `WRONG ...`: an Ok table that differs otherwise (schema, values, extra rows);
//! - `HANG`: no answer within `FAULT_MATRIX_HANG_SECS` (default 60), or more than
//!   [`RUNAWAY_REQUESTS`] requests to the fake (a correct read of this company needs
//!   a few dozen: such a client is looping and would go on for a very long time);
//! - `NOT HIT`: the fault never fired, so the cell proves nothing (a harness bug);
//!   `PANIC`: the harness broke;
//! - `n/a`: a fault of the data (lying_total, empty_page, records_move), which only
//!   the employee and report listings send, on the attendance or absence read.
//!
//! A row that names no routes hits the read's own: the employee and report listings,
//! or the fake's `attendances` / `absences` routes for those reads.
//!
//! It fails if any cell is SHORT, WRONG, HANG or NOT HIT, or is an error where the
//! fault is one the client must recover from (5xx and 429 bursts within the retry
//! budget, one token expiry, one connection reset, one truncated body), or an error
//! other than the documented ones for the rest (the "must give" column).
//!
//! `FAULT_MATRIX_ONLY=a,b` runs only the faults whose label contains one of the given
//! texts.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::array::{Array, ArrayRef};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use futures::StreamExt;
use personio_arrow::fake::{FakeOptions, FakeServer, FaultSpec, RateLimitPreset, RateLimits};
use personio_arrow::{
    AbsenceApi, AbsenceQuery, AttendanceApi, AttendanceQuery, Client, EmployeeQuery, Options,
    ReportApi, ReportQuery, Secret, Table,
};
use serde_json::{json, Value};

const SEED: u64 = 7;
const EMPLOYEES: usize = 250;
/// v2 report pages of 100 rows, so that v2 reads span several pages like v1 ones.
const V2_PAGE_CAP: usize = 100;
/// Per-request client timeout, and the slow-body stall that outlasts it.
const CLIENT_TIMEOUT_SECS: f64 = 3.0;
const STALL_MS: u64 = 8_000;
/// Requests to the fake after which a read counts as runaway (a HANG).
const RUNAWAY_REQUESTS: u64 = 1_500;
/// Cells run at once.
const PARALLEL: usize = 4;

/// Error variants that stand for "the listing did not add up" (the second is the
/// client's name for a listing that changed while it was read).
const LISTING_ERRORS: &[&str] = &["InvalidResponse", "ListingChanged"];

/// One read of the public client.
#[derive(Clone, Copy)]
struct Read {
    label: &'static str,
    what: What,
}

/// What a [`Read`] reads.
#[derive(Clone, Copy)]
enum What {
    Employees,
    /// A custom report by name, through this API.
    Report(&'static str, ReportApi),
    /// The attendances of December 2025 (the fake's attendances fall in the 8 weeks
    /// before its "now"), over several v2 pages of 100.
    Attendances(AttendanceApi),
    /// The absences of 2025, over several v1 time-off pages of 200.
    Absences(AbsenceApi),
}

impl Read {
    /// The fault route a fault row hits for this read when the row names none: the
    /// default routes are the employee and report listings.
    fn own_route(self) -> Option<&'static str> {
        match self.what {
            What::Employees | What::Report(..) => None,
            What::Attendances(_) => Some("attendances"),
            What::Absences(_) => Some("absences"),
        }
    }
}

const READS: &[Read] = &[
    Read {
        label: "employees",
        what: What::Employees,
    },
    Read {
        label: "v1 point_in_time",
        what: What::Report("Headcount", ReportApi::V1),
    },
    Read {
        label: "v1 timeframe",
        what: What::Report("Absences and attendance", ReportApi::V1),
    },
    Read {
        label: "v1 historical_data",
        what: What::Report("Department and salary history", ReportApi::V1),
    },
    Read {
        label: "v2 point_in_time",
        what: What::Report("Headcount", ReportApi::V2),
    },
    Read {
        label: "v2 timeframe",
        what: What::Report("Absences and attendance", ReportApi::V2),
    },
    Read {
        label: "v2 historical_data",
        what: What::Report("Department and salary history", ReportApi::V2),
    },
    Read {
        label: "v2 attendances",
        what: What::Attendances(AttendanceApi::V2),
    },
    Read {
        label: "v1 time-offs",
        what: What::Absences(AbsenceApi::V1),
    },
];

/// Faults of the data itself, which only the employee and report listings send.
const CONTENT_FAULTS: &[&str] = &["lying_total", "empty_page", "records_move"];

/// What a fault row must give.
#[derive(Clone, Copy)]
enum Expect {
    /// The complete, correct table.
    Recover,
    /// The table, or one of these errors.
    OkOr(&'static [&'static str]),
    /// The table, or any error (what matters is that nothing short comes back).
    OkOrAnyError,
    /// One of these errors (the table cannot be had).
    ErrorIn(&'static [&'static str]),
}

impl Expect {
    fn describe(self) -> String {
        match self {
            Expect::Recover => "ok".into(),
            Expect::OkOr(errors) => format!("ok or {}", errors.join("/")),
            Expect::OkOrAnyError => "ok or any error".into(),
            Expect::ErrorIn(errors) => format!("error: {}", errors.join("/")),
        }
    }

    fn accepts(self, outcome: &Outcome) -> bool {
        match (self, outcome) {
            (_, Outcome::NotApplicable) => true,
            (Expect::ErrorIn(_), Outcome::Ok) => false,
            (_, Outcome::Ok) => true,
            (Expect::OkOr(allowed) | Expect::ErrorIn(allowed), Outcome::Error(v, _)) => {
                allowed.contains(&v.as_str())
            }
            (Expect::OkOrAnyError, Outcome::Error(..)) => true,
            _ => false,
        }
    }
}

/// One row of the matrix.
struct Fault {
    label: &'static str,
    spec: Value,
    expect: Expect,
}

fn faults() -> Vec<Fault> {
    let listing = Expect::OkOr(LISTING_ERRORS);
    let row = |label, spec, expect| Fault {
        label,
        spec,
        expect,
    };
    vec![
        row(
            "server_error_burst 502,503,504 x3",
            json!({"kind": "server_error_burst", "count": 3, "statuses": [502, 503, 504]}),
            Expect::Recover,
        ),
        row(
            "server_error_burst 500,502,503 x3",
            json!({"kind": "server_error_burst", "count": 3}),
            Expect::Recover,
        ),
        row(
            "server_error_burst 503 x40 (past the retry budget)",
            json!({"kind": "server_error_burst", "count": 40, "statuses": [503]}),
            Expect::OkOr(&["Server"]),
        ),
        row(
            "rate_limit_burst x3",
            json!({"kind": "rate_limit_burst", "count": 3}),
            Expect::Recover,
        ),
        row(
            "token_expiry",
            json!({"kind": "token_expiry"}),
            Expect::Recover,
        ),
        row(
            "token_revocation",
            json!({"kind": "token_revocation"}),
            Expect::ErrorIn(&["Authentication"]),
        ),
        row(
            "connection_reset",
            json!({"kind": "connection_reset"}),
            Expect::Recover,
        ),
        row(
            "connection_reset p=0.3, up to 3 (seeded)",
            json!({"kind": "connection_reset", "probability": 0.3, "count": 3, "after": 0}),
            Expect::Recover,
        ),
        row(
            "truncated_body",
            json!({"kind": "truncated_body"}),
            Expect::Recover,
        ),
        // A complete 200 that is not JSON is not a network hiccup: retrying is allowed,
        // reporting it is too.
        row(
            "malformed_body",
            json!({"kind": "malformed_body"}),
            Expect::OkOr(&["InvalidResponse"]),
        ),
        row(
            "slow_body (stall 8 s, timeout 3 s)",
            json!({"kind": "slow_body", "stall_ms": STALL_MS}),
            Expect::OkOr(&["Network"]),
        ),
        row(
            "redirect (data)",
            json!({"kind": "redirect"}),
            Expect::OkOrAnyError,
        ),
        row(
            "redirect (auth)",
            json!({"kind": "redirect", "routes": ["auth"], "after": 0}),
            Expect::OkOrAnyError,
        ),
        row(
            "lying_total huge",
            json!({"kind": "lying_total", "lie": "huge"}),
            listing,
        ),
        row(
            "lying_total zero",
            json!({"kind": "lying_total", "lie": "zero"}),
            listing,
        ),
        row(
            "lying_total short",
            json!({"kind": "lying_total", "lie": "short"}),
            listing,
        ),
        row("empty_page", json!({"kind": "empty_page"}), listing),
        row(
            "records_move delete",
            json!({"kind": "records_move", "mode": "delete"}),
            listing,
        ),
        row(
            "records_move insert",
            json!({"kind": "records_move", "mode": "insert"}),
            listing,
        ),
        row(
            "records_move move",
            json!({"kind": "records_move", "mode": "move"}),
            listing,
        ),
    ]
}

/// What one cell gave.
#[derive(Debug, Clone)]
enum Outcome {
    Ok,
    /// Variant name, message.
    Error(String, String),
    Short(usize, usize),
    Wrong(String),
    Hang(String),
    NotHit,
    /// The fault does not apply to the read's routes.
    NotApplicable,
    /// The harness itself broke.
    Panic(String),
}

impl Outcome {
    fn cell(&self) -> String {
        match self {
            Outcome::Ok => "ok".into(),
            Outcome::Error(variant, _) => format!("error: {variant}"),
            Outcome::Short(got, want) => format!("SHORT {got}/{want}"),
            Outcome::Wrong(why) => format!("WRONG {why}"),
            Outcome::Hang(why) => format!("HANG {why}"),
            Outcome::NotHit => "NOT HIT".into(),
            Outcome::NotApplicable => "n/a".into(),
            Outcome::Panic(why) => format!("PANIC ({why})"),
        }
    }
}

fn options(seed: u64, faults: Vec<FaultSpec>) -> FakeOptions {
    FakeOptions {
        seed,
        employees: EMPLOYEES,
        report_v2_page_cap: Some(V2_PAGE_CAP),
        faults,
        // Room announced far above what these reads use: the budget follows the
        // headers, so pacing does not stretch the run (the budget has its own tests).
        rate_limits: Some(RateLimits::Preset(RateLimitPreset::Ample)),
        ..FakeOptions::default()
    }
}

fn client_for(server: &FakeServer) -> Client {
    Client::new(Options {
        client_id: Some(server.client_id().to_string()),
        client_secret: Some(Secret::new(server.client_secret())),
        base_url: Some(server.url()),
        timeout: Some(CLIENT_TIMEOUT_SECS),
        ..Options::default()
    })
    .expect("client builds")
}

async fn run_read(
    client: &Client,
    server: &FakeServer,
    read: Read,
) -> personio_arrow::Result<Table> {
    match read.what {
        What::Employees => client.employees(&EmployeeQuery::default()).await,
        What::Report(name, api) => {
            let id = server.report_id(name).expect("the fake has the report");
            let query = ReportQuery {
                api,
                ..ReportQuery::default()
            };
            client.custom_report(&id, &query).await
        }
        What::Attendances(api) => {
            let query = AttendanceQuery {
                api,
                ..AttendanceQuery::from_days("2025-12-01", "2025-12-31").expect("valid days")
            };
            client.attendances(&query).await
        }
        What::Absences(api) => {
            let query = AbsenceQuery {
                api,
                ..AbsenceQuery::from_days("2025-01-01", "2025-12-31").expect("valid days")
            };
            client.absences(&query).await
        }
    }
}

/// Ends in `Err(why)` when the read takes too long or floods the fake.
async fn bounded_read(
    server: &FakeServer,
    read: Read,
    hang: Duration,
) -> Result<personio_arrow::Result<Table>, String> {
    let client = client_for(server);
    let began = Instant::now();
    let reading = run_read(&client, server, read);
    tokio::pin!(reading);
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    loop {
        tokio::select! {
            result = &mut reading => return Ok(result),
            _ = tick.tick() => {
                let requests = server.stats().requests;
                if requests > RUNAWAY_REQUESTS {
                    return Err(format!(
                        "(runaway: {requests} requests in {:.0} s)",
                        began.elapsed().as_secs_f64()
                    ));
                }
                if began.elapsed() > hang {
                    return Err(format!("(no answer in {} s)", hang.as_secs()));
                }
            }
        }
    }
}

/// Each row of a table as text, columns joined; nulls distinct from empty strings.
/// Instants are written as UTC without the zone name (arrow formats named zones only
/// with chrono-tz).
fn rows(table: &Table) -> Vec<String> {
    let format = FormatOptions::default().with_null("\u{2205}");
    let mut out = Vec::with_capacity(table.num_rows());
    for batch in &table.batches {
        let arrays: Vec<ArrayRef> = batch
            .columns()
            .iter()
            .map(|c| match c.data_type() {
                DataType::Timestamp(unit, Some(_)) => {
                    cast(c, &DataType::Timestamp(*unit, None)).expect("a timestamp casts")
                }
                _ => c.clone(),
            })
            .collect();
        let columns: Vec<Option<ArrayFormatter>> = arrays
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &format).ok())
            .collect();
        for r in 0..batch.num_rows() {
            let mut line = String::new();
            for (n, c) in columns.iter().enumerate() {
                if n > 0 {
                    line.push('\u{1f}');
                }
                match c {
                    Some(f) => {
                        let _ = write!(line, "{}", f.value(r));
                    }
                    None => {
                        let _ = write!(line, "{:?}", arrays[n].slice(r, 1));
                    }
                }
            }
            out.push(line);
        }
    }
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// How `got` compares with the true table: `None` when equal.
fn difference(got: &Table, want: &Table) -> Option<Outcome> {
    if got.schema.fields() != want.schema.fields() {
        let names = |t: &Table| -> Vec<String> {
            t.schema
                .fields()
                .iter()
                .map(|f| format!("{}:{}", f.name(), f.data_type()))
                .collect()
        };
        let (g, w) = (names(got), names(want));
        let first = g
            .iter()
            .zip(&w)
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("{a} vs {b}"))
            .unwrap_or_else(|| format!("{} vs {} columns", g.len(), w.len()));
        return Some(Outcome::Wrong(format!("(schema: {first})")));
    }
    let (g, w) = (rows(got), rows(want));
    if g == w {
        return None;
    }
    if g.len() < w.len() {
        return Some(Outcome::Short(g.len(), w.len()));
    }
    let mut want_count: HashMap<&str, i64> = HashMap::new();
    for r in &w {
        *want_count.entry(r).or_default() += 1;
    }
    for r in &g {
        *want_count.entry(r).or_default() -= 1;
    }
    let missing: i64 = want_count.values().filter(|&&n| n > 0).sum();
    let extra: i64 = -want_count.values().filter(|&&n| n < 0).sum::<i64>();
    Some(Outcome::Wrong(if missing == 0 && extra == 0 {
        "(row order)".into()
    } else {
        format!(
            "({} rows: {missing} missing, {extra} extra or changed)",
            g.len()
        )
    }))
}

fn same_rows_any_order(got: &Table, want: &Table) -> bool {
    got.schema.fields() == want.schema.fields() && sorted(rows(got)) == sorted(rows(want))
}

fn variant(error: &personio_arrow::Error) -> String {
    format!("{error:?}")
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn spec(value: &Value) -> FaultSpec {
    serde_json::from_value(value.clone()).expect("the matrix's fault specs are valid")
}

/// The table of `read` from a fake with these faults, read to the end (for the
/// records_move snapshots).
async fn snapshot(read: Read, faults: Vec<FaultSpec>) -> Option<Table> {
    let server = FakeServer::start(options(SEED, faults)).await.ok()?;
    let client = client_for(&server);
    run_read(&client, &server, read).await.ok()
}

/// Runs one cell.
async fn cell(fault: &Fault, read: Read, truth: &Table, hang: Duration) -> (Outcome, f64) {
    let began = Instant::now();
    let kind = fault.spec["kind"].as_str().unwrap().to_owned();
    let mut fault_spec = fault.spec.clone();
    if let Some(route) = read.own_route() {
        if CONTENT_FAULTS.contains(&kind.as_str()) {
            return (Outcome::NotApplicable, 0.0);
        }
        if fault_spec.get("routes").is_none() {
            fault_spec["routes"] = json!([route]);
        }
    }
    let server = FakeServer::start(options(SEED, vec![spec(&fault_spec)]))
        .await
        .expect("fake starts");
    let result = bounded_read(&server, read, hang).await;
    let fired = server.stats().by_fault.get(&kind).copied().unwrap_or(0);
    server.shutdown();
    let outcome = match result {
        Err(why) => Outcome::Hang(why),
        Ok(_) if fired == 0 => Outcome::NotHit,
        Ok(Err(e)) => Outcome::Error(variant(&e), e.to_string()),
        Ok(Ok(table)) => match difference(&table, truth) {
            None => Outcome::Ok,
            Some(diff) if kind == "records_move" => {
                // Records really moved: the table of the listing before the change or
                // after it (read by a fake where the change never or always was) is
                // as correct as the original, in any order.
                let mut before = fault.spec.clone();
                before["after"] = json!(u32::MAX);
                let mut after = fault.spec.clone();
                after["after"] = json!(0);
                let mut accepted = vec![truth.clone()];
                for s in [before, after] {
                    if let Some(t) = snapshot(read, vec![spec(&s)]).await {
                        accepted.push(t);
                    }
                }
                if accepted.iter().any(|t| same_rows_any_order(&table, t)) {
                    Outcome::Ok
                } else {
                    diff
                }
            }
            Some(diff) => diff,
        },
    };
    (outcome, began.elapsed().as_secs_f64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    let hang = Duration::from_secs(
        std::env::var("FAULT_MATRIX_HANG_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60),
    );
    let only: Vec<String> = std::env::var("FAULT_MATRIX_ONLY")
        .map(|s| {
            s.split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let faults: Vec<Fault> = faults()
        .into_iter()
        .filter(|f| only.is_empty() || only.iter().any(|o| f.label.contains(o.as_str())))
        .collect();
    let began = Instant::now();

    // The true tables: the same reads against a fault-free fake of the same seed.
    let truth: Vec<Arc<Table>> = {
        let server = FakeServer::start(options(SEED, Vec::new()))
            .await
            .expect("fake starts");
        let client = client_for(&server);
        let mut out = Vec::new();
        for &read in READS {
            let table = run_read(&client, &server, read)
                .await
                .unwrap_or_else(|e| panic!("the fault-free {} read fails: {e}", read.label));
            assert!(table.num_rows() > 0, "{} is empty", read.label);
            out.push(Arc::new(table));
        }
        out
    };

    let jobs: Vec<(usize, usize)> = (0..faults.len())
        .flat_map(|f| (0..READS.len()).map(move |r| (f, r)))
        .collect();
    let faults = Arc::new(faults);
    let results: Vec<((usize, usize), (Outcome, f64))> = futures::stream::iter(jobs)
        .map(|(f, r)| {
            let faults = faults.clone();
            let truth = truth[r].clone();
            async move {
                let task =
                    tokio::spawn(async move { cell(&faults[f], READS[r], &truth, hang).await });
                let outcome = task
                    .await
                    .unwrap_or_else(|e| (Outcome::Panic(e.to_string()), 0.0));
                ((f, r), outcome)
            }
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    let results: HashMap<(usize, usize), (Outcome, f64)> = results.into_iter().collect();

    let mut table = String::new();
    let _ = write!(table, "| fault | must give |");
    for read in READS {
        let _ = write!(table, " {} |", read.label);
    }
    table.push('\n');
    table.push_str(&"|---".repeat(READS.len() + 2));
    table.push_str("|\n");
    let mut failures = Vec::new();
    for (f, fault) in faults.iter().enumerate() {
        let _ = write!(table, "| {} | {} |", fault.label, fault.expect.describe());
        for (r, read) in READS.iter().enumerate() {
            let (outcome, secs) = &results[&(f, r)];
            let pass = fault.expect.accepts(outcome);
            let mark = if pass { "" } else { " **FAIL**" };
            let _ = write!(table, " {}{mark} |", outcome.cell());
            if !pass {
                let detail = match outcome {
                    Outcome::Error(_, message) => message.chars().take(240).collect(),
                    other => other.cell(),
                };
                failures.push(format!(
                    "- {} x {} ({secs:.1} s): {detail}",
                    fault.label, read.label
                ));
            }
        }
        table.push('\n');
    }
    table.push_str(
        "\nv2 reads meet every lying_total as the same lie: a `next` link that never ends.\n",
    );
    println!(
        "\nfault matrix: seed {SEED}, {EMPLOYEES} employees, v2 pages of {V2_PAGE_CAP} rows, \
         client timeout {CLIENT_TIMEOUT_SECS} s, {:.0} s in all\n\n{table}",
        began.elapsed().as_secs_f64()
    );
    if !failures.is_empty() {
        println!("{} failing cells:\n{}", failures.len(), failures.join("\n"));
    }
    assert!(
        failures.is_empty(),
        "{} of {} cells fail the fault matrix (see the table above)",
        failures.len(),
        faults.len() * READS.len()
    );
}
