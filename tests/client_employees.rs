//! The Rust client against the fake Personio server over loopback HTTP.

use std::collections::HashSet;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Int64Type};
use personio_arrow::fake::{FakeOptions, FakeServer, RateLimitPreset, RateLimits};
use personio_arrow::{Client, EmployeeQuery, Error, Options, Secret, Table};

async fn fake(options: FakeOptions) -> FakeServer {
    FakeServer::start(options)
        .await
        .expect("fake server starts")
}

fn client_for(server: &FakeServer, tweak: impl FnOnce(&mut Options)) -> Client {
    let mut options = Options {
        client_id: Some(server.client_id().to_string()),
        client_secret: Some(Secret::new(server.client_secret())),
        base_url: Some(server.url()),
        ..Options::default()
    };
    tweak(&mut options);
    Client::new(options).expect("client builds")
}

fn ids(table: &Table) -> Vec<i64> {
    let index = table.schema.index_of("id").unwrap();
    table
        .batches
        .iter()
        .flat_map(|b| {
            b.column(index)
                .as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_employee_exactly_once_with_concurrent_pages() {
    let server = fake(FakeOptions {
        employees: 1234,
        latency_ms: 20,
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server, |o| o.concurrency = Some(4));
    let table = client.employees(&EmployeeQuery::default()).await.unwrap();
    let ids = ids(&table);
    assert_eq!(ids.len(), 1234);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1234);
    let stats = server.stats();
    assert_eq!(stats.auth_v1, 1, "one token for all pages");
    assert_eq!(stats.by_route["GET /v1/company/employees"], 13);
    assert!(
        stats.max_in_flight >= 3,
        "pages overlap: {}",
        stats.max_in_flight
    );
    // Every value parses; the one warning names the keys /attributes does not list.
    assert_eq!(table.warnings.len(), 1, "{:?}", table.warnings);
    assert!(
        table.warnings[0].ends_with("dynamic_99999, last_onboarding_step"),
        "{:?}",
        table.warnings
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_at_once_are_what_personios_burst_allows() {
    // Personio's limits: bursts of 15 on employees. By default the read sends as many
    // pages at once as the burst allows, more than the old fixed 4, never more.
    let server = fake(FakeOptions {
        employees: 2000,
        latency_ms: 30,
        rate_limits: Some(RateLimits::Preset(RateLimitPreset::Personio)),
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server, |_| {});
    let table = client.employees(&EmployeeQuery::default()).await.unwrap();
    assert_eq!(table.num_rows(), 2000);
    let stats = server.stats();
    assert!(
        (5..=15).contains(&stats.max_in_flight),
        "{}",
        stats.max_in_flight
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_one_is_sequential() {
    let server = fake(FakeOptions {
        employees: 450,
        latency_ms: 10,
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server, |o| o.concurrency = Some(1));
    let table = client.employees(&EmployeeQuery::default()).await.unwrap();
    assert_eq!(table.num_rows(), 450);
    assert_eq!(server.stats().max_in_flight, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_columns_follow_the_rules() {
    let server = fake(FakeOptions::default()).await;
    let client = client_for(&server, |_| {});
    let table = client.employees(&EmployeeQuery::default()).await.unwrap();
    let schema = &table.schema;
    let type_of = |name: &str| schema.field_with_name(name).unwrap().data_type().clone();
    assert_eq!(type_of("id"), DataType::Int64);
    assert_eq!(type_of("hire_date"), DataType::Date32);
    assert!(matches!(type_of("created_at"), DataType::Timestamp(_, Some(tz)) if &*tz == "UTC"));
    assert_eq!(type_of("weekly_working_hours"), DataType::Float64);
    assert_eq!(type_of("department_id"), DataType::Int64);
    assert_eq!(type_of("department_name"), DataType::Utf8);
    assert_eq!(type_of("supervisor_id"), DataType::Int64);
    assert_eq!(type_of("fix_salary"), DataType::Float64);
    assert_eq!(type_of("fix_salary_currency"), DataType::Utf8);
    assert!(matches!(type_of("cost_centers"), DataType::List(_)));
    assert!(schema.field_with_name("department").is_err());
    // Supervisors point at employees of the same company.
    let all: HashSet<i64> = ids(&table).into_iter().collect();
    let supervisors = table.batches[0]
        .column(schema.index_of("supervisor_id").unwrap())
        .as_primitive::<Int64Type>()
        .clone();
    assert!(supervisors.null_count() < supervisors.len());
    assert!(supervisors.iter().flatten().all(|id| all.contains(&id)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_then_reports_server_errors() {
    let server = fake(FakeOptions {
        employees: 10,
        server_errors: 2,
        ..FakeOptions::default()
    })
    .await;
    let patient = client_for(&server, |o| o.max_retries = Some(3));
    assert_eq!(
        patient
            .employees(&EmployeeQuery::default())
            .await
            .unwrap()
            .num_rows(),
        10
    );

    let server = fake(FakeOptions {
        server_errors: 10,
        ..FakeOptions::default()
    })
    .await;
    let impatient = client_for(&server, |o| o.max_retries = Some(1));
    let err = impatient
        .employees(&EmployeeQuery::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Server(f) if f.status == Some(503)),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_token_is_refreshed_once() {
    let server = fake(FakeOptions {
        employees: 500,
        revoke_tokens_after: Some(3),
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server, |o| o.concurrency = Some(1));
    let table = client.employees(&EmployeeQuery::default()).await.unwrap();
    assert_eq!(table.num_rows(), 500);
    assert!(server.stats().auth_v1 >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_secret_is_an_authentication_error_without_the_secret() {
    let server = fake(FakeOptions::default()).await;
    let client = client_for(&server, |o| {
        o.client_secret = Some(Secret::new("wrong-secret-7f3a9"))
    });
    let err = client
        .employees(&EmployeeQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Authentication(_)), "{err}");
    assert!(!format!("{err} {err:?}").contains("wrong-secret-7f3a9"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_body_names_the_endpoint() {
    let server = fake(FakeOptions {
        malformed_responses: 5,
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server, |_| {});
    let err = client
        .employees(&EmployeeQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse(_)), "{err}");
    assert!(err.to_string().contains("/v1/company/employees"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_requests_wait_for_the_announced_limit() {
    let server = fake(FakeOptions {
        employees: 600,
        rate_limits: Some(
            serde_json::from_value(
                serde_json::json!({"employees": {"burst": 3, "per_second": 4.0}}),
            )
            .unwrap(),
        ),
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server, |o| o.max_retries = Some(0));
    let table = client.employees(&EmployeeQuery::default()).await.unwrap();
    assert_eq!(table.num_rows(), 600);
    // Pages wait for the tokens the headers announce instead of running into 429s
    // (no retries are allowed here; tests/rate_budget.rs has more).
    assert_eq!(server.stats().rate_limited, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_employee_is_not_found() {
    let server = fake(FakeOptions::default()).await;
    let client = client_for(&server, |_| {});
    let err = client
        .employee(999_999_999, Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound(f) if f.status == Some(404)),
        "{err}"
    );
}

/// Page bodies are dropped once converted; a column that falls back to raw strings
/// fetches them again, and they must hold the same records.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_fetched_again_only_for_raw_strings() {
    let plain = fake(FakeOptions {
        employees: 250,
        ..FakeOptions::default()
    })
    .await;
    client_for(&plain, |_| {})
        .employees(&EmployeeQuery::default())
        .await
        .unwrap();
    // Pages at offsets 0, 100 and 200 (short: the end), nothing asked twice.
    assert_eq!(plain.stats().by_route["GET /v1/company/employees"], 3);

    let odd: personio_arrow::fake::ValueOverride = serde_json::from_value(serde_json::json!(
        {"employee": 120, "key": "hire_date", "value": "31.12.2020"}
    ))
    .unwrap();
    let server = fake(FakeOptions {
        employees: 250,
        overrides: vec![odd],
        ..FakeOptions::default()
    })
    .await;
    let table = client_for(&server, |_| {})
        .employees(&EmployeeQuery::default())
        .await
        .unwrap();
    let hire = table.schema.index_of("hire_date").unwrap();
    assert_eq!(table.schema.field(hire).data_type(), &DataType::Utf8);
    // Row 120 is the second page's 21st.
    let raw = table.batches[1].column(hire).as_string::<i32>();
    assert_eq!(raw.value(20), "31.12.2020");
    assert_eq!(ids(&table).len(), 250);
    // Three pages read, then the same three again for their raw values.
    assert_eq!(server.stats().by_route["GET /v1/company/employees"], 6);
}

/// Records that move after the listing was read, before its bodies are fetched again
/// for raw strings, are not mixed into the table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_fetched_again_must_hold_the_same_records() {
    let odd: personio_arrow::fake::ValueOverride = serde_json::from_value(serde_json::json!(
        {"employee": 120, "key": "hire_date", "value": "31.12.2020"}
    ))
    .unwrap();
    let moved: personio_arrow::fake::FaultSpec = serde_json::from_value(serde_json::json!(
        {"kind": "records_move", "mode": "delete", "routes": ["employees"], "after": 3}
    ))
    .unwrap();
    let server = fake(FakeOptions {
        employees: 250,
        overrides: vec![odd],
        faults: vec![moved],
        ..FakeOptions::default()
    })
    .await;
    let error = client_for(&server, |_| {})
        .employees(&EmployeeQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::ListingChanged(_)), "{error}");
}
