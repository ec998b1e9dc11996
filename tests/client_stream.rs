//! Streamed reads against the fake over loopback HTTP: the batches of employees and of
//! v2 reports make the table, a consumer that stops reading holds the read back, and a
//! paged v2 report that changes between passes ends in an error.

use std::time::Duration;

use arrow::array::AsArray;
use arrow::datatypes::Int64Type;
use arrow::record_batch::RecordBatch;
use personio_arrow::fake::{FakeOptions, FakeServer, FaultSpec, RateLimitPreset, RateLimits};
use personio_arrow::{Client, EmployeeQuery, Error, Options, ReportApi, ReportQuery, Secret};
use tokio::sync::mpsc;

const ROUTE: &str = "GET /v1/company/employees";

async fn fake(employees: usize) -> FakeServer {
    FakeServer::start(FakeOptions {
        employees,
        seed: 11,
        // Room for every request at once: only the stream may hold the read back.
        rate_limits: Some(RateLimits::Preset(RateLimitPreset::Ample)),
        ..FakeOptions::default()
    })
    .await
    .expect("fake server starts")
}

fn client_for(server: &FakeServer) -> Client {
    Client::new(Options {
        client_id: Some(server.client_id().to_string()),
        client_secret: Some(Secret::new(server.client_secret())),
        base_url: Some(server.url()),
        ..Options::default()
    })
    .expect("client builds")
}

fn ids(batches: &[RecordBatch]) -> Vec<i64> {
    batches
        .iter()
        .flat_map(|b| {
            let column = b.column(b.schema().index_of("id").unwrap()).clone();
            column
                .as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batches_make_the_table_in_listing_order() {
    let server = fake(777).await;
    let client = client_for(&server);
    let table = client.employees(&EmployeeQuery::default()).await.unwrap();
    let (out, mut batches) = mpsc::channel(2);
    let reader = client.clone();
    let read = tokio::spawn(async move {
        reader
            .stream_employees(&EmployeeQuery::default(), 250, out)
            .await
    });
    let mut received = Vec::new();
    while let Some(batch) = batches.recv().await {
        received.push(batch.unwrap());
    }
    read.await.unwrap();
    assert!(received.iter().all(|b| b.num_rows() <= 250));
    assert!(received.iter().all(|b| b.schema() == table.schema));
    assert_eq!(ids(&received), ids(&table.batches));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_that_stops_reading_holds_the_read_back() {
    let pages: u64 = 120;
    let server = fake(pages as usize * 100).await;
    let client = client_for(&server);
    let (out, mut batches) = mpsc::channel(1);
    let read = tokio::spawn(async move {
        client
            .stream_employees(&EmployeeQuery::default(), 100, out)
            .await
    });
    batches.recv().await.unwrap().unwrap();
    // Wait until the read stops asking (it must, holding back for the consumer).
    let mut held = server.stats().by_route[ROUTE];
    for _ in 0..120 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = server.stats().by_route[ROUTE];
        if now == held {
            break;
        }
        held = now;
    }
    // Pages ahead of the join, a window, and the channel: far from the whole listing.
    assert!(held < pages / 3, "{held} of {pages} pages requested");
    drop(batches);
    read.await.unwrap();
}

/// Every batch a report stream sends, or its error.
async fn stream_report(
    client: &Client,
    id: &str,
    batch_size: usize,
) -> Result<Vec<RecordBatch>, Error> {
    let (out, mut batches) = mpsc::channel(2);
    let (reader, id) = (client.clone(), id.to_string());
    let query = ReportQuery {
        api: ReportApi::V2,
        ..ReportQuery::default()
    };
    let read = tokio::spawn(async move {
        reader
            .stream_custom_report(&id, &query, batch_size, out)
            .await
    });
    let mut received = Vec::new();
    while let Some(batch) = batches.recv().await {
        received.push(batch?);
    }
    read.await.unwrap();
    Ok(received)
}

/// A historical report, whose rows are dated from the row after them: across the
/// chunks and batches of the stream too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v2_report_streams_in_batches_that_make_the_table() {
    let server = fake(600).await;
    let client = client_for(&server);
    let id = server.report_id("Department and salary history").unwrap();
    let query = ReportQuery {
        api: ReportApi::V2,
        ..ReportQuery::default()
    };
    let table = client.custom_report(&id, &query).await.unwrap();
    let received = stream_report(&client, &id, 90).await.unwrap();
    assert!(received.iter().all(|b| b.num_rows() <= 90));
    assert!(received.len() > table.num_rows() / 90);
    let join =
        |batches: &[RecordBatch]| arrow::compute::concat_batches(&table.schema, batches).unwrap();
    assert_eq!(join(&received), join(&table.batches));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paged_v2_report_that_changes_between_passes_ends_in_an_error() {
    let moved: FaultSpec = serde_json::from_value(serde_json::json!(
        {"kind": "records_move", "routes": ["reports_v2"], "after": 3}
    ))
    .unwrap();
    let server = FakeServer::start(FakeOptions {
        employees: 2500,
        seed: 11,
        report_v2_page_cap: Some(1000),
        faults: vec![moved],
        ..FakeOptions::default()
    })
    .await
    .expect("fake server starts");
    let client = client_for(&server);
    let id = server.report_id("Headcount").unwrap();
    let error = stream_report(&client, &id, 500).await.unwrap_err();
    assert!(matches!(error, Error::ListingChanged(_)), "{error}");
}

/// The v2 body is read on only while the join keeps up: a paged report shows it in its
/// requests (a whole one would hold its one body back the same way).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_that_stops_reading_holds_a_v2_report_back() {
    let pages: u64 = 60;
    let server = FakeServer::start(FakeOptions {
        employees: pages as usize * 200,
        seed: 11,
        report_v2_page_cap: Some(200),
        rate_limits: Some(RateLimits::Preset(RateLimitPreset::Ample)),
        ..FakeOptions::default()
    })
    .await
    .expect("fake server starts");
    let client = client_for(&server);
    let id = server.report_id("Headcount").unwrap();
    let (out, mut batches) = mpsc::channel(1);
    let read = tokio::spawn(async move {
        let query = ReportQuery {
            api: ReportApi::V2,
            ..ReportQuery::default()
        };
        client.stream_custom_report(&id, &query, 100, out).await
    });
    batches.recv().await.unwrap().unwrap();
    let route = "GET /v2/reports/{id}";
    let mut held = server.stats().by_route[route];
    for _ in 0..120 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = server.stats().by_route[route];
        if now == held {
            break;
        }
        held = now;
    }
    // Chunks ahead of the join, a window, and the channel: far from the whole report.
    assert!(held < pages / 2, "{held} of {pages} pages requested");
    drop(batches);
    read.await.unwrap();
}
