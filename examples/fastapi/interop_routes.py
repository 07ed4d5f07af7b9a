"""FHIR and iCalendar routes of the example (docs/INTEROP.md), over ``medsched.interop``:

- ``GET /doctors/{doctor_id}/calendar.ics?date=&days=``: the doctor's feed (appointments,
  holds, open hours) for ``days`` local dates from ``date`` (default today, 14 days), for a
  doctor's calendar app to subscribe to;
- ``GET /fhir/Slot?schedule=…&start=ge…&start=lt…&status=…``: a FHIR Slot search, a
  ``searchset`` Bundle (``application/fhir+json``); ``schedule`` is a Schedule id
  (``{doctor_id}.{location_id}``), ``start`` takes ``ge`` and ``lt`` prefixes (default the
  next 7 days), ``status`` a Slot status.

``router(schedule, bookings, now)`` makes the routes; ``app.py`` includes them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

import medsched as m

import clinic

MAX_DAYS = 62
"""The most local dates one request exports."""


def _invalid(field: str, value: str, why: str) -> m.InvalidInputError:
    return m.InvalidInputError(
        f"invalid {field} = {value!r}: {why}",
        {"code": "invalid_input", "field": field, "value": value, "problem": "malformed",
         "problem_message": why},
    )


def _start_bounds(values: List[str]) -> Tuple[Optional[datetime], Optional[datetime]]:
    """FHIR ``start`` search values: ``ge`` and ``lt`` prefixes and an instant with an offset."""
    ge: Optional[datetime] = None
    lt: Optional[datetime] = None
    for value in values:
        prefix, text = value[:2], value[2:]
        try:
            instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            instant = None
        if prefix not in ("ge", "lt") or instant is None or instant.tzinfo is None:
            raise _invalid("start", value, "ge or lt and an instant with its offset, "
                           "e.g. ge2026-03-02T00:00:00Z")
        if prefix == "ge":
            ge = instant
        else:
            lt = instant
    return ge, lt


def router(
    schedule: m.Schedule, bookings: m.Bookings, now: Callable[[], datetime]
) -> APIRouter:
    """The interop routes over a tenant's rules and bookings; ``now`` gives the time."""
    routes = APIRouter()

    def export(doctor_id: str, first: date, days: int, with_slots: bool) -> Dict[str, Any]:
        if not 1 <= days <= MAX_DAYS:
            raise _invalid("days", str(days), f"from 1 to {MAX_DAYS}")
        availability = schedule.availability(doctor_id)  # NotFoundError: no such doctor
        at = now()
        start, _ = clinic.day_range(first)
        _, end = clinic.day_range(first + timedelta(days=days - 1))
        appointments: List[m.Appointment] = []
        holds: List[m.Hold] = []
        for offset in range(days):
            book = bookings.day(schedule, first + timedelta(days=offset))
            appointments += [a for a in book.appointments if a.slot.doctor_id == doctor_id]
            holds += [h for h in book.holds if h.slot.doctor_id == doctor_id]
        slots: List[Dict[str, Any]] = []
        if with_slots:
            occupancy = _occupancy(bookings, schedule, first, days, at)
            for kind in clinic.appointment_types():
                series = availability.slots(
                    m.SlotRequest(appointment_type=kind, start=start, end=end, now=at),
                    occupancy,
                    m.SlotOptions(include_unavailable=True),
                )
                slots.append({"appointment_type_id": kind.id, "series": series.to_dict()})
        return {
            "doctor_id": doctor_id,
            "time_zone": clinic.TIME_ZONE,
            "start": start,
            "end": end,
            "now": at,
            "system": f"urn:medsched:{schedule.tenant}",
            "intervals": availability.resolve(start, end),
            "slots": slots,
            "appointments": appointments,
            "holds": holds,
        }

    @routes.get("/doctors/{doctor_id}/calendar.ics")
    def calendar_feed(
        doctor_id: str,
        day: Optional[date] = Query(None, alias="date", description="First local date."),
        days: int = Query(14, description=f"How many local dates (1 to {MAX_DAYS})."),
    ) -> Response:
        """The doctor's iCalendar feed (``text/calendar``)."""
        first = day if day is not None else clinic.local_date(now())
        text = m.interop.ics_feed(export(doctor_id, first, days, with_slots=False))
        return Response(text, media_type="text/calendar; charset=utf-8")

    @routes.get("/fhir/Slot")
    def slot_search(
        schedule_id: str = Query(alias="schedule", description="Schedule id: doctor.location"),
        start: List[str] = Query(default_factory=list, description="ge… and/or lt… instants"),
        status: Optional[str] = Query(None, description="free, busy, busy-tentative..."),
    ) -> JSONResponse:
        """A FHIR Slot search: a ``searchset`` Bundle of the schedule's slots."""
        ge, lt = _start_bounds(start)
        doctor_id = schedule_id.removeprefix("Schedule/").split(".", 1)[0]
        begin = ge if ge is not None else now()
        until = lt if lt is not None else begin + timedelta(days=7)
        first = clinic.local_date(begin)
        days = (clinic.local_date(until - timedelta(microseconds=1)) - first).days + 1
        bundle = m.interop.fhir_slot_search(
            export(doctor_id, first, max(days, 1), with_slots=True),
            schedule=schedule_id, start_ge=begin.astimezone(timezone.utc),
            start_lt=until.astimezone(timezone.utc), status=status,
        )
        return JSONResponse(bundle, media_type="application/fhir+json")

    return routes


def _occupancy(
    bookings: m.Bookings, schedule: m.Schedule, first: date, days: int, at: datetime
) -> m.Occupancy:
    """What occupies the doctors on those dates: every day book's occupancy, merged."""
    merged = m.Occupancy()
    for offset in range(days):
        part = bookings.day(schedule, first + timedelta(days=offset)).occupancy(at)
        merged.reservations += part.reservations
        merged.busy += part.busy
    return merged
