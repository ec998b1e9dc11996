"""The ``personio-arrow`` command line (also ``python -m personio_arrow``)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

from personio_arrow import _core
from personio_arrow.exceptions import NotFoundError, PersonioError

DEMO_OUTPUT = "personio-demo-employees.parquet"


def _client(args: argparse.Namespace) -> _core.Client:
    # The secret is read from PERSONIO_CLIENT_SECRET only: a command-line flag would
    # show it in the process list and the shell history.
    return _core.Client(
        client_id=args.client_id,
        base_url=args.base_url,
        concurrency=args.concurrency,
        allow_http=args.allow_http,
    )


def _progress(args: argparse.Namespace) -> bool:
    """Whether to draw a progress bar: as asked, else only where stderr is a terminal (the
    bar goes to stderr, never to stdout, which may carry the data)."""
    return args.progress if args.progress is not None else sys.stderr.isatty()


def _emit(table: _core.Table, output: str | None) -> None:
    if output is None:
        print(_core.format_table(table, max_rows=20))
        print(f"({table.num_rows} rows x {len(table.column_names)} columns)")
        return
    _core.write_table(table, Path(output))
    print(
        f"wrote {table.num_rows} rows x {len(table.column_names)} columns to {output}",
        file=sys.stderr,
    )


def _is_parquet(output: str | None) -> bool:
    return output is not None and Path(output).suffix.lower() in (".parquet", ".pq")


def _write_stream(stream: _core.RecordBatchStream, output: str) -> None:
    """Writes row groups as batches arrive: the listing is never whole in memory, and a
    failed read leaves no file (a temporary one beside it is renamed on success)."""
    columns = len(stream.schema)
    rows = _core.write_stream(stream, Path(output))
    print(f"wrote {rows} rows x {columns} columns to {output}", file=sys.stderr)


def _cmd_employees(args: argparse.Namespace) -> None:
    attributes = args.attributes.split(",") if args.attributes else None
    query = {"attributes": attributes, "updated_since": args.updated_since, "names": args.names}
    if _is_parquet(args.output):
        # Streamed: row groups are written as pages arrive (no bar: the file grows instead).
        _write_stream(_client(args).iter_employees(**query, batch_size=args.batch_size), args.output)
        return
    _emit(_client(args).employees(**query, progress=_progress(args)), args.output)


def _cmd_attributes(args: argparse.Namespace) -> None:
    _emit(_client(args).employee_attributes(), args.output)


def _cmd_reports(args: argparse.Namespace) -> None:
    _emit(_client(args).custom_reports(), args.output)


def _cmd_report(args: argparse.Namespace) -> None:
    query = {"locale": args.locale, "api": args.api, "names": args.names, "wait": not args.no_wait,
             "timeout": args.timeout}
    if _is_parquet(args.output):
        # Streamed, as for employees: row groups are written as the rows arrive.
        stream = _client(args).iter_custom_report(args.report, **query, batch_size=args.batch_size)
        _write_stream(stream, args.output)
        return
    _emit(_client(args).custom_report(args.report, **query, progress=_progress(args)), args.output)


def _id_list(text: str | None) -> list[int] | None:
    """`--employees 1,2,3` as ids; `None` (everyone) when not given."""
    return [int(e) for e in text.split(",")] if text else None


def _cmd_attendances(args: argparse.Namespace) -> None:
    employees = _id_list(args.employees)
    table = _client(args).attendances(args.start, args.end, employees=employees, api=args.api,
                                      progress=_progress(args))
    _emit(table, args.output)


def _cmd_org_units(args: argparse.Namespace) -> None:
    _emit(_client(args).org_units(args.type), args.output)


def _cmd_cost_centers(args: argparse.Namespace) -> None:
    _emit(_client(args).cost_centers(), args.output)


def _cmd_legal_entities(args: argparse.Namespace) -> None:
    _emit(_client(args).legal_entities(), args.output)


def _cmd_workplaces(args: argparse.Namespace) -> None:
    _emit(_client(args).workplaces(), args.output)


def _cmd_projects(args: argparse.Namespace) -> None:
    _emit(_client(args).projects(), args.output)


def _employee_ids(client: _core.Client) -> list[int]:
    """Every employee's id, read through a JSON Lines file so that no extra is needed."""
    table = client.employees(attributes=["id"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ids.jsonl"
        _core.write_table(table, path)
        with path.open(encoding="utf-8") as lines:
            return [json.loads(line)["id"] for line in lines if line.strip()]


def _save_picture(folder: Path, employee_id: int, data: bytes, extension: str,
                  overwrite: bool) -> bool:
    """Writes `<id>.<extension>` in `folder`; False when it exists and may not be replaced.

    The file is created anew (O_EXCL), so that a symlink planted under its name is
    replaced, never written through to somewhere outside the folder.
    """
    target = folder / f"{int(employee_id)}.{extension}"
    if target.parent != folder:
        raise ValueError(f"refusing to write {target}: it is outside {folder}")
    if overwrite:
        try:
            target.unlink()
        except FileNotFoundError:
            pass
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(target, flags, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return True


def _cmd_pictures(args: argparse.Namespace) -> None:
    client = _client(args)
    folder = Path(args.out).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    ids = _id_list(args.employees) or _employee_ids(client)

    def fetch(employee_id: int) -> tuple[int, tuple[bytes, str, str] | None]:
        try:
            return employee_id, client.profile_picture_with_type(employee_id, width=args.width)
        except NotFoundError:
            return employee_id, None

    written = missing = kept = 0
    with ThreadPoolExecutor(max_workers=max(1, args.concurrency)) as pool:
        for employee_id, picture in pool.map(fetch, ids):
            if picture is None:
                missing += 1
            elif _save_picture(folder, employee_id, picture[0], picture[2], args.overwrite):
                written += 1
            else:
                kept += 1
    print(f"wrote {written} pictures to {folder}", file=sys.stderr)
    print(f"{missing} employees have no picture (or it is not readable): skipped", file=sys.stderr)
    if kept:
        print(f"{kept} files were already there and were kept (--overwrite replaces them)",
              file=sys.stderr)


def _cmd_absences(args: argparse.Namespace) -> None:
    employees = _id_list(args.employees)
    table = _client(args).absences(args.start, args.end, employees=employees, api=args.api,
                                   progress=_progress(args))
    _emit(table, args.output)


def _cmd_demo(args: argparse.Namespace) -> None:
    from personio_arrow.testing import FakePersonio

    started = time.perf_counter()
    with FakePersonio(employees=args.employees, seed=args.seed) as fake:
        print(f"Started a fake Personio company with {args.employees} employees at {fake.url}")
        table = fake.client().employees()
        elapsed = time.perf_counter() - started
        _core.write_table(table, Path(args.output))
        print(
            f"Exported {table.num_rows} employees x {len(table.column_names)} typed columns "
            f"to {args.output} in {elapsed:.2f} s\n"
        )
        print("Columns and their Arrow types:")
        print(_core.format_table(table, schema_only=True))
        print("\nFirst rows of a few columns:")
        sample = fake.client().employees(
            attributes=["first_name", "last_name", "hire_date", "department", "weekly_working_hours"]
        )
        print(_core.format_table(sample, max_rows=5))
        print(
            "\nNext: in Python, `pio.Client().employees().to_pandas()` with "
            "PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET set for your company."
        )


def _cmd_fake_server(args: argparse.Namespace) -> None:
    from personio_arrow.testing import FakePersonio

    options: dict[str, Any] = json.loads(args.options) if args.options else {}
    # A flag given wins over the same knob in --options; one left out leaves it be.
    flags = {"employees": args.employees, "seed": args.seed, "port": args.port,
             "latency_ms": args.latency_ms}
    options.update({knob: value for knob, value in flags.items() if value is not None})
    with FakePersonio(**options) as fake:
        # This is the fake server's own throwaway credential, printed so it can be used.
        print(f"Fake Personio listening on {fake.url}", flush=True)
        print(f"  export PERSONIO_BASE_URL={fake.url}")
        print(f"  export PERSONIO_CLIENT_ID={fake.client_id}")
        print(f"  export PERSONIO_CLIENT_SECRET={fake.client_secret}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        try:
            signal.pause() if hasattr(signal, "pause") else time.sleep(10**9)
        except KeyboardInterrupt:
            pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="personio-arrow",
        description="Personio HR data as typed Arrow tables. Credentials come from "
        "PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET (and PERSONIO_BASE_URL).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def with_client(sub: argparse.ArgumentParser, output: bool = True) -> None:
        sub.add_argument("--client-id", default=None, help="default: $PERSONIO_CLIENT_ID")
        sub.add_argument("--base-url", default=None, help="default: $PERSONIO_BASE_URL or the public API")
        sub.add_argument("--allow-http", action="store_true",
                         help="allow plain http to a host that is not loopback (trusted proxies only)")
        sub.add_argument("--concurrency", type=int, default=16,
                         help="most requests at once (fewer where the rate limit allows fewer)")
        if not output:
            return
        sub.add_argument("-o", "--output", default=None,
                         help="file to write: .parquet, .csv, .arrow/.feather, .json, .jsonl "
                         "(default: print the first rows)")

    def with_progress(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                         help="a progress bar on stderr (default: when stderr is a terminal)")

    def with_batch_size(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--batch-size", type=int, default=10000,
                         help="most rows per Parquet row group when -o names a .parquet file, "
                         "which is written while the rows arrive (default: 10000)")

    employees = commands.add_parser("employees", help="export every employee")
    with_client(employees)
    with_progress(employees)
    with_batch_size(employees)
    employees.add_argument("--attributes", help="comma-separated attribute keys (default: all readable)")
    employees.add_argument("--updated-since", help="ISO 8601 instant with an offset")
    employees.add_argument("--names", choices=["key", "label"], default="key",
                           help="column names: Personio keys or labels")
    employees.set_defaults(run=_cmd_employees)

    attributes = commands.add_parser("attributes", help="list the readable employee attributes")
    with_client(attributes)
    attributes.set_defaults(run=_cmd_attributes)

    reports = commands.add_parser("reports", help="list the custom reports")
    with_client(reports)
    reports.set_defaults(run=_cmd_reports)

    one_report = commands.add_parser("report", help="export one custom report")
    one_report.add_argument("report", help="report ID or its URL in Personio")
    with_progress(one_report)
    with_client(one_report)
    with_batch_size(one_report)
    one_report.add_argument("--locale", help="language of the labels, e.g. de")
    one_report.add_argument("--names", choices=["key", "label"], default="key")
    one_report.add_argument("--api", choices=["auto", "v1", "v2"], default="auto",
                            help="v2 Report API where the report is served there (auto)")
    one_report.add_argument("--no-wait", action="store_true",
                            help="fail at once if Personio is still updating the report")
    one_report.add_argument("--timeout", type=float, default=300.0,
                            help="longest wait for an updating report, in seconds")
    one_report.set_defaults(run=_cmd_report)

    def period_command(name: str, what: str, apis: str,
                       run: Callable[[argparse.Namespace], None]) -> None:
        """A subcommand exporting what happened on some days, from v1 or v2."""
        command = commands.add_parser(name, help=f"export {what}")
        with_client(command)
        with_progress(command)
        command.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        command.add_argument("--end", required=True, help="last day, YYYY-MM-DD (included)")
        command.add_argument("--employees", help="comma-separated employee ids (default: everyone)")
        command.add_argument("--api", choices=["auto", "v1", "v2"], default="auto", help=apis)
        command.set_defaults(run=run)

    period_command("attendances", "the attendances of some days",
                   "v2 attendance periods (auto) or v1 attendances", _cmd_attendances)

    org_units = commands.add_parser("org-units", help="export the departments or the teams")
    org_units.add_argument("type", choices=["department", "team"])
    with_client(org_units)
    org_units.set_defaults(run=_cmd_org_units)

    for name, run, what in [
        ("cost-centers", _cmd_cost_centers, "the cost centers"),
        ("legal-entities", _cmd_legal_entities, "the legal entities"),
        ("workplaces", _cmd_workplaces, "the workplaces"),
        ("projects", _cmd_projects, "the projects"),
    ]:
        listing = commands.add_parser(name, help=f"export {what}")
        with_client(listing)
        listing.set_defaults(run=run)

    pictures = commands.add_parser("pictures", help="save the profile pictures in a folder")
    with_client(pictures, output=False)
    pictures.add_argument("--out", required=True,
                          help="folder for the pictures, one <employee id>.<png|jpg|...> each")
    pictures.add_argument("--width", type=int, help="width in pixels (default: original size)")
    pictures.add_argument("--employees", help="comma-separated employee ids (default: everyone)")
    pictures.add_argument("--overwrite", action="store_true",
                          help="replace pictures already in the folder (default: keep them)")
    pictures.set_defaults(run=_cmd_pictures)

    period_command("absences", "the absences that meet some days",
                   "v2 absence periods (auto) or v1 time-offs and absence periods", _cmd_absences)

    demo = commands.add_parser("demo", help="export a fake company's employees, no credentials needed")
    demo.add_argument("-o", "--output", default=DEMO_OUTPUT)
    demo.add_argument("--employees", type=int, default=200)
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(run=_cmd_demo)

    fake = commands.add_parser("fake-server", help="run the fake Personio server until Ctrl-C")
    # No defaults here: FakePersonio's apply (port 0 picks a free one, 200 employees,
    # seed 0, no latency), and a knob set in --options is not overwritten.
    fake.add_argument("--port", type=int, help="default: a free port")
    fake.add_argument("--employees", type=int, help="default: 200")
    fake.add_argument("--seed", type=int, help="default: 0")
    fake.add_argument("--latency-ms", type=int, help="delay before each answer (default: 0)")
    fake.add_argument("--options", help="more knobs as a JSON object, e.g. '{\"server_errors\": 2}'")
    fake.set_defaults(run=_cmd_fake_server)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except (PersonioError, ValueError, TypeError, OSError) as error:
        print(f"personio-arrow: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
