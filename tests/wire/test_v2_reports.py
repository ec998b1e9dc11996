"""v2 Report API bodies as Personio sends them (V2_NOTES.md section 7, OBSERVED.md),
read through a real client; every expected value is written by hand from the body."""

from __future__ import annotations

import datetime as dt
import warnings

import pyarrow as pa
import pytest

import personio_arrow as pio

REPORT = "5f2d7f0e-3c1b-4a8e-9d6f-0b1c2d3e4f5a"
PATH = f"/v2/reports/{REPORT}"


def cell(attribute: str, kind: str, payload: dict) -> dict:
    return {"attribute_id": attribute, f"{kind}_value": payload}


def option(attribute: str, key: str, value: str) -> dict:
    return cell(attribute, "options", {"options": [{"key": key, "value": value}]})


# V2_NOTES.md section 7, "Observed 200", with OBSERVED.md's text option keys and
# `YYYY-MM-DD` timestamps added in the same shapes.
OBSERVED_HOURS = {
    "report_config": {"name": "Hours"},
    "_meta": {
        "columns": [
            {"name": "last_name", "display": "Last name", "type": "string"},
            {"name": "attendance_project", "display": "Attendance Project", "type": "option"},
            {"name": "attendance_hours_tracked", "display": "Hours tracked", "type": "decimal"},
            {"name": "hire_date", "display": "Hire date", "type": "timestamp"},
        ],
        "links": None,
    },
    "_data": [
        [
            cell("last_name", "string", {"value": "Byron"}),
            option("attendance_project", "5521", "Rollout"),
            cell("attendance_hours_tracked", "numeric", {"number": 4.5}),
            cell("hire_date", "string", {"value": "2021-04-01"}),
        ],
        [
            cell("last_name", "string", {"value": "Müller"}),
            option("attendance_project", "0815", "Kostenstelle"),
            cell("attendance_hours_tracked", "numeric", {"number": 7}),
            cell("hire_date", "string", {"value": "2019-10-15"}),
        ],
        [
            cell("last_name", "string", {"value": "Hopper"}),
            option("attendance_project", "ACME", "ACME GmbH"),
            cell("attendance_hours_tracked", "numeric", {"number": 0.25}),
            cell("hire_date", "string", {"value": None}),
        ],
        [
            cell("last_name", "string", {"value": "Turing"}),
            option("attendance_project", "22001-1", "Payroll DE"),
            cell("attendance_hours_tracked", "numeric", {"number": None}),
            cell("hire_date", "string", {"value": "2024-02-29"}),
        ],
        [
            cell("last_name", "string", {"value": "Noether"}),
            option("attendance_project", "true", "Yes"),
            cell("attendance_hours_tracked", "numeric", {"number": 12}),
            cell("hire_date", "string", {"value": "1999-12-31"}),
        ],
    ],
}


def read(client: pio.Client, **options) -> pa.Table:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the observed report reads without a warning
        return client.custom_report(REPORT, api="v2", **options).to_pyarrow()


def test_observed_report_is_typed_from_its_declared_types(replay, client) -> None:
    replay.add("GET", PATH, OBSERVED_HOURS)
    table = read(client)
    assert table.schema == pa.schema(
        [
            ("last_name", pa.string()),
            ("attendance_project_id", pa.string()),
            ("attendance_project_name", pa.string()),
            ("attendance_hours_tracked", pa.float64()),
            ("hire_date", pa.date32()),
        ]
    )
    assert table.to_pydict() == {
        "last_name": ["Byron", "Müller", "Hopper", "Turing", "Noether"],
        "attendance_project_id": ["5521", "0815", "ACME", "22001-1", "true"],
        "attendance_project_name": ["Rollout", "Kostenstelle", "ACME GmbH", "Payroll DE", "Yes"],
        "attendance_hours_tracked": [4.5, 7.0, 0.25, None, 12.0],
        "hire_date": [
            dt.date(2021, 4, 1),
            dt.date(2019, 10, 15),
            None,
            dt.date(2024, 2, 29),
            dt.date(1999, 12, 31),
        ],
    }
    assert "employee_id" not in table.column_names
    field = table.schema.field("attendance_project_id")
    assert field.metadata[b"personio.label"] == b"Attendance Project"
    assert field.metadata[b"personio.data_type"] == b"option"


def test_labels_name_the_columns(replay, client) -> None:
    replay.add("GET", PATH, OBSERVED_HOURS)
    table = read(client, names="label")
    assert table.column_names == [
        "Last name",
        "Attendance Project ID",
        "Attendance Project",
        "Hours tracked",
        "Hire date",
    ]


def test_pages_follow_the_next_link_as_given(replay, client) -> None:
    first = {
        "_meta": {
            "columns": OBSERVED_HOURS["_meta"]["columns"],
            "links": {"next": {"href": f"{replay.url}{PATH}/page-2?cursor=b3BhcXVl"}},
        },
        "_data": OBSERVED_HOURS["_data"][:2],
    }
    second = {"_meta": {"columns": OBSERVED_HOURS["_meta"]["columns"], "links": None},
              "_data": OBSERVED_HOURS["_data"][2:]}
    replay.add("GET", PATH, first)
    replay.add("GET", f"{PATH}/page-2", second)
    table = read(client)
    assert table["last_name"].to_pylist() == ["Byron", "Müller", "Hopper", "Turing", "Noether"]
    # The whole report is asked for; paged anyway, it is read twice to see that no row
    # moved, each time following the link as given.
    assert [q for _, p, q in replay.requests if p == PATH] == [{}, {}]
    assert [q for _, p, q in replay.requests if p == f"{PATH}/page-2"] == [{"cursor": "b3BhcXVl"}] * 2


def test_cells_that_do_not_fit_keep_their_json(replay, client) -> None:
    body = {
        "_meta": {"columns": [
            {"name": "salary", "display": "Salary", "type": "decimal"},
            {"name": "share", "display": "Share", "type": "decimal"},
            {"name": "team", "display": "Team", "type": "option"},
        ]},
        "_data": [
            [
                cell("salary", "monetary", {"amount": 4150.0, "currency": "EUR"}),
                cell("share", "percentage", {"value": 60}),
                option("team", "7", "Payroll"),
            ],
            [
                # Cells matched by attribute_id, not by position alone.
                cell("team", "numeric", {"number": 5}),
                cell("share", "percentage", {"value": 40}),
                {"attribute_id": "team", "options_value": {"options": []}},
            ],
        ],
    }
    replay.add("GET", PATH, body)
    with pytest.warns(pio.TypeFallbackWarning) as caught:
        table = client.custom_report(REPORT, api="v2").to_pyarrow()
    # Each misfit keeps its cell's text exactly as the server wrote it (this one
    # writes a space after each `:` and `,`).
    assert table["salary"].to_pylist() == [
        '{"attribute_id": "salary", "monetary_value": {"amount": 4150.0, "currency": "EUR"}}',
        '{"attribute_id": "team", "numeric_value": {"number": 5}}',
    ]
    assert table.schema.field("salary").metadata[b"personio.fallback"] == b"true"
    assert table["share"].to_pylist() == [60.0, 40.0]
    assert table["team_id"].to_pylist() == ["7", None]
    assert table["team_name"].to_pylist() == ["Payroll", None]
    assert [str(w.message) for w in caught if "salary" in str(w.message)]
    assert len(caught) == 1


def test_historical_rows_without_employee_id_are_kept(replay, client) -> None:
    columns = [
        {"name": "first_name", "display": "First name", "type": "string"},
        {"name": "last_name", "display": "Last name", "type": "string"},
        {"name": "effective_date", "display": "Effective date", "type": "timestamp"},
        {"name": "weekly_hours", "display": "Weekly hours", "type": "decimal"},
    ]

    def row(first: str, date: str, hours: float) -> list:
        return [
            cell("first_name", "string", {"value": first}),
            cell("last_name", "string", {"value": "Byron"}),
            cell("effective_date", "string", {"value": date}),
            cell("weekly_hours", "numeric", {"number": hours}),
        ]

    replay.add("GET", PATH, {"_meta": {"columns": columns}, "_data": [
        row("Ada", "2021-01-01", 40), row("Ada", "2022-03-01", 32), row("Byron", "2020-06-01", 20),
    ]})
    table = read(client)
    assert table.to_pydict() == {
        "valid_from": [dt.date(2021, 1, 1), dt.date(2022, 3, 1), dt.date(2020, 6, 1)],
        "valid_to": [dt.date(2022, 2, 28), None, None],
        "first_name": ["Ada", "Ada", "Byron"],
        "last_name": ["Byron", "Byron", "Byron"],
        "weekly_hours": [40.0, 32.0, 20.0],
    }
