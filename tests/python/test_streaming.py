"""Streamed reads: batches in listing order while later pages download, complete or
raising, and a stream let go stops its requests."""

from __future__ import annotations

import time
import warnings

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import personio_arrow as pio
from cli_run import run_cli

EMPLOYEES_ROUTE = "GET /v1/company/employees"


def rows(table_like) -> list[dict]:
    """Rows as Python values: dictionary columns compare by value, not by dictionary."""
    return pa.table(table_like).to_pylist()


@pytest.mark.parametrize("size", [0, 1, 100, 250, 1234])
def test_streamed_batches_make_the_table(fake_factory, size) -> None:
    fake = fake_factory(employees=size, seed=3)
    client = fake.client()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pio.TypeFallbackWarning)
        table = pa.table(client.employees())
    stream = client.iter_employees(batch_size=300)
    assert stream.schema.equals(table.schema)
    batches = list(stream)
    assert all(0 < b.num_rows <= 300 for b in batches)
    streamed = pa.Table.from_batches(batches, schema=stream.schema)
    assert streamed.schema.equals(table.schema)
    assert rows(streamed) == rows(table)


@pytest.mark.parametrize("batch_size", [1, 50, 100, 101, 10_000])
def test_batches_hold_at_most_batch_size_rows(company, employees, batch_size) -> None:
    batches = list(company.client().iter_employees(batch_size=batch_size))
    sizes = [b.num_rows for b in batches]
    assert max(sizes) <= batch_size
    assert sum(sizes) == employees.num_rows
    # Only the last batch of a window of pages is short.
    assert len(batches) >= employees.num_rows // batch_size
    ids = [i for b in batches for i in b.column("id").to_pylist()]
    assert ids == pa.table(employees).column("id").to_pylist()


def test_the_stream_is_an_arrow_c_stream_for_pyarrow_and_polars(company, employees) -> None:
    client = company.client()
    read = pa.RecordBatchReader.from_stream(client.iter_employees(batch_size=500)).read_all()
    assert rows(read) == rows(employees)
    polars = pytest.importorskip("polars")
    frame = polars.from_arrow(pa.RecordBatchReader.from_stream(client.iter_employees()))
    assert frame.height == employees.num_rows


def test_a_stream_is_consumed_once(company) -> None:
    stream = company.client().iter_employees(batch_size=500)
    pa.RecordBatchReader.from_stream(stream).read_all()
    with pytest.raises(RuntimeError, match="already consumed"):
        stream.__arrow_c_stream__()


def test_a_parquet_writer_loop_writes_the_table(company, employees, tmp_path) -> None:
    stream = company.client().iter_employees(batch_size=400)
    path = tmp_path / "employees.parquet"
    with pq.ParquetWriter(path, stream.schema) as writer:
        for batch in stream:
            writer.write_batch(batch)
    assert rows(pq.read_table(path)) == rows(employees)


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "records_move", "mode": "delete"},
        {"kind": "records_move", "mode": "insert"},
        {"kind": "lying_total", "lie": "short"},
        {"kind": "lying_total", "lie": "huge"},
    ],
)
def test_a_listing_that_changes_mid_stream_raises_never_ends_short(fake_factory, fault) -> None:
    fake = fake_factory(
        employees=1234, seed=7, faults=[{**fault, "routes": ["employees"], "after": 3}]
    )
    received = 0
    with pytest.raises((pio.ListingChangedError, pio.InvalidResponseError)):
        for batch in fake.client().iter_employees(batch_size=200):
            received += batch.num_rows
    assert received < 1234 + 100


def test_a_truncated_body_is_read_again_and_the_stream_is_complete(fake_factory) -> None:
    fake = fake_factory(
        employees=1234, seed=7, faults=[{"kind": "truncated_body", "routes": ["employees"], "after": 3}]
    )
    ids = [i for b in fake.client().iter_employees(batch_size=200) for i in b.column("id").to_pylist()]
    assert len(ids) == len(set(ids)) == 1234


def test_an_error_before_the_listing_raises_at_the_call(fake_factory) -> None:
    fake = fake_factory(employees=10)
    with pytest.raises(pio.AuthenticationError):
        pio.Client(client_id=fake.client_id, client_secret="wrong", base_url=fake.url).iter_employees()
    with pytest.raises(ValueError):
        fake.client().iter_employees(batch_size=0)


def test_a_stream_let_go_stops_its_requests(fake_factory) -> None:
    pages = 100
    fake = fake_factory(employees=pages * 100, seed=1)
    stream = fake.client().iter_employees(batch_size=100)
    next(iter(stream))
    del stream
    time.sleep(0.5)
    seen = fake.stats()["by_route"][EMPLOYEES_ROUTE]
    time.sleep(0.5)
    assert fake.stats()["by_route"][EMPLOYEES_ROUTE] == seen
    # The read went no further than the pages it may hold ahead of its consumer.
    assert seen < pages // 2


def test_the_cli_streams_parquet_that_equals_the_table(company, employees, tmp_path) -> None:
    out = tmp_path / "employees.parquet"
    result = run_cli("employees", "-o", str(out), fake=company)
    assert result.returncode == 0, result.stderr
    assert f"wrote {employees.num_rows} rows" in result.stderr
    assert rows(pq.read_table(out)) == rows(employees)
    assert [p.name for p in tmp_path.iterdir()] == ["employees.parquet"]


def test_a_failed_streamed_export_leaves_no_file(fake_factory, tmp_path) -> None:
    fake = fake_factory(
        employees=1234, seed=7, faults=[{"kind": "records_move", "routes": ["employees"], "after": 3}]
    )
    out = tmp_path / "employees.parquet"
    result = run_cli("employees", "-o", str(out), fake=fake)
    assert result.returncode != 0
    assert "listing changed" in result.stderr
    assert list(tmp_path.iterdir()) == []
