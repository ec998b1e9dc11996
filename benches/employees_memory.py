"""Peak memory of one employee read, the fake server in a process of its own.

    python benches/employees_memory.py [--employees 50000]

Prints the client process's peak RSS before and after the read, and the Arrow table's
own size, measured in this run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time

import personio_arrow as pio

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=50_000)
    args = parser.parse_args()
    port = free_port()
    options = {"rate_limits": "ample"}
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "personio_arrow", "fake-server", "--port", str(port),
         "--employees", str(args.employees), "--options", json.dumps(options)],
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
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        client = pio.Client(credentials["client_id"], credentials["client_secret"],
                            base_url=f"http://127.0.0.1:{port}")
        table = client.employees().to_pyarrow()
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{table.num_rows} employees x {table.num_columns} columns in {seconds:.1f} s; "
              f"table {table.nbytes / 2**20:.0f} MiB; peak RSS {before:.0f} MiB before, "
              f"{peak:.0f} MiB after the read (pid {os.getpid()})")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
