"""Conversions that need the optional pyarrow, polars or pandas packages.

Each imports its library only when called, and says which extra to install if it is
missing.
"""

from __future__ import annotations

from typing import Any


def _require(module: str, extra: str) -> Any:
    try:
        return __import__(module)
    except ImportError as error:
        raise ImportError(
            f"this needs {module}: pip install 'personio-arrow[{extra}]'"
        ) from error


def to_pyarrow(table: Any) -> Any:
    pa = _require("pyarrow", "pyarrow")
    return pa.table(table)


def schema(table: Any) -> Any:
    pa = _require("pyarrow", "pyarrow")
    return pa.schema(table)


def to_polars(table: Any) -> Any:
    pl = _require("polars", "polars")
    return pl.DataFrame(table)


def to_pandas(table: Any) -> Any:
    """pandas with the dtypes an analyst expects.

    Dates and instants become ``datetime64`` (instants stay UTC-aware), integers the
    nullable ``Int64``, booleans ``boolean``, text ``string`` (stored as Arrow), list
    attributes ``category``; tags and lists of entities stay Python lists.
    """
    pd = _require("pandas", "pandas")
    pa = _require("pyarrow", "pandas")

    def dtype_for(arrow_type: Any) -> Any:
        if pa.types.is_integer(arrow_type):
            return pd.Int64Dtype()
        if pa.types.is_boolean(arrow_type):
            return pd.BooleanDtype()
        if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
            # Backed by the Arrow strings themselves, not a Python object per cell.
            return pd.StringDtype("pyarrow")
        return None  # pyarrow's own choice (float64, datetime64, category, object lists)

    # split_blocks: a block per column, instead of copying like columns into one 2-D block.
    return to_pyarrow(table).to_pandas(
        types_mapper=dtype_for, date_as_object=False, split_blocks=True
    )
