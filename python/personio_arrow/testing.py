"""A fake Personio server for tests: real HTTP on loopback, a deterministic company.

>>> from personio_arrow.testing import FakePersonio
>>> with FakePersonio(employees=50, seed=1) as fake:
...     table = fake.client().employees()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from personio_arrow._core import Client, FakeServer

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from personio_arrow._core import FakeOptions, FakeStats

__all__ = ["FakePersonio"]


class FakePersonio:
    """Runs the fake Personio server in this process while the context is open.

    Every keyword is a knob of the server (they are all optional):

    - ``employees`` (200), ``seed`` (0), ``custom_attributes`` (27): the company.
    - ``latency_ms`` (0): delay before each answer.
    - ``whitelist``: attribute keys the default credential may read (``None``: all).
    - ``credentials``: more credentials, each a dict with ``client_id``,
      ``client_secret``, optional ``whitelist`` and ``scopes``.
    - ``companies``: more companies on the same server, each a dict with ``seed``,
      ``credentials`` (at least one, as above), optional ``employees`` (200) and
      ``custom_attributes`` (27). A token of a company's credential reads and writes
      that company only; rate budgets stay per credential. Client IDs are unique
      across companies.
    - ``token_ttl_seconds`` (86400), ``revoke_tokens_after``: token expiry and
      revocation after N data requests.
    - ``server_errors``, ``malformed_responses``: the next N data requests fail with 503,
      or answer a truncated body.
    - ``rate_limits``: ``"personio"`` (Personio's documented limits), ``"ample"`` (far
      more room than a test uses, announced, so that clients do not pace) or a token bucket
      per group, ``{"employees": {"burst": int, "per_second": float}, ...}`` with
      groups ``employees``, ``v1``, ``v1_auth``, ``v2`` (each endpoint) and
      ``v2_auth``; enforced per credential with Personio's headers (``None``: off).
    - ``overrides``: ``[{"employee": index, "key": attribute, "value": json}]``, wire
      values sent instead of the generated ones.
    - ``report_updating_reads`` (2): reads before the updating report is up to date;
      ``report_page_cap`` (200): the v1 report page size cap;
      ``wide_report_columns`` (0): adds a "Wide export" report this wide;
      ``report_v2_page_cap`` (None): the largest v2 report page, in rows.
    - ``attendance_relative_links`` (False): v2 attendance periods, projects, absence
      listings and the org listings link to their next page with relative hrefs instead
      of absolute ones.
    - ``v2_list_page_cap`` (None): the largest page of v2 projects, org units, cost
      centers, legal entities and workplaces, so that they span several pages.
    - ``faults``: seeded faults, each a dict ``{"kind": ..., "routes": [...],
      "after": 1, "count": 1, "probability": None, ...}``; kinds
      ``server_error_burst`` (``statuses``), ``rate_limit_burst``
      (``retry_after_seconds``), ``token_expiry``, ``token_revocation``,
      ``connection_reset``, ``truncated_body``, ``malformed_body``, ``slow_body``
      (``stall_ms``), ``redirect`` (``location``), ``lying_total`` (``lie``: huge,
      zero, short), ``empty_page``, ``records_move`` (``mode``: delete, insert,
      move); routes ``employees``, ``reports_v1``, ``reports_v2`` (default),
      ``auth`` and ``writes`` (the v1 writes; a ``connection_reset`` there applies
      the write, then resets, so that its reply is lost), and ``attendances`` (v1
      attendances, v2 attendance periods), ``absences`` (v1 time-offs and absence
      periods, v2 absence periods and breakdowns) and ``org`` (the v2 org listings
      and projects), which take every kind but ``lying_total``, ``empty_page`` and
      ``records_move``. See the README.
    - ``port`` (0: any free port). The server only ever listens on 127.0.0.1.

    An unknown knob, or a value of the wrong type, raises ``TypeError`` naming the knob
    when the server starts; a value that cannot work raises ``ValueError``.
    """

    def __init__(self, **options: Unpack[FakeOptions]) -> None:
        self._options = options
        self._server: FakeServer | None = None

    def start(self) -> FakePersonio:
        """Starts the server (the context manager does this for you)."""
        if self._server is None:
            self._server = FakeServer(self._options)
        return self

    def stop(self) -> None:
        """Stops the server."""
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    def __enter__(self) -> FakePersonio:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def _running(self) -> FakeServer:
        if self._server is None:
            raise RuntimeError("the fake Personio server is not running: use `with FakePersonio(...)`")
        return self._server

    @property
    def url(self) -> str:
        """Base URL to give a client as ``base_url``."""
        return self._running.url

    @property
    def client_id(self) -> str:
        """Client ID of the default credential."""
        return self._running.client_id

    @property
    def client_secret(self) -> str:
        """Client secret of the default credential (new on every start)."""
        return self._running.client_secret

    def client(self, **kwargs: Any) -> Client:
        """A :class:`personio_arrow.Client` for this server's default credential."""
        kwargs.setdefault("client_id", self.client_id)
        kwargs.setdefault("client_secret", self.client_secret)
        kwargs.setdefault("base_url", self.url)
        return Client(**kwargs)

    def issued_tokens(self) -> list[str]:
        """Every token the server issued (the last 4096): for tests that check that no
        token appears in a message, a repr, a warning or a log."""
        return self._running.issued_tokens()

    def stats(self) -> FakeStats:
        """What the server has seen: ``requests``, ``auth_v1``, ``auth_v2``,
        ``by_route``, ``by_status`` (HTTP status -> count), ``max_in_flight``,
        ``rate_limited``, ``tokens_by_client`` and ``rate_limited_by_client`` (client
        ID -> count), ``injected_errors``, ``by_fault``."""
        return self._running.stats()

    def __repr__(self) -> str:
        state = f"url={self._server.url!r}" if self._server is not None else "stopped"
        return f"FakePersonio({state})"
