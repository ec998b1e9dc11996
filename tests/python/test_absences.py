"""Absences over real HTTP against the fake: both APIs, each listing's paging, half days,
exclusive and open ends, hourly and daily units, types and balances."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio
from raw_fake import session

DECEMBER = (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
# Every absence of the fake: 12 weeks before 2026-01-01 to 6 weeks after.
EVERYTHING = (dt.date(2025, 9, 1), dt.date(2026, 3, 1))
# v2 reads one breakdown listing per period: ample announced limits keep it quick.
AMPLE = {"rate_limits": "ample"}


@pytest.fixture(scope="module")
def office():
    """A company of 200 employees: two pages of time-offs, several v2 pages."""
    with FakePersonio(employees=200, seed=3, **AMPLE) as fake:
        yield fake


def read(fake, days=DECEMBER, api: str = "auto", **options) -> pa.Table:
    return fake.client().absences(*days, api=api, **options).to_pyarrow()


def raw_v2(fake, **params) -> list[dict]:
    """Every v2 period the query selects, as the fake sends it, following `next` by hand."""
    s = session(fake)
    url = f"{fake.url}/v2/absence-periods"
    query = {"limit": 100, **params}
    periods: list[dict] = []
    while url:
        body = s.get(url, params=query).json()
        periods.extend(body["_data"])
        url, query = (body["_meta"]["links"].get("next") or {}).get("href"), None
    return periods


def test_v1_and_v2_give_the_same_table_but_for_the_day_based_ids(office) -> None:
    v1, v2 = read(office, EVERYTHING, "v1"), read(office, EVERYTHING, "v2")
    assert v1.schema == v2.schema
    assert v1.num_rows == v2.num_rows > 400
    same = [n for n in v1.column_names if n not in ("id", "absence_type_id")]
    assert v1.select(same).equals(v2.select(same))
    # v1 knows a day-based absence and its type by integers; v2 by UUIDs, which v1's
    # hourly absence periods share.
    for unit, ids1, ids2, types1, types2 in zip(
        v1["unit"].to_pylist(), v1["id"].to_pylist(), v2["id"].to_pylist(),
        v1["absence_type_id"].to_pylist(), v2["absence_type_id"].to_pylist(),
    ):
        assert len(ids2) == len(types2) == 36
        if unit == "day":
            assert ids1.isdigit() and types1.isdigit()
        else:
            assert (ids1, types1) == (ids2, types2)


def test_the_columns_and_their_types(office) -> None:
    table = read(office)
    assert table.column_names == [
        "id", "employee_id", "absence_type_id", "absence_type_name", "unit", "amount",
        "start", "end", "half_day_start", "half_day_end", "status", "comment",
        "created_at", "updated_at",
    ]
    types = {field.name: field.type for field in table.schema}
    assert types["employee_id"] == pa.int64()
    assert types["amount"] == pa.float64()
    assert types["start"] == types["end"] == pa.timestamp("us")
    assert types["created_at"] == types["updated_at"] == pa.timestamp("us", tz="UTC")
    assert types["half_day_start"] == types["half_day_end"] == pa.bool_()
    assert set(table["unit"].to_pylist()) == {"day", "hour"}
    assert set(table["status"].to_pylist()) == {"APPROVED", "PENDING"}
    starts = table["start"].to_pylist()
    assert starts == sorted(starts), "ordered by start"


def test_day_based_absences_run_midnight_to_midnight_and_count_half_days(office) -> None:
    rows = read(office).to_pylist()
    days = [r for r in rows if r["unit"] == "day"]
    assert any(r["half_day_start"] for r in days) and any(r["half_day_end"] for r in days)
    for r in days:
        assert r["start"].time() == r["end"].time() == dt.time(0, 0)
        assert r["end"] > r["start"], "end is the midnight after the last day"
        weekdays = sum(1 for n in range((r["end"] - r["start"]).days)
                       if (r["start"] + dt.timedelta(n)).weekday() < 5)
        halves = 0.5 * (r["half_day_start"] + r["half_day_end"])
        assert r["amount"] == weekdays - halves, r


def test_hourly_absences_have_times_hours_and_may_be_open(office) -> None:
    rows = [r for r in read(office, EVERYTHING).to_pylist() if r["unit"] == "hour"]
    closed = [r for r in rows if r["end"] is not None]
    assert closed and any(r["end"] is None for r in rows), "some hourly ones are still open"
    for r in closed:
        assert r["start"].time() != dt.time(0, 0)
        assert r["amount"] == (r["end"] - r["start"]).total_seconds() / 3600
    assert all(r["amount"] == 0 for r in rows if r["end"] is None)


def test_an_absence_that_ends_at_the_first_midnight_is_not_read(office) -> None:
    # `ends_at` is exclusive: a day-based absence ending on day D (its end is D+1 00:00)
    # does not meet a query from D+1 on, in either API.
    period = next(p for p in raw_v2(office, **{"starts_from.date_time.gte": "2025-12-01T00:00:00"})
                  if p["ends_at"] and p["ends_at"]["date_time"].endswith("T00:00:00"))
    day_after = dt.date.fromisoformat(period["ends_at"]["date_time"][:10])
    last_day = day_after - dt.timedelta(days=1)
    person = int(period["person"]["id"])
    for api in ("v1", "v2"):
        meets = read(office, (last_day, last_day), api, employees=[person])
        touches = read(office, (day_after, day_after), api, employees=[person])
        assert dt.datetime.combine(day_after, dt.time()) in meets["end"].to_pylist(), api
        assert dt.datetime.combine(day_after, dt.time()) not in touches["end"].to_pylist(), api


def test_pages_of_each_kind(fake_factory) -> None:
    for relative in (False, True):
        fake = fake_factory(employees=200, seed=5, attendance_relative_links=relative, **AMPLE)
        v2 = read(fake, EVERYTHING, "v2")
        v1 = read(fake, EVERYTHING, "v1")
        stats = fake.stats()["by_route"]
        assert stats["GET /v2/absence-periods"] >= 3, stats
        assert stats["GET /v1/company/time-offs"] >= 2, stats
        assert stats["GET /v2/absence-periods/{id}/breakdowns"] == v2.num_rows
        assert v1.num_rows == v2.num_rows


def test_the_fake_time_offs_count_pages_from_one(office) -> None:
    s = session(office)
    url = f"{office.url}/v1/company/time-offs"
    page = lambda offset: s.get(url, params={"limit": 50, "offset": offset}).json()  # noqa: E731
    ids = lambda body: [r["attributes"]["id"] for r in body["data"]]  # noqa: E731
    first, second = page(1), page(2)
    assert ids(page(0)) == ids(first), "0 is the first page too"
    assert len(ids(first)) == 50 and not set(ids(first)) & set(ids(second))
    assert (first["offset"], first["limit"]) == ("1", "50"), "echoed as strings"
    assert {r["attributes"]["half_day_start"] for r in first["data"] + second["data"]} <= {0, 1}
    assert s.get(url, params={"limit": 500}).json()["limit"] == "200"
    assert s.get(url, params={"start_date": "1.12.2025"}).status_code == 400


def test_the_fake_absence_periods_count_pages_from_zero(office) -> None:
    s = session(office)
    url = f"{office.url}/v1/company/absence-periods"
    page = lambda offset: [r["attributes"]["id"] for r in  # noqa: E731
                           s.get(url, params={"limit": 10, "offset": offset}).json()["data"]]
    assert len(page(0)) == 10 and not set(page(0)) & set(page(1))
    record = s.get(url, params={"limit": 1}).json()["data"][0]["attributes"]
    assert record["start"].endswith("Z") and record["timezone"] == "Europe/Berlin"


def test_the_fake_v2_refuses_date_times_with_z(office) -> None:
    s = session(office)
    for value in ("2025-12-01T00:00:00Z", "2025-12-01T00:00:00+01:00"):
        answer = s.get(f"{office.url}/v2/absence-periods",
                       params={"starts_from.date_time.gte": value})
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["detail"] == "Invalid request content"
    assert s.get(f"{office.url}/v2/absence-periods", params={"limit": 101}).status_code == 400


def test_employees_filter(office) -> None:
    everyone = read(office)
    chosen = sorted(set(everyone["employee_id"].to_pylist()))[:3]
    for api in ("v1", "v2"):
        theirs = read(office, api=api, employees=chosen)
        assert set(theirs["employee_id"].to_pylist()) == set(chosen)
        assert theirs.num_rows == sum(1 for e in everyone["employee_id"].to_pylist() if e in chosen)


def test_absence_types_from_either_api(office) -> None:
    v1 = office.client().absence_types(api="v1").to_pyarrow()
    v2 = office.client().absence_types().to_pyarrow()
    assert v1.column_names == ["id", "name", "category", "unit", "approval_required"]
    assert v1.drop_columns(["id"]).equals(v2.drop_columns(["id"]))
    assert set(v2["unit"].to_pylist()) == {"day", "hour"}
    assert all(i.isdigit() for i in v1["id"].to_pylist())
    # The names the absences carry are the types' names.
    names = set(read(office)["absence_type_name"].to_pylist())
    assert names <= set(v2["name"].to_pylist()) and len(names) > 3


def test_absence_balances(office) -> None:
    someone = read(office)["employee_id"][0].as_py()
    table = office.client().absence_balances(someone).to_pyarrow()
    assert table.column_names == ["employee_id", "absence_type_id", "absence_type_name",
                                  "category", "balance", "available_balance"]
    assert table["employee_id"].to_pylist() == [someone, someone]
    assert table["absence_type_name"].to_pylist() == ["Paid vacation", "Überstundenabbau"]
    assert all(b >= a for a, b in zip(table["available_balance"].to_pylist(),
                                      table["balance"].to_pylist()))
    with pytest.raises(pio.NotFoundError):
        office.client().absence_balances(999_999_999)


@pytest.mark.parametrize(
    ("start", "end", "argument"),
    [("2025-12-32", "2025-12-31", "start"), (dt.date(2025, 12, 1), "31.12.2025", "end"),
     (dt.datetime(2025, 12, 1, 8), dt.date(2025, 12, 2), "start")],
)
def test_bad_days_are_value_errors_naming_the_argument(office, start, end, argument) -> None:
    with pytest.raises(ValueError, match=f"^{argument} "):
        office.client().absences(start, end)


def test_bad_options_fail_before_any_request(fake_factory) -> None:
    fake = fake_factory(employees=5)
    client = fake.client()
    with pytest.raises(ValueError, match='api must be "auto", "v1" or "v2"'):
        client.absences("2025-12-01", "2025-12-31", api="v3")
    with pytest.raises(ValueError, match='api must be "auto", "v1" or "v2"'):
        client.absence_types(api="V1")
    with pytest.raises(ValueError, match="after end"):
        client.absences("2025-12-31", "2025-12-01")
    with pytest.raises(ValueError, match="employees is empty"):
        client.absences("2025-12-01", "2025-12-31", employees=[])
    with pytest.raises(TypeError, match="employees"):
        client.absences("2025-12-01", "2025-12-31", employees="123")
    with pytest.raises(ValueError, match="employee_id"):
        client.absence_balances(0)
    assert fake.stats()["requests"] == 0


def test_a_token_without_the_scope_is_refused(fake_factory) -> None:
    fake = fake_factory(employees=5, credentials=[{
        "client_id": "no-absences", "client_secret": "s" * 20, "scopes": ["employees:read"]}])
    client = pio.Client("no-absences", "s" * 20, base_url=fake.url)
    for api in ("v1", "v2"):
        with pytest.raises(pio.PermissionDeniedError):
            client.absences(*DECEMBER, api=api)
        with pytest.raises(pio.PermissionDeniedError):
            client.absence_types(api=api)
