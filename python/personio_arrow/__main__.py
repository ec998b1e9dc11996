"""The ``personio-arrow`` command line (also ``python -m personio_arrow``)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from personio_arrow import _core
from personio_arrow.exceptions import PersonioError

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


def _cmd_employees(args: argparse.Namespace) -> None:
    attributes = args.attributes.split(",") if args.attributes else None
    table = _client(args).employees(
        attributes=attributes, updated_since=args.updated_since, names=args.names
    )
    _emit(table, args.output)


def _cmd_attributes(args: argparse.Namespace) -> None:
    _emit(_client(args).employee_attributes(), args.output)


def _cmd_reports(args: argparse.Namespace) -> None:
    _emit(_client(args).custom_reports(), args.output)


def _cmd_report(args: argparse.Namespace) -> None:
    table = _client(args).custom_report(
        args.report, locale=args.locale, api=args.api, names=args.names, wait=not args.no_wait,
        timeout=args.timeout,
    )
    _emit(table, args.output)


def _cmd_attendances(args: argparse.Namespace) -> None:
    employees = [int(e) for e in args.employees.split(",")] if args.employees else None
    table = _client(args).attendances(args.start, args.end, employees=employees, api=args.api)
    _emit(table, args.output)


def _cmd_absences(args: argparse.Namespace) -> None:
    employees = [int(e) for e in args.employees.split(",")] if args.employees else None
    table = _client(args).absences(args.start, args.end, employees=employees, api=args.api)
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
    options.update(employees=args.employees, seed=args.seed, port=args.port,
                   latency_ms=args.latency_ms)
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

    def with_client(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--client-id", default=None, help="default: $PERSONIO_CLIENT_ID")
        sub.add_argument("--base-url", default=None, help="default: $PERSONIO_BASE_URL or the public API")
        sub.add_argument("--allow-http", action="store_true",
                         help="allow plain http to a host that is not loopback (trusted proxies only)")
        sub.add_argument("--concurrency", type=int, default=4, help="pages fetched at once")
        sub.add_argument("-o", "--output", default=None,
                         help="file to write: .parquet, .csv, .arrow/.feather, .json, .jsonl "
                         "(default: print the first rows)")

    employees = commands.add_parser("employees", help="export every employee")
    with_client(employees)
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
    with_client(one_report)
    one_report.add_argument("--locale", help="language of the labels, e.g. de")
    one_report.add_argument("--names", choices=["key", "label"], default="key")
    one_report.add_argument("--api", choices=["auto", "v1", "v2"], default="auto",
                            help="v2 Report API where the report is served there (auto)")
    one_report.add_argument("--no-wait", action="store_true",
                            help="fail at once if Personio is still updating the report")
    one_report.add_argument("--timeout", type=float, default=300.0,
                            help="longest wait for an updating report, in seconds")
    one_report.set_defaults(run=_cmd_report)

    attendances = commands.add_parser("attendances", help="export the attendances of some days")
    with_client(attendances)
    attendances.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
    attendances.add_argument("--end", required=True, help="last day, YYYY-MM-DD (included)")
    attendances.add_argument("--employees", help="comma-separated employee ids (default: everyone)")
    attendances.add_argument("--api", choices=["auto", "v1", "v2"], default="auto",
                             help="v2 attendance periods (auto) or v1 attendances")
    attendances.set_defaults(run=_cmd_attendances)

    absences = commands.add_parser("absences", help="export the absences that meet some days")
    with_client(absences)
    absences.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
    absences.add_argument("--end", required=True, help="last day, YYYY-MM-DD (included)")
    absences.add_argument("--employees", help="comma-separated employee ids (default: everyone)")
    absences.add_argument("--api", choices=["auto", "v1", "v2"], default="auto",
                          help="v2 absence periods (auto) or v1 time-offs and absence periods")
    absences.set_defaults(run=_cmd_absences)

    demo = commands.add_parser("demo", help="export a fake company's employees, no credentials needed")
    demo.add_argument("-o", "--output", default=DEMO_OUTPUT)
    demo.add_argument("--employees", type=int, default=200)
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(run=_cmd_demo)

    fake = commands.add_parser("fake-server", help="run the fake Personio server until Ctrl-C")
    fake.add_argument("--port", type=int, default=0)
    fake.add_argument("--employees", type=int, default=200)
    fake.add_argument("--seed", type=int, default=0)
    fake.add_argument("--latency-ms", type=int, default=0)
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
