"""While a read waits on the network: Ctrl-C stops it at once, other threads run."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest

# The first page of the employee listing stalls mid-body for this long.
STALL_MS = 20_000
# Seconds into the read when Ctrl-C is pressed.
CTRL_C_AFTER = 1.0


def stalled_listing(fake_factory, stall_ms: int):
    fake = fake_factory(
        employees=150,
        faults=[{"kind": "slow_body", "routes": ["employees"], "after": 0, "stall_ms": stall_ms}],
    )
    return fake.client(timeout=60, deadline=120, max_retries=0)


def test_ctrl_c_cancels_a_read_within_a_second(fake_factory) -> None:
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    client = stalled_listing(fake_factory, STALL_MS)
    # Ctrl-C comes from outside, as a terminal's does: no Python thread of ours has to
    # run (or hold the GIL) to send it.
    started = time.monotonic()
    ctrl_c = subprocess.Popen(["sh", "-c", f"sleep {CTRL_C_AFTER}; kill -INT {os.getpid()}"])
    try:
        with pytest.raises(KeyboardInterrupt):
            client.employees()
        interrupted = time.monotonic()
    finally:
        ctrl_c.kill()  # if the read ended first, no stray Ctrl-C later
        ctrl_c.wait()
    assert interrupted - started < CTRL_C_AFTER + 1.0, "the read went on after Ctrl-C"


def test_other_threads_run_while_a_read_waits(fake_factory) -> None:
    client = stalled_listing(fake_factory, 1500)
    ticks: list[float] = []
    done = threading.Event()

    def tick() -> None:
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        started = time.monotonic()
        assert client.employees().num_rows == 150
        ended = time.monotonic()
    finally:
        done.set()
        ticker.join()
    assert ended - started > 1.4, "the read did not stall"
    # Well inside the read, away from its start and end, the other thread kept ticking.
    inside = [t for t in ticks if started + 0.3 < t < ended - 0.3]
    assert len(inside) > 100, f"{len(inside)} ticks while the read waited"
