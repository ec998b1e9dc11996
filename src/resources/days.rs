//! The days and employees a listing of periods selects (attendances, absences), read
//! and checked before any request, with errors that name the argument at fault, and
//! written as the filters v1 and v2 take.

use chrono::NaiveDate;

use crate::error::{Error, Result};

/// What a listing of periods reads: the periods of the days from `start` to `end`, both
/// included, through the API `api` names. Attendances and absences differ only in
/// their choice of API ([`crate::AttendanceQuery`], [`crate::AbsenceQuery`]).
#[derive(Debug, Clone)]
pub struct PeriodQuery<Api> {
    /// The first day.
    pub start: NaiveDate,
    /// The last day.
    pub end: NaiveDate,
    /// Only these employees (person ids); `None` for everyone.
    pub employees: Option<Vec<i64>>,
    /// Which API reads them.
    pub api: Api,
}

impl<Api: Default> PeriodQuery<Api> {
    /// A query from `YYYY-MM-DD` texts, through the default API; an error names the
    /// argument at fault.
    pub fn from_days(start: &str, end: &str) -> Result<PeriodQuery<Api>> {
        Ok(PeriodQuery {
            start: day("start", start)?,
            end: day("end", end)?,
            employees: None,
            api: Api::default(),
        })
    }
}

impl<Api> PeriodQuery<Api> {
    /// Refuses, before any request, what no API could answer.
    pub(crate) fn check(&self) -> Result<()> {
        check(self.start, self.end, self.employees.as_deref())
    }

    /// v1's filters: `start_date`, `end_date` and one `employees[]` per employee.
    pub(crate) fn v1_filters(&self) -> Vec<(String, String)> {
        let mut filters = vec![
            ("start_date".to_string(), self.start.to_string()),
            ("end_date".to_string(), self.end.to_string()),
        ];
        for id in self.employees.iter().flatten() {
            filters.push(("employees[]".to_string(), id.to_string()));
        }
        filters
    }

    /// v2's filter on employees, `person.id` as a comma list; none for everyone.
    pub(crate) fn v2_person_filter(&self) -> Option<(String, String)> {
        let ids: Vec<String> = self
            .employees
            .as_ref()?
            .iter()
            .map(i64::to_string)
            .collect();
        Some(("person.id".to_string(), ids.join(",")))
    }
}

/// A calendar day written `YYYY-MM-DD`.
fn day(argument: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid_argument(format!(
            "{argument} must be a date, as datetime.date or \"YYYY-MM-DD\", got {text:?}"
        ))
    })
}

/// Refuses what no API could answer: days backwards, an empty or a non-positive list
/// of employee ids.
fn check(start: NaiveDate, end: NaiveDate, employees: Option<&[i64]>) -> Result<()> {
    if start > end {
        return Err(Error::invalid_argument(format!(
            "start ({start}) is after end ({end}): give the first day, then the last"
        )));
    }
    match employees {
        Some([]) => Err(Error::invalid_argument(
            "employees is empty: pass None for everyone, or a list of employee ids",
        )),
        Some(ids) => match ids.iter().find(|id| **id <= 0) {
            Some(id) => Err(Error::invalid_argument(format!(
                "employees holds {id}: employee ids are positive integers"
            ))),
            None => Ok(()),
        },
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_their_argument() {
        let error = day("start", "2025-13-01").unwrap_err();
        assert!(
            error.to_string().starts_with("start must be a date"),
            "{error}"
        );
        let (first, last) = (
            day("a", "2025-12-01").unwrap(),
            day("b", "2025-12-31").unwrap(),
        );
        assert!(check(last, first, None)
            .unwrap_err()
            .to_string()
            .contains("after end"));
        assert!(check(first, last, Some(&[]))
            .unwrap_err()
            .to_string()
            .contains("employees is empty"));
        assert!(check(first, last, Some(&[3, 0])).is_err());
        assert!(check(first, first, Some(&[3])).is_ok());
    }

    #[test]
    fn filters_name_every_employee() {
        let mut query = PeriodQuery::<()>::from_days("2025-12-01", "2025-12-31").unwrap();
        assert_eq!(query.v2_person_filter(), None);
        assert_eq!(query.v1_filters().len(), 2);
        query.employees = Some(vec![3, 5]);
        let person = ("person.id".to_string(), "3,5".to_string());
        assert_eq!(query.v2_person_filter(), Some(person));
        let employees = ("employees[]".to_string(), "5".to_string());
        assert_eq!(query.v1_filters().last(), Some(&employees));
    }
}
