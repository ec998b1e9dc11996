"""The exceptions personio-arrow raises.

Every failure of a call to Personio is a :class:`PersonioError`; bad arguments raise
``ValueError`` or ``TypeError`` before any request is sent. Messages never contain the
client secret or a token.
"""

from __future__ import annotations

__all__ = [
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


class PersonioError(Exception):
    """A call to Personio failed.

    Attributes:
        status: the HTTP status, when there was a response.
        trace_id: Personio's trace id, when it sent one (quote it to Personio support).
        endpoint: the endpoint called, e.g. ``"GET /v1/company/employees"``.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        trace_id: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.trace_id = trace_id
        self.endpoint = endpoint


class AuthenticationError(PersonioError):
    """The client ID or secret was refused."""


class PermissionDeniedError(PersonioError):
    """The credential lacks a scope, or may not read what was asked."""


class NotFoundError(PersonioError):
    """The employee, report or endpoint does not exist."""


class RateLimitError(PersonioError):
    """Still rate limited (HTTP 429) when the call's deadline leaves no time to wait.

    ``status`` is None when the rate budget knew, without asking, that the next request
    could only go after the deadline.
    """


class ServerError(PersonioError):
    """Personio failed (HTTP 5xx) after every retry."""


class BadRequestError(PersonioError):
    """Personio refused the request (HTTP 400 or another 4xx)."""


class InvalidResponseError(PersonioError):
    """Personio answered with a body that is not the JSON the endpoint documents."""


class NetworkError(PersonioError):
    """The connection failed or timed out after every retry."""


class ReportNotReadyError(PersonioError):
    """A custom report is still updating (after waiting, if asked to) or its update failed."""


class ListingChangedError(PersonioError):
    """Records kept moving between pages while a listing was read, pass after pass.

    No part of such a listing is returned: every row exactly once, or this error.
    Reading again later usually succeeds.
    """


class TypeFallbackWarning(UserWarning):
    """A column's values did not all parse as its declared type.

    The column then holds the raw values as strings, so nothing is lost; its field
    metadata carries ``personio.fallback = "true"``.
    """
