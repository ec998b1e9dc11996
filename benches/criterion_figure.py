"""The JSON -> Arrow figure: runs `cargo bench --features mimalloc --bench json_to_arrow`
(the extension's allocator) and reads the MB/s of one core from what criterion wrote
(its median time and the bytes per iteration)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ("json_to_arrow", "employees_page")


def json_to_arrow_mb_per_s(quick: bool) -> float:
    """Megabytes (10^6) of employee page JSON converted per second on one thread."""
    command = ["cargo", "bench", "--quiet", "--features", "mimalloc", "--bench", BENCH[0],
               "--", "--noplot"]
    if quick:
        command += ["--warm-up-time", "1", "--measurement-time", "2"]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    results = target / "criterion" / BENCH[0] / BENCH[1] / "new"
    median_ns = json.loads((results / "estimates.json").read_text())["median"]["point_estimate"]
    throughput = json.loads((results / "benchmark.json").read_text())["throughput"]
    size = throughput.get("BytesDecimal") or throughput["Bytes"]
    return size / (median_ns / 1e9) / 1e6
