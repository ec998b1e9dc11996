"""Benchmark: a custom report of 5,000 employees and 40 columns into pandas,
personio-arrow (v1 and v2) against `requests` + page loop + `pandas.json_normalize`.

All read the same fake Personio report over loopback HTTP in the same run; the fake
runs in a process of its own. Prints seconds, rows/s and MB/s of JSON (the size of the
v1 pages the baseline downloads), then the peak RSS of one read by each method, each in
a fresh child process (its peak after the imports, and after the read).

    python benches/report_vs_requests.py [--employees 5000] [--columns 40] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import Any, Callable

import pandas as pd
import pyarrow as pa
import requests

import personio_arrow as pio
from fake_process import fake_process
from peak_rss import peak_mib

METHODS = {
    "requests": "requests + page loop + json_normalize + pivot (v1)",
    "v1": "personio_arrow custom_report(api='v1').to_pandas()",
    "v2": "personio_arrow custom_report(api='v2').to_pandas()",
}


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


def v2_body_only(url: str, client_id: str, secret: str, report_id: str) -> int:
    """The v2 report's one body, downloaded and not read: what any v2 reader waits for
    before it can convert anything."""
    session = requests.Session()
    token = session.post(f"{url}/v2/auth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    answer = session.get(f"{url}/v2/reports/{report_id}",
                         headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    answer.raise_for_status()
    return len(answer.content)


def read(method: str, url: str, client_id: str, secret: str, report_id: str) -> pd.DataFrame:
    if method == "requests":
        return with_requests(url, client_id, secret, report_id)[0]
    client = pio.Client(client_id, secret, base_url=url)
    return client.custom_report(report_id, api=method).to_pandas()


def measure(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def child(args: argparse.Namespace) -> None:
    """One read in this process; prints its peak RSS after the imports and after."""
    before = peak_mib()
    frame = read(args.child, args.url, args.client_id, args.secret, args.report_id)
    print(json.dumps({"rows": len(frame), "before": before, "after": peak_mib()}))


def peak_of(method: str, base: tuple[str, str, str, str]) -> dict[str, float]:
    url, client_id, secret, report_id = base
    output = subprocess.run(
        [sys.executable, __file__, "--child", method, "--url", url, "--client-id", client_id,
         "--secret", secret, "--report-id", report_id],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=5_000)
    parser.add_argument("--columns", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    for hidden in ("--child", "--url", "--client-id", "--secret", "--report-id"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    # The fake in a process of its own, so that its memory is not the readers'; its
    # ample limits make the figures measure the reading (the client follows the headers).
    with fake_process(args.employees, wide_report_columns=args.columns) as fake:
        url, client_id, secret = fake.url, fake.client_id, fake.client_secret
        client = pio.Client(client_id, secret, base_url=url)
        report_id = next(
            r["id"] for r in pa.table(client.custom_reports()).to_pylist() if r["name"] == "Wide export"
        )
        base = (url, client_id, secret, report_id)
        _, json_bytes = with_requests(*base)
        timed = {method: measure(lambda m=method: read(m, *base), args.repeat) for method in METHODS}
        peaks = {method: peak_of(method, base) for method in METHODS}
        download_s, v2_bytes = measure(lambda: v2_body_only(*base), args.repeat)

    assert all(len(frame) == args.employees for _, frame in timed.values())
    assert all(peak["rows"] == args.employees for peak in peaks.values())
    megabytes = json_bytes / 1e6
    print(f"report: {args.employees} employees x {args.columns} columns, {megabytes:.1f} MB of v1 JSON, "
          f"median of {args.repeat} runs, loopback HTTP to a fake server in another process")
    print(f"{'method':<52}{'seconds':>9}{'rows/s':>10}{'MB/s':>8}{'columns':>9}"
          f"{'peak RSS MiB (imports -> read)':>32}")
    for method, name in METHODS.items():
        seconds, frame = timed[method]
        peak = peaks[method]
        print(f"{name:<52}{seconds:>9.3f}{args.employees / seconds:>10,.0f}"
              f"{megabytes / seconds:>8.1f}{frame.shape[1]:>9}"
              f"{peak['before']:>18.0f} -> {peak['after']:>6.0f} (+{peak['after'] - peak['before']:.0f})")
    print(f"the v2 body alone ({v2_bytes / 1e6:.1f} MB, one request, not read): {download_s:.3f} s")
    baseline = timed["requests"][0]
    print(f"speed-up v1: {baseline / timed['v1'][0]:.1f}x, v2: {baseline / timed['v2'][0]:.1f}x "
          "(the baseline's columns are untyped strings)")


if __name__ == "__main__":
    main()
