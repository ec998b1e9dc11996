"""`progress=` on the long reads: the user's callable, the bar on stderr, tqdm's bar."""

from __future__ import annotations

import sys
from datetime import date

import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio

EMPLOYEES = 450  # five v1 pages of 100
SLOW = 40  # ms per answer: the read spans several of the waiting loop's 100 ms polls


@pytest.fixture(scope="module")
def slow_company():
    with FakePersonio(employees=EMPLOYEES, seed=5, latency_ms=SLOW) as fake:
        yield fake


def one_at_a_time(fake: FakePersonio) -> pio.Client:
    return fake.client(concurrency=1)


def test_a_callable_sees_counts_grow_to_the_row_count_with_the_claimed_total(slow_company):
    calls: list[tuple[int, int | None]] = []
    table = one_at_a_time(slow_company).employees(progress=lambda d, t: calls.append((d, t)))
    assert table.num_rows == EMPLOYEES
    assert calls[-1] == (EMPLOYEES, EMPLOYEES)
    done = [d for d, _ in calls]
    assert done == sorted(done), calls
    # Between the first page and the end, the listing's claim was already the total.
    under_way = [(d, t) for d, t in calls[:-1] if 0 < d < EMPLOYEES]
    assert under_way, f"no update while the pages arrived: {calls}"
    assert all(t == EMPLOYEES for _, t in under_way), calls


DECEMBER = (date(2025, 12, 1), date(2025, 12, 31))


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_the_other_long_reads_report_too(slow_company, api):
    client = one_at_a_time(slow_company)
    reads = {
        "attendances": lambda p: client.attendances(*DECEMBER, api=api, progress=p),
        "absences": lambda p: client.absences(*DECEMBER, api=api, progress=p),
        "custom_report": lambda p: client.custom_report(headcount(client), api=api, progress=p),
    }
    for name, read in reads.items():
        calls: list[tuple[int, int | None]] = []
        table = read(lambda d, t: calls.append((d, t)))
        assert table.num_rows > 0, name
        assert calls[-1] == (table.num_rows, table.num_rows), name
        # Records are counted as they arrive; the last call states the rows, which can
        # be fewer where records do not each become a row (v2 attendances).
        done = [d for d, _ in calls[:-1]]
        assert done == sorted(done), (name, calls)
        assert all(t is None or d <= t for d, t in calls), (name, calls)


def headcount(client: pio.Client) -> str:
    reports = client.custom_reports().to_pyarrow().to_pylist()
    return next(r["id"] for r in reports if r["name"] == "Headcount")


def test_records_moving_under_the_read_never_push_the_count_past_its_total():
    moving = {"kind": "records_move", "mode": "delete", "routes": ["employees"]}
    with FakePersonio(employees=EMPLOYEES, seed=5, latency_ms=SLOW, faults=[moving]) as fake:
        calls: list[tuple[int, int | None]] = []
        table = one_at_a_time(fake).employees(progress=lambda d, t: calls.append((d, t)))
    done = [d for d, _ in calls[:-1]]
    assert done == sorted(done), calls
    # The total is unknown only before the first page; the second pass claims one less.
    assert all(d <= t if t is not None else d == 0 for d, t in calls), calls
    assert calls[-1] == (table.num_rows, table.num_rows) == (EMPLOYEES - 1, EMPLOYEES - 1)


def without_tqdm(monkeypatch) -> None:
    """Makes `import tqdm.auto` fail, as where tqdm is not installed."""
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)


def test_progress_true_without_tqdm_draws_one_line_on_stderr(slow_company, monkeypatch, capsys):
    without_tqdm(monkeypatch)
    table = one_at_a_time(slow_company).employees(progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    frames = err.rstrip("\n").split("\r")[1:]
    assert len(frames) >= 2, repr(err)
    assert frames[-1].rstrip() == f"employees: [{'#' * 30}] {table.num_rows}/{table.num_rows} rows"


def test_progress_true_with_tqdm_closes_its_bar_at_the_row_count(slow_company, monkeypatch):
    import tqdm.auto

    bars = []
    original = tqdm.auto.tqdm

    class Recorded(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            bars.append(self)

    monkeypatch.setattr(tqdm.auto, "tqdm", Recorded)
    table = one_at_a_time(slow_company).employees(progress=True)
    [bar] = bars
    assert (bar.n, bar.total, bar.desc) == (table.num_rows, table.num_rows, "employees")
    assert bar.disable or bar.last_print_n == table.num_rows


def test_a_failing_read_closes_the_bar_and_raises(monkeypatch, capsys):
    without_tqdm(monkeypatch)
    broken = {"kind": "malformed_body", "routes": ["employees"], "after": 2, "count": 100}
    with FakePersonio(employees=EMPLOYEES, seed=5, latency_ms=SLOW, faults=[broken]) as fake:
        calls: list[tuple[int, int | None]] = []
        with pytest.raises(pio.PersonioError):
            one_at_a_time(fake).employees(progress=lambda d, t: calls.append((d, t)))
        assert all(d < EMPLOYEES for d, _ in calls), calls
        with pytest.raises(pio.PersonioError):
            one_at_a_time(fake).employees(progress=True)
    err = capsys.readouterr().err
    assert err.endswith("\n") and f"{EMPLOYEES}/{EMPLOYEES}" not in err, repr(err)


def test_an_error_in_the_callable_stops_the_read(slow_company):
    def refuse(done: int, total: int | None) -> None:
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        one_at_a_time(slow_company).employees(progress=refuse)


def test_progress_false_is_silent_and_a_bad_value_is_a_type_error(slow_company, capfd):
    client = slow_company.client()
    client.employees(progress=False)
    assert capfd.readouterr() == ("", "")
    with pytest.raises(TypeError, match="progress"):
        client.employees(progress="yes")  # type: ignore[arg-type]
