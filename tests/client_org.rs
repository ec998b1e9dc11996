//! Org units, cost centers, legal entities, workplaces, projects and profile pictures
//! from the fake Personio over loopback HTTP.

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::compute::concat_batches;
use arrow::datatypes::DataType;
use personio_arrow::fake::{CredentialSpec, FakeOptions, FakeServer};
use personio_arrow::{Client, Error, Options, OrgUnitType, Secret, Table};

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

/// Every row of `table` in one batch (a table has a batch per page).
fn batch(table: &Table) -> RecordBatch {
    concat_batches(&table.schema, &table.batches).unwrap()
}

fn texts(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    batch
        .column_by_name(name)
        .unwrap()
        .as_string::<i32>()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

/// `ancestor_ids` of each row, by the row's name.
fn chains(batch: &RecordBatch) -> Vec<(String, Vec<String>)> {
    let names = texts(batch, "name");
    let lists = batch
        .column_by_name("ancestor_ids")
        .unwrap()
        .as_list::<i32>();
    (0..batch.num_rows())
        .map(|row| {
            let ids = lists.value(row);
            let ids = ids.as_string::<i32>().iter().flatten().map(str::to_string);
            (names[row].clone().unwrap(), ids.collect())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_units_page_and_carry_their_chain() {
    for relative in [false, true] {
        let server = fake(FakeOptions {
            employees: 5,
            v2_list_page_cap: Some(3),
            attendance_relative_links: relative,
            ..FakeOptions::default()
        })
        .await;
        let client = client_for(&server);
        let departments = client.org_units(OrgUnitType::Department).await.unwrap();
        assert!(departments.warnings.is_empty());
        let departments = &batch(&departments);
        assert_eq!(departments.num_rows(), 12, "8 with employees, 4 below them");
        assert_eq!(
            server.stats().by_route["GET /v2/org-units"],
            4,
            "pages of 3"
        );
        let ids = texts(departments, "id");
        let id_of = |name: &str| {
            let names = texts(departments, "name");
            let row = names.iter().position(|n| n.as_deref() == Some(name));
            ids[row.unwrap()].clone().unwrap()
        };
        let department_chains = chains(departments);
        let tracing = &department_chains
            .iter()
            .find(|(n, _)| n == "Tracing")
            .unwrap()
            .1;
        let expected: Vec<String> = [
            "Engineering",
            "Platform Engineering",
            "Site Reliability",
            "Observability",
        ]
        .into_iter()
        .map(id_of)
        .collect();
        assert_eq!(tracing, &expected);
        let engineering = &department_chains
            .iter()
            .find(|(n, _)| n == "Engineering")
            .unwrap()
            .1;
        assert!(engineering.is_empty());
        assert_eq!(
            departments
                .schema()
                .field_with_name("ancestor_ids")
                .unwrap()
                .data_type(),
            &DataType::new_list(DataType::Utf8, true)
        );
        assert!(texts(departments, "type")
            .iter()
            .all(|t| t.as_deref() == Some("department")));

        let teams = client.org_units(OrgUnitType::Team).await.unwrap();
        let inbound = chains(&batch(&teams))
            .into_iter()
            .find(|(n, _)| n == "Inbound")
            .unwrap();
        assert_eq!(inbound.1.len(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_small_catalogues_come_whole() {
    let server = fake(FakeOptions {
        employees: 5,
        v2_list_page_cap: Some(2),
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server);
    let cost_centers = client.cost_centers().await.unwrap();
    assert_eq!(batch(&cost_centers).num_rows(), 6);
    assert_eq!(cost_centers.schema.fields().len(), 2);
    let entities = client.legal_entities().await.unwrap();
    let countries = texts(&batch(&entities), "country");
    assert_eq!(countries.len(), 4);
    assert!(countries.contains(&Some("GB".to_string())));
    let workplaces = client.workplaces().await.unwrap();
    assert!(texts(&batch(&workplaces), "name").contains(&Some("Zürich".to_string())));
    let projects = client.projects().await.unwrap();
    let projects = &batch(&projects);
    assert_eq!(projects.num_rows(), 5);
    assert_eq!(
        texts(projects, "project_code")[4].as_deref(),
        Some("0815"),
        "codes stay text"
    );
    assert_eq!(
        projects.column_by_name("start_date").unwrap().data_type(),
        &DataType::Date32
    );
    let by_route = server.stats().by_route;
    assert_eq!(by_route["GET /v2/cost-centers"], 3);
    assert_eq!(by_route["GET /v2/legal-entities"], 2);
    assert_eq!(by_route["GET /v2/projects"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pictures_come_as_images_and_missing_ones_are_not_found() {
    let server = fake(FakeOptions {
        employees: 10,
        ..FakeOptions::default()
    })
    .await;
    let client = client_for(&server);
    let employees = client
        .employees(&personio_arrow::EmployeeQuery::default())
        .await
        .unwrap();
    let ids = &batch(&employees)
        .column_by_name("id")
        .unwrap()
        .as_primitive::<arrow::datatypes::Int64Type>()
        .clone();
    let png = client.profile_picture(ids.value(0), None).await.unwrap();
    assert_eq!(
        (png.content_type.as_str(), png.extension().as_str()),
        ("image/png", "png")
    );
    assert!(png.bytes.starts_with(b"\x89PNG"));
    let jpeg = client
        .profile_picture(ids.value(1), Some(16))
        .await
        .unwrap();
    assert_eq!(jpeg.extension(), "jpg");
    assert!(jpeg.bytes.starts_with(&[0xff, 0xd8]));
    let wide = client
        .profile_picture(ids.value(0), Some(100))
        .await
        .unwrap();
    assert_eq!(&wide.bytes[16..24], &[0, 0, 0, 100, 0, 0, 0, 100]);
    let missing = client
        .profile_picture(ids.value(4), None)
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound(_)), "{missing}");
    let refused = client
        .profile_picture(ids.value(0), Some(0))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::InvalidArgument(_)), "{refused}");
}

#[tokio::test]
async fn pictures_need_the_whitelist_and_org_data_its_scope() {
    let server = fake(FakeOptions {
        employees: 3,
        credentials: vec![CredentialSpec {
            client_id: "narrow".into(),
            client_secret: "n".repeat(20),
            whitelist: Some(vec!["first_name".into()]),
            scopes: vec!["employees:read".into()],
        }],
        ..FakeOptions::default()
    })
    .await;
    let narrow = Client::new(Options {
        client_id: Some("narrow".into()),
        client_secret: Some(Secret::new("n".repeat(20))),
        base_url: Some(server.url()),
        ..Options::default()
    })
    .unwrap();
    let first = client_for(&server)
        .employees(&personio_arrow::EmployeeQuery::default())
        .await
        .unwrap();
    let first = batch(&first)
        .column_by_name("id")
        .unwrap()
        .as_primitive::<arrow::datatypes::Int64Type>()
        .value(0);
    let error = narrow.profile_picture(first, None).await.unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error}");
    let error = narrow.cost_centers().await.unwrap_err();
    assert!(matches!(error, Error::PermissionDenied(_)), "{error}");
}
