//! `personio_arrow.Client`.

use std::str::FromStr;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDate, PyDateTime, PyDict, PyInt, PyString};

use super::errors::{warn_all, warn_ignored};
use super::table::PyTable;
use super::wait::wait;
use super::write_args::{attendance_rows, custom_values};
use crate::arrow::Table;
use crate::config::Options;
use crate::error::Error;
use crate::resources::absences::{AbsenceApi, AbsenceQuery};
use crate::resources::attendances::AttendanceQuery;
use crate::resources::days::PeriodQuery;
use crate::resources::employees::EmployeeQuery;
use crate::resources::names::Names;
use crate::resources::org_units::OrgUnitType;
use crate::resources::pictures::Picture;
use crate::resources::reports::ReportQuery;
use crate::secret::Secret;
use crate::{Client, EmployeeFields, NewAbsence};

/// A Personio API client; safe to share between threads.
#[pyclass(module = "personio_arrow", name = "Client", frozen)]
pub struct PyClient {
    client: Client,
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (
        client_id = None,
        client_secret = None,
        *,
        base_url = None,
        partner_id = None,
        app_id = None,
        timeout = 30.0,
        max_retries = 5,
        concurrency = 32,
        deadline = 600.0,
        max_response_bytes = 67_108_864,
        allow_http = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        client_id: Option<String>,
        client_secret: Option<String>,
        base_url: Option<String>,
        partner_id: Option<String>,
        app_id: Option<String>,
        timeout: f64,
        max_retries: u32,
        concurrency: usize,
        deadline: f64,
        max_response_bytes: usize,
        allow_http: bool,
    ) -> PyResult<PyClient> {
        let options = Options {
            client_id,
            client_secret: client_secret.map(Secret::new),
            base_url,
            partner_id,
            app_id,
            timeout: Some(timeout),
            max_retries: Some(max_retries),
            concurrency: Some(concurrency),
            deadline: Some(deadline),
            max_response_bytes: Some(max_response_bytes),
            allow_http,
        };
        Ok(PyClient {
            client: Client::new(options)?,
        })
    }

    /// Base URL in use.
    #[getter]
    fn base_url(&self) -> String {
        self.client.config().base_url.to_string()
    }

    /// Client ID in use.
    #[getter]
    fn client_id(&self) -> String {
        self.client.config().client_id.clone()
    }

    fn __repr__(&self) -> String {
        let config = self.client.config();
        format!(
            "personio_arrow.Client(base_url={:?}, client_id={:?})",
            config.base_url.as_str(),
            config.client_id
        )
    }

    /// Every employee, one row each, typed by what Personio says of each attribute.
    #[pyo3(signature = (*, attributes = None, updated_since = None, names = "key"))]
    fn employees(
        &self,
        py: Python<'_>,
        attributes: Option<Bound<'_, PyAny>>,
        updated_since: Option<Bound<'_, PyAny>>,
        names: &str,
    ) -> PyResult<PyTable> {
        let query = EmployeeQuery {
            attributes: attributes.map(|a| attribute_keys(&a)).transpose()?,
            updated_since: updated_since.map(|u| instant_text(&u)).transpose()?,
            names: names.parse()?,
        };
        let client = self.client.clone();
        finish(py, wait(py, async move { client.employees(&query).await })?)
    }

    /// One employee as a one-row table.
    #[pyo3(signature = (employee_id, *, names = "key"))]
    fn employee(&self, py: Python<'_>, employee_id: i64, names: &str) -> PyResult<PyTable> {
        let names: Names = names.parse()?;
        let client = self.client.clone();
        finish(
            py,
            wait(py, async move { client.employee(employee_id, names).await })?,
        )
    }

    /// The attributes this credential may read: key, label, type, universal_id, options.
    fn employee_attributes(&self, py: Python<'_>) -> PyResult<PyTable> {
        let client = self.client.clone();
        finish(
            py,
            wait(py, async move { client.employee_attributes().await })?,
        )
    }

    /// The custom reports this credential can see: id, name, type, status, dates, columns.
    fn custom_reports(&self, py: Python<'_>) -> PyResult<PyTable> {
        let client = self.client.clone();
        finish(py, wait(py, async move { client.custom_reports().await })?)
    }

    /// One custom report by ID or web-app URL. `api="auto"` reads it through the v2
    /// Report API where it is served there, else v1; while Personio is still updating
    /// it, waits up to `timeout` seconds, or fails at once with `wait=False`.
    #[pyo3(signature = (report, *, locale = None, api = "auto", names = "key", wait = true, timeout = 300.0))]
    #[allow(clippy::too_many_arguments)]
    fn custom_report(
        &self,
        py: Python<'_>,
        report: String,
        locale: Option<String>,
        api: &str,
        names: &str,
        wait: bool,
        timeout: f64,
    ) -> PyResult<PyTable> {
        if !(timeout.is_finite() && (0.0..=crate::config::MAX_TIMEOUT).contains(&timeout)) {
            return Err(PyValueError::new_err(
                "timeout must be a number of seconds from 0 to 86400",
            ));
        }
        let query = ReportQuery {
            locale,
            names: names.parse()?,
            wait,
            timeout: std::time::Duration::from_secs_f64(timeout),
            api: api.parse()?,
        };
        let client = self.client.clone();
        // `wait` is an argument here, so the helper is named in full.
        let table = super::wait::wait(
            py,
            async move { client.custom_report(&report, &query).await },
        )?;
        finish(py, table)
    }

    /// The attendances of the days from `start` to `end` (both included), one row per
    /// worked period, from v2 attendance periods (`api="auto"` or `"v2"`) or v1
    /// (`api="v1"`): the same columns either way.
    #[pyo3(signature = (start, end, *, employees = None, api = "auto"))]
    fn attendances(
        &self,
        py: Python<'_>,
        start: Bound<'_, PyAny>,
        end: Bound<'_, PyAny>,
        employees: Option<Bound<'_, PyAny>>,
        api: &str,
    ) -> PyResult<PyTable> {
        let query: AttendanceQuery = period_query(&start, &end, employees, api)?;
        let client = self.client.clone();
        finish(
            py,
            wait(py, async move { client.attendances(&query).await })?,
        )
    }

    /// The departments (`type="department"`) or teams (`"team"`), each with the ids
    /// of its ancestors from the root down (`ancestor_ids`).
    #[pyo3(signature = (r#type))]
    fn org_units(&self, py: Python<'_>, r#type: &str) -> PyResult<PyTable> {
        let kind: OrgUnitType = r#type.parse()?;
        let client = self.client.clone();
        finish(py, wait(py, async move { client.org_units(kind).await })?)
    }

    /// The cost centers: id, name.
    fn cost_centers(&self, py: Python<'_>) -> PyResult<PyTable> {
        let client = self.client.clone();
        finish(py, wait(py, async move { client.cost_centers().await })?)
    }

    /// The legal entities: id, name, country.
    fn legal_entities(&self, py: Python<'_>) -> PyResult<PyTable> {
        let client = self.client.clone();
        finish(py, wait(py, async move { client.legal_entities().await })?)
    }

    /// The workplaces: id, name.
    fn workplaces(&self, py: Python<'_>) -> PyResult<PyTable> {
        let client = self.client.clone();
        finish(py, wait(py, async move { client.workplaces().await })?)
    }

    /// The projects: id, name, code, client, billable, cost center, parent, status,
    /// dates.
    fn projects(&self, py: Python<'_>) -> PyResult<PyTable> {
        let client = self.client.clone();
        finish(py, wait(py, async move { client.projects().await })?)
    }

    /// An employee's profile picture, as the image file's bytes.
    #[pyo3(signature = (employee_id, *, width = None))]
    fn profile_picture<'py>(
        &self,
        py: Python<'py>,
        employee_id: i64,
        width: Option<i64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let picture = self.picture(py, employee_id, width)?;
        Ok(PyBytes::new(py, &picture.bytes))
    }

    /// An employee's profile picture: the bytes, the media type as sent and a file
    /// extension for it (`png`, `jpg`, ...).
    #[pyo3(signature = (employee_id, *, width = None))]
    fn profile_picture_with_type<'py>(
        &self,
        py: Python<'py>,
        employee_id: i64,
        width: Option<i64>,
    ) -> PyResult<(Bound<'py, PyBytes>, String, String)> {
        let picture = self.picture(py, employee_id, width)?;
        let extension = picture.extension();
        Ok((
            PyBytes::new(py, &picture.bytes),
            picture.content_type,
            extension,
        ))
    }

    /// The absences that meet a day from `start` to `end` (both included), day-based and
    /// hourly in one table with a `unit` column, from v2 absence periods (`api="auto"` or
    /// `"v2"`) or v1 time-offs and absence periods (`api="v1"`): the same columns either
    /// way.
    #[pyo3(signature = (start, end, *, employees = None, api = "auto"))]
    fn absences(
        &self,
        py: Python<'_>,
        start: Bound<'_, PyAny>,
        end: Bound<'_, PyAny>,
        employees: Option<Bound<'_, PyAny>>,
        api: &str,
    ) -> PyResult<PyTable> {
        let query: AbsenceQuery = period_query(&start, &end, employees, api)?;
        let client = self.client.clone();
        finish(py, wait(py, async move { client.absences(&query).await })?)
    }

    /// The absence types: id, name, category, unit, approval_required, from v2
    /// (`api="auto"` or `"v2"`) or v1 time-off types (`api="v1"`).
    #[pyo3(signature = (*, api = "auto"))]
    fn absence_types(&self, py: Python<'_>, api: &str) -> PyResult<PyTable> {
        let api: AbsenceApi = api.parse()?;
        let client = self.client.clone();
        finish(
            py,
            wait(py, async move { client.absence_types(api).await })?,
        )
    }

    /// Creates an employee; its id. Never sent twice unless it cannot have arrived.
    #[pyo3(signature = (email, first_name, last_name, *, gender = None, position = None, department = None, hire_date = None, weekly_hours = None, custom_attributes = None))]
    #[allow(clippy::too_many_arguments)]
    fn create_employee(
        &self,
        py: Python<'_>,
        email: String,
        first_name: String,
        last_name: String,
        gender: Option<String>,
        position: Option<String>,
        department: Option<String>,
        hire_date: Option<Bound<'_, PyAny>>,
        weekly_hours: Option<f64>,
        custom_attributes: Option<Bound<'_, PyDict>>,
    ) -> PyResult<i64> {
        let fields = EmployeeFields {
            email: Some(email),
            first_name: Some(first_name),
            last_name: Some(last_name),
            ..employee_fields(
                gender,
                position,
                department,
                hire_date,
                weekly_hours,
                custom_attributes,
            )?
        };
        let client = self.client.clone();
        let written = wait(py, async move { client.create_employee(&fields).await })?;
        warn_ignored(py, &written.ignored)?;
        Ok(written.id)
    }

    /// Changes the given fields of an employee.
    #[pyo3(signature = (employee_id, *, email = None, first_name = None, last_name = None, gender = None, position = None, department = None, hire_date = None, weekly_hours = None, custom_attributes = None))]
    #[allow(clippy::too_many_arguments)]
    fn update_employee(
        &self,
        py: Python<'_>,
        employee_id: i64,
        email: Option<String>,
        first_name: Option<String>,
        last_name: Option<String>,
        gender: Option<String>,
        position: Option<String>,
        department: Option<String>,
        hire_date: Option<Bound<'_, PyAny>>,
        weekly_hours: Option<f64>,
        custom_attributes: Option<Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let fields = EmployeeFields {
            email,
            first_name,
            last_name,
            ..employee_fields(
                gender,
                position,
                department,
                hire_date,
                weekly_hours,
                custom_attributes,
            )?
        };
        let client = self.client.clone();
        let written = wait(py, async move {
            client.update_employee(employee_id, &fields).await
        })?;
        warn_ignored(py, &written.ignored)
    }

    /// Creates attendance periods in one batch; one result row per row given.
    fn create_attendances(&self, py: Python<'_>, rows: Bound<'_, PyAny>) -> PyResult<PyTable> {
        let rows = attendance_rows(&rows)?;
        let client = self.client.clone();
        finish(
            py,
            wait(py, async move { client.create_attendances(&rows).await })?,
        )
    }

    /// Deletes an attendance period.
    fn delete_attendance(&self, py: Python<'_>, attendance_id: i64) -> PyResult<()> {
        let client = self.client.clone();
        wait(
            py,
            async move { client.delete_attendance(attendance_id).await },
        )
    }

    /// Creates a day-based absence; its id.
    #[pyo3(signature = (employee_id, time_off_type_id, start_date, end_date, *, half_day_start = false, half_day_end = false, comment = None))]
    #[allow(clippy::too_many_arguments)]
    fn create_absence(
        &self,
        py: Python<'_>,
        employee_id: i64,
        time_off_type_id: i64,
        start_date: Bound<'_, PyAny>,
        end_date: Bound<'_, PyAny>,
        half_day_start: bool,
        half_day_end: bool,
        comment: Option<String>,
    ) -> PyResult<i64> {
        let absence = NewAbsence {
            employee_id,
            time_off_type_id,
            start_date: day_text("start_date", &start_date)?,
            end_date: day_text("end_date", &end_date)?,
            half_day_start,
            half_day_end,
            comment,
        };
        let client = self.client.clone();
        wait(py, async move { client.create_absence(&absence).await })
    }

    /// Deletes a day-based absence.
    fn delete_absence(&self, py: Python<'_>, absence_id: i64) -> PyResult<()> {
        let client = self.client.clone();
        wait(py, async move { client.delete_absence(absence_id).await })
    }

    /// One employee's balance for each absence type that keeps one.
    fn absence_balances(&self, py: Python<'_>, employee_id: i64) -> PyResult<PyTable> {
        let client = self.client.clone();
        finish(
            py,
            wait(
                py,
                async move { client.absence_balances(employee_id).await },
            )?,
        )
    }
}

impl PyClient {
    fn picture(&self, py: Python<'_>, employee_id: i64, width: Option<i64>) -> PyResult<Picture> {
        let width = width
            .map(|w| {
                u32::try_from(w).map_err(|_| {
                    PyValueError::new_err(format!(
                        "width must be a positive number of pixels, got {w}"
                    ))
                })
            })
            .transpose()?;
        let client = self.client.clone();
        wait(py, async move {
            client.profile_picture(employee_id, width).await
        })
    }
}

/// The fields both employee writes take besides the names, from their Python
/// arguments.
fn employee_fields(
    gender: Option<String>,
    position: Option<String>,
    department: Option<String>,
    hire_date: Option<Bound<'_, PyAny>>,
    weekly_hours: Option<f64>,
    custom_attributes: Option<Bound<'_, PyDict>>,
) -> PyResult<EmployeeFields> {
    Ok(EmployeeFields {
        gender,
        position,
        department,
        hire_date: hire_date.map(|d| day_text("hire_date", &d)).transpose()?,
        weekly_hours,
        custom_attributes: custom_attributes
            .map(|c| custom_values(&c))
            .transpose()?
            .unwrap_or_default(),
        ..EmployeeFields::default()
    })
}

fn finish(py: Python<'_>, table: Table) -> PyResult<PyTable> {
    warn_all(py, &table.warnings)?;
    Ok(PyTable::new(table))
}

/// A list of keys; a single string is one key.
fn attribute_keys(value: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(key) = value.cast::<PyString>() {
        return Ok(vec![key.extract::<String>()?]);
    }
    value
        .try_iter()
        .and_then(|items| items.map(|item| item?.extract::<String>()).collect())
        .map_err(|_| PyTypeError::new_err("attributes must be a list of attribute keys (str)"))
}

/// The query of a listing of periods (attendances, absences) from its Python arguments.
fn period_query<Api>(
    start: &Bound<'_, PyAny>,
    end: &Bound<'_, PyAny>,
    employees: Option<Bound<'_, PyAny>>,
    api: &str,
) -> PyResult<PeriodQuery<Api>>
where
    Api: Default + FromStr<Err = Error>,
{
    let mut query = PeriodQuery::from_days(&day_text("start", start)?, &day_text("end", end)?)?;
    query.employees = employees.map(|e| employee_ids(&e)).transpose()?;
    query.api = api.parse()?;
    Ok(query)
}

/// A `datetime.date` or a `YYYY-MM-DD` string as text for the core, which checks it.
pub(super) fn day_text(argument: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_instance_of::<PyDateTime>() {
        return Err(PyValueError::new_err(format!(
            "{argument} is a datetime: the days are whole, pass a datetime.date"
        )));
    }
    if value.is_instance_of::<PyDate>() {
        return value.call_method0("isoformat")?.extract();
    }
    if let Ok(text) = value.cast::<PyString>() {
        return text.extract::<String>();
    }
    Err(PyTypeError::new_err(format!(
        "{argument} must be a datetime.date or a \"YYYY-MM-DD\" string"
    )))
}

/// Employee ids: integers, not a single one, not text.
fn employee_ids(value: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    let refused = || PyTypeError::new_err("employees must be a list of employee ids (int)");
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyInt>() {
        return Err(refused());
    }
    value
        .try_iter()
        .map_err(|_| refused())?
        .map(|item| {
            let item = item?;
            if item.is_instance_of::<PyBool>() || !item.is_instance_of::<PyInt>() {
                return Err(refused());
            }
            item.extract::<i64>().map_err(|_| refused())
        })
        .collect()
}

/// An aware datetime or an ISO 8601 string with an offset, as text for the core.
fn instant_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(datetime) = value.cast::<PyDateTime>() {
        if datetime.getattr("tzinfo")?.is_none() || datetime.call_method0("utcoffset")?.is_none() {
            return Err(PyValueError::new_err(
                "updated_since is a naive datetime: give it a time zone, e.g. datetime(2024, 1, 31, tzinfo=timezone.utc)",
            ));
        }
        return datetime.call_method0("isoformat")?.extract();
    }
    if value.is_instance_of::<PyDate>() {
        return Err(PyValueError::new_err(
            "updated_since needs a time zone: pass a timezone-aware datetime, not a date",
        ));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return text.extract::<String>();
    }
    Err(PyTypeError::new_err(
        "updated_since must be a timezone-aware datetime or an ISO 8601 string",
    ))
}
