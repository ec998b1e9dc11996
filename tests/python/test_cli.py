"""The command line: exports by extension, the demo, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow as pa
import pyarrow.csv
import pyarrow.feather
import pyarrow.parquet as pq
import pytest


def run(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "personio_arrow", *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=120,
    )


@pytest.fixture
def env(company) -> dict:
    return {
        "PERSONIO_CLIENT_ID": company.client_id,
        "PERSONIO_CLIENT_SECRET": company.client_secret,
        "PERSONIO_BASE_URL": company.url,
    }


@pytest.mark.parametrize("suffix", ["parquet", "arrow", "csv", "json", "jsonl"])
def test_employees_export(tmp_path, env, employees, suffix) -> None:
    out = tmp_path / f"employees.{suffix}"
    result = run("employees", "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert f"wrote {employees.num_rows} rows" in result.stderr
    if suffix == "parquet":
        table = pq.read_table(out)
        assert table.schema.field("hire_date").type == pa.date32()
        assert table.column("id").to_pylist() == pa.table(employees).column("id").to_pylist()
        assert table.schema.field("hire_date").metadata[b"personio.key"] == b"hire_date"
    elif suffix == "arrow":
        assert pa.feather.read_table(out).equals(pa.table(employees))
    elif suffix == "csv":
        parse = pa.csv.ParseOptions(newlines_in_values=True)  # multiline attributes
        assert pa.csv.read_csv(out, parse_options=parse).num_rows == employees.num_rows
    elif suffix == "json":
        rows = json.loads(out.read_text())
        assert len(rows) == employees.num_rows and "first_name" in rows[0]
    else:
        assert len(out.read_text().splitlines()) == employees.num_rows


def test_employees_to_stdout(env) -> None:
    result = run("employees", "--attributes", "first_name,hire_date", env=env)
    assert result.returncode == 0, result.stderr
    assert "first_name" in result.stdout and "rows x 3 columns" in result.stdout


def test_unknown_extension_is_an_error(tmp_path, env) -> None:
    result = run("employees", "-o", str(tmp_path / "out.xlsx"), env=env)
    assert result.returncode == 1
    assert ".parquet" in result.stderr


def test_bad_secret_exits_with_a_clear_message(env) -> None:
    result = run("employees", env={**env, "PERSONIO_CLIENT_SECRET": "nope-nope-secret"})
    assert result.returncode == 1
    assert "AuthenticationError" in result.stderr and "nope-nope-secret" not in result.stderr


def test_demo(tmp_path) -> None:
    result = run("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Exported 200 employees" in result.stdout
    assert "hire_date" in result.stdout and "date32[day]" in result.stdout
    assert pq.read_table(tmp_path / "personio-demo-employees.parquet").num_rows == 200


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_attendances_export(tmp_path, env, company, suffix) -> None:
    out = tmp_path / f"attendances.{suffix}"
    result = run("attendances", "--start", "2025-12-01", "--end", "2025-12-31", "--api", "v1",
                 "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    expected = company.client().attendances("2025-12-01", "2025-12-31", api="v1")
    assert f"wrote {expected.num_rows} rows x 14 columns" in result.stderr
    written = pq.read_table(out) if suffix == "parquet" else pyarrow.csv.read_csv(out)
    assert written.num_rows == expected.num_rows > 0
    assert written.column_names == expected.column_names


def test_attendances_needs_its_days(env) -> None:
    result = run("attendances", "--start", "2025-12-01", "--end", "December", env=env)
    assert result.returncode == 1
    assert "ValueError: end must be a date" in result.stderr


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_absences_export(tmp_path, env, company, suffix) -> None:
    out = tmp_path / f"absences.{suffix}"
    result = run("absences", "--start", "2025-12-01", "--end", "2025-12-31", "--api", "v1",
                 "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    expected = company.client().absences("2025-12-01", "2025-12-31", api="v1")
    assert f"wrote {expected.num_rows} rows x 14 columns" in result.stderr
    written = pq.read_table(out) if suffix == "parquet" else pyarrow.csv.read_csv(out)
    assert written.num_rows == expected.num_rows > 0
    assert written.column_names == expected.column_names


def test_absences_needs_its_days(env) -> None:
    result = run("absences", "--start", "1 Dec", "--end", "2025-12-31", env=env)
    assert result.returncode == 1
    assert "ValueError: start must be a date" in result.stderr


def test_progress_goes_to_stderr_and_the_data_to_stdout_alone(env) -> None:
    plain = run("employees", "--attributes", "first_name", env=env)
    shown = run("employees", "--attributes", "first_name", "--progress", env=env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == plain.stdout
    rows = plain.stdout.rsplit("(", 1)[1].split(" rows")[0]
    assert f"{rows}/{rows}" in shown.stderr, shown.stderr


def test_without_a_terminal_the_default_is_silent(env, tmp_path) -> None:
    out = tmp_path / "employees.csv"
    result = run("employees", "-o", str(out), env=env)  # stderr is a pipe here
    silent = run("employees", "-o", str(out), "--no-progress", env=env)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and " rows]" not in result.stderr
    assert result.stderr == silent.stderr
