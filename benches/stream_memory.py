"""Peak memory of employees (or, with --report, a custom report) to Parquet: the whole
table, then the stream.

    python benches/stream_memory.py [--employees 50000] [--batch-size 10000] [--report NAME]

The fake server runs in a process of its own; each way of writing runs in a fresh
process, so that each peak RSS (a high-water mark) is its own. Prints both, measured
in this run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fake_process import fake_process


def write(mode: str, url: str, client_id: str, secret: str, path: str, batch_size: int,
          report: str | None) -> None:
    """One write, in this (fresh) process; prints its figures as JSON."""
    import warnings

    import personio_arrow as pio
    from personio_arrow import _core

    warnings.simplefilter("ignore", pio.TypeFallbackWarning)
    client = pio.Client(client_id, secret, base_url=url)
    report_id = None
    if report is not None:
        listed = client.custom_reports().to_pyarrow().to_pylist()
        report_id = next(r["id"] for r in listed if r["name"] == report)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    if mode == "table":
        table = client.employees() if report_id is None else client.custom_report(report_id)
        rows = table.num_rows
        _core.write_table(table, Path(path))
    elif report_id is None:
        rows = _core.write_stream(client.iter_employees(batch_size=batch_size), Path(path))
    else:
        stream = client.iter_custom_report(report_id, batch_size=batch_size)
        rows = _core.write_stream(stream, Path(path))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": mode, "rows": rows, "seconds": seconds, "before_mib": before,
                      "peak_mib": peak}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--report", help="a report of the fake company, e.g. Headcount "
                        "(read through v2, as auto reads it)")
    parser.add_argument("--write", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        mode, url, client_id, secret, path = args.write
        write(mode, url, client_id, secret, path, args.batch_size, args.report)
        return
    what = "employees" if args.report is None else f"rows of {args.report!r}"
    report = [] if args.report is None else ["--report", args.report]
    with fake_process(args.employees) as fake:
        with tempfile.TemporaryDirectory() as folder:
            for mode in ("table", "stream"):
                path = str(Path(folder) / f"{mode}.parquet")
                result = subprocess.run(
                    [sys.executable, __file__, "--batch-size", str(args.batch_size), *report,
                     "--write", mode, fake.url, fake.client_id, fake.client_secret, path],
                    capture_output=True, text=True, check=True,
                )
                figures = json.loads(result.stdout.strip().splitlines()[-1])
                print(f"{mode:6} {figures['rows']} {what} to Parquet in "
                      f"{figures['seconds']:.1f} s; peak RSS {figures['peak_mib']:.0f} MiB "
                      f"({figures['before_mib']:.0f} MiB before the read)")


if __name__ == "__main__":
    main()
