"""Attributes outside a credential's whitelist are absent, never null."""

from __future__ import annotations

import pyarrow as pa

import personio_arrow as pio


def test_whitelist_limits_the_columns(fake_factory) -> None:
    fake = fake_factory(employees=120, whitelist=["first_name", "hire_date", "department"])
    table = fake.client().employees()
    assert table.column_names == ["id", "first_name", "hire_date", "department_id", "department_name"]
    assert table.num_rows == 120
    assert pa.table(fake.client().employee_attributes()).column("key").to_pylist() == [
        "first_name", "hire_date", "department",
    ]


def test_attribute_outside_the_whitelist_is_refused(fake_factory) -> None:
    fake = fake_factory(employees=5, whitelist=["first_name"])
    try:
        fake.client().employees(attributes=["last_name"])
    except ValueError as error:
        assert "first_name" in str(error)
    else:
        raise AssertionError("expected ValueError")


def test_two_credentials_see_different_columns(fake_factory) -> None:
    fake = fake_factory(
        employees=30,
        credentials=[{"client_id": "payroll", "client_secret": "payroll-s3cret", "whitelist": ["fix_salary"]}],
    )
    payroll = pio.Client("payroll", "payroll-s3cret", base_url=fake.url).employees()
    assert payroll.column_names == ["id", "fix_salary", "fix_salary_currency"]
    assert len(fake.client().employees().column_names) > 50
