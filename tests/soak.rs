//! Soak: one long-lived client reads over and over from a fake that injects random
//! faults (seeded), until the fake has served 10,000 requests. Every read must give
//! the correct table or a documented error, never a short, duplicated or wrong one,
//! and the process must not grow in file descriptors, threads or memory.
//!
//! `cargo test --test soak -- --nocapture` prints the figures.

use std::time::{Duration, Instant};

use personio_arrow::fake::{FakeOptions, FakeServer, FaultSpec, RateLimitPreset, RateLimits};
use personio_arrow::{Client, EmployeeQuery, Options, ReportApi, ReportQuery, Secret, Table};
use serde_json::json;

const SEED: u64 = 11;
const EMPLOYEES: usize = 120;
const REQUESTS: u64 = 10_000;
/// Bounds on growth between the warmed-up client and the end of the soak.
const MAX_NEW_FDS: i64 = 16;
/// (tokio keeps idle blocking threads for a while, so a few more are no leak.)
const MAX_NEW_THREADS: i64 = 16;
const MAX_RSS_GROWTH_MIB: i64 = 200;
/// Rounds of reads running at once on the one client.
const PARALLEL_ROUNDS: usize = 4;

fn options(faults: Vec<FaultSpec>) -> FakeOptions {
    FakeOptions {
        seed: SEED,
        employees: EMPLOYEES,
        report_v2_page_cap: Some(40),
        faults,
        // Room announced far above what these reads use: the budget follows the
        // headers, so pacing does not stretch the run (the budget has its own tests).
        rate_limits: Some(RateLimits::Preset(RateLimitPreset::Ample)),
        ..FakeOptions::default()
    }
}

/// Random faults from the seed, at rates a bad day on a real network might show.
fn random_faults() -> Vec<FaultSpec> {
    [
        json!({"kind": "server_error_burst", "probability": 0.03, "count": 100_000}),
        json!({"kind": "connection_reset", "probability": 0.02, "count": 100_000}),
        json!({"kind": "truncated_body", "probability": 0.02, "count": 100_000}),
        json!({"kind": "malformed_body", "probability": 0.005, "count": 100_000}),
        json!({"kind": "token_expiry", "probability": 0.005, "count": 100_000}),
    ]
    .into_iter()
    .map(|spec| serde_json::from_value(spec).expect("a fault spec"))
    .collect()
}

fn client_for(server: &FakeServer) -> Client {
    Client::new(Options {
        client_id: Some(server.client_id().to_string()),
        client_secret: Some(Secret::new(server.client_secret())),
        base_url: Some(server.url()),
        timeout: Some(5.0),
        ..Options::default()
    })
    .expect("client builds")
}

/// The reads of one round: employees, and a report of each type through v1 and v2.
async fn round(client: &Client, server: &FakeServer) -> Vec<personio_arrow::Result<Table>> {
    let mut results = vec![client.employees(&EmployeeQuery::default()).await];
    for name in [
        "Headcount",
        "Absences and attendance",
        "Department and salary history",
    ] {
        let id = server.report_id(name).expect("the fake has the report");
        for api in [ReportApi::V1, ReportApi::V2] {
            let query = ReportQuery {
                api,
                ..ReportQuery::default()
            };
            results.push(client.custom_report(&id, &query).await);
        }
    }
    results
}

/// Open file descriptors, threads and resident memory (MiB) of this process.
fn resources() -> (i64, i64, i64) {
    let fds = std::fs::read_dir("/proc/self/fd").map_or(-1, |d| d.count() as i64);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<i64>().ok())
            .unwrap_or(-1)
    };
    (fds, field("Threads:"), field("VmRSS:") / 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_requests_with_random_faults() {
    let reference = FakeServer::start(options(Vec::new())).await.expect("fake");
    let expected: Vec<Table> = round(&client_for(&reference), &reference)
        .await
        .into_iter()
        .map(|r| r.expect("a fault-free read succeeds"))
        .collect();
    reference.shutdown();

    let server = FakeServer::start(options(random_faults()))
        .await
        .expect("fake");
    let client = client_for(&server);
    // Warm up: the runtime's threads, the connection pool and the allocator settle.
    let _ = round(&client, &server).await;
    let warm = resources();
    let started = Instant::now();
    let (mut reads, mut failed) = (0u64, 0u64);
    let mut errors: std::collections::BTreeMap<String, u64> = Default::default();
    while server.stats().requests < REQUESTS {
        // Rounds at once on the one client, as threads of a pipeline would share it.
        let rounds =
            futures::future::join_all((0..PARALLEL_ROUNDS).map(|_| round(&client, &server)));
        let results = rounds
            .await
            .into_iter()
            .flat_map(|r| r.into_iter().enumerate());
        for (index, result) in results {
            reads += 1;
            match result {
                Ok(table) => {
                    assert_eq!(table.schema, expected[index].schema, "read {index}");
                    assert_eq!(table.batches, expected[index].batches, "read {index}");
                }
                Err(error) => {
                    failed += 1;
                    let kind = format!("{error:?}");
                    let kind = kind.split('(').next().unwrap_or_default().to_string();
                    assert!(
                        matches!(kind.as_str(), "InvalidResponse" | "Server" | "Network"),
                        "an error no fault explains: {error}"
                    );
                    *errors.entry(kind).or_default() += 1;
                }
            }
        }
    }
    let elapsed = started.elapsed();
    drop(client);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let end = resources();
    let stats = server.stats();
    println!(
        "soak: {} requests, {} reads ({} failed with a documented error: {:?}), {} faults \
         injected {:?}, {:.1} s",
        stats.requests,
        reads,
        failed,
        errors,
        stats.injected_errors,
        stats.by_fault,
        elapsed.as_secs_f64()
    );
    println!(
        "soak: fds {} -> {}, threads {} -> {}, RSS {} MiB -> {} MiB",
        warm.0, end.0, warm.1, end.1, warm.2, end.2
    );
    assert!(stats.injected_errors > 100, "the faults did fire");
    assert!(
        failed * 10 < reads,
        "retries absorb most faults: {failed} of {reads}"
    );
    assert!(end.0 - warm.0 <= MAX_NEW_FDS, "file descriptors leak");
    assert!(end.1 - warm.1 <= MAX_NEW_THREADS, "threads leak");
    assert!(end.2 - warm.2 <= MAX_RSS_GROWTH_MIB, "memory grows");
}
