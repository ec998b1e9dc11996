"""Benchmark: every employee into pandas, personio-arrow against the `requests` loop,
personio-py and the raw-bytes floor, plus the rate-limited read and JSON -> Arrow alone;
one markdown table with the targets beside the figures, all measured in this run.

    python benches/compare.py [--quick] [--repeat N]

The fake Personio runs in this process; each read runs in a fresh child process
(benches/employee_reads.py), so that its peak RSS is its own. personio-py runs from
benches/.venv-personio-py, made on the first run. Build the extension optimised first
(`maturin develop --release`): a debug build is many times slower.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from criterion_figure import json_to_arrow_mb_per_s
from employee_reads import PAGE_SIZE
from personio_py_venv import personio_py_python

from personio_arrow.testing import FakePersonio

HERE = Path(__file__).resolve().parent
READS = HERE / "employee_reads.py"
METHODS = {
    "ours": "personio_arrow `employees().to_pandas()`",
    "requests": "`requests` loop + `json_normalize`",
    "personio_py": "personio-py, paged by hand",
    "raw": "raw-bytes floor",
}
# Besides the fake's 33 standard attributes: 60 an employee (the fake's default).
CUSTOM_ATTRIBUTES = 27
# Personio's documented limit of `/v1/company/employees` and the paths below it, as the
# fake's `rate_limits="personio"` configures that bucket (RateLimits::groups in
# src/fake/options.rs): 15 requests at once, refilled at 5 a second.
EMPLOYEES_BURST = 15
EMPLOYEES_PER_SECOND = 5.0


def read_in_child(method: str, fake: FakePersonio, employees: int) -> dict[str, Any]:
    """One read in a fresh process; its seconds and peak RSS."""
    python = personio_py_python() if method == "personio_py" else Path(sys.executable)
    env = dict(os.environ, PERSONIO_BASE_URL=fake.url, PERSONIO_CLIENT_ID=fake.client_id,
               PERSONIO_CLIENT_SECRET=fake.client_secret, PYTHONWARNINGS="ignore")
    answer = subprocess.run([str(python), str(READS), method, "--employees", str(employees)],
                            env=env, capture_output=True, text=True)
    if answer.returncode != 0:
        raise SystemExit(f"{method} failed:\n{answer.stderr}")
    result = json.loads(answer.stdout.strip().splitlines()[-1])
    if method != "raw" and result["rows"] != employees:
        raise SystemExit(f"{method} read {result['rows']} rows of {employees}")
    return result


def measure(method: str, fake: FakePersonio, employees: int, repeat: int) -> dict[str, float]:
    """Medians over `repeat` fresh processes."""
    runs = [read_in_child(method, fake, employees) for _ in range(repeat)]
    return {
        "seconds": statistics.median(run["seconds"] for run in runs),
        "peak_mib": statistics.median(run["peak_mib"] for run in runs),
        "mb": (runs[0]["bytes"] or 0) / 1e6,
        "columns": runs[0]["columns"] or 0,
        "table_mib": runs[0].get("table_mib", 0.0),
    }


def limited_read(employees: int) -> dict[str, float]:
    """Our read against Personio's limits, and the least time they allow it: the
    bucket starts full, so the last of R requests can go at (R - burst) / rate."""
    with FakePersonio(employees=employees, custom_attributes=CUSTOM_ATTRIBUTES,
                      rate_limits="personio") as fake:
        seconds = read_in_child("ours", fake, employees)["seconds"]
        stats = fake.stats()
    requests = math.ceil(employees / PAGE_SIZE) + 1  # the pages and `/attributes`
    return {
        "seconds": seconds,
        "bound": max(0, requests - EMPLOYEES_BURST) / EMPLOYEES_PER_SECOND,
        "requests": requests,
        "429": stats["by_status"].get(429, 0),
        "failed": sum(count for status, count in stats["by_status"].items() if status >= 400),
    }


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE,
                           capture_output=True, text=True).stdout.strip()
    return (f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
            f"{os.cpu_count()} cores ({model}), commit {commit}{' + local changes' if dirty else ''}")


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="2,000 employees only (the limited read too), a short criterion run")
    parser.add_argument("--repeat", type=int, default=1, help="fresh processes per figure (median)")
    args = parser.parse_args()
    sizes = (2_000,) if args.quick else (2_000, 20_000)

    rows = []
    for employees in sizes:
        for latency in (0, 100):
            with FakePersonio(employees=employees, custom_attributes=CUSTOM_ATTRIBUTES,
                              latency_ms=latency, rate_limits="ample") as fake:
                figures = {method: measure(method, fake, employees, args.repeat) for method in METHODS}
            rows.append((employees, latency, figures))
    limited = limited_read(sizes[-1])
    mb_per_s = json_to_arrow_mb_per_s(args.quick)

    print(f"## personio-arrow benchmark\n\n{machine()}; median of {args.repeat} run(s), each read "
          f"in a fresh process, the fake Personio over loopback in another; ours gives "
          f"{rows[0][2]['ours']['columns']} columns (33 standard and {CUSTOM_ATTRIBUTES} custom "
          "attributes, and the keys the fake's /attributes does not list)\n")
    print("Seconds / peak RSS (MiB) of the reading process; ratios are ours / theirs "
          "(time, RSS): below 1, ours is better.\n")
    print("| employees | latency | " + " | ".join(METHODS.values())
          + " | ours / loop | ours / personio-py | ours / floor | our Arrow table (MiB) |")
    print("|---:|---:|" + "---:|" * (len(METHODS) + 4))
    for employees, latency, figures in rows:
        ours = figures["ours"]
        cells = [f"{f['seconds']:.2f} s / {f['peak_mib']:.0f}" for f in figures.values()]
        ratios = [f"{ours['seconds'] / figures[m]['seconds']:.2f} / {ours['peak_mib'] / figures[m]['peak_mib']:.2f}"
                  for m in ("requests", "personio_py", "raw")]
        table = f"{ours['table_mib']:.1f}"
        print(f"| {employees:,} | {latency} ms | " + " | ".join(cells + ratios + [table]) + " |")

    print(f"\n| read under Personio's limits | ours | bound | 429s | failed requests |\n|---|---:|---:|---:|---:|")
    print(f"| {sizes[-1]:,} employees, {limited['requests']} requests in the employees bucket "
          f"({EMPLOYEES_BURST} at once, {EMPLOYEES_PER_SECOND:g}/s) | {limited['seconds']:.1f} s | "
          f"{limited['bound']:.1f} s | {limited['429']} | {limited['failed']} |")
    print(f"\nJSON -> Arrow alone (criterion, one thread, one recorded page of {PAGE_SIZE} employees): "
          f"**{mb_per_s:.0f} MB/s per core**\n")

    zero = [figures for _, latency, figures in rows if latency == 0]
    slow = [figures for _, latency, figures in rows if latency == 100]
    floor = max(f["ours"]["seconds"] / f["raw"]["seconds"] for f in zero)
    speedup = min(f["requests"]["seconds"] / f["ours"]["seconds"] for f in slow)
    memory = max(f["ours"]["peak_mib"] / f["requests"]["peak_mib"] for _, _, f in rows)
    limit_ratio = limited["seconds"] / limited["bound"] if limited["bound"] else float("inf")
    print("| target | measured (worst row) | |\n|---|---:|---|")
    print(f"| 0 ms: within 2x of the raw-bytes floor | {floor:.2f}x | {verdict(floor <= 2)} |")
    print(f"| 100 ms: at least 4x the `requests` loop | {speedup:.1f}x | {verdict(speedup >= 4)} |")
    print(f"| limits: within 10% of the bound, no failed request | {limit_ratio:.2f}x, "
          f"{limited['failed']} failed | {verdict(limit_ratio <= 1.1 and limited['failed'] == 0)} |")
    print(f"| peak RSS at most 1/6 of the `requests` loop's | {memory:.2f} | {verdict(memory <= 1 / 6)} |")
    print(f"| JSON -> Arrow at least 300 MB/s per core | {mb_per_s:.0f} MB/s | {verdict(mb_per_s >= 300)} |")
    print("\nNotes: personio-py's documented `get_employees()` returns the first 50 employees "
          "(one request, no paging), so it is paged by hand through its `request_json` and "
          "`Employee.from_dict`, then `pd.DataFrame(e.to_tuple() ...)`. The floor reads "
          f"{rows[-1][2]['raw']['mb']:.1f} MB of JSON for {rows[-1][0]:,} employees on one "
          "keep-alive connection and parses nothing. Peak RSS includes the interpreter and "
          "the imports (pandas for all but the floor).")


if __name__ == "__main__":
    main()
