"""pyarrow, polars and pandas are optional: without one, the error says what to install."""

from __future__ import annotations

import re
import sys

import pytest

import personio_arrow as pio


@pytest.mark.parametrize(
    "convert, missing, extra",
    [
        (lambda t: t.to_pyarrow(), "pyarrow", "pyarrow"),
        (lambda t: t.schema, "pyarrow", "pyarrow"),
        (lambda t: t.to_polars(), "polars", "polars"),
        (lambda t: t.to_pandas(), "pandas", "pandas"),
        (lambda t: t.to_pandas(), "pyarrow", "pandas"),  # pandas is there, pyarrow is not
    ],
    ids=["to_pyarrow", "schema", "to_polars", "to_pandas", "to_pandas-without-pyarrow"],
)
def test_a_missing_library_names_the_extra(employees, monkeypatch, convert, missing, extra) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # `import <missing>` now fails
    with pytest.raises(ImportError, match=re.escape(f"pip install 'personio-arrow[{extra}]'")) as caught:
        convert(employees)
    assert missing in str(caught.value)


def test_reading_needs_none_of_them(company, monkeypatch) -> None:
    for library in ("pyarrow", "polars", "pandas"):
        monkeypatch.setitem(sys.modules, library, None)
    table = company.client().employees(attributes=["first_name"])
    assert isinstance(table, pio.Table) and table.num_rows > 0
    assert table.column_names == ["id", "first_name"]
