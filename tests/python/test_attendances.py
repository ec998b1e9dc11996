"""Attendances over real HTTP against the fake: both APIs, their paging, breaks, filters."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pyarrow as pa
import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio
from raw_fake import session

DECEMBER = (dt.date(2025, 12, 1), dt.date(2025, 12, 31))


# The fake's projects, as `GET /v2/projects` lists them.
PROJECTS = {"5501": "Rollout", "5502": "Website relaunch", "5503": "Müller GmbH audit",
            "5504": "Internal tools", "815": "0815 Support"}


@pytest.fixture(scope="module")
def office():
    """A company of 150 employees: more than one page of attendances in each API."""
    with FakePersonio(employees=150, seed=3) as fake:
        yield fake


def read(fake, api: str = "auto", **options) -> pa.Table:
    return fake.client().attendances(*DECEMBER, api=api, **options).to_pyarrow()


def raw_periods(fake) -> list[dict]:
    """Every v2 period of December as the fake sends it, following `next` by hand."""
    s = session(fake)
    url = f"{fake.url}/v2/attendance-periods"
    params = {"start.date_time.gte": "2025-12-01T00:00:00",
              "start.date_time.lte": "2025-12-31T23:59:59", "limit": 100}
    periods: list[dict] = []
    while url:
        body = s.get(url, params=params).json()
        periods.extend(body["_data"])
        url, params = (body["_meta"]["links"].get("next") or {}).get("href"), None
    return periods


def test_v1_and_v2_give_the_same_table(office) -> None:
    v1, v2 = read(office, "v1"), read(office, "v2")
    assert v1.schema == v2.schema
    assert v1.num_rows == v2.num_rows > 200  # two v1 pages, four v2 pages
    same = [name for name in v1.column_names if name not in ("id", "created_at")]
    assert v1.select(same).equals(v2.select(same))
    # Each API names a period its own way; v1 does not say when it was created.
    assert all(i.isdigit() for i in v1["id"].to_pylist())
    assert all(len(i) == 36 for i in v2["id"].to_pylist())
    assert v1["created_at"].null_count == v1.num_rows
    assert v2["created_at"].null_count == 0


def test_the_columns_and_their_types(office) -> None:
    table = read(office)
    assert table.column_names == [
        "id", "employee_id", "date", "start", "end", "break_minutes", "project_id",
        "project_name", "status", "comment", "is_holiday", "is_on_time_off", "created_at",
        "updated_at",
    ]
    types = {field.name: field.type for field in table.schema}
    assert types["employee_id"] == pa.int64()
    assert types["date"] == pa.date32()
    assert types["start"] == types["end"] == pa.timestamp("us")
    assert types["created_at"] == types["updated_at"] == pa.timestamp("us", tz="UTC")
    assert types["is_holiday"] == pa.bool_()
    assert set(table["status"].to_pylist()) == {"CONFIRMED", "PENDING", "REJECTED"}
    assert None in table["end"].to_pylist(), "open periods have no end"
    assert all(d >= DECEMBER[0] and d <= DECEMBER[1] for d in table["date"].to_pylist())
    named = set(zip(table["project_id"].to_pylist(), table["project_name"].to_pylist()))
    assert (None, None) in named
    assert named - {(None, None)} == set(PROJECTS.items())


def test_pages_of_each_kind(fake_factory) -> None:
    for relative in (False, True):
        fake = fake_factory(employees=120, seed=5, attendance_relative_links=relative)
        v2 = read(fake, "v2")
        v1 = read(fake, "v1")
        stats = fake.stats()["by_route"]
        assert stats["GET /v2/attendance-periods"] >= 4, stats
        assert stats["GET /v1/company/attendances"] >= 2, stats
        assert v1.num_rows == v2.num_rows


def test_breaks_come_as_rows_and_fold_into_their_work(office) -> None:
    periods = raw_periods(office)
    breaks = [p for p in periods if p["type"] == "BREAK"]
    work = {p["id"]: p for p in periods if p["type"] == "WORK"}
    assert breaks and work
    minutes: dict[str, int] = defaultdict(int)
    for pause in breaks:
        start = dt.datetime.fromisoformat(pause["start"]["date_time"])
        end = dt.datetime.fromisoformat(pause["end"]["date_time"])
        around = [w for w in work.values()
                  if w["person"] == pause["person"] and w["end"]
                  and w["start"]["date_time"] <= pause["start"]["date_time"]
                  and pause["end"]["date_time"] <= w["end"]["date_time"]]
        assert len(around) == 1
        minutes[around[0]["id"]] += int((end - start).total_seconds() // 60)
    table = read(office, "v2")
    assert table.num_rows == len(work)
    got = dict(zip(table["id"].to_pylist(), table["break_minutes"].to_pylist()))
    assert got == {i: minutes.get(i, 0) for i in work}


def test_the_fake_refuses_date_times_with_z(office) -> None:
    s = session(office)
    for value in ("2025-12-01T00:00:00Z", "2025-12-01T00:00:00+01:00"):
        answer = s.get(f"{office.url}/v2/attendance-periods", params={"start.date_time.gte": value})
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["detail"] == "Invalid request content"
    ok = s.get(f"{office.url}/v2/attendance-periods",
               params={"start.date_time.gte": "2025-12-01T00:00:00"})
    assert ok.status_code == 200


def test_the_fake_v1_needs_its_days_and_echoes_strings(office) -> None:
    s = session(office)
    url = f"{office.url}/v1/company/attendances"
    assert s.get(url, params={"start_date": "2025-12-01"}).status_code == 400
    body = s.get(url, params={"start_date": "2025-12-01", "end_date": "2025-12-31",
                              "limit": 500, "offset": 3}).json()
    assert (body["limit"], body["offset"]) == ("200", "3")
    assert len(body["data"]) == 200


def test_employees_filter(office) -> None:
    everyone = read(office)
    chosen = sorted(set(everyone["employee_id"].to_pylist()))[:3]
    for api in ("v1", "v2"):
        theirs = read(office, api, employees=chosen)
        assert set(theirs["employee_id"].to_pylist()) == set(chosen)
        expected = sum(1 for e in everyone["employee_id"].to_pylist() if e in chosen)
        assert theirs.num_rows == expected


@pytest.mark.parametrize(
    ("start", "end", "argument"),
    [("2025-12-32", "2025-12-31", "start"), (dt.date(2025, 12, 1), "31.12.2025", "end"),
     (dt.datetime(2025, 12, 1, 8), dt.date(2025, 12, 2), "start")],
)
def test_bad_days_are_value_errors_naming_the_argument(office, start, end, argument) -> None:
    with pytest.raises(ValueError, match=f"^{argument} "):
        office.client().attendances(start, end)


def test_bad_options_fail_before_any_request(fake_factory) -> None:
    fake = fake_factory(employees=5)
    client = fake.client()
    with pytest.raises(ValueError, match='api must be "auto", "v1" or "v2"'):
        client.attendances("2025-12-01", "2025-12-31", api="v3")
    with pytest.raises(ValueError, match="after end"):
        client.attendances("2025-12-31", "2025-12-01")
    with pytest.raises(ValueError, match="employees is empty"):
        client.attendances("2025-12-01", "2025-12-31", employees=[])
    with pytest.raises(TypeError, match="employees"):
        client.attendances("2025-12-01", "2025-12-31", employees="123")
    assert fake.stats()["requests"] == 0


def test_to_pandas_keeps_local_times_naive(office) -> None:
    frame = office.client().attendances(*DECEMBER, employees=[read(office)["employee_id"][0].as_py()]).to_pandas()
    assert str(frame["start"].dtype) == "datetime64[us]"
    assert str(frame["updated_at"].dtype) == "datetime64[us, UTC]"


def test_a_token_without_the_scope_is_refused(fake_factory) -> None:
    fake = fake_factory(employees=5, credentials=[{
        "client_id": "no-attendances", "client_secret": "s" * 20, "scopes": ["employees:read"]}])
    client = pio.Client("no-attendances", "s" * 20, base_url=fake.url)
    for api in ("v1", "v2"):
        with pytest.raises(pio.PermissionDeniedError):
            client.attendances(*DECEMBER, api=api)
