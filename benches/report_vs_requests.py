"""Benchmark: a custom report of 5,000 employees and 40 columns into pandas,
personio-arrow (v1 and v2) against `requests` + page loop + `pandas.json_normalize`.

All read the same fake Personio report over loopback HTTP in the same run. Prints
seconds, rows/s and MB/s of JSON (the size of the v1 pages the baseline downloads).

    python benches/report_vs_requests.py [--employees 5000] [--columns 40] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Callable

import pandas as pd
import pyarrow as pa
import requests

from personio_arrow.testing import FakePersonio


def with_requests(url: str, client_id: str, secret: str, report_id: str) -> tuple[pd.DataFrame, int]:
    """The usual hand-written loop: token, pages, json_normalize, pivot to one row each."""
    session = requests.Session()
    token = session.post(f"{url}/v1/auth", json={"client_id": client_id, "client_secret": secret})
    session.headers["Authorization"] = f"Bearer {token.json()['data']['token']}"
    items: list[dict[str, Any]] = []
    size = 0
    page = 1
    while True:
        answer = session.get(
            f"{url}/v1/company/custom-reports/reports/{report_id}", params={"page": page, "limit": 200}
        )
        answer.raise_for_status()
        size += len(answer.content)
        body = answer.json()
        items.extend(body["data"][0]["attributes"]["items"] if body["data"] else [])
        if page >= body["metadata"]["total_pages"]:
            break
        page += 1
    cells = pd.json_normalize(items, record_path="attributes", meta="employee_id", meta_prefix="item.")
    # Money and entities carry `amount`/`entity_id` besides `value`; the usual code keeps `value`.
    frame = cells.pivot_table(
        index="item.employee_id", columns="attribute_id", values="value", aggfunc="first"
    )
    return frame, size


def measure(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=5_000)
    parser.add_argument("--columns", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    # The fake announces far more room than Personio's 2000 v1 requests a minute, so that
    # the figures measure the reading, not the limit (the client follows the headers).
    with FakePersonio(employees=args.employees, wide_report_columns=args.columns, rate_limits="ample") as fake:
        client = fake.client()
        report_id = next(
            r["id"] for r in pa.table(client.custom_reports()).to_pylist() if r["name"] == "Wide export"
        )
        base = (fake.url, fake.client_id, fake.client_secret, report_id)
        baseline_s, (baseline_df, json_bytes) = measure(lambda: with_requests(*base), args.repeat)
        v1_s, v1_df = measure(lambda: client.custom_report(report_id, api="v1").to_pandas(), args.repeat)
        v2_s, v2_df = measure(lambda: client.custom_report(report_id, api="v2").to_pandas(), args.repeat)

    assert len(baseline_df) == len(v1_df) == len(v2_df) == args.employees
    megabytes = json_bytes / 1e6
    print(f"report: {args.employees} employees x {args.columns} columns, {megabytes:.1f} MB of v1 JSON, "
          f"median of {args.repeat} runs, loopback HTTP to the fake server")
    print(f"{'method':<52}{'seconds':>9}{'rows/s':>10}{'MB/s':>8}{'columns':>9}")
    for name, seconds, frame in (
        ("requests + page loop + json_normalize + pivot (v1)", baseline_s, baseline_df),
        ("personio_arrow custom_report(api='v1').to_pandas()", v1_s, v1_df),
        ("personio_arrow custom_report(api='v2').to_pandas()", v2_s, v2_df),
    ):
        print(f"{name:<52}{seconds:>9.3f}{args.employees / seconds:>10,.0f}"
              f"{megabytes / seconds:>8.1f}{frame.shape[1]:>9}")
    print(f"speed-up v1: {baseline_s / v1_s:.1f}x, v2: {baseline_s / v2_s:.1f}x "
          "(the baseline's columns are untyped strings)")


if __name__ == "__main__":
    main()
