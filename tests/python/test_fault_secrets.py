"""The secret and every token the fake issued never appear in anything a user sees,
under every fault the fake can inject: exceptions (str, repr, args, attributes),
warnings, table reprs, log records, and the command line's output."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from typing import Any

import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio

FAULTS: list[dict[str, Any]] = [
    {"kind": "server_error_burst", "count": 8},
    {"kind": "rate_limit_burst", "count": 2},
    {"kind": "token_expiry"},
    {"kind": "token_revocation", "after": 2},
    {"kind": "connection_reset"},
    {"kind": "truncated_body"},
    {"kind": "malformed_body"},
    {"kind": "slow_body", "stall_ms": 2500},
    {"kind": "redirect"},
    {"kind": "redirect", "routes": ["auth"]},
    {"kind": "lying_total", "lie": "huge"},
    {"kind": "empty_page"},
    {"kind": "records_move", "mode": "delete"},
]


def read_everything(fake: FakePersonio) -> list[str]:
    """Every read once; what a user would see of each, as text."""
    seen: list[str] = []
    client = fake.client(timeout=1.5, deadline=60, max_retries=2)
    seen += [repr(client), str(client)]
    reads = [
        lambda: client.employees(),
        lambda: client.custom_report(fake_report_id(client), api="v1"),
        lambda: client.custom_report(fake_report_id(client), api="v2"),
    ]
    for read in reads:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                table = read()
                seen += [repr(table), table._repr_html_()]
            except pio.PersonioError as error:
                seen += [str(error), repr(error), repr(error.args), repr(vars(error))]
        seen += [str(w.message) for w in caught]
    return seen


def fake_report_id(client: pio.Client) -> str:
    reports = client.custom_reports().to_pyarrow().to_pylist()
    return next(r["id"] for r in reports if r["name"] == "Headcount")


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f["kind"] + "-" + ",".join(f.get("routes", [])))
def test_no_secret_under_any_fault(fault, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with FakePersonio(employees=60, seed=3, report_v2_page_cap=20, faults=[fault]) as fake:
        seen = read_everything(fake)
        tokens = fake.issued_tokens()
        secret = fake.client_secret
    seen += [record.getMessage() for record in caplog.records]
    assert tokens  # the scenario did authenticate: the scan has something to look for
    haystack = "\n".join(seen)
    assert secret not in haystack
    for token in tokens:
        assert token not in haystack


@pytest.mark.parametrize("fault", [{"kind": "token_revocation", "after": 1}, {"kind": "redirect"},
                                   {"kind": "malformed_body"}], ids=lambda f: f["kind"])
def test_no_secret_in_the_command_line_output(fault, tmp_path) -> None:
    with FakePersonio(employees=30, seed=3, faults=[fault]) as fake:
        env = {**os.environ, "PERSONIO_CLIENT_ID": fake.client_id,
               "PERSONIO_CLIENT_SECRET": fake.client_secret, "PERSONIO_BASE_URL": fake.url}
        runs = [
            subprocess.run([sys.executable, "-m", "personio_arrow", *args], capture_output=True,
                           text=True, env=env, timeout=120)
            for args in (["employees"], ["reports"], ["employees", "-o", str(tmp_path / "e.parquet")])
        ]
        tokens = fake.issued_tokens()
        secret = fake.client_secret
    assert tokens
    output = "\n".join(run.stdout + run.stderr for run in runs)
    assert secret not in output
    for token in tokens:
        assert token not in output
