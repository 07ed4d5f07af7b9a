"""How the API writes values: instants as UTC ISO text, slots' fields, new ids."""

import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Dict

Clock = Callable[[], datetime]
"""Gives the present as an aware datetime."""


def slot_fields(slot: Dict[str, Any]) -> Dict[str, Any]:
    """The fields of a slot (as ``to_dict`` gives it) that the API shows."""
    return {
        "start": slot["start"],
        "end": slot["end"],
        "local_start": slot["local_start"],
        "room_id": slot.get("room_id"),
    }


def iso(instant: datetime) -> str:
    """An instant as UTC ISO text, ``2026-03-02T03:30:00Z``."""
    return instant.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def new_id(prefix: str) -> str:
    """A fresh id: ``prefix``, a dash and 12 hex digits."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
