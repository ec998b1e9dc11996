//! Report items to rows: one per employee, or for historical reports one per employee
//! and effective period (long form).

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, NaiveDate};
use serde_json::{Map, Value};

use super::report_columns::ReportRow;

/// One row from a point-in-time or timeframe item's cells.
pub fn snapshot_row(employee_id: Value, cells: Vec<Map<String, Value>>) -> ReportRow {
    let mut by_attribute: HashMap<String, Vec<Map<String, Value>>> = HashMap::new();
    for cell in cells {
        let id = attribute_id(&cell);
        by_attribute.entry(id).or_default().push(cell);
    }
    ReportRow {
        employee_id,
        valid_from: None,
        valid_to: None,
        cells: by_attribute,
    }
}

/// Rows of one employee of a historical report: a row per distinct effective date,
/// holding each attribute's latest value on that date; `valid_to` is the day before the
/// next effective date, `None` for the current period. Cells without a date apply from
/// the start; an employee without any cell has no row.
pub fn historical_rows(employee_id: Value, cells: Vec<Map<String, Value>>) -> Vec<ReportRow> {
    let date_of = |cell: &Map<String, Value>| {
        cell.get("effective_date")
            .and_then(Value::as_str)
            .map(|d| d.get(..10).unwrap_or(d).to_string())
    };
    if cells.is_empty() {
        return Vec::new();
    }
    let dates: BTreeSet<String> = cells.iter().filter_map(date_of).collect();
    let mut dated: Vec<(Option<String>, Map<String, Value>)> =
        cells.into_iter().map(|c| (date_of(&c), c)).collect();
    dated.sort_by(|a, b| a.0.cmp(&b.0));
    let starts: Vec<Option<String>> = if dates.is_empty() {
        vec![None]
    } else {
        dates.into_iter().map(Some).collect()
    };
    starts
        .iter()
        .enumerate()
        .map(|(i, start)| {
            let mut state: HashMap<String, Vec<Map<String, Value>>> = HashMap::new();
            for (date, cell) in &dated {
                if date.is_none() || start.is_none() || date <= start {
                    // Later dates replace earlier values of the same attribute.
                    state.insert(attribute_id(cell), vec![cell.clone()]);
                }
            }
            let valid_to = starts
                .get(i + 1)
                .and_then(|next| day_before(next.as_deref()?));
            ReportRow {
                employee_id: employee_id.clone(),
                valid_from: start.clone(),
                valid_to,
                cells: state,
            }
        })
        .collect()
}

fn attribute_id(cell: &Map<String, Value>) -> String {
    cell.get("attribute_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The day before `date` (`YYYY-MM-DD`).
pub fn day_before(date: &str) -> Option<String> {
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(
        day.checked_sub_days(Days::new(1))?
            .format("%Y-%m-%d")
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cell(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn historical_rows_carry_values_forward() {
        let cells = vec![
            cell(
                json!({"attribute_id": "department", "value": "Sales", "effective_date": "2021-01-01"}),
            ),
            cell(
                json!({"attribute_id": "salary", "amount": "100", "effective_date": "2021-01-01"}),
            ),
            cell(
                json!({"attribute_id": "salary", "amount": "120", "effective_date": "2022-03-01"}),
            ),
            cell(
                json!({"attribute_id": "department", "value": "IT", "effective_date": "2023-07-15"}),
            ),
        ];
        let rows = historical_rows(json!(17), cells);
        let periods: Vec<_> = rows
            .iter()
            .map(|r| (r.valid_from.as_deref(), r.valid_to.as_deref()))
            .collect();
        assert_eq!(
            periods,
            [
                (Some("2021-01-01"), Some("2022-02-28")),
                (Some("2022-03-01"), Some("2023-07-14")),
                (Some("2023-07-15"), None),
            ]
        );
        assert_eq!(rows[1].cells["department"][0]["value"], "Sales");
        assert_eq!(rows[1].cells["salary"][0]["amount"], "120");
        assert_eq!(rows[2].cells["department"][0]["value"], "IT");
    }

    #[test]
    fn snapshot_groups_repeated_cells() {
        let row = snapshot_row(
            json!(3),
            vec![
                cell(json!({"attribute_id": "absence_1:periods", "start_date": "2024-01-01"})),
                cell(json!({"attribute_id": "absence_1:periods", "start_date": "2024-02-01"})),
                cell(json!({"attribute_id": "first_name", "value": "Ada"})),
            ],
        );
        assert_eq!(row.cells["absence_1:periods"].len(), 2);
        assert_eq!(row.cells["first_name"][0]["value"], "Ada");
    }
}
