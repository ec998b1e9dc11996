"""Personio HR data as typed Apache Arrow tables.

>>> import personio_arrow as pio
>>> client = pio.Client()          # PERSONIO_CLIENT_ID / PERSONIO_CLIENT_SECRET
>>> df = client.employees().to_pandas()
"""

from personio_arrow import exceptions
from personio_arrow._core import AsyncClient, Client, RecordBatchStream, Table, __version__, write_table
from personio_arrow.exceptions import *  # noqa: F403 (the exceptions, named in exceptions.__all__)

__all__ = ["AsyncClient", "Client", "RecordBatchStream", "Table", "__version__", "write_table"]
__all__ += exceptions.__all__
