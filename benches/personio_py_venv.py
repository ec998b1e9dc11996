"""personio-py in a venv of its own (benches/.venv-personio-py, made on first use), so
that the benchmark compares against it without it being a dependency of the project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv-personio-py"
# The version whose source the paging in employee_reads.with_personio_py was written against.
REQUIREMENTS = ("personio-py==0.3.0", "pandas")


def personio_py_python() -> Path:
    """The venv's interpreter, with personio-py and pandas installed."""
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} with {', '.join(REQUIREMENTS)} (first run only)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS], check=True)
    return python
