"""What the client sends: its User-Agent, the partner and app headers, the secret only
in the auth body. Checked with a plain HTTP server on loopback that records requests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Iterator

import pytest

import personio_arrow as pio


class Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Recorder.seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
        answer = json.dumps({"success": False, "error": {"code": 401, "message": "nope"}}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    Recorder.seen = []
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_headers_and_secret_placement(recorder: str) -> None:
    client = pio.Client("my-id", "my-secret-9d2f", base_url=recorder, partner_id="ACME", app_id="etl")
    with pytest.raises(pio.AuthenticationError, match="nope"):
        client.employees()
    [request] = Recorder.seen
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert request["path"] == "/v1/auth"  # no credentials in the query string
    assert headers["user-agent"].startswith(f"personio-arrow/{pio.__version__}")
    assert headers["x-personio-partner-id"] == "ACME"
    assert headers["x-personio-app-id"] == "etl"
    assert json.loads(request["body"]) == {"client_id": "my-id", "client_secret": "my-secret-9d2f"}
