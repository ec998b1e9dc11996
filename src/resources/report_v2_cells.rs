//! v2 report rows to typed Arrow chunks.
//!
//! A column's Arrow type follows from its declared v2 `type` alone (see [`parts_of`]),
//! never from the day's data. Each cell is decoded by the `*_value` key it carries and
//! checked against its column: a cell naming another attribute, carrying several
//! values, or a shape its column does not read is handed over whole, so that it parses
//! as nothing and the column keeps raw JSON text with one `TypeFallbackWarning`. A cell
//! is null only where Personio sent no value.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;

use serde_json::Value;

use serde_json::value::RawValue;

use super::names::{label_names, Names};
use super::report_v2_decode::{decode, Decoded};
use crate::arrow::build::{build_chunk, Chunk, RawStrings, Slot};
use crate::arrow::parse::{plain_date, timestamp_micros};
use crate::arrow::{ColumnDef, Kind};

/// The column that dates the rows of a historical v2 report (assumed: V2_NOTES names
/// no such column; it becomes `valid_from`).
pub const EFFECTIVE_DATE_COLUMN: &str = "effective_date";
/// Columns that tell whose row it is in a historical report, where present: Personio
/// identifies people there by name, and by whatever id the admin added.
const IDENTITY_COLUMNS: [&str; 7] = [
    "employee_id",
    "person_id",
    "id",
    "email",
    "first_name",
    "last_name",
    "preferred_name",
];
/// The columns a historical table adds first; the chunks leave them to the join,
/// which dates each row by the next one (see [`RowFacts`]).
pub const PERIOD_COLUMNS: usize = 2;

/// One column of `_meta.columns`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Column {
    /// `name`: the attribute id (`last_name`, `attendance_project`, ...).
    pub name: String,
    /// `display`: the label in the requested locale.
    pub display: String,
    /// `type`: `string`, `option`, `timestamp`, `decimal` (seen on real accounts), ...
    pub kind: String,
}

impl V2Column {
    /// The display name, or the name where Personio gave none.
    pub fn label(&self) -> &str {
        if self.display.is_empty() {
            &self.name
        } else {
            &self.display
        }
    }
}

/// Which part of a cell an output column reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The one scalar of `string_value`, `numeric_value`, `percentage_value`, ...
    Scalar,
    /// The `key` of the one option of `options_value`, as sent.
    OptionKey,
    /// The `value` (label) of the one option.
    OptionLabel,
}

/// What the join needs of each row of a historical report to date it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFacts {
    /// The row's effective date (`YYYY-MM-DD`, as sent).
    pub start: Option<String>,
    /// A hash of the row's identity cells; `None` where the report has no such column.
    pub person: Option<u64>,
}

/// The output columns of a v2 report and how each reads a row.
pub struct V2Plan {
    columns: Vec<V2Column>,
    /// The output columns: for historical reports `valid_from` and `valid_to` first,
    /// then the report's own columns (nothing else).
    pub defs: Vec<ColumnDef>,
    /// Per output column, the report column and part it reads (`None`: a period).
    sources: Vec<Option<(usize, Part)>>,
    /// The effective-date column of a historical report.
    effective: Option<usize>,
    identity: Vec<usize>,
}

impl V2Plan {
    /// The plan of a report of `columns`; the sample of the first rows types the
    /// `timestamp` columns.
    pub fn new(
        columns: Vec<V2Column>,
        historical: bool,
        names: Names,
        sample: &TimestampSample,
    ) -> V2Plan {
        let first_timestamps = sample.first_values();
        let effective = historical
            .then(|| columns.iter().position(|c| c.name == EFFECTIVE_DATE_COLUMN))
            .flatten();
        let mut defs = Vec::new();
        let mut sources = Vec::new();
        let mut labels = Vec::new();
        if historical {
            for (name, label) in [("valid_from", "Valid from"), ("valid_to", "Valid to")] {
                defs.push(ColumnDef {
                    name: name.into(),
                    kind: Kind::Date32,
                    metadata: HashMap::from([("personio.key".to_string(), name.to_string())]),
                });
                sources.push(None);
                labels.push((label.to_string(), name.to_string()));
            }
        }
        for (index, column) in columns.iter().enumerate() {
            if Some(index) == effective {
                continue;
            }
            for (suffix, label_suffix, kind, part) in parts_of(&columns, index, first_timestamps) {
                let name = format!("{}{suffix}", column.name);
                labels.push((format!("{}{label_suffix}", column.label()), name.clone()));
                defs.push(ColumnDef {
                    name,
                    kind,
                    metadata: HashMap::from([
                        ("personio.key".to_string(), column.name.clone()),
                        ("personio.label".to_string(), column.label().to_string()),
                        ("personio.data_type".to_string(), column.kind.clone()),
                    ]),
                });
                sources.push(Some((index, part)));
            }
        }
        if names == Names::Label {
            for (def, name) in defs.iter_mut().zip(label_names(&labels)) {
                def.name = name;
            }
        }
        let identity = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| IDENTITY_COLUMNS.contains(&c.name.as_str()))
            .map(|(index, _)| index)
            .collect();
        V2Plan {
            columns,
            defs,
            sources,
            effective,
            identity,
        }
    }

    /// The report's columns, as `_meta.columns` lists them.
    pub fn columns(&self) -> &[V2Column] {
        &self.columns
    }

    /// Whether the table dates its rows (a historical report with an effective date).
    pub fn dated(&self) -> bool {
        self.effective.is_some()
    }

    /// One chunk of rows (the text of each cell), the period columns left null, and
    /// what dates each row.
    pub fn convert(&self, rows: &[Vec<&RawValue>]) -> (Chunk, Vec<RowFacts>) {
        // Each cell decoded once, though an option cell feeds two columns.
        let decoded: Vec<Vec<Decoded<'_>>> = rows
            .iter()
            .map(|row| {
                let names = self.columns.iter().map(|c| c.name.as_str());
                row.iter()
                    .zip(names)
                    .map(|(cell, name)| decode(cell, name))
                    .collect()
            })
            .collect();
        let chunk = build_chunk(
            &self.defs,
            rows.len(),
            |c, r| {
                let Some((column, part)) = self.sources[c] else {
                    return Slot::Value(None);
                };
                let Some(decoded) = decoded[r].get(column) else {
                    return Slot::Value(None);
                };
                let value = match (decoded, part) {
                    (Decoded::Missing, _) => None,
                    (Decoded::Scalar(value), Part::Scalar) | (Decoded::Bare(value), _) => {
                        Some(value)
                    }
                    (Decoded::Option { key, .. }, Part::OptionKey) => key.as_ref(),
                    (Decoded::Option { label, .. }, Part::OptionLabel) => label.as_ref(),
                    (Decoded::Misfit(text), _) => return Slot::Misfit(text),
                    // A shape its column does not read: kept whole, as sent.
                    _ => return Slot::Misfit(rows[r][column].get()),
                };
                Slot::Value(value.map(Cow::Borrowed))
            },
            RawStrings::Kept,
        );
        let facts = match self.effective {
            Some(effective) => rows.iter().map(|row| self.facts(row, effective)).collect(),
            None => Vec::new(),
        };
        (chunk, facts)
    }

    fn facts(&self, row: &[&RawValue], effective: usize) -> RowFacts {
        let name = &self.columns[effective].name;
        let start = match row.get(effective).map(|cell| decode(cell, name)) {
            Some(Decoded::Scalar(Value::String(date))) => date.get(..10).map(str::to_string),
            _ => None,
        };
        let person = (!self.identity.is_empty()).then(|| {
            let cells: Vec<&str> = self
                .identity
                .iter()
                .map(|c| row.get(*c).map_or("", |cell| cell.get()))
                .collect();
            foldhash::quality::FixedState::default().hash_one(cells)
        });
        RowFacts { start, person }
    }
}

/// The output columns of column `index`, from its declared type:
/// `(name suffix, label suffix, kind, part)`.
fn parts_of(
    columns: &[V2Column],
    index: usize,
    first_timestamps: &[Option<Value>],
) -> Vec<(&'static str, &'static str, Kind, Part)> {
    let scalar = |kind| vec![("", "", kind, Part::Scalar)];
    match columns[index].kind.as_str() {
        "option" => vec![
            ("_id", " ID", Kind::Utf8, Part::OptionKey),
            ("_name", "", Kind::Utf8, Part::OptionLabel),
        ],
        "timestamp" => scalar(timestamp_kind(
            first_timestamps.get(index).and_then(Option::as_ref),
        )),
        "decimal" | "percentage" => scalar(Kind::Float64),
        "integer" => scalar(Kind::Int64),
        "boolean" => scalar(Kind::Bool),
        // `string`, and any type Personio adds later: the text as written.
        _ => scalar(Kind::Utf8),
    }
}

/// `timestamp` columns hold dates (observed: `"YYYY-MM-DD"`); one whose first value
/// carries a time with an offset holds instants. Either way a later value of the other
/// form does not parse, so no time of day is ever dropped.
fn timestamp_kind(first: Option<&Value>) -> Kind {
    match first {
        Some(value) if plain_date(value).is_err() && timestamp_micros(value).is_ok() => {
            Kind::TimestampUtc
        }
        _ => Kind::PlainDate,
    }
}

/// Rows looked at, at most, for the first value of each `timestamp` column: a column
/// with none there is read as dates (an instant later keeps its text, with a warning).
const SAMPLED_ROWS: usize = 1_000;

/// The first value of each `timestamp` column among a report's first
/// [`SAMPLED_ROWS`] rows, which type those columns (see [`timestamp_kind`]).
pub struct TimestampSample {
    first: Vec<Option<Value>>,
    missing: usize,
    rows_seen: usize,
}

impl TimestampSample {
    /// Nothing seen yet of a report of `columns`.
    pub fn new(columns: &[V2Column]) -> TimestampSample {
        TimestampSample {
            first: vec![None; columns.len()],
            missing: columns.iter().filter(|c| c.kind == "timestamp").count(),
            rows_seen: 0,
        }
    }

    /// Whether more rows could change the sample.
    pub fn settled(&self) -> bool {
        self.missing == 0 || self.rows_seen >= SAMPLED_ROWS
    }

    /// Looks at the next rows (the text of each cell) while the sample is not settled.
    pub fn look_at<'a>(
        &mut self,
        columns: &[V2Column],
        rows: impl Iterator<Item = Vec<&'a RawValue>>,
    ) {
        for row in rows {
            if self.settled() {
                return;
            }
            self.rows_seen += 1;
            for (index, cell) in row.iter().enumerate().take(columns.len()) {
                if columns[index].kind != "timestamp" || self.first[index].is_some() {
                    continue;
                }
                if let Decoded::Scalar(value) = decode(cell, &columns[index].name) {
                    self.first[index] = Some(value);
                    self.missing -= 1;
                }
            }
        }
    }

    /// The first value of each column (`None` for every other column).
    pub fn first_values(&self) -> &[Option<Value>] {
        &self.first
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::Table;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{DataType, Date32Type, Float64Type, TimeUnit};
    use serde_json::json;

    /// The table of one `GET /v2/reports/{id}` body, as a read converts it.
    fn read(body: Value, historical: bool) -> Table {
        crate::resources::reports_v2::v2_table_from_page(body.to_string().as_bytes(), historical)
            .unwrap()
    }

    fn strings(table: &Table, name: &str) -> Vec<Option<String>> {
        let batch = &table.batches[0];
        let column = batch.column(table.schema.index_of(name).unwrap());
        let column = column.as_string::<i32>();
        (0..column.len())
            .map(|i| column.is_valid(i).then(|| column.value(i).to_string()))
            .collect()
    }

    fn names(table: &Table) -> Vec<&str> {
        table
            .schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect()
    }

    /// The observed body of V2_NOTES.md section 7, and OBSERVED.md's text option keys
    /// and `YYYY-MM-DD` timestamps.
    #[test]
    fn observed_report_reads_without_warning() {
        let body = json!({
            "report_config": {"name": "Hours"},
            "_meta": {"columns": [
                {"name": "last_name", "display": "Last name", "type": "string"},
                {"name": "attendance_project", "display": "Attendance Project", "type": "option"},
                {"name": "attendance_hours_tracked", "display": "Hours tracked", "type": "decimal"},
                {"name": "hire_date", "display": "Hire date", "type": "timestamp"}
            ], "links": null},
            "_data": [
                [{"attribute_id": "last_name", "string_value": {"value": "Byron"}},
                 {"attribute_id": "attendance_project", "options_value": {"options": [{"key": "5521", "value": "Rollout"}]}},
                 {"attribute_id": "attendance_hours_tracked", "numeric_value": {"number": 4.5}},
                 {"attribute_id": "hire_date", "string_value": {"value": "2021-04-01"}}],
                [{"attribute_id": "last_name", "string_value": {"value": "Lovelace"}},
                 {"attribute_id": "attendance_project", "options_value": {"options": [{"key": "0815", "value": "Audit"}]}},
                 {"attribute_id": "attendance_hours_tracked", "numeric_value": {"number": 8}},
                 {"attribute_id": "hire_date", "string_value": {"value": null}}],
                [{"attribute_id": "last_name", "string_value": {"value": "Hopper"}},
                 {"attribute_id": "attendance_project", "options_value": {"options": [{"key": "ACME", "value": "Client work"}]}},
                 {"attribute_id": "attendance_hours_tracked", "numeric_value": {"number": null}},
                 {"attribute_id": "hire_date", "string_value": {"value": "1999-12-31"}}],
                [{"attribute_id": "last_name", "string_value": {"value": "Turing"}},
                 {"attribute_id": "attendance_project", "options_value": {"options": [{"key": "true", "value": "Yes"}]}},
                 {"attribute_id": "attendance_hours_tracked", "numeric_value": {"number": 0.25}},
                 {"attribute_id": "hire_date", "string_value": {"value": "2024-02-29"}}]
            ]
        });
        let table = read(body, false);
        assert!(table.warnings.is_empty(), "{:?}", table.warnings);
        assert_eq!(
            names(&table),
            [
                "last_name",
                "attendance_project_id",
                "attendance_project_name",
                "attendance_hours_tracked",
                "hire_date"
            ]
        );
        let some = |v: &[&str]| v.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
        assert_eq!(
            strings(&table, "attendance_project_id"),
            some(&["5521", "0815", "ACME", "true"])
        );
        assert_eq!(
            strings(&table, "attendance_project_name"),
            some(&["Rollout", "Audit", "Client work", "Yes"])
        );
        let batch = &table.batches[0];
        let hours = batch.column(3).as_primitive::<Float64Type>();
        assert_eq!(hours.value(0), 4.5);
        assert_eq!(hours.value(1), 8.0);
        assert!(hours.is_null(2));
        assert_eq!(hours.value(3), 0.25);
        assert_eq!(batch.column(4).data_type(), &DataType::Date32);
        let dates = batch.column(4).as_primitive::<Date32Type>();
        assert_eq!(dates.value(0), 18718); // 2021-04-01
        assert!(dates.is_null(1));
        assert_eq!(dates.value(2), 10956); // 1999-12-31
        assert_eq!(dates.value(3), 19782); // 2024-02-29
    }

    #[test]
    fn types_follow_the_declared_type_not_the_data() {
        // Every key numeric today: still text, so tomorrow's "ACME" keeps the schema.
        let body = json!({"_meta": {"columns": [
                {"name": "cc", "display": "Cost center", "type": "option"}]},
            "_data": [[{"attribute_id": "cc", "options_value": {"options": [{"key": "22001", "value": "Ops"}]}}]]});
        let table = read(body, false);
        assert_eq!(table.schema.field(0).data_type(), &DataType::Utf8);
        assert_eq!(strings(&table, "cc_id"), [Some("22001".to_string())]);
        // Instants in a timestamp column are instants.
        let body = json!({"_meta": {"columns": [{"name": "t", "display": "T", "type": "timestamp"}]},
            "_data": [[{"attribute_id": "t", "string_value": {"value": "2025-03-03T12:31:00Z"}}]]});
        let table = read(body, false);
        assert_eq!(
            table.schema.field(0).data_type(),
            &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
    }

    /// Cells that do not fit their column keep their JSON text, with a warning.
    #[test]
    fn misfits_are_kept_as_json_text() {
        let body = json!({"_meta": {"columns": [
            {"name": "pay", "display": "Pay", "type": "decimal"},
            {"name": "share", "display": "Share", "type": "string"},
            {"name": "team", "display": "Team", "type": "option"},
            {"name": "day", "display": "Day", "type": "timestamp"}]},
        "_data": [
            [{"attribute_id": "pay", "monetary_value": {"amount": 4150.5, "currency": "EUR"}},
             {"attribute_id": "share", "percentage_value": {"value": 60}},
             {"attribute_id": "team", "options_value": {"options": [{"key": "1", "value": "A"}, {"key": "2", "value": "B"}]}},
             {"attribute_id": "day", "string_value": {"value": "2024-01-01"}}],
            [{"attribute_id": "other", "numeric_value": {"number": 1}},
             {"attribute_id": "share", "string_value": {"value": "x"}},
             {"attribute_id": "team", "options_value": {"options": []}},
             {"attribute_id": "day", "string_value": {"value": "2024-01-02T09:30:00+01:00"}}]
        ]});
        let table = read(body, false);
        let fallen: Vec<&str> = table
            .schema
            .fields()
            .iter()
            .filter(|f| f.metadata().contains_key("personio.fallback"))
            .map(|f| f.name().as_str())
            .collect();
        assert_eq!(fallen, ["pay", "team_id", "team_name", "day"]);
        assert_eq!(table.warnings.len(), 4);
        assert_eq!(
            strings(&table, "pay"),
            [
                Some(
                    r#"{"attribute_id":"pay","monetary_value":{"amount":4150.5,"currency":"EUR"}}"#
                        .to_string()
                ),
                Some(r#"{"attribute_id":"other","numeric_value":{"number":1}}"#.to_string()),
            ]
        );
        assert_eq!(
            strings(&table, "share"),
            [Some("60".to_string()), Some("x".to_string())]
        );
        assert!(strings(&table, "team_id")[0]
            .as_deref()
            .unwrap()
            .contains(r#""key":"2""#));
        assert_eq!(strings(&table, "team_id")[1], None);
        assert_eq!(
            strings(&table, "day"),
            [
                Some("2024-01-01".to_string()),
                Some("2024-01-02T09:30:00+01:00".to_string())
            ]
        );
    }

    /// Historical rows as sent, dated by `effective_date`, no employee id invented.
    #[test]
    fn historical_rows_are_kept_and_dated_per_person() {
        let cell =
            |id: &str, value: &str| json!({"attribute_id": id, "string_value": {"value": value}});
        let row = |first: &str, date: &str, dept: &str| {
            json!([cell("first_name", first), cell("last_name", "Byron"), cell("effective_date", date),
                   {"attribute_id": "department", "options_value": {"options": [{"key": dept, "value": dept}]}}])
        };
        let body = json!({"_meta": {"columns": [
                {"name": "first_name", "display": "First name", "type": "string"},
                {"name": "last_name", "display": "Last name", "type": "string"},
                {"name": "effective_date", "display": "Effective date", "type": "timestamp"},
                {"name": "department", "display": "Department", "type": "option"}]},
            "_data": [row("Ada", "2021-01-01", "10"), row("Ada", "2023-07-15", "20"), row("Bob", "2022-03-01", "10")]});
        let table = read(body, true);
        assert_eq!(
            names(&table),
            [
                "valid_from",
                "valid_to",
                "first_name",
                "last_name",
                "department_id",
                "department_name"
            ]
        );
        let batch = &table.batches[0];
        let from = batch.column(0).as_primitive::<Date32Type>();
        let to = batch.column(1).as_primitive::<Date32Type>();
        assert_eq!(from.value(0), 18628); // 2021-01-01
        assert_eq!(to.value(0), 19552); // 2023-07-14
        assert_eq!(from.value(1), 19553); // 2023-07-15
        assert!(to.is_null(1));
        assert_eq!(from.value(2), 19052); // 2022-03-01
        assert!(to.is_null(2));
        assert_eq!(strings(&table, "first_name")[2].as_deref(), Some("Bob"));
    }
}
