"""Arrow PyCapsule hand-over without copies, and analyst dtypes in pandas."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
import polars as pl
import pyarrow as pa
import pyarrow.feather

import personio_arrow as pio


def buffer_address(column: pa.ChunkedArray) -> list[int]:
    """Where each chunk's values live (a table has a chunk per page)."""
    return [chunk.buffers()[1].address for chunk in column.chunks]


def test_pyarrow_import_is_zero_copy(employees: pio.Table) -> None:
    first, second = pa.table(employees), employees.to_pyarrow()
    for name in ("id", "hire_date", "weekly_working_hours", "first_name"):
        assert buffer_address(first.column(name)) == buffer_address(second.column(name)), name


def test_pages_stay_chunks_that_share_each_dictionary(employees: pio.Table, tmp_path) -> None:
    """A page per chunk (joining them would copy the table once more), one dictionary
    per list column across chunks (Arrow IPC files allow no other), same values."""
    arrow = pa.table(employees)
    pages = -(-employees.num_rows // 100)  # Personio's pages hold 100 employees
    assert arrow.column("id").num_chunks == pages > 1
    list_columns = [f.name for f in arrow.schema if pa.types.is_dictionary(f.type)]
    for name in list_columns:
        chunks = arrow.column(name).chunks
        assert all(chunk.dictionary.equals(chunks[0].dictionary) for chunk in chunks), name
    feather = tmp_path / "employees.arrow"
    pa.feather.write_feather(arrow, feather)
    assert pa.feather.read_table(feather).equals(arrow)
    assert arrow.combine_chunks().column("id").to_pylist() == arrow.column("id").to_pylist()


def test_nbytes_is_the_tables_own_buffers(employees: pio.Table) -> None:
    """pyarrow counts each chunk's dictionary; the chunks share one, counted once."""
    arrow = pa.table(employees)
    repeated = sum(
        (column.num_chunks - 1) * column.chunk(0).dictionary.nbytes
        for column in arrow.columns
        if pa.types.is_dictionary(column.type)
    )
    assert repeated > 0
    # pyarrow counts the parts of null masks and child arrays a little differently.
    assert employees.nbytes == pytest.approx(arrow.nbytes - repeated, rel=0.01)


def test_polars_import_is_zero_copy(employees: pio.Table) -> None:
    arrow_id = buffer_address(pa.table(employees).column("id"))
    frame = pl.DataFrame(employees)
    assert frame.height == employees.num_rows
    # A Series' own to_arrow() joins its chunks; the frame's hands them out as they are.
    assert buffer_address(frame.to_arrow().column("id")) == arrow_id
    assert employees.to_polars().schema["hire_date"] == pl.Date


def test_duckdb_reads_the_table(employees: pio.Table) -> None:
    arrow = pa.table(employees)
    counts = duckdb.sql(
        "select department_name, count(*) as n from arrow group by 1 order by 2 desc"
    ).fetchall()
    assert sum(n for _, n in counts) == employees.num_rows
    [(recent,)] = duckdb.sql("select count(*) from arrow where hire_date > date '2000-01-01'").fetchall()
    assert recent > 0


def test_pandas_dtypes(employees: pio.Table) -> None:
    frame = employees.to_pandas()
    assert len(frame) == employees.num_rows
    assert str(frame["id"].dtype) == "Int64"
    assert str(frame["supervisor_id"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(frame["hire_date"])
    assert str(frame["created_at"].dtype).startswith("datetime64[us, UTC]")
    assert isinstance(frame["first_name"].dtype, pd.StringDtype)
    assert frame["weekly_working_hours"].dtype == "float64"
    list_columns = [f.name for f in pa.schema(employees) if pa.types.is_dictionary(f.type)]
    assert list_columns and all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in list_columns)
    mixed = [c for c in frame.columns if frame[c].dtype == object and frame[c].map(type).nunique() > 2]
    assert not mixed, mixed  # object only for lists (list or missing), never mixed scalars


def test_pandas_from_arrow_capsule(employees: pio.Table) -> None:
    if not hasattr(pd.DataFrame, "from_arrow"):
        pytest.skip(f"pandas {pd.__version__} has no DataFrame.from_arrow (pandas >= 3.0)")
    assert len(pd.DataFrame.from_arrow(employees)) == employees.num_rows


def test_schema_and_repr(employees: pio.Table) -> None:
    assert employees.schema == pa.schema(employees)
    text = repr(employees)
    assert text.startswith(f"personio_arrow.Table: {employees.num_rows} rows x")
    assert "hire_date: date32[day]" in text
    html = employees._repr_html_()
    assert html.count("<tr>") == 11 and "more rows" in html
    assert "<script" not in html


def test_html_escapes_values(fake_factory) -> None:
    fake = fake_factory(employees=2, overrides=[{"employee": 0, "key": "first_name", "value": "<b>x</b>"}])
    html = fake.client().employees()._repr_html_()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_threads_share_one_client(fake_factory) -> None:
    from concurrent.futures import ThreadPoolExecutor

    # A fresh fake, one request at a time per read, 50 ms a request: requests of
    # different reads can only overlap if the threads ran at once (the GIL released).
    fake = fake_factory(employees=300, latency_ms=50)
    client = fake.client(concurrency=1)
    with ThreadPoolExecutor(4) as pool:
        sizes = list(pool.map(lambda _: client.employees(attributes=["email"]).num_rows, range(4)))
    assert sizes == [300] * 4
    stats = fake.stats()
    assert stats["auth_v1"] == 1  # one token for every thread
    assert stats["max_in_flight"] >= 2  # the reads overlapped
