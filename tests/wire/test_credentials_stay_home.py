"""A server that redirects, echoes the request or talks too much: the secret and the
tokens stay with the configured origin and out of every message."""

from __future__ import annotations

import pytest

import personio_arrow as pio
from replay import V1_TOKEN, V2_TOKEN, Replay

SECRET = "wire-secret"
ELSEWHERE = "https://collector.invalid"


@pytest.fixture
def elsewhere() -> Replay:
    """A second server, standing for another origin a redirect could point to."""
    server = Replay()
    yield server
    server.close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("path", ["/v1/auth", "/v2/auth/token"])
def test_auth_redirects_are_not_followed(replay, client, elsewhere, status, path) -> None:
    replay.add("POST", path, {}, status=status, headers={"Location": f"{elsewhere.url}/steal?client_secret=x"})
    with pytest.raises(pio.InvalidResponseError) as raised:
        if path == "/v1/auth":
            client.employees()
        else:
            client.custom_report("5f2d7f0e-3c1b-4a8e-9d6f-0b1c2d3e4f5a", api="v2")
    assert elsewhere.requests == []  # nothing, and so no secret, reached the other origin
    message = str(raised.value)
    assert f"redirected to {elsewhere.url}" in message
    assert "steal" not in message and "client_secret" not in message
    assert raised.value.status == status


def test_read_redirects_are_not_followed(replay, client, elsewhere) -> None:
    replay.add("GET", "/v1/company/employees/attributes", {}, status=307,
               headers={"Location": f"{elsewhere.url}/v1/company/employees/attributes"})
    with pytest.raises(pio.InvalidResponseError, match="redirected"):
        client.employees()
    assert elsewhere.requests == []  # the bearer token went nowhere else


@pytest.mark.parametrize("url", ["http://api.personio.de", "http://10.1.2.3:8080", "http://localhost.invalid"])
def test_plain_http_is_refused_off_loopback(url) -> None:
    with pytest.raises(ValueError, match="allow_http=True"):
        pio.Client("id", SECRET, base_url=url)
    assert pio.Client("id", SECRET, base_url=url, allow_http=True).base_url.startswith("http://")


def test_echoed_secrets_and_tokens_are_scrubbed_and_bounded(replay, client) -> None:
    echo = (
        f'client_secret={SECRET}; Authorization: Bearer {V1_TOKEN["data"]["token"]}; '
        f'v2 token {V2_TOKEN["access_token"]}; ' + "x" * 100_000
    )
    # A v2 token is issued first, so that both tokens are known when v1 echoes them.
    replay.add("GET", "/v2/reports/5f2d7f0e-3c1b-4a8e-9d6f-0b1c2d3e4f5a",
               {"_meta": {"columns": []}, "_data": []})
    client.custom_report("5f2d7f0e-3c1b-4a8e-9d6f-0b1c2d3e4f5a", api="v2")
    replay.add("GET", "/v1/company/employees/attributes", {"error": {"message": echo}}, status=400)
    with pytest.raises(pio.BadRequestError) as raised:
        client.employees()
    text = str(raised.value) + repr(raised.value) + str(raised.value.args)
    for secret in (SECRET, V1_TOKEN["data"]["token"], V2_TOKEN["access_token"]):
        assert secret not in text
    assert "client_secret=***" in text
    assert len(str(raised.value)) < 3000
