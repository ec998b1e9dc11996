"""Attendances from bodies we did not write: the spec's v1 example (bodies/, converted
verbatim from the YAML) and V2_NOTES' observed attendance period, read through a real
client, expected values written by hand; and servers that lie about their paging."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

import personio_arrow as pio

BODIES = Path(__file__).parent / "bodies"
V1_PATH = "/v1/company/attendances"
V2_PATH = "/v2/attendance-periods"
UTC = dt.timezone.utc

# V2_NOTES 5, verbatim.
OBSERVED_PERIOD = {
    "id": "e7d2b4a0-3c1f-4e8b-9a57-6f0c2d1b8e34", "type": "WORK", "person": {"id": "71002"},
    "start": {"date_time": "2025-03-03T08:00:00"}, "end": {"date_time": "2025-03-03T12:30:00"},
    "attribution_date": "2025-03-03", "comment": "Workshop", "project": {"id": "5521"},
    "approval": {"status": "CONFIRMED"}, "is_auto_generated": False, "is_holiday": False,
    "is_on_time_off": False, "created_at": "2025-03-03T12:31:00Z",
    "updated_at": "2025-03-03T12:31:00Z",
}


def page(periods: list[dict], next_href: str | None = None) -> dict:
    links: dict = {"self": {"href": "https://api.personio.de/v2/attendance-periods"}}
    if next_href:
        links["next"] = {"href": next_href}
    return {"_data": periods, "_meta": {"links": links}}


def a_break(start: str, end: str, ident: str = "b1") -> dict:
    pause = copy.deepcopy(OBSERVED_PERIOD)
    pause.update(id=ident, type="BREAK", comment=None, project=None,
                 start={"date_time": start}, end={"date_time": end})
    return pause


def test_the_spec_v1_example(replay, client) -> None:
    replay.add("GET", V1_PATH, json.loads((BODIES / "spec_attendances.json").read_text()))
    # The example's `is_on_time_off: false,` is the string "false," in YAML: that
    # column keeps the raw values as text, with a warning, rather than guess.
    with pytest.warns(pio.TypeFallbackWarning, match="is_on_time_off"):
        table = client.attendances("2017-01-01", "2017-01-31", api="v1").to_pyarrow()
    assert table.to_pydict() == {
        "id": ["1234", "1235"],
        "employee_id": [325659, 325660],
        "date": [dt.date(2017, 1, 17), dt.date(2017, 1, 18)],
        "start": [dt.datetime(2017, 1, 17, 9, 0), dt.datetime(2017, 1, 18, 9, 30)],
        "end": [dt.datetime(2017, 1, 17, 18, 0), dt.datetime(2017, 1, 18, 18, 30)],
        "break_minutes": [50, 60],
        "project_id": ["567", None],
        "project_name": ["A project name", None],
        "status": ["CONFIRMED", "PENDING"],
        "comment": ["I was super productive", "I wasn't productive"],
        "is_holiday": [False, False],
        "is_on_time_off": ["false,", "true"],
        "created_at": [None, None],
        "updated_at": [dt.datetime(2017, 1, 17, 16, 41, 8, tzinfo=UTC),
                       dt.datetime(2017, 1, 18, 15, 41, 8, tzinfo=UTC)],
    }
    asked = [q for _, p, q in replay.requests if p == V1_PATH][0]
    assert asked == {"start_date": "2017-01-01", "end_date": "2017-01-31",
                     "includePending": "true", "limit": "200", "offset": "0"}


def test_the_observed_v2_period_and_a_break_on_the_next_page(replay, client) -> None:
    # The break comes on a page of its own, behind a relative link; the project's name
    # from GET /v2/projects (fields observed: id, name).
    replay.add("GET", V2_PATH, page([OBSERVED_PERIOD], "/v2/attendance-periods/2?cursor=b3Bh"))
    replay.add("GET", f"{V2_PATH}/2", page([a_break("2025-03-03T10:00:00", "2025-03-03T10:15:00")]))
    replay.add("GET", "/v2/projects", {"_data": [{"id": "5521", "name": "Rollout"}],
                                       "_meta": {"links": {"self": {"href": "/v2/projects"}}}})
    table = client.attendances(dt.date(2025, 3, 3), dt.date(2025, 3, 3), employees=[71002])
    assert table.to_pyarrow().to_pydict() == {
        "id": ["e7d2b4a0-3c1f-4e8b-9a57-6f0c2d1b8e34"],
        "employee_id": [71002],
        "date": [dt.date(2025, 3, 3)],
        "start": [dt.datetime(2025, 3, 3, 8, 0)],
        "end": [dt.datetime(2025, 3, 3, 12, 30)],
        "break_minutes": [15],
        "project_id": ["5521"],
        "project_name": ["Rollout"],
        "status": ["CONFIRMED"],
        "comment": ["Workshop"],
        "is_holiday": [False],
        "is_on_time_off": [False],
        "created_at": [dt.datetime(2025, 3, 3, 12, 31, tzinfo=UTC)],
        "updated_at": [dt.datetime(2025, 3, 3, 12, 31, tzinfo=UTC)],
    }
    first = [q for _, p, q in replay.requests if p == V2_PATH][0]
    assert first == {"start.date_time.gte": "2025-03-03T00:00:00",
                     "start.date_time.lte": "2025-03-03T23:59:59",
                     "limit": "100", "person.id": "71002"}
    assert [q for _, p, q in replay.requests if p == f"{V2_PATH}/2"] == [{"cursor": "b3Bh"}]


def test_a_break_inside_no_work_is_an_error(replay, client) -> None:
    replay.add("GET", V2_PATH, page([OBSERVED_PERIOD, a_break("2025-03-03T13:00:00", "2025-03-03T13:30:00")]))
    replay.add("GET", "/v2/projects", {"_data": [], "_meta": {"links": {}}})
    with pytest.raises(pio.InvalidResponseError, match="break b1 is inside no work period"):
        client.attendances("2025-03-03", "2025-03-03")


def test_a_repeated_next_link_is_an_error(replay, client) -> None:
    # Every page links to the same cursor: without the guard the read would never end.
    replay.add("GET", V2_PATH, page([OBSERVED_PERIOD], f"{replay.url}{V2_PATH}?cursor=same"))
    with pytest.raises(pio.InvalidResponseError, match="came twice"):
        client.attendances("2025-03-03", "2025-03-03")
    assert len(replay.requests) <= 4  # token, first page, the link once, nothing more


def test_a_record_on_two_v2_pages_is_an_error(replay, client) -> None:
    replay.add("GET", V2_PATH, page([OBSERVED_PERIOD], f"{V2_PATH}/2?cursor=x"))
    replay.add("GET", f"{V2_PATH}/2", page([OBSERVED_PERIOD]))
    with pytest.raises(pio.InvalidResponseError, match="came twice"):
        client.attendances("2025-03-03", "2025-03-03")


def test_empty_v2_pages_that_link_on_are_an_error(replay, client) -> None:
    for n in range(5):
        replay.add("GET", f"{V2_PATH}/{n}" if n else V2_PATH, page([], f"{V2_PATH}/{n + 1}?cursor=c"))
    with pytest.raises(pio.InvalidResponseError, match="held nothing yet linked to more"):
        client.attendances("2025-03-03", "2025-03-03")


def test_a_next_link_to_another_host_is_not_followed(replay, client) -> None:
    elsewhere = "https://collector.invalid/v2/attendance-periods?cursor=x"
    replay.add("GET", V2_PATH, page([OBSERVED_PERIOD], elsewhere))
    with pytest.raises(pio.InvalidResponseError, match="another host"):
        client.attendances("2025-03-03", "2025-03-03")


def test_a_v1_server_that_repeats_its_page_is_an_error(replay, client) -> None:
    # A full page of 200 claiming 400 records, whatever the offset.
    record = json.loads((BODIES / "spec_attendances.json").read_text())["data"][1]
    records = [dict(record, id=1000 + n) for n in range(200)]
    replay.add("GET", V1_PATH, {"success": True, "metadata": {"total_elements": 400},
                                "offset": "0", "limit": "200", "data": records})
    with pytest.raises(pio.InvalidResponseError, match="refusing"):
        client.attendances("2017-01-01", "2017-01-31", api="v1")
    offsets = [q["offset"] for _, p, q in replay.requests if p == V1_PATH]
    assert "200" in offsets and len(offsets) <= 8
