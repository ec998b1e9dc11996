"""Streamed custom reports (`iter_custom_report`), v1 and v2: the batches make the table
`custom_report` reads, row for row; a fault or a report that changes between passes
raises from the iteration, never ends short; the CLI writes Parquet through the stream."""

from __future__ import annotations

from typing import Iterator

import warnings

import duckdb
import polars
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import personio_arrow as pio
from cli_run import run_cli
from personio_arrow.testing import FakePersonio

V2_ROUTE = "GET /v2/reports/{id}"
V1_ROUTE = "GET /v1/company/custom-reports/reports/{id}"


@pytest.fixture(scope="module")
def reports_company() -> Iterator[FakePersonio]:
    """A company of its own: reading the report list moves the fake's "updating" report
    on, which the shared `company` must not see."""
    with FakePersonio(employees=1234, seed=7) as fake:
        yield fake


def rows(table_like) -> list[dict]:
    """Rows as Python values: dictionary columns compare by value, not by dictionary."""
    return pa.table(table_like).to_pylist()


def report_id(fake, name: str) -> str:
    return next(r["id"] for r in rows(fake.client().custom_reports()) if r["name"] == name)


def table_of(client, report: str, **query) -> pa.Table:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pio.TypeFallbackWarning)  # the fake's assumed v2 shapes
        return pa.table(client.custom_report(report, **query))


def streamed(stream: pio.RecordBatchStream, batch_size: int) -> pa.Table:
    batches = list(stream)
    assert all(0 < b.num_rows <= batch_size for b in batches)
    assert all(b.schema.equals(stream.schema) for b in batches)
    return pa.Table.from_batches(batches, schema=stream.schema)


# A point_in_time report, the timeframe one and the historical one, whose rows are dated
# from the row after them: across the chunks and batches of a stream too.
REPORTS = ["Headcount", "Absences and attendance", "Department and salary history"]


@pytest.mark.parametrize("api", ["v1", "v2"])
@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize(("batch_size", "names"), [(10_000, "key"), (37, "label")])
def test_streamed_batches_make_the_table(reports_company, api, name, batch_size, names) -> None:
    client = reports_company.client()
    report = report_id(reports_company, name)
    table = table_of(client, report, api=api, names=names)
    stream = client.iter_custom_report(report, api=api, names=names, batch_size=batch_size)
    assert stream.schema.equals(table.schema, check_metadata=True)
    read = streamed(stream, batch_size)
    assert read.schema.equals(table.schema, check_metadata=True)
    assert rows(read) == rows(table)
    if batch_size < table.num_rows:
        assert read.to_batches() and len(read.to_batches()) >= table.num_rows // batch_size


def test_auto_streams_through_v2_where_the_report_is_there(fake_factory) -> None:
    fake = fake_factory(employees=300, seed=5)
    report = report_id(fake, "Headcount")
    read = streamed(fake.client().iter_custom_report(report, batch_size=64), 64)
    assert fake.stats()["by_route"][V2_ROUTE] == 1
    assert fake.stats()["by_route"].get(V1_ROUTE, 0) == 0
    assert rows(read) == rows(table_of(fake.client(), report, api="v2"))


def test_auto_falls_back_to_v1_for_a_report_v2_cannot_render(reports_company) -> None:
    report = report_id(reports_company, "Headcount by office")  # grouped: v2 answers 400
    with pytest.raises(pio.BadRequestError):
        reports_company.client().iter_custom_report(report, api="v2")
    read = streamed(reports_company.client().iter_custom_report(report, batch_size=500), 500)
    assert rows(read) == rows(table_of(reports_company.client(), report, api="v1"))


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_an_empty_report_gives_its_schema_and_no_rows(fake_factory, api) -> None:
    fake = fake_factory(employees=0, seed=2)
    report = report_id(fake, "Headcount")
    table = table_of(fake.client(), report, api=api)
    stream = fake.client().iter_custom_report(report, api=api)
    assert stream.schema.equals(table.schema)
    read = pa.Table.from_batches(list(stream), schema=stream.schema)
    assert read.num_rows == 0 and len(read.schema) == len(table.schema) > 0


def test_a_paged_v2_report_streams_its_first_pass_and_checks_it_with_a_second(fake_factory) -> None:
    fake = fake_factory(employees=2500, seed=7, report_v2_page_cap=1000)  # Personio pages anyway
    report = report_id(fake, "Headcount")
    read = streamed(fake.client().iter_custom_report(report, api="v2", batch_size=300), 300)
    assert fake.stats()["by_route"][V2_ROUTE] == 6  # two passes of 3 pages
    assert rows(read) == rows(table_of(fake.client(), report, api="v2"))


@pytest.mark.parametrize("after", [1, 3])
def test_a_paged_v2_report_that_changes_between_passes_raises(fake_factory, after) -> None:
    # The report's rows move after `after` pages: within the streamed pass, or between it
    # and the pass that checks it. A table read would read it again; a stream cannot.
    fake = fake_factory(
        employees=2500, seed=7, report_v2_page_cap=1000,
        faults=[{"kind": "records_move", "routes": ["reports_v2"], "after": after}],
    )
    report = report_id(fake, "Headcount")
    received = 0
    with pytest.raises(pio.ListingChangedError, match="streamed"):
        for batch in fake.client().iter_custom_report(report, api="v2", batch_size=500):
            received += batch.num_rows
    assert received <= 2500


@pytest.mark.parametrize(
    ("api", "route", "cap", "fault", "error"),
    [
        ("v2", "reports_v2", 1000, {"kind": "malformed_body"}, pio.InvalidResponseError),
        ("v2", "reports_v2", 1000, {"kind": "server_error_burst", "count": 20}, pio.ServerError),
        ("v1", "reports_v1", None, {"kind": "malformed_body", "after": 3}, pio.InvalidResponseError),
    ],
)
def test_a_fault_mid_read_raises_from_the_iteration(fake_factory, api, route, cap, fault, error) -> None:
    fake = fake_factory(
        employees=2500, seed=7, report_v2_page_cap=cap, faults=[{**fault, "routes": [route]}]
    )
    report = report_id(fake, "Headcount")
    received = 0
    with pytest.raises(error):
        # The call waits for the first batch, so a fault that comes first raises there.
        for batch in fake.client().iter_custom_report(report, api=api, batch_size=100):
            received += batch.num_rows
    assert received < 2500
    if api == "v2":
        # One body, read in order: the call returned and the rows before the fault went
        # out. v1 pages are read at once, so the bad page may come before the first batch.
        assert received > 0


def test_a_v2_body_cut_off_and_read_again_repeats_what_was_streamed(fake_factory) -> None:
    fake = fake_factory(
        employees=2500, seed=7, faults=[{"kind": "truncated_body", "routes": ["reports_v2"], "after": 0}]
    )
    report = report_id(fake, "Headcount")
    read = streamed(fake.client().iter_custom_report(report, api="v2", batch_size=250), 250)
    assert fake.stats()["by_route"][V2_ROUTE] == 2
    assert rows(read) == rows(table_of(fake.client(), report, api="v2"))


def test_bad_arguments_raise_at_the_call(reports_company) -> None:
    report = report_id(reports_company, "Headcount")
    with pytest.raises(ValueError):
        reports_company.client().iter_custom_report(report, batch_size=0)
    with pytest.raises(ValueError, match="auto"):
        reports_company.client().iter_custom_report(report, api="v3")
    with pytest.raises(ValueError, match="timeout"):
        reports_company.client().iter_custom_report(report, timeout=-1)


def test_a_report_still_updating_raises_at_the_call_without_wait(fake_factory) -> None:
    fake = fake_factory(employees=10, report_updating_reads=100)
    updating = next(r["id"] for r in rows(fake.client().custom_reports()) if r["status"] == "updating")
    with pytest.raises(pio.ReportNotReadyError, match="wait=True"):
        fake.client().iter_custom_report(updating, wait=False)


def test_polars_and_duckdb_read_the_stream(reports_company) -> None:
    client = reports_company.client()
    report = report_id(reports_company, "Headcount")
    table = table_of(client, report)
    frame = polars.from_arrow(pa.RecordBatchReader.from_stream(client.iter_custom_report(report, batch_size=100)))
    assert frame.height == table.num_rows
    assert frame.columns == table.column_names
    stream = client.iter_custom_report(report, batch_size=100)
    counted = duckdb.sql("select count(*) from stream").fetchall()
    assert counted == [(table.num_rows,)]


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_the_cli_streams_report_parquet_that_equals_the_table(reports_company, tmp_path, api) -> None:
    report = report_id(reports_company, "Department and salary history")
    table = table_of(reports_company.client(), report, api=api)
    out = tmp_path / "report.parquet"
    result = run_cli("report", report, "--api", api, "--batch-size", "500", "-o", str(out), fake=reports_company)
    assert result.returncode == 0, result.stderr
    assert f"wrote {table.num_rows} rows" in result.stderr
    written = pq.ParquetFile(out)
    assert max(written.metadata.row_group(g).num_rows for g in range(written.num_row_groups)) <= 500
    assert rows(written.read()) == rows(table)
    assert [p.name for p in tmp_path.iterdir()] == ["report.parquet"]


def test_the_cli_batch_size_sets_the_employee_row_groups(company, employees, tmp_path) -> None:
    out = tmp_path / "employees.parquet"
    result = run_cli("employees", "--batch-size", "300", "-o", str(out), fake=company)
    assert result.returncode == 0, result.stderr
    written = pq.ParquetFile(out)
    assert max(written.metadata.row_group(g).num_rows for g in range(written.num_row_groups)) <= 300
    assert rows(written.read()) == rows(employees)
