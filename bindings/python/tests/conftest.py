"""Shared world of the service tests: a clinic in Europe/London (on UTC in early March 2026,
before summer time, so every wall-clock time below is also its UTC time), its doctors and
appointment types, a compiled :class:`medsched.Schedule`, and the instants the tests use.

It mirrors the core's booking scenarios (core/tests/booking_support), so the expectations
read the same in both languages. Test modules import the constants and builders directly
(``from conftest import ...``) and take the compiled objects as fixtures.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import List, Optional

import pytest

import medsched as m

TENANT = "clinic-1"
UTC = timezone.utc
SUN, MON, TUE, WED, THU, FRI, SAT = (date(2026, 3, d) for d in range(1, 8))

PATIENT = m.Actor.patient("pat-1")
OTHER_PATIENT = m.Actor.patient("pat-2")
STAFF = m.Actor.staff("rcp-1")
SYSTEM = m.Actor.system("expiry-job")


def at(day: date, hm: str) -> datetime:
    """``hm`` on ``day``, wall clock at ``main`` (= UTC), as an aware instant."""
    hour, minute = (int(p) for p in hm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def minutes(n: int) -> timedelta:
    """``n`` minutes."""
    return timedelta(minutes=n)


NOW = at(SUN, "08:00")
"""Sunday 08:00, the day before most appointments: the usual ``now``."""


def clinic() -> m.Clinic:
    """One location, ``main`` (Europe/London), with room ``r1`` for one patient at a time;
    closed on Founders' day (Friday)."""
    main = m.Location(
        id="main", time_zone="Europe/London", name="Main clinic",
        rooms=[m.Room(id="r1", capacity=1, name="Room 1")],
    )
    return m.Clinic(
        locations=[main],
        holidays=[m.Holiday(id="founders-day", first=FRI, last=FRI, name="Founders' day")],
    )


def weekday_calendar(doctor: str, room: Optional[str] = None) -> m.DoctorCalendar:
    """Mon-Fri 09:00-12:00 at ``main``, 15-minute slots, one patient at a time."""
    template = m.WeeklyTemplate(
        id=f"{doctor}-opd", location_id="main", room_id=room,
        weekdays=[m.Weekday.MON, m.Weekday.TUE, m.Weekday.WED, m.Weekday.THU, m.Weekday.FRI],
        sessions=[m.Session(start=at(MON, "09:00").time(), end=at(MON, "12:00").time())],
    )
    return m.DoctorCalendar(doctor_id=doctor, templates=[template])


def dr_a() -> m.DoctorCalendar:
    """Dr A, in room r1: approved leave on Thursday, an audit (forced block) on Wednesday
    09:00-10:00."""
    calendar = weekday_calendar("dr-a", "r1")
    calendar.leaves.append(
        m.Leave(id="annual-leave", status=m.LeaveStatus.APPROVED, first=THU, last=THU)
    )
    calendar.forced_blocks.append(
        m.Unavailability(id="audit", start=at(WED, "09:00"), end=at(WED, "10:00"))
    )
    return calendar


def calendars() -> List[m.DoctorCalendar]:
    """Dr A and Dr B share room r1; Dr C sees two patients at once, in no room."""
    dr_c = weekday_calendar("dr-c")
    dr_c.settings = m.SessionSettings(max_parallel=2)
    return [dr_a(), weekday_calendar("dr-b", "r1"), dr_c]


def types() -> List[m.AppointmentType]:
    """``consult`` (the default policy), ``review`` (needs confirmation), ``limited`` (one
    reschedule, 2 h notice to reschedule, 24 h to cancel) and ``planned`` (2 h minimum
    notice, 7 days ahead at most), all 15 minutes."""
    return [
        m.AppointmentType(id="consult", duration_minutes=15),
        m.AppointmentType(
            id="review", duration_minutes=15,
            policy=m.BookingPolicy(requires_confirmation=True),
        ),
        m.AppointmentType(
            id="limited", duration_minutes=15,
            policy=m.BookingPolicy(
                max_reschedules=1, reschedule_notice_minutes=120, cancel_notice_minutes=1440
            ),
        ),
        m.AppointmentType(
            id="planned", duration_minutes=15, min_notice_minutes=120, max_days_ahead=7
        ),
    ]


def book_request(
    appointment_id: str, start: datetime, doctor: str = "dr-a", patient: str = "pat-1",
    type_id: str = "consult",
) -> m.BookRequest:
    """A direct booking of ``type_id`` with ``doctor`` at ``start``."""
    return m.BookRequest(
        appointment_id=appointment_id, patient_id=patient, doctor_id=doctor,
        appointment_type_id=type_id, start=start,
    )


def hold_request(
    hold_id: str, start: datetime, doctor: str = "dr-a", patient: str = "pat-1",
    type_id: str = "consult", minutes: Optional[int] = None,
) -> m.HoldRequest:
    """A hold of ``type_id`` with ``doctor`` at ``start``."""
    return m.HoldRequest(
        hold_id=hold_id, patient_id=patient, doctor_id=doctor, appointment_type_id=type_id,
        start=start, minutes=minutes,
    )


@pytest.fixture
def rules() -> m.ClinicRules:
    """The clinic, compiled."""
    return m.ClinicRules(clinic())


@pytest.fixture
def schedule() -> m.Schedule:
    """The tenant's clinic, doctors and types, compiled."""
    return m.Schedule(TENANT, clinic(), calendars(), types())


@pytest.fixture
def store() -> m.InMemoryStore:
    """A fresh in-memory store."""
    return m.InMemoryStore()


@pytest.fixture
def bookings(store: m.InMemoryStore) -> m.Bookings:
    """The booking service over ``store``."""
    return m.Bookings(store)
