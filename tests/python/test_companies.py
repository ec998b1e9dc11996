"""Several companies at once: clients with their own credentials and base URLs, used
from threads together, share no token and no data."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pytest

import personio_arrow as pio


def read_ids(client: pio.Client) -> list[int]:
    return pa.table(client.employees(attributes=["id"]))["id"].to_pylist()


def test_two_companies_read_at_once_from_threads(fake_factory) -> None:
    # Same client id on both (the fakes' default), different companies and hosts.
    first = fake_factory(employees=120, seed=1)
    second = fake_factory(employees=70, seed=2)
    clients = {first: first.client(concurrency=4), second: second.client(concurrency=4)}
    expected = {fake: sorted(read_ids(fake.client())) for fake in clients}
    assert expected[first] != expected[second]
    before = {fake: fake.stats() for fake in clients}

    jobs = [fake for fake in clients for _ in range(4)]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        read = list(pool.map(lambda fake: (fake, read_ids(clients[fake])), jobs))

    for fake, ids in read:
        assert sorted(ids) == expected[fake]
    for fake in clients:
        stats = fake.stats()
        # Each client asked its own company for one token, and no request carried
        # the other company's: none was refused.
        assert stats["auth_v1"] - before[fake]["auth_v1"] == 1
        assert stats["by_status"].get(401, 0) == 0
    issued = {fake: set(fake.issued_tokens()) for fake in clients}
    assert not issued[first] & issued[second]


def test_two_credentials_of_one_company_keep_their_own_tokens(fake_factory) -> None:
    fake = fake_factory(
        employees=40,
        credentials=[{"client_id": "payroll-app", "client_secret": "payroll-secret"}],
    )
    default = fake.client()
    payroll = fake.client(client_id="payroll-app", client_secret="payroll-secret")
    with ThreadPoolExecutor(max_workers=4) as pool:
        tables = list(pool.map(read_ids, [default, payroll, default, payroll]))
    assert all(sorted(t) == sorted(tables[0]) for t in tables)
    # One token per credential: neither client borrowed the other's.
    assert fake.stats()["auth_v1"] == 2
    assert len(set(fake.issued_tokens())) == 2


# One fake serving three companies, each reached through its own credential.
SECOND = {"client_id": "second-app", "client_secret": "second-secret"}
THIRD = {"client_id": "third-app", "client_secret": "third-secret"}
COMPANIES = {
    "first": {"seed": 1, "employees": 60},
    "second": {"seed": 2, "employees": 40},
    "third": {"seed": 3, "employees": 25},
}


def several_companies(fake_factory, **options):
    """One fake with the three companies, and a client factory per company."""
    fake = fake_factory(
        **COMPANIES["first"],
        companies=[
            {**COMPANIES["second"], "credentials": [SECOND]},
            {**COMPANIES["third"], "credentials": [THIRD]},
        ],
        **options,
    )
    credentials = {
        "first": {},
        "second": {"client_id": SECOND["client_id"], "client_secret": SECOND["client_secret"]},
        "third": {"client_id": THIRD["client_id"], "client_secret": THIRD["client_secret"]},
    }
    return fake, lambda name, **kw: fake.client(**credentials[name], **kw)


READS = {
    "employees": lambda c: c.employees(),
    "attributes": lambda c: c.employee_attributes(),
    "reports": lambda c: c.custom_reports(),
    "attendances_v2": lambda c: c.attendances("2025-12-01", "2025-12-31"),
    "attendances_v1": lambda c: c.attendances("2025-12-01", "2025-12-31", api="v1"),
    "absences_v1": lambda c: c.absences("2025-12-01", "2025-12-31", api="v1"),
    "absences_v2": lambda c: c.absences("2025-12-01", "2025-12-10"),
    "departments": lambda c: c.org_units("department"),
    "cost_centers": lambda c: c.cost_centers(),
    "legal_entities": lambda c: c.legal_entities(),
    "workplaces": lambda c: c.workplaces(),
    "projects": lambda c: c.projects(),
}


def alone(fake_factory, name: str) -> dict[str, pa.Table]:
    """Every table of company `name`, read from a fake that serves it alone."""
    client = fake_factory(**COMPANIES[name]).client()
    return {read: pa.table(fn(client)) for read, fn in READS.items()}


def test_one_fake_serves_each_credential_its_own_company_from_threads(fake_factory) -> None:
    expected = {name: alone(fake_factory, name) for name in COMPANIES}
    # Tables that differ between companies, so that reading the wrong one shows.
    for read in ["employees", "reports", "attendances_v2", "absences_v1", "departments"]:
        assert expected["first"][read] != expected["second"][read], read
    fake, client_of = several_companies(fake_factory)
    clients = [(name, client_of(name, concurrency=4)) for name in COMPANIES for _ in range(2)]
    jobs = [(name, client, read) for name, client in clients for read in READS]

    def run(job):
        name, client, read = job
        return name, read, pa.table(READS[read](client))

    with ThreadPoolExecutor(max_workers=12) as pool:
        for name, read, table in pool.map(run, jobs):
            assert table == expected[name][read], (name, read)

    stats = fake.stats()
    # Each client took its tokens from its own credential: as many as a client reading
    # the same tables alone, twice (two clients per company), and no request was refused.
    per_client = fake_factory(**COMPANIES["third"])
    reader = per_client.client()
    for fn in READS.values():
        fn(reader)
    tokens = per_client.stats()["tokens_by_client"][per_client.client_id]
    assert stats["tokens_by_client"] == {
        fake.client_id: 2 * tokens,
        SECOND["client_id"]: 2 * tokens,
        THIRD["client_id"]: 2 * tokens,
    }
    assert stats["by_status"].get(401, 0) == 0


def test_a_credential_never_reaches_another_company(fake_factory) -> None:
    fake, client_of = several_companies(fake_factory)
    first, second = client_of("first"), client_of("second")
    first_ids = set(read_ids(first))
    second_only = sorted(set(read_ids(second)) - first_ids)
    assert second_only
    # An employee of the second company is unknown to the first one's credential.
    with pytest.raises(pio.NotFoundError):
        first.employee(second_only[0])
    with pytest.raises(pio.NotFoundError):
        first.absence_balances(second_only[0])
    assert second.employee(second_only[0]).num_rows == 1


def test_writes_to_one_company_are_not_seen_in_another(fake_factory) -> None:
    expected = {name: alone(fake_factory, name) for name in ["first", "second"]}
    fake, client_of = several_companies(fake_factory)
    first, second = client_of("first"), client_of("second")
    new_id = second.create_employee("new.hire@second.example", "New", "Hire")
    employee = read_ids(first)[0]
    created = pa.table(first.create_attendances(
        [{"employee": employee, "date": "2025-12-06", "start_time": "07:00", "end_time": "08:00",
          "break": 0}]
    ))
    assert created["status"].to_pylist() == ["ok"]

    assert new_id in read_ids(second)
    assert new_id not in read_ids(first)
    assert pa.table(first.attendances("2025-12-01", "2025-12-31")).num_rows == (
        expected["first"]["attendances_v2"].num_rows + 1
    )
    # The second company's attendances, and the first's employees, are as if alone.
    assert pa.table(second.attendances("2025-12-01", "2025-12-31")) == (
        expected["second"]["attendances_v2"]
    )
    assert pa.table(first.employees()) == expected["first"]["employees"]


def employee_requests(fake) -> int:
    """Requests `fake` has had in the employee rate limit group."""
    return sum(n for route, n in fake.stats()["by_route"].items() if "/v1/company/employees" in route)


def exhaust(fake, client_id: str, client_secret: str, requests: int) -> None:
    """Spends the employee budget of a credential over plain HTTP, as another program
    with the same credential would, to the first 429."""
    auth = urllib.request.Request(
        f"{fake.url}/v1/auth",
        data=json.dumps({"client_id": client_id, "client_secret": client_secret}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(auth) as answer:
        token = json.load(answer)["data"]["token"]
    listing = urllib.request.Request(
        f"{fake.url}/v1/company/employees?limit=1", headers={"Authorization": f"Bearer {token}"}
    )
    for _ in range(requests):
        try:
            urllib.request.urlopen(listing).close()
        except urllib.error.HTTPError as refused:
            assert refused.code == 429
            return
    raise AssertionError("the budget never ran out")


def test_one_company_out_of_budget_does_not_refuse_another(fake_factory) -> None:
    # What one read of the second company costs in the employee group: its whole burst.
    alone_fake = fake_factory(**COMPANIES["second"])
    read_ids(alone_fake.client())
    burst = employee_requests(alone_fake)
    # A bucket that, once empty, stays so for the whole test (a token every 100 s).
    fake, client_of = several_companies(
        fake_factory, rate_limits={"employees": {"burst": burst, "per_second": 0.01}}
    )
    exhaust(fake, fake.client_id, fake.client_secret, burst + 1)
    assert fake.stats()["rate_limited_by_client"] == {fake.client_id: 1}
    # The first company is out of budget; the second still has its whole burst: its
    # read is neither refused nor made to wait for the first company's bucket.
    assert len(read_ids(client_of("second"))) == COMPANIES["second"]["employees"]
    assert fake.stats()["rate_limited_by_client"] == {fake.client_id: 1}
