"""Benchmark: every employee into a pandas DataFrame, personio-arrow against the
`requests` + paging loop + `pandas.json_normalize` code users write today.

Both read the same fake Personio company over loopback HTTP in the same run; the
figures are wall-clock seconds from "have credentials" to "have a DataFrame".

    python benches/employees_vs_requests.py [--employees 20000] [--latency-ms 0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import pandas as pd

from employee_reads import with_personio_arrow, with_requests
from personio_arrow.testing import FakePersonio


def measure(run: Callable[[], pd.DataFrame], repeat: int) -> tuple[float, pd.DataFrame]:
    times = []
    frame = pd.DataFrame()
    for _ in range(repeat):
        started = time.perf_counter()
        frame = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument("--custom-attributes", type=int, default=27)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    # Personio allows 300 employee requests a minute; this fake announces far more, so
    # that the figures measure the reading, not the limit (the client paces itself by
    # what the server announces, and by Personio's documented limits when it says
    # nothing).
    with FakePersonio(
        employees=args.employees,
        custom_attributes=args.custom_attributes,
        latency_ms=args.latency_ms,
        rate_limits="ample",
    ) as fake:
        credentials = (fake.url, fake.client_id, fake.client_secret)
        baseline_s, baseline_df = measure(lambda: with_requests(*credentials), args.repeat)
        ours_s, ours_df = measure(lambda: with_personio_arrow(*credentials), args.repeat)

    assert len(ours_df) == len(baseline_df) == args.employees, (len(ours_df), len(baseline_df))
    print(f"employees: {args.employees}, latency: {args.latency_ms} ms, "
          f"median of {args.repeat} runs, loopback HTTP to the fake server")
    print(f"{'method':<44}{'seconds':>10}{'employees/s':>14}{'columns':>10}")
    for name, seconds, frame in (
        ("requests + paging loop + json_normalize", baseline_s, baseline_df),
        ("personio_arrow Client().employees().to_pandas()", ours_s, ours_df),
    ):
        print(f"{name:<44}{seconds:>10.3f}{args.employees / seconds:>14,.0f}{frame.shape[1]:>10}")
    print(f"speed-up: {baseline_s / ours_s:.1f}x")


if __name__ == "__main__":
    main()
