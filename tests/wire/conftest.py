"""Fixtures: a replay server of bodies we did not produce, and a client pointed at it."""

from __future__ import annotations

from typing import Iterator

import pytest

import personio_arrow as pio
from replay import Replay


@pytest.fixture
def replay() -> Iterator[Replay]:
    server = Replay()
    yield server
    server.close()


@pytest.fixture
def client(replay: Replay) -> pio.Client:
    return pio.Client("wire-client", "wire-secret", base_url=replay.url, max_retries=0)
