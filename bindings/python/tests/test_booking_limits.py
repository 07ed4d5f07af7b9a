"""Booking limits and the grid options through the Python API: the new fields of
DoctorCalendar, AppointmentType and Reservation, and the reason ``limit_reached``."""

from __future__ import annotations

import medsched as m
from conftest import MON, NOW, TUE, at, weekday_calendar


def test_a_full_day_is_limit_reached_and_the_booking_refused(rules: m.ClinicRules) -> None:
    calendar = weekday_calendar("dr-x", None)
    calendar.booking_limits = m.BookingLimits(per_day=1)
    doctor = m.Availability(rules, calendar)
    taken = m.Occupancy(reservations=[m.Reservation(
        id="a-1", doctor_id="dr-x", start=at(MON, "09:00"), end=at(MON, "09:15"),
        appointment_type_id="consult")])
    request = m.SlotRequest(appointment_type=m.AppointmentType(id="consult", duration_minutes=15),
                            start=at(MON, "00:00"), end=at(TUE, "00:00"), now=NOW)
    series = doctor.slots(request, taken, m.SlotOptions(include_unavailable=True))
    assert list(series.slots) == []
    reason = series.unavailable[1].reason
    assert reason.code is m.UnavailableCode.LIMIT_REACHED
    assert (reason.limit, reason.appointment_type_id, reason.maximum) == (
        m.BookingLimitKind.PER_DAY, None, 1)
    assert str(reason) == "booking limit reached (per_day 1)"


def test_the_grid_options_cross_as_fields(rules: m.ClinicRules) -> None:
    doctor = m.Availability(rules, weekday_calendar("dr-x", None))
    restart = m.AppointmentType(id="consult", duration_minutes=30, restart_after_bookings=True)
    taken = m.Occupancy(reservations=[m.Reservation(
        id="a-1", doctor_id="dr-x", start=at(MON, "10:10"), end=at(MON, "10:40"))])
    request = m.SlotRequest(appointment_type=restart, start=at(MON, "10:00"),
                            end=at(MON, "11:00"), now=NOW)
    starts = [s.start.strftime("%H:%M") for s in doctor.slots(request, taken).slots]
    assert starts == ["10:40", "10:55"]
    offset = m.AppointmentType(id="consult", duration_minutes=20, step_minutes=30,
                               alignment=m.Alignment.CLOCK, start_offset_minutes=5)
    request = m.SlotRequest(appointment_type=offset, start=at(MON, "09:00"),
                            end=at(MON, "10:00"), now=NOW)
    assert [s.start.strftime("%H:%M") for s in doctor.slots(request).slots] == ["09:05", "09:35"]
