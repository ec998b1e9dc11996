"""The fake Personio in a process of its own, so that a bench's peak RSS is the client's."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from contextlib import contextmanager
from typing import Iterator, NamedTuple


class FakeProcess(NamedTuple):
    url: str
    client_id: str
    client_secret: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fake_process(employees: int, **options: object) -> Iterator[FakeProcess]:
    """`personio-arrow fake-server` with ample rate limits and more `options` (the
    fake's knobs), stopped on leaving."""
    port = free_port()
    options = {"rate_limits": "ample", **options}
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "personio_arrow", "fake-server", "--port", str(port),
         "--employees", str(employees), "--options", json.dumps(options)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        credentials = {}
        while len(credentials) < 2:  # the server prints its URL and credentials
            line = server.stdout.readline() if server.stdout else ""
            if not line:
                raise SystemExit("the fake server did not start")
            for key in ("client_id", "client_secret"):
                if f"PERSONIO_{key.upper()}=" in line:
                    credentials[key] = line.split("=", 1)[1].strip()
        yield FakeProcess(f"http://127.0.0.1:{port}", credentials["client_id"],
                          credentials["client_secret"])
    finally:
        server.terminate()
        server.wait()
