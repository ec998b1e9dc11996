//! Absences, absence types and balances from the fake Personio over loopback HTTP,
//! through v1 and v2.

use arrow::array::{AsArray, RecordBatch};
use arrow::compute::concat_batches;
use arrow::datatypes::{DataType, Float64Type, Int64Type, TimeUnit};
use personio_arrow::fake::{FakeOptions, FakeServer, RateLimitPreset, RateLimits};
use personio_arrow::{AbsenceApi, AbsenceQuery, Client, Error, Options, Secret, Table};

/// A fake that announces ample rate limits: v2 asks one breakdown listing per period,
/// which the documented 10 a second would stretch to minutes.
async fn fake(options: FakeOptions) -> FakeServer {
    FakeServer::start(FakeOptions {
        rate_limits: Some(RateLimits::Preset(RateLimitPreset::Ample)),
        ..options
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

/// December 2025: the fake's absences fall in the 18 weeks around 2026-01-01.
fn december(api: AbsenceApi) -> AbsenceQuery {
    AbsenceQuery {
        api,
        ..AbsenceQuery::from_days("2025-12-01", "2025-12-31").unwrap()
    }
}

/// Every row of `table` in one batch (a table has a batch per page).
fn batch(table: &Table) -> RecordBatch {
    concat_batches(&table.schema, &table.batches).unwrap()
}

fn texts(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let column = batch.column_by_name(name).unwrap().as_string::<i32>();
    column.iter().map(|v| v.map(str::to_string)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_and_v2_give_the_same_table_but_for_the_day_based_ids() {
    let server = fake(FakeOptions {
        employees: 200,
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server);
    // Every absence of the fake: more than one page of each kind.
    let all = |api| AbsenceQuery {
        api,
        ..AbsenceQuery::from_days("2025-09-01", "2026-03-01").unwrap()
    };
    let v1 = client.absences(&all(AbsenceApi::V1)).await.unwrap();
    let v2 = client.absences(&all(AbsenceApi::V2)).await.unwrap();
    assert!(v1.warnings.is_empty() && v2.warnings.is_empty());
    assert_eq!(v1.schema, v2.schema);
    let (v1, v2) = (&batch(&v1), &batch(&v2));
    assert_eq!(v1.num_rows(), v2.num_rows());
    for name in v1.schema().fields().iter().map(|f| f.name().as_str()) {
        if name == "id" || name == "absence_type_id" {
            continue;
        }
        assert_eq!(
            v1.column_by_name(name).unwrap(),
            v2.column_by_name(name).unwrap(),
            "{name}"
        );
    }
    // v1 names a day-based absence and its type by integers, v2 by UUIDs; hourly
    // absences have their v2 ids in v1 too.
    let units = texts(v1, "unit");
    for (column, from) in [("id", 0), ("absence_type_id", 0)] {
        let (ones, twos) = (texts(v1, column), texts(v2, column));
        for ((unit, one), two) in units.iter().zip(&ones).zip(&twos).skip(from) {
            let (one, two) = (one.as_deref().unwrap(), two.as_deref().unwrap());
            assert_eq!(two.len(), 36, "{column} {two}");
            if unit.as_deref() == Some("day") {
                assert!(one.parse::<i64>().is_ok(), "{column} {one}");
            } else {
                assert_eq!(one, two, "{column}");
            }
        }
    }
    let stats = server.stats();
    let time_offs = stats.by_route["GET /v1/company/time-offs"];
    let hourly = stats.by_route["GET /v1/company/absence-periods"];
    let day_rows = units.iter().filter(|u| u.as_deref() == Some("day")).count();
    assert!(day_rows > 200, "several time-off pages: {day_rows}");
    assert_eq!(time_offs as usize, day_rows.div_ceil(200), "pages of 200");
    assert!(hourly >= 1);
    assert!(stats.by_route["GET /v2/absence-periods"] as usize >= v2.num_rows() / 100);
    assert_eq!(
        stats.by_route["GET /v2/absence-periods/{id}/breakdowns"] as usize,
        v2.num_rows(),
        "one breakdown listing per period"
    );
    assert_eq!(stats.by_route["GET /v2/absence-types"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_has_its_types_units_and_filter() {
    let server = fake(FakeOptions {
        employees: 40,
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server);
    let everyone = client.absences(&december(AbsenceApi::Auto)).await.unwrap();
    let types: Vec<(String, DataType)> = everyone
        .schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect();
    let local = DataType::Timestamp(TimeUnit::Microsecond, None);
    assert_eq!(types[1], ("employee_id".into(), DataType::Int64));
    assert_eq!(types[5], ("amount".into(), DataType::Float64));
    assert_eq!(types[6], ("start".into(), local.clone()));
    assert_eq!(types[7], ("end".into(), local));
    assert_eq!(types[8], ("half_day_start".into(), DataType::Boolean));
    let all = &batch(&everyone);
    let units = texts(all, "unit");
    assert!(units.contains(&Some("day".into())) && units.contains(&Some("hour".into())));
    let amounts = all.column_by_name("amount").unwrap();
    assert!(amounts
        .as_primitive::<Float64Type>()
        .iter()
        .all(|a| a >= Some(0.0)));

    let persons = all.column(1).as_primitive::<Int64Type>();
    let first = persons.value(0);
    for api in [AbsenceApi::V1, AbsenceApi::V2] {
        let one = AbsenceQuery {
            employees: Some(vec![first]),
            ..december(api)
        };
        let theirs = client.absences(&one).await.unwrap();
        let theirs = &batch(&theirs).column(1).as_primitive::<Int64Type>().clone();
        assert!(!theirs.is_empty());
        assert!(theirs.iter().all(|p| p == Some(first)));
        assert_eq!(
            theirs.len(),
            persons.iter().filter(|p| *p == Some(first)).count()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn types_and_balances() {
    let server = fake(FakeOptions {
        employees: 10,
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server);
    let v1 = client.absence_types(AbsenceApi::V1).await.unwrap();
    let v2 = client.absence_types(AbsenceApi::Auto).await.unwrap();
    let (v1, v2) = (&batch(&v1), &batch(&v2));
    assert_eq!(v1.num_rows(), 6);
    for name in ["name", "category", "unit", "approval_required"] {
        assert_eq!(
            v1.column_by_name(name).unwrap(),
            v2.column_by_name(name).unwrap(),
            "{name}"
        );
    }
    assert_eq!(texts(v1, "unit")[4].as_deref(), Some("hour"));

    let employees = client.absences(&december(AbsenceApi::V2)).await.unwrap();
    let someone = batch(&employees)
        .column(1)
        .as_primitive::<Int64Type>()
        .value(0);
    let balances = client.absence_balances(someone).await.unwrap();
    let balances = &batch(&balances);
    assert_eq!(
        texts(balances, "absence_type_name"),
        vec![
            Some("Paid vacation".into()),
            Some("Überstundenabbau".into())
        ]
    );
    let ids = balances.column(0).as_primitive::<Int64Type>();
    assert!(ids.iter().all(|id| id == Some(someone)));
    let error = client.absence_balances(999_999_999).await.unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error}");
}

#[tokio::test]
async fn bad_queries_fail_before_any_request() {
    let server = fake(FakeOptions::default()).await;
    let client = client_for(&server);
    let nobody = AbsenceQuery {
        employees: Some(Vec::new()),
        ..december(AbsenceApi::V2)
    };
    let error = client.absences(&nobody).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    let error = client.absence_balances(0).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    assert_eq!(server.stats().requests, 0);
}
