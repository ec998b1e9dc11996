"""Fixtures: fake Personio companies over real loopback HTTP."""

from __future__ import annotations

from typing import Iterator

import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio

COMPANY_SIZE = 1234


@pytest.fixture(scope="session")
def company_size() -> int:
    """How many employees `company` has."""
    return COMPANY_SIZE


@pytest.fixture(scope="session")
def company() -> Iterator[FakePersonio]:
    """A company of 1,234 employees, shared by read-only tests."""
    with FakePersonio(employees=COMPANY_SIZE, seed=7) as fake:
        yield fake


@pytest.fixture(scope="session")
def employees(company: FakePersonio) -> pio.Table:
    """Every employee of `company`, read once."""
    return company.client().employees()


@pytest.fixture
def fake_factory() -> Iterator:
    """Starts fakes with given knobs and stops them after the test."""
    started: list[FakePersonio] = []

    def start(**options) -> FakePersonio:
        fake = FakePersonio(**options).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()
