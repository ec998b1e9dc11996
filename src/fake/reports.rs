//! The custom-report catalogue: which reports the company has, their columns and
//! metadata, and the read counter of the report that is still updating.
//!
//! The catalogue is a pure function of (seed, company, base time): report ids are UUIDs
//! drawn from the seed, dates are relative to the company's "now", and the rows are the
//! company's employees (their values come from `report_values`). Both wire formats
//! (`reports_v1`, `reports_v2`) write from it.
//!
//! The reports themselves are in `report_catalogue`, histories in `report_history`.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::company::Company;
use super::report_catalogue;
use super::report_history;
use super::report_values::{self, Cell, Ctx, Source};

/// The scope of every report route, v1 and v2.
pub(crate) const SCOPE: &str = "reports.custom:read";

/// The language of labels and translated values: German for `de` (also `de-DE`,
/// `de_CH`...), English otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Locale {
    En,
    De,
}

impl Locale {
    pub(crate) fn parse(locale: Option<&str>) -> Locale {
        match locale {
            Some(l) if l.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("de")) => Locale::De,
            _ => Locale::En,
        }
    }

    /// Short form for cursors.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
        }
    }
}

/// The v1 report `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    PointInTime,
    Timeframe,
    Historical,
}

impl Kind {
    pub(crate) fn wire(self) -> &'static str {
        match self {
            Kind::PointInTime => "point_in_time",
            Kind::Timeframe => "timeframe",
            Kind::Historical => "historical_data",
        }
    }
}

/// The v1 report `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    UpToDate,
    Updating,
    UpdateFailed,
}

impl Status {
    pub(crate) fn wire(self) -> &'static str {
        match self {
            Status::UpToDate => "up_to_date",
            Status::Updating => "updating",
            Status::UpdateFailed => "update_failed",
        }
    }
}

/// The v1 `data_type` of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataType {
    Text,
    Entity,
    Duration,
    CostCenter,
    Salary,
    Compensation,
    AbsenceOverview,
    AbsencePeriod,
    PerformanceTarget,
    PerformanceKpi,
}

impl DataType {
    /// The data type of a column whose values come from `source`: the source decides
    /// it, so a column cannot hold values of a type other than the one it announces.
    pub(crate) fn of(source: Source) -> DataType {
        match source {
            Source::Text(_) | Source::Date(_) | Source::Status => DataType::Text,
            Source::Entity(_) | Source::LegalEntity | Source::YesNo => DataType::Entity,
            Source::WeeklyHours | Source::TargetHours | Source::TrackedHours => DataType::Duration,
            Source::CostCenters => DataType::CostCenter,
            Source::Salary(_) => DataType::Salary,
            Source::Compensation => DataType::Compensation,
            Source::AbsenceOverview(_) => DataType::AbsenceOverview,
            Source::AbsencePeriod(_) => DataType::AbsencePeriod,
            Source::Targets => DataType::PerformanceTarget,
            Source::Kpis => DataType::PerformanceKpi,
        }
    }

    pub(crate) fn wire(self) -> &'static str {
        match self {
            DataType::Text => "TEXT",
            DataType::Entity => "ENTITY",
            DataType::Duration => "DURATION",
            DataType::CostCenter => "COST_CENTER",
            DataType::Salary => "SALARY",
            DataType::Compensation => "COMPENSATION",
            DataType::AbsenceOverview => "ABSENCE_OVERVIEW",
            DataType::AbsencePeriod => "ABSENCE_PERIOD",
            DataType::PerformanceTarget => "PERFORMANCE_TARGET",
            DataType::PerformanceKpi => "PERFORMANCE_KPI",
        }
    }

    /// The v2 column `type` (see `reports_v2`): the observed kinds for TEXT, ENTITY and
    /// DURATION, the lower-case data type for the others (assumed), so that it is
    /// one-to-one. TEXT columns holding dates are `timestamp` ([`Column::v2_type`]).
    pub(crate) fn v2_type(self) -> &'static str {
        match self {
            DataType::Text => "string",
            DataType::Entity => "option",
            DataType::Duration => "decimal",
            DataType::CostCenter => "cost_center",
            DataType::Salary => "salary",
            DataType::Compensation => "compensation",
            DataType::AbsenceOverview => "absence_overview",
            DataType::AbsencePeriod => "absence_period",
            DataType::PerformanceTarget => "performance_target",
            DataType::PerformanceKpi => "performance_kpi",
        }
    }
}

/// One column of a report.
#[derive(Clone)]
pub(crate) struct Column {
    pub id: String,
    en: Cow<'static, str>,
    de: Cow<'static, str>,
    pub source: Source,
}

impl Column {
    /// The v1 `data_type`, as the source decides it.
    pub(crate) fn data_type(&self) -> DataType {
        DataType::of(self.source)
    }

    /// The v2 column `type`: `timestamp` for TEXT columns holding dates (observed),
    /// else [`DataType::v2_type`].
    pub(crate) fn v2_type(&self) -> &'static str {
        match (self.data_type(), self.source) {
            (DataType::Text, Source::Date(_)) => "timestamp",
            (t, _) => t.v2_type(),
        }
    }

    /// The label (`human_readable` in v1, `display` in v2).
    pub(crate) fn label(&self, locale: Locale) -> &str {
        match locale {
            Locale::En => &self.en,
            Locale::De => &self.de,
        }
    }
}

pub(super) fn col(
    id: impl Into<String>,
    en: impl Into<Cow<'static, str>>,
    de: impl Into<Cow<'static, str>>,
    source: Source,
) -> Column {
    Column {
        id: id.into(),
        en: en.into(),
        de: de.into(),
        source,
    }
}

/// A report filter as v1 lists it (`{"column","comparison","value"}`).
pub(crate) struct Filter {
    pub column: &'static str,
    pub comparison: &'static str,
    pub value: &'static str,
}

/// One report of the catalogue.
pub(crate) struct Report {
    pub id: String,
    pub name: &'static str,
    pub description: &'static str,
    pub author: (&'static str, &'static str),
    pub kind: Kind,
    pub(super) initial: Status,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub period_type: &'static str,
    pub created_at: DateTime<Utc>,
    /// Last edit; v2 lists newest first by it (`edited_at`).
    pub updated_at: DateTime<Utc>,
    pub(super) refreshed_at: DateTime<Utc>,
    pub columns: Vec<Column>,
    pub filters: Vec<Filter>,
    /// Whether an admin enabled it for API access (v2 only serves those).
    pub api_access: bool,
    /// Grouped reports are served by v1 and refused by v2.
    pub grouped: bool,
    /// The employees in it (indices into `Company::employees`), by ascending id.
    pub rows: Vec<u32>,
    pub(super) salt: u64,
    pub(super) reads: AtomicU32,
}

/// Status and refresh time as one read sees them.
pub(crate) struct Seen {
    pub status: Status,
    pub data_refreshed_at: DateTime<Utc>,
}

impl Report {
    /// The generation context for this report.
    pub(crate) fn ctx<'a>(&self, company: &'a Company, locale: Locale) -> Ctx<'a> {
        Ctx {
            company,
            salt: self.salt,
            start: self.start_date,
            end: self.end_date,
            locale,
        }
    }

    /// The cells of employee `idx` (a point-in-time or timeframe row).
    pub(crate) fn cells(&self, ctx: &Ctx, idx: usize) -> Vec<Cell> {
        self.columns
            .iter()
            .enumerate()
            .map(|(c, column)| report_values::cell(ctx, idx, c, column.source))
            .collect()
    }

    /// Bits that pick the v1 wire habits of one value (`""` or null, number or string);
    /// fixed per (report, employee, column, effective date).
    pub(crate) fn quirk(&self, employee: i64, col: usize, date: Option<NaiveDate>) -> u64 {
        let day = date.map_or(0, |d| d.num_days_from_ce() as u64);
        let key = (employee as u64) ^ ((col as u64) << 48) ^ day;
        report_values::mix(self.salt ^ report_values::mix(key))
    }

    /// The history of employee `idx` (a historical report): rows by effective date.
    pub(crate) fn history(&self, ctx: &Ctx, idx: usize) -> Vec<(NaiveDate, Vec<Cell>)> {
        let sources: Vec<Source> = self.columns.iter().map(|c| c.source).collect();
        report_history::history(ctx, idx, &sources)
    }
}

/// Every report, in the order v1 lists them.
pub(crate) struct Catalogue {
    pub reports: Vec<Report>,
    updating_reads: u32,
    /// Largest v1 page, in employees.
    pub page_cap: usize,
}

impl Catalogue {
    /// Builds the catalogue of the company; cheap (no values are computed).
    pub(crate) fn new(
        seed: u64,
        company: &Company,
        base: DateTime<Utc>,
        updating_reads: u32,
        page_cap: usize,
        wide_columns: usize,
    ) -> Catalogue {
        Catalogue {
            reports: report_catalogue::build(seed, company, base, wide_columns),
            updating_reads,
            page_cap,
        }
    }

    /// The report with this id (v1 ids compare case-insensitively, like UUIDs).
    pub(crate) fn get(&self, id: &str) -> Option<&Report> {
        self.reports.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    /// Status and refresh time at one v1 read; `count` makes it count as a read. The
    /// updating report says `updating` (and shows its previous refresh) for its first
    /// `updating_reads` reads.
    pub(crate) fn seen(&self, report: &Report, count: bool) -> Seen {
        if report.initial != Status::Updating {
            return Seen {
                status: report.initial,
                data_refreshed_at: report.refreshed_at,
            };
        }
        let before = if count {
            report.reads.fetch_add(1, Ordering::Relaxed)
        } else {
            report.reads.load(Ordering::Relaxed)
        };
        if before < self.updating_reads {
            Seen {
                status: Status::Updating,
                data_refreshed_at: report.refreshed_at - Duration::days(7),
            }
        } else {
            Seen {
                status: Status::UpToDate,
                data_refreshed_at: report.refreshed_at,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::test_support::{catalogue, company};

    #[test]
    fn the_updating_report_turns_up_to_date_after_n_reads() {
        let k = catalogue(5, &company(5, 3));
        let r = k
            .reports
            .iter()
            .find(|r| r.initial == Status::Updating)
            .unwrap();
        let seen: Vec<Status> = (0..4).map(|_| k.seen(r, true).status).collect();
        assert_eq!(
            seen,
            [
                Status::Updating,
                Status::Updating,
                Status::UpToDate,
                Status::UpToDate
            ]
        );
        assert_eq!(Locale::parse(Some("de-CH")), Locale::De);
        assert_eq!(Locale::parse(Some("fr")), Locale::En);
    }
}
