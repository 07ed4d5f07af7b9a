"""Slots, holds and appointments: ``GET /doctors``, ``GET /doctors/{id}/slots``,
``POST /holds``, ``POST /holds/{hold_id}/book`` and ``POST /appointments``."""

from datetime import date
from typing import Any, Dict, List, Optional

from fastapi import FastAPI, Query
from pydantic import AwareDatetime, BaseModel, Field

import medsched as m

import clinic
import ratelimit
from auth import Caller
from errors import missing
from wire import Clock, iso, new_id, slot_fields


class HoldIn(BaseModel):
    """Hold a slot for a patient while they confirm."""

    patient_id: str = Field(min_length=1)
    doctor_id: str = Field(min_length=1)
    type: str = Field("consult", description="The appointment type's id.")
    start: AwareDatetime = Field(description="The slot's start, with its offset.")
    hold_id: Optional[str] = Field(None, description="Your id for the hold (made if absent).")
    minutes: Optional[int] = Field(None, ge=1, description="Hold length (the policy's if absent).")


class BookHoldIn(BaseModel):
    """Turn a live hold into an appointment."""

    book_date: date = Field(description="The hold's book date (as POST /holds returned it).")
    patient_id: Optional[str] = Field(None, description="The acting patient (no X-Staff-Id).")
    appointment_id: Optional[str] = None


class BookIn(BaseModel):
    """Book a slot directly, without a hold."""

    patient_id: str = Field(min_length=1)
    doctor_id: str = Field(min_length=1)
    type: str = "consult"
    start: AwareDatetime
    appointment_id: Optional[str] = None


def add_booking_routes(app: FastAPI, *, schedule: m.Schedule, bookings: m.Bookings,
                       now: Clock) -> None:
    """Adds the routes of slots, holds and appointments to ``app``."""

    def actor(caller: Optional[m.Actor], patient_id: Optional[str]) -> m.Actor:
        if caller is not None:
            return caller
        if patient_id:
            return m.Actor.patient(patient_id)
        raise missing("patient_id", "patient_id in the body, or an X-Staff-Id header")

    @app.get("/doctors")
    def doctors() -> Dict[str, Any]:
        """The clinic's doctors and appointment types."""
        return {
            "tenant": schedule.tenant,
            "time_zone": clinic.TIME_ZONE,
            "doctors": [{"id": d, "name": clinic.DOCTORS.get(d, d)} for d in schedule.doctor_ids()],
            "appointment_types": [t.to_dict() for t in clinic.appointment_types()],
        }

    @app.get("/doctors/{doctor_id}/slots")
    def slots(
        doctor_id: str,
        day: date = Query(alias="date", description="The clinic's local date, YYYY-MM-DD."),
        type_id: str = Query("consult", alias="type", description="Appointment type id."),
    ) -> Dict[str, Any]:
        """Every candidate slot of a local date: ``free``, or the reason it is not
        (``booked``, ``held``, ``too_soon``, ``too_far``, ``closed``, ``room_full``, ``busy``,
        ``limit_reached``)."""
        at = now()
        availability = schedule.availability(doctor_id)
        kind = schedule.appointment_type(type_id)
        start, end = clinic.day_range(day)
        occupancy = bookings.day(schedule, day).occupancy(at)
        series = availability.slots(
            m.SlotRequest(appointment_type=kind, start=start, end=end, now=at),
            occupancy,
            m.SlotOptions(include_unavailable=True),
        ).to_dict()
        listed: List[Dict[str, Any]] = []
        for slot in series["slots"]:
            listed.append({**slot_fields(slot), "status": "free", "reason": None,
                           "capacity_left": slot["capacity_left"]})
        for other in series["unavailable"]:
            reason = m.Unavailable.from_dict(other["reason"])
            listed.append({**slot_fields(other), "status": other["reason"]["code"],
                           "reason": str(reason), "capacity_left": 0})
        listed.sort(key=lambda s: str(s["start"]))
        return {
            "doctor_id": doctor_id,
            "date": day.isoformat(),
            "type": type_id,
            "time_zone": clinic.TIME_ZONE,
            "now": iso(at),
            "free": sum(1 for s in listed if s["status"] == "free"),
            "slots": listed,
        }

    @app.post("/holds", status_code=201, dependencies=[ratelimit.GUARD])
    def place_hold(body: HoldIn, caller: Caller) -> Dict[str, Any]:
        """Holds a slot (10 minutes for a patient, 30 for staff, by the type's policy)."""
        request = m.HoldRequest(
            hold_id=body.hold_id or new_id("hold"), patient_id=body.patient_id,
            doctor_id=body.doctor_id, appointment_type_id=body.type, start=body.start,
            minutes=body.minutes,
        )
        hold = bookings.hold(schedule, actor(caller, body.patient_id), now(), request)
        return hold.to_dict()

    @app.post("/holds/{hold_id}/book", status_code=201, dependencies=[ratelimit.GUARD])
    def book_hold(
        hold_id: str, body: BookHoldIn, caller: Caller
    ) -> Dict[str, Any]:
        """Books the held slot."""
        appointment = bookings.book_hold(
            schedule, actor(caller, body.patient_id), now(), body.book_date, hold_id,
            body.appointment_id or new_id("appt"),
        )
        return appointment.to_dict()

    @app.post("/appointments", status_code=201, dependencies=[ratelimit.GUARD])
    def book(body: BookIn, caller: Caller) -> Dict[str, Any]:
        """Books a slot directly."""
        request = m.BookRequest(
            appointment_id=body.appointment_id or new_id("appt"), patient_id=body.patient_id,
            doctor_id=body.doctor_id, appointment_type_id=body.type, start=body.start,
        )
        return bookings.book(schedule, actor(caller, body.patient_id), now(),
                             request).to_dict()
