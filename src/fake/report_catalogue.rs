//! The custom reports of the company (see `reports` for the types).
//!
//! | report | type | status | columns' data types |
//! |---|---|---|---|
//! | Headcount | point_in_time | up_to_date | TEXT (dates too), ENTITY (text-coded ones too), COST_CENTER, SALARY, COMPENSATION, DURATION |
//! | Absences and attendance | timeframe (last year) | up_to_date | TEXT, ABSENCE_OVERVIEW, ABSENCE_PERIOD, DURATION |
//! | Department and salary history | historical_data | up_to_date | TEXT (names first), ENTITY (text-coded ones too), DURATION, COST_CENTER, SALARY |
//! | Performance | point_in_time, filter status neq inactive | up_to_date | TEXT, ENTITY, PERFORMANCE_TARGET, PERFORMANCE_KPI |
//! | Team overview | point_in_time | updating, then up_to_date | TEXT (status translated), ENTITY, DURATION |
//! | Probation and contract ends | point_in_time | update_failed | TEXT |
//! | Headcount by office | point_in_time, grouped (v2 refuses it) | up_to_date | ENTITY, TEXT |
//! | Compensation review | point_in_time, not enabled for API access (absent on v2) | up_to_date | TEXT, SALARY, COMPENSATION |

//!
//! Columns of interest to clients (ids as v1 `attribute_id` = v2 `name`):
//! - `hire_date`, `probation_period_end`, `contract_end_date`: TEXT holding
//!   `YYYY-MM-DD` (v2 `timestamp`).
//! - `legal_entity` (Headcount, history): ENTITY keyed by the text codes of
//!   `report_values::LEGAL_ENTITY_CODES` (`"0815"`, `"22001-1"`, `"5001"`, `"ACME"`),
//!   the legal entity of the employee's subcompany; v1 `entity_id` always a JSON string.
//! - `company_car` (Headcount): ENTITY keyed `"true"`/`"false"`, valued Yes/No
//!   (Ja/Nein in German).
//! - `department`, `office`, `team`: ENTITY keyed by numeric ids (v1 sends them as
//!   strings or, now and then, numbers).

use std::sync::atomic::AtomicU32;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::company::Company;
use super::report_values::{self, Source};
use super::reports::{col, Column, Filter, Kind, Report, Status};

/// Every report, in the order v1 lists them: ids, dates and salts drawn from the seed.
pub(super) fn build(
    seed: u64,
    company: &Company,
    base: DateTime<Utc>,
    wide_columns: usize,
) -> Vec<Report> {
    let mut rng = SmallRng::seed_from_u64(seed ^ 0x5eed_4e90_0000_0004);
    let today = base.date_naive();
    let salary = format!("salary_{}", rng.random_range(100..1_000));
    let hourly = format!("salary_{}", rng.random_range(1_000..10_000));
    let bonus = format!("compensation_{}", rng.random_range(100..1_000));
    let all: Vec<u32> = (0..company.employees.len() as u32).collect();
    let active: Vec<u32> = all
        .iter()
        .copied()
        .filter(|&i| {
            report_values::record(company, i as usize, "status").as_str() != Some("inactive")
        })
        .collect();

    let text =
        |key: &'static str, en: &'static str, de: &'static str| col(key, en, de, Source::Text(key));
    let date =
        |key: &'static str, en: &'static str, de: &'static str| col(key, en, de, Source::Date(key));
    let entity = |key: &'static str, en: &'static str, de: &'static str| {
        col(key, en, de, Source::Entity(key))
    };
    let first = || text("first_name", "First name", "Vorname");
    let last = || text("last_name", "Last name", "Nachname");
    let department = || entity("department", "Department", "Abteilung");
    // Options keyed by text codes (observed: keys are text, often not numbers).
    let legal_entity = || {
        col(
            "legal_entity",
            "Legal entity",
            "Rechtliche Einheit",
            Source::LegalEntity,
        )
    };
    let company_car = || col("company_car", "Company car", "Firmenwagen", Source::YesNo);
    let office = || entity("office", "Office", "Standort");
    let cost_center = || {
        col(
            "cost_center",
            "Cost center",
            "Kostenstelle",
            Source::CostCenters,
        )
    };
    let fix_salary = || {
        col(
            salary.clone(),
            "Fixed salary",
            "Fixgehalt",
            Source::Salary("fix_salary"),
        )
    };
    let compensation = || {
        col(
            bonus.clone(),
            "Annual bonus",
            "Jahresbonus",
            Source::Compensation,
        )
    };
    let weekly = || {
        col(
            "weekly_working_hours",
            "Weekly working hours",
            "Wöchentliche Arbeitszeit",
            Source::WeeklyHours,
        )
    };
    // Absence columns are named after the time-off types, which users name: their
    // labels are not translated.
    let mut absences = Vec::new();
    for (t, &(id, name, _)) in company.org.time_off_types.iter().take(2).enumerate() {
        absences.push(col(
            format!("absence_{id}"),
            name,
            name,
            Source::AbsenceOverview(t),
        ));
        absences.push(col(
            format!("absence_{id}:periods"),
            format!("{name} (periods)"),
            format!("{name} (Zeiträume)"),
            Source::AbsencePeriod(t),
        ));
    }

    // Also the pattern of the optional wide report.
    let headcount = || {
        vec![
            first(),
            last(),
            text("email", "Email", "E-Mail"),
            date("hire_date", "Hire date", "Eintrittsdatum"),
            department(),
            office(),
            legal_entity(),
            company_car(),
            cost_center(),
            fix_salary(),
            compensation(),
            weekly(),
        ]
    };
    let point = (today, today, "today");
    let last_year = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1)
        .zip(NaiveDate::from_ymd_opt(today.year() - 1, 12, 31))
        .expect("valid year");
    let since = NaiveDate::from_ymd_opt(today.year() - 15, 1, 1).expect("valid year");
    let mut specs = vec![
        Spec {
            name: "Headcount",
            description: "Everyone in the company today, with pay and org data",
            kind: Kind::PointInTime,
            dates: point,
            columns: headcount(),
            ..Spec::default()
        },
        Spec {
            name: "Absences and attendance",
            description: "Absences and working hours of last year",
            kind: Kind::Timeframe,
            dates: (last_year.0, last_year.1, "last_year"),
            columns: [first(), last()]
                .into_iter()
                .chain(absences)
                .chain([
                    col(
                        "attendance_contractual_target_hours",
                        "Contractual target hours",
                        "Vertragliche Sollstunden",
                        Source::TargetHours,
                    ),
                    col(
                        "attendance_tracked_hours",
                        "Tracked hours",
                        "Erfasste Stunden",
                        Source::TrackedHours,
                    ),
                ])
                .collect(),
            ..Spec::default()
        },
        Spec {
            name: "Department and salary history",
            description: "Position, department, hours, cost center and salary changes",
            kind: Kind::Historical,
            dates: (since, today, "fixed"),
            // Historical reports identify people by name (observed).
            columns: vec![
                first(),
                last(),
                text("position", "Position", "Position"),
                department(),
                legal_entity(),
                weekly(),
                cost_center(),
                fix_salary(),
            ],
            ..Spec::default()
        },
        Spec {
            name: "Performance",
            description: "Performance targets and KPIs of current employees",
            dates: point,
            columns: vec![
                first(),
                last(),
                department(),
                col(
                    "performance_targets",
                    "Performance targets",
                    "Leistungsziele",
                    Source::Targets,
                ),
                col(
                    "performance_target_kpis",
                    "Performance target KPIs",
                    "KPIs der Leistungsziele",
                    Source::Kpis,
                ),
            ],
            filters: vec![Filter {
                column: "status",
                comparison: "neq",
                value: "inactive",
            }],
            only_active: true,
            ..Spec::default()
        },
        Spec {
            name: "Team overview",
            description: "Teams and status; being recalculated",
            status: Status::Updating,
            dates: point,
            columns: vec![
                first(),
                last(),
                entity("team", "Team", "Team"),
                col(
                    "status",
                    "Employment status",
                    "Beschäftigungsstatus",
                    Source::Status,
                ),
                weekly(),
            ],
            ..Spec::default()
        },
        Spec {
            name: "Probation and contract ends",
            description: "Upcoming probation and contract end dates",
            status: Status::UpdateFailed,
            dates: point,
            columns: vec![
                first(),
                last(),
                date("hire_date", "Hire date", "Eintrittsdatum"),
                date(
                    "probation_period_end",
                    "Probation period end",
                    "Ende der Probezeit",
                ),
                date("contract_end_date", "Contract end", "Vertragsende"),
            ],
            ..Spec::default()
        },
        Spec {
            name: "Headcount by office",
            description: "Employees grouped by office",
            dates: point,
            columns: vec![office(), department(), first(), last()],
            grouped: true,
            ..Spec::default()
        },
        Spec {
            name: "Compensation review",
            description: "Salaries and bonuses; not shared with the API",
            dates: point,
            columns: vec![
                first(),
                last(),
                fix_salary(),
                col(
                    hourly,
                    "Hourly salary",
                    "Stundenlohn",
                    Source::Salary("hourly_salary"),
                ),
                compensation(),
            ],
            api_access: false,
            ..Spec::default()
        },
    ];
    if wide_columns > 0 {
        // Last, so that the other reports keep their seed-drawn ids.
        let pattern = headcount();
        let columns = (0..wide_columns)
            .map(|i| {
                let mut column = pattern[i % pattern.len()].clone();
                let copy = i / pattern.len();
                if copy > 0 {
                    column.id = format!("{}_{}", column.id, copy + 1);
                }
                column
            })
            .collect();
        specs.push(Spec {
            name: "Wide export",
            description: "Headcount columns, repeated, for benchmarks",
            kind: Kind::PointInTime,
            dates: point,
            columns,
            ..Spec::default()
        });
    }

    const AUTHORS: &[(&str, &str)] = &[
        ("Robert", "Sirano"),
        ("Małgorzata", "Nowak"),
        ("Jürgen", "Weiß"),
    ];
    specs
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let created = base
                - Duration::days(400 - 23 * i as i64)
                - Duration::seconds(rng.random_range(0..36_000));
            let updated = created + Duration::days(rng.random_range(1..120));
            let refreshed = updated + Duration::minutes(rng.random_range(1..300));
            Report {
                id: uuid(&mut rng),
                name: s.name,
                description: s.description,
                author: AUTHORS[i % AUTHORS.len()],
                kind: s.kind,
                initial: s.status,
                start_date: s.dates.0,
                end_date: s.dates.1,
                period_type: s.dates.2,
                created_at: created,
                updated_at: updated,
                refreshed_at: refreshed,
                columns: s.columns,
                filters: s.filters,
                api_access: s.api_access,
                grouped: s.grouped,
                rows: if s.only_active {
                    active.clone()
                } else {
                    all.clone()
                },
                salt: rng.random(),
                reads: AtomicU32::new(0),
            }
        })
        .collect()
}

/// A catalogue entry before ids and dates are drawn.
struct Spec {
    name: &'static str,
    description: &'static str,
    kind: Kind,
    status: Status,
    /// start date, end date, period type
    dates: (NaiveDate, NaiveDate, &'static str),
    columns: Vec<Column>,
    filters: Vec<Filter>,
    only_active: bool,
    api_access: bool,
    grouped: bool,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            name: "",
            description: "",
            kind: Kind::PointInTime,
            status: Status::UpToDate,
            dates: (NaiveDate::MIN, NaiveDate::MIN, "today"),
            columns: Vec::new(),
            filters: Vec::new(),
            only_active: false,
            api_access: true,
            grouped: false,
        }
    }
}

/// A version-4 UUID from the seeded generator.
fn uuid(rng: &mut SmallRng) -> String {
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use crate::fake::reports::Catalogue;
    use crate::fake::test_support::{catalogue, company};

    #[test]
    fn catalogue_is_seeded_and_covers_every_data_type() {
        let company = company(5, 30);
        let a = catalogue(5, &company);
        let b = catalogue(5, &company);
        let c = catalogue(6, &company);
        let ids = |k: &Catalogue| k.reports.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&c));
        for r in &a.reports {
            assert_eq!(r.id.len(), 36);
            assert_eq!(&r.id[14..15], "4");
        }
        let mut types: Vec<&str> = a
            .reports
            .iter()
            .flat_map(|r| r.columns.iter().map(|c| c.data_type().wire()))
            .collect();
        types.sort();
        types.dedup();
        assert_eq!(types.len(), 10, "{types:?}");
    }
}
