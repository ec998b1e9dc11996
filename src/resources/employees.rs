//! Employees (`/v1/company/employees`) as typed Arrow.
//!
//! The schema comes from `GET /v1/company/employees/attributes`: a column the credential
//! may not read is absent, and an empty company still has every column. Personio's
//! declared attribute `type` often does not describe the JSON (`supervisor` is
//! `standard` yet holds an employee, `created_at` is `date` yet holds an instant), so
//! the standard attributes Personio documents are typed by key, everything else by type.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray};
use arrow::compute::filter_record_batch;
use bytes::Bytes;
use serde_json::Value;

use super::employee_wire::{is_empty_entity, parse_employees, EmployeeRecord};
use super::names::{label_names, Names};
use crate::arrow::build::{build_chunk, concat_chunks, join_chunks, raw_strings, Chunk};
use crate::arrow::{build_table, Cell, ColumnDef, Kind, Table};
use crate::error::{Error, Result};
use crate::paginate::{first_occurrences, offset_paged, OffsetPage};
use crate::transport::{Api, Request, Transport};

const EMPLOYEES_PATH: &str = "/v1/company/employees";
const ATTRIBUTES_PATH: &str = "/v1/company/employees/attributes";
/// Personio's cap on `limit` since 2025-01-31.
const PAGE_SIZE: u64 = 100;

/// One readable employee attribute, as `/attributes` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// `first_name`, `dynamic_123`, ...
    pub key: String,
    /// Human label (not unique).
    pub label: String,
    /// Declared type: standard, date, integer, decimal, list, link, tags, multiline.
    pub declared_type: String,
    /// Cross-company id such as `iban`, when Personio has one.
    pub universal_id: Option<String>,
    /// Choices of a `list` or `tags` attribute.
    pub options: Vec<String>,
}

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

/// How a known standard attribute is laid out, whatever its declared type says.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Scalar(Kind),
    /// `<key>` as float64 plus `<key>_currency`.
    Money,
    /// `{"type","attributes":{"id","name"}}` flattened to `<key>_id`, `<key>_name`.
    Entity,
    /// A wrapped Employee flattened to `supervisor_id`, `supervisor_name`.
    Supervisor,
}

/// Where a column's value sits in an employee record.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    Value,
    Currency,
    EntityId,
    EntityName,
    SupervisorId,
    SupervisorName,
}

/// Where one column's value sits in an employee record.
struct Locator {
    key: String,
    source: Source,
    /// A custom decimal's currency column: kept only if a record carries a currency.
    needs_currency_seen: bool,
}

fn standard_shape(key: &str) -> Option<Shape> {
    let entity_list = |fields: &[(&str, Kind)]| {
        Shape::Scalar(Kind::StructList(
            fields
                .iter()
                .map(|(name, kind)| (name.to_string(), kind.clone()))
                .collect(),
        ))
    };
    Some(match key {
        "id" => Shape::Scalar(Kind::Int64),
        "first_name"
        | "last_name"
        | "preferred_name"
        | "email"
        | "gender"
        | "status"
        | "position"
        | "employment_type"
        | "termination_type"
        | "termination_reason"
        | "fix_salary_interval"
        | "profile_picture" => Shape::Scalar(Kind::Utf8),
        "weekly_working_hours" | "vacation_day_balance" => Shape::Scalar(Kind::Float64),
        "hire_date"
        | "contract_end_date"
        | "termination_date"
        | "probation_period_end"
        | "last_working_day" => Shape::Scalar(Kind::Date32),
        "created_at" | "last_modified_at" => Shape::Scalar(Kind::TimestampUtc),
        "fix_salary" | "hourly_salary" => Shape::Money,
        "department" | "office" | "team" | "subcompany" | "holiday_calendar" | "work_schedule" => {
            Shape::Entity
        }
        "supervisor" => Shape::Supervisor,
        "cost_centers" => entity_list(&[
            ("id", Kind::Int64),
            ("name", Kind::Utf8),
            ("percentage", Kind::Float64),
        ]),
        "absence_entitlement" => entity_list(&[
            ("id", Kind::Int64),
            ("name", Kind::Utf8),
            ("category", Kind::Utf8),
            ("entitlement", Kind::Float64),
        ]),
        _ => return None,
    })
}

fn declared_shape(declared_type: &str, has_currency: bool) -> Shape {
    match declared_type {
        "date" => Shape::Scalar(Kind::Date32),
        "integer" => Shape::Scalar(Kind::Int64),
        "decimal" if has_currency => Shape::Money,
        "decimal" => Shape::Scalar(Kind::Float64),
        "list" => Shape::Scalar(Kind::Dictionary),
        "tags" => Shape::Scalar(Kind::StringList),
        _ => Shape::Scalar(Kind::Utf8),
    }
}

/// `GET /v1/company/employees/attributes`, parsed.
pub async fn fetch_attributes(transport: &Transport) -> Result<Vec<Attribute>> {
    let json = transport
        .get_json(Api::V1, ATTRIBUTES_PATH, Vec::new())
        .await?;
    parse_attributes(&json).ok_or_else(|| {
        Error::invalid_response(
            &format!("GET {ATTRIBUTES_PATH}"),
            "expected {\"data\": [{\"key\", \"label\", \"type\", ...}]}",
        )
    })
}

fn parse_attributes(json: &Value) -> Option<Vec<Attribute>> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    json.get("data")?
        .as_array()?
        .iter()
        .map(|item| {
            let key = text(item.get("key"))?;
            Some(Attribute {
                label: text(item.get("label")).unwrap_or_else(|| key.clone()),
                declared_type: text(item.get("type")).unwrap_or_else(|| "standard".into()),
                universal_id: text(item.get("universal_id")),
                options: item
                    .get("options")
                    .and_then(Value::as_array)
                    .map(|o| o.iter().filter_map(crate::arrow::parse::raw_text).collect())
                    .unwrap_or_default(),
                key,
            })
        })
        .collect()
}

/// The attribute list as a table: key, label, type, universal_id, options.
pub fn attributes_table(attributes: &[Attribute]) -> Result<Table> {
    let columns: Vec<ColumnDef> = [
        ("key", Kind::Utf8),
        ("label", Kind::Utf8),
        ("type", Kind::Utf8),
        ("universal_id", Kind::Utf8),
        ("options", Kind::StringList),
    ]
    .into_iter()
    .map(|(name, kind)| ColumnDef {
        name: name.into(),
        kind,
        metadata: HashMap::new(),
    })
    .collect();
    let rows: Vec<[Value; 5]> = attributes
        .iter()
        .map(|a| {
            [
                Value::from(a.key.as_str()),
                Value::from(a.label.as_str()),
                Value::from(a.declared_type.as_str()),
                a.universal_id.as_deref().map_or(Value::Null, Value::from),
                Value::from(a.options.clone()),
            ]
        })
        .collect();
    build_table(&columns, rows.len(), |c, r| {
        Some(Cow::Borrowed(&rows[r][c]))
    })
}

/// Every employee the query selects, as one typed table.
///
/// Each page is converted to typed Arrow as soon as it arrives (in the concurrent page
/// task), so the whole company never sits in memory as a JSON tree.
pub async fn fetch_employees(transport: &Transport, query: &EmployeeQuery) -> Result<Table> {
    let readable = fetch_attributes(transport).await?;
    let selected = select(&readable, query.attributes.as_deref())?;
    let plan = Arc::new(plan_columns(&selected, query.names));
    let mut params: Vec<(String, String)> = Vec::new();
    if let Some(wanted) = &query.attributes {
        params.extend(
            wanted
                .iter()
                .map(|k| ("attributes[]".to_string(), k.clone())),
        );
    }
    if let Some(since) = &query.updated_since {
        params.push(("updated_since".into(), since.clone()));
    }
    // `concurrency` bounds the requests Personio sees. Twice as many pages may be in
    // progress, so that downloads go on while earlier pages convert.
    let concurrency = transport.config().concurrency;
    let requests = tokio::sync::Semaphore::new(concurrency);
    let requests = &requests;
    let fetch = |offset: u64| {
        let mut page_params = params.clone();
        page_params.push(("limit".into(), PAGE_SIZE.to_string()));
        page_params.push(("offset".into(), offset.to_string()));
        let plan = plan.clone();
        async move {
            let request = Request::get(EMPLOYEES_PATH, page_params);
            let response = {
                let _slot = requests
                    .acquire()
                    .await
                    .map_err(|e| Error::Internal(format!("request slots closed: {e}")))?;
                transport.execute(&request, Some(Api::V1)).await?
            };
            // Converting a page is CPU work: off the async threads, so that pages
            // convert in parallel while the next ones download.
            tokio::task::spawn_blocking(move || convert_page(&plan, response.body, &request, false))
                .await
                .map_err(|e| Error::Internal(format!("page conversion failed: {e}")))?
        }
    };
    let pages = offset_paged(concurrency * 2, fetch).await?;
    join_pages(&plan, pages)
}

/// One employee by id, as a one-row table.
pub async fn fetch_employee(transport: &Transport, id: i64, names: Names) -> Result<Table> {
    if id <= 0 {
        return Err(Error::invalid_argument(format!(
            "employee ids are positive integers, got {id}"
        )));
    }
    let readable = fetch_attributes(transport).await?;
    let plan = plan_columns(&readable, names);
    let request = Request::get(format!("{EMPLOYEES_PATH}/{id}"), Vec::new());
    let response = transport.execute(&request, Some(Api::V1)).await?;
    let page = convert_page(&plan, response.body, &request, true)?;
    join_pages(&plan, vec![page])
}

/// A converted page and what is needed to finish the table.
struct PageContent {
    chunk: Chunk,
    /// Kept for the rare column that falls back to raw strings in some page.
    body: Bytes,
    /// Whether the body is a single-employee answer.
    single: bool,
    /// Per planned column: whether a record of this page carried a `currency`.
    currency_seen: Vec<bool>,
}

fn convert_page(
    plan: &Plan,
    body: Bytes,
    request: &Request,
    single: bool,
) -> Result<OffsetPage<PageContent>> {
    let (records, total) = parse_employees(&body, request, single)?;
    let chunk = build_chunk(&plan.defs, records.len(), |c, r| {
        extract(&plan.locators[c], &records[r])
    });
    let currency_seen = plan
        .locators
        .iter()
        .map(|locator| {
            locator.source == Source::Currency
                && records.iter().any(|record| {
                    record
                        .attributes
                        .get(locator.key.as_str())
                        .is_some_and(|a| a.currency.is_some())
                })
        })
        .collect();
    let ids = records.iter().map(EmployeeRecord::id).collect();
    drop(records);
    Ok(OffsetPage {
        len: chunk.rows,
        total,
        ids,
        content: PageContent {
            chunk,
            body,
            single,
            currency_seen,
        },
    })
}

/// Joins converted pages: raw strings where a column did not parse, first occurrence of
/// each id, and money currency columns only for custom decimals that carry a currency.
fn join_pages(plan: &Plan, pages: Vec<OffsetPage<PageContent>>) -> Result<Table> {
    let keep_rows = first_occurrences(&pages);
    let mut currency_seen = vec![false; plan.locators.len()];
    let mut bodies = Vec::with_capacity(pages.len());
    let mut chunks = Vec::with_capacity(pages.len());
    for page in pages {
        for (seen, page_seen) in currency_seen.iter_mut().zip(&page.content.currency_seen) {
            *seen |= *page_seen;
        }
        bodies.push((page.content.body, page.content.single));
        chunks.push(page.content.chunk);
    }
    let table = join_chunks(&plan.defs, chunks, |index, fallen| {
        let (body, single) = &bodies[index];
        raw_columns(plan, body, *single, fallen)
    })?;
    let batches = table
        .batches
        .iter()
        .zip(keep_rows)
        .map(|(batch, keep)| {
            if keep.iter().all(|k| *k) {
                Ok(batch.clone())
            } else {
                filter_record_batch(batch, &BooleanArray::from(keep))
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    let kept_columns: Vec<usize> = (0..plan.locators.len())
        .filter(|c| !plan.locators[*c].needs_currency_seen || currency_seen[*c])
        .collect();
    let schema = Arc::new(table.schema.project(&kept_columns).map_err(internal)?);
    let projected = batches
        .iter()
        .map(|batch| batch.project(&kept_columns))
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    // One batch: pyarrow, polars and pandas then see one chunk per column.
    let joined = concat_chunks(&schema, &projected)?;
    Ok(Table {
        schema,
        batches: vec![joined],
        warnings: table.warnings,
    })
}

fn internal(error: arrow::error::ArrowError) -> Error {
    Error::Internal(format!("cannot assemble the table: {error}"))
}

/// The raw strings of the `fallen` columns of one page, read again from its body.
fn raw_columns(plan: &Plan, body: &Bytes, single: bool, fallen: &[usize]) -> Result<Vec<ArrayRef>> {
    let request = Request::get(EMPLOYEES_PATH, Vec::new());
    let (records, _) = parse_employees(body, &request, single)?;
    Ok(fallen
        .iter()
        .map(|column| {
            let cells: Vec<Cell<'_>> = records
                .iter()
                .map(|record| extract(&plan.locators[*column], record))
                .collect();
            raw_strings(&cells.iter().map(|c| c.as_deref()).collect::<Vec<_>>())
        })
        .collect())
}

/// Checks requested keys against what the credential may read, before any listing.
fn select(readable: &[Attribute], wanted: Option<&[String]>) -> Result<Vec<Attribute>> {
    let Some(wanted) = wanted else {
        return Ok(readable.to_vec());
    };
    if wanted.is_empty() {
        return Err(Error::invalid_argument(
            "attributes is empty: pass None for every readable attribute, or a list of keys",
        ));
    }
    let by_key: HashMap<&str, &Attribute> = readable.iter().map(|a| (a.key.as_str(), a)).collect();
    let mut seen = HashSet::new();
    let mut selected = Vec::new();
    for key in wanted {
        if key == "id" || !seen.insert(key.as_str()) {
            continue;
        }
        match by_key.get(key.as_str()) {
            Some(attribute) => selected.push((*attribute).clone()),
            None => return Err(unknown_attribute(key, readable)),
        }
    }
    Ok(selected)
}

fn unknown_attribute(key: &str, readable: &[Attribute]) -> Error {
    // Users often pass a flattened column name (`department_name`) or a label.
    let hint = readable
        .iter()
        .find(|a| {
            key.strip_prefix(a.key.as_str())
                .is_some_and(|rest| matches!(rest, "_id" | "_name" | "_currency"))
                || a.label.eq_ignore_ascii_case(key)
        })
        .map(|a| format!(" Did you mean {:?}?", a.key))
        .unwrap_or_default();
    let mut keys: Vec<&str> = readable.iter().map(|a| a.key.as_str()).collect();
    keys.sort_unstable();
    Error::invalid_argument(format!(
        "unknown employee attribute {key:?}: this credential can read {}.{hint}",
        keys.join(", ")
    ))
}

/// The columns of an employee table and where each one's value sits.
struct Plan {
    defs: Vec<ColumnDef>,
    locators: Vec<Locator>,
}

fn plan_columns(attributes: &[Attribute], names: Names) -> Plan {
    let id = Attribute {
        key: "id".into(),
        label: "ID".into(),
        declared_type: "integer".into(),
        universal_id: Some("id".into()),
        options: Vec::new(),
    };
    let mut defs = Vec::new();
    let mut locators = Vec::new();
    let mut labels = Vec::new();
    for attribute in std::iter::once(&id).chain(attributes.iter().filter(|a| a.key != "id")) {
        let standard = standard_shape(&attribute.key);
        // Personio does not say which custom decimals are money: a currency column is
        // planned for each and kept only if some record carries a currency.
        let custom_money = standard.is_none() && attribute.declared_type == "decimal";
        let shape =
            standard.unwrap_or_else(|| declared_shape(&attribute.declared_type, custom_money));
        let key = attribute.key.as_str();
        let label = attribute.label.as_str();
        let mut push =
            |name: String, kind: Kind, source: Source, part: Option<&str>, label_name: String| {
                let mut metadata = HashMap::from([
                    ("personio.key".to_string(), key.to_string()),
                    ("personio.label".to_string(), label.to_string()),
                    ("personio.type".to_string(), attribute.declared_type.clone()),
                ]);
                if let Some(universal_id) = &attribute.universal_id {
                    metadata.insert("personio.universal_id".into(), universal_id.clone());
                }
                if let Some(part) = part {
                    metadata.insert("personio.part".into(), part.into());
                }
                labels.push((label_name, name.clone()));
                defs.push(ColumnDef {
                    name,
                    kind,
                    metadata,
                });
                locators.push(Locator {
                    key: key.to_string(),
                    source,
                    needs_currency_seen: custom_money && source == Source::Currency,
                });
            };
        match shape {
            Shape::Scalar(kind) => push(key.into(), kind, Source::Value, None, label.into()),
            Shape::Money => {
                push(key.into(), Kind::Float64, Source::Value, None, label.into());
                push(
                    format!("{key}_currency"),
                    Kind::Utf8,
                    Source::Currency,
                    Some("currency"),
                    format!("{label} currency"),
                );
            }
            Shape::Entity | Shape::Supervisor => {
                let (id_source, name_source) = if shape == Shape::Supervisor {
                    (Source::SupervisorId, Source::SupervisorName)
                } else {
                    (Source::EntityId, Source::EntityName)
                };
                push(
                    format!("{key}_id"),
                    Kind::Int64,
                    id_source,
                    Some("id"),
                    format!("{label} ID"),
                );
                push(
                    format!("{key}_name"),
                    Kind::Utf8,
                    name_source,
                    Some("name"),
                    label.into(),
                );
            }
        }
    }
    if names == Names::Label {
        for (def, name) in defs.iter_mut().zip(label_names(&labels)) {
            def.name = name;
        }
    }
    Plan { defs, locators }
}

/// One column's value in one employee record.
fn extract<'a>(planned: &Locator, record: &'a EmployeeRecord<'_>) -> Cell<'a> {
    let attribute = record.attributes.get(planned.key.as_str())?;
    let value = &attribute.value;
    match planned.source {
        Source::Value => Some(Cow::Borrowed(value)),
        Source::Currency => attribute.currency.as_ref().map(Cow::Borrowed),
        Source::EntityId | Source::EntityName | Source::SupervisorId => {
            if is_empty_entity(value) {
                return None;
            }
            let field = if planned.source == Source::EntityName {
                "name"
            } else {
                "id"
            };
            match value.get("attributes").and_then(|a| a.get(field)) {
                // A supervisor's fields are wrapped attributes themselves.
                Some(Value::Object(wrapped)) => wrapped.get("value").map(Cow::Borrowed),
                Some(found) => Some(Cow::Borrowed(found)),
                // Not an entity: hand over the whole value, which then does not parse and
                // keeps the column as raw strings rather than losing it.
                None => Some(Cow::Borrowed(value)),
            }
        }
        Source::SupervisorName => {
            if is_empty_entity(value) {
                return None;
            }
            if value.get("attributes").is_none() {
                // Not a wrapped employee: the raw value, as supervisor_id gets it too.
                return Some(Cow::Borrowed(value));
            }
            let part = |name: &str| {
                value
                    .get("attributes")
                    .and_then(|a| a.get(name))
                    .and_then(|a| a.get("value"))
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let full: Vec<&str> = [part("first_name"), part("last_name")]
                .into_iter()
                .flatten()
                .collect();
            if full.is_empty() {
                part("preferred_name").map(|p| Cow::Owned(Value::from(p)))
            } else {
                Some(Cow::Owned(Value::from(full.join(" "))))
            }
        }
    }
}
