"""A tenant's compiled rules: the clinic, its doctors' calendars and the appointment types."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import List, Optional, Union
from zoneinfo import ZoneInfo

from . import _native
from ._args import checked
from ._codec import decode, to_json, utc_text
from .availability import Availability, ClinicRules
from .calendar import Clinic, DoctorCalendar, Limits
from .slots import AppointmentType

__all__ = ["Schedule"]


class Schedule:
    """One tenant's clinic, doctors and appointment types (with their booking policies),
    validated and compiled once; what :class:`~medsched.Bookings` decides against.

    Day books are dated in ``book_time_zone`` (by default the zone of the clinic's first
    location). Raises :class:`~medsched.InvalidInputError` naming the field, e.g.
    ``calendars[1].templates[0].sessions[0].end``. ``limits`` raises the bounds the rules
    and slot searches are held to (:class:`~medsched.Limits`; the defaults when ``None``).
    """

    @checked()
    def __init__(
        self,
        tenant: str,
        clinic: Clinic,
        calendars: List[DoctorCalendar],
        appointment_types: List[AppointmentType],
        book_time_zone: Optional[Union[str, ZoneInfo]] = None,
        limits: Optional[Limits] = None,
    ) -> None:
        zone = book_time_zone.key if isinstance(book_time_zone, ZoneInfo) else book_time_zone
        self._native = _native.Schedule(
            tenant,
            to_json(clinic, "clinic"),
            to_json(calendars, "calendars"),
            to_json(appointment_types, "appointment_types"),
            zone,
            None if limits is None else to_json(limits, "limits"),
        )

    @property
    def tenant(self) -> str:
        """The tenant (clinic or hospital) these rules belong to."""
        return self._native.tenant

    @property
    def book_time_zone(self) -> ZoneInfo:
        """The zone in which day books are dated."""
        return ZoneInfo(self._native.book_time_zone)

    @checked()
    def book_date(self, instant: datetime) -> date:
        """The day book an instant belongs to."""
        return decode(date, self._native.book_date(utc_text(instant, "instant")), "book_date")

    @checked()
    def set_calendar(self, calendar: DoctorCalendar) -> None:
        """Adds a doctor or replaces their rules (appointments already booked stay;
        ``Bookings.collisions`` lists those the new rules no longer allow)."""
        self._native.set_calendar(to_json(calendar, "calendar"))

    @checked()
    def availability(self, doctor_id: str) -> Availability:
        """A doctor's compiled availability (:class:`~medsched.NotFoundError` if unknown)."""
        return Availability._wrap(self._native.availability(doctor_id))

    @checked()
    def appointment_type(self, id: str) -> AppointmentType:
        """An appointment type by id (:class:`~medsched.NotFoundError` if unknown)."""
        return decode(AppointmentType, json.loads(self._native.appointment_type(id)))

    def doctor_ids(self) -> List[str]:
        """The doctors, sorted."""
        return self._native.doctor_ids()

    def clinic_rules(self) -> ClinicRules:
        """The compiled clinic rules."""
        return ClinicRules._wrap(self._native.clinic_rules())

    def __repr__(self) -> str:
        return f"Schedule(tenant={self.tenant!r}, doctors={self.doctor_ids()!r})"
