"""While a read waits on the network: Ctrl-C stops it at once, other threads run."""

from __future__ import annotations

import signal
import threading
import time

import pytest

# The first page of the employee listing stalls mid-body for this long.
STALL_MS = 20_000


def stalled_listing(fake_factory, stall_ms: int):
    fake = fake_factory(
        employees=150,
        faults=[{"kind": "slow_body", "routes": ["employees"], "after": 0, "stall_ms": stall_ms}],
    )
    return fake.client(timeout=60, deadline=120, max_retries=0)


def test_ctrl_c_cancels_a_read_within_a_second(fake_factory) -> None:
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    client = stalled_listing(fake_factory, STALL_MS)
    sent: list[float] = []

    def press_ctrl_c() -> None:
        sent.append(time.monotonic())
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    timer = threading.Timer(1.0, press_ctrl_c)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.employees()
        interrupted = time.monotonic()
    finally:
        timer.cancel()
    assert sent, "the read ended before Ctrl-C was pressed: the stall did not happen"
    assert interrupted - sent[0] < 1.0


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
