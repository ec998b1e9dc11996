"""Each failure maps to its exception class, carrying status, trace id and endpoint."""

from __future__ import annotations

import pickle
import time

import pytest

import personio_arrow as pio
import personio_arrow.exceptions
from personio_arrow.testing import FakePersonio

FAILURES = [
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
]


def test_wrong_secret_is_an_authentication_error(company) -> None:
    client = pio.Client(company.client_id, "not-the-secret", base_url=company.url)
    with pytest.raises(pio.AuthenticationError) as caught:
        client.employees()
    assert caught.value.status == 403  # OBSERVED.md: "Wrong credentials"
    assert caught.value.message == "Wrong credentials"  # Personio's own words...
    assert str(caught.value) == "authentication failed: Wrong credentials (HTTP 403 from POST /v1/auth)"
    assert caught.value.endpoint == "POST /v1/auth"
    assert caught.value.trace_id is None  # v1 auth sends none
    assert isinstance(caught.value, pio.PersonioError)


def test_unknown_employee_is_not_found(company) -> None:
    with pytest.raises(pio.NotFoundError) as caught:
        company.client().employee(999_999_999)
    assert caught.value.status == 404
    assert "Es ist ein Problem aufgetreten" in str(caught.value)


@pytest.mark.parametrize("bad_id", [0, -5])
def test_non_positive_ids_are_refused_before_any_request(fake_factory, bad_id) -> None:
    fake = fake_factory(employees=3)
    with pytest.raises(ValueError, match="positive"):
        fake.client().employee(bad_id)
    assert fake.stats()["requests"] == 0


def test_server_errors_are_retried(fake_factory) -> None:
    fake = fake_factory(employees=20, server_errors=2)
    assert fake.client(max_retries=3).employees().num_rows == 20
    assert fake.stats()["injected_errors"] == 2


def test_server_error_after_retries(fake_factory) -> None:
    fake = fake_factory(employees=20, server_errors=100)
    with pytest.raises(pio.ServerError) as caught:
        fake.client(max_retries=2).employees()
    assert caught.value.status == 503
    assert fake.stats()["injected_errors"] == 3  # the first try and two retries


def test_malformed_body_is_an_invalid_response_naming_the_endpoint(fake_factory) -> None:
    fake = fake_factory(employees=20, malformed_responses=10)
    with pytest.raises(pio.InvalidResponseError, match="GET /v1/company/employees"):
        fake.client().employees()


def test_missing_scope_is_permission_denied(fake_factory) -> None:
    fake = fake_factory(
        employees=5,
        credentials=[{"client_id": "reports-only", "client_secret": "s3cr3t-reports", "scopes": ["reports.custom:read"]}],
    )
    client = pio.Client("reports-only", "s3cr3t-reports", base_url=fake.url)
    with pytest.raises(pio.PermissionDeniedError) as caught:
        client.employees()
    assert caught.value.status == 403


def test_announced_rate_limits_are_kept_before_a_429(fake_factory) -> None:
    fake = fake_factory(employees=500, rate_limits={"employees": {"burst": 2, "per_second": 5.0}})
    assert fake.client(max_retries=0).employees().num_rows == 500
    assert fake.stats()["rate_limited"] == 0


def test_429s_are_waited_out(fake_factory) -> None:
    fake = fake_factory(employees=500, faults=[{"kind": "rate_limit_burst", "count": 3}])
    assert fake.client().employees().num_rows == 500
    assert fake.stats()["by_fault"]["rate_limit_burst"] == 3


def test_rate_limit_error_when_the_wait_outlasts_the_deadline(fake_factory) -> None:
    # The bucket refills in 100 s; a call that may take 5 s gives up at once, without
    # asking: the headers of the first answer said so.
    fake = fake_factory(employees=500, rate_limits={"employees": {"burst": 1, "per_second": 0.01}})
    with pytest.raises(pio.RateLimitError) as caught:  # not the deadline's NetworkError
        fake.client(deadline=5).employees()
    assert caught.value.status is None
    assert "deadline" in str(caught.value)
    assert fake.stats()["rate_limited"] == 0


def test_revoked_token_is_refreshed_once(fake_factory) -> None:
    # The token dies at the third data request: one 401, one new token, one retry.
    fake = fake_factory(employees=400, faults=[{"kind": "token_expiry", "routes": ["employees"], "after": 2}])
    assert fake.client(concurrency=1).employees().num_rows == 400
    stats = fake.stats()
    assert stats["by_fault"] == {"token_expiry": 1}
    assert stats["auth_v1"] == 2


def test_expired_token_is_renewed(fake_factory) -> None:
    import time

    fake = fake_factory(employees=10, token_ttl_seconds=1)
    client = fake.client()
    client.employees()
    time.sleep(1.2)
    client.employees()
    assert fake.stats()["auth_v1"] == 2
    assert fake.stats()["by_status"].get(401, 0) == 0  # renewed before it was refused


def test_unreachable_server_is_a_network_error() -> None:
    client = pio.Client("id", "secret", base_url="http://127.0.0.1:9", max_retries=0, timeout=2)
    with pytest.raises(pio.NetworkError):
        client.employees()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"base_url": "ftp://example.org"}, "http"),
        ({"timeout": 0}, "timeout"),
        ({"deadline": -1}, "deadline"),
        ({"max_response_bytes": 10}, "max_response_bytes"),
        ({"concurrency": 0}, "concurrency"),
        ({"app_id": "café-app"}, "ASCII"),
        ({"partner_id": "p\u00e4rtner"}, "ASCII"),
    ],
)
def test_bad_client_arguments(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        pio.Client("id", "secret", **kwargs)


def test_missing_credentials_name_the_variables(monkeypatch) -> None:
    monkeypatch.delenv("PERSONIO_CLIENT_ID", raising=False)
    monkeypatch.delenv("PERSONIO_CLIENT_SECRET", raising=False)
    with pytest.raises(ValueError, match="PERSONIO_CLIENT_ID"):
        pio.Client()
    with pytest.raises(ValueError, match="PERSONIO_CLIENT_SECRET"):
        pio.Client("id")


def test_credentials_come_from_the_environment(company, monkeypatch) -> None:
    monkeypatch.setenv("PERSONIO_CLIENT_ID", company.client_id)
    monkeypatch.setenv("PERSONIO_CLIENT_SECRET", company.client_secret)
    monkeypatch.setenv("PERSONIO_BASE_URL", company.url)
    client = pio.Client()
    assert client.client_id == company.client_id
    assert client.employees(attributes=["email"]).num_rows > 0


def test_a_response_over_the_cap_is_refused(company) -> None:
    with pytest.raises(pio.InvalidResponseError, match="max_response_bytes"):
        company.client(max_response_bytes=4096).employees()


def test_a_client_used_before_fork_works_in_the_child(company) -> None:
    import os

    client = company.client(timeout=20)
    assert client.employees(attributes=["first_name"]).num_rows > 0  # pooled connections
    child = os.fork()
    if child == 0:  # the child: the same client must read at once, not stall on the
        code = 1    # parent's sockets for a timeout per connection
        try:
            code = 0 if client.employees(attributes=["first_name"]).num_rows > 0 else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 15  # well under the 20 s a stalled socket would take
    while time.monotonic() < deadline:
        done, status = os.waitpid(child, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(child, 9)
    os.waitpid(child, 0)
    pytest.fail("the forked child stalled on the parent's connections")


@pytest.mark.parametrize("name", ["PersonioError", *FAILURES, "TypeFallbackWarning"])
def test_the_classes_are_personio_arrows_own(name) -> None:
    cls = getattr(pio, name)
    assert cls is getattr(personio_arrow.exceptions, name)
    assert (cls.__module__, cls.__qualname__) == ("personio_arrow", name)
    assert repr(cls) == f"<class 'personio_arrow.{name}'>"
    assert cls.__doc__
    if name == "TypeFallbackWarning":
        assert issubclass(cls, UserWarning) and not issubclass(cls, pio.PersonioError)
    elif name != "PersonioError":
        assert cls.__bases__ == (pio.PersonioError,)
    else:
        assert cls.__bases__ == (Exception,)


def test_the_public_classes_live_where_users_import_them() -> None:
    for cls in (pio.Client, pio.Table):
        assert (cls.__module__, getattr(pio, cls.__qualname__)) == ("personio_arrow", cls)
    assert FakePersonio.__module__ == "personio_arrow.testing"


def test_a_raised_error_pickles_with_its_attributes(fake_factory) -> None:
    fake = fake_factory(employees=20, server_errors=100)
    with pytest.raises(pio.ServerError) as caught:
        fake.client(max_retries=0).employees()
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is pio.ServerError
    assert str(copy) == str(caught.value) and "HTTP 503" in str(copy)
    assert (copy.status, copy.endpoint, copy.message) == (503, "GET /v1/company/employees/attributes", "Service Unavailable")
    assert caught.value.message and "503" not in caught.value.message  # Personio's text alone


def test_an_error_made_by_hand_has_the_attributes() -> None:
    # Users raise them in their own tests; the attributes are there, None until set.
    error = pio.RateLimitError("slow down")
    assert str(error) == "slow down" and isinstance(error, pio.PersonioError)
    assert (error.status, error.trace_id, error.endpoint, error.message) == (None, None, None, None)
    error.status = 429
    assert error.status == 429 and pio.PersonioError("other").status is None
