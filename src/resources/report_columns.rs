//! Custom report columns: how each Personio `data_type` becomes typed Arrow columns.
//!
//! A report cell is Personio's attribute object (v1 shape, e.g.
//! `{"attribute_id","data_type":"SALARY","amount":"12.20","currency_symbol":"€"}`). Each
//! report column becomes one or more output columns, each reading one part of the cell,
//! normalised here so that the generic builder only parses scalars.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{json, Value};

use super::names::{label_names, Names};
use super::report_rows::{ReportRow, Slots};
use crate::arrow::parse::is_missing;
use crate::arrow::{Cell, ColumnDef, Kind};

/// One column of a report, as `/custom-reports/columns` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportColumn {
    /// `first_name`, `department`, `absence_123:periods`, ...
    pub attribute_id: String,
    /// The label in the requested locale.
    pub label: String,
    /// `TEXT`, `ENTITY`, `DURATION`, `COST_CENTER`, `SALARY`, `COMPENSATION`,
    /// `ABSENCE_OVERVIEW`, `ABSENCE_PERIOD`, `PERFORMANCE_TARGET`, `PERFORMANCE_KPI`.
    pub data_type: String,
}

/// Which part of a row an output column reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The item's `employee_id`.
    EmployeeId,
    /// The first day of a historical row's period.
    ValidFrom,
    /// The last day of a historical row's period.
    ValidTo,
    /// A field of the attribute object, as is.
    Field(&'static str),
    /// `cost_centers` normalised to `[{"id","name","weight"}]`.
    CostCenters,
    /// Every cell of the column (absence periods repeat per period), as
    /// `[{"start_date","end_date","half_day_at_start","half_day_at_end"}]`.
    AbsencePeriods,
    /// `performance_targets` as `[{"id","value"}]`.
    PerformanceTargets,
    /// `performance_target_kpis` flattened to `[{"target_id","kpi_id","value"}]`.
    PerformanceKpis,
}

/// An output column and where its values come from.
#[derive(Debug, Clone)]
pub struct PlannedColumn {
    /// Name, type and metadata.
    pub def: ColumnDef,
    /// The report column's slot in [`ReportRow::cells`] (see [`slots_of`]); unused by
    /// the item-level parts.
    pub slot: usize,
    /// The part of the row.
    pub part: Part,
}

/// Each report column's slot: its attribute's place among the distinct attributes of
/// `columns`, in order (a repeated attribute keeps its first slot).
pub fn slots_of(columns: &[ReportColumn]) -> Slots {
    let mut slots = Slots::new();
    for column in columns {
        // Numbered densely: a row holds one slot per distinct attribute.
        let next = slots.len();
        slots.entry(column.attribute_id.clone()).or_insert(next);
    }
    slots
}

/// The output columns of `columns`, after `employee_id` and, for historical reports,
/// `valid_from` and `valid_to`.
pub fn plan_report_columns(
    columns: &[ReportColumn],
    historical: bool,
    names: Names,
) -> Vec<PlannedColumn> {
    let mut planned = Vec::new();
    let mut labels = Vec::new();
    let mut fixed = vec![("employee_id", "Employee ID", Kind::Int64, Part::EmployeeId)];
    if historical {
        fixed.push(("valid_from", "Valid from", Kind::Date32, Part::ValidFrom));
        fixed.push(("valid_to", "Valid to", Kind::Date32, Part::ValidTo));
    }
    for (name, label, kind, part) in fixed {
        labels.push((label.to_string(), name.to_string()));
        planned.push(PlannedColumn {
            def: ColumnDef::keyed(name, kind),
            slot: 0,
            part,
        });
    }
    let slots = slots_of(columns);
    for column in columns {
        let slot = slots[&column.attribute_id];
        for (suffix, label_suffix, kind, part) in parts_of(&column.data_type) {
            let name = format!("{}{suffix}", column.attribute_id);
            let metadata = HashMap::from([
                ("personio.key".to_string(), column.attribute_id.clone()),
                ("personio.label".to_string(), column.label.clone()),
                ("personio.data_type".to_string(), column.data_type.clone()),
            ]);
            labels.push((format!("{}{label_suffix}", column.label), name.clone()));
            planned.push(PlannedColumn {
                def: ColumnDef {
                    name,
                    kind,
                    metadata,
                },
                slot,
                part,
            });
        }
    }
    if names == Names::Label {
        for (column, name) in planned.iter_mut().zip(label_names(&labels)) {
            column.def.name = name;
        }
    }
    planned
}

type PartSpec = (&'static str, &'static str, Kind, Part);

/// An output column that reads one field of the attribute object, as is: (name suffix,
/// label suffix, type, field).
type FieldPart = (&'static str, &'static str, Kind, &'static str);

/// The data types whose output columns each read one field: (data type, its columns).
#[rustfmt::skip]
const FIELD_PARTS: &[(&str, &[FieldPart])] = &[
    // The spec types `entity_id` as a string, and v2 sends option keys as text
    // (`"0815"`, `"ACME"`): ids as written, the same through either API.
    ("ENTITY", &[
        ("_id", " ID", Kind::Utf8, "entity_id"),
        ("_name", "", Kind::Utf8, "value"),
    ]),
    ("DURATION", &[("", "", Kind::Float64, "duration")]),
    // v1 sends only the symbol for salaries, so that is what the column holds.
    ("SALARY", &[
        ("", "", Kind::Float64, "amount"),
        ("_currency_symbol", " currency", Kind::Utf8, "currency_symbol"),
    ]),
    ("COMPENSATION", &[
        ("", "", Kind::Float64, "amount"),
        ("_currency", " currency", Kind::Utf8, "currency_code"),
        ("_overtime_hours", " overtime hours", Kind::Float64, "overtime_hours"),
        ("_bonus_type", " bonus type", Kind::Utf8, "bonus_type"),
    ]),
    ("ABSENCE_OVERVIEW", &[
        ("_start_date", " start", Kind::Date32, "start_date"),
        ("_end_date", " end", Kind::Date32, "end_date"),
        ("_days", " days", Kind::Float64, "duration_days"),
        ("_hours", " hours", Kind::Float64, "duration_hours"),
    ]),
];

/// A field of the struct in a `list<struct>` column: (name, type).
type Member = (&'static str, Kind);

/// The data types that become one `list<struct>` column: (data type, part, the struct's
/// fields).
#[rustfmt::skip]
const LIST_PARTS: &[(&str, Part, &[Member])] = &[
    ("COST_CENTER", Part::CostCenters, &[
        ("id", Kind::Int64), ("name", Kind::Utf8), ("weight", Kind::Float64),
    ]),
    ("ABSENCE_PERIOD", Part::AbsencePeriods, &[
        ("start_date", Kind::Date32), ("end_date", Kind::Date32),
        ("half_day_at_start", Kind::Bool), ("half_day_at_end", Kind::Bool),
    ]),
    ("PERFORMANCE_TARGET", Part::PerformanceTargets, &[
        ("id", Kind::Utf8), ("value", Kind::Float64),
    ]),
    ("PERFORMANCE_KPI", Part::PerformanceKpis, &[
        ("target_id", Kind::Utf8), ("kpi_id", Kind::Utf8), ("value", Kind::Float64),
    ]),
];

/// The output columns one report column of `data_type` becomes.
fn parts_of(data_type: &str) -> Vec<PartSpec> {
    if let Some((_, part, fields)) = LIST_PARTS.iter().find(|(t, ..)| *t == data_type) {
        let fields = fields.iter().map(|(n, k)| (n.to_string(), k.clone()));
        return vec![("", "", Kind::StructList(fields.collect()), *part)];
    }
    match FIELD_PARTS.iter().find(|(t, _)| *t == data_type) {
        Some((_, fields)) => fields
            .iter()
            .map(|(suffix, label_suffix, kind, field)| {
                (*suffix, *label_suffix, kind.clone(), Part::Field(field))
            })
            .collect(),
        // TEXT, and any type Personio adds later: the text as written.
        None => vec![("", "", Kind::Utf8, Part::Field("value"))],
    }
}

/// The value of `column` in `row`. Empty text and empty lists are null: Personio sends
/// `""`, `[]` or nothing for "no value", and the v2 API says null for all of them.
pub fn extract<'a>(column: &PlannedColumn, row: &ReportRow<'a>) -> Cell<'a> {
    raw_extract(column, row).filter(|cell| !is_missing(cell))
}

fn raw_extract<'a>(column: &PlannedColumn, row: &ReportRow<'a>) -> Cell<'a> {
    let day = |day: Option<&str>| day.map(|d| Cow::Owned(Value::from(d)));
    let cells = match column.part {
        Part::EmployeeId => return row.employee_id.map(Cow::Borrowed),
        Part::ValidFrom => return day(row.valid_from),
        Part::ValidTo => return day(row.valid_to.as_deref()),
        _ => &row.cells[column.slot],
    };
    let first = *cells.first()?;
    match column.part {
        Part::Field(field) => first.get(field).map(Cow::Borrowed),
        Part::CostCenters => list(first.get("cost_centers"), |c| {
            json!({
                "id": c.get("cost_center_id").cloned().unwrap_or(Value::Null),
                "name": c.get("value").cloned().unwrap_or(Value::Null),
                "weight": c.get("weight").map(percent).unwrap_or(Value::Null),
            })
        }),
        Part::AbsencePeriods => Some(Cow::Owned(Value::Array(
            cells
                .iter()
                .filter(|c| c.get("start_date").is_some_and(|d| !d.is_null()))
                .map(|c| {
                    json!({
                        "start_date": c.get("start_date"),
                        "end_date": c.get("end_date"),
                        "half_day_at_start": c.get("half_day_at_start"),
                        "half_day_at_end": c.get("half_day_at_end"),
                    })
                })
                .collect(),
        ))),
        Part::PerformanceTargets => list(first.get("performance_targets"), |t| {
            json!({
                "id": t.get("performance_target_id"),
                "value": t.get("performance_target_value"),
            })
        }),
        Part::PerformanceKpis => {
            let targets = match first.get("performance_target_kpis")? {
                Value::Array(targets) => targets,
                other => return Some(Cow::Borrowed(other)),
            };
            let kpis: Vec<Value> = targets.iter().flat_map(target_kpis).collect();
            Some(Cow::Owned(Value::Array(kpis)))
        }
        Part::EmployeeId | Part::ValidFrom | Part::ValidTo => None,
    }
}

/// The KPIs of one performance target as `{"target_id","kpi_id","value"}`. The spec's
/// own item shape (`PerformanceTarget`: an id and a value, no `performance_kpis`) is
/// one row with no KPI id; anything else is handed over as its JSON text, which is no
/// object, so that the column falls back to raw strings.
fn target_kpis(target: &Value) -> Vec<Value> {
    let target_id = target.get("performance_target_id");
    match target.get("performance_kpis") {
        Some(Value::Array(kpis)) => kpis
            .iter()
            .map(|kpi| {
                json!({
                    "target_id": target_id,
                    "kpi_id": kpi.get("performance_kpi_id"),
                    "value": kpi.get("performance_kpi_value"),
                })
            })
            .collect(),
        None if target.get("performance_target_value").is_some() => vec![json!({
            "target_id": target_id,
            "kpi_id": null,
            "value": target.get("performance_target_value"),
        })],
        _ => vec![Value::String(target.to_string())],
    }
}

/// A list attribute, each element normalised by `shape`; anything but a list is handed
/// over as it is, so that it does not parse and the column keeps raw strings.
fn list<'a>(value: Option<&'a Value>, shape: impl Fn(&Value) -> Value) -> Cell<'a> {
    match value? {
        Value::Array(items) => Some(Cow::Owned(Value::Array(items.iter().map(shape).collect()))),
        other => Some(Cow::Borrowed(other)),
    }
}

/// `"60%"` is 60; anything else is left for the number parser to judge.
fn percent(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::from(s.trim().trim_end_matches('%').trim()),
        other => other.clone(),
    }
}
