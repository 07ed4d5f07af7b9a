"""FHIR R4 and iCalendar (RFC 5545) in and out (docs/INTEROP.md has the mapping tables).

An *export* is one doctor's time in a range, as the core gave it: a mapping with
``doctor_id``, ``time_zone`` (IANA), ``start``, ``end``, ``now`` and optionally ``system``
(the identifiers' namespace, default ``urn:medsched``), ``intervals`` (from
``Availability.resolve``), ``slots`` (``[{"appointment_type_id": ..., "series": ...}]``),
``appointments`` and ``holds`` (from a day book) and ``tokens``. Values may be the
package's records and aware datetimes, or their JSON forms::

    bundle = medsched.interop.fhir_bundle(export)      # FHIR Bundle as a dict
    feed = medsched.interop.ics_feed(export)           # .ics text
    busy = medsched.interop.read_ics(text, start=..., end=..., time_zone="Europe/London")

Every refusal is an :class:`~medsched.InvalidInputError` naming the field: a JSON path such
as ``entry[2].resource.start`` for FHIR, ``line 7 DTSTART`` for iCalendar.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Union, cast

from . import _native
from ._codec import decode, to_json
from .slots import BusyTime

__all__ = [
    "fhir_bundle",
    "fhir_slot_search",
    "ics_feed",
    "freebusy",
    "read_ics",
    "read_fhir",
]


def fhir_bundle(export: Mapping[str, Any]) -> Dict[str, Any]:
    """The export as a FHIR R4 ``collection`` Bundle: Schedules (one per doctor and
    location), Slots and Appointments, with ids that are the same at every export."""
    return cast(Dict[str, Any], json.loads(_native.fhir_bundle(to_json(dict(export), "export"))))


def fhir_slot_search(
    export: Mapping[str, Any],
    *,
    schedule: Optional[str] = None,
    start_ge: Optional[datetime] = None,
    start_lt: Optional[datetime] = None,
    status: Optional[str] = None,
) -> Dict[str, Any]:
    """The export's Slots that match a FHIR Slot search (``GET /Slot?schedule=…&start=ge…``),
    as a ``searchset`` Bundle; ``None`` does not filter."""
    search = {"schedule": schedule, "start_ge": start_ge, "start_lt": start_lt, "status": status}
    text = _native.fhir_slot_search(
        to_json(dict(export), "export"),
        to_json({k: v for k, v in search.items() if v is not None}, "search"),
    )
    return cast(Dict[str, Any], json.loads(text))


def ics_feed(export: Mapping[str, Any]) -> str:
    """The doctor's iCalendar feed: appointments, holds and open hours as VEVENTs in the
    export's zone, with its VTIMEZONE."""
    return _native.ics_feed(to_json(dict(export), "export"))


def freebusy(export: Mapping[str, Any]) -> str:
    """The doctor's time as one VFREEBUSY (busy, tentative, unavailable and free periods)."""
    return _native.freebusy(to_json(dict(export), "export"))


def read_ics(
    ics: str,
    *,
    start: datetime,
    end: datetime,
    time_zone: str,
    limits: Optional[Mapping[str, int]] = None,
) -> List[BusyTime]:
    """An external calendar's busy times overlapping ``start``..``end``: VEVENTs with
    RRULE, RDATE, EXDATE and RECURRENCE-ID expanded in their own zone, all-day and floating
    times in ``time_zone``, and VFREEBUSY periods."""
    if not isinstance(ics, str):
        raise TypeError(f"ics must be str, not {type(ics).__name__}")
    request: Dict[str, Any] = {"start": start, "end": end, "time_zone": time_zone}
    if limits is not None:
        request["limits"] = dict(limits)
    text = _native.read_ics(ics, to_json(request, "request"))
    return decode(List[BusyTime], json.loads(text))


def read_fhir(
    fhir: Union[str, Mapping[str, Any]], *, limits: Optional[Mapping[str, int]] = None
) -> Dict[str, Any]:
    """Another system's FHIR Bundle (or one Slot or Appointment), as JSON text or a mapping:
    ``{"busy": [BusyTime JSON...], "appointments": [...]}`` (see docs/INTEROP.md)."""
    text = fhir if isinstance(fhir, str) else json.dumps(dict(fhir))
    limits_text = None if limits is None else to_json(dict(limits), "limits")
    return cast(Dict[str, Any], json.loads(_native.read_fhir(text, limits_text)))
