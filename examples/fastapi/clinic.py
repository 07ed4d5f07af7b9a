"""The demo clinic: a small OPD in Kochi with two doctors, three appointment types and its
token-queue rules.

The rules come from the clinics medsched was written for: doctors publish weekly sessions
(a morning 09:00-12:00 and an afternoon 14:00-17:00) cut into 30-minute slots that patients
book and that must never be double-booked; each doctor runs a token queue per day with
walk-in, phone, booked and emergency tokens, emergencies first, a cap per session and a
quota for online bookings; patients see their place in the line and an expected wait.

Everything here is data for :class:`medsched.Schedule` and :class:`medsched.QueueRules`;
``app.py`` serves it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import medsched as m

__all__ = [
    "TENANT",
    "TIME_ZONE",
    "LOCATION",
    "DOCTORS",
    "clinic",
    "calendars",
    "appointment_types",
    "schedule",
    "day_range",
    "local_date",
    "queue_rules",
    "history",
]

TENANT = "kochi-family-clinic"
"""The tenant all of the demo's events are written under."""

TIME_ZONE = "Asia/Kolkata"
"""The clinic's zone (UTC+05:30): slots, day books and token days are local dates here."""

LOCATION = "kochi"

DOCTORS: Dict[str, str] = {
    "dr-asha": "Dr Asha Menon (general medicine)",
    "dr-ravi": "Dr Ravi Pillai (paediatrics)",
}
"""The doctors, by id, with the name the front desk shows."""

_WEEKDAYS = [m.Weekday.MON, m.Weekday.TUE, m.Weekday.WED, m.Weekday.THU, m.Weekday.FRI]


def clinic() -> m.Clinic:
    """One location with two consultation rooms, and two yearly holidays."""
    return m.Clinic(
        locations=[
            m.Location(
                id=LOCATION,
                name="Kochi Family Clinic",
                time_zone=TIME_ZONE,
                rooms=[
                    m.Room(id="room-1", name="Consultation 1", capacity=1),
                    m.Room(id="room-2", name="Consultation 2", capacity=1),
                ],
            )
        ],
        holidays=[
            m.Holiday(id="republic-day", name="Republic Day", first=date(2020, 1, 26),
                      last=date(2020, 1, 26), rrule="FREQ=YEARLY"),
            m.Holiday(id="independence-day", name="Independence Day", first=date(2020, 8, 15),
                      last=date(2020, 8, 15), rrule="FREQ=YEARLY"),
        ],
    )


def calendars() -> List[m.DoctorCalendar]:
    """Dr Asha: Monday to Saturday, 09:00-12:00 and 14:00-17:00 in room 1. Dr Ravi: Monday to
    Friday, 10:00-13:00 in room 2, and Saturday morning 09:00-12:00. 30-minute slots."""
    slots = m.SessionSettings(slot_minutes=30)
    asha = m.DoctorCalendar(
        doctor_id="dr-asha",
        settings=slots,
        templates=[
            m.WeeklyTemplate(
                id="asha-week",
                location_id=LOCATION,
                room_id="room-1",
                weekdays=_WEEKDAYS + [m.Weekday.SAT],
                sessions=[
                    m.Session(start=time(9, 0), end=time(12, 0)),
                    m.Session(start=time(14, 0), end=time(17, 0)),
                ],
            )
        ],
    )
    ravi = m.DoctorCalendar(
        doctor_id="dr-ravi",
        settings=slots,
        templates=[
            m.WeeklyTemplate(
                id="ravi-week",
                location_id=LOCATION,
                room_id="room-2",
                weekdays=list(_WEEKDAYS),
                sessions=[m.Session(start=time(10, 0), end=time(13, 0))],
            ),
            m.WeeklyTemplate(
                id="ravi-saturday",
                location_id=LOCATION,
                room_id="room-2",
                weekdays=[m.Weekday.SAT],
                sessions=[m.Session(start=time(9, 0), end=time(12, 0))],
            ),
        ],
    )
    return [asha, ravi]


def appointment_types() -> List[m.AppointmentType]:
    """``consult`` (30 minutes, the usual visit), ``follow-up`` (15 minutes, every 15) and
    ``teleconsult`` (15-minute video calls). Patients hold a slot for 10 minutes while they
    confirm; bookings open 30 days ahead and close 15 minutes before the slot."""
    return [
        _appointment_type("consult", 30),
        _appointment_type("follow-up", 15, step=15),
        _appointment_type("teleconsult", 15, step=15, mode=m.ConsultationMode.VIDEO),
    ]


def _appointment_type(
    id: str, minutes: int, step: Optional[int] = None,
    mode: m.ConsultationMode = m.ConsultationMode.IN_PERSON,
) -> m.AppointmentType:
    return m.AppointmentType(
        id=id,
        duration_minutes=minutes,
        step_minutes=step,
        min_notice_minutes=15,
        max_days_ahead=30,
        mode=mode,
        policy=m.BookingPolicy(patient_hold_minutes=10, staff_hold_minutes=30),
    )


def schedule() -> m.Schedule:
    """The tenant's compiled rules (validated once)."""
    return m.Schedule(TENANT, clinic(), calendars(), appointment_types())


def day_range(day: date) -> Tuple[datetime, datetime]:
    """A local date of the clinic as instants: its midnight to the next midnight (the last
    date Python holds, 9999-12-31, has no next midnight: an ``InvalidInputError``)."""
    zone = ZoneInfo(TIME_ZONE)
    if day == date.max:
        why = "out of range: the last date has no end"
        raise m.InvalidInputError(
            f"invalid date = {day.isoformat()!r}: {why}",
            {"code": "invalid_input", "field": "date", "value": day.isoformat(),
             "problem": "out_of_range", "problem_message": why},
        )
    start = datetime.combine(day, time(0, 0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)
    return start, end


def local_date(instant: datetime) -> date:
    """The clinic's local date at an (aware) instant."""
    return instant.astimezone(ZoneInfo(TIME_ZONE)).date()


def queue_rules(rules: m.Schedule, doctor_id: str, day: date) -> m.QueueRules:
    """A doctor's token day: one token session per stretch of open time that day (so
    holidays, leave and date overrides close the desk too), at most 30 tokens each, online
    bookings up to 15 of them, emergencies first, late arrivals back after 3 patients, and
    position updates to the next 10. A day without open time has no session: issuing a
    token then is refused."""
    availability = rules.availability(doctor_id)
    zone = ZoneInfo(TIME_ZONE)
    sessions = []
    for interval in availability.resolve_dates(LOCATION, day, day):
        if interval.status != m.Status.OPEN:
            continue
        local = interval.start.astimezone(zone)
        sessions.append(
            m.TokenSession(
                id=f"opd-{local:%H%M}",
                start=interval.start,
                end=interval.end,
                max_tokens=30,
                quotas=[m.ChannelQuota(kind=m.TokenKind.BOOKED, max=15)],
            )
        )
    return m.QueueRules(sessions=sessions, late_reinsert_after=3, emergencies_first=True,
                        notify_next=10)


_TYPICAL_MINUTES: Dict[str, List[float]] = {
    "dr-asha": [7.0, 5.5, 9.0, 6.0, 11.0, 6.5, 8.0, 5.0, 7.5, 6.0, 8.5, 7.0],
    "dr-ravi": [10.0, 12.5, 9.0, 11.0, 14.0, 8.5, 10.5, 13.0, 9.5, 11.5],
}


def history(doctor_id: str) -> m.DoctorHistory:
    """What the wait estimator knows of a doctor: recent consultation lengths (a real host
    would learn them from past days with ``Queue.past_days`` and
    ``DoctorHistory.from_days``)."""
    minutes = _TYPICAL_MINUTES.get(doctor_id)
    return m.DoctorHistory.from_durations(minutes) if minutes else m.DoctorHistory()
