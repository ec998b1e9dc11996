"""Peak memory of one employee read, the fake server in a process of its own.

    python benches/employees_memory.py [--employees 50000]

Prints the client process's peak RSS before and after the read, and the Arrow table's
own size, measured in this run.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import personio_arrow as pio
from fake_process import fake_process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=50_000)
    args = parser.parse_args()
    with fake_process(args.employees) as fake:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        client = pio.Client(fake.client_id, fake.client_secret, base_url=fake.url)
        table = client.employees().to_pyarrow()
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{table.num_rows} employees x {table.num_columns} columns in {seconds:.1f} s; "
              f"table {table.nbytes / 2**20:.0f} MiB; peak RSS {before:.0f} MiB before, "
              f"{peak:.0f} MiB after the read (pid {os.getpid()})")


if __name__ == "__main__":
    main()
