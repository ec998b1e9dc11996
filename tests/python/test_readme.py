"""Every example of the README runs, as a reader would run it, against the fake Personio.

The Python blocks run in order in one namespace (a later block may use what an earlier
one made, as a reader's session would), with PERSONIO_* pointing at a fake company, in a
folder of their own. Each `personio-arrow` line of the shell blocks runs as a command.
Only the two opening commands (install, every test) are not run here: CI runs them.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from personio_arrow.testing import FakePersonio

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Shell lines not run here, each for a reason: installing (CI installs the package
# first), the test command itself (CI runs it), and the benchmarks (they measure, for
# minutes; they are not tests). Every other shell line must be a `personio-arrow` command.
NOT_RUN_HERE = {
    "python3 -m venv .venv && . .venv/bin/activate && pip install . && personio-arrow demo",
    "bash .ci/run",
    "pip install personio-arrow",
    "pip install 'personio-arrow[pandas]'",
    ". .venv/bin/activate && pip install '.[test]' && python benches/compare.py",
}


def blocks(language: str) -> list[str]:
    return [code for lang, code in FENCE.findall(README.read_text()) if lang == language]


def shell_lines() -> list[str]:
    """The lines of the shell blocks, continuation lines joined, comments dropped."""
    lines = []
    for block in blocks("bash"):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("  #")[0].strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def shell_commands() -> list[str]:
    return [line for line in shell_lines() if line not in NOT_RUN_HERE]


def test_the_readme_has_examples_of_each_kind() -> None:
    # A README whose fences changed language would otherwise run nothing here.
    assert len(blocks("python")) >= 10
    assert len(shell_commands()) >= 10
    # The lines left out are still in the README, so that the list cannot rot.
    assert NOT_RUN_HERE <= set(shell_lines())


@pytest.fixture(scope="module")
def company() -> Iterator[FakePersonio]:
    with FakePersonio(employees=60, seed=7) as fake:
        yield fake


@pytest.fixture(scope="module")
def reader_env(company: FakePersonio, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """PERSONIO_* set for the fake company, and a folder to work in, as for a reader."""
    folder = tmp_path_factory.mktemp("reader")
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    os.environ.update(
        PERSONIO_CLIENT_ID=company.client_id,
        PERSONIO_CLIENT_SECRET=company.client_secret,
        PERSONIO_BASE_URL=company.url,
        # The shell examples name a report as "$REPORT_ID", as a reader would export it.
        REPORT_ID=company.client().custom_reports().to_pyarrow()["id"][0].as_py(),
    )
    os.chdir(folder)
    yield folder
    os.chdir(saved_cwd)
    os.environ.clear()
    os.environ.update(saved_env)


SESSION: dict[str, object] = {"__name__": "__readme__"}


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_python_example_runs(index: int, reader_env: Path) -> None:
    code = blocks("python")[index]
    exec(compile(code, f"README.md python block {index + 1}", "exec"), SESSION)  # noqa: S102


@pytest.mark.parametrize("command", shell_commands())
def test_shell_example_runs(command: str, reader_env: Path) -> None:
    argv = shlex.split(os.path.expandvars(command))
    assert argv[0] == "personio-arrow", f"a README shell example that is not ours: {command}"
    argv = [sys.executable, "-m", "personio_arrow", *argv[1:]]
    if argv[3:4] == ["fake-server"]:
        # It serves until stopped: it must come up and say where.
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as server:
            try:
                first_line = server.stdout.readline() if server.stdout else ""
            finally:
                server.terminate()
        assert "http://127.0.0.1:" in first_line, first_line
        return
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
