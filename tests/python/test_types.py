"""Every typing rule of DESIGN.md, checked against an independent reading of the wire."""

from __future__ import annotations

import warnings
from datetime import date, datetime, timezone
from typing import Any

import pyarrow as pa
import pytest

import personio_arrow as pio
from raw_fake import raw_attributes, raw_employees


@pytest.fixture(scope="module")
def wire(company) -> list[dict[str, Any]]:
    return raw_employees(company)


@pytest.fixture(scope="module")
def declared(company) -> dict[str, dict[str, Any]]:
    return {a["key"]: a for a in raw_attributes(company)}


@pytest.fixture(scope="module")
def table(employees) -> pa.Table:
    return pa.table(employees)


def values(wire: list[dict[str, Any]], key: str) -> list[Any]:
    return [record.get(key, {}).get("value") for record in wire]


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def as_date(value: Any) -> date | None:
    return None if missing(value) else date.fromisoformat(value[:10])


def as_instant(value: Any) -> datetime | None:
    return None if missing(value) else datetime.fromisoformat(value).astimezone(timezone.utc)


def as_float(value: Any) -> float | None:
    return None if missing(value) else float(value)


def as_int(value: Any) -> int | None:
    return None if missing(value) else int(float(value))


def as_tags(value: Any) -> list[str] | None:
    if missing(value):
        return None
    parts = value.split(",") if isinstance(value, str) else value
    return [p.strip() for p in parts if p.strip()]


def test_schema_comes_from_the_attributes_endpoint(table, declared, wire) -> None:
    listed = {f.metadata[b"personio.key"].decode() for f in table.schema
              if b"personio.discovered" not in f.metadata}
    assert listed == set(declared) | {"id"}
    # Keys that records carry but /attributes does not list still become columns.
    unlisted = {key for record in wire for key in record} - set(declared) - {"id"}
    assert unlisted  # the fake sends some, as real accounts do
    discovered = {f.metadata[b"personio.key"].decode() for f in table.schema
                  if f.metadata.get(b"personio.discovered") == b"true"}
    assert discovered == unlisted


def test_every_field_carries_personio_metadata(table, declared) -> None:
    for field in table.schema:
        key = field.metadata[b"personio.key"].decode()
        if key == "id" or b"personio.discovered" in field.metadata:
            continue
        attribute = declared[key]
        assert field.metadata[b"personio.label"].decode() == attribute["label"]
        assert field.metadata[b"personio.type"].decode() == attribute["type"]
        if attribute["universal_id"]:
            assert field.metadata[b"personio.universal_id"].decode() == attribute["universal_id"]


def test_standard_attributes_are_typed_by_key(table, wire) -> None:
    schema = table.schema
    assert schema.field("id").type == pa.int64()
    assert schema.field("weekly_working_hours").type == pa.float64()
    assert schema.field("hire_date").type == pa.date32()
    assert schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("last_modified_at").type == pa.timestamp("us", tz="UTC")
    # `created_at` is declared `date` yet holds instants: the key wins.
    assert schema.field("created_at").metadata[b"personio.type"] == b"date"
    assert table.column("weekly_working_hours").to_pylist() == [
        as_float(v) for v in values(wire, "weekly_working_hours")
    ]


def test_dates_are_the_calendar_date_written(table, wire) -> None:
    raw = values(wire, "hire_date")
    assert any(isinstance(v, str) and "T00:00:00+" in v for v in raw), "fake sends offsets"
    assert any(isinstance(v, str) and len(v) == 10 for v in raw), "and plain dates"
    assert table.column("hire_date").to_pylist() == [as_date(v) for v in raw]


def test_instants_are_utc(table, wire) -> None:
    got = table.column("created_at").to_pylist()
    assert got == [as_instant(v) for v in values(wire, "created_at")]
    assert all(v is None or v.tzinfo is not None for v in got)


def test_custom_attributes_are_typed_by_declared_type(table, wire, declared) -> None:
    converters = {
        "integer": (pa.int64(), as_int),
        "decimal": (pa.float64(), as_float),
        "date": (pa.date32(), as_date),
        "tags": (pa.list_(pa.string()), as_tags),
    }
    seen = set()
    for key, attribute in declared.items():
        if not key.startswith("dynamic_"):
            continue
        kind = attribute["type"]
        seen.add(kind)
        column = table.column(key)
        if kind in converters:
            arrow_type, convert = converters[kind]
            assert column.type == arrow_type, key
            assert column.to_pylist() == [convert(v) for v in values(wire, key)], key
        elif kind == "list":
            assert column.type == pa.dictionary(pa.int32(), pa.string()), key
            assert column.to_pylist() == [None if missing(v) else v for v in values(wire, key)]
        else:  # standard, link, multiline; blank text is "no value"
            assert column.type == pa.string(), key
            assert column.to_pylist() == [None if missing(v) else v for v in values(wire, key)], key
    assert seen >= {"standard", "date", "integer", "decimal", "list", "link", "tags", "multiline"}


def test_money_adds_a_currency_column(table, wire, declared) -> None:
    assert table.schema.field("fix_salary").type == pa.float64()
    assert table.column("fix_salary_currency").to_pylist() == [
        r.get("fix_salary", {}).get("currency") for r in wire
    ]
    custom_money = [k for k in declared if k.startswith("dynamic_") and any("currency" in r.get(k, {}) for r in wire)]
    assert custom_money, "the fake has custom money attributes"
    for key in custom_money:
        assert table.column(f"{key}_currency").to_pylist() == [r.get(key, {}).get("currency") for r in wire]


def test_entities_are_flattened(table, wire) -> None:
    for key in ("department", "office", "team", "subcompany"):
        assert key not in table.column_names
        assert table.schema.field(f"{key}_id").type == pa.int64()
        expected_ids = [
            v["attributes"]["id"] if isinstance(v, dict) and v else None for v in values(wire, key)
        ]
        expected_names = [
            v["attributes"]["name"] if isinstance(v, dict) and v else None for v in values(wire, key)
        ]
        assert table.column(f"{key}_id").to_pylist() == expected_ids
        assert table.column(f"{key}_name").to_pylist() == expected_names


def test_supervisor_is_flattened_and_points_inside_the_company(table, wire) -> None:
    ids = set(table.column("id").to_pylist())
    supervisors = table.column("supervisor_id").to_pylist()
    assert supervisors[0] is None  # the CEO
    assert all(s in ids for s in supervisors if s is not None)
    raw = values(wire, "supervisor")
    expected = [
        " ".join(
            v["attributes"][part]["value"] for part in ("first_name", "last_name") if part in v["attributes"]
        )
        if isinstance(v, dict) else None
        for v in raw
    ]
    assert table.column("supervisor_name").to_pylist() == expected


def test_cost_centers_stay_a_list_of_structs(table, wire) -> None:
    field = table.schema.field("cost_centers")
    assert field.type == pa.list_(
        pa.struct([("id", pa.int64()), ("name", pa.string()), ("percentage", pa.float64())])
    )
    expected = [
        [
            {"id": c["attributes"]["id"], "name": c["attributes"]["name"], "percentage": float(c["attributes"]["percentage"])}
            for c in v
        ] if isinstance(v, list) else None
        for v in values(wire, "cost_centers")
    ]
    assert table.column("cost_centers").to_pylist() == expected


def test_empty_strings_in_typed_columns_are_null(fake_factory) -> None:
    fake = fake_factory(employees=20, overrides=[
        {"employee": 3, "key": "weekly_working_hours", "value": ""},
        {"employee": 5, "key": "hire_date", "value": ""},
        {"employee": 7, "key": "weekly_working_hours", "value": "  "},
    ])
    wire = raw_employees(fake)
    assert [values(wire, "weekly_working_hours")[i] for i in (3, 7)] == ["", "  "]
    assert values(wire, "hire_date")[5] == ""
    with warnings.catch_warnings():
        warnings.simplefilter("error", pio.TypeFallbackWarning)  # "" is no value, not a misfit
        table = pa.table(fake.client().employees(attributes=["weekly_working_hours", "hire_date"]))
    hours = table.column("weekly_working_hours").to_pylist()
    assert table.schema.field("weekly_working_hours").type == pa.float64()
    assert table.schema.field("hire_date").type == pa.date32()
    assert hours[3] is None and hours[7] is None and hours[4] is not None
    assert table.column("hire_date").to_pylist()[5] is None


def test_label_names_are_readable_and_unique(company) -> None:
    table = company.client().employees(names="label")
    names = table.column_names
    assert len(names) == len(set(names))
    assert "First name" in names or "First Name" in names
    shared = [n for n in names if n.startswith("Emergency contact (")]
    assert len(shared) == 2, names  # two custom attributes share this label


def test_unparseable_value_keeps_the_column_as_raw_strings(fake_factory) -> None:
    fake = fake_factory(
        employees=150,
        overrides=[
            {"employee": 120, "key": "hire_date", "value": "31.12.2020"},
            {"employee": 3, "key": "weekly_working_hours", "value": "forty"},
        ],
    )
    with pytest.warns(pio.TypeFallbackWarning) as caught:
        table = pa.table(fake.client().employees())
    # (the fake's records also carry keys /attributes does not list: their own warning)
    messages = sorted(str(w.message) for w in caught if str(w.message).startswith("column "))
    assert len(messages) == 2
    assert "hire_date" in messages[0] and "31.12.2020" in messages[0]
    assert "weekly_working_hours" in messages[1] and "forty" in messages[1]
    hire = table.schema.field("hire_date")
    assert hire.type == pa.string()
    assert hire.metadata[b"personio.fallback"] == b"true"
    raw = values(raw_employees(fake), "hire_date")
    assert table.column("hire_date").to_pylist() == raw  # every value kept as written
    assert table.column("weekly_working_hours").to_pylist()[3] == "forty"


def test_no_warning_when_everything_parses(company) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        company.client().employees(attributes=["hire_date", "weekly_working_hours"])


def test_employee_attributes_table(company, declared) -> None:
    table = pa.table(company.client().employee_attributes())
    assert table.column_names == ["key", "label", "type", "universal_id", "options"]
    assert table.column("key").to_pylist() == list(declared)
    assert table.schema.field("options").type == pa.list_(pa.string())
    tags = [a for a in declared.values() if a["type"] == "tags"]
    row = table.column("key").to_pylist().index(tags[0]["key"])
    assert table.column("options")[row].as_py() == tags[0]["options"]
