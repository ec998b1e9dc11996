"""Personio HR data as typed Apache Arrow tables.

>>> import personio_arrow as pio
>>> client = pio.Client()          # PERSONIO_CLIENT_ID / PERSONIO_CLIENT_SECRET
>>> df = client.employees().to_pandas()
"""

from personio_arrow._core import Client, Table, __version__
from personio_arrow.exceptions import (
    AuthenticationError,
    BadRequestError,
    InvalidResponseError,
    ListingChangedError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    PersonioError,
    RateLimitError,
    ReportNotReadyError,
    ServerError,
    TypeFallbackWarning,
)

__all__ = [
    "Client",
    "Table",
    "__version__",
    "PersonioError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "BadRequestError",
    "InvalidResponseError",
    "NetworkError",
    "ReportNotReadyError",
    "ListingChangedError",
    "TypeFallbackWarning",
]
