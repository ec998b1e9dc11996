"""Peak memory of employees to Parquet: the whole table, then the stream.

    python benches/stream_memory.py [--employees 50000] [--batch-size 10000]

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


def write(mode: str, url: str, client_id: str, secret: str, path: str, batch_size: int) -> None:
    """One write, in this (fresh) process; prints its figures as JSON."""
    import personio_arrow as pio
    from personio_arrow import _core

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    client = pio.Client(client_id, secret, base_url=url)
    if mode == "table":
        table = client.employees()
        rows = table.num_rows
        _core.write_table(table, Path(path))
    else:
        rows = _core.write_stream(client.iter_employees(batch_size=batch_size), Path(path))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": mode, "rows": rows, "seconds": seconds, "before_mib": before,
                      "peak_mib": peak}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--write", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        mode, url, client_id, secret, path = args.write
        write(mode, url, client_id, secret, path, args.batch_size)
        return
    with fake_process(args.employees) as fake:
        with tempfile.TemporaryDirectory() as folder:
            for mode in ("table", "stream"):
                path = str(Path(folder) / f"{mode}.parquet")
                result = subprocess.run(
                    [sys.executable, __file__, "--batch-size", str(args.batch_size), "--write",
                     mode, fake.url, fake.client_id, fake.client_secret, path],
                    capture_output=True, text=True, check=True,
                )
                figures = json.loads(result.stdout.strip().splitlines()[-1])
                print(f"{mode:6} {figures['rows']} employees to Parquet in "
                      f"{figures['seconds']:.1f} s; peak RSS {figures['peak_mib']:.0f} MiB "
                      f"({figures['before_mib']:.0f} MiB before the read)")


if __name__ == "__main__":
    main()
