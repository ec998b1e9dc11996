"""The spec's own `/company/employees` and `/attributes` examples (copied verbatim into
bodies/), and OBSERVED.md's employee records, read through a real client. Expected
values are written by hand from the bodies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import personio_arrow as pio

BODIES = Path(__file__).parent / "bodies"


def serve(replay, attributes: Any, employees: Any) -> None:
    replay.add("GET", "/v1/company/employees/attributes", attributes)
    replay.add("GET", "/v1/company/employees", employees)


def spec(name: str) -> Any:
    return json.loads((BODIES / name).read_text())


def test_spec_example_metadata_claims_more_than_arrives(replay, client) -> None:
    # The example claims 2 records in 3 pages and holds one; every offset answers the
    # same record. The client stops there (nothing new) and will not call it complete.
    serve(replay, spec("spec_attributes.json"), spec("spec_employees.json"))
    with pytest.raises(pio.InvalidResponseError, match="refusing to return part of it"):
        client.employees()
    assert [q["offset"] for _, p, q in replay.requests if p == "/v1/company/employees"] == [
        "0", "1", "0", "1"  # two passes that agree, each stopping at the repeat
    ]


def test_spec_example_loses_nothing(replay, client) -> None:
    # /attributes lists 5 attributes; the record carries 36 keys (OBSERVED.md). The
    # example's metadata made consistent with its one record.
    employees = spec("spec_employees.json")
    employees["metadata"] = {"total_elements": 1, "current_page": 0, "total_pages": 1}
    serve(replay, spec("spec_attributes.json"), employees)
    with pytest.warns(pio.TypeFallbackWarning, match="does not list") as caught:
        table = client.employees().to_pyarrow()
    assert len(caught) == 1
    assert table.num_rows == 1
    row = {name: table[name][0].as_py() for name in table.column_names}
    expected = {
        "id": 1,
        "first_name": "Alexander",
        "last_name": "Bergmann",
        "dynamic_1": None,
        "dynamic_2": None,
        "dynamic_3": None,
        "preferred_name": "Alexander Bergmann",
        "email": "alexander.bergmann@demo.email",
        "gender": "male",
        "status": "active",
        "position": "CTO",
        "supervisor_id": 2,
        "employment_type": "external",
        "weekly_working_hours": 40.0,
        "hire_date": dt.date(2014, 11, 9),
        "created_at": dt.datetime(2017, 5, 23, 7, 49, 3, tzinfo=dt.timezone.utc),
        "last_modified_at": dt.datetime(2020, 11, 18, 16, 33, 55, tzinfo=dt.timezone.utc),
        "subcompany_id": 7033,
        "subcompany_name": "CS Demo GmbH",
        "office_id": 131014,
        "office_name": "Munich",
        "department_id": 281521,
        "department_name": "Customer Support",
        "cost_centers": [{"id": 82957, "name": "Cost center 1", "percentage": 100.0}],
        "holiday_calendar_id": 2,
        "holiday_calendar_name": "Deutschland (Bayern) Feiertage",
        "holiday_calendar_country": "DE",
        "holiday_calendar_state": "Bayern",
        "absence_entitlement": [
            {"id": 113437, "name": "Paid vacation", "category": "paid_vacation", "entitlement": 24.0}
        ],
        "work_schedule_id": 97188,
        "work_schedule_name": "Full-time, 40 hours without time tracking, (mon,tue,wed,thu,fri)",
        "work_schedule_valid_from": None,
        "work_schedule_monday": 8.0,
        "work_schedule_tuesday": 8.0,
        "work_schedule_wednesday": 8.0,
        "work_schedule_thursday": 8.0,
        "work_schedule_friday": 8.0,
        "work_schedule_saturday": 0.0,
        "work_schedule_sunday": 0.0,
        "fix_salary": 3000.0,
        "fix_salary_currency": "EUR",
        "fix_salary_interval": "monthly",
        "hourly_salary": 0.0,
        "hourly_salary_currency": "EUR",
        "vacation_day_balance": 2.0,
        "profile_picture": "https://api.personio.de/v1/company/employees/1132888/profile-picture",
        "team_id": 59026,
        "team_name": "T_X",
        "dynamic_24407": "Dr",
        "dynamic_21827": "DE98 8989 9898 0000 8989 00",
        "dynamic_33400": "2021-01-01",
    }
    assert {k: row[k] for k in expected} == expected
    # Every other column is a value the record leaves empty.
    assert {k: v for k, v in row.items() if k not in expected and v is not None} == {}


def attribute(label: str, value: Any, **more: Any) -> dict[str, Any]:
    return {"label": label, "value": value, **more}


def test_observed_records(replay, client) -> None:
    attributes = {"success": True, "data": [
        {"key": k, "label": k, "type": t, "universal_id": k, "options": []}
        for k, t in [("first_name", "standard"), ("date_of_birth", "date"), ("hire_date", "date"),
                     ("supervisor", "standard"), ("work_schedule", "standard"),
                     ("holiday_calendar", "standard")]
    ]}
    supervisor = {"type": "Employee", "attributes": {
        "id": attribute("ID", 2), "first_name": attribute("First name", "Ada"),
        "last_name": attribute("Last name", "Byron"), "email": attribute("Email", "ada@example.org"),
    }}
    schedule = {"type": "WorkSchedule", "attributes": {
        "id": 1067807102794692000, "name": "4 days", "valid_from": "2021-03-01T00:00:00+01:00",
        "monday": "08:00", "tuesday": "07:30", "wednesday": "08:00", "thursday": "08:00",
        "friday": "00:00", "saturday": "00:00", "sunday": "00:00",
    }}
    calendar = {"type": "HolidayCalendar", "attributes": {
        "id": 978, "name": "DE (Bayern) Feiertage", "country": "DE", "state": "Bayern"}}
    records = [
        {"type": "Employee", "attributes": {
            "id": attribute("ID", 11, type="integer", universal_id="id"),
            "first_name": attribute("First name", "Charles", type="standard", universal_id="first_name"),
            "date_of_birth": attribute("Birthday", "1835-03-01T00:00:00+00:53", type="date"),
            "hire_date": attribute("Hire date", "2020-06-01T00:00:00+00:00", type="date"),
            "supervisor": attribute("Supervisor", supervisor, type="standard"),
            "work_schedule": attribute("Work schedule", schedule, type="standard"),
            "holiday_calendar": attribute("Public holidays", calendar, type="standard"),
        }},
        # An older account: attribute objects with only label and value.
        {"type": "Employee", "attributes": {
            "id": attribute("ID", "12"),
            "first_name": attribute("First name", "Grace"),
            "date_of_birth": attribute("Birthday", "1906-12-09T00:00:00+01:00"),
            "hire_date": attribute("Hire date", "2019-10-15"),
            "supervisor": attribute("Supervisor", ""),
            "work_schedule": attribute("Work schedule", None),
            "holiday_calendar": attribute("Public holidays", []),
        }},
    ]
    serve(replay, attributes, {"success": True, "metadata": {"total_elements": 2, "total_pages": 1},
                               "data": records})
    table = client.employees().to_pyarrow()
    assert table.schema.field("work_schedule_id").type == pa.int64()
    assert table.to_pydict() == {
        "id": [11, 12],
        "first_name": ["Charles", "Grace"],
        "date_of_birth": [dt.date(1835, 3, 1), dt.date(1906, 12, 9)],
        "hire_date": [dt.date(2020, 6, 1), dt.date(2019, 10, 15)],
        "supervisor_id": [2, None],
        "supervisor_name": ["Ada Byron", None],
        "supervisor_first_name": ["Ada", None],
        "supervisor_last_name": ["Byron", None],
        "supervisor_email": ["ada@example.org", None],
        "work_schedule_id": [1067807102794692000, None],
        "work_schedule_name": ["4 days", None],
        "work_schedule_valid_from": [dt.date(2021, 3, 1), None],
        "work_schedule_monday": [8.0, None],
        "work_schedule_tuesday": [7.5, None],
        "work_schedule_wednesday": [8.0, None],
        "work_schedule_thursday": [8.0, None],
        "work_schedule_friday": [0.0, None],
        "work_schedule_saturday": [0.0, None],
        "work_schedule_sunday": [0.0, None],
        "holiday_calendar_id": [978, None],
        "holiday_calendar_name": ["DE (Bayern) Feiertage", None],
        "holiday_calendar_country": ["DE", None],
        "holiday_calendar_state": ["Bayern", None],
    }
