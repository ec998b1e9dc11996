"""Ways to read every employee of a Personio company (here: the fake), one per function,
and one read in a process of its own:

    PERSONIO_BASE_URL=... PERSONIO_CLIENT_ID=... PERSONIO_CLIENT_SECRET=... \\
        python benches/employee_reads.py METHOD --employees N

prints one JSON line: rows and columns read, seconds from "have credentials" to "have the result",
the process's peak RSS (MiB), the bytes of JSON downloaded (raw only) and the Arrow table's own
size (MiB, ours only). Each method
imports only what it needs, so that personio-py can run from a venv of its own.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import time
import urllib.parse
from typing import Any, Callable

from peak_rss import peak_mib

# Personio's largest employee page since 2025-01-31.
PAGE_SIZE = 100
# What a method measures besides time and memory, printed with them.
MEASURED: dict[str, float] = {}


def with_personio_arrow(url: str, client_id: str, client_secret: str) -> Any:
    """This project: every employee, typed columns, into pandas."""
    import personio_arrow as pio

    client = pio.Client(client_id, client_secret, base_url=url)
    table = client.employees()
    MEASURED["table_mib"] = table.nbytes / 2**20
    return table.to_pandas()


def with_requests(url: str, client_id: str, client_secret: str) -> Any:
    """The usual hand-written loop: token, pages of 100, json_normalize."""
    import pandas as pd
    import requests

    session = requests.Session()
    auth = session.post(f"{url}/v1/auth", json={"client_id": client_id, "client_secret": client_secret})
    auth.raise_for_status()
    session.headers["Authorization"] = f"Bearer {auth.json()['data']['token']}"
    records: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = session.get(f"{url}/v1/company/employees", params={"limit": PAGE_SIZE, "offset": offset})
        page.raise_for_status()
        body = page.json()
        records.extend(item["attributes"] for item in body["data"])
        offset += len(body["data"])
        if not body["data"] or offset >= body["metadata"]["total_elements"]:
            break
    return pd.json_normalize(records)


def with_personio_py(url: str, client_id: str, client_secret: str) -> Any:
    """personio-py 0.3.0, paged by hand: its documented `get_employees()` makes one
    request without `limit`, which Personio answers with the first 50 employees.
    `auth_rotation=False`: it otherwise wants a new token in every answer's
    `Authorization` header, which Personio stopped sending (and the fake never sends)."""
    import pandas as pd
    from personio_py import Employee, Personio

    client = Personio(base_url=f"{url}/v1/", client_id=client_id, client_secret=client_secret)
    people = []
    offset = 0
    while True:
        body = client.request_json(
            "company/employees", params={"limit": PAGE_SIZE, "offset": offset}, auth_rotation=False
        )
        people.extend(Employee.from_dict(item, client) for item in body["data"])
        offset += len(body["data"])
        if not body["data"] or offset >= body["metadata"]["total_elements"]:
            break
    return pd.DataFrame([person.to_tuple() for person in people])


def raw_bytes(url: str, client_id: str, client_secret: str, employees: int) -> int:
    """The floor: a token, then every page's bytes on one keep-alive connection, nothing
    parsed. Returns the bytes of the pages."""
    address = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port)
    credentials = json.dumps({"client_id": client_id, "client_secret": client_secret})
    connection.request("POST", "/v1/auth", body=credentials, headers={"Content-Type": "application/json"})
    token = json.loads(connection.getresponse().read())["data"]["token"]
    size = 0
    for offset in range(0, employees, PAGE_SIZE):
        connection.request(
            "GET", f"/v1/company/employees?limit={PAGE_SIZE}&offset={offset}",
            headers={"Authorization": f"Bearer {token}"},
        )
        answer = connection.getresponse()
        body = answer.read()
        if answer.status != 200:
            raise SystemExit(f"page at offset {offset} answered {answer.status}")
        size += len(body)
    connection.close()
    return size


# What each method needs imported before its clock starts, and the read.
METHODS: dict[str, tuple[tuple[str, ...], Callable[..., Any]]] = {
    "ours": (("pandas", "personio_arrow"), with_personio_arrow),
    "requests": (("pandas", "requests"), with_requests),
    "personio_py": (("pandas", "personio_py"), with_personio_py),
    "raw": ((), raw_bytes),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("method", choices=METHODS)
    parser.add_argument("--employees", type=int, required=True, help="pages the raw floor reads")
    args = parser.parse_args()
    modules, read = METHODS[args.method]
    for module in modules:
        importlib.import_module(module)
    credentials = (os.environ["PERSONIO_BASE_URL"], os.environ["PERSONIO_CLIENT_ID"],
                   os.environ["PERSONIO_CLIENT_SECRET"])
    started = time.perf_counter()
    if args.method == "raw":
        shape, size = (None, None), read(*credentials, args.employees)
    else:
        shape, size = read(*credentials).shape, None
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": shape[0], "columns": shape[1], "seconds": seconds,
                      "peak_mib": peak_mib(), "bytes": size, **MEASURED}))


if __name__ == "__main__":
    main()
