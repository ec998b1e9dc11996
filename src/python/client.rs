//! `personio_arrow.Client` and `personio_arrow.AsyncClient`.
//!
//! Both are thin subclasses of one private class that has every method: a method reads
//! its arguments and builds its core call once, then `PyClient::call` either waits for
//! it (`Client`) or hands it back as a coroutine (`AsyncClient`), by the client's mode.

use std::future::Future;
use std::str::FromStr;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDate, PyDateTime, PyDict, PyInt, PyString, PyTuple};
use pyo3::IntoPyObjectExt;

use super::awaitable::Pending;

use super::errors::{warn_all, warn_ignored};
use super::progress::{wait_reporting, Reporting};
use super::stream::PyRecordBatchStream;
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

/// How a client's methods give their results.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Wait for the call, with the GIL released: `Client`.
    Blocking,
    /// Return a coroutine that makes the call when awaited: `AsyncClient`.
    Awaitable,
}

/// The methods `Client` and `AsyncClient` share; Python never makes one of these alone.
#[pyclass(
    module = "personio_arrow._core",
    name = "_ClientMethods",
    frozen,
    subclass
)]
pub struct PyClient {
    client: Client,
    mode: Mode,
}

/// A Personio API client; safe to share between threads.
#[pyclass(module = "personio_arrow", name = "Client", frozen, extends = PyClient)]
pub struct PyBlockingClient;

/// `Client` with awaitable methods, for asyncio; safe to share between threads.
#[pyclass(module = "personio_arrow", name = "AsyncClient", frozen, extends = PyClient)]
pub struct PyAsyncClient;

#[pymethods]
impl PyBlockingClient {
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
        concurrency = 16,
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
    ) -> PyResult<PyClassInitializer<Self>> {
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
        let client = Client::new(options)?;
        Ok(PyClassInitializer::from(PyClient {
            client,
            mode: Mode::Blocking,
        })
        .add_subclass(PyBlockingClient))
    }
}

#[pymethods]
impl PyAsyncClient {
    /// Takes what `Client` takes: it reads the arguments, so they are read in one place.
    #[new]
    #[pyo3(signature = (*args, **kwargs))]
    fn new(
        py: Python<'_>,
        args: Bound<'_, PyTuple>,
        kwargs: Option<Bound<'_, PyDict>>,
    ) -> PyResult<PyClassInitializer<Self>> {
        let blocking = py
            .get_type::<PyBlockingClient>()
            .call(args, kwargs.as_ref())?;
        let client = blocking.cast::<PyClient>()?.get().client.clone();
        Ok(PyClassInitializer::from(PyClient {
            client,
            mode: Mode::Awaitable,
        })
        .add_subclass(PyAsyncClient))
    }
}

#[pymethods]
impl PyClient {
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
            "personio_arrow.{}(base_url={:?}, client_id={:?})",
            match self.mode {
                Mode::Blocking => "Client",
                Mode::Awaitable => "AsyncClient",
            },
            config.base_url.as_str(),
            config.client_id
        )
    }

    /// Every employee, one row each, typed by what Personio says of each attribute.
    #[pyo3(
        signature = (*, attributes = None, updated_since = None, names = "key", progress = Reporting::Off),
        text_signature = "(self, /, *, attributes=None, updated_since=None, names='key', progress=False)"
    )]
    fn employees(
        &self,
        py: Python<'_>,
        attributes: Option<Bound<'_, PyAny>>,
        updated_since: Option<Bound<'_, PyAny>>,
        names: &str,
        progress: Reporting<'_>,
    ) -> PyResult<Py<PyAny>> {
        let query = employee_query(attributes, updated_since, names)?;
        let client = self.client.clone();
        let read = async move { client.employees(&query).await };
        self.call_reporting(py, progress, "employees", read)
    }

    /// Every employee as a stream of record batches of at most `batch_size` rows,
    /// handed out while later pages still download (see `RecordBatchStream`); 10,000
    /// rows by default, a few megabytes of typed columns.
    #[pyo3(signature = (*, batch_size = 10000, attributes = None, updated_since = None, names = "key"))]
    fn iter_employees(
        &self,
        py: Python<'_>,
        batch_size: usize,
        attributes: Option<Bound<'_, PyAny>>,
        updated_since: Option<Bound<'_, PyAny>>,
        names: &str,
    ) -> PyResult<PyRecordBatchStream> {
        check_batch_size(batch_size)?;
        let query = employee_query(attributes, updated_since, names)?;
        let client = self.client.clone();
        PyRecordBatchStream::start(py, move |out| async move {
            client.stream_employees(&query, batch_size, out).await
        })
    }

    /// One employee as a one-row table.
    #[pyo3(signature = (employee_id, *, names = "key"))]
    fn employee(&self, py: Python<'_>, employee_id: i64, names: &str) -> PyResult<Py<PyAny>> {
        let names: Names = names.parse()?;
        let client = self.client.clone();
        self.call(
            py,
            async move { client.employee(employee_id, names).await },
            table,
        )
    }

    /// The attributes this credential may read: key, label, type, universal_id, options.
    fn employee_attributes(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        self.call(py, async move { client.employee_attributes().await }, table)
    }

    /// The custom reports this credential can see: id, name, type, status, dates, columns.
    fn custom_reports(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        self.call(py, async move { client.custom_reports().await }, table)
    }

    /// One custom report by ID or web-app URL. `api="auto"` reads it through the v2
    /// Report API where it is served there, else v1; while Personio is still updating
    /// it, waits up to `timeout` seconds, or fails at once with `wait=False`.
    #[pyo3(
        signature = (report, *, locale = None, api = "auto", names = "key", wait = true, timeout = 300.0, progress = Reporting::Off),
        text_signature = "(self, /, report, *, locale=None, api='auto', names='key', wait=True, timeout=300.0, progress=False)"
    )]
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
        progress: Reporting<'_>,
    ) -> PyResult<Py<PyAny>> {
        let query = report_query(locale, api, names, wait, timeout)?;
        let client = self.client.clone();
        let read = async move { client.custom_report(&report, &query).await };
        self.call_reporting(py, progress, "custom report", read)
    }

    /// One custom report, read as `custom_report` reads it, as a stream of record
    /// batches of at most `batch_size` rows handed out while the rest still downloads
    /// (see `RecordBatchStream`).
    #[pyo3(
        signature = (report, *, batch_size = 10000, locale = None, api = "auto", names = "key", wait = true, timeout = 300.0),
        text_signature = "(self, /, report, *, batch_size=10000, locale=None, api='auto', names='key', wait=True, timeout=300.0)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn iter_custom_report(
        &self,
        py: Python<'_>,
        report: String,
        batch_size: usize,
        locale: Option<String>,
        api: &str,
        names: &str,
        wait: bool,
        timeout: f64,
    ) -> PyResult<PyRecordBatchStream> {
        check_batch_size(batch_size)?;
        let query = report_query(locale, api, names, wait, timeout)?;
        let client = self.client.clone();
        PyRecordBatchStream::start(py, move |out| async move {
            client
                .stream_custom_report(&report, &query, batch_size, out)
                .await
        })
    }

    /// The attendances of the days from `start` to `end` (both included), one row per
    /// worked period, from v2 attendance periods (`api="auto"` or `"v2"`) or v1
    /// (`api="v1"`): the same columns either way.
    #[pyo3(
        signature = (start, end, *, employees = None, api = "auto", progress = Reporting::Off),
        text_signature = "(self, /, start, end, *, employees=None, api='auto', progress=False)"
    )]
    fn attendances(
        &self,
        py: Python<'_>,
        start: Bound<'_, PyAny>,
        end: Bound<'_, PyAny>,
        employees: Option<Bound<'_, PyAny>>,
        api: &str,
        progress: Reporting<'_>,
    ) -> PyResult<Py<PyAny>> {
        let query: AttendanceQuery = period_query(&start, &end, employees, api)?;
        let client = self.client.clone();
        let read = async move { client.attendances(&query).await };
        self.call_reporting(py, progress, "attendances", read)
    }

    /// The departments (`type="department"`) or teams (`"team"`), each with the ids
    /// of its ancestors from the root down (`ancestor_ids`).
    #[pyo3(signature = (r#type))]
    fn org_units(&self, py: Python<'_>, r#type: &str) -> PyResult<Py<PyAny>> {
        let kind: OrgUnitType = r#type.parse()?;
        let client = self.client.clone();
        self.call(py, async move { client.org_units(kind).await }, table)
    }

    /// The cost centers: id, name.
    fn cost_centers(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        self.call(py, async move { client.cost_centers().await }, table)
    }

    /// The legal entities: id, name, country.
    fn legal_entities(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        self.call(py, async move { client.legal_entities().await }, table)
    }

    /// The workplaces: id, name.
    fn workplaces(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        self.call(py, async move { client.workplaces().await }, table)
    }

    /// The projects: id, name, code, client, billable, cost center, parent, status,
    /// dates.
    fn projects(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        self.call(py, async move { client.projects().await }, table)
    }

    /// An employee's profile picture, as the image file's bytes.
    #[pyo3(signature = (employee_id, *, width = None))]
    fn profile_picture(
        &self,
        py: Python<'_>,
        employee_id: i64,
        width: Option<i64>,
    ) -> PyResult<Py<PyAny>> {
        self.picture(py, employee_id, width, |py, picture| {
            PyBytes::new(py, &picture.bytes).into_py_any(py)
        })
    }

    /// An employee's profile picture: the bytes, the media type as sent and a file
    /// extension for it (`png`, `jpg`, ...).
    #[pyo3(signature = (employee_id, *, width = None))]
    fn profile_picture_with_type(
        &self,
        py: Python<'_>,
        employee_id: i64,
        width: Option<i64>,
    ) -> PyResult<Py<PyAny>> {
        self.picture(py, employee_id, width, |py, picture| {
            let extension = picture.extension();
            (
                PyBytes::new(py, &picture.bytes),
                picture.content_type,
                extension,
            )
                .into_py_any(py)
        })
    }

    /// The absences that meet a day from `start` to `end` (both included), day-based and
    /// hourly in one table with a `unit` column, from v2 absence periods (`api="auto"` or
    /// `"v2"`) or v1 time-offs and absence periods (`api="v1"`): the same columns either
    /// way.
    #[pyo3(
        signature = (start, end, *, employees = None, api = "auto", progress = Reporting::Off),
        text_signature = "(self, /, start, end, *, employees=None, api='auto', progress=False)"
    )]
    fn absences(
        &self,
        py: Python<'_>,
        start: Bound<'_, PyAny>,
        end: Bound<'_, PyAny>,
        employees: Option<Bound<'_, PyAny>>,
        api: &str,
        progress: Reporting<'_>,
    ) -> PyResult<Py<PyAny>> {
        let query: AbsenceQuery = period_query(&start, &end, employees, api)?;
        let client = self.client.clone();
        let read = async move { client.absences(&query).await };
        self.call_reporting(py, progress, "absences", read)
    }

    /// The absence types: id, name, category, unit, approval_required, from v2
    /// (`api="auto"` or `"v2"`) or v1 time-off types (`api="v1"`).
    #[pyo3(signature = (*, api = "auto"))]
    fn absence_types(&self, py: Python<'_>, api: &str) -> PyResult<Py<PyAny>> {
        let api: AbsenceApi = api.parse()?;
        let client = self.client.clone();
        self.call(py, async move { client.absence_types(api).await }, table)
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
    ) -> PyResult<Py<PyAny>> {
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
        self.call(
            py,
            async move { client.create_employee(&fields).await },
            |py, written| {
                warn_ignored(py, &written.ignored)?;
                written.id.into_py_any(py)
            },
        )
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
    ) -> PyResult<Py<PyAny>> {
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
        self.call(
            py,
            async move { client.update_employee(employee_id, &fields).await },
            |py, written| {
                warn_ignored(py, &written.ignored)?;
                Ok(py.None())
            },
        )
    }

    /// Creates attendance periods in one batch; one result row per row given.
    fn create_attendances(&self, py: Python<'_>, rows: Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let rows = attendance_rows(&rows)?;
        let client = self.client.clone();
        self.call(
            py,
            async move { client.create_attendances(&rows).await },
            table,
        )
    }

    /// Deletes an attendance period.
    fn delete_attendance(&self, py: Python<'_>, attendance_id: i64) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        self.call(
            py,
            async move { client.delete_attendance(attendance_id).await },
            nothing,
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
    ) -> PyResult<Py<PyAny>> {
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
        self.call(
            py,
            async move { client.create_absence(&absence).await },
            |py, id| id.into_py_any(py),
        )
    }

    /// Deletes a day-based absence.
    fn delete_absence(&self, py: Python<'_>, absence_id: i64) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        self.call(
            py,
            async move { client.delete_absence(absence_id).await },
            nothing,
        )
    }

    /// One employee's balance for each absence type that keeps one.
    fn absence_balances(&self, py: Python<'_>, employee_id: i64) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        self.call(
            py,
            async move { client.absence_balances(employee_id).await },
            table,
        )
    }
}

impl PyClient {
    /// Makes `call` and gives what `finish` makes of its value: at once for `Client`,
    /// when awaited for `AsyncClient`.
    fn call<T, F>(&self, py: Python<'_>, call: F, finish: Finish<T>) -> PyResult<Py<PyAny>>
    where
        T: Send + 'static,
        F: Future<Output = crate::error::Result<T>> + Send + 'static,
    {
        match self.mode {
            Mode::Blocking => finish(py, wait(py, call)?),
            Mode::Awaitable => Pending::new(call, finish).into_py_any(py),
        }
    }

    /// `call` for a long read: the blocking client reports its progress as asked; the
    /// awaitable one has no waiting loop to draw from, so it refuses a bar.
    fn call_reporting<F>(
        &self,
        py: Python<'_>,
        progress: Reporting<'_>,
        what: &str,
        read: F,
    ) -> PyResult<Py<PyAny>>
    where
        F: Future<Output = crate::error::Result<Table>> + Send + 'static,
    {
        match (self.mode, progress) {
            (Mode::Blocking, progress) => table(py, wait_reporting(py, progress, what, read)?),
            (Mode::Awaitable, Reporting::Off) => self.call(py, read, table),
            (Mode::Awaitable, _) => Err(PyValueError::new_err(
                "progress= is for Client; AsyncClient reads without a bar",
            )),
        }
    }

    /// A profile picture call, given to Python by `give`.
    fn picture(
        &self,
        py: Python<'_>,
        employee_id: i64,
        width: Option<i64>,
        give: Finish<Picture>,
    ) -> PyResult<Py<PyAny>> {
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
        self.call(
            py,
            async move { client.profile_picture(employee_id, width).await },
            give,
        )
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

/// How a call's value becomes the Python value its method returns.
type Finish<T> = fn(Python<'_>, T) -> PyResult<Py<PyAny>>;

/// A table, its type fallbacks warned about at the user's line.
fn table(py: Python<'_>, table: Table) -> PyResult<Py<PyAny>> {
    crate::allocator::give_back_freed();
    warn_all(py, &table.warnings)?;
    PyTable::new(table).into_py_any(py)
}

/// `None`, for the writes that return nothing.
fn nothing(py: Python<'_>, _: ()) -> PyResult<Py<PyAny>> {
    Ok(py.None())
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

/// The query of an employee listing from its Python arguments.
fn employee_query(
    attributes: Option<Bound<'_, PyAny>>,
    updated_since: Option<Bound<'_, PyAny>>,
    names: &str,
) -> PyResult<EmployeeQuery> {
    Ok(EmployeeQuery {
        attributes: attributes.map(|a| attribute_keys(&a)).transpose()?,
        updated_since: updated_since.map(|u| instant_text(&u)).transpose()?,
        names: names.parse()?,
    })
}

/// Refuses a stream's `batch_size` of 0 before anything is read.
fn check_batch_size(batch_size: usize) -> PyResult<()> {
    if batch_size == 0 {
        return Err(Error::invalid_argument("batch_size must be at least 1").into());
    }
    Ok(())
}

/// The query of one report from its Python arguments.
fn report_query(
    locale: Option<String>,
    api: &str,
    names: &str,
    wait: bool,
    timeout: f64,
) -> PyResult<ReportQuery> {
    if !(timeout.is_finite() && (0.0..=crate::config::MAX_TIMEOUT).contains(&timeout)) {
        return Err(PyValueError::new_err(
            "timeout must be a number of seconds from 0 to 86400",
        ));
    }
    Ok(ReportQuery {
        locale,
        names: names.parse()?,
        wait,
        timeout: std::time::Duration::from_secs_f64(timeout),
        api: api.parse()?,
    })
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
