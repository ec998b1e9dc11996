//! Attendances as one typed table, from v2 attendance periods (the default) or v1
//! attendances: the same columns from either, equal for the same data.
//!
//! | column | type | v2 (`GET /v2/attendance-periods`) | v1 (`GET /v1/company/attendances`) |
//! |---|---|---|---|
//! | `id` | string | `id` (a UUID) | `id` (an integer, as text) |
//! | `employee_id` | int64 | `person.id` | `employee` |
//! | `date` | date32 | `attribution_date` | `date` |
//! | `start` | timestamp[us], no zone | `start.date_time` | `date` + `start_time` |
//! | `end` | timestamp[us], no zone | `end.date_time` (null: still open) | `date` + `end_time`, the next day when it is before `start_time` |
//! | `break_minutes` | int64 | minutes of the BREAK periods inside the WORK period | `break` |
//! | `project_id` | string | `project.id` | `project.id` |
//! | `project_name` | string | from `GET /v2/projects`, asked only when a period has a project | `project.attributes.name` |
//! | `status` | string | `approval.status` | `status`, upper-cased (`CONFIRMED`, `PENDING`, `REJECTED`) |
//! | `comment` | string | `comment` | `comment` |
//! | `is_holiday`, `is_on_time_off` | bool | as named | as named |
//! | `created_at` | timestamp[us, UTC] | `created_at` | null: v1 does not say |
//! | `updated_at` | timestamp[us, UTC] | `updated_at` | `updated_at` |
//!
//! `start` and `end` are wall-clock times in the company's local time as Personio
//! writes them, without a zone (Arrow `timestamp[us]` with no time zone): neither API
//! says which zone, so none is guessed.
//!
//! One row per worked period. v2 sends breaks as periods of their own (`type` BREAK);
//! each is folded into `break_minutes` of the same person's WORK period that contains
//! it, as v1 counts them, and is not a row. A break inside no work period of its person
//! is an error (the table would otherwise misstate the hours): `api="v1"` reads such
//! an account.
//!
//! v1 is asked for pending and rejected periods too (`includePending=true`), as v2
//! lists them. Both select by day: v1 by `date` from `start` to `end`, v2 periods that
//! start from `start` 00:00:00 to `end` 23:59:59 (local, without `Z`, which Personio
//! refuses).

use super::attendances_v1::fetch_v1;
use super::attendances_v2::fetch_v2;
use super::choice::ApiChoice;
use super::days::PeriodQuery;
use crate::arrow::{ColumnDef, Kind, Table};
use crate::error::Result;
use crate::transport::Transport;

/// The table's columns, in order (see the module docs).
const COLUMNS: [(&str, Kind); 14] = [
    ("id", Kind::Utf8),
    ("employee_id", Kind::Int64),
    ("date", Kind::Date32),
    ("start", Kind::LocalTimestamp),
    ("end", Kind::LocalTimestamp),
    ("break_minutes", Kind::Int64),
    ("project_id", Kind::Utf8),
    ("project_name", Kind::Utf8),
    ("status", Kind::Utf8),
    ("comment", Kind::Utf8),
    ("is_holiday", Kind::Bool),
    ("is_on_time_off", Kind::Bool),
    ("created_at", Kind::TimestampUtc),
    ("updated_at", Kind::TimestampUtc),
];

/// Positions of the columns in [`COLUMNS`].
pub(super) mod column {
    pub const ID: usize = 0;
    pub const EMPLOYEE_ID: usize = 1;
    pub const DATE: usize = 2;
    pub const START: usize = 3;
    pub const END: usize = 4;
    pub const BREAK_MINUTES: usize = 5;
    pub const PROJECT_ID: usize = 6;
    pub const PROJECT_NAME: usize = 7;
    pub const STATUS: usize = 8;
    pub const COMMENT: usize = 9;
    pub const IS_HOLIDAY: usize = 10;
    pub const IS_ON_TIME_OFF: usize = 11;
    pub const CREATED_AT: usize = 12;
    pub const UPDATED_AT: usize = 13;
}

/// The table's columns.
pub(super) fn columns() -> Vec<ColumnDef> {
    ColumnDef::plain_all(&COLUMNS)
}

/// Which API reads attendances: `Auto` and `V2` read v2 `GET /v2/attendance-periods`
/// (v1 attendances are deprecated); `V1` reads v1 `GET /v1/company/attendances`.
pub type AttendanceApi = ApiChoice;

/// What to read: the attendances of the days from `start` to `end`, both included.
pub type AttendanceQuery = PeriodQuery<AttendanceApi>;

/// The attendances `query` selects, as one typed table.
pub async fn fetch_attendances(transport: &Transport, query: &AttendanceQuery) -> Result<Table> {
    query.check()?;
    match query.api {
        AttendanceApi::V1 => fetch_v1(transport, query).await,
        AttendanceApi::Auto | AttendanceApi::V2 => fetch_v2(transport, query).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_days_name_their_argument() {
        let error = AttendanceQuery::from_days("2025-13-01", "2025-12-31").unwrap_err();
        assert!(
            error.to_string().starts_with("start must be a date"),
            "{error}"
        );
        let error = AttendanceQuery::from_days("2025-12-01", "31.12.2025").unwrap_err();
        assert!(
            error.to_string().starts_with("end must be a date"),
            "{error}"
        );
        let backwards = AttendanceQuery::from_days("2025-12-31", "2025-12-01").unwrap();
        assert!(backwards
            .check()
            .unwrap_err()
            .to_string()
            .contains("after end"));
    }

    #[test]
    fn column_positions_match_the_columns() {
        let names: Vec<&str> = COLUMNS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names[column::START], "start");
        assert_eq!(names[column::PROJECT_NAME], "project_name");
        assert_eq!(names[column::UPDATED_AT], "updated_at");
        assert_eq!(names.len(), column::UPDATED_AT + 1);
    }
}
