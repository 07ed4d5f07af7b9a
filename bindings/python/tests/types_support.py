"""Helpers shared by the data-class tests."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, Dict

from medsched._codec import Record


def utc(text: str) -> datetime:
    """An instant from its RFC 3339 text."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def filled(data: Dict[str, Any], defaults: Dict[str, Any]) -> Dict[str, Any]:
    """``data`` with the defaults Rust writes for the keys it lacks."""
    return {**copy.deepcopy(defaults), **data}


def ident(value: Any) -> str:
    """A parametrized case's id: the record's class name."""
    return type(value).__name__ if isinstance(value, Record) else ""
