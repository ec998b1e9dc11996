//! The rows of one v1 report page, borrowed from its JSON: one per employee, or for
//! historical reports one per employee and effective period (long form). No cell is
//! copied: a row points at the cells it holds.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use serde_json::Value;

pub use super::report_v1_wire::ReportCell;
use super::report_v1_wire::WirePage;
use crate::paginate::{id_text, Claim, Page};

/// One row of a report page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportRow<'a> {
    /// The employee's id, as sent.
    pub employee_id: Option<&'a Value>,
    /// First day of the period (historical reports).
    pub valid_from: Option<&'a str>,
    /// Last day of the period, `None` while it lasts (historical reports).
    pub valid_to: Option<String>,
    /// The cells of each report column, by its slot (see [`Slots`]); a column may have
    /// several cells, e.g. one per absence period.
    pub cells: Vec<Vec<&'a ReportCell<'a>>>,
}

/// Each report column's attribute id and its slot in [`ReportRow::cells`].
pub type Slots = HashMap<String, usize>;

/// The rows of one page (read with the report's `historical` flag) and one id per
/// item; `None` when the body is not a report page.
pub fn report_page<'a>(
    page: &'a WirePage<'a>,
    historical: bool,
    slots: &Slots,
) -> Option<Page<Vec<ReportRow<'a>>>> {
    let count = |key: &str| {
        page.metadata
            .as_ref()
            .and_then(|metadata| metadata.get(key))
            .and_then(crate::arrow::parse::count)
    };
    let claim = Claim {
        records: count("total_elements"),
        pages: count("total_pages"),
    };
    let items = page.items.as_ref()?;
    let mut rows = Vec::with_capacity(items.len());
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        let employee_id = item.employee_id.as_ref();
        ids.push(employee_id.and_then(id_text));
        let cells: Vec<&ReportCell> = item.cells.iter().collect();
        if historical {
            rows.extend(historical_rows(employee_id, &cells, slots));
        } else {
            rows.push(snapshot_row(employee_id, &cells, slots));
        }
    }
    Some(Page {
        len: items.len(),
        claim,
        ids,
        content: rows,
    })
}

/// One row from a point-in-time or timeframe item's cells.
fn snapshot_row<'a>(
    employee_id: Option<&'a Value>,
    cells: &[&'a ReportCell<'a>],
    slots: &Slots,
) -> ReportRow<'a> {
    let mut by_slot = vec![Vec::new(); slots.len()];
    for cell in cells {
        if let Some(slot) = slot_of(cell, slots) {
            by_slot[slot].push(*cell);
        }
    }
    ReportRow {
        employee_id,
        valid_from: None,
        valid_to: None,
        cells: by_slot,
    }
}

/// Rows of one employee of a historical report: a row per distinct effective date,
/// holding each attribute's latest value on that date; `valid_to` is the day before the
/// next effective date, `None` for the current period. Cells without a date apply from
/// the start; an employee without any cell has no row.
fn historical_rows<'a>(
    employee_id: Option<&'a Value>,
    cells: &[&'a ReportCell<'a>],
    slots: &Slots,
) -> Vec<ReportRow<'a>> {
    if cells.is_empty() {
        return Vec::new();
    }
    let date_of = |cell: &'a ReportCell<'a>| {
        cell.get("effective_date")
            .and_then(Value::as_str)
            .map(|d| d.get(..10).unwrap_or(d))
    };
    // Undated cells first, then by date; equal dates keep the order sent, so that the
    // later of two cells of one attribute and date wins.
    let mut dated: Vec<(Option<&'a str>, &'a ReportCell<'a>)> =
        cells.iter().map(|cell| (date_of(cell), *cell)).collect();
    dated.sort_by(|a, b| a.0.cmp(&b.0));
    let mut starts: Vec<Option<&'a str>> = dated.iter().filter_map(|(d, _)| *d).map(Some).collect();
    starts.dedup();
    if starts.is_empty() {
        starts.push(None);
    }
    let mut state: Vec<Option<&'a ReportCell<'a>>> = vec![None; slots.len()];
    let mut applied = dated.iter().peekable();
    let mut rows = Vec::with_capacity(starts.len());
    for (index, start) in starts.iter().enumerate() {
        while let Some((_, cell)) =
            applied.next_if(|(date, _)| date.is_none() || start.is_none() || date <= start)
        {
            if let Some(slot) = slot_of(cell, slots) {
                state[slot] = Some(*cell);
            }
        }
        let valid_to = starts.get(index + 1).and_then(|next| day_before((*next)?));
        rows.push(ReportRow {
            employee_id,
            valid_from: *start,
            valid_to,
            cells: state
                .iter()
                .map(|cell| cell.iter().copied().collect())
                .collect(),
        });
    }
    rows
}

fn slot_of(cell: &ReportCell, slots: &Slots) -> Option<usize> {
    slots
        .get(cell.get("attribute_id").and_then(Value::as_str)?)
        .copied()
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
    use serde::Deserialize;
    use serde_json::json;

    fn slots(ids: &[&str]) -> Slots {
        ids.iter()
            .enumerate()
            .map(|(i, id)| (id.to_string(), i))
            .collect()
    }

    fn cells(values: &Value) -> Vec<ReportCell<'static>> {
        values
            .as_array()
            .unwrap()
            .iter()
            .map(|c| ReportCell::deserialize(c.clone()).unwrap())
            .collect()
    }

    fn refs<'a>(cells: &'a [ReportCell<'a>]) -> Vec<&'a ReportCell<'a>> {
        cells.iter().collect()
    }

    #[test]
    fn historical_rows_carry_values_forward() {
        let sent = json!([
            {"attribute_id": "department", "value": "Sales", "effective_date": "2021-01-01"},
            {"attribute_id": "salary", "amount": "100", "effective_date": "2021-01-01"},
            {"attribute_id": "salary", "amount": "120", "effective_date": "2022-03-01"},
            {"attribute_id": "department", "value": "IT", "effective_date": "2023-07-15"}
        ]);
        let id = json!(17);
        let sent = cells(&sent);
        let rows = historical_rows(Some(&id), &refs(&sent), &slots(&["department", "salary"]));
        let periods: Vec<_> = rows
            .iter()
            .map(|r| (r.valid_from, r.valid_to.as_deref()))
            .collect();
        assert_eq!(
            periods,
            [
                (Some("2021-01-01"), Some("2022-02-28")),
                (Some("2022-03-01"), Some("2023-07-14")),
                (Some("2023-07-15"), None),
            ]
        );
        assert_eq!(rows[1].cells[0][0].get("value").unwrap(), "Sales");
        assert_eq!(rows[1].cells[1][0].get("amount").unwrap(), "120");
        assert_eq!(rows[2].cells[0][0].get("value").unwrap(), "IT");
    }

    #[test]
    fn snapshot_groups_repeated_cells() {
        let sent = json!([
            {"attribute_id": "absence_1:periods", "start_date": "2024-01-01"},
            {"attribute_id": "absence_1:periods", "start_date": "2024-02-01"},
            {"attribute_id": "first_name", "value": "Ada"},
            {"attribute_id": "not_a_column", "value": "x"}
        ]);
        let id = json!(3);
        let sent = cells(&sent);
        let row = snapshot_row(
            Some(&id),
            &refs(&sent),
            &slots(&["first_name", "absence_1:periods"]),
        );
        assert_eq!(row.cells[1].len(), 2);
        assert_eq!(row.cells[0][0].get("value").unwrap(), "Ada");
    }
}
