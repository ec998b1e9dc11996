"""The command line run as a user runs it, against a fake's credentials."""

from __future__ import annotations

import os
import subprocess
import sys


def run_cli(*args: str, fake) -> subprocess.CompletedProcess:
    """`python -m personio_arrow ARGS` with `fake`'s URL and credentials in the env."""
    env = {
        **os.environ,
        "PERSONIO_CLIENT_ID": fake.client_id,
        "PERSONIO_CLIENT_SECRET": fake.client_secret,
        "PERSONIO_BASE_URL": fake.url,
    }
    return subprocess.run(
        [sys.executable, "-m", "personio_arrow", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )
