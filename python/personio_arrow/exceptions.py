"""The exceptions personio-arrow raises.

Every failure of a call to Personio is a :class:`PersonioError`; bad arguments raise
``ValueError`` or ``TypeError`` before any request is sent. A write Personio refuses
raises :class:`ValidationError`, both a ``BadRequestError`` and a ``ValueError``. Messages never contain the
client secret or a token.

The classes are native (defined once in ``personio_arrow._core``) and re-exported here;
a raised error carries ``status``, ``trace_id``, ``endpoint`` and ``message``
(Personio's own). One made by hand takes the text only: ``PersonioError("text")``, its
attributes ``None`` until set.
"""

from personio_arrow._core import (
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
    ValidationError,
)

__all__ = [
    "PersonioError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "BadRequestError",
    "ValidationError",
    "InvalidResponseError",
    "NetworkError",
    "ReportNotReadyError",
    "ListingChangedError",
    "TypeFallbackWarning",
]
