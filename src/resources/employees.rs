//! Employees (`/v1/company/employees`) as typed Arrow.
//!
//! The schema comes from `GET /v1/company/employees/attributes` (see [`Plan`]): a column
//! the credential may not read is absent, and an empty company still has every column.
//! Pages convert as they arrive through [`crate::pipeline`], including the columns
//! their records add beyond the plan (entity fields, unlisted keys); the join
//! ([`super::employee_pages`]) lays out the final columns.

use std::sync::Arc;

use arrow::record_batch::RecordBatch;
use bytes::Bytes;
use tokio::sync::mpsc;

use super::employee_attributes::{attributes_of, select, ATTRIBUTES_PATH};
use super::employee_pages::{
    convert_page, join_pages, kept_bodies_only, PageContent, EMPLOYEES_PATH,
};
use super::employee_plan::Plan;
use super::names::Names;
use crate::arrow::Table;
use crate::error::{Error, Result};
use crate::paginate::{Addressing, Page};
use crate::pipeline::{read_pages, PageSource};
use crate::stream::stream_pages;
use crate::transport::{Api, Request, Response, Transport};

pub use super::employee_attributes::{attributes_table, fetch_attributes, Attribute};

/// Personio's cap on `limit` since 2025-01-31.
const PAGE_SIZE: u64 = 100;

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct EmployeeQuery {
    /// Attribute keys to read (`id` always comes); `None` reads every readable one.
    pub attributes: Option<Vec<String>>,
    /// Only employees changed after this instant (RFC 3339 with an offset).
    pub updated_since: Option<String>,
    /// Column naming.
    pub names: Names,
}

/// Every employee the query selects, as one typed table.
///
/// Each page is converted to typed Arrow as soon as it arrives (see
/// [`crate::pipeline`]), so the whole company never sits in memory as a JSON tree.
pub async fn fetch_employees(transport: &Transport, query: &EmployeeQuery) -> Result<Table> {
    let pages = employee_listing(transport, query).await?;
    let converted = read_pages(transport, Api::V1, Addressing::RecordOffset, pages.clone()).await?;
    let refetch = |offset: u64| refetch_page(transport, &pages, offset);
    join_pages(&pages.plan, converted, refetch).await
}

/// Every employee the query selects, sent to `out` in batches of at most `batch_size`
/// rows while the listing is read (see [`crate::stream`]): each window of pages is
/// joined as [`fetch_employees`] joins the whole listing. An error before the listing
/// is read (the attributes, the query) is returned; later ones are sent.
pub async fn stream_employees(
    transport: &Transport,
    query: &EmployeeQuery,
    batch_size: usize,
    out: mpsc::Sender<Result<RecordBatch>>,
) -> Result<()> {
    let pages = employee_listing(transport, query).await?;
    let join = |window| {
        let pages = pages.clone();
        async move {
            let refetch = |offset: u64| refetch_page(transport, &pages, offset);
            join_pages(&pages.plan, window, refetch).await
        }
    };
    let source = pages.clone();
    stream_pages(
        transport,
        Api::V1,
        Addressing::RecordOffset,
        source,
        batch_size,
        join,
        out,
    )
    .await;
    Ok(())
}

/// The page at `offset` again, for the join.
async fn refetch_page(transport: &Transport, pages: &EmployeePages, offset: u64) -> Result<Bytes> {
    let request = pages.request(offset);
    Ok(transport.execute(&request, Some(Api::V1)).await?.body)
}

/// The listing a query selects, its columns planned from the readable attributes.
async fn employee_listing(
    transport: &Transport,
    query: &EmployeeQuery,
) -> Result<Arc<EmployeePages>> {
    // Refused before any request is sent.
    if query.attributes.as_ref().is_some_and(Vec::is_empty) {
        return Err(Error::invalid_argument(
            "attributes is empty: pass None for every readable attribute, or a list of keys",
        ));
    }
    let readable = fetch_attributes(transport).await?;
    let selected = select(&readable, query.attributes.as_deref())?;
    let plan = Arc::new(Plan::new(
        &selected,
        query.attributes.as_deref(),
        query.names,
    ));
    let mut filters: Vec<(String, String)> = Vec::new();
    if let Some(wanted) = &query.attributes {
        filters.extend(
            wanted
                .iter()
                .map(|k| ("attributes[]".to_string(), k.clone())),
        );
    }
    if let Some(since) = &query.updated_since {
        filters.push(("updated_since".into(), since.clone()));
    }
    Ok(Arc::new(EmployeePages { plan, filters }))
}

/// The listing of the employees a query selects, each page converted as it arrives.
struct EmployeePages {
    plan: Arc<Plan>,
    /// `attributes[]` and `updated_since`, as asked.
    filters: Vec<(String, String)>,
}

impl PageSource for EmployeePages {
    type Content = PageContent;

    fn request(&self, offset: u64) -> Request {
        let mut query = self.filters.clone();
        query.push(("limit".into(), PAGE_SIZE.to_string()));
        query.push(("offset".into(), offset.to_string()));
        Request::get(EMPLOYEES_PATH, query)
    }

    fn convert(&self, body: Bytes, request: &Request, offset: u64) -> Result<Page<PageContent>> {
        let mut page = convert_page(&self.plan, body, request, false)?;
        // The body goes now: the join fetches it again in the rare case it needs it.
        page.content.drop_body(offset);
        Ok(page)
    }
}

/// One employee by id, as a one-row table.
pub async fn fetch_employee(transport: &Transport, id: i64, names: Names) -> Result<Table> {
    if id <= 0 {
        return Err(Error::invalid_argument(format!(
            "employee ids are positive integers, got {id}"
        )));
    }
    let readable = fetch_attributes(transport).await?;
    let plan = Plan::new(&readable, None, names);
    let request = Request::get(format!("{EMPLOYEES_PATH}/{id}"), Vec::new());
    let response = transport.execute(&request, Some(Api::V1)).await?;
    let page = convert_page(&plan, response.body, &request, true)?;
    join_pages(&plan, vec![page], kept_bodies_only).await
}

/// Every employee of some `/v1/company/employees` list pages, in order, as
/// [`fetch_employees`] converts them (every attribute `attributes_body` lists, columns
/// named by key): the same conversion, without a server. For tests that feed bodies.
#[doc(hidden)]
pub fn table_from_pages(attributes_body: &[u8], page_bodies: &[Bytes]) -> Result<Table> {
    let request = Request::get(ATTRIBUTES_PATH, Vec::new());
    let json = Response::of(Bytes::copy_from_slice(attributes_body)).json(&request)?;
    let readable = attributes_of(&json)?;
    let plan = Plan::new(&readable, None, Names::Key);
    let request = Request::get(EMPLOYEES_PATH, Vec::new());
    // As the paging hands them over (it has already made each record come once).
    let pages = page_bodies
        .iter()
        .map(|body| convert_page(&plan, body.clone(), &request, false))
        .collect::<Result<Vec<_>>>()?;
    crate::runtime::block_on(join_pages(&plan, pages, kept_bodies_only))
}

#[cfg(test)]
mod tests {
    //! Bodies written by hand from OBSERVED.md and the spec's examples, not by the fake.

    use super::*;
    use crate::resources::employee_attributes::parse_attributes;
    use crate::resources::employee_plan::DISCOVERED_METADATA_KEY;
    use arrow::array::ArrayRef;
    use arrow::array::AsArray;
    use arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type};

    /// `/attributes` as an account lists it: fewer keys than its records carry.
    const ATTRIBUTES: &str = r#"{"success": true, "data": [
        {"key": "first_name", "label": "First name", "type": "standard", "universal_id": "first_name"},
        {"key": "hire_date", "label": "Hire date", "type": "date", "universal_id": "hire_date"},
        {"key": "supervisor", "label": "Supervisor", "type": "standard", "universal_id": "supervisor"},
        {"key": "department", "label": "Department", "type": "standard", "universal_id": "department"},
        {"key": "holiday_calendar", "label": "Public holidays", "type": "standard", "universal_id": "holiday_calendar"},
        {"key": "work_schedule", "label": "Work schedule", "type": "standard", "universal_id": "work_schedule"},
        {"key": "dynamic_1835", "label": "Birthday", "type": "date", "universal_id": null}
    ]}"#;

    /// A full record, then an old account's record (`label` and `value` only).
    const PAGE: &str = r#"{"success": true, "metadata": {"total_elements": 2}, "data": [
      {"type": "Employee", "attributes": {
        "id": {"label": "ID", "value": 1, "type": "integer", "universal_id": "id"},
        "first_name": {"label": "First name", "value": "Alexander", "type": "standard", "universal_id": "first_name"},
        "hire_date": {"label": "Hire date", "value": "2019-06-01T00:00:00+00:00", "type": "date", "universal_id": "hire_date"},
        "supervisor": {"label": "Supervisor", "type": "standard", "universal_id": "supervisor", "value":
          {"type": "Employee", "attributes": {
            "id": {"label": "ID", "value": 2, "type": "integer", "universal_id": "id"},
            "first_name": {"label": "First name", "value": "Beate", "type": "standard", "universal_id": "first_name"},
            "last_name": {"label": "Last name", "value": "Berger", "type": "standard", "universal_id": "last_name"},
            "email": {"label": "Email", "value": "beate.berger@demo.email", "type": "standard", "universal_id": "email"}}}},
        "department": {"label": "Department", "type": "standard", "universal_id": "department", "value":
          {"type": "Department", "attributes": {"id": 281521, "name": "Customer Support", "code": "CS"}}},
        "holiday_calendar": {"label": "Public holidays", "type": "standard", "universal_id": "holiday_calendar", "value":
          {"type": "HolidayCalendar", "attributes": {"id": 978, "name": "DE (Bayern) Feiertage", "country": "DE", "state": "Bayern"}}},
        "work_schedule": {"label": "Work schedule", "type": "standard", "universal_id": "work_schedule", "value":
          {"type": "WorkSchedule", "attributes": {"id": 1067807102794692000, "name": "Full time",
            "valid_from": "2020-01-01T00:00:00+01:00", "monday": "08:00", "tuesday": "08:00",
            "wednesday": "08:00", "thursday": "08:00", "friday": "07:30", "saturday": "00:00", "sunday": "00:00"}}},
        "dynamic_1835": {"label": "Birthday", "value": "1835-12-10T00:00:00+00:53", "type": "date", "universal_id": null},
        "dynamic_24407": {"label": "Titel", "value": "Dr", "type": "standard", "universal_id": null},
        "office": {"label": "Office", "type": "standard", "universal_id": "office", "value":
          {"type": "Office", "attributes": {"id": 131014, "name": "Munich"}}}
      }},
      {"type": "Employee", "attributes": {
        "id": {"label": "ID", "value": 2},
        "first_name": {"label": "First name", "value": "Beate"},
        "hire_date": {"label": "Hire date", "value": "2014-11-09T00:00:00+01:00"},
        "supervisor": {"label": "Supervisor", "value": null},
        "department": {"label": "Department", "value": ""},
        "holiday_calendar": {"label": "Public holidays", "value":
          {"type": "HolidayCalendar", "attributes": {"id": 2, "name": "Deutschland (Bayern) Feiertage", "country": "DE", "state": "Bayern"}}},
        "work_schedule": {"label": "Work schedule", "value":
          {"type": "WorkSchedule", "attributes": {"id": 97188, "name": "Part time", "valid_from": null,
            "monday": "04:00", "tuesday": "04:00", "wednesday": "04:00", "thursday": "04:00",
            "friday": "00:00", "saturday": "00:00", "sunday": "00:00"}}},
        "dynamic_1835": {"label": "Birthday", "value": "1990-04-15"},
        "dynamic_24407": {"label": "Titel", "value": ""}
      }}
    ]}"#;

    fn plan(attributes: &str, wanted: Option<&[String]>, names: Names) -> Plan {
        let listed = parse_attributes(&serde_json::from_str(attributes).unwrap()).unwrap();
        Plan::new(&listed, wanted, names)
    }

    fn read(plan: &Plan, bodies: &[&'static str]) -> Table {
        let request = Request::get(EMPLOYEES_PATH, Vec::new());
        let pages = bodies
            .iter()
            .map(|body| convert_page(plan, Bytes::from_static(body.as_bytes()), &request, false))
            .collect::<Result<Vec<_>>>()
            .unwrap();
        let table = crate::runtime::block_on(join_pages(plan, pages, kept_bodies_only)).unwrap();
        // One batch per page; the tests read a column across pages.
        crate::arrow::build::one_batch(table).unwrap()
    }

    fn column<'t>(table: &'t Table, name: &str) -> &'t ArrayRef {
        table.batches[0]
            .column_by_name(name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    fn ints(table: &Table, name: &str) -> Vec<Option<i64>> {
        column(table, name)
            .as_primitive::<Int64Type>()
            .iter()
            .collect()
    }

    fn floats(table: &Table, name: &str) -> Vec<Option<f64>> {
        column(table, name)
            .as_primitive::<Float64Type>()
            .iter()
            .collect()
    }

    fn days(table: &Table, name: &str) -> Vec<Option<i32>> {
        column(table, name)
            .as_primitive::<Date32Type>()
            .iter()
            .collect()
    }

    fn texts<'t>(table: &'t Table, name: &str) -> Vec<Option<&'t str>> {
        column(table, name).as_string::<i32>().iter().collect()
    }

    fn schema(table: &Table) -> Vec<(&str, &DataType)> {
        table
            .schema
            .fields()
            .iter()
            .map(|f| (f.name().as_str(), f.data_type()))
            .collect()
    }

    #[test]
    fn nested_objects_and_unlisted_keys_keep_every_field() {
        let table = read(&plan(ATTRIBUTES, None, Names::Key), &[PAGE]);
        use DataType::{Date32, Float64, Int64, Utf8};
        assert_eq!(
            schema(&table),
            [
                ("id", &Int64),
                ("first_name", &Utf8),
                ("hire_date", &Date32),
                ("supervisor_id", &Int64),
                ("supervisor_name", &Utf8),
                ("supervisor_first_name", &Utf8),
                ("supervisor_last_name", &Utf8),
                ("supervisor_email", &Utf8),
                ("department_id", &Int64),
                ("department_name", &Utf8),
                ("department_code", &Utf8),
                ("holiday_calendar_id", &Int64),
                ("holiday_calendar_name", &Utf8),
                ("holiday_calendar_country", &Utf8),
                ("holiday_calendar_state", &Utf8),
                ("work_schedule_id", &Int64),
                ("work_schedule_name", &Utf8),
                ("work_schedule_valid_from", &Date32),
                ("work_schedule_monday", &Float64),
                ("work_schedule_tuesday", &Float64),
                ("work_schedule_wednesday", &Float64),
                ("work_schedule_thursday", &Float64),
                ("work_schedule_friday", &Float64),
                ("work_schedule_saturday", &Float64),
                ("work_schedule_sunday", &Float64),
                ("dynamic_1835", &Date32),
                ("dynamic_24407", &Utf8),
                ("office_id", &Int64),
                ("office_name", &Utf8),
            ]
        );
        assert_eq!(ints(&table, "id"), [Some(1), Some(2)]);
        // 2019-06-01 (written with +00:00) and 2014-11-09 (+01:00): the written days.
        assert_eq!(days(&table, "hire_date"), [Some(18048), Some(16383)]);
        assert_eq!(ints(&table, "supervisor_id"), [Some(2), None]);
        assert_eq!(ints(&table, "department_id"), [Some(281521), None]);
        assert_eq!(ints(&table, "holiday_calendar_id"), [Some(978), Some(2)]);
        // Beyond 2^53: exact, never through a float.
        assert_eq!(
            ints(&table, "work_schedule_id"),
            [Some(1_067_807_102_794_692_000), Some(97188)]
        );
        // 2020-01-01.
        assert_eq!(
            days(&table, "work_schedule_valid_from"),
            [Some(18262), None]
        );
        let hours = [
            ("monday", [8.0, 4.0]),
            ("tuesday", [8.0, 4.0]),
            ("wednesday", [8.0, 4.0]),
            ("thursday", [8.0, 4.0]),
            ("friday", [7.5, 0.0]),
            ("saturday", [0.0, 0.0]),
            ("sunday", [0.0, 0.0]),
        ];
        for (day, expected) in hours {
            let column = format!("work_schedule_{day}");
            assert_eq!(floats(&table, &column), expected.map(Some), "{column}");
        }
        // 1835-12-10 at +00:53 (local mean time) and 1990-04-15.
        assert_eq!(days(&table, "dynamic_1835"), [Some(-48965), Some(7409)]);
        assert_eq!(ints(&table, "office_id"), [Some(131014), None]);
        let texts_expected: [(&str, [Option<&str>; 2]); 12] = [
            ("supervisor_name", [Some("Beate Berger"), None]),
            ("supervisor_email", [Some("beate.berger@demo.email"), None]),
            ("supervisor_first_name", [Some("Beate"), None]),
            ("supervisor_last_name", [Some("Berger"), None]),
            ("department_name", [Some("Customer Support"), None]),
            ("department_code", [Some("CS"), None]),
            (
                "holiday_calendar_name",
                [
                    Some("DE (Bayern) Feiertage"),
                    Some("Deutschland (Bayern) Feiertage"),
                ],
            ),
            ("holiday_calendar_country", [Some("DE"), Some("DE")]),
            ("holiday_calendar_state", [Some("Bayern"), Some("Bayern")]),
            ("work_schedule_name", [Some("Full time"), Some("Part time")]),
            ("dynamic_24407", [Some("Dr"), None]),
            ("office_name", [Some("Munich"), None]),
        ];
        for (column, expected) in texts_expected {
            assert_eq!(texts(&table, column), expected, "{column}");
        }
        assert_eq!(table.warnings.len(), 1, "{:?}", table.warnings);
        assert!(
            table.warnings[0].contains("does not list")
                && table.warnings[0].ends_with(": dynamic_24407, office"),
            "{}",
            table.warnings[0]
        );
        let field = table
            .schema
            .field_with_name("work_schedule_monday")
            .unwrap();
        assert_eq!(field.metadata()["personio.key"], "work_schedule");
        assert_eq!(field.metadata()["personio.part"], "monday");
        for planned in [
            "work_schedule_monday",
            "supervisor_first_name",
            "dynamic_1835",
        ] {
            let field = table.schema.field_with_name(planned).unwrap();
            assert!(!field.metadata().contains_key(DISCOVERED_METADATA_KEY));
        }
        for discovered in ["department_code", "office_id", "office_name"] {
            let field = table.schema.field_with_name(discovered).unwrap();
            assert_eq!(field.metadata()[DISCOVERED_METADATA_KEY], "true");
        }
    }

    #[test]
    fn old_records_read_like_full_ones() {
        let full = r#"{"success": true, "data": [{"type": "Employee", "attributes": {
            "id": {"label": "ID", "value": 7, "type": "integer", "universal_id": "id"},
            "hire_date": {"label": "Hire date", "value": "2020-01-01T00:00:00+01:00", "type": "date", "universal_id": "hire_date"},
            "supervisor": {"label": "Supervisor", "type": "standard", "universal_id": "supervisor", "value":
              {"type": "Employee", "attributes": {
                "id": {"label": "ID", "value": 3, "type": "integer", "universal_id": "id"},
                "preferred_name": {"label": "Name (preferred)", "value": "Cem", "type": "standard", "universal_id": "preferred_name"},
                "email": {"label": "Email", "value": "cem@demo.email", "type": "standard", "universal_id": "email"}}}},
            "work_schedule": {"label": "Work schedule", "type": "standard", "universal_id": "work_schedule", "value":
              {"type": "WorkSchedule", "attributes": {"id": 1067807102794692000, "name": "Full time",
                "valid_from": "2020-01-01T00:00:00+01:00", "monday": "07:30", "sunday": "00:00"}}},
            "dynamic_1835": {"label": "Birthday", "value": "1835-12-10T00:00:00+00:53", "type": "date", "universal_id": null}
        }}]}"#;
        let legacy = r#"{"success": true, "data": [{"type": "Employee", "attributes": {
            "id": {"label": "ID", "value": 7},
            "hire_date": {"label": "Hire date", "value": "2020-01-01T00:00:00+01:00"},
            "supervisor": {"label": "Supervisor", "value":
              {"type": "Employee", "attributes": {
                "id": {"label": "ID", "value": 3},
                "preferred_name": {"label": "Name (preferred)", "value": "Cem"},
                "email": {"label": "Email", "value": "cem@demo.email"}}}},
            "work_schedule": {"label": "Work schedule", "value":
              {"type": "WorkSchedule", "attributes": {"id": 1067807102794692000, "name": "Full time",
                "valid_from": "2020-01-01T00:00:00+01:00", "monday": "07:30", "sunday": "00:00"}}},
            "dynamic_1835": {"label": "Birthday", "value": "1835-12-10T00:00:00+00:53"}
        }}]}"#;
        let plan = plan(ATTRIBUTES, None, Names::Key);
        let (full, legacy) = (read(&plan, &[full]), read(&plan, &[legacy]));
        assert_eq!(full.schema, legacy.schema);
        assert_eq!(full.batches, legacy.batches);
        assert_eq!(full.warnings, legacy.warnings);
        assert!(legacy.warnings.is_empty(), "{:?}", legacy.warnings);
        assert_eq!(ints(&legacy, "supervisor_id"), [Some(3)]);
        assert_eq!(texts(&legacy, "supervisor_name"), [Some("Cem")]);
        assert_eq!(texts(&legacy, "supervisor_email"), [Some("cem@demo.email")]);
        assert_eq!(texts(&legacy, "supervisor_preferred_name"), [Some("Cem")]);
        assert_eq!(
            ints(&legacy, "work_schedule_id"),
            [Some(1_067_807_102_794_692_000)]
        );
        assert_eq!(floats(&legacy, "work_schedule_monday"), [Some(7.5)]);
        assert_eq!(floats(&legacy, "work_schedule_tuesday"), [None]);
        assert_eq!(days(&legacy, "dynamic_1835"), [Some(-48965)]);
    }

    #[test]
    fn an_empty_company_has_every_known_column() {
        let table = read(
            &plan(ATTRIBUTES, None, Names::Key),
            &[r#"{"success": true, "metadata": {"total_elements": 0}, "data": []}"#],
        );
        assert_eq!(table.num_rows(), 0);
        assert!(table.warnings.is_empty());
        let names: Vec<&str> = schema(&table).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "id",
                "first_name",
                "hire_date",
                "supervisor_id",
                "supervisor_name",
                "supervisor_first_name",
                "supervisor_last_name",
                "supervisor_email",
                "department_id",
                "department_name",
                "holiday_calendar_id",
                "holiday_calendar_name",
                "holiday_calendar_country",
                "holiday_calendar_state",
                "work_schedule_id",
                "work_schedule_name",
                "work_schedule_valid_from",
                "work_schedule_monday",
                "work_schedule_tuesday",
                "work_schedule_wednesday",
                "work_schedule_thursday",
                "work_schedule_friday",
                "work_schedule_saturday",
                "work_schedule_sunday",
                "dynamic_1835",
            ]
        );
        let type_of = |name: &str| table.schema.field_with_name(name).unwrap().data_type();
        assert_eq!(type_of("work_schedule_sunday"), &DataType::Float64);
        assert_eq!(type_of("work_schedule_valid_from"), &DataType::Date32);
    }

    #[test]
    fn what_does_not_parse_stays_as_raw_strings_across_pages() {
        let attributes = r#"{"data": [
            {"key": "department", "label": "Department", "type": "standard"},
            {"key": "work_schedule", "label": "Work schedule", "type": "standard"}]}"#;
        let first = r#"{"success": true, "metadata": {"total_elements": 3}, "data": [
            {"type": "Employee", "attributes": {
              "id": {"label": "ID", "value": 1},
              "department": {"label": "Department", "value": "Customer Support"},
              "work_schedule": {"label": "Work schedule", "value":
                {"type": "WorkSchedule", "attributes": {"id": 5, "monday": "08:00"}}},
              "dynamic_9": {"label": "Extra", "value": "x"}}},
            {"type": "Employee", "attributes": {"id": {"label": "ID", "value": 2}}}]}"#;
        let second = r#"{"success": true, "metadata": {"total_elements": 3}, "data": [
            {"type": "Employee", "attributes": {
              "id": {"label": "ID", "value": 3},
              "department": {"label": "Department", "value": {"type": "Department", "attributes": {"id": 4, "name": "Sales"}}},
              "work_schedule": {"label": "Work schedule", "value":
                {"type": "WorkSchedule", "attributes": {"id": 6, "monday": "flexible", "core_hours": "10-16"}}},
              "dynamic_9": {"label": "Extra", "value": {"a": 1}}}}]}"#;
        let table = read(&plan(attributes, None, Names::Key), &[first, second]);
        assert_eq!(table.num_rows(), 3);
        // Not an entity: the whole value is kept in `<key>_id`, which holds raw strings.
        assert_eq!(
            texts(&table, "department_id"),
            [Some("Customer Support"), None, Some("4")]
        );
        assert_eq!(
            texts(&table, "department_name"),
            [None, None, Some("Sales")]
        );
        assert_eq!(
            texts(&table, "work_schedule_monday"),
            [Some("08:00"), None, Some("flexible")]
        );
        assert_eq!(ints(&table, "work_schedule_id"), [Some(5), None, Some(6)]);
        // A field only the second page carries: null on the first.
        assert_eq!(
            texts(&table, "work_schedule_core_hours"),
            [None, None, Some("10-16")]
        );
        // Mixed shapes: raw JSON.
        assert_eq!(
            texts(&table, "dynamic_9"),
            [Some("x"), None, Some(r#"{"a":1}"#)]
        );
        let mut warned: Vec<&str> = table
            .warnings
            .iter()
            .map(|w| w.split('"').nth(1).unwrap_or(w))
            .collect();
        warned.sort_unstable();
        assert_eq!(
            warned,
            [
                "department_id",
                "dynamic_9",
                "keys that /v1/company/employees/attributes does not list became columns typed by their values: dynamic_9",
                "work_schedule_monday",
            ]
        );
        let field = table
            .schema
            .field_with_name("work_schedule_monday")
            .unwrap();
        assert_eq!(
            field
                .metadata()
                .get(crate::arrow::build::FALLBACK_METADATA_KEY),
            Some(&"true".to_string())
        );
    }

    #[test]
    fn pages_that_saw_other_shapes_agree_on_one_kind() {
        let attributes =
            r#"{"data": [{"key": "first_name", "label": "First name", "type": "standard"}]}"#;
        let pages = [
            r#"{"success": true, "metadata": {"total_elements": 3}, "data": [{"type": "Employee", "attributes": {
                "id": {"label": "ID", "value": 1}, "dynamic_7": {"label": "Level", "value": 5},
                "team": {"label": "Team", "value": {"type": "Team", "attributes": {"id": 1, "name": "A", "size": 4}}}}}]}"#,
            r#"{"success": true, "metadata": {"total_elements": 3}, "data": [{"type": "Employee", "attributes": {
                "id": {"label": "ID", "value": 2}}}]}"#,
            r#"{"success": true, "metadata": {"total_elements": 3}, "data": [{"type": "Employee", "attributes": {
                "id": {"label": "ID", "value": 3}, "dynamic_7": {"label": "Level", "value": 2.5},
                "team": {"label": "Team", "value": {"type": "Team", "attributes": {"id": 2, "name": "B", "size": 4.5}}}}}]}"#,
        ];
        let table = read(&plan(attributes, None, Names::Key), &pages);
        assert_eq!(ints(&table, "id"), [Some(1), Some(2), Some(3)]);
        assert_eq!(floats(&table, "dynamic_7"), [Some(5.0), None, Some(2.5)]);
        assert_eq!(ints(&table, "team_id"), [Some(1), None, Some(2)]);
        assert_eq!(floats(&table, "team_size"), [Some(4.0), None, Some(4.5)]);
        assert_eq!(table.warnings.len(), 1, "{:?}", table.warnings);
        assert!(table.warnings[0].ends_with(": dynamic_7, team"));
    }

    #[test]
    fn a_listed_attribute_holding_entities_is_flattened() {
        let attributes =
            r#"{"data": [{"key": "dynamic_500", "label": "Mentor team", "type": "standard"}]}"#;
        let page = r#"{"success": true, "data": [
            {"type": "Employee", "attributes": {"id": {"label": "ID", "value": 1},
              "dynamic_500": {"label": "Mentor team", "value": {"type": "Team", "attributes": {"id": 59026, "name": "T_X", "lead": "Ana"}}}}},
            {"type": "Employee", "attributes": {"id": {"label": "ID", "value": 2},
              "dynamic_500": {"label": "Mentor team", "value": []}}}]}"#;
        let table = read(&plan(attributes, None, Names::Key), &[page]);
        assert!(table.warnings.is_empty(), "{:?}", table.warnings);
        assert!(table.schema.field_with_name("dynamic_500").is_err());
        assert_eq!(ints(&table, "dynamic_500_id"), [Some(59026), None]);
        assert_eq!(texts(&table, "dynamic_500_name"), [Some("T_X"), None]);
        assert_eq!(texts(&table, "dynamic_500_lead"), [Some("Ana"), None]);
    }

    #[test]
    fn only_asked_keys_become_columns() {
        let wanted = ["first_name".to_string()];
        let table = read(&plan(ATTRIBUTES, Some(&wanted), Names::Key), &[PAGE]);
        let names: Vec<&str> = schema(&table).into_iter().map(|(n, _)| n).collect();
        assert!(names.contains(&"first_name") && !names.contains(&"office_id"));
        assert!(table.warnings.is_empty(), "{:?}", table.warnings);
    }

    #[test]
    fn a_column_name_passed_as_a_key_gets_a_hint() {
        let listed = parse_attributes(&serde_json::from_str(ATTRIBUTES).unwrap()).unwrap();
        let wanted = ["work_schedule_monday".to_string()];
        let error = select(&listed, Some(&wanted)).unwrap_err().to_string();
        assert!(
            error.contains(r#"Did you mean "work_schedule"?"#),
            "{error}"
        );
    }

    #[test]
    fn labels_name_the_nested_fields() {
        let table = read(&plan(ATTRIBUTES, None, Names::Label), &[PAGE]);
        for name in [
            "Supervisor ID",
            "Supervisor",
            "Supervisor email",
            "Supervisor first name",
            "Public holidays country",
            "Work schedule valid from",
            "Work schedule monday",
            "Department code",
            "office ID",
        ] {
            assert!(table.schema.field_with_name(name).is_ok(), "{name}");
        }
    }
}
