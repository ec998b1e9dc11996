"""Type stubs of the native module ``personio_arrow._core``."""

from datetime import datetime
from os import PathLike
from typing import Any, Literal, Sequence, final

from typing_extensions import Self

__all__ = [
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
    "ReportNotReadyError",
    "ServerError",
    "Table",
    "TypeFallbackWarning",
    "__version__",
    "format_table",
    "write_table",
]

__version__: str

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
        concurrency: int = 4,
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
    ) -> Table:
        """Every employee, one row each, typed."""
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
    ) -> Table:
        """One custom report by ID or web-app URL, typed by its columns' data types."""

@final
class FakeServer:
    """A running fake Personio server; see ``personio_arrow.testing.FakePersonio``."""

    def __new__(cls, options_json: str = "{}") -> Self: ...
    @property
    def url(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> str: ...
    def stats_json(self) -> str: ...
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
class TypeFallbackWarning(UserWarning): ...

def write_table(table: Table, path: str | PathLike[str]) -> None:
    """Writes a table; the extension picks the format."""

def format_table(table: Table, max_rows: int = 10, schema_only: bool = False) -> str:
    """A text grid of the first rows, or the column types."""
