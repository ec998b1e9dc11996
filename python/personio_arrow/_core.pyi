"""Type stubs of the native module ``personio_arrow._core``."""

from datetime import date, datetime, time
from os import PathLike
from typing import Any, Callable, Literal, Sequence, TypedDict, final, type_check_only

from typing_extensions import NotRequired, Required, Self, TypeAlias

__all__ = [
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "FakeServer",
    "InvalidResponseError",
    "ListingChangedError",
    "NetworkError",
    "NotFoundError",
    "PermissionDeniedError",
    "PersonioError",
    "RateLimitError",
    "RecordBatchStream",
    "ReportNotReadyError",
    "ServerError",
    "Table",
    "TypeFallbackWarning",
    "ValidationError",
    "__version__",
    "format_table",
    "write_stream",
    "write_table",
]

__version__: str

# `progress=` of the long reads: False (silent), True (a bar on stderr: tqdm's where
# tqdm is installed), or a callable taking (records done, total or None while unknown),
# called from the calling thread; its last call is (rows, rows) once the table is whole.
_Progress: TypeAlias = bool | Callable[[int, int | None], object]

@final
class Table:
    """A typed table returned by every read; Arrow memory owned by Rust.

    Implements the Arrow PyCapsule interface, so ``pa.table(t)``, ``pl.DataFrame(t)``
    and DuckDB read it without a copy.
    """

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def __arrow_c_schema__(self) -> object: ...
    @property
    def num_rows(self) -> int: ...
    @property
    def nbytes(self) -> int:
        """Bytes of the table's Arrow buffers, a buffer shared by several batches once."""
    @property
    def column_names(self) -> list[str]: ...
    @property
    def schema(self) -> Any:
        """The ``pyarrow.Schema``, with Personio metadata on every field (needs pyarrow)."""
    def __len__(self) -> int: ...
    def to_pyarrow(self) -> Any:
        """A ``pyarrow.Table`` sharing this table's memory."""
    def to_polars(self) -> Any:
        """A ``polars.DataFrame``."""
    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with datetime64, Int64, category and string dtypes."""
    def _repr_html_(self) -> str: ...

@final
class RecordBatchStream:
    """Record batches of a read still running, consumable once.

    Implements the Arrow PyCapsule stream interface (``pa.RecordBatchReader.from_stream``,
    ``pl.from_arrow``, DuckDB), and iterates as ``pyarrow.RecordBatch`` es. Dropping or
    closing it stops the read.
    """

    @property
    def schema(self) -> Any:
        """The ``pyarrow.Schema`` of every batch (needs pyarrow)."""
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def __arrow_c_schema__(self) -> object: ...
    def __iter__(self) -> Self: ...
    def __next__(self) -> Any:
        """The next ``pyarrow.RecordBatch``; the read's error if it failed."""
    def close(self) -> None:
        """Stops the read now."""

@final
class Client:
    """A Personio API client; safe to share between threads.

    Missing arguments come from PERSONIO_CLIENT_ID, PERSONIO_CLIENT_SECRET and
    PERSONIO_BASE_URL; the base URL defaults to https://api.personio.de. Plain http is
    refused for hosts other than loopback unless allow_http=True. `timeout` bounds each
    request, `deadline` a whole call (every page, retry and rate-limit wait), and
    `max_response_bytes` the size of any one response.
    """

    def __new__(
        cls,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        base_url: str | None = None,
        partner_id: str | None = None,
        app_id: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        concurrency: int = 16,
        deadline: float = 600.0,
        max_response_bytes: int = 67108864,
        allow_http: bool = False,
    ) -> Self: ...
    @property
    def base_url(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    def employees(
        self,
        *,
        attributes: Sequence[str] | str | None = None,
        updated_since: datetime | str | None = None,
        names: Literal["key", "label"] = "key",
        progress: _Progress = False,
    ) -> Table:
        """Every employee, one row each, typed."""
    def iter_employees(
        self,
        *,
        batch_size: int = 10000,
        attributes: Sequence[str] | str | None = None,
        updated_since: datetime | str | None = None,
        names: Literal["key", "label"] = "key",
    ) -> RecordBatchStream:
        """Every employee as record batches of at most ``batch_size`` rows, while the
        listing is still read."""
    def employee(self, employee_id: int, *, names: Literal["key", "label"] = "key") -> Table:
        """One employee as a one-row table."""
    def employee_attributes(self) -> Table:
        """The readable attributes: key, label, type, universal_id, options."""
    def custom_reports(self) -> Table:
        """The custom reports this credential can see: id, name, type, status, dates, columns."""
    def custom_report(
        self,
        report: str,
        *,
        locale: str | None = None,
        api: Literal["auto", "v1", "v2"] = "auto",
        names: Literal["key", "label"] = "key",
        wait: bool = True,
        timeout: float = 300.0,
        progress: _Progress = False,
    ) -> Table:
        """One custom report by ID or web-app URL, typed by its columns' data types."""
    def iter_custom_report(
        self,
        report: str,
        *,
        batch_size: int = 10000,
        locale: str | None = None,
        api: Literal["auto", "v1", "v2"] = "auto",
        names: Literal["key", "label"] = "key",
        wait: bool = True,
        timeout: float = 300.0,
    ) -> RecordBatchStream:
        """One custom report, read as ``custom_report`` reads it, as record batches of at
        most ``batch_size`` rows while it is still read."""
    def attendances(
        self,
        start: date | str,
        end: date | str,
        *,
        employees: Sequence[int] | None = None,
        api: Literal["auto", "v1", "v2"] = "auto",
        progress: _Progress = False,
    ) -> Table:
        """The attendances of the days from ``start`` to ``end`` (both included).

        One row per worked period, from v2 attendance periods (``api="auto"`` or
        ``"v2"``) or v1 attendances (``api="v1"``), with the same columns either way:
        ``id`` (text: a v2 UUID or a v1 integer), ``employee_id`` (int64), ``date``,
        ``start`` and ``end`` (``timestamp[us]`` without a time zone: the company's
        local wall-clock time as Personio writes it; ``end`` is null while a period is
        open), ``break_minutes`` (v2 BREAK periods are folded into the work period
        that contains them), ``project_id``, ``project_name`` (v2 names come from one
        ``GET /v2/projects`` listing, asked for only when a period has a project),
        ``status`` (``CONFIRMED``, ``PENDING``, ``REJECTED``), ``comment``,
        ``is_holiday``, ``is_on_time_off``, ``created_at`` (null through v1) and
        ``updated_at`` (``timestamp[us, UTC]``). ``employees`` keeps only those
        employee ids. A bad day or ``api`` raises ValueError.
        """
    def org_units(self, type: Literal["department", "team"]) -> Table:
        """The departments or the teams (``GET /v2/org-units``), one row each.

        Columns, all text except the last: ``id``, ``type``, ``name``,
        ``abbreviation``, ``description``, ``parent_id`` (null at a root) and
        ``ancestor_ids`` (``list<string>``: the ids above the unit, from its root down
        to ``parent_id``; empty at a root). Departments and teams are separate trees.
        A parent the listing does not hold ends the chain there; parents that form a
        cycle raise InvalidResponseError. Another ``type`` raises ValueError.
        """
    def cost_centers(self) -> Table:
        """The cost centers (``GET /v2/cost-centers``): ``id``, ``name``."""
    def legal_entities(self) -> Table:
        """The legal entities (``GET /v2/legal-entities``): ``id``, ``name``, ``country``."""
    def workplaces(self) -> Table:
        """The workplaces (``GET /v2/workplaces``): ``id``, ``name``."""
    def projects(self) -> Table:
        """The projects (``GET /v2/projects``).

        Columns: ``id``, ``name``, ``project_code``, ``client_name`` (text),
        ``billable`` (bool), ``cost_center_id``, ``parent_project_id``, ``status``
        (text), ``start_date`` and ``end_date`` (date).
        """
    def profile_picture(self, employee_id: int, *, width: int | None = None) -> bytes:
        """The employee's profile picture, as the image file's bytes.

        ``width`` asks Personio for that many pixels (default: the original size).
        Raises NotFoundError when the employee has no picture, does not exist, or the
        credential's attribute whitelist leaves out "Profile Picture"; and
        InvalidResponseError when the answer is not an image.
        """
    def profile_picture_with_type(
        self, employee_id: int, *, width: int | None = None
    ) -> tuple[bytes, str, str]:
        """The profile picture as ``(bytes, media type, file extension)``, e.g.
        ``(b"\\x89PNG...", "image/png", "png")``; otherwise as ``profile_picture``.
        """
    def absences(
        self,
        start: date | str,
        end: date | str,
        *,
        employees: Sequence[int] | None = None,
        api: Literal["auto", "v1", "v2"] = "auto",
        progress: _Progress = False,
    ) -> Table:
        """The absences that meet a day from ``start`` to ``end`` (both included).

        Day-based and hourly absences in one table, from v2 absence periods
        (``api="auto"`` or ``"v2"``) or v1 (``api="v1"``: time-offs for the day-based
        ones, absence periods for the hourly ones), with the same columns either way:
        ``id`` (text: a v2 UUID; a v1 integer for day-based absences read through v1),
        ``employee_id`` (int64), ``absence_type_id`` (text, the same split as ``id``),
        ``absence_type_name``, ``unit`` (``"day"`` or ``"hour"``), ``amount`` (float64:
        the days, a half day being 0.5, or the hours Personio counts, working days
        only), ``start`` and ``end`` (``timestamp[us]`` without a time zone: local
        wall-clock time; ``end`` is EXCLUSIVE, so a day-based absence from Monday to
        Wednesday ends Thursday 00:00, and null while an absence is open),
        ``half_day_start``, ``half_day_end``, ``status`` (``APPROVED``, ``PENDING``,
        ...), ``comment``, ``created_at`` and ``updated_at`` (``timestamp[us, UTC]``).
        Rows are ordered by ``start``, then ``employee_id``. Through v2 each period's
        amount costs one request (its breakdowns). ``employees`` keeps only those
        employee ids. A bad day or ``api`` raises ValueError.
        """

    def absence_types(self, *, api: Literal["auto", "v1", "v2"] = "auto") -> Table:
        """The absence types: ``id`` (text), ``name``, ``category``, ``unit``
        (``"day"`` or ``"hour"``) and ``approval_required``, from v2 absence types
        (``api="auto"`` or ``"v2"``) or v1 time-off types (``api="v1"``; ids are then
        integers, as text). A field the API does not send is null.
        """

    def absence_balances(self, employee_id: int) -> Table:
        """One employee's balance per absence type that keeps one (v1): ``employee_id``,
        ``absence_type_id``, ``absence_type_name``, ``category``, ``balance`` (what is
        left after what was taken up to today) and ``available_balance`` (after planned
        absences too), in the type's unit. NotFoundError for an unknown employee.
        """

    # Writes. None is sent twice unless it cannot have been applied: it is sent again
    # only when no connection was made, or Personio answered 503 or 429 (it did not
    # take it) or refused the token (401). A reply lost after the request went out
    # (a reset, a cut body, a timeout, a 500/502/504) raises instead, since a second
    # try could create a second employee, absence or batch of attendances: check with
    # a read before trying again.
    def create_employee(
        self,
        email: str,
        first_name: str,
        last_name: str,
        *,
        gender: str | None = None,
        position: str | None = None,
        department: str | None = None,
        hire_date: date | str | None = None,
        weekly_hours: float | None = None,
        custom_attributes: dict[str, str | int | float | bool | date | None] | None = None,
    ) -> int:
        """Creates an employee (``POST /v1/company/employees``, right: Employees write);
        returns its id.

        ``gender`` is ``"male"``, ``"female"`` or ``"diverse"``; ``department`` a
        department's name; ``hire_date`` sets the status (active if past, onboarding
        otherwise). ``custom_attributes`` are named by key (``"dynamic_123"``) or by
        label, resolved through ``employee_attributes()``; a label that names no
        attribute, or several, is a ValueError naming it, before anything is sent.
        Personio's refusal (a taken email, an unknown gender) is a ValidationError
        naming the field. What Personio ignored of a write it applied (a department it
        does not know) is a ``UserWarning``.
        """

    def update_employee(
        self,
        employee_id: int,
        *,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        gender: str | None = None,
        position: str | None = None,
        department: str | None = None,
        hire_date: date | str | None = None,
        weekly_hours: float | None = None,
        custom_attributes: dict[str, str | int | float | bool | date | None] | None = None,
    ) -> None:
        """Changes the given fields of an employee (``PATCH
        /v1/company/employees/{id}``, right: Employees write); the others stay. The
        email cannot be changed (a ValueError). Custom attributes and refusals as in
        ``create_employee``; NotFoundError for an unknown employee.
        """

    def create_attendances(self, rows: Any) -> Table:
        """Creates attendance periods in one batch (``POST /v1/company/attendances``,
        right: Attendances write).

        ``rows``: a list of dicts or any Arrow table (pyarrow, polars, ...) with
        ``employee`` (id), ``date`` (``date`` or ``"YYYY-MM-DD"``), ``start_time`` and
        ``end_time`` (``time`` or ``"hh:mm"``; no end leaves the period open),
        ``break`` (minutes), and optional ``comment`` and ``project_id``.

        Personio may create some rows and refuse others (an overlap, an unknown
        project): nothing is hidden, the result has one row per row given: ``row``
        (its index), ``status`` (``"ok"`` or ``"error"``), ``id`` (of the period
        created) and ``error`` (Personio's reason). A batch refused whole raises
        ValidationError.
        """

    def delete_attendance(self, attendance_id: int) -> None:
        """Deletes an attendance period (``DELETE /v1/company/attendances/{id}``, right:
        Attendances write); NotFoundError if there is none.
        """

    def create_absence(
        self,
        employee_id: int,
        time_off_type_id: int,
        start_date: date | str,
        end_date: date | str,
        *,
        half_day_start: bool = False,
        half_day_end: bool = False,
        comment: str | None = None,
    ) -> int:
        """Creates a day-based absence (``POST /v1/company/time-offs``, form-encoded,
        right: Absences write) from ``start_date`` to ``end_date`` (both included);
        returns its id. ``time_off_type_id`` is a v1 type counted in days (see
        ``absence_types(api="v1")``). Personio's refusal (an overlap, an hourly type,
        half days the type does not allow) is a ValidationError; NotFoundError for an
        unknown employee or type.
        """

    def delete_absence(self, absence_id: int) -> None:
        """Deletes a day-based absence (``DELETE /v1/company/time-offs/{id}``, right:
        Absences write); NotFoundError if there is none.
        """

@final
class AsyncClient:
    """``Client`` for asyncio: the same arguments and properties; every method is a
    coroutine (``await client.employees()``) that makes its requests on the library's
    own threads, holding no Python thread while it waits. Cancelling the awaiting task
    aborts the requests. Values, warnings and exceptions are those of ``Client``.
    """

    def __new__(
        cls,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        base_url: str | None = None,
        partner_id: str | None = None,
        app_id: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        concurrency: int = 4,
        deadline: float = 600.0,
        max_response_bytes: int = 67108864,
        allow_http: bool = False,
    ) -> Self: ...
    @property
    def base_url(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    async def employees(
        self,
        *,
        attributes: Sequence[str] | str | None = None,
        updated_since: datetime | str | None = None,
        names: Literal["key", "label"] = "key",
        progress: Literal[False] | None = False,
    ) -> Table:
        """As ``Client.employees``."""
    async def employee(self, employee_id: int, *, names: Literal["key", "label"] = "key") -> Table:
        """As ``Client.employee``."""
    async def employee_attributes(self) -> Table:
        """As ``Client.employee_attributes``."""
    async def custom_reports(self) -> Table:
        """As ``Client.custom_reports``."""
    async def custom_report(
        self,
        report: str,
        *,
        locale: str | None = None,
        api: Literal["auto", "v1", "v2"] = "auto",
        names: Literal["key", "label"] = "key",
        wait: bool = True,
        timeout: float = 300.0,
        progress: Literal[False] | None = False,
    ) -> Table:
        """As ``Client.custom_report``."""
    async def attendances(
        self,
        start: date | str,
        end: date | str,
        *,
        employees: Sequence[int] | None = None,
        api: Literal["auto", "v1", "v2"] = "auto",
        progress: Literal[False] | None = False,
    ) -> Table:
        """As ``Client.attendances``."""
    async def org_units(self, type: Literal["department", "team"]) -> Table:
        """As ``Client.org_units``."""
    async def cost_centers(self) -> Table:
        """As ``Client.cost_centers``."""
    async def legal_entities(self) -> Table:
        """As ``Client.legal_entities``."""
    async def workplaces(self) -> Table:
        """As ``Client.workplaces``."""
    async def projects(self) -> Table:
        """As ``Client.projects``."""
    async def profile_picture(self, employee_id: int, *, width: int | None = None) -> bytes:
        """As ``Client.profile_picture``."""
    async def profile_picture_with_type(
        self, employee_id: int, *, width: int | None = None
    ) -> tuple[bytes, str, str]:
        """As ``Client.profile_picture_with_type``."""
    async def absences(
        self,
        start: date | str,
        end: date | str,
        *,
        employees: Sequence[int] | None = None,
        api: Literal["auto", "v1", "v2"] = "auto",
        progress: Literal[False] | None = False,
    ) -> Table:
        """As ``Client.absences``."""
    async def absence_types(self, *, api: Literal["auto", "v1", "v2"] = "auto") -> Table:
        """As ``Client.absence_types``."""
    async def absence_balances(self, employee_id: int) -> Table:
        """As ``Client.absence_balances``."""
    async def create_employee(
        self,
        email: str,
        first_name: str,
        last_name: str,
        *,
        gender: str | None = None,
        position: str | None = None,
        department: str | None = None,
        hire_date: date | str | None = None,
        weekly_hours: float | None = None,
        custom_attributes: dict[str, str | int | float | bool | date | None] | None = None,
    ) -> int:
        """As ``Client.create_employee``."""
    async def update_employee(
        self,
        employee_id: int,
        *,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        gender: str | None = None,
        position: str | None = None,
        department: str | None = None,
        hire_date: date | str | None = None,
        weekly_hours: float | None = None,
        custom_attributes: dict[str, str | int | float | bool | date | None] | None = None,
    ) -> None:
        """As ``Client.update_employee``."""
    async def create_attendances(self, rows: Any) -> Table:
        """As ``Client.create_attendances``."""
    async def delete_attendance(self, attendance_id: int) -> None:
        """As ``Client.delete_attendance``."""
    async def create_absence(
        self,
        employee_id: int,
        time_off_type_id: int,
        start_date: date | str,
        end_date: date | str,
        *,
        half_day_start: bool = False,
        half_day_end: bool = False,
        comment: str | None = None,
    ) -> int:
        """As ``Client.create_absence``."""
    async def delete_absence(self, absence_id: int) -> None:
        """As ``Client.delete_absence``."""


@type_check_only
class CredentialSpec(TypedDict):
    """One more credential of the fake server."""

    client_id: str
    client_secret: str
    whitelist: NotRequired[list[str] | None]
    scopes: NotRequired[list[str]]

@type_check_only
class RateLimitSpec(TypedDict):
    """A token bucket: ``burst`` requests at once, refilled at ``per_second``."""

    burst: int
    per_second: float

@type_check_only
class RateLimitGroups(TypedDict, total=False):
    """A token bucket per endpoint group; a group left out is not limited."""

    employees: RateLimitSpec | None
    v1: RateLimitSpec | None
    v1_auth: RateLimitSpec | None
    v2: RateLimitSpec | None
    v2_auth: RateLimitSpec | None

@type_check_only
class ValueOverride(TypedDict):
    """A wire value sent instead of the generated one."""

    employee: int
    key: str
    value: Any

_FaultRoute: TypeAlias = Literal[
    "employees", "reports_v1", "reports_v2", "auth", "writes", "attendances", "absences", "org"
]

@type_check_only
class FaultSpec(TypedDict, total=False):
    """One injected fault; the fields after ``probability`` belong to one kind each."""

    kind: Required[
        Literal[
            "server_error_burst",
            "rate_limit_burst",
            "token_expiry",
            "token_revocation",
            "connection_reset",
            "truncated_body",
            "malformed_body",
            "slow_body",
            "redirect",
            "lying_total",
            "empty_page",
            "records_move",
        ]
    ]
    routes: list[_FaultRoute]
    after: int | None
    count: int | None
    probability: float | None
    statuses: list[int] | None
    retry_after_seconds: int | None
    stall_ms: int | None
    location: str | None
    lie: Literal["huge", "zero", "short"] | None
    mode: Literal["delete", "insert", "move"] | None

@type_check_only
class CompanySpec(TypedDict, total=False):
    """One more company of the fake server, reached only through its own credentials."""

    seed: Required[int]
    employees: int
    custom_attributes: int
    credentials: Required[list[CredentialSpec]]

@type_check_only
class FakeOptions(TypedDict, total=False):
    """The knobs of the fake server, all optional (see ``FakePersonio``)."""

    seed: int
    employees: int
    custom_attributes: int
    latency_ms: int
    port: int
    whitelist: list[str] | None
    credentials: list[CredentialSpec]
    companies: list[CompanySpec]
    token_ttl_seconds: int
    v1_auth_without_expires_in: bool
    server_errors: int
    malformed_responses: int
    revoke_tokens_after: int | None
    rate_limits: Literal["personio", "ample"] | RateLimitGroups | None
    updated_at_base: str | None
    overrides: list[ValueOverride]
    legacy_attribute_objects: int
    report_updating_reads: int
    report_page_cap: int
    wide_report_columns: int
    report_v2_page_cap: int | None
    faults: list[FaultSpec]
    attendance_relative_links: bool
    v2_list_page_cap: int | None

@type_check_only
class FakeStats(TypedDict):
    """What the fake server has seen."""

    requests: int
    auth_v1: int
    auth_v2: int
    by_route: dict[str, int]
    by_status: dict[int, int]
    max_in_flight: int
    rate_limited: int
    tokens_by_client: dict[str, int]
    rate_limited_by_client: dict[str, int]
    injected_errors: int
    by_fault: dict[str, int]

@final
class FakeServer:
    """A running fake Personio server; see ``personio_arrow.testing.FakePersonio``."""

    def __new__(cls, options: FakeOptions | None = None) -> Self: ...
    @property
    def url(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> str: ...
    def stats(self) -> FakeStats: ...
    def issued_tokens(self) -> list[str]: ...
    def shutdown(self) -> None: ...

class PersonioError(Exception):
    """A call to Personio failed; ``message`` is Personio's own, ``str()`` adds the rest."""

    status: int | None
    trace_id: str | None
    endpoint: str | None
    message: str | None

class AuthenticationError(PersonioError): ...
class PermissionDeniedError(PersonioError): ...
class NotFoundError(PersonioError): ...
class RateLimitError(PersonioError): ...
class ServerError(PersonioError): ...
class BadRequestError(PersonioError): ...
class InvalidResponseError(PersonioError): ...
class NetworkError(PersonioError): ...
class ReportNotReadyError(PersonioError): ...
class ListingChangedError(PersonioError): ...

class ValidationError(BadRequestError, ValueError):
    """Personio refused what a write sent (HTTP 400 or 422); the message names each field.

    Also a ``ValueError``: ``except ValueError`` catches a refused value whether it was
    refused before sending or by Personio.
    """
class TypeFallbackWarning(UserWarning): ...

def write_table(table: Table, path: str | PathLike[str]) -> None:
    """Writes a table; the extension picks the format."""

def write_stream(stream: RecordBatchStream, path: str | PathLike[str]) -> int:
    """Writes a stream to a Parquet file as its batches arrive; returns the rows."""

def format_table(table: Table, max_rows: int = 10, schema_only: bool = False) -> str:
    """A text grid of the first rows, or the column types."""
