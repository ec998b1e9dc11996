//! Seeded property tests of the JSON -> Arrow paths: generated and mutated employee list
//! bodies (with their `/attributes` body), v1 custom report pages (with their columns
//! body) and v2 report pages, through the same conversion the client runs on bodies it
//! downloaded (`personio_arrow::recorded`: `table_from_pages`, `report_table_from_pages`
//! and `v2_table_from_page`).
//!
//! Every case checks:
//! 1. nothing panics;
//! 2. a body that is not valid for its endpoint gives `Error::InvalidResponse` naming
//!    that endpoint (a body mutated so that it may or may not be valid gives a table or
//!    that error, nothing else);
//! 3. no lost value: every present, non-empty value the generator put into a record is
//!    in its row, typed or as raw text where its column fell back (compared as text for
//!    text columns, as the number, date or instant it reads as for typed ones), and the
//!    table has one row per record (per employee and period for historical reports), in
//!    order: pages come here as the paging hands them over, and making each record come
//!    once is its job (tested in `paginate` and the fault matrix).
//!
//! The runs are seeded: ChaCha from a fixed seed, no failure persistence, and every
//! setting given here, so that no `PROPTEST_*` variable changes which cases run. Run with
//! `--nocapture` to see how many cases each property ran.

use std::cell::Cell;
use std::collections::{BTreeMap, HashSet};

use arrow::array::{Array, AsArray};
use arrow::datatypes::{
    DataType, Date32Type, Float64Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType,
};
use bytes::Bytes;
use chrono::{DateTime, NaiveDate};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{json, Map, Value};

use personio_arrow::recorded::{report_table_from_pages, table_from_pages, v2_table_from_page};
use personio_arrow::{Error, Table};

/// Cases per property, 120,000 in all: about 70 s of a debug `cargo test` on 2 cores
/// (employees about 1.1 ms a case, v1 reports 0.8 ms, v2 reports 0.3 ms of one core).
const EMPLOYEE_CASES: u32 = 60_000;
const V1_REPORT_CASES: u32 = 30_000;
const V2_REPORT_CASES: u32 = 30_000;

const SEED: [u8; 32] = *b"personio-arrow fuzz parsers seed";

const EMPLOYEES: &str = "GET /v1/company/employees";
const ATTRIBUTES: &str = "GET /v1/company/employees/attributes";
const REPORT_COLUMNS: &str = "GET /v1/company/custom-reports/columns";
const REPORT_ID: &str = "0c4a5e6f-8d2b-4a37-9f11-7e5c2b9d3a10";
const V2_REPORT: &str = "GET /v2/reports/0";

// ---------------------------------------------------------------------------------------
// The runner and its tallies.

/// A runner that ignores the environment: fixed seed (one stream per property), fixed
/// case count, no persistence, no fork, bounded shrinking.
fn runner(cases: u32, stream: u8) -> TestRunner {
    let mut seed = SEED;
    seed[0] ^= stream;
    let config = Config {
        cases,
        max_local_rejects: 65_536,
        max_global_rejects: 1024,
        max_flat_map_regens: 1_000_000,
        failure_persistence: None,
        source_file: None,
        test_name: None,
        max_shrink_time: 120_000,
        max_shrink_iters: 4096,
        max_default_size_range: 100,
        verbose: 0,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed))
}

/// What the cases of one property did.
#[derive(Default)]
struct Tally {
    cases: Cell<u64>,
    valid: Cell<u64>,
    mutated: Cell<u64>,
    errors: Cell<u64>,
    rows: Cell<u64>,
    values: Cell<u64>,
    /// Values found in a typed column (the rest were in text or fallback columns).
    typed: Cell<u64>,
}

impl Tally {
    fn add(counter: &Cell<u64>, n: u64) {
        counter.set(counter.get() + n);
    }

    /// Counts a case as valid (a table is expected) or mutated.
    fn count_case(&self, expect: Expect) {
        let counter = if expect == Expect::Table {
            &self.valid
        } else {
            &self.mutated
        };
        Tally::add(counter, 1);
    }

    fn report(&self, name: &str) -> String {
        format!(
            "fuzz_parsers: {name}: {} cases ({} valid, {} mutated; {} rejected with the endpoint named), {} rows and {} values checked ({} in typed columns)",
            self.cases.get(),
            self.valid.get(),
            self.mutated.get(),
            self.errors.get(),
            self.rows.get(),
            self.values.get(),
            self.typed.get()
        )
    }
}

/// Runs `cases` cases of `strategy` through `test`, then prints the tally.
fn run_property<S: Strategy>(
    name: &str,
    cases: u32,
    stream: u8,
    strategy: S,
    test: impl Fn(S::Value, &Tally) -> Result<(), TestCaseError>,
) {
    let tally = Tally::default();
    let result = runner(cases, stream).run(&strategy, |case| {
        Tally::add(&tally.cases, 1);
        test(case, &tally)
    });
    if let Err(failure) = result {
        panic!("{name}: {failure}");
    }
    assert!(tally.cases.get() >= u64::from(cases));
    println!("{}", tally.report(name));
}

fn fail(message: impl Into<String>) -> TestCaseError {
    TestCaseError::fail(message.into())
}

// ---------------------------------------------------------------------------------------
// Values as Personio sends them.

fn integer() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -1000i64..100_000,
        2 => any::<i64>(),
        // Past 2^53: exact only as integers.
        2 => (1i64 << 53)..i64::MAX,
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -1.0e6f64..1.0e6,
        1 => prop::num::f64::NORMAL | prop::num::f64::ZERO | prop::num::f64::SUBNORMAL,
        1 => (-100i32..100).prop_map(|n| f64::from(n) / 4.0),
    ]
}

/// Text people type: names, unicode, quotes, commas, escapes, look-alikes of numbers.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (word(), prop::option::of(word())).prop_map(|(first, last)| match last {
            Some(last) => format!("{first} {last}"),
            None => first,
        }),
        // Any characters at all: controls, unassigned code points, astral planes.
        2 => prop::collection::vec(any::<char>(), 1..12).prop_map(String::from_iter),
        2 => select(&[
            "Müller, Zoë",
            "Ελληνικά",
            "日本語のテキスト",
            "emoji 🎉👩‍💻",
            "a,b, c",
            "\"quoted\"",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "nul \u{0} inside",
            "  padded  ",
            "0815",
            "1e3",
            "NaN",
            "inf",
            "-0",
            "true",
            "null",
            "2020-02-30",
            "07:30",
            "60%",
            "{\"not\": \"json\"}",
            "\u{202e}rtl",
        ][..])
        .prop_map(str::to_string),
    ]
}

/// A capitalised word, sometimes with an umlaut.
fn word() -> impl Strategy<Value = String> {
    (
        prop::char::range('A', 'Z'),
        prop::collection::vec(
            prop_oneof![8 => prop::char::range('a', 'z'), 1 => prop::sample::select(vec!['ä', 'ö', 'ß', 'é'])],
            0..8,
        ),
    )
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect())
}

/// Dates as written: plain, with a time and an offset (odd ones too), invalid ones.
fn date() -> impl Strategy<Value = String> {
    (
        1835i32..2100,
        1u32..=12,
        1u32..=31,
        0u8..8,
        0u32..24,
        0u32..60,
    )
        .prop_map(|(year, month, day, form, hour, minute)| {
            let day = if form == 7 { day } else { day.min(28) };
            let plain = format!("{year:04}-{month:02}-{day:02}");
            match form {
                0..=2 => plain,
                3 => format!("{plain}T00:00:00+01:00"),
                4 => format!("{plain}T{hour:02}:{minute:02}:00-05:30"),
                5 => format!("{plain}T{hour:02}:{minute:02}:17Z"),
                6 => format!("{plain}T00:00:00+00:53"),
                // Possibly the 31st of a short month: not a date.
                _ => plain,
            }
        })
}

/// Instants with an offset, as `created_at` holds them.
fn instant() -> impl Strategy<Value = String> {
    (
        1970i32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u8..3,
    )
        .prop_map(|(year, month, day, hour, minute, zone)| {
            let zone = ["Z", "+02:00", "-11:30"][zone as usize];
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:05{zone}")
        })
}

/// `HH:MM` as work schedules hold hours.
fn hours() -> impl Strategy<Value = String> {
    (
        0u32..24,
        prop_oneof![Just(0u32), Just(15), Just(30), Just(45), 0u32..60],
    )
        .prop_map(|(h, m)| format!("{h:02}:{m:02}"))
}

/// One scalar, in every form Personio sends scalars.
fn scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => integer().prop_map(Value::from),
        2 => integer().prop_map(|n| Value::from(n.to_string())),
        1 => integer().prop_map(|n| Value::from(format!(" {n} "))),
        1 => ((i64::MAX as u64 + 1)..=u64::MAX).prop_map(Value::from),
        2 => float().prop_map(Value::from),
        1 => float().prop_map(|f| Value::from(f.to_string())),
        4 => text().prop_map(Value::from),
        2 => date().prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::from),
    ]
    .boxed()
}

/// Personio's ways of saying "no value".
fn missing() -> impl Strategy<Value = Value> {
    select(vec![json!(null), json!(""), json!("  ")])
}

const ENTITY_TYPES: &[&str] = &[
    "Department",
    "Office",
    "Team",
    "CostCenter",
    "WorkSchedule",
    "HolidayCalendar",
    "Subcompany",
];
const FIELD_NAMES: &[&str] = &[
    "id",
    "name",
    "code",
    "country",
    "state",
    "lead",
    "valid_from",
    "monday",
    "sunday",
    "size",
    "percentage",
    "über",
    "描述",
];

/// A field of an entity: scalars, hours, missing values, now and then a nested value.
fn field_value() -> BoxedStrategy<Value> {
    prop_oneof![
        6 => scalar(),
        2 => hours().prop_map(Value::from),
        1 => missing(),
        1 => select(vec![json!({"a": 1}), json!([1, "x"]), json!([])]),
    ]
    .boxed()
}

/// `{"type": "Department", "attributes": {<field>: ...}}` (`type` sometimes absent).
fn entity() -> BoxedStrategy<Value> {
    (
        select(ENTITY_TYPES),
        prop::collection::btree_map(select(FIELD_NAMES), field_value(), 0..5),
        0u8..8,
    )
        .prop_map(|(kind, fields, form)| {
            let fields: Map<String, Value> = fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            if form == 0 {
                json!({ "attributes": fields })
            } else {
                json!({"type": kind, "attributes": fields})
            }
        })
        .boxed()
}

/// An attribute wrapper of a supervisor's field: full, or an old account's.
fn wrapped(label: &str, value: Value, full: bool, key: &str) -> Value {
    if full {
        json!({"label": label, "value": value, "type": "standard", "universal_id": key})
    } else {
        json!({"label": label, "value": value})
    }
}

/// A supervisor: an Employee whose fields are wrapped attributes.
fn supervisor() -> BoxedStrategy<Value> {
    let names = [
        "first_name",
        "last_name",
        "preferred_name",
        "email",
        "position",
    ];
    (
        prop::option::weighted(0.9, integer()),
        prop::collection::vec(prop::option::weighted(0.7, scalar()), names.len()),
        any::<bool>(),
    )
        .prop_map(move |(id, values, full)| {
            let mut fields = Map::new();
            if let Some(id) = id {
                fields.insert("id".into(), wrapped("ID", id.into(), full, "id"));
            }
            for (name, value) in names.iter().zip(values) {
                if let Some(value) = value {
                    fields.insert(name.to_string(), wrapped(name, value, full, name));
                }
            }
            json!({"type": "Employee", "attributes": fields})
        })
        .boxed()
}

/// Cost centers: a list of entities (or of plain objects).
fn cost_centers() -> BoxedStrategy<Value> {
    prop::collection::vec(
        (integer(), text(), float(), any::<bool>()).prop_map(|(id, name, share, wrap)| {
            let fields = json!({"id": id, "name": name, "percentage": share});
            if wrap {
                json!({"type": "CostCenter", "attributes": fields})
            } else {
                fields
            }
        }),
        0..3,
    )
    .prop_map(Value::from)
    .boxed()
}

/// Tags: a list of strings, or a comma-separated string.
fn tags() -> BoxedStrategy<Value> {
    prop_oneof![
        prop::collection::vec(text(), 0..4).prop_map(Value::from),
        prop::collection::vec(word(), 1..4).prop_map(|t| Value::from(t.join(", "))),
    ]
    .boxed()
}

/// JSON that is none of the above: objects, arrays, nested deep.
fn other_json() -> BoxedStrategy<Value> {
    prop_oneof![
        select(vec![
            json!({"a": 1}),
            json!([1, "x", null]),
            json!({"type": "Office", "attributes": {"id": 1}, "since": "2020"}),
            json!({"type": "Office", "attributes": "x"}),
            json!([{"type": "CostCenter", "attributes": {}}]),
            json!({"value": 1, "unit": "h"}),
            json!([]),
            json!({}),
        ]),
        (0usize..100).prop_map(|depth| {
            let mut value = json!("deep");
            for _ in 0..depth {
                value = json!([value]);
            }
            value
        }),
    ]
    .boxed()
}

/// The value families a key's values mostly come from, so that columns get typed.
const FAMILIES: usize = 11;

fn family(index: usize) -> BoxedStrategy<Value> {
    match index {
        0 => integer().prop_map(Value::from).boxed(),
        1 => integer().prop_map(|n| Value::from(n.to_string())).boxed(),
        2 => float().prop_map(Value::from).boxed(),
        3 => text().prop_map(Value::from).boxed(),
        4 => date().prop_map(Value::from).boxed(),
        5 => instant().prop_map(Value::from).boxed(),
        6 => any::<bool>().prop_map(Value::from).boxed(),
        7 => entity(),
        8 => supervisor(),
        9 => cost_centers(),
        _ => tags(),
    }
}

/// Any value an employee attribute may hold.
fn any_value() -> BoxedStrategy<Value> {
    prop_oneof![
        8 => scalar(),
        2 => missing(),
        2 => entity(),
        1 => supervisor(),
        1 => cost_centers(),
        1 => tags(),
        1 => other_json(),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------
// Mutations.

/// How a case spoils one of its bodies.
#[derive(Debug, Clone)]
enum Mutation {
    None,
    /// Cut the body short.
    Truncate(Index),
    /// Replace the body with bytes (rarely JSON).
    Garbage(Vec<u8>),
    /// Overwrite a few bytes: the body may or may not stay valid.
    Overwrite(Vec<(Index, u8)>),
    /// Break the shape the endpoint documents (see each endpoint's `spoil`).
    Shape(u8, Index),
}

impl Mutation {
    fn strategy() -> BoxedStrategy<Mutation> {
        prop_oneof![
            14 => Just(Mutation::None),
            1 => any::<Index>().prop_map(Mutation::Truncate),
            1 => prop::collection::vec(any::<u8>(), 0..48).prop_map(Mutation::Garbage),
            1 => prop::collection::vec((any::<Index>(), any::<u8>()), 1..4)
                .prop_map(Mutation::Overwrite),
            2 => (any::<u8>(), any::<Index>()).prop_map(|(k, at)| Mutation::Shape(k, at)),
        ]
        .boxed()
    }
}

/// What a mutated body must give.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// A table whose values are checked.
    Table,
    /// An error naming the endpoint.
    Invalid,
    /// A table (not checked) or an error naming the endpoint.
    Either,
}

/// Applies a byte-level mutation; `Shape` is the endpoint's business.
fn mutate_bytes(body: Vec<u8>, mutation: &Mutation) -> (Vec<u8>, Expect) {
    match mutation {
        Mutation::Truncate(at) if !body.is_empty() => {
            let at = at.index(body.len());
            (body[..at].to_vec(), Expect::Invalid)
        }
        Mutation::Garbage(bytes) => {
            // Random bytes are no JSON object of the documented shape.
            (bytes.clone(), Expect::Invalid)
        }
        Mutation::Overwrite(edits) if !body.is_empty() => {
            let mut body = body;
            for (at, byte) in edits {
                let at = at.index(body.len());
                body[at] = *byte;
            }
            (body, Expect::Either)
        }
        _ => (body, Expect::Table),
    }
}

/// Checks that `error` is an `InvalidResponse` naming `endpoint`.
fn names_endpoint(error: &Error, endpoint: &str) -> Result<(), TestCaseError> {
    match error {
        Error::InvalidResponse(failure) if failure.endpoint == endpoint => {
            let shown = error.to_string();
            if shown.contains(endpoint) {
                Ok(())
            } else {
                Err(fail(format!(
                    "the message does not name {endpoint}: {shown}"
                )))
            }
        }
        other => Err(fail(format!(
            "expected InvalidResponse from {endpoint}, got {other:?}"
        ))),
    }
}

/// Checks a result against what its mutation expects; `Some(table)` when its values are
/// to be checked.
fn judge(
    result: Result<Table, Error>,
    expect: Expect,
    endpoint: &str,
    tally: &Tally,
) -> Result<Option<Table>, TestCaseError> {
    match (result, expect) {
        (Ok(table), Expect::Table) => Ok(Some(table)),
        (Ok(_), Expect::Either) => Ok(None),
        (Ok(table), Expect::Invalid) => Err(fail(format!(
            "a body not valid for {endpoint} gave a table of {} rows",
            table.num_rows()
        ))),
        (Err(error), Expect::Invalid | Expect::Either) => {
            Tally::add(&tally.errors, 1);
            names_endpoint(&error, endpoint).map(|()| None)
        }
        (Err(error), Expect::Table) => Err(fail(format!("a valid body gave an error: {error}"))),
    }
}

/// A case's leading body (`/attributes` or the report columns) and its pages as bytes,
/// and what to expect of them: a spoiled shape's expectation (`shape_expect`, already
/// applied to the JSON), or else `mutation` applied to the bytes of body `target`
/// (0 = the leading body, then the pages).
fn mutated_bodies(
    head: &Value,
    pages: &[Value],
    target: usize,
    mutation: &Mutation,
    shape_expect: Option<Expect>,
) -> (Vec<u8>, Vec<Bytes>, Expect) {
    let mut head = serde_json::to_vec(head).unwrap();
    let mut bodies: Vec<Vec<u8>> = pages
        .iter()
        .map(|p| serde_json::to_vec(p).unwrap())
        .collect();
    let expect = match shape_expect {
        Some(expect) => expect,
        None => {
            let body = if target == 0 {
                &mut head
            } else {
                &mut bodies[target - 1]
            };
            let (mutated, expect) = mutate_bytes(std::mem::take(body), mutation);
            *body = mutated;
            expect
        }
    };
    (head, bodies.into_iter().map(Bytes::from).collect(), expect)
}

// ---------------------------------------------------------------------------------------
// Reading a table back.

/// Every row of a table in one batch (a table has a batch per page or chunk).
fn batch(table: &Table) -> Result<arrow::record_batch::RecordBatch, TestCaseError> {
    arrow::compute::concat_batches(&table.schema, &table.batches)
        .map_err(|e| fail(format!("the batches do not share the schema: {e}")))
}

/// The column for Personio key `key` and part `part` (field metadata, not names).
fn column_of(table: &Table, key: &str, part: Option<&str>) -> Option<usize> {
    table.schema.fields().iter().position(|field| {
        let metadata = field.metadata();
        metadata.get("personio.key").map(String::as_str) == Some(key)
            && metadata.get("personio.part").map(String::as_str) == part
    })
}

fn column_named(table: &Table, name: &str) -> Option<usize> {
    table.schema.index_of(name).ok()
}

/// Whether the generator put a value there: not null, not blank, not a container that
/// holds no value (the one meaning of "no value" on every path).
fn present(value: &Value) -> bool {
    !empty(value)
}

/// The text a raw-string column keeps: strings as written, anything else as JSON text.
fn raw_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn whole(f: f64) -> Option<i64> {
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

/// The integer a value reads as.
fn integer_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| whole(n.as_f64()?)),
        Value::String(s) => {
            let s = s.trim();
            s.parse().ok().or_else(|| whole(s.parse().ok()?))
        }
        _ => None,
    }
}

/// The number a value reads as (`HH:MM` as hours).
fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let s = s.trim();
            match s.split_once(':') {
                Some((h, m)) => Some(h.parse::<f64>().ok()? + m.parse::<f64>().ok()? / 60.0),
                None => s.parse().ok(),
            }
        }
        _ => None,
    }
}

fn boolean_of(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The calendar date a value starts with, in days since 1970-01-01.
fn days_of(value: &Value) -> Option<i32> {
    let text = value.as_str()?.trim();
    let date = NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from(date.signed_duration_since(epoch).num_days()).ok()
}

fn micros_of(value: &Value) -> Option<i64> {
    Some(
        DateTime::parse_from_rfc3339(value.as_str()?.trim())
            .ok()?
            .timestamp_micros(),
    )
}

/// The tags a value reads as.
fn tags_of(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(
            s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        Value::Array(items) => items
            .iter()
            .filter(|item| present(item) || item.is_boolean() || item.is_number())
            .map(|item| match item {
                Value::String(s) => Some(s.clone()),
                Value::Number(_) | Value::Bool(_) => Some(item.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Checks that row `row` of column `column` holds `input`: the same text in a string
/// column (typed text, or raw text where the column fell back), the same number, date,
/// instant, boolean or tags in a typed one.
fn holds(
    table: &Table,
    column: usize,
    row: usize,
    input: &Value,
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let batch = &batch(table)?;
    let array = batch.column(column);
    let name = table.schema.field(column).name();
    let lost = |shown: String| {
        fail(format!(
            "lost value: column {name:?} ({}) row {row} holds {shown}, the body sent {input}",
            array.data_type()
        ))
    };
    if array.is_null(row) {
        return Err(lost("null".into()));
    }
    Tally::add(&tally.values, 1);
    if array.data_type() != &DataType::Utf8 {
        Tally::add(&tally.typed, 1);
    }
    let same = match array.data_type() {
        DataType::Utf8 => {
            let cell = array.as_string::<i32>().value(row);
            if cell == raw_text(input) {
                return Ok(());
            }
            return Err(lost(format!("{cell:?}")));
        }
        DataType::Int64 => {
            let cell = array.as_primitive::<Int64Type>().value(row);
            (integer_of(input) == Some(cell), cell.to_string())
        }
        DataType::Float64 => {
            let cell = array.as_primitive::<Float64Type>().value(row);
            (number_of(input) == Some(cell), cell.to_string())
        }
        DataType::Boolean => {
            let cell = array.as_boolean().value(row);
            (boolean_of(input) == Some(cell), cell.to_string())
        }
        DataType::Date32 => {
            let cell = array.as_primitive::<Date32Type>().value(row);
            (days_of(input) == Some(cell), cell.to_string())
        }
        DataType::Timestamp(TimeUnit::Microsecond, Some(zone)) if zone.as_ref() == "UTC" => {
            let cell = array.as_primitive::<TimestampMicrosecondType>().value(row);
            (micros_of(input) == Some(cell), cell.to_string())
        }
        DataType::Dictionary(_, _) => {
            let dictionary = array.as_dictionary::<Int32Type>();
            let key = dictionary.keys().value(row) as usize;
            let cell = dictionary.values().as_string::<i32>().value(key);
            (cell == raw_text(input), format!("{cell:?}"))
        }
        DataType::List(item) if item.data_type() == &DataType::Utf8 => {
            let list = array.as_list::<i32>().value(row);
            let cell: Vec<String> = list
                .as_string::<i32>()
                .iter()
                .map(|t| t.unwrap_or_default().to_string())
                .collect();
            (tags_of(input) == Some(cell.clone()), format!("{cell:?}"))
        }
        // Lists of objects are normalised per endpoint; their parsing has unit tests.
        DataType::List(_) => (true, String::new()),
        other => return Err(fail(format!("unexpected column type {other}"))),
    };
    if same.0 {
        Ok(())
    } else {
        Err(lost(same.1))
    }
}

// ---------------------------------------------------------------------------------------
// Employees.

/// Standard keys (typed by the client whatever their declared type) and custom ones.
const EMPLOYEE_KEYS: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "status",
    "position",
    "hire_date",
    "termination_date",
    "created_at",
    "last_modified_at",
    "weekly_working_hours",
    "vacation_day_balance",
    "fix_salary",
    "hourly_salary",
    "department",
    "office",
    "team",
    "subcompany",
    "holiday_calendar",
    "work_schedule",
    "supervisor",
    "cost_centers",
    "absence_entitlement",
    "profile_picture",
    "dynamic_1",
    "dynamic_42",
    "dynamic_1835",
    "dynamic_24407",
    "dynamic_99999999",
    "dynamic_7",
    "dynamic_8",
    "dynamic_9",
];

const DECLARED_TYPES: &[&str] = &[
    "standard",
    "date",
    "integer",
    "decimal",
    "list",
    "tags",
    "multiline",
    "link",
    "",
    "unheard_of",
];

/// One attribute key of a case: how its values mostly look, and how `/attributes`
/// lists it (or not).
#[derive(Debug, Clone)]
struct KeySpec {
    key: &'static str,
    family: usize,
    listed: bool,
    declared: &'static str,
    label: String,
}

impl KeySpec {
    /// Whether Personio would send a currency with this key's values: the standard
    /// salaries, and custom attributes declared `decimal` (or not listed at all).
    /// (A currency on any other attribute is not kept: the client lays out a currency
    /// column only where money can be.)
    fn money(&self) -> bool {
        matches!(self.key, "fix_salary" | "hourly_salary")
            || (self.key.starts_with("dynamic_") && (!self.listed || self.declared == "decimal"))
    }
}

/// One attribute of a record: `{"label", "value", "type"?, "universal_id"?, "currency"?}`.
#[derive(Debug, Clone)]
struct AttributeSpec {
    value: Value,
    /// 0: full, 1: label and value only, 2: no `value` key (read as null).
    form: u8,
    currency: Option<Value>,
}

#[derive(Debug, Clone)]
struct RecordSpec {
    /// `None`: the record has no `id`.
    id: Option<Value>,
    attributes: Vec<Option<AttributeSpec>>,
}

#[derive(Debug, Clone)]
struct EmployeeCase {
    keys: Vec<KeySpec>,
    pages: Vec<Vec<RecordSpec>>,
    /// Which body to spoil (0: `/attributes`, else a page) and how.
    target: Index,
    mutation: Mutation,
    /// Body variations that stay valid: `success` left out, `total_elements` as text.
    style: u8,
}

fn key_specs() -> impl Strategy<Value = Vec<KeySpec>> {
    prop::collection::vec(
        (
            select(EMPLOYEE_KEYS),
            0..FAMILIES,
            prop::bool::weighted(0.75),
            select(DECLARED_TYPES),
            text(),
        ),
        0..7,
    )
    .prop_map(|keys| {
        let mut seen = HashSet::new();
        keys.into_iter()
            .filter(|(key, ..)| seen.insert(*key))
            .map(|(key, family, listed, declared, label)| KeySpec {
                key,
                family,
                listed,
                declared,
                label,
            })
            .collect()
    })
}

/// One key's attribute in a record; `values` is [`ValueStrategies`], built once.
fn attribute_spec(
    spec: &KeySpec,
    values: &ValueStrategies,
) -> BoxedStrategy<Option<AttributeSpec>> {
    let value = prop_oneof![
        14 => values.families[spec.family].clone(),
        3 => values.any.clone(),
        2 => missing(),
    ];
    let currency = if spec.money() {
        prop::option::weighted(
            0.4,
            select(vec![
                json!("EUR"),
                json!("€"),
                json!(""),
                json!(null),
                json!("CHF"),
            ]),
        )
        .boxed()
    } else {
        Just(None).boxed()
    };
    prop::option::weighted(
        0.85,
        (
            value,
            prop_oneof![6 => Just(0u8), 3 => Just(1u8), 1 => Just(2u8)],
            currency,
        )
            .prop_map(|(value, form, currency)| AttributeSpec {
                value,
                form,
                currency,
            }),
    )
    .boxed()
}

/// The value strategies, built once: a case's strategy is made anew for each case, and
/// building these (their regexes) would cost more than running the case.
struct ValueStrategies {
    families: Vec<BoxedStrategy<Value>>,
    any: BoxedStrategy<Value>,
}

fn employee_case() -> impl Strategy<Value = EmployeeCase> {
    let values = ValueStrategies {
        families: (0..FAMILIES).map(family).collect(),
        any: any_value(),
    };
    (key_specs(), integer(), 1usize..=3).prop_flat_map(move |(keys, id_base, page_count)| {
        let attributes: Vec<_> = keys.iter().map(|k| attribute_spec(k, &values)).collect();
        let record = (
            0u8..12,
            0i64..10,
            attributes,
            prop_oneof![Just(None), Just(Some(json!("abc"))), Just(Some(json!(1.5)))],
        )
            .prop_map(move |(form, offset, attributes, odd)| {
                let id = id_base.wrapping_add(offset);
                let id = match form {
                    0..=6 => Some(Value::from(id)),
                    7..=9 => Some(Value::from(id.to_string())),
                    10 => None,
                    // An id that is no integer: kept, never merged with another.
                    _ => odd.or(Some(Value::Null)),
                };
                RecordSpec { id, attributes }
            });
        (
            Just(keys),
            prop::collection::vec(prop::collection::vec(record, 0..6), page_count),
            any::<Index>(),
            Mutation::strategy(),
            any::<u8>(),
        )
            .prop_map(|(keys, pages, target, mutation, style)| EmployeeCase {
                keys,
                pages,
                target,
                mutation,
                style,
            })
    })
}

fn attributes_body(case: &EmployeeCase) -> Value {
    let data: Vec<Value> = case
        .keys
        .iter()
        .filter(|k| k.listed)
        .map(|k| {
            let mut item = json!({"key": k.key, "label": k.label, "type": k.declared});
            if k.declared.is_empty() {
                item.as_object_mut().unwrap().remove("type");
            }
            item["universal_id"] = if k.key.starts_with("dynamic_") {
                Value::Null
            } else {
                Value::from(k.key)
            };
            if matches!(k.declared, "list" | "tags") {
                item["options"] = json!(["A", "B", 3]);
            }
            item
        })
        .collect();
    json!({"success": true, "data": data})
}

fn record_json(keys: &[KeySpec], record: &RecordSpec) -> Value {
    let mut attributes = Map::new();
    if let Some(id) = &record.id {
        attributes.insert(
            "id".into(),
            json!({"label": "ID", "value": id, "type": "integer", "universal_id": "id"}),
        );
    }
    for (spec, attribute) in keys.iter().zip(&record.attributes) {
        let Some(attribute) = attribute else { continue };
        let mut wrapper = match attribute.form {
            0 => json!({"label": spec.label, "value": attribute.value, "type": spec.declared,
                        "universal_id": Value::Null}),
            1 => json!({"label": spec.label, "value": attribute.value}),
            _ => json!({"label": spec.label}),
        };
        if let Some(currency) = &attribute.currency {
            wrapper["currency"] = currency.clone();
        }
        attributes.insert(spec.key.to_string(), wrapper);
    }
    json!({"type": "Employee", "attributes": attributes})
}

fn page_json(case: &EmployeeCase, records: &[RecordSpec]) -> Value {
    let total: usize = case.pages.iter().map(Vec::len).sum();
    let data: Vec<Value> = records.iter().map(|r| record_json(&case.keys, r)).collect();
    let mut page = json!({"success": true, "metadata": {"total_elements": total}, "data": data});
    if case.style & 1 == 1 {
        page.as_object_mut().unwrap().remove("success");
    }
    if case.style & 2 == 2 {
        page["metadata"]["total_elements"] = Value::from(total.to_string());
    }
    if case.style & 4 == 4 {
        page.as_object_mut().unwrap().remove("metadata");
    }
    page
}

/// Breaks the shape of an employee list page; returns whether the page must be refused.
fn spoil_page(page: &mut Value, kind: u8, at: &Index) -> Expect {
    let records = page["data"].as_array().map_or(0, Vec::len);
    match kind % 8 {
        0 => page["data"] = json!({"0": 1}),
        1 => {
            page.as_object_mut().unwrap().remove("data");
        }
        2 => page["success"] = json!(false),
        3 => page["data"] = json!("employees"),
        4 if records > 0 => page["data"][at.index(records)] = json!("Employee"),
        5 if records > 0 => page["data"][at.index(records)]["attributes"] = json!(["x"]),
        6 if records > 0 => {
            // An attribute that is not a wrapper object.
            page["data"][at.index(records)]["attributes"]["first_name"] = json!(7)
        }
        7 => {
            // Whatever `total_elements` says, the records are read.
            page["metadata"] = json!({"total_elements": "many"});
            return Expect::Table;
        }
        _ => page["data"] = Value::Null,
    }
    Expect::Invalid
}

/// Breaks the shape of an `/attributes` body.
fn spoil_attributes(body: &mut Value, kind: u8, at: &Index) -> Expect {
    let items = body["data"].as_array().map_or(0, Vec::len);
    match kind % 5 {
        0 => body["data"] = json!({"key": "first_name"}),
        1 => {
            body.as_object_mut().unwrap().remove("data");
        }
        2 if items > 0 => {
            body["data"][at.index(items)]
                .as_object_mut()
                .unwrap()
                .remove("key");
        }
        3 if items > 0 => body["data"][at.index(items)]["key"] = json!(12),
        4 if items > 0 => body["data"][at.index(items)] = json!("first_name"),
        _ => body["data"] = json!(7),
    }
    Expect::Invalid
}

/// The records the table must hold, in order: the first of each id, every record
/// without one.
/// Every record, in order: the conversion keeps them all (making each come once is the
/// paging's job, tested in `paginate` and the fault matrix).
fn kept_records(case: &EmployeeCase) -> Vec<&RecordSpec> {
    case.pages.iter().flatten().collect()
}

/// `{"type"?, "attributes": {...}}` and nothing else: an entity's fields.
fn entity_fields(value: &Value) -> Option<&Map<String, Value>> {
    let object = value.as_object()?;
    let fields = object.get("attributes")?.as_object()?;
    object
        .keys()
        .all(|k| k == "type" || k == "attributes")
        .then_some(fields)
}

/// A supervisor's field `{"label", "value", ...}` is its value.
fn unwrapped(field: &Value) -> &Value {
    match field {
        Value::Object(o)
            if o.contains_key("value")
                && o.keys()
                    .all(|k| matches!(k.as_str(), "label" | "value" | "type" | "universal_id")) =>
        {
            &o["value"]
        }
        other => other,
    }
}

/// Checks that row `row` holds `value`, sent as key `key` of a record.
fn holds_employee_value(
    table: &Table,
    row: usize,
    key: &str,
    value: &Value,
    tally: &Tally,
) -> Result<(), TestCaseError> {
    if !present(value) {
        return Ok(());
    }
    // Laid out as one column: the whole value is there.
    if let Some(column) = column_of(table, key, None) {
        return holds(table, column, row, value, tally);
    }
    // Laid out as an entity: each field in its column, anything else in `<key>_id`.
    match entity_fields(value) {
        Some(fields) => {
            for (field, sent) in fields {
                let sent = unwrapped(sent);
                // A supervisor's `name` is composed from its names, which are checked.
                if !present(sent) || (key == "supervisor" && field == "name") {
                    continue;
                }
                let column = column_of(table, key, Some(field)).ok_or_else(|| {
                    fail(format!(
                        "lost value: no column for field {field:?} of {key:?}"
                    ))
                })?;
                holds(table, column, row, sent, tally)?;
            }
            Ok(())
        }
        None => {
            let column = column_of(table, key, Some("id"))
                .ok_or_else(|| fail(format!("lost value: no column for {key:?} ({value})")))?;
            holds(table, column, row, value, tally)
        }
    }
}

fn check_employees(case: &EmployeeCase, table: &Table, tally: &Tally) -> Result<(), TestCaseError> {
    let kept = kept_records(case);
    if table.num_rows() != kept.len() {
        return Err(fail(format!(
            "{} rows for {} distinct records",
            table.num_rows(),
            kept.len()
        )));
    }
    let batch = &batch(table)?;
    if batch.num_rows() != kept.len() {
        return Err(fail("the batch and the table disagree on the rows"));
    }
    Tally::add(&tally.rows, kept.len() as u64);
    let id_column = column_of(table, "id", None).ok_or_else(|| fail("no id column"))?;
    for (row, record) in kept.iter().enumerate() {
        match &record.id {
            Some(id) if present(id) => holds(table, id_column, row, id, tally)?,
            _ => {}
        }
        for (spec, attribute) in case.keys.iter().zip(&record.attributes) {
            let Some(attribute) = attribute else { continue };
            if attribute.form != 2 {
                holds_employee_value(table, row, spec.key, &attribute.value, tally)?;
            }
            if let Some(currency) = attribute.currency.as_ref().filter(|c| present(c)) {
                let column = column_of(table, spec.key, Some("currency")).ok_or_else(|| {
                    fail(format!("lost value: no currency column for {:?}", spec.key))
                })?;
                holds(table, column, row, currency, tally)?;
            }
        }
    }
    Ok(())
}

fn employee_property(case: EmployeeCase, tally: &Tally) -> Result<(), TestCaseError> {
    let mut attributes = attributes_body(&case);
    let mut pages: Vec<Value> = case.pages.iter().map(|p| page_json(&case, p)).collect();
    let target = case.target.index(pages.len() + 1);
    let endpoint = if target == 0 { ATTRIBUTES } else { EMPLOYEES };
    let shape_expect = match &case.mutation {
        Mutation::Shape(kind, at) if target == 0 => {
            Some(spoil_attributes(&mut attributes, *kind, at))
        }
        Mutation::Shape(kind, at) => Some(spoil_page(&mut pages[target - 1], *kind, at)),
        _ => None,
    };
    let (attributes, bodies, expect) =
        mutated_bodies(&attributes, &pages, target, &case.mutation, shape_expect);
    tally.count_case(expect);
    let result = table_from_pages(&attributes, &bodies);
    if let Some(table) = judge(result, expect, endpoint, tally)? {
        check_employees(&case, &table, tally)?;
    }
    Ok(())
}

/// Employees run as two properties of half the cases each (their own seed streams), so
/// that the test threads share the longest work.
#[test]
fn employee_bodies_convert_without_loss() {
    let cases = EMPLOYEE_CASES / 2;
    run_property(
        "employees (a)",
        cases,
        1,
        employee_case(),
        employee_property,
    );
}

#[test]
fn more_employee_bodies_convert_without_loss() {
    let cases = EMPLOYEE_CASES - EMPLOYEE_CASES / 2;
    run_property(
        "employees (b)",
        cases,
        4,
        employee_case(),
        employee_property,
    );
}

// ---------------------------------------------------------------------------------------
// v1 custom reports.

const V1_TYPES: &[&str] = &[
    "TEXT",
    "ENTITY",
    "DURATION",
    "SALARY",
    "COMPENSATION",
    "ABSENCE_OVERVIEW",
    "COST_CENTER",
    "ABSENCE_PERIOD",
    "PERFORMANCE_TARGET",
    "PERFORMANCE_KPI",
    "SOMETHING_NEW",
];

const V1_IDS: &[&str] = &[
    "first_name",
    "last_name",
    "department",
    "hire_date",
    "dynamic_9",
    "salary",
    "compensation",
    "absence_12:overview",
    "absence_12:periods",
    "cost_center",
    "targets",
    "kpis",
    "weekly_hours",
];

/// The fields a v1 cell of `data_type` carries, as `(output column suffix, field)`.
fn v1_fields(data_type: &str) -> &'static [(&'static str, &'static str)] {
    match data_type {
        "ENTITY" => &[("_id", "entity_id"), ("_name", "value")],
        "DURATION" => &[("", "duration")],
        "SALARY" => &[("", "amount"), ("_currency_symbol", "currency_symbol")],
        "COMPENSATION" => &[
            ("", "amount"),
            ("_currency", "currency_code"),
            ("_overtime_hours", "overtime_hours"),
            ("_bonus_type", "bonus_type"),
        ],
        "ABSENCE_OVERVIEW" => &[
            ("_start_date", "start_date"),
            ("_end_date", "end_date"),
            ("_days", "duration_days"),
            ("_hours", "duration_hours"),
        ],
        // Lists of objects: checked for no panic and their row only.
        "COST_CENTER" | "ABSENCE_PERIOD" | "PERFORMANCE_TARGET" | "PERFORMANCE_KPI" => &[],
        _ => &[("", "value")],
    }
}

#[derive(Debug, Clone)]
struct V1Column {
    id: &'static str,
    label: String,
    data_type: &'static str,
}

#[derive(Debug, Clone)]
struct V1Item {
    employee_id: Option<Value>,
    /// Cells (objects), in the order sent.
    cells: Vec<Value>,
}

#[derive(Debug, Clone)]
struct V1Case {
    columns: Vec<V1Column>,
    historical: bool,
    /// Column ids as the report list orders them (may name fewer or unknown ones).
    order: Vec<&'static str>,
    pages: Vec<Vec<V1Item>>,
    trailing_empty_page: bool,
    target: Index,
    mutation: Mutation,
}

/// A typed value for one field of a v1 cell.
fn v1_field_value(field: &str) -> BoxedStrategy<Value> {
    let typed: BoxedStrategy<Value> = match field {
        "entity_id" => prop_oneof![
            integer().prop_map(|n| Value::from(n.to_string())),
            integer().prop_map(Value::from),
            select(&["ACME", "0815", "22001-1"][..]).prop_map(Value::from),
        ]
        .boxed(),
        "duration" | "overtime_hours" | "duration_days" | "duration_hours" => prop_oneof![
            float().prop_map(Value::from),
            float().prop_map(|f| Value::from(f.to_string())),
        ]
        .boxed(),
        "amount" => prop_oneof![
            (0i64..1_000_000).prop_map(|c| Value::from(format!("{}.{:02}", c / 100, c % 100))),
            float().prop_map(Value::from),
        ]
        .boxed(),
        "currency_symbol" | "currency_code" => select(&["€", "EUR", "$", "CHF", "zł"][..])
            .prop_map(Value::from)
            .boxed(),
        "start_date" | "end_date" => date().prop_map(Value::from).boxed(),
        _ => text().prop_map(Value::from).boxed(),
    };
    prop_oneof![8 => typed, 2 => scalar(), 1 => missing(), 1 => other_json()].boxed()
}

/// One cell of a column of `data_type`: `{"data_type", <fields>}`, its `attribute_id`
/// still to come.
fn v1_cell(data_type: &'static str) -> BoxedStrategy<Value> {
    match data_type {
        "COST_CENTER" => prop::collection::vec(
            (
                integer(),
                text(),
                prop_oneof![
                    Just("60%".to_string()),
                    (0u32..200).prop_map(|n| format!("{n}%")),
                    float().prop_map(|f| f.to_string())
                ],
            ),
            0..3,
        )
        .prop_map(move |centers| {
            let centers: Vec<Value> = centers
                .into_iter()
                .map(|(i, n, w)| json!({"cost_center_id": i, "value": n, "weight": w}))
                .collect();
            json!({"data_type": data_type, "cost_centers": centers})
        })
        .boxed(),
        "ABSENCE_PERIOD" => (
            date(),
            date(),
            any::<bool>(),
            prop::option::of(any::<bool>()),
        )
            .prop_map(move |(start, end, half, half_end)| {
                json!({"data_type": data_type, "start_date": start,
                       "end_date": end, "half_day_at_start": half, "half_day_at_end": half_end})
            })
            .boxed(),
        "PERFORMANCE_TARGET" => prop::collection::vec((text(), float()), 0..3)
            .prop_map(move |targets| {
                let targets: Vec<Value> = targets
                    .into_iter()
                    .map(
                        |(t, v)| json!({"performance_target_id": t, "performance_target_value": v}),
                    )
                    .collect();
                json!({"data_type": data_type, "performance_targets": targets})
            })
            .boxed(),
        "PERFORMANCE_KPI" => prop::collection::vec(
            (text(), prop::collection::vec((text(), float()), 0..3)),
            0..3,
        )
        .prop_map(move |targets| {
            let targets: Vec<Value> = targets
                .into_iter()
                .map(|(t, kpis)| {
                    let kpis: Vec<Value> = kpis
                        .into_iter()
                        .map(|(k, v)| json!({"performance_kpi_id": k, "performance_kpi_value": v}))
                        .collect();
                    json!({"performance_target_id": t, "performance_kpis": kpis})
                })
                .collect();
            json!({"data_type": data_type, "performance_target_kpis": targets})
        })
        .boxed(),
        _ => {
            let fields: Vec<_> = v1_fields(data_type)
                .iter()
                .map(|(_, field)| prop::option::weighted(0.9, v1_field_value(field)))
                .collect();
            fields
                .prop_map(move |values| {
                    let mut cell = json!({ "data_type": data_type });
                    for ((_, field), value) in v1_fields(data_type).iter().zip(values) {
                        if let Some(value) = value {
                            cell[*field] = value;
                        }
                    }
                    cell
                })
                .boxed()
        }
    }
}

/// The cells of one column in one item (ABSENCE_PERIOD columns repeat a cell per
/// period, historical reports per effective date); `cells` holds [`v1_cell`] of each
/// data type, built once.
fn v1_cells(
    column: &V1Column,
    historical: bool,
    cells: &BTreeMap<&str, BoxedStrategy<Value>>,
) -> BoxedStrategy<Vec<Value>> {
    let id = column.id;
    let data_type = column.data_type;
    let effective = prop::option::weighted(0.85, date());
    let cell = cells[data_type].clone().prop_map(move |mut cell| {
        cell["attribute_id"] = Value::from(id);
        cell
    });
    let count = if data_type == "ABSENCE_PERIOD" || historical {
        0usize..4
    } else {
        0usize..2
    };
    prop::collection::vec((cell, effective), count)
        .prop_map(move |cells| {
            cells
                .into_iter()
                .map(|(mut cell, date)| {
                    if historical {
                        if let Some(date) = date {
                            cell["effective_date"] = Value::from(date);
                        }
                    }
                    cell
                })
                .collect()
        })
        .boxed()
}

fn v1_case() -> impl Strategy<Value = V1Case> {
    let cell_strategies: BTreeMap<&str, BoxedStrategy<Value>> =
        V1_TYPES.iter().map(|t| (*t, v1_cell(t))).collect();
    (
        prop::collection::vec((select(V1_IDS), text(), select(V1_TYPES)), 0..6),
        prop::bool::weighted(0.3),
    )
        .prop_flat_map(move |(columns, historical)| {
            let mut seen = HashSet::new();
            let columns: Vec<V1Column> = columns
                .into_iter()
                .filter(|(id, ..)| seen.insert(*id))
                .map(|(id, label, data_type)| V1Column {
                    id,
                    label,
                    data_type,
                })
                .collect();
            let cells: Vec<_> = columns
                .iter()
                .map(|c| v1_cells(c, historical, &cell_strategies))
                .collect();
            let item = (
                0u8..10,
                0i64..8,
                cells,
                prop::collection::vec(any::<Index>(), 0..2),
            )
                .prop_map(|(form, id, cells, strays)| {
                    let mut cells: Vec<Value> = cells.into_iter().flatten().collect();
                    // Cells of a column the report does not list, and cells that are not
                    // objects: read past.
                    for stray in strays {
                        let at = stray.index(cells.len() + 1);
                        cells.insert(at, json!({"attribute_id": "not_a_column", "value": "x"}));
                        cells.insert(at, json!("not a cell"));
                    }
                    let employee_id = match form {
                        0..=6 => Some(Value::from(1000 + id)),
                        7 => Some(Value::from((1000 + id).to_string())),
                        8 => Some(Value::Null),
                        _ => None,
                    };
                    V1Item { employee_id, cells }
                });
            let ids: Vec<&'static str> = columns.iter().map(|c| c.id).collect();
            (
                Just(columns),
                Just(historical),
                prop::sample::subsequence(ids.clone(), 0..=ids.len()).prop_shuffle(),
                prop::collection::vec(prop::collection::vec(item, 0..5), 1..=3),
                any::<bool>(),
                any::<Index>(),
                Mutation::strategy(),
            )
        })
        .prop_map(
            |(columns, historical, order, pages, trailing_empty_page, target, mutation)| V1Case {
                columns,
                historical,
                order,
                pages,
                trailing_empty_page,
                target,
                mutation,
            },
        )
}

fn v1_info(case: &V1Case) -> Map<String, Value> {
    let kind = if case.historical {
        "historical_data"
    } else {
        "point_in_time"
    };
    json!({"id": REPORT_ID, "name": "Fuzz", "type": kind, "status": "up_to_date",
           "columns": case.order})
    .as_object()
    .unwrap()
    .clone()
}

fn v1_columns_body(case: &V1Case) -> Value {
    let attributes: Vec<Value> = case
        .columns
        .iter()
        .map(|c| json!({"attribute_id": c.id, "human_readable": c.label, "data_type": c.data_type}))
        .collect();
    json!({"success": true, "data": {"type": "ReportColumns", "attributes": attributes}})
}

fn v1_page_body(case: &V1Case, items: &[V1Item], page: usize) -> Value {
    let key = if case.historical {
        "historical_attributes"
    } else {
        "attributes"
    };
    let items: Vec<Value> = items
        .iter()
        .map(|item| {
            let mut object = json!({ key: item.cells });
            if let Some(id) = &item.employee_id {
                object["employee_id"] = id.clone();
            }
            object
        })
        .collect();
    json!({"success": true,
           "metadata": {"current_page": page + 1, "total_pages": case.pages.len()},
           "data": [{"type": "Report", "attributes": {"id": REPORT_ID, "name": "Fuzz", "items": items}}]})
}

/// Breaks the shape of a v1 report page.
fn spoil_v1_page(page: &mut Value, kind: u8) -> Expect {
    let reports = page["data"].as_array().map_or(0, Vec::len);
    match kind % 5 {
        0 => page["data"] = json!({"items": []}),
        1 if reports > 0 => {
            page["data"][0]["attributes"]
                .as_object_mut()
                .unwrap()
                .remove("items");
        }
        2 if reports > 0 => page["data"][0]["attributes"]["items"] = json!("items"),
        1..=3 => page["data"] = json!([7]),
        _ => {
            page.as_object_mut().unwrap().remove("data");
        }
    }
    Expect::Invalid
}

fn spoil_v1_columns(body: &mut Value, kind: u8) -> Expect {
    match kind % 3 {
        0 => body["data"]["attributes"] = json!({"attribute_id": "x"}),
        1 => body["data"] = json!([]),
        _ => {
            body.as_object_mut().unwrap().remove("data");
        }
    }
    Expect::Invalid
}

/// A row the v1 table must hold: the employee, the period, the cell of each column.
struct V1Row<'a> {
    employee_id: Value,
    valid_from: Option<String>,
    cells: BTreeMap<&'a str, &'a Value>,
}

fn v1_attribute(cell: &Value) -> &str {
    cell.get("attribute_id")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The rows of a case, as Personio's report means them: one per employee (snapshot), or
/// one per employee and distinct effective date holding each attribute's latest value
/// on that date (historical); the first of each employee (and period).
fn v1_rows(case: &V1Case) -> Vec<V1Row<'_>> {
    let mut rows = Vec::new();
    for item in case.pages.iter().flatten() {
        let employee_id = item.employee_id.clone().unwrap_or(Value::Null);
        let cells: Vec<&Value> = item.cells.iter().filter(|c| c.is_object()).collect();
        let periods: Vec<(Option<String>, BTreeMap<&str, &Value>)> = if case.historical {
            let date_of = |cell: &Value| {
                cell.get("effective_date")
                    .and_then(Value::as_str)
                    .map(|d| d.get(..10).unwrap_or(d).to_string())
            };
            let mut dates: Vec<Option<String>> = cells.iter().map(|c| date_of(c)).collect();
            dates.retain(Option::is_some);
            dates.sort();
            dates.dedup();
            if dates.is_empty() && !cells.is_empty() {
                dates.push(None);
            }
            let mut sorted: Vec<&Value> = cells.clone();
            sorted.sort_by_key(|c| date_of(c));
            dates
                .into_iter()
                .map(|start| {
                    let mut state = BTreeMap::new();
                    for cell in &sorted {
                        let date = date_of(cell);
                        if date.is_none() || start.is_none() || date <= start {
                            state.insert(v1_attribute(cell), *cell);
                        }
                    }
                    (start, state)
                })
                .collect()
        } else {
            let mut first = BTreeMap::new();
            for cell in &cells {
                first.entry(v1_attribute(cell)).or_insert(*cell);
            }
            vec![(None, first)]
        };
        // Every item, as the paging hands it over (it makes each employee come once).
        for (valid_from, cells) in periods {
            rows.push(V1Row {
                employee_id: employee_id.clone(),
                valid_from,
                cells,
            });
        }
    }
    rows
}

fn check_v1(case: &V1Case, table: &Table, tally: &Tally) -> Result<(), TestCaseError> {
    let rows = v1_rows(case);
    if table.num_rows() != rows.len() {
        return Err(fail(format!(
            "{} rows, the report has {}",
            table.num_rows(),
            rows.len()
        )));
    }
    Tally::add(&tally.rows, rows.len() as u64);
    let column =
        |name: &str| column_named(table, name).ok_or_else(|| fail(format!("no column {name:?}")));
    for (row, expected) in rows.iter().enumerate() {
        if present(&expected.employee_id) {
            holds(
                table,
                column("employee_id")?,
                row,
                &expected.employee_id,
                tally,
            )?;
        }
        if let Some(from) = &expected.valid_from {
            holds(
                table,
                column("valid_from")?,
                row,
                &Value::from(from.as_str()),
                tally,
            )?;
        }
        for spec in &case.columns {
            let Some(cell) = expected.cells.get(spec.id) else {
                continue;
            };
            for (suffix, field) in v1_fields(spec.data_type) {
                let Some(value) = cell.get(*field).filter(|v| present(v)) else {
                    continue;
                };
                holds(
                    table,
                    column(&format!("{}{suffix}", spec.id))?,
                    row,
                    value,
                    tally,
                )?;
            }
        }
    }
    Ok(())
}

fn v1_property(case: V1Case, tally: &Tally) -> Result<(), TestCaseError> {
    let info = v1_info(&case);
    let mut columns = v1_columns_body(&case);
    let mut pages: Vec<Value> = case
        .pages
        .iter()
        .enumerate()
        .map(|(n, items)| v1_page_body(&case, items, n))
        .collect();
    if case.trailing_empty_page {
        pages.push(json!({"success": true, "metadata": {"total_pages": pages.len()}, "data": []}));
    }
    let target = case.target.index(pages.len() + 1);
    let report_endpoint = format!("GET /v1/company/custom-reports/reports/{REPORT_ID}");
    let endpoint = if target == 0 {
        REPORT_COLUMNS
    } else {
        report_endpoint.as_str()
    };
    let shape_expect = match &case.mutation {
        Mutation::Shape(kind, _) if target == 0 => Some(spoil_v1_columns(&mut columns, *kind)),
        Mutation::Shape(kind, _) => Some(spoil_v1_page(&mut pages[target - 1], *kind)),
        _ => None,
    };
    let (columns, bodies, expect) =
        mutated_bodies(&columns, &pages, target, &case.mutation, shape_expect);
    tally.count_case(expect);
    let result = report_table_from_pages(&info, &columns, &bodies);
    if let Some(table) = judge(result, expect, endpoint, tally)? {
        check_v1(&case, &table, tally)?;
    }
    Ok(())
}

#[test]
fn v1_report_pages_convert_without_loss() {
    run_property("v1 reports", V1_REPORT_CASES, 2, v1_case(), v1_property);
}

// ---------------------------------------------------------------------------------------
// v2 reports.

const V2_TYPES: &[&str] = &[
    "string",
    "option",
    "timestamp",
    "decimal",
    "percentage",
    "integer",
    "boolean",
    "money",
    "",
];

const V2_NAMES: &[&str] = &[
    "last_name",
    "first_name",
    "employee_id",
    "attendance_project",
    "hours",
    "hire_date",
    "effective_date",
    "email",
    "share",
    "active",
    "headcount",
    "salary",
    "ünïcödé",
];

#[derive(Debug, Clone)]
struct V2ColumnSpec {
    name: &'static str,
    display: Option<String>,
    kind: &'static str,
}

#[derive(Debug, Clone)]
struct V2Case {
    columns: Vec<V2ColumnSpec>,
    rows: Vec<Vec<Value>>,
    historical: bool,
    mutation: Mutation,
}

/// A well-formed cell of a column of type `kind`.
fn v2_cell(name: &'static str, kind: &'static str) -> BoxedStrategy<Value> {
    let string_value = |value: BoxedStrategy<Value>| {
        value
            .prop_map(move |v| json!({"attribute_id": name, "string_value": {"value": v}}))
            .boxed()
    };
    let keyed = |key: &'static str, inner: &'static str, value: BoxedStrategy<Value>| {
        value
            .prop_map(move |v| json!({"attribute_id": name, key: {inner: v}}))
            .boxed()
    };
    match kind {
        "option" => prop_oneof![
            4 => (
                prop_oneof![
                    integer().prop_map(|n| Value::from(n.to_string())),
                    select(&["ACME", "0815", "true", "22001-1"][..]).prop_map(Value::from),
                    integer().prop_map(Value::from),
                ],
                text(),
            )
                .prop_map(move |(key, label)| json!({"attribute_id": name,
                    "options_value": {"options": [{"key": key, "value": label}]}})),
            1 => Just(json!({"attribute_id": name, "options_value": {"options": []}})),
        ]
        .boxed(),
        "timestamp" => prop_oneof![
            3 => string_value(date().prop_map(Value::from).boxed()),
            1 => string_value(instant().prop_map(Value::from).boxed()),
        ]
        .boxed(),
        "decimal" => keyed(
            "numeric_value",
            "number",
            prop_oneof![
                float().prop_map(Value::from),
                integer().prop_map(Value::from)
            ]
            .boxed(),
        ),
        "percentage" => keyed(
            "percentage_value",
            "value",
            float().prop_map(Value::from).boxed(),
        ),
        "integer" => keyed(
            "numeric_value",
            "number",
            integer().prop_map(Value::from).boxed(),
        ),
        "boolean" => keyed(
            "boolean_value",
            "value",
            any::<bool>().prop_map(Value::from).boxed(),
        ),
        "money" => (float(), select(&["EUR", "USD"][..]))
            .prop_map(move |(amount, currency)| {
                json!({"attribute_id": name,
                "monetary_value": {"amount": amount, "currency": currency}})
            })
            .boxed(),
        _ => string_value(text().prop_map(Value::from).boxed()),
    }
}

/// A cell that is not what its column reads, or no value at all.
fn v2_odd_cell(name: &'static str) -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!({"attribute_id": name, "string_value": {"value": null}})),
        Just(json!({"attribute_id": name, "string_value": {"value": ""}})),
        Just(json!({"attribute_id": name})),
        scalar().prop_map(move |v| json!({"attribute_id": "someone_else", "string_value": {"value": v}})),
        scalar().prop_map(move |v| json!({"string_value": {"value": v}})),
        scalar().prop_map(move |v| json!({"attribute_id": name, "numeric_value": {"number": v}})),
        scalar(),
        Just(json!({"attribute_id": name, "options_value": {"options": [{"key": "1", "value": "A"}, {"key": "2", "value": "B"}]}})),
        Just(json!({"attribute_id": name, "string_value": {"value": [1, 2]}})),
        Just(json!({"attribute_id": name, "string_value": "flat", "numeric_value": {"number": 1}})),
    ]
    .boxed()
}

fn v2_case() -> impl Strategy<Value = V2Case> {
    // Every column's cell strategy, built once (see `ValueStrategies`).
    let mut cell_strategies: BTreeMap<(&str, &str), BoxedStrategy<Value>> = BTreeMap::new();
    for name in V2_NAMES {
        for kind in V2_TYPES {
            let cell = prop_oneof![8 => v2_cell(name, kind), 2 => v2_odd_cell(name)].boxed();
            cell_strategies.insert((name, kind), cell);
        }
    }
    (
        prop::collection::vec(
            (
                select(V2_NAMES),
                prop::option::weighted(0.9, text()),
                select(V2_TYPES),
            ),
            0..6,
        ),
        prop::bool::weighted(0.3),
    )
        .prop_flat_map(move |(columns, historical)| {
            let mut seen = HashSet::new();
            let columns: Vec<V2ColumnSpec> = columns
                .into_iter()
                .filter(|(name, ..)| seen.insert(*name))
                .map(|(name, display, kind)| V2ColumnSpec {
                    name,
                    display,
                    kind: if name == "effective_date" {
                        "timestamp"
                    } else {
                        kind
                    },
                })
                .collect();
            let cells: Vec<BoxedStrategy<Value>> = columns
                .iter()
                .map(|c| cell_strategies[&(c.name, c.kind)].clone())
                .collect();
            let width = cells.len();
            let row = (cells, 0..=width).prop_map(move |(mut cells, keep)| {
                // Rows may be shorter than the columns: the rest is no value.
                if keep + 3 < width {
                    cells.truncate(keep);
                }
                cells
            });
            (
                Just(columns),
                prop::collection::vec(row, 0..8),
                Just(historical),
                Mutation::strategy(),
            )
        })
        .prop_map(|(columns, rows, historical, mutation)| V2Case {
            columns,
            rows,
            historical,
            mutation,
        })
}

fn v2_body(case: &V2Case) -> Value {
    let columns: Vec<Value> = case
        .columns
        .iter()
        .map(|c| {
            let mut column = json!({"name": c.name, "type": c.kind});
            if let Some(display) = &c.display {
                column["display"] = Value::from(display.as_str());
            }
            column
        })
        .collect();
    json!({"report_config": {"name": "Fuzz"},
           "_meta": {"columns": columns, "links": {"self": {"href": "/v2/reports/0"}}},
           "_data": case.rows})
}

fn spoil_v2(body: &mut Value, kind: u8, at: &Index) -> Expect {
    let rows = body["_data"].as_array().map_or(0, Vec::len);
    let width = body["_meta"]["columns"].as_array().map_or(0, Vec::len);
    match kind % 7 {
        0 => {
            body.as_object_mut().unwrap().remove("_meta");
        }
        1 => body["_meta"]["columns"] = json!({"name": "x"}),
        2 if width > 0 => {
            body["_meta"]["columns"][at.index(width)]
                .as_object_mut()
                .unwrap()
                .remove("name");
        }
        3 => body["_data"] = json!({"0": []}),
        4 if rows > 0 => body["_data"][at.index(rows)] = json!({"cells": []}),
        5 => {
            // A row longer than the columns.
            let cells: Vec<Value> = (0..=width).map(|_| Value::Null).collect();
            body["_data"] = json!([cells]);
        }
        _ => {
            body.as_object_mut().unwrap().remove("_data");
        }
    }
    Expect::Invalid
}

/// What a cell holds, as Personio means it.
enum V2Cell<'a> {
    Missing,
    Scalar(&'a Value),
    Option(&'a Map<String, Value>),
    /// Anything else: kept whole as JSON text.
    Whole,
}

/// Null, a blank string, or a list or object holding nothing else.
fn empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.iter().all(empty),
        Value::Object(fields) => fields.values().all(empty),
        _ => false,
    }
}

fn v2_cell_of<'a>(cell: &'a Value, column: &str) -> V2Cell<'a> {
    let Value::Object(fields) = cell else {
        return if cell.is_null() {
            V2Cell::Missing
        } else {
            V2Cell::Whole
        };
    };
    if fields
        .get("attribute_id")
        .is_some_and(|id| id.as_str() != Some(column))
    {
        return V2Cell::Whole;
    }
    let carried: Vec<(&String, &Value)> = fields
        .iter()
        .filter(|(k, v)| *k != "attribute_id" && !empty(v))
        .collect();
    let (key, value) = match carried.as_slice() {
        [] => return V2Cell::Missing,
        [(key, value)] if key.ends_with("_value") => (key.as_str(), *value),
        _ => return V2Cell::Whole,
    };
    if key == "options_value" {
        return match value
            .get("options")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([Value::Object(option)]) if option.keys().all(|k| k == "key" || k == "value") => {
                V2Cell::Option(option)
            }
            _ => V2Cell::Whole,
        };
    }
    match value {
        Value::Object(inner) => {
            let present: Vec<&Value> = inner.values().filter(|v| !empty(v)).collect();
            match present.as_slice() {
                [scalar] if !scalar.is_object() && !scalar.is_array() => V2Cell::Scalar(scalar),
                _ => V2Cell::Whole,
            }
        }
        Value::Array(_) => V2Cell::Whole,
        scalar => V2Cell::Scalar(scalar),
    }
}

fn check_v2(case: &V2Case, table: &Table, tally: &Tally) -> Result<(), TestCaseError> {
    if table.num_rows() != case.rows.len() {
        return Err(fail(format!(
            "{} rows, the page has {}",
            table.num_rows(),
            case.rows.len()
        )));
    }
    Tally::add(&tally.rows, case.rows.len() as u64);
    let column =
        |name: &str| column_named(table, name).ok_or_else(|| fail(format!("no column {name:?}")));
    let effective = case.historical && case.columns.iter().any(|c| c.name == "effective_date");
    for (row, cells) in case.rows.iter().enumerate() {
        for (spec, cell) in case.columns.iter().zip(cells) {
            let decoded = v2_cell_of(cell, spec.name);
            if effective && spec.name == "effective_date" {
                if let V2Cell::Scalar(Value::String(date)) = decoded {
                    if let Some(day) = date.get(..10).filter(|d| present(&Value::from(*d))) {
                        holds(table, column("valid_from")?, row, &Value::from(day), tally)?;
                    }
                }
                continue;
            }
            let parts: Vec<(String, Option<&Value>)> = if spec.kind == "option" {
                let (key, label) = match decoded {
                    V2Cell::Missing => continue,
                    V2Cell::Option(option) => (option.get("key"), option.get("value")),
                    _ => (Some(cell), Some(cell)),
                };
                vec![
                    (format!("{}_id", spec.name), key),
                    (format!("{}_name", spec.name), label),
                ]
            } else {
                let value = match decoded {
                    V2Cell::Missing => continue,
                    V2Cell::Scalar(value) => value,
                    _ => cell,
                };
                vec![(spec.name.to_string(), Some(value))]
            };
            for (name, value) in parts {
                if let Some(value) = value.filter(|v| present(v)) {
                    holds(table, column(&name)?, row, value, tally)?;
                }
            }
        }
    }
    Ok(())
}

fn v2_property(case: V2Case, tally: &Tally) -> Result<(), TestCaseError> {
    let mut body = v2_body(&case);
    let expect = match &case.mutation {
        Mutation::Shape(kind, at) => spoil_v2(&mut body, *kind, at),
        _ => Expect::Table,
    };
    let (body, expect) = match case.mutation {
        Mutation::Shape(..) => (serde_json::to_vec(&body).unwrap(), expect),
        _ => mutate_bytes(serde_json::to_vec(&body).unwrap(), &case.mutation),
    };
    tally.count_case(expect);
    let result = v2_table_from_page(&body, case.historical);
    if let Some(table) = judge(result, expect, V2_REPORT, tally)? {
        check_v2(&case, &table, tally)?;
    }
    Ok(())
}

#[test]
fn v2_report_pages_convert_without_loss() {
    run_property("v2 reports", V2_REPORT_CASES, 3, v2_case(), v2_property);
}
