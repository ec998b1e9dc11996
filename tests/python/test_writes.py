"""The writes over real HTTP against the fake: what each creates is read back by the
listings, a partial batch shows every row, Personio's refusals name the field."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio


@pytest.fixture
def fake():
    """A small company of its own: these tests change it."""
    with FakePersonio(employees=30, seed=3) as fake:
        yield fake


def posts(fake: FakePersonio, route: str) -> int:
    return fake.stats()["by_route"].get(route, 0)


def first_employee(client: pio.Client) -> int:
    return client.employees(attributes=["first_name"]).to_pyarrow()["id"][0].as_py()


def test_a_created_employee_is_read_back(fake) -> None:
    client = fake.client()
    attributes = client.employee_attributes().to_pyarrow().to_pylist()
    labels = [a["label"] for a in attributes]
    custom = next(a for a in attributes if a["key"].startswith("dynamic_") and labels.count(a["label"]) == 1
                  and a["type"] == "standard")
    created = client.create_employee(
        "ada.lovelace@example.com", "Ada", "Lovelace", gender="female", position="Analyst",
        hire_date=dt.date(2025, 3, 1), weekly_hours=30, custom_attributes={custom["label"]: "Engine"},
    )
    employees = client.employees().to_pyarrow()
    mine = employees.filter(pa.compute.equal(employees["id"], created)).to_pylist()
    assert len(mine) == 1
    assert {k: mine[0][k] for k in ("email", "first_name", "gender", "status", "weekly_working_hours", "hire_date")} == {
        "email": "ada.lovelace@example.com", "first_name": "Ada", "gender": "female",
        "status": "active", "weekly_working_hours": 30.0, "hire_date": dt.date(2025, 3, 1),
    }
    assert mine[0][custom["key"]] == "Engine"  # the label went as its key


def test_an_update_changes_only_the_fields_given(fake) -> None:
    client = fake.client()
    employee = first_employee(client)
    before = client.employee(employee).to_pyarrow().to_pylist()[0]
    client.update_employee(employee, position="Chief Tinkerer", weekly_hours=12.5)
    after = client.employee(employee).to_pyarrow().to_pylist()[0]
    assert (after["position"], after["weekly_working_hours"]) == ("Chief Tinkerer", 12.5)
    assert (after["first_name"], after["email"]) == (before["first_name"], before["email"])


def test_personios_refusal_is_a_value_error_naming_the_field(fake) -> None:
    client = fake.client()
    taken = client.employees(attributes=["email"]).to_pyarrow()["email"][0].as_py()
    with pytest.raises(ValueError) as caught:
        client.create_employee(taken, "Ada", "Lovelace", gender="robot")
    error = caught.value
    assert isinstance(error, pio.ValidationError) and error.status == 422
    assert "email: The email has already been taken." in error.message
    assert "gender: The selected gender is invalid." in error.message
    assert fake.client_secret not in str(error)
    assert all(token not in str(error) for token in fake.issued_tokens())


def test_an_unknown_department_is_ignored_with_a_warning(fake) -> None:
    client = fake.client()
    with pytest.warns(UserWarning, match='department "Narnia" does not exist'):
        created = client.create_employee("narnia@example.com", "Lucy", "Pevensie", department="Narnia")
    row = client.employee(created).to_pyarrow().to_pylist()[0]
    assert row["department_id"] is None and row["first_name"] == "Lucy"


def test_an_unknown_label_is_refused_before_anything_is_written(fake) -> None:
    client = fake.client()
    with pytest.raises(ValueError, match='"Shoe size of the cat"'):
        client.create_employee("a@example.com", "A", "B", custom_attributes={"Shoe size of the cat": 1})
    assert posts(fake, "POST /v1/company/employees") == 0


def test_a_partial_batch_creates_the_valid_rows_and_names_the_others(fake) -> None:
    client = fake.client()
    employee = first_employee(client)
    rows = pa.table({
        "employee": [employee, employee, employee],
        "date": [dt.date(2026, 2, 2)] * 3,
        "start_time": ["09:00", "10:00", "18:00"],
        "end_time": ["17:00", "11:00", "19:00"],
        "break": [30, 0, 0],
        "comment": ["Workshop", None, None],
    })
    result = client.create_attendances(rows).to_pyarrow().to_pylist()
    assert [(r["row"], r["status"], r["error"]) for r in result] == [
        (0, "ok", None),
        (1, "error", "Existing overlapping attendances periods"),
        (2, "ok", None),
    ]
    created = {r["id"] for r in result if r["status"] == "ok"}
    assert None not in created
    listed = client.attendances("2026-02-02", "2026-02-02", employees=[employee], api="v1").to_pyarrow()
    assert {int(i) for i in listed["id"].to_pylist()} == created
    assert sorted(listed["comment"].to_pylist(), key=str) == [None, "Workshop"]  # "" reads as null
    v2 = client.attendances("2026-02-02", "2026-02-02", employees=[employee]).to_pyarrow()
    assert v2.num_rows == 2


def test_a_deleted_attendance_is_gone(fake) -> None:
    client = fake.client()
    employee = first_employee(client)
    row = {"employee": employee, "date": "2026-02-03", "start_time": "08:00", "end_time": "12:00", "break": 0}
    [created] = client.create_attendances([row]).to_pyarrow()["id"].to_pylist()
    client.delete_attendance(created)
    assert client.attendances("2026-02-03", "2026-02-03", employees=[employee], api="v1").num_rows == 0
    with pytest.raises(pio.NotFoundError):
        client.delete_attendance(created)


def test_a_created_absence_is_read_back_by_v1_and_v2(fake) -> None:
    client = fake.client()
    employee = first_employee(client)
    created = client.create_absence(employee, 4101, "2026-03-02", dt.date(2026, 3, 4), half_day_start=True, comment="Ski")
    for api in ("v1", "v2"):
        listed = client.absences("2026-03-02", "2026-03-04", employees=[employee], api=api).to_pyarrow().to_pylist()
        assert len(listed) == 1, api
        assert (listed[0]["half_day_start"], listed[0]["half_day_end"], listed[0]["amount"], listed[0]["comment"]) == (
            True, False, 2.5, "Ski"
        ), api
    assert client.absences("2026-03-02", "2026-03-04", employees=[employee], api="v1").to_pyarrow()["id"][0].as_py() == str(created)
    client.delete_absence(created)
    assert client.absences("2026-03-02", "2026-03-04", employees=[employee]).num_rows == 0


def test_an_overlapping_absence_is_refused(fake) -> None:
    client = fake.client()
    employee = first_employee(client)
    client.create_absence(employee, 4102, "2026-04-06", "2026-04-08")
    with pytest.raises(pio.ValidationError, match="Error when trying to insert absence period"):
        client.create_absence(employee, 4101, "2026-04-08", "2026-04-09")
    with pytest.raises(pio.NotFoundError, match="Time-off type not found."):
        client.create_absence(employee, 999, "2026-05-04", "2026-05-04")


def test_a_credential_without_the_write_right_is_refused(fake_factory) -> None:
    fake = fake_factory(employees=5, credentials=[
        {"client_id": "reader", "client_secret": "reader-secret", "scopes": ["employees:read", "absences:read"]},
    ])
    reader = pio.Client("reader", "reader-secret", base_url=fake.url)
    with pytest.raises(pio.PermissionDeniedError, match="employees:write"):
        reader.create_employee("a@example.com", "A", "B")
    with pytest.raises(pio.PermissionDeniedError, match="absences:write"):
        reader.create_absence(first_employee(reader), 4101, "2026-03-02", "2026-03-02")


def test_rows_are_checked_before_sending(fake) -> None:
    client = fake.client()
    with pytest.raises(ValueError, match='row 1: unknown column "break_minutes"'):
        client.create_attendances([
            {"employee": 1, "date": "2026-01-01", "start_time": "09:00", "break": 0},
            {"employee": 1, "date": "2026-01-01", "start_time": "09:00", "break_minutes": 0},
        ])
    with pytest.raises(ValueError, match="row 0: start_time"):
        client.create_attendances([{"employee": 1, "date": "2026-01-01", "start_time": "9h", "break": 0}])
    with pytest.raises(ValueError, match="email cannot be changed"):
        client.update_employee(1, email="new@example.com")
    assert posts(fake, "POST /v1/company/attendances") == 0
