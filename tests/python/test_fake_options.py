"""The fake's knobs cross from Python as a dict: typos and wrong types fail clearly,
naming the knob; stats come back as a dict."""

from __future__ import annotations

import signal
import subprocess
import sys
from contextlib import contextmanager
from typing import Iterator

import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio, FakeServer


@pytest.mark.parametrize(
    "options, error, named",
    [
        ({"employes": 3}, TypeError, "employes"),
        ({"employees": "3"}, TypeError, "employees"),
        ({"latency_ms": 1.5}, TypeError, "latency_ms"),
        ({"rate_limits": {"employees": {"burst": 2, "per_sec": 5.0}}}, TypeError, "rate_limits"),
        ({"faults": [{"kind": "slow_body", "stall_ms": "long"}]}, TypeError, "faults"),
        ({"overrides": [{"employee": 1, "key": "x", "value": object()}]}, TypeError, "overrides"),
        ({"seed": float("nan")}, ValueError, "seed"),
        ({"employees": 2**70}, ValueError, "employees"),
        ({"faults": [{"kind": "slow_body", "stall_ms": 0}]}, ValueError, "stall_ms"),
    ],
)
def test_bad_options_name_the_option(options, error, named) -> None:
    with pytest.raises(error, match=named):
        FakePersonio(**options).start().stop()


def test_a_dict_that_contains_itself_is_refused() -> None:
    looped: dict = {}
    looped["again"] = looped
    with pytest.raises(ValueError, match="overrides.*nested too deeply"):
        FakeServer({"overrides": [{"employee": 0, "key": "first_name", "value": looped}]})


def test_nested_options_take_effect(fake_factory) -> None:
    fake = fake_factory(
        employees=250,
        rate_limits={"employees": {"burst": 1, "per_second": 1000.0}},
        faults=[{"kind": "server_error_burst", "routes": ["employees"], "count": 2, "statuses": [502]}],
        credentials=[{"client_id": "second", "client_secret": "s3cr3t-second", "scopes": ("employees:read",)}],
    )
    table = pio.Client("second", "s3cr3t-second", base_url=fake.url, max_retries=3).employees()
    assert table.num_rows == 250
    stats = fake.stats()
    assert stats["by_fault"] == {"server_error_burst": 2}
    assert stats["by_status"][502] == 2  # statuses are int keys
    assert stats["by_route"]["GET /v1/company/employees"] == 3 + 2
    assert set(stats) == {
        "requests", "auth_v1", "auth_v2", "by_route", "by_status", "max_in_flight",
        "rate_limited", "tokens_by_client", "rate_limited_by_client", "injected_errors",
        "by_fault",
    }


@contextmanager
def command_line_fake(*argv: str) -> Iterator[dict[str, str]]:
    """`personio-arrow fake-server *argv`, until the block ends: the lines it exports."""
    server = subprocess.Popen(
        [sys.executable, "-m", "personio_arrow", "fake-server", *argv],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        lines = {}
        for _ in range(4):
            line = server.stdout.readline().strip()
            if "=" in line:
                key, value = line.removeprefix("export ").split("=", 1)
                lines[key] = value
        yield lines
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)


def client_of(lines: dict[str, str], **options: object) -> pio.Client:
    return pio.Client(lines["PERSONIO_CLIENT_ID"], lines["PERSONIO_CLIENT_SECRET"],
                      base_url=lines["PERSONIO_BASE_URL"], **options)


def test_the_command_line_takes_options_as_json() -> None:
    options = '{"server_errors": 1, "whitelist": ["first_name"]}'
    with command_line_fake("--employees", "7", "--options", options) as lines:
        client = client_of(lines, max_retries=0)
        with pytest.raises(pio.ServerError):
            client.employees()  # the one injected 503
        assert client.employees().column_names == ["id", "first_name"]


def test_options_the_flags_also_set_are_kept_unless_a_flag_is_given() -> None:
    # The flags' defaults used to overwrite these knobs: 200 employees of seed 0.
    with FakePersonio(employees=3, seed=5) as reference:
        expected = reference.client().employees().to_pyarrow()
    with command_line_fake("--options", '{"employees": 3, "seed": 5}') as lines:
        assert client_of(lines).employees().to_pyarrow() == expected
    with command_line_fake("--employees", "4", "--options", '{"employees": 3}') as lines:
        assert client_of(lines).employees().num_rows == 4


def test_the_command_line_names_a_bad_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "personio_arrow", "fake-server", "--options", '{"sever_errors": 1}'],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "TypeError" in result.stderr and "sever_errors" in result.stderr
