//! What the cells of a custom report hold: the value model both wire formats write
//! from, and its generation for one employee.
//!
//! Values come from the employee records where the company has them (names, email,
//! hire date, department, office, team, cost centers, salaries, weekly hours, status),
//! so a report agrees with `GET /v1/company/employees`; the rest (bonuses, absences,
//! attendance, performance targets; histories in `report_history`) is drawn from a
//! random generator seeded by (report, employee, column). Nothing is stored: a page computes its rows when asked,
//! and the same request always gets the same values.

use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value as Json;

use super::company::Company;
use super::reports::Locale;

/// Where a column's values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A text attribute of the employee record, as is.
    Text(&'static str),
    /// A date attribute of the employee record, as `YYYY-MM-DD`.
    Date(&'static str),
    /// An org entity of the employee record (`department`, `office`, `team`), keyed by
    /// its numeric id.
    Entity(&'static str),
    /// The legal entity of the record's `subcompany`, keyed by a text code
    /// ([`LEGAL_ENTITY_CODES`]: leading zeros, letters, dashes).
    LegalEntity,
    /// A yes/no option keyed `"true"`/`"false"`, drawn per (report, employee, column).
    YesNo,
    /// The record's `cost_centers`.
    CostCenters,
    /// A money attribute of the record (`fix_salary`, `hourly_salary`), in EUR.
    Salary(&'static str),
    /// The record's `weekly_working_hours`.
    WeeklyHours,
    /// The employment status, translated.
    Status,
    /// A generated annual bonus.
    Compensation,
    /// Absences of time-off type `n` (of `Company::org`) within the report's timeframe.
    AbsenceOverview(usize),
    /// The longest absence period of time-off type `n` within the timeframe.
    AbsencePeriod(usize),
    /// Contractual target hours within the timeframe.
    TargetHours,
    /// Tracked hours within the timeframe.
    TrackedHours,
    /// Performance targets.
    Targets,
    /// The KPIs of the performance targets.
    Kpis,
}

/// Currencies of money values: v1 SALARY carries the symbol only, COMPENSATION and v2
/// both; the pairs are one-to-one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Currency {
    Eur,
    Gbp,
    Chf,
    Pln,
    Usd,
}

impl Currency {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Chf => "CHF",
            Currency::Pln => "PLN",
            Currency::Usd => "USD",
        }
    }

    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Currency::Eur => "€",
            Currency::Gbp => "£",
            Currency::Chf => "CHF",
            Currency::Pln => "zł",
            Currency::Usd => "$",
        }
    }
}

/// One cost center share: id, name, weight in percent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Share {
    pub id: i64,
    pub name: String,
    pub weight: u32,
}

/// One performance target and its KPIs (`(kpi id, value)`, never empty).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Target {
    pub id: String,
    pub value: String,
    pub kpis: Vec<(String, String)>,
}

/// The key of each subcompany's legal entity, in `OrgLists::subcompanies` order: text
/// codes as real accounts use them (observed option keys: `"0815"`, `"22001-1"`,
/// `"5001"`, `"ACME"`).
pub(crate) const LEGAL_ENTITY_CODES: &[&str] = &["0815", "22001-1", "5001", "ACME"];

/// A value of one column for one employee (and, in a history, one effective date).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    /// An option: `id` is its key as text (v1 `entity_id`, v2 option `key`).
    Entity {
        id: String,
        name: String,
    },
    /// Hours.
    Duration(f64),
    CostCenters(Vec<Share>),
    Salary {
        amount: f64,
        currency: Currency,
    },
    Compensation {
        amount: f64,
        currency: Currency,
        overtime_hours: Option<f64>,
        bonus_type: Option<&'static str>,
    },
    AbsenceOverview {
        start: NaiveDate,
        end: NaiveDate,
        days: f64,
        hours: f64,
    },
    AbsencePeriod {
        start: NaiveDate,
        end: NaiveDate,
        half_start: bool,
        half_end: bool,
    },
    Targets(Vec<Target>),
}

/// A cell: no attribute at all, an attribute with an empty value, or a value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Absent,
    Empty,
    Value(Value),
}

/// What the generation needs besides the company: the report's salt and timeframe.
pub(crate) struct Ctx<'a> {
    pub company: &'a Company,
    pub salt: u64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub locale: Locale,
}

/// splitmix64: spreads a seed over all 64 bits.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator of one (report, employee, tag): independent of page and order.
pub(super) fn rng(salt: u64, employee: i64, tag: u64) -> SmallRng {
    SmallRng::seed_from_u64(mix(mix(salt ^ employee as u64) ^ tag))
}

fn parse(raw: Option<&str>) -> Json {
    raw.and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or(Json::Null)
}

/// A number or numeric string.
fn number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `YYYY-MM-DD` or a datetime starting with it.
pub(super) fn date(v: &Json) -> Option<NaiveDate> {
    let s = v.as_str()?;
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Id (as text) and name of an entity object of a record.
fn entity(v: &Json) -> Option<(String, String)> {
    let a = v.get("attributes")?;
    let id = match a.get("id")? {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.clone(),
        _ => return None,
    };
    Some((id, a.get("name")?.as_str()?.to_owned()))
}

/// The legal entity (code, name) of the subcompany with this id.
pub(super) fn legal_entity(company: &Company, subcompany_id: &str) -> Option<(String, String)> {
    let k = company
        .org
        .subcompanies
        .iter()
        .position(|(id, _)| id.to_string() == subcompany_id)?;
    let code = LEGAL_ENTITY_CODES[k % LEGAL_ENTITY_CODES.len()];
    Some((code.to_owned(), company.org.subcompanies[k].1.to_owned()))
}

/// The value of a yes/no option in `locale`.
pub(super) fn yes_no(yes: bool, locale: Locale) -> Value {
    let name = match (yes, locale) {
        (true, Locale::En) => "Yes",
        (false, Locale::En) => "No",
        (true, Locale::De) => "Ja",
        (false, Locale::De) => "Nein",
    };
    Value::Entity {
        id: yes.to_string(),
        name: name.to_owned(),
    }
}

fn shares(v: &Json) -> Vec<Share> {
    let Some(list) = v.as_array() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|c| {
            let a = c.get("attributes")?;
            Some(Share {
                id: a.get("id")?.as_i64()?,
                name: a.get("name")?.as_str()?.to_owned(),
                weight: number(a.get("percentage")?)? as u32,
            })
        })
        .collect()
}

/// `x` rounded to a multiple of `step`; steps below 1 divide, so that 0.01 steps give
/// the shortest decimals (60.8, not 60.800000000000004).
pub(super) fn round_to(x: f64, step: f64) -> f64 {
    if step < 1.0 {
        let k = (1.0 / step).round();
        (x * k).round() / k
    } else {
        (x / step).round() * step
    }
}

/// The company's value of `key` for employee `idx`, parsed.
pub(crate) fn record(company: &Company, idx: usize, key: &str) -> Json {
    parse(company.raw_value(idx, key))
}

/// The employee's weekly hours; 40 when the record has none.
fn weekly_hours(company: &Company, idx: usize) -> f64 {
    number(&record(company, idx, "weekly_working_hours")).unwrap_or(40.0)
}

/// The days the employee was employed within the timeframe, if any.
fn employed(ctx: &Ctx, idx: usize) -> Option<(NaiveDate, NaiveDate)> {
    let hire = date(&record(ctx.company, idx, "hire_date"))?;
    let left = date(&record(ctx.company, idx, "termination_date"));
    let from = hire.max(ctx.start);
    let to = left.map_or(ctx.end, |t| t.min(ctx.end));
    (from <= to).then_some((from, to))
}

/// No value: the attribute missing or present and empty, half and half.
fn nothing(rng: &mut SmallRng) -> Cell {
    if rng.random_bool(0.5) {
        Cell::Absent
    } else {
        Cell::Empty
    }
}

/// The cell of column `col` (with `source`) for employee `idx`.
pub(crate) fn cell(ctx: &Ctx, idx: usize, col: usize, source: Source) -> Cell {
    let company = ctx.company;
    let id = company.employees[idx].id;
    let mut r = rng(ctx.salt, id, 0xc0_0000 + col as u64);
    let value = match source {
        Source::Text(key) => match record(company, idx, key) {
            Json::String(s) if !s.is_empty() => Some(Value::Text(s)),
            Json::Number(n) => Some(Value::Text(n.to_string())),
            _ => None,
        },
        Source::Date(key) => {
            date(&record(company, idx, key)).map(|d| Value::Text(d.format("%Y-%m-%d").to_string()))
        }
        Source::Entity(key) => {
            entity(&record(company, idx, key)).map(|(id, name)| Value::Entity { id, name })
        }
        Source::LegalEntity => entity(&record(company, idx, "subcompany"))
            .and_then(|(id, _)| legal_entity(company, &id))
            .map(|(id, name)| Value::Entity { id, name }),
        Source::YesNo => match r.random_range(0..10) {
            0..=2 => Some(yes_no(true, ctx.locale)),
            3..=8 => Some(yes_no(false, ctx.locale)),
            _ => None,
        },
        Source::CostCenters => {
            let s = shares(&record(company, idx, "cost_centers"));
            (!s.is_empty()).then_some(Value::CostCenters(s))
        }
        Source::Salary(key) => {
            number(&record(company, idx, key))
                .filter(|&a| a > 0.0)
                .map(|amount| Value::Salary {
                    amount,
                    currency: Currency::Eur,
                })
        }
        Source::WeeklyHours => {
            number(&record(company, idx, "weekly_working_hours")).map(Value::Duration)
        }
        Source::Status => record(company, idx, "status")
            .as_str()
            .filter(|s| !s.is_empty())
            .map(|s| Value::Text(status_label(s, ctx.locale).to_owned())),
        Source::Compensation => compensation(ctx, idx, &mut r),
        Source::AbsenceOverview(t) => absence(ctx, idx, t).map(|a| a.overview()),
        Source::AbsencePeriod(t) => absence(ctx, idx, t).map(|a| a.period()),
        Source::TargetHours | Source::TrackedHours => employed(ctx, idx).map(|(from, to)| {
            let weeks = ((to - from).num_days() + 1) as f64 / 7.0;
            let target = (weekly_hours(company, idx) * weeks).round();
            if source == Source::TargetHours {
                Value::Duration(target)
            } else {
                let mut t = rng(ctx.salt, id, 0x7a_0000);
                Value::Duration(round_to(target * t.random_range(0.8..1.1), 0.5))
            }
        }),
        Source::Targets | Source::Kpis => {
            let targets = targets(ctx, id);
            (!targets.is_empty()).then_some(Value::Targets(targets))
        }
    };
    match value {
        Some(v) => Cell::Value(v),
        None => nothing(&mut r),
    }
}

/// English or German label of a record's `status`.
fn status_label(status: &str, locale: Locale) -> &str {
    let (en, de) = match status {
        "active" => ("Active", "Aktiv"),
        "inactive" => ("Inactive", "Inaktiv"),
        "onboarding" => ("Onboarding", "Onboarding"),
        "leave" => ("On leave", "Abwesend"),
        other => (other, other),
    };
    match locale {
        Locale::En => en,
        Locale::De => de,
    }
}

/// An annual bonus for about three employees in four, paid in the office's currency.
fn compensation(ctx: &Ctx, idx: usize, r: &mut SmallRng) -> Option<Value> {
    if !r.random_bool(0.75) {
        return None;
    }
    let office = entity(&record(ctx.company, idx, "office")).map(|e| e.1);
    let currency = match office.as_deref() {
        _ if r.random_bool(0.05) => Currency::Usd,
        Some("London") => Currency::Gbp,
        Some("Zürich") => Currency::Chf,
        Some("Kraków") => Currency::Pln,
        _ => Currency::Eur,
    };
    let amount = if r.random_bool(0.8) {
        f64::from(r.random_range(10..400)) * 50.0
    } else {
        f64::from(r.random_range(50_000..2_000_000)) / 100.0
    };
    let overtime_hours = r
        .random_bool(0.6)
        .then(|| f64::from(r.random_range(0..=40)) / 2.0);
    let bonus_type = r
        .random_bool(0.7)
        .then(|| ["MAX", "TARGET", "FIXED"][r.random_range(0..3)]);
    Some(Value::Compensation {
        amount,
        currency,
        overtime_hours,
        bonus_type,
    })
}

/// One absence within the timeframe.
struct Absence {
    start: NaiveDate,
    end: NaiveDate,
    half_start: bool,
    half_end: bool,
    hours_per_day: f64,
}

impl Absence {
    fn days(&self) -> f64 {
        let whole = ((self.end - self.start).num_days() + 1) as f64;
        whole - 0.5 * f64::from(u8::from(self.half_start) + u8::from(self.half_end))
    }

    fn overview(&self) -> Value {
        let days = self.days();
        Value::AbsenceOverview {
            start: self.start,
            end: self.end,
            days,
            hours: round_to(days * self.hours_per_day, 0.01),
        }
    }

    fn period(&self) -> Value {
        Value::AbsencePeriod {
            start: self.start,
            end: self.end,
            half_start: self.half_start,
            half_end: self.half_end,
        }
    }
}

/// The employee's absence of time-off type `t` within the timeframe: one period, the
/// same for the overview and the period column. Paid vacation is common, other types
/// rare.
fn absence(ctx: &Ctx, idx: usize, t: usize) -> Option<Absence> {
    let id = ctx.company.employees[idx].id;
    let mut r = rng(ctx.salt, id, 0xab_0000 + t as u64);
    let p = [0.85, 0.2, 0.08].get(t).copied().unwrap_or(0.05);
    if !r.random_bool(p) {
        return None;
    }
    let (from, to) = employed(ctx, idx)?;
    let span = (to - from).num_days();
    let start = from + Duration::days(r.random_range(0..=span));
    let len = r.random_range(0..10);
    let end = (start + Duration::days(len)).min(to);
    let half_start = r.random_bool(0.15);
    // A single half day is half at the start only.
    let half_end = end > start && r.random_bool(0.15);
    Some(Absence {
        start,
        end,
        half_start,
        half_end,
        hours_per_day: weekly_hours(ctx.company, idx) / 5.0,
    })
}

/// Up to three performance targets, each with one to three KPIs.
fn targets(ctx: &Ctx, id: i64) -> Vec<Target> {
    let mut r = rng(ctx.salt, id, 0x9e_0000);
    let n = [0, 1, 1, 2, 2, 3][r.random_range(0..6)];
    (0..n)
        .map(|k| {
            let tid = r.random_range(1_000..100_000u32);
            let kpis = (0..r.random_range(1..=3))
                .map(|j| {
                    let value = if r.random_bool(0.8) {
                        r.random_range(0..=200).to_string()
                    } else {
                        format!("{:.1}", f64::from(r.random_range(0..2000)) / 10.0)
                    };
                    (format!("kpi_{tid}_{}", k * 10 + j + 1), value)
                })
                .collect();
            Target {
                id: tid.to_string(),
                value: (5 * r.random_range(1..=20)).to_string(),
                kpis,
            }
        })
        .collect()
}

/// `2021-03-01` for v1 and v2 alike.
pub(crate) fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::test_support::{company, ctx};

    #[test]
    fn cells_follow_the_employee_records() {
        let company = company(1, 60);
        let c = ctx(&company, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        for idx in 0..company.employees.len() {
            let first = record(&company, idx, "first_name");
            assert_eq!(
                cell(&c, idx, 0, Source::Text("first_name")),
                Cell::Value(Value::Text(first.as_str().unwrap().to_owned()))
            );
            if let Some((id, _)) = entity(&record(&company, idx, "department")) {
                let Cell::Value(Value::Entity { id: got, .. }) =
                    cell(&c, idx, 1, Source::Entity("department"))
                else {
                    panic!("department expected");
                };
                assert_eq!(got, id);
            }
            // The overview and the period describe the same absence.
            match (
                cell(&c, idx, 2, Source::AbsenceOverview(0)),
                cell(&c, idx, 3, Source::AbsencePeriod(0)),
            ) {
                (
                    Cell::Value(Value::AbsenceOverview { start, end, .. }),
                    Cell::Value(Value::AbsencePeriod {
                        start: s, end: e, ..
                    }),
                ) => assert_eq!((start, end), (s, e)),
                (Cell::Value(_), _) | (_, Cell::Value(_)) => panic!("mismatched absence"),
                _ => {}
            }
        }
    }
}
