//! The company's attendances and projects: a pure function of the seed, the employee
//! ids and the company's "now", like the rest of the company.
//!
//! Each employee has 2 to 6 attendances on weekdays of the 8 weeks before "now": a
//! start between 07:00 and 10:45, 4 to 9 hours of work, a break inside the longer ones,
//! mostly confirmed, some pending (a few of those still open: no end), some rejected,
//! some on a project, some commented (unicode, blank). One attendance is the one record
//! both wire formats describe: v1 as a row with `break` minutes, v2 as a WORK period
//! plus, when it has a break, a BREAK period inside it (see `attendances`).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Days before "now" the attendances fall in.
const WINDOW_DAYS: i64 = 56;
/// The first v1 attendance id (v1 ids are integers).
const FIRST_V1_ID: i64 = 1_000_001;

/// The projects: v1 id (v2 sends it as a string), name, active.
pub(crate) const PROJECTS: &[(i64, &str, bool)] = &[
    (5501, "Rollout", true),
    (5502, "Website relaunch", true),
    (5503, "Müller GmbH audit", true),
    (5504, "Internal tools", false),
    (815, "0815 Support", true),
];

const COMMENTS: &[Option<&str>] = &[
    None,
    Some(""),
    Some("Workshop"),
    Some("Kundentermin in Zürich"),
    Some("On call 🚑"),
    Some("Quote \"this\""),
];

/// Approval status, spelled per API by the routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Confirmed,
    Pending,
    Rejected,
}

/// One attendance.
pub(crate) struct Attendance {
    /// Its v1 id.
    pub v1_id: i64,
    /// Its v2 id (a UUID) and its break's.
    pub v2_id: String,
    pub break_v2_id: String,
    pub employee: i64,
    pub date: NaiveDate,
    pub start: NaiveDateTime,
    /// `None` while open (pending only).
    pub end: Option<NaiveDateTime>,
    /// Where the break starts and how long it lasts (minutes); 0 = no break.
    pub break_start: NaiveDateTime,
    pub break_minutes: i64,
    pub status: Status,
    pub comment: Option<String>,
    /// Index into [`PROJECTS`].
    pub project: Option<usize>,
    pub is_holiday: bool,
    pub is_on_time_off: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every attendance, ordered by (start, employee, id) as both APIs list them.
pub(crate) fn generate(seed: u64, employees: &[i64], now: DateTime<Utc>) -> Vec<Attendance> {
    let mut rng = SmallRng::seed_from_u64(seed ^ 0xa77e_0da0_ce00_0001);
    let today = now.date_naive();
    let weekdays: Vec<NaiveDate> = (1..=WINDOW_DAYS)
        .map(|back| today - Duration::days(back))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    let mut all = Vec::new();
    for &employee in employees {
        let count = rng.random_range(2..=6);
        let mut days: Vec<NaiveDate> = Vec::with_capacity(count);
        while days.len() < count {
            let day = weekdays[rng.random_range(0..weekdays.len())];
            if !days.contains(&day) {
                days.push(day);
            }
        }
        for date in days {
            all.push(attendance(&mut rng, employee, date));
        }
    }
    all.sort_by_key(|a| (a.start, a.employee));
    for (index, attendance) in all.iter_mut().enumerate() {
        attendance.v1_id = FIRST_V1_ID + index as i64;
    }
    all
}

fn attendance(rng: &mut SmallRng, employee: i64, date: NaiveDate) -> Attendance {
    let quarter = |n: u32| NaiveTime::from_hms_opt(7 + n / 4, (n % 4) * 15, 0).unwrap_or_default();
    let start = date.and_time(quarter(rng.random_range(0..16)));
    let worked = Duration::minutes(rng.random_range(16..=36) * 15);
    let status = match rng.random_range(0..100) {
        0..80 => Status::Confirmed,
        80..95 => Status::Pending,
        _ => Status::Rejected,
    };
    let open = status == Status::Pending && rng.random_bool(0.25);
    let end = (!open).then(|| start + worked);
    let break_minutes = if open || worked < Duration::hours(6) {
        0
    } else {
        [30, 45, 60][rng.random_range(0..3)]
    };
    // The break starts on a quarter hour in the middle of the work.
    let break_start = start + Duration::minutes(worked.num_minutes() / 2 / 15 * 15);
    let project = rng
        .random_bool(0.4)
        .then(|| rng.random_range(0..PROJECTS.len()));
    let comment = COMMENTS[rng.random_range(0..COMMENTS.len())].map(str::to_owned);
    let written = (end.unwrap_or(start) + Duration::minutes(rng.random_range(1..90))).and_utc()
        - Duration::hours(1);
    let updated_at = if rng.random_bool(0.3) {
        written + Duration::days(rng.random_range(1..5))
    } else {
        written
    };
    Attendance {
        v1_id: 0,
        v2_id: uuid(rng),
        break_v2_id: uuid(rng),
        employee,
        date,
        start,
        end,
        break_start,
        break_minutes,
        status,
        comment,
        project,
        is_holiday: rng.random_bool(0.05),
        is_on_time_off: rng.random_bool(0.05),
        created_at: written,
        updated_at,
    }
}

/// A version-4 UUID drawn from `rng`.
pub(crate) fn uuid(rng: &mut SmallRng) -> String {
    let hex: String = (0..32)
        .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
        .collect();
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_attendances() {
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        let a = generate(7, &[1, 2, 3], now);
        let b = generate(7, &[1, 2, 3], now);
        assert_eq!(
            a.iter().map(|x| &x.v2_id).collect::<Vec<_>>(),
            b.iter().map(|x| &x.v2_id).collect::<Vec<_>>()
        );
        assert!((6..=18).contains(&a.len()));
        assert!(a.windows(2).all(|w| w[0].start <= w[1].start));
        for x in &a {
            if let Some(end) = x.end {
                let break_end = x.break_start + Duration::minutes(x.break_minutes);
                assert!(x.start <= x.break_start && break_end <= end);
            }
        }
    }
}
