//! JSON -> Arrow alone: one recorded `/v1/company/employees` page (100 employees, every
//! attribute of the fake's default company: 33 standard and 27 custom) through the
//! conversion the client runs on the pages it downloads, on one thread, so the MB/s is
//! per core. The bodies come from the fake once, over loopback, before the measuring.
//!
//!     cargo bench --features mimalloc --bench json_to_arrow
//!
//! `python benches/compare.py` runs it and prints the figure beside its target.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use personio_arrow::fake::{FakeOptions, FakeServer};
use personio_arrow::recorded::table_from_pages;

/// Personio's largest employee page.
const PAGE_SIZE: usize = 100;

/// The bodies the client would download: `/attributes` and the first employee page.
struct Recorded {
    attributes: Vec<u8>,
    page: Bytes,
}

/// Asks a fake company for its bodies, the way any HTTP client would.
fn record() -> Recorded {
    // reqwest is built without a default TLS provider; plain http needs none, but the
    // client builder wants one installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let options = FakeOptions {
            employees: PAGE_SIZE,
            ..FakeOptions::default()
        };
        let server = FakeServer::start(options).await.expect("the fake starts");
        let http = reqwest::Client::new();
        let auth: serde_json::Value = http
            .post(format!("{}/v1/auth", server.url()))
            .json(&serde_json::json!({
                "client_id": server.client_id(),
                "client_secret": server.client_secret(),
            }))
            .send()
            .await
            .and_then(|answer| answer.error_for_status())
            .expect("a token")
            .json()
            .await
            .expect("a JSON token body");
        let token = auth["data"]["token"].as_str().expect("a token").to_owned();
        let body = |path: String| {
            let request = http
                .get(format!("{}{path}", server.url()))
                .bearer_auth(&token);
            async move {
                request
                    .send()
                    .await
                    .and_then(|answer| answer.error_for_status())
                    .expect("a 200")
                    .bytes()
                    .await
                    .expect("a body")
            }
        };
        let attributes = body("/v1/company/employees/attributes".into()).await;
        let page = body(format!("/v1/company/employees?limit={PAGE_SIZE}&offset=0")).await;
        server.shutdown();
        Recorded {
            attributes: attributes.to_vec(),
            page,
        }
    })
}

fn json_to_arrow(c: &mut Criterion) {
    // The extension's allocator (the `mimalloc` feature), set as the extension sets it,
    // so that the figure is the shipped build's.
    personio_arrow::allocator::commit_as_needed();
    let recorded = record();
    let pages = [recorded.page.clone()];
    let table = table_from_pages(&recorded.attributes, &pages).expect("the page converts");
    assert_eq!(table.num_rows(), PAGE_SIZE, "one row per employee");
    let mut group = c.benchmark_group("json_to_arrow");
    // Only the page counts as bytes; reading `/attributes` (a few kB) is extra work.
    group.throughput(Throughput::BytesDecimal(recorded.page.len() as u64));
    group.bench_function("employees_page", |b| {
        b.iter(|| table_from_pages(black_box(&recorded.attributes), black_box(&pages)))
    });
    group.finish();
}

criterion_group!(benches, json_to_arrow);
criterion_main!(benches);
