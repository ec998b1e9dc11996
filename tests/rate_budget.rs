//! The shared rate budget against the fake enforcing Personio-style limits: one budget
//! per company, shared by every read, thread and `Client` of a credential, fed by the
//! headers the server sends, so that concurrent pages do not run into 429s and a 429
//! slows everyone down instead of failing a read.
//!
//! The v1 report routes are limited to bursts of 5 and 2 a second per credential
//! (the "40 a minute" scaled so that the tests take seconds). Each test prints
//! the requests, the 429s and the time taken next to the least time the limit allows:
//! `(requests - burst) / rate`.

use std::time::{Duration, Instant};

use personio_arrow::fake::{all_scopes, CredentialSpec, FakeOptions, FakeServer, FakeStats};
use personio_arrow::{Client, EmployeeQuery, Error, Options, ReportApi, ReportQuery, Secret};
use reqwest::StatusCode;

const BURST: u32 = 5;
const PER_SECOND: f64 = 2.0;
const OTHER_ID: &str = "other-company";
const OTHER_SECRET: &str = "other-company-secret";
const REPORTS: &str = "/v1/company/custom-reports/reports";

/// `employees` employees, v1 report pages of 10, v1 routes limited per credential,
/// and a second credential (standing for another company).
async fn fake(employees: usize, tweak: impl FnOnce(&mut FakeOptions)) -> FakeServer {
    let mut options = FakeOptions {
        employees,
        report_page_cap: 10,
        latency_ms: 20,
        rate_limits: Some(
            serde_json::from_value(serde_json::json!({
                "v1": {"burst": BURST, "per_second": PER_SECOND}
            }))
            .unwrap(),
        ),
        credentials: vec![CredentialSpec {
            client_id: OTHER_ID.into(),
            client_secret: OTHER_SECRET.into(),
            whitelist: None,
            scopes: all_scopes(),
        }],
        ..FakeOptions::default()
    };
    tweak(&mut options);
    FakeServer::start(options)
        .await
        .expect("fake server starts")
}

fn client(server: &FakeServer, id: &str, secret: &str, tweak: impl FnOnce(&mut Options)) -> Client {
    let mut options = Options {
        client_id: Some(id.into()),
        client_secret: Some(Secret::new(secret)),
        base_url: Some(server.url()),
        concurrency: Some(4),
        ..Options::default()
    };
    tweak(&mut options);
    Client::new(options).expect("client builds")
}

fn default_client(server: &FakeServer) -> Client {
    client(server, server.client_id(), server.client_secret(), |_| {})
}

/// Reads "Headcount" through v1 Custom Reports (list, columns, then pages at once).
async fn read_report(client: &Client, server_report: &str) -> usize {
    let query = ReportQuery {
        api: ReportApi::V1,
        ..ReportQuery::default()
    };
    client
        .custom_report(server_report, &query)
        .await
        .expect("the read completes")
        .num_rows()
}

/// Requests to the limited v1 report routes, any answer.
fn report_requests(stats: &FakeStats) -> u64 {
    stats
        .by_route
        .iter()
        .filter(|(route, _)| route.starts_with("GET /v1/company/custom-reports"))
        .map(|(_, n)| n)
        .sum()
}

/// The least time `requests` can take from a full bucket.
fn bound(requests: u64) -> f64 {
    (requests as f64 - f64::from(BURST)).max(0.0) / PER_SECOND
}

/// Runs `future` to completion on a runtime of its own, as a caller in another thread
/// (outside the test's runtime) would; on that thread alone, so that the threads of a
/// test compete for the cores no more than the callers they stand for.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_4_reads_a_limited_report_without_a_429() {
    let server = fake(300, |_| {}).await;
    let report = server.report_id("Headcount").unwrap();
    let started = Instant::now();
    let rows = read_report(&default_client(&server), &report).await;
    let seconds = started.elapsed().as_secs_f64();
    let stats = server.stats();
    let requests = report_requests(&stats);
    eprintln!(
        "concurrency 4: {requests} requests, {} answered 429, {seconds:.1} s (the limit \
         allows {:.1} s at best)",
        stats.rate_limited,
        bound(requests)
    );
    assert_eq!(rows, 300);
    assert!(requests >= 32, "list, columns and 30 pages: {requests}");
    // The limit the headers announce is kept before the server has to refuse.
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert!(stats.by_status.keys().all(|s| *s == 200), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_of_one_credential_in_threads_share_one_budget() {
    let server = fake(100, |_| {}).await;
    let report = server.report_id("Headcount").unwrap();
    let spawn = |id: &'static str, secret: String, report: String| {
        let url = server.url();
        std::thread::spawn(move || {
            let client = Client::new(Options {
                client_id: Some(id.into()),
                client_secret: Some(Secret::new(secret)),
                base_url: Some(url),
                concurrency: Some(4),
                ..Options::default()
            })
            .unwrap();
            let started = Instant::now();
            let rows = block_on(async { read_report(&client, &report).await });
            (rows, started.elapsed().as_secs_f64())
        })
    };
    let secret = server.client_secret().to_owned();
    let threads = [
        spawn("fake-client-id", secret.clone(), report.clone()),
        spawn("fake-client-id", secret, report.clone()),
        spawn(OTHER_ID, OTHER_SECRET.into(), report),
    ];
    let mut results = Vec::new();
    for thread in threads {
        results.push(
            tokio::task::spawn_blocking(move || thread.join().unwrap())
                .await
                .unwrap(),
        );
    }
    let stats = server.stats();
    let requests = report_requests(&stats);
    eprintln!(
        "two clients of one credential and one of another company, in threads: \
         {requests} requests in all, {} answered 429; seconds {:.1}, {:.1} (one \
         budget: {:.1} at best) and {:.1} (its own: {:.1} at best)",
        stats.rate_limited,
        results[0].1,
        results[1].1,
        bound(requests * 2 / 3),
        results[2].1,
        bound(requests / 3),
    );
    assert!(results.iter().all(|(rows, _)| *rows == 100), "{results:?}");
    // Were the two clients of one credential paced apart, each would spend what the
    // other already had and meet 429s.
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_learned_by_one_client_holds_for_its_credential_only() {
    // The first listing request of anyone meets a 429 asking for 60 s.
    let server = fake(5, |o| {
        o.rate_limits = None;
        o.faults = serde_json::from_value(serde_json::json!([{
            "kind": "rate_limit_burst", "routes": ["employees"], "after": 0, "count": 1,
            "retry_after_seconds": 60
        }]))
        .unwrap();
    })
    .await;
    let with_deadline =
        |id: &str, secret: &str| client(&server, id, secret, |o| o.deadline = Some(5.0));
    let query = EmployeeQuery::default();
    let started = Instant::now();

    let first = with_deadline(server.client_id(), server.client_secret());
    let error = first.employees(&query).await.unwrap_err();
    assert!(
        matches!(&error, Error::RateLimit(f) if f.status == Some(429)),
        "{error}"
    );

    // Another client of the same credential, in another thread, knows of the pause and
    // does not even ask: 60 s is past its deadline.
    let same = with_deadline(server.client_id(), server.client_secret());
    let error =
        tokio::task::spawn_blocking(move || block_on(same.employees(&EmployeeQuery::default())))
            .await
            .unwrap()
            .unwrap_err();
    assert!(
        matches!(&error, Error::RateLimit(f) if f.status.is_none()),
        "{error}"
    );
    assert!(error.to_string().contains("deadline"), "{error}");
    assert_eq!(
        server.stats().by_route["GET /v1/company/employees/attributes"],
        1,
        "the second client sent nothing"
    );

    // Another company's client is not paused.
    let other = with_deadline(OTHER_ID, OTHER_SECRET);
    assert_eq!(other.employees(&query).await.unwrap().num_rows(), 5);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_sharing_its_credential_with_an_unseen_caller_meets_429s_and_finishes() {
    let server = fake(100, |_| {}).await;
    let report = server.report_id("Headcount").unwrap();
    // Another process with the same credential spends about 1 of the 2 a second.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{}/v1/auth", server.url()))
        .json(&serde_json::json!({
            "client_id": server.client_id(), "client_secret": server.client_secret()
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["data"]["token"].as_str().unwrap().to_owned();
    let url = format!("{}{REPORTS}", server.url());
    let intruder = tokio::spawn(async move {
        let mut refused = 0;
        for _ in 0..8 {
            let status = http
                .get(&url)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status();
            refused += u64::from(status == StatusCode::TOO_MANY_REQUESTS);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        refused
    });
    let started = Instant::now();
    let rows = read_report(&default_client(&server), &report).await;
    let seconds = started.elapsed().as_secs_f64();
    let intruder_refused = intruder.await.unwrap();
    let stats = server.stats();
    eprintln!(
        "with an unseen caller on the same credential: {} requests in all, the read met \
         {} 429s (the other caller {intruder_refused}) and took {seconds:.1} s",
        report_requests(&stats),
        stats.rate_limited - intruder_refused,
    );
    assert_eq!(rows, 100);
}
