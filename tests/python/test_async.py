"""AsyncClient over real HTTP against the fake: the same values as Client, calls
gathered by the dozen, typed errors, and cancellation that stops the requests."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import datetime as dt
import time
import warnings
from typing import Any, Awaitable, Callable

import pytest

import personio_arrow as pio
from personio_arrow.testing import FakePersonio

DECEMBER = (dt.date(2025, 12, 1), dt.date(2025, 12, 31))


@pytest.fixture
def fake():
    """A small company of its own: the write test changes it."""
    with FakePersonio(employees=40, seed=5) as fake:
        yield fake


def async_client(fake: FakePersonio, **options: Any) -> pio.AsyncClient:
    return pio.AsyncClient(fake.client_id, fake.client_secret, base_url=fake.url, **options)


def run(call: Awaitable[Any]) -> Any:
    """The value of one awaited call, type fallback warnings left out (Client's are too)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pio.TypeFallbackWarning)
        return asyncio.run(call)  # type: ignore[arg-type]


def quietly(call: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pio.TypeFallbackWarning)
        return call()


def ids(client: pio.Client) -> list[int]:
    return quietly(lambda: client.employees(attributes=["id"])).to_pyarrow()["id"].to_pylist()


def test_the_constructor_and_properties_are_clients(fake) -> None:
    client, asynchronous = fake.client(), async_client(fake)
    assert (asynchronous.base_url, asynchronous.client_id) == (client.base_url, client.client_id)
    assert repr(asynchronous) == repr(client).replace("Client(", "AsyncClient(")
    assert not isinstance(asynchronous, pio.Client)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        pio.AsyncClient(fake.client_id, fake.client_secret, base_url=fake.url, colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        pio.AsyncClient(fake.client_id, fake.client_secret, base_url=fake.url, timeout=-1)


@pytest.mark.parametrize(
    "read",
    [
        lambda c, e: c.employees(),
        lambda c, e: c.employees(attributes=["first_name"], names="label"),
        lambda c, e: c.employee(e, names="label"),
        lambda c, e: c.employee_attributes(),
        lambda c, e: c.custom_reports(),
        lambda c, e: c.attendances(*DECEMBER),
        lambda c, e: c.attendances(*DECEMBER, api="v1"),
        lambda c, e: c.absences(*DECEMBER),
        lambda c, e: c.absences(*DECEMBER, employees=[e], api="v1"),
        lambda c, e: c.absence_types(),
        lambda c, e: c.absence_types(api="v1"),
        lambda c, e: c.absence_balances(e),
        lambda c, e: c.org_units("department"),
        lambda c, e: c.org_units("team"),
        lambda c, e: c.cost_centers(),
        lambda c, e: c.legal_entities(),
        lambda c, e: c.workplaces(),
        lambda c, e: c.projects(),
    ],
)
def test_every_read_gives_clients_table(fake, read) -> None:
    client = fake.client()
    employee = ids(client)[0]
    expected = quietly(lambda: read(client, employee)).to_pyarrow()
    got = run(read(async_client(fake), employee))
    assert isinstance(got, pio.Table)
    assert got.to_pyarrow().equals(expected)


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_a_custom_report_is_clients(fake, api) -> None:
    client = fake.client()
    report = client.custom_reports().to_pyarrow()["id"][0].as_py()
    expected = quietly(lambda: client.custom_report(report, api=api)).to_pyarrow()
    assert run(async_client(fake).custom_report(report, api=api)).to_pyarrow().equals(expected)


def test_pictures_are_clients(fake) -> None:
    client, asynchronous = fake.client(), async_client(fake)
    employee = ids(client)[0]  # the first has a picture: every fifth has none

    async def both() -> tuple[bytes, tuple[bytes, str, str]]:
        return await asynchronous.profile_picture(employee, width=50), await asynchronous.profile_picture_with_type(employee)

    picture, typed = asyncio.run(both())
    assert picture == client.profile_picture(employee, width=50)
    assert typed == client.profile_picture_with_type(employee)


def test_the_writes_write(fake) -> None:
    client, asynchronous = fake.client(), async_client(fake)
    employee = ids(client)[0]

    async def write() -> tuple[int, Any, pio.Table, Any, int, Any]:
        created = await asynchronous.create_employee("grace@example.com", "Grace", "Hopper", gender="female")
        updated = await asynchronous.update_employee(created, position="Admiral")
        rows = [{"employee": employee, "date": "2026-02-03", "start_time": "08:00", "end_time": "12:00", "break": 0}]
        attendances = await asynchronous.create_attendances(rows)
        deleted_attendance = await asynchronous.delete_attendance(attendances.to_pyarrow()["id"][0].as_py())
        absence = await asynchronous.create_absence(employee, 4101, "2026-03-02", dt.date(2026, 3, 4))
        return created, updated, attendances, deleted_attendance, absence, None

    created, updated, attendances, deleted_attendance, absence, _ = asyncio.run(write())
    assert isinstance(created, int) and updated is None and deleted_attendance is None
    assert quietly(lambda: client.employee(created)).to_pyarrow().to_pylist()[0]["position"] == "Admiral"
    assert attendances.to_pyarrow()["status"].to_pylist() == ["ok"]
    assert client.attendances("2026-02-03", "2026-02-03", employees=[employee], api="v1").num_rows == 0
    listed = client.absences("2026-03-02", "2026-03-04", employees=[employee], api="v1").to_pyarrow()
    assert listed["id"].to_pylist() == [str(absence)]
    assert asyncio.run(asynchronous.delete_absence(absence)) is None
    assert client.absences("2026-03-02", "2026-03-04", employees=[employee]).num_rows == 0


def test_thirty_calls_gathered_all_come_back_right(fake) -> None:
    client, asynchronous = fake.client(), async_client(fake)
    employees = ids(client)[:30]
    assert len(employees) == 30

    async def gather() -> list[pio.Table]:
        return await asyncio.gather(*(asynchronous.employee(e) for e in employees))

    tables = run(gather())
    assert [t.to_pyarrow()["id"].to_pylist() for t in tables] == [[e] for e in employees]
    assert tables[7].to_pyarrow().equals(quietly(lambda: client.employee(employees[7])).to_pyarrow())


def test_errors_are_the_typed_exceptions(fake) -> None:
    asynchronous = async_client(fake)
    with pytest.raises(pio.NotFoundError, match="HTTP 404"):
        asyncio.run(asynchronous.employee(999_999_999))
    with pytest.raises(pio.NotFoundError):
        asyncio.run(asynchronous.delete_absence(999_999_999))
    with pytest.raises(pio.AuthenticationError):
        asyncio.run(pio.AsyncClient(fake.client_id, "wrong", base_url=fake.url).cost_centers())
    with pytest.raises(ValueError, match="names"):
        asynchronous.employees(names="nicknames")  # type: ignore[arg-type]  # read when called


def test_a_warning_points_at_the_await(fake) -> None:
    asynchronous = async_client(fake)

    async def read() -> None:
        await asynchronous.employees()  # the line the warning names

    with pytest.warns(pio.TypeFallbackWarning) as caught:
        asyncio.run(read())
    assert caught[0].filename == __file__
    assert "await asynchronous.employees()" in open(__file__).read().splitlines()[caught[0].lineno - 1]


def test_a_call_runs_in_a_loop_busy_with_other_tasks(fake) -> None:
    asynchronous = async_client(fake)
    expected = quietly(lambda: fake.client().workplaces()).to_pyarrow()

    async def busy() -> tuple[pio.Table, int]:
        ticks = 0
        stop = asyncio.Event()

        async def tick() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0)

        ticker = asyncio.ensure_future(tick())
        await asyncio.sleep(0)
        before = ticks
        table = await asynchronous.workplaces()
        during = ticks - before
        stop.set()
        await ticker
        return table, during

    table, during = asyncio.run(busy())
    assert table.to_pyarrow().equals(expected)
    assert during > 0  # the loop ran the ticker while the call was out


def test_nothing_is_sent_before_the_await_and_a_call_is_awaited_once(fake) -> None:
    asynchronous = async_client(fake)
    before = fake.stats()["requests"]
    call = asynchronous.cost_centers()
    assert fake.stats()["requests"] == before
    call.close()  # type: ignore[attr-defined]
    assert fake.stats()["requests"] == before

    async def twice() -> None:
        call = asynchronous.cost_centers()
        await call
        await call

    with pytest.raises(RuntimeError, match="already awaited"):
        asyncio.run(twice())


def test_cancelling_the_task_stops_the_requests() -> None:
    stall = 5.0
    faults = [{"kind": "slow_body", "stall_ms": int(stall * 1000), "routes": ["employees"], "after": 0}]
    # 300 employees are several pages: left alone, the call asks for more after the stall.
    with FakePersonio(employees=300, seed=1, faults=faults) as fake:
        asynchronous = async_client(fake)

        async def cancel() -> tuple[float, int, int]:
            task = asyncio.ensure_future(asynchronous.employees())
            await asyncio.sleep(0.3)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            waited = time.monotonic() - started
            at_cancel = fake.stats()["requests"]
            await asyncio.sleep(stall + 1.0)  # past the stall: a call still running would go on
            return waited, at_cancel, fake.stats()["requests"]

        waited, at_cancel, after_stall = asyncio.run(cancel())
        assert fake.stats()["by_fault"].get("slow_body") == 1
        assert waited < stall / 2  # raised while the body was still stalled
        assert after_stall == at_cancel  # the aborted call asked for nothing more
        # The same call left alone does ask for more pages once the stall ends:
        assert ids(fake.client()) and fake.stats()["by_route"]["GET /v1/company/employees"] > 2


EXIT_RIGHT_AFTER = """
import asyncio, personio_arrow as pio
from personio_arrow.testing import FakePersonio
with FakePersonio(employees=20, seed=1) as fake:
    client = pio.AsyncClient(fake.client_id, fake.client_secret, base_url=fake.url)
    async def main():
        await asyncio.gather(*(client.cost_centers() for _ in range(20)))
    asyncio.run(main())
"""


def test_the_interpreter_may_end_right_after_the_last_call() -> None:
    # A runtime thread still handing a result over while Python finalized crashed it.
    for _ in range(3):
        ended = subprocess.run([sys.executable, "-c", EXIT_RIGHT_AFTER], capture_output=True, timeout=60)
        assert ended.returncode == 0, ended.stderr.decode()[-2000:]
