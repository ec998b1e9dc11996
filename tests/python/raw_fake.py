"""Reads the fake's raw JSON with `requests`, independently of the client under test."""

from __future__ import annotations

from typing import Any

import requests

from personio_arrow.testing import FakePersonio


def session(fake: FakePersonio) -> requests.Session:
    s = requests.Session()
    answer = s.post(
        f"{fake.url}/v1/auth",
        json={"client_id": fake.client_id, "client_secret": fake.client_secret},
    )
    answer.raise_for_status()
    s.headers["Authorization"] = f"Bearer {answer.json()['data']['token']}"
    return s


def raw_employees(fake: FakePersonio) -> list[dict[str, Any]]:
    """Every employee's `attributes` object as Personio sent it."""
    s = session(fake)
    records: list[dict[str, Any]] = []
    while True:
        body = s.get(
            f"{fake.url}/v1/company/employees", params={"limit": 100, "offset": len(records)}
        ).json()
        records.extend(item["attributes"] for item in body["data"])
        if not body["data"]:
            return records


def raw_attributes(fake: FakePersonio) -> list[dict[str, Any]]:
    return session(fake).get(f"{fake.url}/v1/company/employees/attributes").json()["data"]
