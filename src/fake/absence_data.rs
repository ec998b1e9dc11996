//! The company's absence types and absences: a pure function of the seed, the employee
//! ids and the company's "now", like the rest of the company.
//!
//! Six absence types, four counted in days and two in hours. Each employee has up to
//! five absences in the 18 weeks around "now" (from 12 weeks before to 6 weeks after),
//! each in a fortnight of its own so that one person's absences never overlap:
//! day-based ones of 1 to 8 days from a weekday to a weekday, some starting or ending
//! with a half day (where the type allows half days); hourly ones of 1 to 4 hours on a
//! weekday, a few still open (no end). Mostly approved, some pending. One absence is
//! the one record every wire format describes: v1 `time-offs` or `absence-periods` by
//! its unit, and v2 `absence-periods` (see `absences_v1`, `absences_v2`).
//!
//! What an absence counts: a day-based one every weekday it covers (a half day counts
//! 0.5); an hourly one its minutes. An open one counts nothing yet.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::attendance_data::uuid;

/// Weeks before "now" the absences start from, and weeks they span.
const FIRST_WEEK_BACK: i64 = 12;
const WEEKS: i64 = 18;
/// The first v1 time-off id (v1 ids are integers).
const FIRST_TIME_OFF_ID: i64 = 7_000_001;
/// Days of entitlement per year for the types that accrue one.
const ENTITLEMENT_DAYS: f64 = 30.0;

/// How an absence type counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Hour,
}

/// One absence type: v1 integer id, v2 id, name, category, unit, approval required,
/// half days allowed, accrues an entitlement (a balance).
pub(crate) struct AbsenceType {
    pub v1_id: i64,
    pub v2_id: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    pub unit: Unit,
    pub approval_required: bool,
    pub half_days: bool,
    pub accrues: bool,
}

pub(crate) const TYPES: &[AbsenceType] = &[
    AbsenceType {
        v1_id: 4101,
        v2_id: "a81f0c55-2d3e-4b7a-9c61-0e4d8b2f6a19",
        name: "Paid vacation",
        category: "paid_vacation",
        unit: Unit::Day,
        approval_required: true,
        half_days: true,
        accrues: true,
    },
    AbsenceType {
        v1_id: 4102,
        v2_id: "0d3b6e2a-91c4-4f57-8a2e-5b7c1d9e3f40",
        name: "Sick leave",
        category: "sick_leave",
        unit: Unit::Day,
        approval_required: false,
        half_days: false,
        accrues: false,
    },
    AbsenceType {
        v1_id: 4103,
        v2_id: "5e9a7c13-0b2d-4e68-9f14-3a6d8c2b7e05",
        name: "Mobiles Arbeiten / Home office",
        category: "offsite_work",
        unit: Unit::Day,
        approval_required: true,
        half_days: true,
        accrues: false,
    },
    AbsenceType {
        v1_id: 4104,
        v2_id: "c2f4a8e1-6d3b-4a97-b05c-9e1f7a3d2c68",
        name: "Elternzeit",
        category: "maternity_parental_leave",
        unit: Unit::Day,
        approval_required: true,
        half_days: false,
        accrues: false,
    },
    AbsenceType {
        v1_id: 4105,
        v2_id: "9b4e2d7f-3a1c-4b85-a6e0-2f8d5c9a1b73",
        name: "Arzttermin",
        category: "other",
        unit: Unit::Hour,
        approval_required: false,
        half_days: false,
        accrues: false,
    },
    AbsenceType {
        v1_id: 4106,
        v2_id: "e6a1c9b3-7f2d-4e40-8b5a-1d3c7e9f2a84",
        name: "Überstundenabbau",
        category: "other",
        unit: Unit::Hour,
        approval_required: true,
        half_days: false,
        accrues: true,
    },
];

/// Approval status, spelled per API by the routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Approved,
    Pending,
}

const COMMENTS: &[Option<&str>] = &[
    None,
    Some(""),
    Some("Trip"),
    Some("Urlaub in Köln"),
    Some("Zahnarzt 🦷"),
    Some("Line one\nline two"),
];

/// One absence.
pub(crate) struct Absence {
    /// The v1 time-off id of a day-based absence (v1 hourly ones share the v2 UUID).
    pub v1_id: i64,
    pub v2_id: String,
    pub employee: i64,
    /// Index into [`TYPES`].
    pub kind: usize,
    /// Local wall-clock start; a day-based absence starts at midnight.
    pub start: NaiveDateTime,
    /// Local wall-clock end, exclusive (a day-based absence ends at the midnight after
    /// its last day); `None` while an hourly absence is still open.
    pub end: Option<NaiveDateTime>,
    pub half_day_start: bool,
    pub half_day_end: bool,
    pub status: Status,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Absence {
    pub(crate) fn kind(&self) -> &'static AbsenceType {
        &TYPES[self.kind]
    }

    /// The first day and the last day (inclusive) of a day-based absence.
    pub(crate) fn days(&self) -> (NaiveDate, NaiveDate) {
        let first = self.start.date();
        let last = self
            .end
            .map_or(first, |end| (end - Duration::days(1)).date());
        (first, last)
    }

    /// What the absence counts on each day: days (half days 0.5) or minutes.
    pub(crate) fn breakdown(&self) -> Vec<(NaiveDate, f64)> {
        match (self.kind().unit, self.end) {
            (Unit::Hour, None) => Vec::new(),
            (Unit::Hour, Some(end)) => {
                vec![(self.start.date(), (end - self.start).num_minutes() as f64)]
            }
            (Unit::Day, _) => {
                let (first, last) = self.days();
                first
                    .iter_days()
                    .take_while(|day| *day <= last)
                    .filter(|day| is_weekday(*day))
                    .map(|day| {
                        let half = (day == first && self.half_day_start)
                            || (day == last && self.half_day_end);
                        (day, if half { 0.5 } else { 1.0 })
                    })
                    .collect()
            }
        }
    }

    /// The whole amount: days, or minutes for an hourly absence.
    pub(crate) fn amount(&self) -> f64 {
        self.breakdown().iter().map(|(_, amount)| amount).sum()
    }
}

/// Whether both `[start, end)` spans meet; an open end runs on forever.
pub(crate) fn overlaps(
    start: NaiveDateTime,
    end: Option<NaiveDateTime>,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> bool {
    start < until && end.is_none_or(|end| end > from)
}

fn is_weekday(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Every absence, ordered by (start, employee) as the listings give them.
pub(crate) fn generate(seed: u64, employees: &[i64], now: DateTime<Utc>) -> Vec<Absence> {
    let mut rng = SmallRng::seed_from_u64(seed ^ 0xab5e_0ce0_0000_0002);
    let today = now.date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let first_monday = monday - Duration::weeks(FIRST_WEEK_BACK);
    let fortnights = WEEKS / 2;
    let mut all = Vec::new();
    for &employee in employees {
        let count = rng.random_range(0..=5usize);
        let mut slots: Vec<i64> = Vec::with_capacity(count);
        while slots.len() < count {
            let slot = rng.random_range(0..fortnights);
            if !slots.contains(&slot) {
                slots.push(slot);
            }
        }
        for slot in slots {
            let monday = first_monday + Duration::weeks(2 * slot);
            all.push(absence(&mut rng, employee, monday, now));
        }
    }
    all.sort_by_key(|a| (a.start, a.employee));
    let day_based = all.iter_mut().filter(|a| a.kind().unit == Unit::Day);
    for (id, absence) in (FIRST_TIME_OFF_ID..).zip(day_based) {
        absence.v1_id = id;
    }
    all
}

/// One absence in the fortnight from `monday`.
fn absence(rng: &mut SmallRng, employee: i64, monday: NaiveDate, now: DateTime<Utc>) -> Absence {
    let kind = rng.random_range(0..TYPES.len());
    let first_day = monday + Duration::days(rng.random_range(0..5));
    let midnight = NaiveTime::MIN;
    let (start, end, half_day_start, half_day_end) = match TYPES[kind].unit {
        Unit::Day => {
            // 1 to 8 days, ending on a weekday inside the fortnight.
            let last_day = (0..rng.random_range(1..=8))
                .rev()
                .map(|n| first_day + Duration::days(n))
                .find(|day| is_weekday(*day))
                .unwrap_or(first_day);
            let half = |rng: &mut SmallRng| TYPES[kind].half_days && rng.random_bool(0.25);
            let half_day_start = half(rng);
            let half_day_end = last_day != first_day && half(rng);
            let end = (last_day + Duration::days(1)).and_time(midnight);
            (
                first_day.and_time(midnight),
                Some(end),
                half_day_start,
                half_day_end,
            )
        }
        Unit::Hour => {
            let quarter = rng.random_range(32..60); // 08:00 to 14:45
            let start = first_day.and_time(midnight) + Duration::minutes(quarter * 15);
            let open = rng.random_bool(0.1);
            let end = (!open).then(|| start + Duration::minutes(rng.random_range(4..=16) * 15));
            (start, end, false, false)
        }
    };
    let status = if !TYPES[kind].approval_required || rng.random_bool(0.8) {
        Status::Approved
    } else {
        Status::Pending
    };
    // Requested a few days to weeks ahead, in Berlin winter time (UTC+1).
    let created_at = (start - Duration::days(rng.random_range(1..30))
        + Duration::minutes(rng.random_range(0..600))
        - Duration::hours(1))
    .and_utc()
    .min(now);
    let updated_at = if rng.random_bool(0.3) {
        created_at + Duration::hours(rng.random_range(1..48))
    } else {
        created_at
    };
    Absence {
        v1_id: 0,
        v2_id: uuid(rng),
        employee,
        kind,
        start,
        end,
        half_day_start,
        half_day_end,
        status,
        comment: COMMENTS[rng.random_range(0..COMMENTS.len())].map(str::to_owned),
        created_at,
        updated_at,
    }
}

/// The balance of one employee for each type that accrues one, as of `now`: the
/// entitlement less what the approved absences took (`balance`: until `now`;
/// `available_balance`: all of them, planned ones too). Hours for an hourly type.
pub(crate) fn balances(
    absences: &[Absence],
    employee: i64,
    now: DateTime<Utc>,
) -> Vec<(&'static AbsenceType, f64, f64)> {
    TYPES
        .iter()
        .enumerate()
        .filter(|(_, kind)| kind.accrues)
        .map(|(index, kind)| {
            let entitlement = match kind.unit {
                Unit::Day => ENTITLEMENT_DAYS,
                Unit::Hour => ENTITLEMENT_DAYS * 8.0,
            };
            let mut taken = 0.0;
            let mut planned = 0.0;
            let scale = if kind.unit == Unit::Hour { 60.0 } else { 1.0 };
            let theirs = absences.iter().filter(|a| {
                a.employee == employee && a.kind == index && a.status == Status::Approved
            });
            for absence in theirs {
                for (day, amount) in absence.breakdown() {
                    if day <= now.date_naive() {
                        taken += amount / scale;
                    }
                    planned += amount / scale;
                }
            }
            (kind, entitlement - taken, entitlement - planned)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absences_are_deterministic_and_never_overlap_for_one_person() {
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        let a = generate(7, &[1, 2, 3, 4, 5, 6], now);
        let b = generate(7, &[1, 2, 3, 4, 5, 6], now);
        let ids = |x: &[Absence]| x.iter().map(|a| a.v2_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b));
        for x in &a {
            for y in a
                .iter()
                .filter(|y| y.employee == x.employee && y.v2_id != x.v2_id)
            {
                let end = |a: &Absence| a.end.unwrap_or(a.start + Duration::days(1));
                assert!(!overlaps(x.start, Some(end(x)), y.start, end(y)));
            }
        }
    }

    #[test]
    fn half_days_count_half() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2025, 12, d)
                .unwrap()
                .and_time(NaiveTime::MIN)
        };
        let absence = Absence {
            v1_id: 1,
            v2_id: String::new(),
            employee: 1,
            kind: 0,
            // Friday the 12th to Tuesday the 16th: three weekdays.
            start: day(12),
            end: Some(day(17)),
            half_day_start: true,
            half_day_end: false,
            status: Status::Approved,
            comment: None,
            created_at: now,
            updated_at: now,
        };
        assert_eq!(absence.amount(), 2.5);
        assert_eq!(absence.days(), (day(12).date(), day(16).date()));
    }
}
