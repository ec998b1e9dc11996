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
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "personio_arrow", "fake-server", "--port", str(port),
         "--employees", str(args.employees), "--options", json.dumps({"rate_limits": "ample"})],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        credentials = {}
        while len(credentials) < 2:  # the server prints its URL and credentials
            line = server.stdout.readline()
            if not line:
                raise SystemExit("the fake server did not start")
            for key in ("client_id", "client_secret"):
                if f"PERSONIO_{key.upper()}=" in line:
                    credentials[key] = line.split("=", 1)[1].strip()
        with tempfile.TemporaryDirectory() as folder:
            for mode in ("table", "stream"):
                path = str(Path(folder) / f"{mode}.parquet")
                result = subprocess.run(
                    [sys.executable, __file__, "--batch-size", str(args.batch_size), "--write",
                     mode, f"http://127.0.0.1:{port}", credentials["client_id"],
                     credentials["client_secret"], path],
                    capture_output=True, text=True, check=True,
                )
                figures = json.loads(result.stdout.strip().splitlines()[-1])
                print(f"{mode:6} {figures['rows']} employees to Parquet in "
                      f"{figures['seconds']:.1f} s; peak RSS {figures['peak_mib']:.0f} MiB "
                      f"({figures['before_mib']:.0f} MiB before the read)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
