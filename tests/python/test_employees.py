"""Client.employees() against the fake: completeness, paging, projection, filters."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import personio_arrow as pio


def test_every_employee_exactly_once(employees: pio.Table, company_size: int) -> None:
    ids = pa.table(employees).column("id").to_pylist()
    assert len(ids) == company_size == employees.num_rows == len(employees)
    assert len(set(ids)) == company_size
    assert None not in ids


def test_pages_are_fetched_concurrently_with_one_token(fake_factory, company_size) -> None:
    fake = fake_factory(employees=company_size, latency_ms=30)
    table = fake.client(concurrency=4).employees()
    stats = fake.stats()
    assert table.num_rows == company_size
    assert stats["auth_v1"] == 1
    # 13 pages of at most 100 (Personio's cap): the client asks for the cap.
    assert stats["by_route"]["GET /v1/company/employees"] == 13
    assert 3 <= stats["max_in_flight"] <= 4  # concurrent, and never more than asked


def test_concurrency_one_is_sequential(fake_factory) -> None:
    fake = fake_factory(employees=300, latency_ms=10)
    assert fake.client(concurrency=1).employees().num_rows == 300
    assert fake.stats()["max_in_flight"] == 1


def test_empty_company_has_the_full_schema(fake_factory, employees: pio.Table) -> None:
    empty = fake_factory(employees=0, seed=7).client().employees()
    assert empty.num_rows == 0
    full = pa.schema(employees)
    # Custom money currency columns appear only when a record carries a currency, and
    # columns marked discovered (entity fields and keys beyond /attributes) only when a
    # record has them.
    only_from_data = {
        f.name for f in full
        if (f.metadata.get(b"personio.part") == b"currency" and f.name.startswith("dynamic_"))
        or f.metadata.get(b"personio.discovered") == b"true"
    }
    expected = [f for f in full if f.name not in only_from_data]
    assert [(f.name, f.type) for f in pa.schema(empty)] == [(f.name, f.type) for f in expected]


def test_attributes_projection(company, company_size) -> None:
    table = company.client().employees(attributes=["first_name", "department", "hire_date"])
    assert table.column_names == [
        "id", "first_name", "department_id", "department_name", "hire_date",
    ]
    assert table.num_rows == company_size


def test_a_single_attribute_string_is_one_key(company) -> None:
    assert company.client().employees(attributes="email").column_names == ["id", "email"]


def test_unknown_attribute_is_a_value_error_before_listing(fake_factory) -> None:
    fake = fake_factory(employees=10)
    with pytest.raises(ValueError, match="empty"):
        fake.client().employees(attributes=[])
    assert fake.stats()["requests"] == 0  # refused before any request
    with pytest.raises(ValueError, match="department_name.*Did you mean \"department\""):
        fake.client().employees(attributes=["department_name"])
    assert "GET /v1/company/employees" not in fake.stats()["by_route"]


def test_updated_since_returns_changed_employees_only(company, employees, company_size) -> None:
    everyone = pa.table(employees)
    modified = everyone.column("last_modified_at")
    cutoff = pc.min_max(modified)["max"].as_py() - timedelta(days=200)
    expected = set(everyone.filter(pc.greater(modified, pa.scalar(cutoff))).column("id").to_pylist())
    assert 0 < len(expected) < company_size

    changed = company.client().employees(updated_since=cutoff)
    ids = pa.table(changed).column("id").to_pylist()
    assert sorted(ids) == sorted(expected)  # each once, although the answer's
    # metadata says total_pages == total_elements with limit 1 (Personio's quirk)

    as_text = company.client().employees(updated_since=cutoff.astimezone(timezone(timedelta(hours=2))).isoformat())
    assert sorted(pa.table(as_text).column("id").to_pylist()) == sorted(expected)


@pytest.mark.parametrize(
    "bad, error",
    [
        (datetime(2024, 1, 1), "naive"),
        ("2024-01-01T00:00:00", "offset"),
        ("last tuesday", "ISO 8601"),
        (datetime(2024, 1, 1).date(), "time zone"),
    ],
)
def test_bad_updated_since_is_refused_before_any_request(fake_factory, bad, error) -> None:
    fake = fake_factory(employees=5)
    with pytest.raises(ValueError, match=error):
        fake.client().employees(updated_since=bad)
    assert fake.stats()["requests"] == 0


def test_updated_since_of_wrong_type_is_a_type_error(company) -> None:
    with pytest.raises(TypeError):
        company.client().employees(updated_since=12345)


def test_single_employee(company, employees) -> None:
    first = pa.table(employees).slice(0, 1)
    one = pa.table(company.client().employee(first.column("id")[0].as_py()))
    assert one.schema == first.schema
    # Compared by value: a one-row dictionary column encodes fewer choices.
    assert one.to_pylist() == first.to_pylist()


def test_bad_names_argument(company) -> None:
    with pytest.raises(ValueError, match="key.*label"):
        company.client().employees(names="labels")
