//! Histories for historical_data reports: an employee's values by effective date,
//! ending in today's values of the employee record.

use chrono::{Duration, NaiveDate};
use rand::rngs::SmallRng;
use rand::Rng;

use super::report_values::{
    cell, date, legal_entity, record, rng, round_to, yes_no, Cell, Ctx, Share, Source, Value,
};

/// Earlier positions of a career, for histories.
const EARLIER_POSITIONS: &[&str] = &[
    "Werkstudent*in",
    "Trainee",
    "Junior Associate",
    "Associate",
    "Specialist",
    "Team Lead",
];

/// One employee's history for the columns `sources`: the rows by effective date, each
/// with a cell per column (`Absent` where that attribute did not change that day).
/// The first row is the hire date with every attribute the employee has; up to three
/// later changes lead to the values of the employee record. Names (and other text
/// columns but `position`) never change. Dates after the end of the
/// report are left out (an employee hired later has no rows).
pub(crate) fn history(ctx: &Ctx, idx: usize, sources: &[Source]) -> Vec<(NaiveDate, Vec<Cell>)> {
    let company = ctx.company;
    let id = company.employees[idx].id;
    let Some(hire) = date(&record(company, idx, "hire_date")) else {
        return Vec::new();
    };
    if hire > ctx.end {
        return Vec::new();
    }
    let current: Vec<Option<Value>> = sources
        .iter()
        .enumerate()
        .map(|(col, &s)| match cell(ctx, idx, col, s) {
            Cell::Value(v) => Some(v),
            _ => None,
        })
        .collect();
    let mut r = rng(ctx.salt, id, 0x41_0000);
    let span = (ctx.end - hire).num_days();
    let mut dates: Vec<NaiveDate> = (0..r.random_range(0..=3))
        .filter(|_| span > 0)
        .map(|_| hire + Duration::days(r.random_range(1..=span)))
        .collect();
    dates.sort();
    dates.dedup();
    if current.iter().all(Option::is_none) {
        return Vec::new();
    }
    let present: Vec<usize> = (0..sources.len())
        .filter(|&c| current[c].is_some() && changes_over_time(sources[c]))
        .collect();
    if present.is_empty() {
        dates.clear();
    }
    // What changed at each date; then walk back from today's values to the hire date.
    let changes: Vec<Vec<usize>> = dates
        .iter()
        .map(|_| {
            let mut set: Vec<usize> = present
                .iter()
                .copied()
                .filter(|_| r.random_bool(0.4))
                .collect();
            if set.is_empty() {
                set.push(present[r.random_range(0..present.len())]);
            }
            set
        })
        .collect();
    let mut states = vec![current];
    for change in changes.iter().rev() {
        let mut earlier = states.last().expect("one state").clone();
        for &c in change {
            earlier[c] = earlier[c]
                .take()
                .map(|v| before(ctx, &mut r, v, sources[c]));
        }
        states.push(earlier);
    }
    states.reverse();
    let to_cells = |state: &[Option<Value>], only: Option<&[usize]>| -> Vec<Cell> {
        state
            .iter()
            .enumerate()
            .map(|(c, v)| match v {
                Some(v) if only.is_none_or(|o| o.contains(&c)) => Cell::Value(v.clone()),
                _ => Cell::Absent,
            })
            .collect()
    };
    let mut rows = vec![(hire, to_cells(&states[0], None))];
    for (k, d) in dates.iter().enumerate() {
        rows.push((*d, to_cells(&states[k + 1], Some(&changes[k]))));
    }
    rows
}

/// Whether a column of this source may hold other values earlier in a history.
fn changes_over_time(source: Source) -> bool {
    !matches!(source, Source::Text(key) if key != "position")
}

/// A plausible earlier value of `v`.
fn before(ctx: &Ctx, r: &mut SmallRng, v: Value, source: Source) -> Value {
    match v {
        Value::Text(t) if source == Source::Text("position") => {
            let p = EARLIER_POSITIONS[r.random_range(0..EARLIER_POSITIONS.len())];
            Value::Text(if p == t {
                "Intern".to_owned()
            } else {
                p.to_owned()
            })
        }
        Value::Entity { id, .. } if source == Source::YesNo => yes_no(id != "true", ctx.locale),
        Value::Entity { id, name } if source == Source::LegalEntity => {
            let subs = &ctx.company.org.subcompanies;
            let others: Vec<Value> = subs
                .iter()
                .filter_map(|(sid, _)| legal_entity(ctx.company, &sid.to_string()))
                .filter(|(code, _)| *code != id)
                .map(|(id, name)| Value::Entity { id, name })
                .collect();
            match others.get(r.random_range(0..others.len().max(1))) {
                Some(v) => v.clone(),
                None => Value::Entity { id, name },
            }
        }
        Value::Entity { id, name } => {
            // Other entity columns of a history are departments.
            let others: Vec<&(i64, &str)> = ctx
                .company
                .org
                .departments
                .iter()
                .filter(|d| d.0.to_string() != id)
                .collect();
            match others.get(r.random_range(0..others.len().max(1))) {
                Some(&&(id, name)) => Value::Entity {
                    id: id.to_string(),
                    name: name.to_owned(),
                },
                None => Value::Entity { id, name },
            }
        }
        Value::Duration(h) => Value::Duration(if h == 40.0 { 32.0 } else { 40.0 }),
        Value::CostCenters(_) => {
            let all = &ctx.company.org.cost_centers;
            let (id, name) = all[r.random_range(0..all.len())];
            Value::CostCenters(vec![Share {
                id,
                name: name.to_owned(),
                weight: 100,
            }])
        }
        Value::Salary { amount, currency } => Value::Salary {
            amount: round_to(amount / r.random_range(1.03..1.12), 50.0).max(50.0),
            currency,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::test_support::{company, ctx};

    #[test]
    fn histories_end_in_todays_values() {
        let company = company(2, 80);
        let c = ctx(&company, NaiveDate::from_ymd_opt(2010, 1, 1).unwrap());
        let sources = [
            Source::Text("position"),
            Source::Entity("department"),
            Source::Salary("fix_salary"),
            Source::Text("first_name"),
            Source::LegalEntity,
            Source::YesNo,
        ];
        let mut changed = 0;
        for idx in 0..company.employees.len() {
            let rows = history(&c, idx, &sources);
            changed += rows.len().saturating_sub(1);
            for w in rows.windows(2) {
                assert!(w[0].0 < w[1].0, "dates ascend");
            }
            // Names never change: only the first row holds one.
            for (k, (_, cells)) in rows.iter().enumerate() {
                assert_eq!(cells[3] != Cell::Absent, k == 0, "{cells:?}");
            }
            for (col, &s) in sources.iter().enumerate() {
                let last = rows.iter().rev().find_map(|(_, cells)| match &cells[col] {
                    Cell::Value(v) => Some(v.clone()),
                    _ => None,
                });
                match cell(&c, idx, col, s) {
                    Cell::Value(v) if !rows.is_empty() => assert_eq!(last, Some(v)),
                    _ => assert_eq!(last, None),
                }
            }
        }
        assert!(changed > 40, "histories have changes: {changed}");
    }
}
