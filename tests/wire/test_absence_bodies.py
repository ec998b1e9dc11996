"""Absences from bodies we did not write: the spec's v1 examples (bodies/, converted
verbatim from the YAML) and V2_NOTES' observed absence period and breakdown, read
through a real client, expected values written by hand; and servers that lie about
their paging."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

import personio_arrow as pio

BODIES = Path(__file__).parent / "bodies"
TIME_OFFS = "/v1/company/time-offs"
HOURLY = "/v1/company/absence-periods"
V2_PATH = "/v2/absence-periods"
UTC = dt.timezone.utc

# V2_NOTES 4, verbatim.
OBSERVED_PERIOD = {
    "id": "c3a9e1d2-7b64-4f0e-a1c8-52d9b0e4f713", "person": {"id": "71002"},
    "absence_type": {"id": "a81f0c55-2d3e-4b7a-9c61-0e4d8b2f6a19"},
    "starts_from": {"date_time": "2025-07-14T00:00:00", "type": "FIRST_HALF"},
    "ends_at": {"date_time": "2025-07-19T00:00:00", "type": "SECOND_HALF"},
    "comment": "Trip", "approval": {"status": "APPROVED"},
    "created_at": "2025-06-02T09:15:00Z", "updated_at": "2025-06-03T11:00:00Z",
}
# V2_NOTES 4, the observed breakdown item; the period's other days written alike.
OBSERVED_BREAKDOWN = {"date": "2025-07-14", "effective_duration": {"unit": "DAY", "value": 1}}


def body(name: str) -> dict:
    return json.loads((BODIES / name).read_text())


def page(items: list[dict], next_href: str | None = None) -> dict:
    links: dict = {"self": {"href": "https://api.personio.de/v2/absence-periods"}}
    if next_href:
        links["next"] = {"href": next_href}
    return {"_data": items, "_meta": {"links": links}}


def breakdowns_of(period: dict, items: list[dict]) -> tuple[str, dict]:
    return f"{V2_PATH}/{period['id']}/breakdowns", page(items)


def test_the_spec_v1_examples(replay, client) -> None:
    replay.add("GET", TIME_OFFS, body("spec_time_offs.json"))
    replay.add("GET", HOURLY, body("spec_absence_periods.json"))
    # The example's hourly period has no `timezone` (its schema has one): its UTC
    # instants cannot become local times, so start and end keep their text, with a
    # warning, rather than be shifted by a guessed zone.
    with pytest.warns(pio.TypeFallbackWarning) as caught:
        table = client.absences("2017-01-01", "2022-12-31", api="v1").to_pyarrow()
    warned = sorted(str(w.message).split('"')[1] for w in caught)
    assert warned == ["end", "start"]
    assert table.to_pydict() == {
        "id": ["12345", "9bba303f-0fbc-4514-9958-0befa21923fb"],
        "employee_id": [4567, 2367],
        "absence_type_id": ["54321", "9bba303f-0fbc-4514-9958-0befa21923fb"],
        "absence_type_name": ["Vacation", "Absence Type Name"],
        "unit": ["day", "hour"],
        "amount": [3.0, 16.0],
        "start": ["2017-12-27T00:00:00", "2022-05-31T22:00:00.0Z"],
        "end": ["2017-12-30T00:00:00", "2022-06-02T22:00:00.0Z"],
        "half_day_start": [False, True],
        "half_day_end": [False, False],
        "status": ["APPROVED", "APPROVED"],
        "comment": [None, "this is a comment"],
        "created_at": [dt.datetime(2017, 1, 17, 9, 32, 18, tzinfo=UTC),
                       dt.datetime(2022, 6, 20, 14, 29, 56, 510000, tzinfo=UTC)],
        "updated_at": [dt.datetime(2017, 1, 17, 9, 32, 18, tzinfo=UTC),
                       dt.datetime(2022, 6, 20, 14, 29, 56, 510000, tzinfo=UTC)],
    }
    asked = {path: [q for _, p, q in replay.requests if p == path] for path in (TIME_OFFS, HOURLY)}
    # Time-offs count pages from 1, absence periods from 0.
    assert asked[TIME_OFFS][0] == {"start_date": "2017-01-01", "end_date": "2022-12-31",
                                   "limit": "200", "offset": "1"}
    assert asked[HOURLY][0]["offset"] == "0"


def test_the_spec_hourly_period_with_its_timezone(replay, client) -> None:
    periods = body("spec_absence_periods.json")
    periods["data"][0]["attributes"]["timezone"] = "Europe/Berlin"  # the schema's field
    replay.add("GET", TIME_OFFS, {"success": True, "data": []})
    replay.add("GET", HOURLY, periods)
    table = client.absences("2022-06-01", "2022-06-02", api="v1").to_pyarrow()
    assert table["start"].to_pylist() == [dt.datetime(2022, 6, 1, 0, 0)]
    assert table["end"].to_pylist() == [dt.datetime(2022, 6, 3, 0, 0)]


def test_the_spec_time_off_types(replay, client) -> None:
    replay.add("GET", "/v1/company/time-off-types", body("spec_time_off_types.json"))
    assert client.absence_types(api="v1").to_pyarrow().to_pydict() == {
        "id": ["1234", "1235"],
        "name": ["Paid vacation", "Home office"],
        "category": ["paid_vacation", "offsite_work"],
        "unit": ["day", "hour"],
        "approval_required": [True, True],
    }


def test_the_spec_balance_schema(replay, client) -> None:
    # The spec gives a schema, not an example: its field examples, one item.
    item = {"id": 1234, "name": "Paid Vacation", "category": "custom_absence",
            "balance": 10.5, "available_balance": 8.5}
    replay.add("GET", "/v1/company/employees/4567/absences/balance",
               {"success": True, "data": [item]})
    assert client.absence_balances(4567).to_pyarrow().to_pydict() == {
        "employee_id": [4567], "absence_type_id": ["1234"],
        "absence_type_name": ["Paid Vacation"], "category": ["custom_absence"],
        "balance": [10.5], "available_balance": [8.5],
    }


def test_the_observed_v2_period_and_its_breakdown(replay, client) -> None:
    # Monday 14 to Friday 18 July 2025, whole days: five breakdown days of 1, on two
    # pages behind a relative link.
    days = [dict(OBSERVED_BREAKDOWN, date=f"2025-07-{d}") for d in range(14, 19)]
    path, _ = breakdowns_of(OBSERVED_PERIOD, [])
    replay.add("GET", path, page(days[:3], f"{path}/2?cursor=b2"))
    replay.add("GET", f"{path}/2", page(days[3:]))
    replay.add("GET", V2_PATH, page([OBSERVED_PERIOD]))
    replay.add("GET", "/v2/absence-types", page([{"id": OBSERVED_PERIOD["absence_type"]["id"],
                                                  "name": "Paid vacation"}]))
    table = client.absences(dt.date(2025, 7, 1), dt.date(2025, 7, 31), employees=[71002])
    assert table.to_pyarrow().to_pydict() == {
        "id": ["c3a9e1d2-7b64-4f0e-a1c8-52d9b0e4f713"],
        "employee_id": [71002],
        "absence_type_id": ["a81f0c55-2d3e-4b7a-9c61-0e4d8b2f6a19"],
        "absence_type_name": ["Paid vacation"],
        "unit": ["day"],
        "amount": [5.0],
        "start": [dt.datetime(2025, 7, 14, 0, 0)],
        "end": [dt.datetime(2025, 7, 19, 0, 0)],
        "half_day_start": [False],
        "half_day_end": [False],
        "status": ["APPROVED"],
        "comment": ["Trip"],
        "created_at": [dt.datetime(2025, 6, 2, 9, 15, tzinfo=UTC)],
        "updated_at": [dt.datetime(2025, 6, 3, 11, 0, tzinfo=UTC)],
    }
    first = [q for _, p, q in replay.requests if p == V2_PATH][0]
    assert first == {"starts_from.date_time.lte": "2025-07-31T23:59:59",
                     "ends_at.date_time.gte": "2025-07-01T00:00:01",
                     "limit": "100", "person.id": "71002"}


def test_half_days_hours_and_an_open_end_in_v2(replay, client) -> None:
    half = copy.deepcopy(OBSERVED_PERIOD)
    half.update(id="half", starts_from={"date_time": "2025-07-14T00:00:00", "type": "SECOND_HALF"},
                ends_at={"date_time": "2025-07-16T00:00:00", "type": "FIRST_HALF"})
    hourly = copy.deepcopy(OBSERVED_PERIOD)
    hourly.update(id="hourly", starts_from={"date_time": "2025-07-21T09:30:00"}, ends_at=None)
    replay.add("GET", V2_PATH, page([hourly, half]))
    replay.add("GET", "/v2/absence-types", page([]))
    replay.add("GET", *breakdowns_of(half, [
        {"date": "2025-07-14", "effective_duration": {"unit": "DAY", "value": 0.5}},
        {"date": "2025-07-15", "effective_duration": {"unit": "DAY", "value": 0.5}}]))
    replay.add("GET", *breakdowns_of(hourly, [
        {"date": "2025-07-21", "effective_duration": {"unit": "HOUR", "value": 2.5}}]))
    table = client.absences("2025-07-01", "2025-07-31").to_pyarrow()
    assert table["id"].to_pylist() == ["half", "hourly"], "ordered by start"
    assert table["unit"].to_pylist() == ["day", "hour"]
    assert table["amount"].to_pylist() == [1.0, 2.5]
    assert table["half_day_start"].to_pylist() == [True, None]
    assert table["half_day_end"].to_pylist() == [True, False]
    assert table["end"].to_pylist() == [dt.datetime(2025, 7, 16), None]
    assert table["absence_type_name"].to_pylist() == [None, None]


def test_a_repeated_next_link_is_an_error(replay, client) -> None:
    replay.add("GET", V2_PATH, page([OBSERVED_PERIOD], f"{replay.url}{V2_PATH}?cursor=same"))
    with pytest.raises(pio.InvalidResponseError, match="came twice"):
        client.absences("2025-07-01", "2025-07-31")
    assert len(replay.requests) <= 4


def test_a_record_on_two_v2_pages_is_an_error(replay, client) -> None:
    replay.add("GET", V2_PATH, page([OBSERVED_PERIOD], f"{V2_PATH}/2?cursor=x"))
    replay.add("GET", f"{V2_PATH}/2", page([OBSERVED_PERIOD]))
    with pytest.raises(pio.InvalidResponseError, match="came twice"):
        client.absences("2025-07-01", "2025-07-31")


def test_a_breakdown_day_twice_is_an_error(replay, client) -> None:
    path, _ = breakdowns_of(OBSERVED_PERIOD, [])
    replay.add("GET", path, page([OBSERVED_BREAKDOWN], f"{path}/2?cursor=x"))
    replay.add("GET", f"{path}/2", page([OBSERVED_BREAKDOWN]))
    replay.add("GET", V2_PATH, page([OBSERVED_PERIOD]))
    replay.add("GET", "/v2/absence-types", page([]))
    with pytest.raises(pio.InvalidResponseError, match="came twice"):
        client.absences("2025-07-01", "2025-07-31")


@pytest.mark.parametrize(("path", "offsets"), [(TIME_OFFS, ["1", "2"]), (HOURLY, ["0", "1"])])
def test_a_page_number_that_keeps_returning_the_same_page_is_an_error(
    replay, client, path, offsets
) -> None:
    # A full page of 200 claiming 400 records, whatever page is asked for.
    example = "spec_time_offs.json" if path == TIME_OFFS else "spec_absence_periods.json"
    record = body(example)["data"][0]
    ident = (lambda n: 1000 + n) if path == TIME_OFFS else (lambda n: f"uuid-{n}")
    records = [copy.deepcopy(record) for _ in range(200)]
    for n, r in enumerate(records):
        r["attributes"]["id"] = ident(n)
    lying = {"success": True, "metadata": {"total_elements": 400, "total_pages": 2},
             "offset": "0,", "limit": "200,", "data": records}
    empty = {"success": True, "metadata": {"total_elements": 0}, "data": []}
    replay.add("GET", path, lying)
    replay.add("GET", HOURLY if path == TIME_OFFS else TIME_OFFS, empty)
    with pytest.raises(pio.InvalidResponseError, match="refusing"):
        client.absences("2017-01-01", "2022-12-31", api="v1")
    asked = [q["offset"] for _, p, q in replay.requests if p == path]
    assert asked[:2] == offsets and len(asked) <= 8
