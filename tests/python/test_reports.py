"""Custom reports through v1 and v2 against the fake: the list, each report type, URL
and ID input, locales, every data type's Arrow type, status handling and errors."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import pyarrow as pa
import pytest

import personio_arrow as pio
from raw_fake import session

EXPECTED_TYPES = {
    "TEXT": [pa.string()],
    "ENTITY": [pa.string(), pa.string()],
    "DURATION": [pa.float64()],
    "SALARY": [pa.float64(), pa.string()],
    "COMPENSATION": [pa.float64(), pa.string(), pa.float64(), pa.string()],
    "ABSENCE_OVERVIEW": [pa.date32(), pa.date32(), pa.float64(), pa.float64()],
    "COST_CENTER": [pa.list_(pa.struct([("id", pa.int64()), ("name", pa.string()), ("weight", pa.float64())]))],
    "ABSENCE_PERIOD": [
        pa.list_(pa.struct([
            ("start_date", pa.date32()), ("end_date", pa.date32()),
            ("half_day_at_start", pa.bool_()), ("half_day_at_end", pa.bool_()),
        ]))
    ],
    "PERFORMANCE_TARGET": [pa.list_(pa.struct([("id", pa.string()), ("value", pa.float64())]))],
    "PERFORMANCE_KPI": [pa.list_(pa.struct([("target_id", pa.string()), ("kpi_id", pa.string()), ("value", pa.float64())]))],
}


@pytest.fixture(scope="module")
def catalogue(company) -> list[dict[str, Any]]:
    return pa.table(company.client().custom_reports()).to_pylist()


def report(catalogue, *, type: str | None = None, status: str = "up_to_date") -> dict[str, Any]:
    return next(r for r in catalogue if (type is None or r["type"] == type) and r["status"] == status)


def raw_columns(fake, report_id: str, locale: str = "en") -> list[dict[str, Any]]:
    answer = session(fake).get(
        f"{fake.url}/v1/company/custom-reports/columns", params={"report_id": report_id, "locale": locale}
    )
    return answer.json()["data"]["attributes"]


def test_report_list(catalogue) -> None:
    assert {r["type"] for r in catalogue} == {"point_in_time", "timeframe", "historical_data"}
    assert {"up_to_date", "updating", "update_failed"} <= {r["status"] for r in catalogue}
    for r in catalogue:
        assert len(r["id"]) == 36 and r["name"] and r["columns"]


@pytest.mark.parametrize("kind", ["point_in_time", "timeframe"])
def test_one_row_per_employee(company, employees, catalogue, kind) -> None:
    meta = report(catalogue, type=kind)
    table = pa.table(company.client().custom_report(meta["id"], api="v1"))
    ids = table.column("employee_id").to_pylist()
    assert len(ids) == len(set(ids)) > 0
    assert set(ids) <= set(pa.table(employees).column("id").to_pylist())
    assert table.schema.field("employee_id").type == pa.int64()
    # v2 names no employee: the report's own columns only, one row per employee all the same.
    with pytest.warns(pio.TypeFallbackWarning):  # the fake's assumed v2 shapes
        v2 = pa.table(company.client().custom_report(meta["id"], api="v2"))
    assert "employee_id" not in v2.column_names
    assert v2.num_rows == len(ids)


def test_historical_reports_are_long(company, catalogue) -> None:
    meta = report(catalogue, type="historical_data")
    table = pa.table(company.client().custom_report(meta["id"], api="v1"))
    assert table.column_names[:3] == ["employee_id", "valid_from", "valid_to"]
    assert table.schema.field("valid_from").type == pa.date32()
    rows = table.to_pylist()
    by_employee: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_employee.setdefault(row["employee_id"], []).append(row)
    assert any(len(periods) > 1 for periods in by_employee.values())
    for periods in by_employee.values():
        starts = [p["valid_from"] for p in periods]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        assert periods[-1]["valid_to"] is None
        for earlier, later in zip(periods, periods[1:]):
            assert (later["valid_from"] - earlier["valid_to"]).days == 1


def test_historical_v2_rows_are_dated_like_v1(company, catalogue) -> None:
    meta = report(catalogue, type="historical_data")
    with pytest.warns(pio.TypeFallbackWarning):  # the fake's assumed v2 shapes
        v2 = pa.table(company.client().custom_report(meta["id"], api="v2"))
    v1 = pa.table(company.client().custom_report(meta["id"], api="v1"))
    assert v2.column_names[:2] == ["valid_from", "valid_to"]
    assert "effective_date" not in v2.column_names and "employee_id" not in v2.column_names
    assert v2["valid_from"].to_pylist() == v1["valid_from"].to_pylist()
    assert v2["valid_to"].to_pylist() == v1["valid_to"].to_pylist()
    assert v2["valid_to"].null_count < v2.num_rows


def test_every_data_type_has_its_arrow_type(company, catalogue) -> None:
    seen = set()
    for meta in catalogue:
        if meta["status"] != "up_to_date":
            continue
        table = pa.table(company.client().custom_report(meta["id"], api="v1"))
        for column in raw_columns(company, meta["id"]):
            data_type = column["data_type"]
            fields = [f for f in table.schema if f.metadata.get(b"personio.key", b"").decode() == column["attribute_id"]]
            assert [f.type for f in fields] == EXPECTED_TYPES[data_type], (column, fields)
            assert all(f.metadata[b"personio.data_type"].decode() == data_type for f in fields)
            seen.add(data_type)
    assert seen == set(EXPECTED_TYPES)


def test_url_and_id_give_the_same_table(company, catalogue) -> None:
    meta = report(catalogue, type="point_in_time")
    by_id = pa.table(company.client().custom_report(meta["id"]))
    for url in (
        f"https://acme.personio.de/custom-reports/{meta['id']}",
        f"https://other-gmbh.personio.de/custom-reports/{meta['id'].upper()}/?view=table",
    ):
        assert pa.table(company.client().custom_report(url)).to_pylist() == by_id.to_pylist()


def test_labels_follow_the_locale(company, catalogue) -> None:
    meta = report(catalogue, type="point_in_time")
    english = company.client().custom_report(meta["id"], names="label").column_names
    german = company.client().custom_report(meta["id"], locale="de", names="label").column_names
    assert english != german
    assert "First name" in english and "Vorname" in german
    assert company.client().custom_report(meta["id"], locale="de").column_names == company.client().custom_report(meta["id"]).column_names


def test_updating_report_is_waited_for_or_refused(fake_factory) -> None:
    fake = fake_factory(employees=30, report_updating_reads=3)
    updating = report(pa.table(fake.client().custom_reports()).to_pylist(), status="updating")
    with pytest.raises(pio.ReportNotReadyError, match="wait=True"):
        fake.client().custom_report(updating["id"], wait=False)
    table = fake.client().custom_report(updating["id"], wait=True, timeout=30)
    assert table.num_rows > 0


def test_updating_report_times_out(fake_factory) -> None:
    fake = fake_factory(employees=5, report_updating_reads=1000)
    updating = report(pa.table(fake.client().custom_reports()).to_pylist(), status="updating")
    with pytest.raises(pio.ReportNotReadyError, match="still updating"):
        fake.client().custom_report(updating["id"], timeout=1)


def test_failed_report_is_an_error(company, catalogue) -> None:
    failed = report(catalogue, status="update_failed")
    with pytest.raises(pio.ReportNotReadyError, match="could not update"):
        company.client().custom_report(failed["id"])


def test_unknown_report_is_not_found(company) -> None:
    with pytest.raises(pio.NotFoundError):
        company.client().custom_report("00000000-0000-4000-8000-000000000000")


@pytest.mark.parametrize("bad", ["42", "https://acme.personio.de/employees/7", "https://example.org/custom-reports/x"])
def test_bad_reference_is_a_value_error(fake_factory, bad) -> None:
    fake = fake_factory(employees=1)
    with pytest.raises(ValueError, match="expected a report ID"):
        fake.client().custom_report(bad)
    assert fake.stats()["requests"] == 0


def test_credential_without_reports_scope(fake_factory) -> None:
    fake = fake_factory(
        employees=3,
        credentials=[{"client_id": "hr", "client_secret": "hr-s3cret-x", "scopes": ["employees:read"]}],
    )
    with pytest.raises(pio.PermissionDeniedError):
        pio.Client("hr", "hr-s3cret-x", base_url=fake.url).custom_reports()


def test_cli_lists_and_exports_reports(company, catalogue, tmp_path) -> None:
    import os
    import subprocess
    import sys

    import pyarrow.parquet as pq

    env = {**os.environ, "PERSONIO_CLIENT_ID": company.client_id,
           "PERSONIO_CLIENT_SECRET": company.client_secret, "PERSONIO_BASE_URL": company.url}
    listing = subprocess.run([sys.executable, "-m", "personio_arrow", "reports"],
                             capture_output=True, text=True, env=env, timeout=120)
    assert listing.returncode == 0, listing.stderr
    meta = report(catalogue, type="point_in_time")
    assert meta["name"] in listing.stdout
    out = tmp_path / "report.parquet"
    export = subprocess.run(
        [sys.executable, "-m", "personio_arrow", "report",
         f"https://acme.personio.de/custom-reports/{meta['id']}", "--locale", "de", "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=120)
    assert export.returncode == 0, export.stderr
    expected = company.client().custom_report(meta["id"], locale="de")
    assert pq.read_table(out).to_pylist() == pa.table(expected).to_pylist()


def served_by_v2(fake) -> set[str]:
    listing = session(fake).get(f"{fake.url}/v2/reports", params={"limit": 0}).json()
    return {r["id"] for r in listing["_data"]}


# v1 data types whose v2 shape Personio documents (string, option, decimal; dates of
# text attributes are v2 timestamps). The others' v2 cells are kept as JSON text.
SAME_ON_BOTH = {b"TEXT", b"ENTITY", b"DURATION"}


def assert_v1_and_v2_agree(v1: pa.Table, v2: pa.Table) -> None:
    """The README's promise: equal wherever Personio gives the same information."""
    assert v1.num_rows == v2.num_rows > 0
    kinds = {f.metadata.get(b"personio.key"): f.metadata.get(b"personio.data_type") for f in v1.schema}
    for field in v2.schema:
        kind = kinds[field.metadata[b"personio.key"]]
        if kind is None or kind in SAME_ON_BOTH:
            ours, theirs = v1[field.name].to_pylist(), v2[field.name].to_pylist()
            if field.type == pa.date32() and v1.schema.field(field.name).type == pa.string():
                ours = [None if v is None else dt.date.fromisoformat(v[:10]) for v in ours]
            assert ours == theirs, field.name
        else:
            assert field.type == pa.string() and field.metadata[b"personio.fallback"] == b"true"


@pytest.mark.parametrize("locale", ["en", "de"])
def test_v1_and_v2_give_equal_tables(company, catalogue, locale) -> None:
    on_v2 = served_by_v2(company)
    compared = 0
    for meta in catalogue:
        if meta["status"] != "up_to_date" or meta["id"] not in on_v2 or "grouped" in meta["name"].lower():
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", pio.TypeFallbackWarning)
                v2 = pa.table(company.client().custom_report(meta["id"], api="v2", locale=locale))
        except pio.BadRequestError:
            continue  # a grouped report: v2 cannot render it
        v1 = pa.table(company.client().custom_report(meta["id"], api="v1", locale=locale))
        assert_v1_and_v2_agree(v1, v2)
        compared += 1
    assert compared >= 4  # every type, and the performance report


def test_auto_prefers_v2_and_falls_back_to_v1(fake_factory) -> None:
    fake = fake_factory(employees=40)
    client = fake.client()
    catalogue = pa.table(client.custom_reports()).to_pylist()
    on_v2 = served_by_v2(fake)
    enabled = next(r for r in catalogue if r["id"] in on_v2 and r["name"] == "Headcount")
    hidden = next(r for r in catalogue if r["id"] not in on_v2 and r["status"] == "up_to_date")
    grouped = next(r for r in catalogue if r["name"] == "Headcount by office")

    before = fake.stats()["by_route"].get("GET /v1/company/custom-reports/reports/{id}", 0)
    assert client.custom_report(enabled["id"]).num_rows == 40
    routes = fake.stats()["by_route"]
    assert routes["GET /v2/reports/{id}"] >= 1
    assert routes.get("GET /v1/company/custom-reports/reports/{id}", 0) == before  # v1 pages not read

    with pytest.raises(pio.NotFoundError):
        client.custom_report(hidden["id"], api="v2")
    assert client.custom_report(hidden["id"]).num_rows > 0  # auto: v1

    with pytest.raises(pio.BadRequestError, match="Unsupported nested type"):
        client.custom_report(grouped["id"], api="v2")
    assert client.custom_report(grouped["id"]).num_rows > 0  # auto: v1


def test_v2_reports_come_whole_or_are_read_until_two_passes_agree(fake_factory) -> None:
    fake = fake_factory(employees=2500)
    headcount = next(r for r in pa.table(fake.client().custom_reports()).to_pylist() if r["name"] == "Headcount")
    with pytest.warns(pio.TypeFallbackWarning):
        whole = pa.table(fake.client().custom_report(headcount["id"], api="v2"))
    assert whole.num_rows == 2500
    assert fake.stats()["by_route"]["GET /v2/reports/{id}"] == 1  # no limit: every row at once

    paged = fake_factory(employees=2500, report_v2_page_cap=1000)  # Personio pages anyway
    with pytest.warns(pio.TypeFallbackWarning):
        table = pa.table(paged.client().custom_report(headcount["id"], api="v2"))
    assert table.equals(whole)
    # Rows carry no id and the cursor no total: two passes of 3 pages must agree.
    assert paged.stats()["by_route"]["GET /v2/reports/{id}"] == 6


def test_bad_api_argument(company, catalogue) -> None:
    with pytest.raises(ValueError, match="auto"):
        company.client().custom_report(catalogue[0]["id"], api="v3")


def test_wide_report_knob(fake_factory) -> None:
    fake = fake_factory(employees=30, wide_report_columns=40)
    wide = next(r for r in pa.table(fake.client().custom_reports()).to_pylist() if r["name"] == "Wide export")
    assert len(wide["columns"]) == 40
    v1 = pa.table(fake.client().custom_report(wide["id"], api="v1"))
    assert len({f.metadata[b"personio.key"] for f in v1.schema}) == 41  # with employee_id
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pio.TypeFallbackWarning)
        v2 = pa.table(fake.client().custom_report(wide["id"], api="v2"))
    assert len({f.metadata[b"personio.key"] for f in v2.schema}) == 40
    assert_v1_and_v2_agree(v1, v2)
