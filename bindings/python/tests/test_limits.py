"""Limits a host raises (or lowers) from Python: ``Schedule``, ``ClinicRules`` and ``Tokens``
take ``limits=``, and what the defaults refuse goes through once a limit is raised."""

from __future__ import annotations

from datetime import date

import pytest

import medsched as m
from conftest import MON, STAFF, TENANT, at, types

RULES = m.QueueRules(
    sessions=[m.TokenSession(id="morning", start=at(MON, "09:00"), end=at(MON, "13:00"))]
)
DAY = m.QueueDay(tenant=TENANT, doctor_id="dr-a", date=MON)


def recurring_holidays(n: int) -> m.Clinic:
    """One location and ``n`` yearly holidays, each a recurrence rule."""
    return m.Clinic(
        locations=[m.Location(id="main", time_zone="Europe/London")],
        holidays=[
            m.Holiday(id=f"h{i}", first=date(2026, 1, i % 28 + 1),
                      last=date(2026, 1, i % 28 + 1), rrule="FREQ=YEARLY")
            for i in range(n)
        ],
    )


def test_the_defaults_are_the_cores() -> None:
    assert m.Limits() == m.Limits.from_dict({})
    assert m.Limits(max_slots=5).to_dict() == {
        "max_recurrence_rules": 32, "max_templates": 1000, "max_sessions": 100,
        "max_exceptions": 10000, "max_text_length": 1000, "max_slots": 5,
    }


def test_a_raised_limit_lets_a_schedule_and_clinic_rules_through() -> None:
    clinic = recurring_holidays(33)
    with pytest.raises(m.InvalidInputError) as refused:
        m.Schedule(TENANT, clinic, [], types())
    assert (refused.value.field, refused.value.value) == ("holidays[].rrule", "33 entries")
    with pytest.raises(m.InvalidInputError):
        m.ClinicRules(clinic)

    roomy = m.Limits(max_recurrence_rules=40)
    schedule = m.Schedule(TENANT, clinic, [], types(), limits=roomy)
    assert schedule.tenant == TENANT
    rules = m.ClinicRules(clinic, limits=roomy)
    assert rules.time_zone("main") == "Europe/London"


def test_a_raised_max_slots_generates_past_the_default() -> None:
    calendar = m.DoctorCalendar(doctor_id="dr-a", settings=m.SessionSettings(slot_minutes=1),
                                templates=[m.WeeklyTemplate(
        id="all-day", location_id="main", weekdays=list(m.Weekday),
        sessions=[m.Session(start=at(MON, "00:00").time(), end=at(MON, "23:59").time())],
    )])
    one_minute = m.AppointmentType(id="quick", duration_minutes=1)
    clinic = m.Clinic(locations=[m.Location(id="main", time_zone="UTC")])
    request = m.SlotRequest(appointment_type=one_minute, start=at(MON, "00:00"),
                            end=at(date(2026, 3, 31), "00:00"),
                            now=at(date(2026, 3, 1), "00:00"))

    def slots(limits: m.Limits | None) -> m.SlotSeries:
        schedule = m.Schedule(TENANT, clinic, [calendar], [one_minute], limits=limits)
        return schedule.availability("dr-a").slots(request)

    capped = slots(None)
    assert capped.truncated and len(capped.slots) == 20_000
    roomy = slots(m.Limits(max_slots=50_000))
    assert not roomy.truncated and len(roomy.slots) == 29 * 1439


def test_the_token_service_holds_commands_to_its_limits(store: m.InMemoryStore) -> None:
    request = m.TokenRequest(token_id="t-1", kind=m.TokenKind.WALK_IN, patient_id="p" * 20)
    tight = m.Tokens(store, limits=m.Limits(max_text_length=10))
    with pytest.raises(m.InvalidInputError) as refused:
        tight.issue(DAY, RULES, STAFF, at(MON, "09:00"), request)
    assert (refused.value.field, refused.value.value) == ("patient_id", "p" * 20)
    token = m.Tokens(store).issue(DAY, RULES, STAFF, at(MON, "09:00"), request).token
    assert token is not None and token.number == 1


def test_limits_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(m.InvalidInputError) as refused:
        m.Schedule(TENANT, recurring_holidays(1), [], types(),
                   limits=m.Limits(max_slots=-1))
    assert (refused.value.field, refused.value.value) == ("limits.max_slots", "-1")
