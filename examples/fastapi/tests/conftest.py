"""Test setup: the example's modules are imported by path (the example is not a package), and
a watchdog fails any test that runs too long instead of letting it hang."""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path
from typing import Iterator

import pytest

EXAMPLE = Path(__file__).resolve().parents[1]
if str(EXAMPLE) not in sys.path:
    sys.path.insert(0, str(EXAMPLE))

TEST_TIMEOUT_SECONDS = 120
"""A test still running after this long is stuck: dump every thread's stack and exit."""


@pytest.fixture(autouse=True)
def watchdog() -> Iterator[None]:
    """Exits the run (after printing where each thread is) if a test hangs."""
    faulthandler.dump_traceback_later(TEST_TIMEOUT_SECONDS, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
