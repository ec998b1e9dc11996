"""A write is never applied twice by a retry: it is sent again only where it cannot
have been applied (503 or 429 from in front of Personio), and a reply lost after the
request went out raises instead of resending. Counted on the fake's records and its
request stats."""

from __future__ import annotations

import pytest

import personio_arrow as pio

EMPLOYEES = "POST /v1/company/employees"
TIME_OFFS = "POST /v1/company/time-offs"
ATTENDANCES = "POST /v1/company/attendances"


def write_fault(kind: str, **spec) -> dict:
    return {"faults": [{"kind": kind, "routes": ["writes"], "after": 0, "count": 1, **spec}]}


def sent(fake, route: str) -> int:
    return fake.stats()["by_route"].get(route, 0)


def with_email(client: pio.Client, email: str) -> int:
    emails = client.employees(attributes=["email"]).to_pyarrow()["email"].to_pylist()
    return emails.count(email)


def test_a_reset_after_the_create_was_applied_raises_and_is_not_resent(fake_factory) -> None:
    fake = fake_factory(employees=5, **write_fault("connection_reset"))
    client = fake.client()
    with pytest.raises(pio.NetworkError):
        client.create_employee("once@example.com", "Only", "Once")
    assert sent(fake, EMPLOYEES) == 1
    assert with_email(client, "once@example.com") == 1  # applied, exactly once


def test_a_cut_reply_raises_and_the_absence_exists_once(fake_factory) -> None:
    fake = fake_factory(employees=5, **write_fault("truncated_body"))
    client = fake.client()
    employee = client.employees(attributes=["first_name"]).to_pyarrow()["id"][0].as_py()
    with pytest.raises((pio.NetworkError, pio.InvalidResponseError)):
        client.create_absence(employee, 4101, "2026-03-02", "2026-03-03")
    assert sent(fake, TIME_OFFS) == 1
    assert client.absences("2026-03-02", "2026-03-03", employees=[employee], api="v1").num_rows == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_server_error_is_not_resent(fake_factory, status) -> None:
    fake = fake_factory(employees=5, **write_fault("server_error_burst", statuses=[status]))
    client = fake.client()
    with pytest.raises(pio.ServerError):
        client.create_employee("maybe@example.com", "May", "Be")
    assert sent(fake, EMPLOYEES) == 1


def test_a_503_is_retried_and_the_batch_applied_once(fake_factory) -> None:
    fake = fake_factory(employees=5, **write_fault("server_error_burst", statuses=[503], count=2))
    client = fake.client()
    employee = client.employees(attributes=["first_name"]).to_pyarrow()["id"][0].as_py()
    row = {"employee": employee, "date": "2026-02-02", "start_time": "08:00", "end_time": "09:00", "break": 0}
    result = client.create_attendances([row]).to_pyarrow()
    assert result["status"].to_pylist() == ["ok"]
    assert sent(fake, ATTENDANCES) == 3
    assert client.attendances("2026-02-02", "2026-02-02", employees=[employee], api="v1").num_rows == 1


def test_a_429_is_waited_out_and_the_employee_created_once(fake_factory) -> None:
    fake = fake_factory(employees=5, **write_fault("rate_limit_burst", retry_after_seconds=1))
    client = fake.client()
    client.create_employee("patient@example.com", "Pa", "Tient")
    assert sent(fake, EMPLOYEES) == 2
    assert with_email(client, "patient@example.com") == 1
