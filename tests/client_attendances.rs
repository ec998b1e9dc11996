//! Attendances from the fake Personio over loopback HTTP, through v1 and v2.

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::compute::concat_batches;
use arrow::datatypes::{DataType, Int64Type, TimeUnit};
use personio_arrow::fake::{FakeOptions, FakeServer};
use personio_arrow::{AttendanceApi, AttendanceQuery, Client, Error, Options, Secret, Table};

async fn fake(options: FakeOptions) -> FakeServer {
    FakeServer::start(options)
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

/// December 2025: the fake's attendances fall in the 8 weeks before 2026-01-01.
fn december(api: AttendanceApi) -> AttendanceQuery {
    AttendanceQuery {
        api,
        ..AttendanceQuery::from_days("2025-12-01", "2025-12-31").unwrap()
    }
}

/// Every row of `table` in one batch (a table has a batch per page).
fn batch(table: &Table) -> RecordBatch {
    concat_batches(&table.schema, &table.batches).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_and_v2_give_the_same_table() {
    let server = fake(FakeOptions {
        employees: 150,
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server);
    let v1 = client
        .attendances(&december(AttendanceApi::V1))
        .await
        .unwrap();
    let v2 = client
        .attendances(&december(AttendanceApi::V2))
        .await
        .unwrap();
    assert!(v1.warnings.is_empty() && v2.warnings.is_empty());
    assert_eq!(v1.schema, v2.schema);
    let (v1, v2) = (&batch(&v1), &batch(&v2));
    assert!(v1.num_rows() > 200, "several v1 pages: {}", v1.num_rows());
    assert_eq!(v1.num_rows(), v2.num_rows());
    // Each API has its own ids, and v1 does not say when a period was created.
    for name in v1.schema().fields().iter().map(|f| f.name().as_str()) {
        if name == "id" || name == "created_at" {
            continue;
        }
        assert_eq!(
            v1.column_by_name(name).unwrap(),
            v2.column_by_name(name).unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        v1.column_by_name("created_at").unwrap().null_count(),
        v1.num_rows()
    );
    assert_eq!(v2.column_by_name("created_at").unwrap().null_count(), 0);
    let breaks = v2.column_by_name("break_minutes").unwrap();
    let breaks = breaks.as_primitive::<Int64Type>();
    assert!(breaks.iter().any(|b| b > Some(0)) && breaks.iter().any(|b| b == Some(0)));

    let stats = server.stats();
    let v1_pages = stats.by_route["GET /v1/company/attendances"];
    assert_eq!(
        v1_pages as usize,
        v1.num_rows().div_ceil(200),
        "pages of 200"
    );
    assert!(
        stats.by_route["GET /v2/attendance-periods"] >= 4,
        "pages of 100"
    );
    assert_eq!(
        stats.by_route["GET /v2/projects"], 1,
        "names asked for once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relative_links_are_followed_too() {
    let options = |relative| FakeOptions {
        employees: 60,
        attendance_relative_links: relative,
        ..FakeOptions::default()
    };
    let absolute = fake(options(false)).await;
    let relative = fake(options(true)).await;
    let query = december(AttendanceApi::V2);
    let a = client_for(&absolute).attendances(&query).await.unwrap();
    let r = client_for(&relative).attendances(&query).await.unwrap();
    assert_eq!(batch(&a), batch(&r));
    assert!(relative.stats().by_route["GET /v2/attendance-periods"] >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_has_its_types_and_its_filter() {
    let server = fake(FakeOptions {
        employees: 20,
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server);
    let everyone = client
        .attendances(&december(AttendanceApi::Auto))
        .await
        .unwrap();
    let types: Vec<(String, DataType)> = everyone
        .schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    let local = DataType::Timestamp(TimeUnit::Microsecond, None);
    let utc = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    assert_eq!(types[1], ("employee_id".into(), DataType::Int64));
    assert_eq!(types[2], ("date".into(), DataType::Date32));
    assert_eq!(types[3], ("start".into(), local.clone()));
    assert_eq!(types[4], ("end".into(), local));
    assert_eq!(types[13], ("updated_at".into(), utc));

    let persons = batch(&everyone)
        .column(1)
        .as_primitive::<Int64Type>()
        .clone();
    let first = persons.value(0);
    let one = AttendanceQuery {
        employees: Some(vec![first]),
        ..december(AttendanceApi::V2)
    };
    let theirs = client.attendances(&one).await.unwrap();
    let theirs = &batch(&theirs).column(1).as_primitive::<Int64Type>().clone();
    assert!(!theirs.is_empty());
    assert!(theirs.iter().all(|p| p == Some(first)));
    assert_eq!(
        theirs.len(),
        persons.iter().filter(|p| *p == Some(first)).count()
    );
}

#[tokio::test]
async fn bad_queries_fail_before_any_request() {
    let server = fake(FakeOptions::default()).await;
    let client = client_for(&server);
    let nobody = AttendanceQuery {
        employees: Some(Vec::new()),
        ..december(AttendanceApi::V2)
    };
    let error = client.attendances(&nobody).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert_eq!(server.stats().requests, 0);
}
