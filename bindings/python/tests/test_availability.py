"""The availability services: ClinicRules, Availability (resolve, explain, slots),
SlotSeries and SlotList, first_available and Schedule; DST; zones; naive datetimes."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, List, Optional, Tuple
from zoneinfo import ZoneInfo

import pytest

import medsched as m
from conftest import FRI, MON, NOW, SAT, SUN, THU, TUE, WED, at, clinic, dr_a, types
from conftest import weekday_calendar

NY = ZoneInfo("America/New_York")
CONSULT = m.AppointmentType(id="consult", duration_minutes=15)


def request(
    start: datetime, end: datetime, now: datetime = NOW,
    appointment_type: m.AppointmentType = CONSULT,
) -> m.SlotRequest:
    return m.SlotRequest(appointment_type=appointment_type, start=start, end=end, now=now)


def monday() -> m.SlotRequest:
    """Every consult slot on Monday."""
    return request(at(MON, "00:00"), at(TUE, "00:00"))


def hms(slots: Any) -> List[str]:
    """The slots' starts as ``HH:MM`` (UTC)."""
    return [s.start.strftime("%H:%M") for s in slots]


def summary(intervals: List[m.Interval]) -> List[Tuple[str, str, str, str, Optional[str]]]:
    return [
        (i.start.strftime("%d %H:%M"), i.end.strftime("%d %H:%M"), i.status.value,
         i.rule.value, i.rule_id)
        for i in intervals
    ]


@pytest.fixture
def doctor(rules: m.ClinicRules) -> m.Availability:
    """Dr A compiled: weekdays 09:00-12:00 in room r1, leave Thursday, audit Wednesday."""
    return m.Availability(rules, dr_a())


@pytest.fixture
def monday_slots(doctor: m.Availability) -> m.SlotList:
    return doctor.slots(monday()).slots


# --- ClinicRules and Availability --------------------------------------------------------


def test_clinic_rules_give_location_zones(rules: m.ClinicRules) -> None:
    assert rules.time_zone("main") == "Europe/London"
    assert rules.time_zone("nowhere") is None
    assert repr(rules) == "ClinicRules(...)"


def test_availability_names_its_doctor(doctor: m.Availability) -> None:
    assert doctor.doctor_id == "dr-a"
    assert repr(doctor) == "Availability(doctor_id='dr-a')"


def test_resolve_gives_each_interval_with_its_rule(doctor: m.Availability) -> None:
    got = doctor.resolve(at(MON, "00:00"), at(TUE, "00:00"))
    assert summary(got) == [
        ("02 00:00", "02 09:00", "closed", "outside_hours", None),
        ("02 09:00", "02 12:00", "open", "base", "dr-a-opd"),
        ("02 12:00", "03 00:00", "closed", "outside_hours", None),
    ]
    assert (got[1].location_id, got[1].room_id) == ("main", "r1")
    assert got[0].start.tzinfo == timezone.utc


def test_a_roster_refuses_a_reservation_of_a_doctor_not_on_it() -> None:
    typo = m.Occupancy(reservations=[m.Reservation(
        id="a-1", doctor_id="dr-aa", start=at(MON, "09:00"), end=at(MON, "09:15"),
    )])
    # Without a roster the mistyped reservation blocks nothing.
    open_doctor = m.Availability(m.ClinicRules(clinic()), dr_a())
    assert len(open_doctor.slots(monday(), typo).slots) == 12
    rules = m.ClinicRules(clinic(), roster=["dr-a", "dr-b"])
    doctor = m.Availability(rules, dr_a())
    with pytest.raises(m.InvalidInputError) as caught:
        doctor.slots(monday(), typo)
    assert (caught.value.field, caught.value.value, caught.value.problem) == (
        "reservations[0].doctor_id", "dr-aa", "unknown_reference",
    )


def test_resolve_merges_touching_open_time_on_request(rules: m.ClinicRules) -> None:
    calendar = dr_a()
    calendar.overrides.append(m.DateOverride(
        id="long-monday", date=MON, location_id="main", kind=m.OverrideKind.EXTRA,
        hours=[m.Hours(start=time(12, 0), end=time(13, 0))],
    ))
    doctor = m.Availability(rules, calendar)
    by_rule = doctor.resolve(at(MON, "08:00"), at(MON, "14:00"))
    assert summary(by_rule)[1:3] == [
        ("02 09:00", "02 12:00", "open", "base", "dr-a-opd"),
        ("02 12:00", "02 13:00", "open", "override", "long-monday"),
    ]
    merged = doctor.resolve(at(MON, "08:00"), at(MON, "14:00"), merge_open=True)
    assert summary(merged) == [
        ("02 08:00", "02 09:00", "closed", "outside_hours", None),
        ("02 09:00", "02 13:00", "open", "base", "dr-a-opd"),
        ("02 13:00", "02 14:00", "closed", "outside_hours", None),
    ]


def test_resolve_json_is_the_json_of_resolve(doctor: m.Availability) -> None:
    start, end = at(MON, "00:00"), at(TUE, "00:00")
    body = doctor.resolve_json(start, end)
    assert isinstance(body, bytes)
    got = json.loads(body)
    assert [(i["status"], i["rule"], i["rule_id"]) for i in got] == [
        (i.status.value, i.rule.value, i.rule_id) for i in doctor.resolve(start, end)
    ]
    assert got[1]["start"] == "2026-03-02T09:00:00Z"


def asked_leave_and_extra_saturday(rules: m.ClinicRules) -> m.Availability:
    """Dr A with leave asked for (not approved) on Tuesday and an extra Saturday morning hour."""
    calendar = dr_a()
    calendar.leaves.append(m.Leave(id="asked", status=m.LeaveStatus.REQUESTED, first=TUE,
                                   last=TUE))
    calendar.overrides.append(m.DateOverride(
        id="saturday-clinic", date=SAT, location_id="main", kind=m.OverrideKind.EXTRA,
        hours=[m.Hours(start=time(10, 0), end=time(11, 0))],
    ))
    return m.Availability(rules, calendar)


def test_resolve_makes_the_intervals_its_json_reads_as(rules: m.ClinicRules) -> None:
    # Five weeks across London's spring change (29 March), every optional field set
    # somewhere: a room, a forced block, approved and requested leave, a holiday, an extra
    # Saturday. The intervals are made natively; the JSON is read by the generic reader.
    doctor = asked_leave_and_extra_saturday(rules)
    start, end = at(MON, "00:00"), at(MON, "00:00") + timedelta(days=35)
    made = doctor.resolve(start, end)
    read = [m.from_dict(m.Interval, i) for i in json.loads(doctor.resolve_json(start, end))]
    assert made == read
    assert len(made) > 50
    assert all(type(i) is m.Interval for i in made)
    assert all(i.start.tzinfo is timezone.utc and i.end.tzinfo is timezone.utc for i in made)
    assert all(a.end == b.start for a, b in zip(made, made[1:]))
    assert {i.tentative_leave_id for i in made} == {None, "asked"}
    assert {i.room_id for i in made} == {None, "r1"}
    assert {type(i.status) for i in made} == {m.Status}
    assert {i.rule for i in made} >= {m.RuleKind.FORCED_BLOCK, m.RuleKind.LEAVE,
                                      m.RuleKind.HOLIDAY, m.RuleKind.OVERRIDE}
    assert [i.to_dict() for i in made] == json.loads(doctor.resolve_json(start, end))
    assert repr(made[1]) == repr(read[1])
    assert dataclasses.replace(made[1], rule_id="x").rule_id == "x"
    after = [i for i in made if i.start >= datetime(2026, 3, 30, tzinfo=timezone.utc)]
    assert after[0].start.tzinfo is timezone.utc
    # 09:00 in London is 08:00 UTC after the change.
    assert any(i.start == datetime(2026, 3, 30, 8, 0, tzinfo=timezone.utc) for i in after)


def test_reading_a_record_sets_defaults_and_refuses_a_missing_field_as_its_constructor() -> None:
    from medsched._codec import decode

    start, end = "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"
    read = decode(m.Interval, {"start": start, "end": end, "status": "open", "rule": "base"})
    assert read == m.Interval(
        start=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
        end=datetime(2026, 3, 2, 10, tzinfo=timezone.utc),
        status=m.Status.OPEN, rule=m.RuleKind.BASE,
    )
    assert read.rule_id is None and read.tentative_leave_id is None
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'rule'"):
        decode(m.Interval, {"start": start, "end": end, "status": "open"})


def test_resolve_dates_covers_whole_local_days(doctor: m.Availability) -> None:
    got = doctor.resolve_dates("main", WED, THU)
    assert summary(got) == [
        ("04 00:00", "04 09:00", "closed", "outside_hours", None),
        ("04 09:00", "04 10:00", "closed", "forced_block", "audit"),
        ("04 10:00", "04 12:00", "open", "base", "dr-a-opd"),
        ("04 12:00", "05 00:00", "closed", "outside_hours", None),
        ("05 00:00", "05 09:00", "closed", "leave", "annual-leave"),  # all day, cut where
        ("05 09:00", "05 12:00", "closed", "leave", "annual-leave"),  # the session lies
        ("05 12:00", "06 00:00", "closed", "leave", "annual-leave"),
    ]
    assert (got[5].location_id, got[6].location_id) == ("main", None)
    # The forced block keeps the place of the session it closes.
    assert got[1].location_id == "main" and got[1].room_id == "r1"


@pytest.mark.parametrize(
    "instant,status,rule,rule_id,overruled",
    [
        (at(MON, "10:00"), "open", "base", "dr-a-opd", []),
        (at(WED, "09:30"), "closed", "forced_block", "audit", [("base", "dr-a-opd")]),
        (at(THU, "10:00"), "closed", "leave", "annual-leave", [("base", "dr-a-opd")]),
        (at(FRI, "10:00"), "closed", "holiday", "founders-day", [("base", "dr-a-opd")]),
        (at(SAT, "10:00"), "closed", "outside_hours", None, []),
    ],
    ids=["open", "forced-block", "leave", "holiday", "outside-hours"],
)
def test_explain_names_the_deciding_rule_and_the_overruled_ones(
    doctor: m.Availability, instant: datetime, status: str, rule: str,
    rule_id: Optional[str], overruled: List[Tuple[str, str]],
) -> None:
    why = doctor.explain(instant)
    assert why.instant == instant
    assert (why.status.value, why.rule.value, why.rule_id) == (status, rule, rule_id)
    assert [(r.kind.value, r.id) for r in why.overruled] == overruled


def test_explain_ranks_every_covering_rule(rules: m.ClinicRules) -> None:
    calendar = dr_a()
    calendar.emergencies.append(
        m.Unavailability(id="flu", start=at(FRI, "09:00"), end=at(FRI, "11:00"))
    )
    calendar.leaves.append(
        m.Leave(id="long-weekend", status=m.LeaveStatus.APPROVED, first=FRI, last=FRI)
    )
    why = m.Availability(rules, calendar).explain(at(FRI, "10:00"))
    assert (why.rule, why.rule_id) == (m.RuleKind.EMERGENCY, "flu")
    assert why.overruled == [
        m.RuleRef(kind=m.RuleKind.LEAVE, id="long-weekend"),
        m.RuleRef(kind=m.RuleKind.HOLIDAY, id="founders-day"),
        m.RuleRef(kind=m.RuleKind.BASE, id="dr-a-opd"),
    ]


def test_requested_leave_is_tentative_and_extra_hours_open(
    rules: m.ClinicRules,
) -> None:
    doctor = asked_leave_and_extra_saturday(rules)
    tuesday = doctor.explain(at(TUE, "10:00"))
    assert (tuesday.status, tuesday.tentative_leave_id) == (m.Status.OPEN, "asked")
    saturday = doctor.resolve(at(SAT, "09:00"), at(SAT, "12:00"))
    assert summary(saturday) == [
        ("07 09:00", "07 10:00", "closed", "outside_hours", None),
        ("07 10:00", "07 11:00", "open", "override", "saturday-clinic"),
        ("07 11:00", "07 12:00", "closed", "outside_hours", None),
    ]


# --- slots ---------------------------------------------------------------------------------


def test_slots_cut_the_open_hours(doctor: m.Availability) -> None:
    series = doctor.slots(monday())
    assert not series.truncated and series.unavailable == []
    slots = series.slots
    assert len(slots) == 12
    assert hms(slots) == [f"{h:02}:{q:02}" for h in (9, 10, 11) for q in (0, 15, 30, 45)]
    first = slots[0]
    assert first == m.Slot(
        doctor_id="dr-a", location_id="main", room_id="r1", start=at(MON, "09:00"),
        end=at(MON, "09:15"), local_start=datetime(2026, 3, 2, 9, 0),
        buffer_before_minutes=0, buffer_after_minutes=0, capacity_left=1,
    )
    assert first.start.tzinfo == timezone.utc and first.local_start.tzinfo is None


def occupancy() -> m.Occupancy:
    """Monday: a booking at 09:00, a live hold at 09:15, a lapsed hold at 09:45, a busy time
    at 09:30 and Dr B in the shared room at 10:00."""
    def reservation(id: str, doctor: str, hm: str, **kw: Any) -> m.Reservation:
        start = at(MON, hm)
        return m.Reservation(id=id, doctor_id=doctor, start=start,
                             end=start + timedelta(minutes=15), **kw)

    return m.Occupancy(
        reservations=[
            reservation("a-1", "dr-a", "09:00"),
            reservation("h-1", "dr-a", "09:15", expires_at=NOW + timedelta(minutes=10)),
            reservation("h-old", "dr-a", "09:45", expires_at=NOW),
            reservation("b-1", "dr-b", "10:00", room_id="r1"),
        ],
        busy=[m.BusyTime(id="gym", start=at(MON, "09:30"), end=at(MON, "09:45"))],
    )


def test_slots_with_occupancy_report_why_each_candidate_is_unavailable(
    doctor: m.Availability,
) -> None:
    series = doctor.slots(monday(), occupancy(), m.SlotOptions(include_unavailable=True))
    assert hms(series.slots)[:2] == ["09:45", "10:15"]  # the lapsed hold frees 09:45
    assert len(series.slots) == 8
    reasons = [(hms([u])[0], u.reason) for u in series.unavailable]
    assert reasons == [
        ("09:00", m.Unavailable(code=m.UnavailableCode.BOOKED)),
        ("09:15", m.Unavailable(code=m.UnavailableCode.HELD)),
        ("09:30", m.Unavailable(code=m.UnavailableCode.BUSY, busy_id="gym")),
        ("10:00", m.Unavailable(code=m.UnavailableCode.ROOM_FULL, room_id="r1")),
    ]
    assert [str(r) for _, r in reasons] == [
        "booked", "held by another patient", 'busy ("gym")', 'room "r1" is full',
    ]
    assert series.unavailable is series.unavailable  # decoded once
    # Without the option the reasons are left out, the bookable slots are the same.
    plain = doctor.slots(monday(), occupancy())
    assert plain.unavailable == [] and plain.slots == series.slots


def test_a_prepared_occupancy_gives_the_same_slots(doctor: m.Availability) -> None:
    prepared = m.PreparedOccupancy(occupancy())
    options = m.SlotOptions(include_unavailable=True)
    assert doctor.slots(monday(), prepared, options) == doctor.slots(monday(), occupancy(), options)
    assert prepared.to_occupancy() == occupancy()
    assert repr(prepared).startswith("PreparedOccupancy(Occupancy(")


def test_slots_for_doctors_equal_one_search_each(rules: m.ClinicRules) -> None:
    doctors = [
        m.Availability(rules, weekday_calendar("dr-a", room="r1")),
        m.Availability(rules, weekday_calendar("dr-b", room="r1")),
    ]
    pairs: List[Tuple[m.Availability, m.OccupancyArg]] = [
        (doctors[0], occupancy()),
        (doctors[1], m.PreparedOccupancy(occupancy())),
    ]
    found = m.slots_for_doctors(pairs, monday())
    assert found == [d.slots(monday(), o) for d, o in pairs]
    assert "10:00" not in hms(found[0].slots)  # Dr B holds the shared room then
    assert m.slots_for_doctors([], monday()) == []


def test_slots_stop_at_the_limit(doctor: m.Availability) -> None:
    series = doctor.slots(monday(), None, m.SlotOptions(limit=3))
    assert series.truncated and hms(series.slots) == ["09:00", "09:15", "09:30"]
    assert not doctor.slots(monday(), None, m.SlotOptions(limit=13)).truncated


def test_slots_honour_notice_and_horizon(doctor: m.Availability) -> None:
    planned = types()[3]
    now = at(MON, "08:00")
    series = doctor.slots(
        request(at(MON, "09:00"), at(MON, "12:00"), now, planned), None,
        m.SlotOptions(include_unavailable=True),
    )
    assert hms(series.slots)[0] == "10:00"  # two hours' notice
    assert {u.reason.code for u in series.unavailable} == {m.UnavailableCode.TOO_SOON}
    far = request(at(MON, "09:00") + timedelta(days=14), at(MON, "10:00") + timedelta(days=14),
                  now, planned)
    unavailable = doctor.slots(far, None, m.SlotOptions(include_unavailable=True)).unavailable
    assert {u.reason.code for u in unavailable} == {m.UnavailableCode.TOO_FAR}


def test_slots_of_closed_days_are_closed_by_their_rule(doctor: m.Availability) -> None:
    series = doctor.slots(request(at(THU, "09:00"), at(THU, "09:30")), None,
                          m.SlotOptions(include_unavailable=True))
    assert len(series.slots) == 0
    assert [u.reason for u in series.unavailable] == [
        m.Unavailable(code=m.UnavailableCode.CLOSED, rule=m.RuleKind.LEAVE,
                      rule_id="annual-leave"),
    ] * 2


def test_slot_series_forms_and_equality(doctor: m.Availability) -> None:
    series = doctor.slots(monday(), occupancy(), m.SlotOptions(include_unavailable=True))
    form = series.to_dict()
    assert set(form) == {"slots", "unavailable", "truncated"}
    assert form["slots"][0]["start"] == "2026-03-02T09:45:00Z"
    assert form["unavailable"][0]["reason"] == {"code": "booked"}
    assert json.loads(series.to_json()) == form
    again = doctor.slots(monday(), occupancy(), m.SlotOptions(include_unavailable=True))
    assert series == again and series != doctor.slots(monday())
    assert series.__eq__(object()) is NotImplemented
    assert repr(series) == "SlotSeries(slots=8, unavailable=4, truncated=False)"


# --- SlotList ------------------------------------------------------------------------------


def test_slot_list_indexing(monday_slots: m.SlotList) -> None:
    assert monday_slots[0].start == at(MON, "09:00")
    assert monday_slots[-1].start == at(MON, "11:45")
    assert monday_slots[-12] == monday_slots[0]
    for bad in (12, -13):
        with pytest.raises(IndexError, match="out of range for 12 slots"):
            monday_slots[bad]


@pytest.mark.parametrize(
    "cut", [slice(1, 3), slice(None, None, 5), slice(-2, None), slice(None, None, -4),
            slice(10, 2), slice(100, 200)],
    ids=["1:3", "::5", "-2:", "::-4", "10:2", "100:200"],
)
def test_slot_list_slices_as_a_list_does(monday_slots: m.SlotList, cut: slice) -> None:
    expected = monday_slots.to_list()[cut]
    got = monday_slots[cut]
    assert isinstance(got, list) and got == expected


def test_slot_list_iteration_and_bulk_reads(monday_slots: m.SlotList) -> None:
    listed = list(monday_slots)
    assert listed == monday_slots.to_list() and len(listed) == len(monday_slots) == 12
    assert [s.start for s in listed] == monday_slots.starts()
    assert all(s.tzinfo == timezone.utc for s in monday_slots.starts())
    dicts = monday_slots.to_dicts()
    assert dicts == [s.to_dict() for s in listed]
    assert dicts[0]["local_start"] == "2026-03-02T09:00:00"
    assert json.loads(monday_slots.to_json()) == dicts
    assert monday_slots[3] in monday_slots and monday_slots.index(monday_slots[3]) == 3
    assert list(reversed(monday_slots))[0] == monday_slots[-1]


def test_slot_list_equality_and_repr(doctor: m.Availability, monday_slots: m.SlotList) -> None:
    assert monday_slots == doctor.slots(monday()).slots
    assert monday_slots == monday_slots.to_list()
    assert monday_slots != monday_slots.to_list()[1:]
    assert monday_slots != doctor.slots(request(at(TUE, "00:00"), at(WED, "00:00"))).slots
    assert (monday_slots == "slots") is False
    assert repr(monday_slots) == "SlotList(12 slots)"
    assert len(doctor.slots(request(at(SAT, "00:00"), at(SAT, "23:00"))).slots) == 0


# --- first_available -----------------------------------------------------------------------


def test_first_available_says_when_it_stopped_looking() -> None:
    tight = m.ClinicRules(clinic(), limits=m.Limits(max_slots=4))
    doctor = m.Availability(tight, dr_a())
    # Monday 09:00-12:00 has twelve slots; the search may look at four candidates.
    stopped = m.first_available([(doctor, None)], monday(), 6)
    assert (len(stopped), stopped.truncated) == (4, True)
    # Three slots are all the 09:00-09:45 window has: not truncated.
    whole = m.first_available([(doctor, None)], request(at(MON, "09:00"), at(MON, "09:45")), 6)
    assert (len(whole), whole.truncated) == (3, False)


def test_first_available_takes_the_earliest_across_doctors(rules: m.ClinicRules) -> None:
    a = m.Availability(rules, dr_a())
    early = weekday_calendar("dr-early")
    early.templates[0].sessions = [m.Session(start=time(8, 30), end=time(9, 30))]
    b = m.Availability(rules, early)
    busy_a = m.Occupancy(busy=[m.BusyTime(id="x", start=at(MON, "09:00"),
                                          end=at(MON, "09:30"))])
    found = m.first_available([(a, busy_a), (b, None)], monday(), 5)
    assert [(s.doctor_id, s.start.strftime("%H:%M")) for s in found] == [
        ("dr-early", "08:30"), ("dr-early", "08:45"), ("dr-early", "09:00"),
        ("dr-early", "09:15"), ("dr-a", "09:30"),
    ]
    assert isinstance(found, m.SlotList) and repr(found) == "SlotList(5 slots)"
    # Wednesday's audit closes Dr A until 10:00, after Dr Early's morning.
    wednesday = request(at(WED, "00:00"), at(SAT, "00:00"))
    later = m.first_available([(b, None), (a, None)], wednesday, 6)
    assert [(s.doctor_id, hms([s])[0]) for s in later][3:] == [
        ("dr-early", "09:15"), ("dr-a", "10:00"), ("dr-a", "10:15")]
    # Equal starts go in the order the doctors are given.
    c = m.Availability(rules, weekday_calendar("dr-c"))
    for pairs, order in (([(a, None), (c, None)], ["dr-a", "dr-c"]),
                         ([(c, None), (a, None)], ["dr-c", "dr-a"])):
        tie = m.first_available(pairs, monday(), 2)
        assert [s.doctor_id for s in tie] == order and hms(tie) == ["09:00", "09:00"]
    with pytest.raises(m.InvalidInputError) as caught:
        m.first_available([(a, None)], monday(), 0)
    assert (caught.value.field, caught.value.problem) == ("count", "not_positive")


# --- Schedule ------------------------------------------------------------------------------


def test_schedule_compiles_the_tenant(schedule: m.Schedule) -> None:
    assert schedule.tenant == "clinic-1"
    assert schedule.book_time_zone == ZoneInfo("Europe/London")
    assert isinstance(schedule.book_time_zone, ZoneInfo)
    assert schedule.doctor_ids() == ["dr-a", "dr-b", "dr-c"]
    assert repr(schedule) == "Schedule(tenant='clinic-1', doctors=['dr-a', 'dr-b', 'dr-c'])"
    assert schedule.appointment_type("review") == types()[1]
    assert schedule.appointment_type("review").policy.requires_confirmation
    assert schedule.clinic_rules().time_zone("main") == "Europe/London"
    doctor = schedule.availability("dr-a")
    assert doctor.doctor_id == "dr-a"
    assert doctor.slots(monday()).slots == m.Availability(m.ClinicRules(clinic()),
                                                          dr_a()).slots(monday()).slots


@pytest.mark.parametrize(
    "call,kind,id",
    [(lambda s: s.availability("dr-who"), "doctor", "dr-who"),
     (lambda s: s.appointment_type("surgery"), "appointment_type", "surgery")],
    ids=["doctor", "type"],
)
def test_schedule_lookups_of_unknown_ids_raise_not_found(
    schedule: m.Schedule, call: Callable[[m.Schedule], Any], kind: str, id: str,
) -> None:
    with pytest.raises(m.NotFoundError) as caught:
        call(schedule)
    assert (caught.value.kind, caught.value.id) == (kind, id)


@pytest.mark.parametrize("zone", ["Asia/Kolkata", ZoneInfo("Asia/Kolkata")], ids=["str", "zi"])
def test_schedule_book_dates_follow_the_book_time_zone(zone: Any) -> None:
    kochi = m.Schedule("t", clinic(), [], types(), book_time_zone=zone)
    assert kochi.book_time_zone == ZoneInfo("Asia/Kolkata")
    # 20:00 UTC on Sunday is 01:30 on Monday in Kochi, still Sunday in London.
    assert kochi.book_date(at(SUN, "20:00")) == MON
    london = m.Schedule("t", clinic(), [], types())
    assert london.book_date(at(SUN, "20:00")) == SUN
    assert london.book_date(datetime(2026, 3, 2, 1, 30, tzinfo=ZoneInfo("Asia/Kolkata"))) == SUN


def test_set_calendar_adds_and_replaces_doctors(schedule: m.Schedule) -> None:
    schedule.set_calendar(weekday_calendar("dr-d"))
    assert schedule.doctor_ids() == ["dr-a", "dr-b", "dr-c", "dr-d"]
    assert schedule.availability("dr-d").explain(at(MON, "09:00")).status == m.Status.OPEN
    freed = dataclasses.replace(dr_a(), leaves=[])
    schedule.set_calendar(freed)
    assert schedule.availability("dr-a").explain(at(THU, "10:00")).rule == m.RuleKind.BASE
    with pytest.raises(m.InvalidInputError) as caught:
        schedule.set_calendar(weekday_calendar("dr-e", room="r9"))
    assert caught.value.field == "templates[0].room_id"
    assert schedule.doctor_ids() == ["dr-a", "dr-b", "dr-c", "dr-d"]  # unchanged


# --- DST -----------------------------------------------------------------------------------


def sunday_doctor(doctor: str, start: time, end: time) -> m.Availability:
    """A doctor in New York on Sundays from ``start`` to ``end``, 30-minute slots."""
    nyc = m.ClinicRules(m.Clinic(locations=[m.Location(id="nyc", time_zone=NY.key)]))
    return m.Availability(nyc, m.DoctorCalendar(
        doctor_id=doctor, settings=m.SessionSettings(slot_minutes=30),
        templates=[m.WeeklyTemplate(id="sunday", location_id="nyc", weekdays=[m.Weekday.SUN],
                                    sessions=[m.Session(start=start, end=end)])],
    ))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_a_session_starting_in_the_spring_gap_begins_at_the_jump() -> None:
    doctor = sunday_doctor("dr-gap", time(2, 30), time(5, 0))
    visit = m.AppointmentType(id="visit", duration_minutes=30)
    day = datetime(2024, 3, 10, tzinfo=NY)
    slots = doctor.slots(request(day, day + timedelta(days=1), utc("2024-03-01T00:00"),
                                 visit)).slots
    assert slots.starts() == [utc(f"2024-03-10T{t}") for t in ("07:00", "07:30", "08:00",
                                                               "08:30")]
    assert [s.local_start.strftime("%H:%M") for s in slots] == ["03:00", "03:30", "04:00",
                                                                "04:30"]
    assert slots[0].start.astimezone(NY).utcoffset() == timedelta(hours=-4)  # EDT
    opened = doctor.resolve_dates("nyc", day.date(), day.date())[1]
    assert (opened.start, opened.end) == (utc("2024-03-10T07:00"), utc("2024-03-10T09:00"))
    assert doctor.explain(utc("2024-03-10T06:59")).rule == m.RuleKind.OUTSIDE_HOURS


def test_a_session_starting_in_the_autumn_fold_takes_its_first_showing() -> None:
    doctor = sunday_doctor("dr-fold", time(1, 30), time(3, 0))
    visit = m.AppointmentType(id="visit", duration_minutes=30)
    day = datetime(2024, 11, 3, tzinfo=NY)
    slots = doctor.slots(request(day, day + timedelta(days=1), utc("2024-11-01T00:00"),
                                 visit)).slots
    assert slots.starts() == [utc(f"2024-11-03T{t}") for t in ("05:30", "06:00", "06:30",
                                                               "07:00", "07:30")]
    # 01:30 EDT first, then the repeated hour 01:00-02:00 EST.
    assert [s.local_start.strftime("%H:%M") for s in slots] == ["01:30", "01:00", "01:30",
                                                                "02:00", "02:30"]
    offsets = [s.start.astimezone(NY).utcoffset() for s in slots]
    assert offsets == [timedelta(hours=-4)] + [timedelta(hours=-5)] * 4
    opened = doctor.resolve(utc("2024-11-03T04:00"), utc("2024-11-03T10:00"))[1]
    assert (opened.start, opened.end) == (utc("2024-11-03T05:30"), utc("2024-11-03T08:00"))


# --- zones and naive datetimes -------------------------------------------------------------


ZONES = [ZoneInfo("Asia/Kolkata"), timezone(timedelta(hours=-5)), ZoneInfo("America/New_York"),
         timezone(timedelta(hours=5, minutes=45))]


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_aware_datetimes_of_any_zone_mean_the_same_instants(
    doctor: m.Availability, schedule: m.Schedule, zone: Any,
) -> None:
    def there(instant: datetime) -> datetime:
        moved = instant.astimezone(zone)
        assert moved.utcoffset() != timedelta(0)
        return moved

    start, end = at(MON, "00:00"), at(TUE, "00:00")
    assert doctor.resolve(there(start), there(end)) == doctor.resolve(start, end)
    assert doctor.explain(there(at(WED, "09:30"))) == doctor.explain(at(WED, "09:30"))
    local = doctor.slots(request(there(start), there(end), there(NOW)), occupancy())
    assert local == doctor.slots(monday(), occupancy())
    assert local.slots[0].start.tzinfo == timezone.utc
    assert schedule.book_date(there(at(SUN, "23:30"))) == SUN


@pytest.mark.parametrize(
    "call,argument",
    [(lambda d: d.explain(datetime(2026, 3, 2, 10)), "at"),
     (lambda d: d.resolve(datetime(2026, 3, 2), at(TUE, "00:00")), "start"),
     (lambda d: d.resolve(at(MON, "00:00"), datetime(2026, 3, 3)), "end")],
    ids=["explain", "resolve-start", "resolve-end"],
)
def test_naive_datetimes_are_refused_naming_the_argument(
    doctor: m.Availability, call: Callable[[m.Availability], Any], argument: str,
) -> None:
    with pytest.raises(TypeError, match=f"^{argument} must be an aware datetime"):
        call(doctor)


def test_naive_datetimes_are_refused_by_requests_and_schedules(schedule: m.Schedule) -> None:
    with pytest.raises(TypeError, match="SlotRequest.start must be an aware datetime"):
        m.SlotRequest(appointment_type=CONSULT, start=datetime(2026, 3, 2), end=at(TUE, "00:00"),
                      now=NOW)
    with pytest.raises(TypeError, match="^instant must be an aware datetime"):
        schedule.book_date(datetime(2026, 3, 2))
    with pytest.raises(TypeError, match="^at must be an aware datetime, got date"):
        schedule.availability("dr-a").explain(date(2026, 3, 2))  # type: ignore[arg-type]
