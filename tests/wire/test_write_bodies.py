"""Writes against bodies we did not write: the client's requests are checked against
the request bodies the spec describes, and the spec's example answers (success,
validation error, partial batch) are fed back, expected results written by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

import personio_arrow as pio

BODIES = Path(__file__).parent / "bodies"
EMPLOYEES = "/v1/company/employees"
ATTENDANCES = "/v1/company/attendances"
TIME_OFFS = "/v1/company/time-offs"

# The spec's example answers, verbatim.
EMPLOYEE_CREATED = {"success": True, "data": {"id": 81723, "message": "success"}}
SUPERVISOR_REFUSED = {"success": False, "error": {"code": 422, "message": "Supervisor with ID 1 not found"}}
ATTENDANCES_CREATED = {"success": True, "data": {"id": [1, 2], "message": "success"}}
ATTENDANCES_PARTLY = {
    "success": False,
    "error": {
        "code": 400,
        "message": "Error when trying to insert Attendances periods rows",
        "detailed_message": [
            {"success": True, "error_msg": None, "id": 1, "employee": 1234, "date": "2017-01-01",
             "start_time": "09:00", "end_time": "18:00", "break": 60, "comment": "", "project_id": 5},
            {"success": False, "error_msg": "Existing overlapping attendances periods", "id": None,
             "employee": 1234, "date": "2017-01-01", "start_time": "09:00", "end_time": "18:00",
             "break": 60, "comment": "", "project_id": None},
        ],
    },
}
ATTENDANCE_DELETED = {"success": True, "data": {"message": "The attendance period was deleted."}}
ATTENDANCE_NOT_FOUND = {"success": False, "error": {"code": 404, "message": "The attendance period was not found."}}
TIME_OFF_CREATED = {
    "success": True,
    "data": {
        "type": "TimeOffPeriod",
        "attributes": {
            "id": 12345, "status": "approved", "start_date": "2017-12-27T00:00:00+0100",
            "end_date": "2017-12-29T00:00:00+0100", "days_count": 3, "half_day_start": False,
            "half_day_end": False,
            "time_off_type": {"type": "TimeOffType", "attributes": {"id": 54321, "name": "Vacation", "category": "offsite_work"}},
            "certificate": {"status": "not-required"}, "created_at": "2017-01-17T10:32:18+0100",
            "created_by": "API", "updated_at": "2017-01-17T10:32:18+0100",
        },
    },
}
TIME_OFF_REFUSED = {
    "success": False,
    "error": {"code": 0, "message": "The given data failed to pass validation.", "error_data": "{...}"},
}
TIME_OFF_ID_INVALID = {"success": False, "error": {"code": 400, "message": "The absence period id is invalid."}}


def sent_json(replay, method: str, path: str) -> dict:
    [(_, _, media, body)] = [b for b in replay.bodies if b[:2] == (method, path)]
    assert media.startswith("application/json")
    return json.loads(body)


def test_create_employee_sends_the_specs_body_and_reads_the_id(replay, client) -> None:
    replay.add("GET", f"{EMPLOYEES}/attributes", json.loads((BODIES / "spec_attributes.json").read_text()))
    replay.add("POST", EMPLOYEES, EMPLOYEE_CREATED)
    created = client.create_employee(
        "john.dou@demo.com", "John", "Dou", gender="male", position="developer",
        department="IT", hire_date=dt.date(2020, 1, 31), weekly_hours=40,
        custom_attributes={"Marital status": "single", "dynamic_24407": "Dr"},
    )
    assert created == 81723
    assert sent_json(replay, "POST", EMPLOYEES) == {
        "employee": {
            "email": "john.dou@demo.com", "first_name": "John", "last_name": "Dou",
            "gender": "male", "position": "developer", "department": "IT",
            "hire_date": "2020-01-31", "weekly_working_hours": 40.0,
            # A label resolved through /attributes; a key as given.
            "custom_attributes": {"dynamic_2": "single", "dynamic_24407": "Dr"},
        }
    }


def test_the_specs_422_is_a_value_error_with_its_message(replay, client) -> None:
    replay.add("POST", EMPLOYEES, SUPERVISOR_REFUSED, status=422)
    with pytest.raises(ValueError) as caught:
        client.create_employee("a@b.c", "A", "B")
    assert isinstance(caught.value, pio.ValidationError)
    assert isinstance(caught.value, pio.BadRequestError)
    assert caught.value.status == 422
    assert caught.value.message == "Supervisor with ID 1 not found"


def test_a_field_error_names_the_field(replay, client) -> None:
    refused = {"success": False, "error": {"code": 0, "message": "The given data was invalid.",
                                           "error_data": {"hire_date": ["The hire date is not a valid date."]}}}
    replay.add("POST", EMPLOYEES, refused, status=422)
    with pytest.raises(pio.ValidationError) as caught:
        client.create_employee("a@b.c", "A", "B")
    assert caught.value.message == "The given data was invalid. (hire_date: The hire date is not a valid date.)"


def test_update_employee_patches_only_the_fields_given(replay, client) -> None:
    # EmployeeUpdatedResponse, with the schema's example id.
    replay.add("PATCH", f"{EMPLOYEES}/12345", {"success": True, "data": {"id": 12345}, "meta": []})
    client.update_employee(12345, last_name="Doe", weekly_hours=32.5)
    assert sent_json(replay, "PATCH", f"{EMPLOYEES}/12345") == {
        "employee": {"last_name": "Doe", "weekly_working_hours": 32.5}
    }


def test_attendances_go_as_one_batch_and_come_back_row_by_row(replay, client) -> None:
    replay.add("POST", ATTENDANCES, ATTENDANCES_CREATED)
    rows = [
        {"employee": 1234, "date": "2017-01-01", "start_time": "09:00", "end_time": "18:00", "break": 60},
        {"employee": 1234, "date": dt.date(2017, 1, 2), "start_time": dt.time(8, 0), "end_time": None,
         "break": 0, "comment": "I was productive as hell", "project_id": 5},
    ]
    result = client.create_attendances(rows).to_pyarrow()
    assert result.to_pylist() == [
        {"row": 0, "status": "ok", "id": 1, "error": None},
        {"row": 1, "status": "ok", "id": 2, "error": None},
    ]
    assert sent_json(replay, "POST", ATTENDANCES) == {
        "attendances": [
            {"employee": 1234, "date": "2017-01-01", "start_time": "09:00", "end_time": "18:00",
             "break": 60, "comment": None, "project_id": None},
            {"employee": 1234, "date": "2017-01-02", "start_time": "08:00", "end_time": None,
             "break": 0, "comment": "I was productive as hell", "project_id": 5},
        ]
    }


def test_a_partly_created_batch_shows_every_row(replay, client) -> None:
    replay.add("POST", ATTENDANCES, ATTENDANCES_PARTLY, status=400)
    row = {"employee": 1234, "date": "2017-01-01", "start_time": "09:00", "end_time": "18:00", "break": 60}
    result = client.create_attendances([row, dict(row, project_id=5)]).to_pyarrow()
    assert result.to_pylist() == [
        {"row": 0, "status": "ok", "id": 1, "error": None},
        {"row": 1, "status": "error", "id": None, "error": "Existing overlapping attendances periods"},
    ]


def test_a_batch_refused_whole_raises(replay, client) -> None:
    refused = {"success": False, "error": {"code": 400, "message": "Error when trying to insert Attendances periods rows."}}
    replay.add("POST", ATTENDANCES, refused, status=400)
    row = {"employee": 1234, "date": "2017-01-01", "start_time": "09:00", "break": 0}
    with pytest.raises(pio.ValidationError, match="Error when trying to insert Attendances periods rows."):
        client.create_attendances([row])


def test_an_answer_that_miscounts_the_rows_is_refused(replay, client) -> None:
    replay.add("POST", ATTENDANCES, {"success": True, "data": {"id": [1], "message": "success"}})
    row = {"employee": 1234, "date": "2017-01-01", "start_time": "09:00", "break": 0}
    with pytest.raises(pio.InvalidResponseError, match="2 rows were sent"):
        client.create_attendances([row, row])


def test_delete_attendance(replay, client) -> None:
    replay.add("DELETE", f"{ATTENDANCES}/7", ATTENDANCE_DELETED)
    assert client.delete_attendance(7) is None
    replay.add("DELETE", f"{ATTENDANCES}/8", ATTENDANCE_NOT_FOUND, status=404)
    with pytest.raises(pio.NotFoundError, match="The attendance period was not found."):
        client.delete_attendance(8)


def test_create_absence_posts_the_specs_form(replay, client) -> None:
    replay.add("POST", TIME_OFFS, TIME_OFF_CREATED)
    created = client.create_absence(4567, 54321, "2017-12-27", dt.date(2017, 12, 29), half_day_end=True, comment="Ski")
    assert created == 12345
    [(_, _, media, body)] = replay.bodies
    assert media == "application/x-www-form-urlencoded"
    assert parse_qsl(body.decode()) == [
        ("employee_id", "4567"), ("time_off_type_id", "54321"), ("start_date", "2017-12-27"),
        ("end_date", "2017-12-29"), ("half_day_start", "0"), ("half_day_end", "1"), ("comment", "Ski"),
    ]


def test_the_time_off_validation_error_is_a_value_error(replay, client) -> None:
    replay.add("POST", TIME_OFFS, TIME_OFF_REFUSED, status=422)
    with pytest.raises(ValueError, match=r"The given data failed to pass validation\. \(\{\.\.\.\}\)"):
        client.create_absence(1, 2, "2017-12-27", "2017-12-29")


def test_delete_absence(replay, client) -> None:
    replay.add("DELETE", f"{TIME_OFFS}/12345", {"success": True, "data": {"message": "The absence period was deleted."}})
    assert client.delete_absence(12345) is None
    replay.add("DELETE", f"{TIME_OFFS}/0", TIME_OFF_ID_INVALID, status=400)
    with pytest.raises(pio.ValidationError, match="The absence period id is invalid."):
        client.delete_absence(0)


def test_what_personio_ignored_is_a_warning(replay, client) -> None:
    # EmployeeUpdatedResponse's `meta`: the spec's "meta error" of an unknown department.
    answer = {"success": True, "data": {"id": 12345}, "meta": ["Department Narnia not found"]}
    replay.add("PATCH", f"{EMPLOYEES}/12345", answer)
    with pytest.warns(UserWarning, match="Personio ignored part of the write: Department Narnia not found"):
        client.update_employee(12345, department="Narnia")
