"""The bar of ``progress=True``: tqdm's where tqdm is installed (``tqdm.auto``, a widget
in Jupyter), else one line on stderr redrawn in place.

The reads call a bar with ``(done, total)`` from the thread that waits for them, with
``total`` ``None`` while the listing has not said, and close it however they end.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol, TextIO


class Bar(Protocol):
    """What a read drives: a callable of ``(done, total)`` that can be closed."""

    def __call__(self, done: int, total: int | None) -> None: ...

    def close(self) -> None: ...


def bar(what: str) -> Bar:
    """A bar for reading ``what``: tqdm's if tqdm can be imported, else a line on stderr."""
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return LineBar(what, sys.stderr)
    return TqdmBar(tqdm(desc=what, unit=" rows", total=None))


class TqdmBar:
    """Drives a tqdm bar by absolute counts."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def __call__(self, done: int, total: int | None) -> None:
        if total != self._bar.total:
            # `reset` is how tqdm (the notebook widget too) learns a new total.
            self._bar.reset(total=total)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        self._bar.close()


class LineBar:
    """``what: [#####     ] done/total rows`` on one line of ``stream``, redrawn with ``\\r``;
    ``what: done rows`` while the total is unknown."""

    WIDTH = 30

    def __init__(self, what: str, stream: TextIO) -> None:
        self._what = what
        self._stream = stream
        self._drawn = 0

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            filled = self.WIDTH * min(done, total) // total
            line = f"{self._what}: [{'#' * filled}{' ' * (self.WIDTH - filled)}] {done}/{total} rows"
        else:
            line = f"{self._what}: {done} rows"
        # Blank out what is left of a longer line drawn before.
        self._stream.write("\r" + line + " " * max(0, self._drawn - len(line)))
        self._stream.flush()
        self._drawn = len(line)

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = 0
