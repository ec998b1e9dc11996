"""Several companies at once: clients with their own credentials and base URLs, used
from threads together, share no token and no data."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa

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
