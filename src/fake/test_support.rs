//! What the fake's unit tests build on: a company and its reports as of one fixed "now".

use chrono::{DateTime, NaiveDate, Utc};

use super::company::{parse_instant, Company};
use super::report_values::Ctx;
use super::reports::{Catalogue, Locale};

/// The "now" of every test company: the fake's default.
pub(crate) fn now() -> DateTime<Utc> {
    parse_instant("2026-01-01T00:00:00Z").expect("a valid instant")
}

/// A company of `employees` drawn from `seed`, without custom attributes.
pub(crate) fn company(seed: u64, employees: usize) -> Company {
    Company::generate(seed, employees, 0, now())
}

/// The report catalogue of `company` drawn from `seed`, with the server's default
/// knobs: the updating report turns up to date after 2 reads, v1 pages hold at most 200
/// employees, no wide report.
pub(crate) fn catalogue(seed: u64, company: &Company) -> Catalogue {
    Catalogue::new(seed, company, now(), 2, 200, 0)
}

/// A generation context in English, from `start` to the end of 2025.
pub(crate) fn ctx(company: &Company, start: NaiveDate) -> Ctx<'_> {
    Ctx {
        company,
        salt: 7,
        start,
        end: NaiveDate::from_ymd_opt(2025, 12, 31).expect("a valid date"),
        locale: Locale::En,
    }
}
