"""Type-fallback warnings point at the user's own line, however deep our code runs."""

from __future__ import annotations

import inspect
import warnings

import pytest

import personio_arrow as pio
from personio_arrow.__main__ import main


def caught_at(call) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    fallbacks = [w for w in caught if issubclass(w.category, pio.TypeFallbackWarning)]
    assert fallbacks, "expected a TypeFallbackWarning"
    return fallbacks


def test_a_read_warns_at_the_calling_line(fake_factory) -> None:
    fake = fake_factory(employees=20, overrides=[{"employee": 3, "key": "hire_date", "value": "31.12.2020"}])
    client = fake.client()
    line = inspect.currentframe().f_lineno + 1
    fallbacks = caught_at(lambda: client.employees())
    assert {(w.filename, w.lineno) for w in fallbacks} == {(__file__, line)}


def test_a_report_warns_at_the_calling_line(company) -> None:
    client = company.client()
    report_id = next(r["id"] for r in client.custom_reports().to_pyarrow().to_pylist() if r["status"] == "up_to_date")
    line = inspect.currentframe().f_lineno + 1
    fallbacks = caught_at(lambda: client.custom_report(report_id, api="v2"))
    assert {(w.filename, w.lineno) for w in fallbacks} == {(__file__, line)}


def test_calls_through_our_own_python_warn_at_the_line_outside_it(fake_factory, monkeypatch, capsys) -> None:
    # The command line's main() runs two frames of personio_arrow before the read.
    fake = fake_factory(employees=20, overrides=[{"employee": 3, "key": "hire_date", "value": "31.12.2020"}])
    monkeypatch.setenv("PERSONIO_CLIENT_SECRET", fake.client_secret)
    args = ["employees", "--client-id", fake.client_id, "--base-url", fake.url]
    line = inspect.currentframe().f_lineno + 1
    fallbacks = caught_at(lambda: main(args))
    assert {(w.filename, w.lineno) for w in fallbacks} == {(__file__, line)}
    assert "rows x" in capsys.readouterr().out


def test_the_warning_is_one_users_can_filter(fake_factory) -> None:
    fake = fake_factory(employees=20, overrides=[{"employee": 3, "key": "hire_date", "value": "31.12.2020"}])
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=pio.TypeFallbackWarning, module=__name__)
        with pytest.raises(pio.TypeFallbackWarning, match="hire_date"):
            fake.client().employees()
