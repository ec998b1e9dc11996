//! Both token flows against the fake server, through the client's reads: a v2 report
//! read takes a v2 token only, the attribute list a v1 token only.

use personio_arrow::fake::{FakeOptions, FakeServer};
use personio_arrow::{Client, Error, Options, ReportApi, ReportQuery, Secret};

fn client(server: &FakeServer, secret: &str) -> Client {
    Client::new(Options {
        client_id: Some(server.client_id().to_string()),
        client_secret: Some(Secret::new(secret)),
        base_url: Some(server.url()),
        max_retries: Some(0),
        ..Options::default()
    })
    .unwrap()
}

/// A report read through the v2 Report API alone.
fn v2_only() -> ReportQuery {
    ReportQuery {
        api: ReportApi::V2,
        ..ReportQuery::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_token_flow_is_cached_and_used() {
    let server = FakeServer::start(FakeOptions::default()).await.unwrap();
    let client = client(&server, server.client_secret());
    let report = server.report_id("Headcount").unwrap();
    for _ in 0..3 {
        let table = client.custom_report(&report, &v2_only()).await.unwrap();
        assert!(table.num_rows() > 0);
    }
    let stats = server.stats();
    assert_eq!((stats.auth_v2, stats.auth_v1), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_wrong_secret_is_an_authentication_error() {
    let server = FakeServer::start(FakeOptions::default()).await.unwrap();
    let client = client(&server, "wrong-v2-secret-1b7c");
    let report = server.report_id("Headcount").unwrap();
    let err = client.custom_report(&report, &v2_only()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Authentication(f) if f.endpoint == "POST /v2/auth/token"),
        "{err}"
    );
    assert!(!format!("{err:?}").contains("wrong-v2-secret-1b7c"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_for_many_concurrent_requests() {
    let server = FakeServer::start(FakeOptions {
        latency_ms: 30,
        ..FakeOptions::default()
    })
    .await
    .unwrap();
    let client = client(&server, server.client_secret());
    let calls = (0..8).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.employee_attributes().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    let stats = server.stats();
    assert_eq!((stats.auth_v1, stats.auth_v2), (1, 0));
}
