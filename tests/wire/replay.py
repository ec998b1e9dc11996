"""A few lines of stdlib HTTP server that replay bodies we did not write.

Each test registers, per method and path, the status and body Personio was seen to
send (spec examples, OBSERVED.md, V2_NOTES.md), then points a real `Client` at it
over loopback. The server only answers; it knows nothing of personio-arrow.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# OBSERVED.md: a v1 token can be a JWT, and a success may lack `expires_in`.
V1_TOKEN = {"success": True, "data": {"token": "eyJhbGciOiJIUzI1NiJ9.e30.wire-v1"}}
# OBSERVED.md: a v2 success may come without `scope`.
V2_TOKEN = {"access_token": "papi-wire-v2", "token_type": "Bearer", "expires_in": 3600}


class Replay:
    """Answers `(method, path)` with the registered `(status, body)`; 404 otherwise."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], tuple[int, Any, dict[str, str]]] = {
            ("POST", "/v1/auth"): (200, V1_TOKEN, {}),
            ("POST", "/v2/auth/token"): (200, V2_TOKEN, {}),
        }
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        # What each write carried: method, path, Content-Type and the body's bytes.
        self.bodies: list[tuple[str, str, str, bytes]] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                sent = self.rfile.read(length) if length else b""
                replay.requests.append((self.command, url.path, dict(parse_qsl(url.query))))
                if self.command != "GET" and url.path not in ("/v1/auth", "/v2/auth/token"):
                    media = self.headers.get("Content-Type") or ""
                    replay.bodies.append((self.command, url.path, media, sent))
                status, body, headers = replay.routes.get(
                    (self.command, url.path), (404, {"error": {"message": "not replayed"}}, {})
                )
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                if "Content-Type" not in headers:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def add(
        self, method: str, path: str, body: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        self.routes[(method, path)] = (status, body, headers or {})

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.requests]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
