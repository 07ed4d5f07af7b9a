"""The plain-Python slot generator of ``bench/pure_slots.py`` gives exactly medsched's slots on
the input of ``bench/slots_vs_python.py``, so that benchmark compares like with like. A
correctness test: nothing here is timed."""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import List, Optional

import pytest
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import pure_slots as pure  # noqa: E402
import slots_vs_python as bench  # noqa: E402

import medsched as m  # noqa: E402

UTC = timezone.utc


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def medsched_slots(
    case: bench.Case, request: m.SlotRequest, occupancy: Optional[m.Occupancy] = None
) -> List[pure.Slot]:
    """medsched's bookable slots, in the pure implementation's form."""
    series = case.availability.slots(request, occupancy or case.occupancy)
    return [
        pure.Slot(s.doctor_id, s.location_id, s.start, s.end, s.capacity_left)
        for s in series.slots.to_list()
    ]


def pure_slots(
    sc: bench.Scenario, case: bench.Case, start: datetime, end: datetime
) -> List[pure.Slot]:
    return pure.find_slots(sc.clinic, case.doctor, sc.kind, start, end, sc.now, case.bookings)


@pytest.fixture(scope="module")
def scenario_a() -> bench.Scenario:
    return bench.scenario_a()


@pytest.fixture(scope="module")
def scenario_b() -> bench.Scenario:
    # Every zone x pattern, both kinds of leave (doctors 7, 27, 47 and 11).
    return bench.scenario_b(60)


def test_one_doctor_90_days_agrees(scenario_a: bench.Scenario) -> None:
    sc = scenario_a
    (case,) = sc.cases
    got = pure_slots(sc, case, sc.start, sc.end)
    assert got == medsched_slots(case, sc.request)
    assert len(got) > 1_000
    # The bookings, the notice and the horizon all remove slots.
    free = pure.find_slots(sc.clinic, case.doctor, sc.kind, sc.start, sc.end, sc.now)
    assert len(free) - len(got) > 300
    assert got[0].start >= sc.now + timedelta(minutes=sc.kind.min_notice_minutes)
    assert got[-1].start < sc.start + timedelta(days=(sc.kind.max_days_ahead or 0) + 1)


WINDOWS = {
    "whole range": (None, None),
    # Starts mid-session; New York springs forward on Sunday 8 March 2026.
    "New York DST": (utc("2026-03-06T14:07:00"), utc("2026-03-10T00:00:00")),
    # London springs forward on Sunday 29 March 2026; the horizon ends the range.
    "London DST": (utc("2026-03-27T00:00:00"), utc("2026-04-01T00:00:00")),
}


@pytest.mark.parametrize("window", list(WINDOWS))
def test_many_doctors_agree(scenario_b: bench.Scenario, window: str) -> None:
    sc = scenario_b
    start, end = WINDOWS[window]
    start, end = start or sc.start, end or sc.end
    request = bench.medsched_request(sc.kind, start, end, sc.now)
    total = 0
    for case in sc.cases:
        got = pure_slots(sc, case, start, end)
        assert got == medsched_slots(case, request), case.doctor.id
        total += len(got)
    assert total > 0


def test_many_doctors_use_capacity(scenario_b: bench.Scenario) -> None:
    sc = scenario_b
    left = {s.capacity_left for c in sc.cases for s in pure_slots(sc, c, sc.start, sc.end)}
    assert left == {1, 2}


def test_local_instant_follows_the_dst_rule() -> None:
    ny = ZoneInfo("America/New_York")
    # In the spring gap: the jump itself (03:00 EDT).
    assert pure.local_instant(ny, date(2024, 3, 10), time(2, 30)) == utc("2024-03-10T07:00:00")
    assert pure.local_instant(ny, date(2024, 3, 10), time(3, 0)) == utc("2024-03-10T07:00:00")
    # In the autumn fold: the first showing (01:30 EDT).
    assert pure.local_instant(ny, date(2024, 11, 3), time(1, 30)) == utc("2024-11-03T05:30:00")
    kolkata = ZoneInfo("Asia/Kolkata")
    assert pure.local_instant(kolkata, date(2026, 3, 2), time(9)) == utc("2026-03-02T03:30:00")


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London"])
def test_sessions_in_dst_gaps_and_folds_agree(zone: str) -> None:
    # Sunday sessions inside the small hours, where the clocks change.
    clinic = pure.Clinic(zones={"here": ZoneInfo(zone)})
    sessions = (
        pure.Session(time(0, 45), time(1, 30)),
        pure.Session(time(1, 40), time(2, 20), ((time(1, 55), time(2, 5)),)),
        pure.Session(time(2, 30), time(4, 0)),
    )
    doctor = pure.Doctor("dr-night", [pure.Template("here", frozenset({6}), sessions, 10)])
    kind = pure.AppointmentType(duration_minutes=10, buffer_after_minutes=5)
    now = utc("2026-01-01T00:00:00")
    bookings = [pure.Booking("dr-night", utc("2026-03-08T07:10:00"), utc("2026-03-08T07:20:00"))]
    rules = m.ClinicRules(bench.medsched_clinic(clinic))
    case = bench.Case(
        doctor,
        bookings,
        m.Availability(rules, bench.medsched_calendar(doctor)),
        bench.medsched_occupancy(bookings),
    )
    for start in (utc("2026-03-02T00:00:00"), utc("2026-10-19T00:00:00")):
        end = start + timedelta(days=30)
        got = pure.find_slots(clinic, doctor, kind, start, end, now, bookings)
        request = bench.medsched_request(kind, start, end, now)
        assert got == medsched_slots(case, request)
        assert len(got) > 20
