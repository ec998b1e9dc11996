"""Refusals as Personio words them (OBSERVED.md), read into the exception that says
what to fix, with Personio's own message."""

from __future__ import annotations

import pytest

import personio_arrow as pio

REPORT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
V2_PATH = f"/v2/reports/{REPORT}"
V1_LIST = "/v1/company/custom-reports/reports"

NOT_FOUND = {
    "errors": [
        {
            "status": "400",
            "id": "8d3b6a0e-1f2c-4d5e-9a7b-6c5d4e3f2a1b",
            "title": "Bad Request",
            "detail": f"Report with id {REPORT} not found.",
        }
    ]
}

V2_REFUSALS = [
    (NOT_FOUND, pio.NotFoundError, f"Report with id {REPORT} not found."),
    (
        {"error": {"message": "Unsupported nested type: null"}},
        pio.BadRequestError,
        "Unsupported nested type: null",
    ),
    ({"error": {"message": "Unauthorized token"}}, pio.PermissionDeniedError, "Unauthorized token"),
    (
        {"error": {"message": "Array contains no element matching the predicate."}},
        pio.BadRequestError,
        "Array contains no element matching the predicate.",
    ),
]


@pytest.mark.parametrize(("body", "error", "message"), V2_REFUSALS)
def test_v2_refusals(replay, client, body, error, message) -> None:
    replay.add("GET", V2_PATH, body, status=400)
    with pytest.raises(error) as raised:
        client.custom_report(REPORT, api="v2")
    assert raised.value.status == 400
    assert message in str(raised.value)


@pytest.mark.parametrize(("body", "error", "message"), V2_REFUSALS)
def test_auto_tells_v2_reason_when_v1_does_not_know_the_report(
    replay, client, body, error, message
) -> None:
    # v1 lists no such report: its answer is an empty list.
    replay.add("GET", V1_LIST, {"success": True, "data": []})
    replay.add("GET", V2_PATH, body, status=400)
    with pytest.raises(error) as raised:
        client.custom_report(REPORT)
    text = str(raised.value)
    assert message in text
    assert "v1 Custom Reports answered" in text
    assert replay.paths().count(V2_PATH) == 1


def test_v2_missing_right_on_persons_style_401(replay, client) -> None:
    replay.add("GET", V2_PATH, {"error": {"message": "Unauthorized Request"}}, status=401)
    with pytest.raises(pio.PermissionDeniedError, match="Unauthorized Request"):
        client.custom_report(REPORT, api="v2")
    # One refresh of the token on a 401, then Personio's word stands.
    assert replay.paths().count("/v2/auth/token") == 2


def test_v1_wrong_credentials(replay, client) -> None:
    replay.add(
        "POST",
        "/v1/auth",
        {"success": False, "error": {"code": 0, "message": "Wrong credentials"}},
        status=403,
    )
    with pytest.raises(pio.AuthenticationError, match="Wrong credentials") as raised:
        client.employees()
    assert raised.value.status == 403
    assert "wire-secret" not in str(raised.value)
