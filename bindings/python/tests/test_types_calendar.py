"""The data classes of medsched.calendar, medsched.timeline and medsched.slots against the
core's JSON: the shared vectors decode to the right Python values and come back unchanged."""

from __future__ import annotations

import dataclasses
import importlib
import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple, Type, TypeVar

import pytest
from zoneinfo import ZoneInfo

from medsched._codec import Record
from medsched.calendar import (
    Clinic,
    ConsultationMode,
    DateOverride,
    DoctorCalendar,
    Holiday,
    Hours,
    Leave,
    LeaveStatus,
    Location,
    ModeCapacity,
    OverrideKind,
    Room,
    Session,
    SessionSettings,
    Unavailability,
    Weekday,
    WeeklyTemplate,
)
from medsched.errors import InvalidInputError
from medsched.slots import (
    Alignment,
    AppointmentType,
    BusyTime,
    Occupancy,
    Reservation,
    Slot,
    SlotOptions,
    SlotRequest,
    Unavailable,
    UnavailableCode,
    UnavailableSlot,
)
from medsched.timeline import Explanation, Interval, RuleKind, RuleRef, Status

_native = importlib.import_module("medsched._native")
TESTDATA = Path(__file__).resolve().parents[3] / "testdata"
UTC = timezone.utc
R = TypeVar("R", bound=Record)


def vectors(name: str) -> Dict[str, Any]:
    with open(TESTDATA / "vectors" / f"{name}.json", encoding="utf-8") as f:
        data: Dict[str, Any] = json.load(f)
    return data


PRIORITY = vectors("priority_chain")
SLOTS = vectors("slots")
DST = vectors("dst")
LIMITS = vectors("limits")


def canonical(cls: Type[Record], data: Dict[str, Any]) -> Dict[str, Any]:
    """``data`` as the core writes it (defaults filled, times as ``HH:MM:SS``)."""
    result: Dict[str, Any] = json.loads(_native.canonical(cls._serde, json.dumps(data)))
    return result


def assert_round_trip(cls: Type[R], data: Dict[str, Any]) -> R:
    """Decodes ``data``; the value writes back the core's form, which reads back equal."""
    value = cls.from_dict(data)
    assert isinstance(value, cls)
    out = value.to_dict()
    assert out == canonical(cls, data)
    assert cls.from_dict(out) == value
    assert cls.from_dict(out).to_dict() == out
    return value


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def cases(*ops: str) -> Iterator[Tuple[str, Dict[str, Any]]]:
    for name, doc in (("priority_chain", PRIORITY), ("slots", SLOTS), ("dst", DST),
                      ("limits", LIMITS)):
        for case in doc["cases"]:
            if case["op"] in ops:
                yield f"{name}: {case['name']}", case


def ids(items: List[Tuple[str, Any]]) -> List[str]:
    return [name for name, _ in items]


# --- medsched.calendar ----------------------------------------------------------------------


def test_clinic_from_vectors() -> None:
    clinic = assert_round_trip(Clinic, PRIORITY["clinic"])
    assert clinic == Clinic(
        locations=[
            Location(
                id="kochi",
                name="Kochi OPD",
                time_zone="Asia/Kolkata",
                rooms=[Room(id="r1", capacity=1)],
            )
        ],
        holidays=[
            Holiday(
                id="republic-day",
                name="Republic Day",
                first=date(2020, 1, 26),
                last=date(2020, 1, 26),
                rrule="FREQ=YEARLY",
            ),
            Holiday(
                id="onam",
                name="Onam",
                location_id="kochi",
                first=date(2026, 8, 25),
                last=date(2026, 8, 26),
            ),
        ],
    )
    assert type(clinic.holidays[0].first) is date
    for doc in (SLOTS, DST):
        assert_round_trip(Clinic, doc["clinic"])


def test_clinic_canonical_form() -> None:
    data = {
        "locations": [
            {
                "id": "kochi",
                "name": "",
                "time_zone": "Asia/Kolkata",
                "rooms": [{"id": "r1", "name": "Consultation 1", "capacity": 2}],
            }
        ],
        "holidays": [
            {
                "id": "h",
                "name": "",
                "location_id": None,
                "first": "2026-01-26",
                "last": "2026-01-27",
                "rrule": None,
            }
        ],
    }
    clinic = Clinic(
        locations=[
            Location(
                id="kochi",
                time_zone=ZoneInfo("Asia/Kolkata"),
                rooms=[Room(id="r1", name="Consultation 1", capacity=2)],
            )
        ],
        holidays=[Holiday(id="h", first=date(2026, 1, 26), last=date(2026, 1, 27))],
    )
    assert clinic.locations[0].time_zone == "Asia/Kolkata"
    assert clinic.to_dict() == data
    assert Clinic.from_dict(data) == clinic
    assert Clinic().to_dict() == {"locations": [], "holidays": []}


def test_doctor_calendar_from_vectors() -> None:
    calendar = assert_round_trip(DoctorCalendar, PRIORITY["calendars"][0])
    assert calendar == DoctorCalendar(
        doctor_id="dr-asha",
        settings=SessionSettings(slot_minutes=30),
        templates=[
            WeeklyTemplate(
                id="weekday-opd",
                location_id="kochi",
                room_id="r1",
                weekdays=[Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI],
                sessions=[
                    Session(time(9), time(13), breaks=[Hours(time(11), time(11, 15))]),
                    Session(time(14), time(17)),
                ],
            )
        ],
        overrides=[
            DateOverride(
                id="late-start",
                date=date(2026, 3, 2),
                location_id="kochi",
                kind=OverrideKind.BLOCK,
                hours=[Hours(time(9), time(10))],
            ),
            DateOverride(
                id="saturday-camp",
                date=date(2026, 3, 7),
                location_id="kochi",
                kind=OverrideKind.EXTRA,
                hours=[Hours(time(10), time(12))],
            ),
            DateOverride(
                id="short-day",
                date=date(2026, 3, 4),
                location_id="kochi",
                kind=OverrideKind.REPLACE,
                hours=[Hours(time(10), time(12))],
            ),
        ],
        leaves=[
            Leave(
                id="half-day",
                status=LeaveStatus.APPROVED,
                first=date(2026, 3, 3),
                last=date(2026, 3, 3),
                start_time=time(14),
            ),
            Leave("maybe-off", LeaveStatus.REQUESTED, date(2026, 3, 5), date(2026, 3, 5)),
            Leave("refused", LeaveStatus.REJECTED, date(2026, 3, 6), date(2026, 3, 6)),
            Leave("onam-leave", LeaveStatus.APPROVED, date(2026, 8, 26), date(2026, 8, 26)),
        ],
        emergencies=[
            Unavailability(
                id="er-call",
                start=datetime(2026, 3, 3, 8, tzinfo=UTC),
                end=datetime(2026, 3, 3, 9, tzinfo=UTC),
                reason="called to casualty",
            )
        ],
        forced_blocks=[
            Unavailability(
                id="board-meeting",
                # Any aware datetime is accepted; its instant is what counts.
                start=datetime(2026, 3, 3, 14, tzinfo=ZoneInfo("Asia/Kolkata")),
                end=datetime(2026, 3, 3, 10, tzinfo=UTC),
            )
        ],
    )
    template = calendar.templates[0]
    assert template.weekdays[0] is Weekday.MON
    assert type(template.sessions[0].start) is time
    assert calendar.overrides[0].kind is OverrideKind.BLOCK
    assert calendar.leaves[0].status is LeaveStatus.APPROVED
    assert calendar.leaves[0].end_time is None
    start = calendar.emergencies[0].start
    assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
    for doc in (SLOTS, DST):
        for data in doc["calendars"]:
            assert_round_trip(DoctorCalendar, data)


def test_session_writes_seconds_and_reads_minutes() -> None:
    data = {
        "start": "09:00:00",
        "end": "13:00:00",
        "breaks": [{"start": "11:00:00", "end": "11:15:00"}],
    }
    session = Session(start=time(9), end=time(13), breaks=[Hours(time(11), time(11, 15))])
    assert session.to_dict() == data
    assert Session.from_dict(data) == session
    assert Session.from_dict({"start": "09:00", "end": "13:00"}) == Session(time(9), time(13))
    assert repr(Hours(time(9), time(9, 30))) == (
        "Hours(start=datetime.time(9, 0), end=datetime.time(9, 30))"
    )


def test_weekly_template_with_rrule() -> None:
    data = {
        "id": "alternate-mondays",
        "location_id": "main",
        "room_id": None,
        "weekdays": [],
        "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        "sessions": [{"start": "09:00:00", "end": "13:00:00", "breaks": []}],
        "effective_from": "2026-01-05",
        "effective_until": None,
        "settings": {
            "slot_minutes": 20,
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 5,
            "max_parallel": 2,
            "modes": [{"mode": "video", "capacity": 1}],
        },
    }
    template = WeeklyTemplate(
        id="alternate-mondays",
        location_id="main",
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        sessions=[Session(time(9), time(13))],
        effective_from=date(2026, 1, 5),
        settings=SessionSettings(
            slot_minutes=20,
            buffer_after_minutes=5,
            max_parallel=2,
            modes=[ModeCapacity(mode=ConsultationMode.VIDEO, capacity=1)],
        ),
    )
    assert template.to_dict() == data
    assert WeeklyTemplate.from_dict(data) == template
    assert template.settings is not None
    assert template.settings.modes[0].mode is ConsultationMode.VIDEO


@pytest.mark.parametrize(
    "cls, minimal",
    [
        (SessionSettings, {}),
        (DoctorCalendar, {"doctor_id": "d"}),
        (Location, {"id": "x", "time_zone": "UTC"}),
        (Room, {"id": "r", "capacity": 1}),
        (Holiday, {"id": "h", "first": "2026-01-26", "last": "2026-01-26"}),
        (WeeklyTemplate, {"id": "t", "location_id": "x", "sessions": []}),
        (DateOverride, {"id": "o", "date": "2026-03-02", "location_id": "x", "kind": "block"}),
        (Leave, {"id": "l", "status": "requested", "first": "2026-03-05", "last": "2026-03-05"}),
        (Unavailability, {"id": "u", "start": "2026-03-03T08:00:00Z",
                          "end": "2026-03-03T09:00:00Z"}),
        (AppointmentType, {"id": "consult", "duration_minutes": 20}),
        (Reservation, {"id": "a", "doctor_id": "d", "start": "2026-01-05T09:00:00Z",
                       "end": "2026-01-05T09:15:00Z"}),
        (Occupancy, {}),
        (SlotOptions, {}),
    ],
)
def test_python_defaults_are_the_core_defaults(cls: Type[Record], minimal: Dict[str, Any]) -> None:
    """A value built from the required fields only equals the core's reading of them."""
    decoded = cls.from_dict(minimal)
    built = cls(**{k: getattr(decoded, k) for k in _required(cls)})
    assert built == decoded
    assert built.to_dict() == canonical(cls, minimal)


def _required(cls: Type[Record]) -> List[str]:
    return [
        f.name
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]


def test_enums_accept_plain_strings() -> None:
    leave = Leave(id="l", status="approved", first=date(2026, 3, 3),  # type: ignore[arg-type]
                  last=date(2026, 3, 3), end_time=time(12, 30))
    assert leave.to_dict()["status"] == "approved"
    assert Leave.from_dict(leave.to_dict()).status is LeaveStatus.APPROVED
    assert Leave.from_dict(leave.to_dict()).end_time == time(12, 30)
    assert [m.value for m in ConsultationMode] == ["in_person", "video", "phone"]
    assert [k.value for k in OverrideKind] == ["replace", "extra", "block"]
    assert [s.value for s in LeaveStatus] == ["requested", "approved", "rejected", "cancelled"]


def test_refused_values_name_the_field() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Session.from_dict({"start": "25:00", "end": "09:00"})
    assert caught.value.details["field"] == "start"
    assert caught.value.details["value"] == "25:00"
    with pytest.raises(InvalidInputError):
        Leave(id="l", status="someday", first=date(2026, 3, 3),  # type: ignore[arg-type]
              last=date(2026, 3, 3)).to_dict()


# --- medsched.timeline -----------------------------------------------------------------------

RESOLVED = [
    (f"{name} [{i}]", interval)
    for name, case in cases("resolve", "resolve_dates")
    for i, interval in enumerate(case["expect"])
]


@pytest.mark.parametrize("data", [d for _, d in RESOLVED], ids=ids(RESOLVED))
def test_interval_vectors(data: Dict[str, Any]) -> None:
    interval = Interval.from_dict(data)
    assert interval.to_dict() == data
    assert interval.start.tzinfo is not None and interval.start.utcoffset() == timedelta(0)
    assert isinstance(interval.status, Status) and isinstance(interval.rule, RuleKind)
    if interval.status is Status.OPEN:
        assert interval.rule in (RuleKind.BASE, RuleKind.OVERRIDE)


EXPLAINED = list(cases("explain"))


@pytest.mark.parametrize("case", [c for _, c in EXPLAINED], ids=ids(EXPLAINED))
def test_explanation_vectors(case: Dict[str, Any]) -> None:
    explanation = Explanation.from_dict(case["expect"])
    assert explanation.to_dict() == case["expect"]
    assert explanation.instant == utc(case["instant"].rstrip("Z"))
    assert all(isinstance(r, RuleRef) for r in explanation.overruled)


def test_timeline_keyword_construction_and_repr() -> None:
    onam = next(c for _, c in EXPLAINED if c["name"] == "leave beats holiday on Onam")
    explanation = Explanation(
        instant=datetime(2026, 8, 26, 4, tzinfo=UTC),
        status=Status.CLOSED,
        rule=RuleKind.LEAVE,
        rule_id="onam-leave",
        location_id="kochi",
        room_id="r1",
        overruled=[RuleRef(RuleKind.HOLIDAY, "onam"), RuleRef(RuleKind.BASE, "weekday-opd")],
    )
    assert Explanation.from_dict(onam["expect"]) == explanation
    assert explanation.to_dict() == onam["expect"]
    assert repr(RuleRef(RuleKind.HOLIDAY, "onam")) == (
        "RuleRef(kind=<RuleKind.HOLIDAY: 'holiday'>, id='onam')"
    )
    interval = Interval(
        start=datetime(2026, 3, 6, 3, tzinfo=UTC),
        end=datetime(2026, 3, 6, 3, 30, tzinfo=UTC),
        status=Status.CLOSED,
        rule=RuleKind.OUTSIDE_HOURS,
    )
    assert interval.to_dict() == {
        "start": "2026-03-06T03:00:00Z",
        "end": "2026-03-06T03:30:00Z",
        "status": "closed",
        "rule": "outside_hours",
        "rule_id": None,
        "location_id": None,
        "room_id": None,
        "tentative_leave_id": None,
    }
    assert repr(interval).startswith(
        "Interval(start=datetime.datetime(2026, 3, 6, 3, 0, tzinfo=datetime.timezone.utc), "
    )
    assert [k.value for k in RuleKind] == [
        "forced_block", "emergency", "leave", "holiday", "override", "base", "break",
        "outside_hours",
    ]


# --- medsched.slots --------------------------------------------------------------------------

SLOT_CASES = list(cases("slots"))


@pytest.mark.parametrize("case", [c for _, c in SLOT_CASES], ids=ids(SLOT_CASES))
def test_slot_vectors(case: Dict[str, Any]) -> None:
    request = assert_round_trip(SlotRequest, case["request"])
    assert request.now.utcoffset() == timedelta(0)
    assert isinstance(request.appointment_type.alignment, Alignment)
    occupancy = assert_round_trip(Occupancy, case.get("occupancy", {}))
    for reservation in occupancy.reservations:
        assert isinstance(reservation.mode, ConsultationMode)
        assert reservation.seats == 1
    assert_round_trip(SlotOptions, case["options"])
    for data in case["expect"]["slots"]:
        slot = Slot.from_dict(data)
        assert slot.to_dict() == data
        assert slot.local_start.tzinfo is None
        assert slot.local_start == datetime.fromisoformat(data["local_start"])
        assert slot.start == utc(data["start"].rstrip("Z"))
    for data in case["expect"]["unavailable"]:
        unavailable = UnavailableSlot.from_dict(data)
        assert unavailable.to_dict() == data
        assert unavailable.reason.code == data["reason"]["code"]
        assert isinstance(unavailable.reason.code, UnavailableCode)


def test_slot_request_keyword_construction() -> None:
    case = next(c for _, c in SLOT_CASES if c["name"].startswith("busy time, minimum notice"))
    request = SlotRequest(
        appointment_type=AppointmentType(
            id="consult",
            duration_minutes=30,
            step_minutes=30,
            min_notice_minutes=60,
            max_days_ahead=7,
        ),
        start=datetime(2026, 1, 5, tzinfo=UTC),
        end=datetime(2026, 1, 20, tzinfo=UTC),
        now=datetime(2026, 1, 5, 8, 45, tzinfo=UTC),
    )
    assert SlotRequest.from_dict(case["request"]) == request
    assert Occupancy.from_dict(case["occupancy"]) == Occupancy(
        busy=[
            BusyTime(
                "gcal-1",
                datetime(2026, 1, 5, 10, 20, tzinfo=UTC),
                datetime(2026, 1, 5, 10, 40, tzinfo=UTC),
            )
        ]
    )
    assert SlotOptions.from_dict(case["options"]) == SlotOptions(include_unavailable=True)
    assert AppointmentType("t", 15, alignment=Alignment.CLOCK, mode=ConsultationMode.VIDEO
                           ).to_dict()["alignment"] == "clock"


def test_reservation_canonical_form() -> None:
    data = {
        "id": "h1",
        "doctor_id": "dr-c",
        "start": "2026-01-05T09:30:00Z",
        "end": "2026-01-05T10:00:00Z",
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 5,
        "seats": 2,
        "mode": "in_person",
        "room_id": "big-room",
        "expires_at": "2026-01-01T00:10:00.900Z",
        "appointment_type_id": None,
    }
    reservation = Reservation(
        id="h1",
        doctor_id="dr-c",
        start=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        end=datetime(2026, 1, 5, 10, tzinfo=UTC),
        buffer_after_minutes=5,
        seats=2,
        room_id="big-room",
        expires_at=datetime(2026, 1, 1, 0, 10, 0, 900000, tzinfo=UTC),
    )
    assert reservation.to_dict() == data
    assert Reservation.from_dict(data) == reservation


def test_slot_keyword_construction_and_repr() -> None:
    data = SLOTS["cases"][0]["expect"]["slots"][0]
    slot = Slot(
        doctor_id="dr-a",
        location_id="main",
        room_id="shared-room",
        start=datetime(2026, 1, 5, 9, tzinfo=UTC),
        end=datetime(2026, 1, 5, 9, 15, tzinfo=UTC),
        local_start=datetime(2026, 1, 5, 9),
        buffer_before_minutes=15,
        buffer_after_minutes=0,
        capacity_left=1,
    )
    assert Slot.from_dict(data) == slot
    assert slot.to_dict() == data
    assert repr(slot).startswith("Slot(doctor_id='dr-a', location_id='main', start=")
    assert "local_start=datetime.datetime(2026, 1, 5, 9, 0)" in repr(slot)
    unavailable = UnavailableSlot(
        doctor_id="dr-a",
        location_id="main",
        room_id="shared-room",
        start=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        end=datetime(2026, 1, 5, 9, 45, tzinfo=UTC),
        local_start=datetime(2026, 1, 5, 9, 30),
        reason=Unavailable(UnavailableCode.BOOKED),
    )
    assert UnavailableSlot.from_dict(SLOTS["cases"][0]["expect"]["unavailable"][0]) == (
        unavailable
    )


@pytest.mark.parametrize(
    "data, reason, text",
    [
        (
            {"code": "closed", "rule": "leave", "rule_id": "half-day"},
            Unavailable(UnavailableCode.CLOSED, rule=RuleKind.LEAVE, rule_id="half-day"),
            'closed by leave "half-day"',
        ),
        (
            {"code": "closed", "rule": "outside_hours", "rule_id": None},
            Unavailable(UnavailableCode.CLOSED, rule=RuleKind.OUTSIDE_HOURS),
            "closed (outside_hours)",
        ),
        ({"code": "too_soon"}, Unavailable(UnavailableCode.TOO_SOON), "too soon (minimum notice)"),
        (
            {"code": "too_far"},
            Unavailable(UnavailableCode.TOO_FAR),
            "too far ahead (booking horizon)",
        ),
        (
            {"code": "busy", "busy_id": "gcal-1"},
            Unavailable(UnavailableCode.BUSY, busy_id="gcal-1"),
            'busy ("gcal-1")',
        ),
        ({"code": "booked"}, Unavailable(UnavailableCode.BOOKED), "booked"),
        (
            {"code": "room_full", "room_id": "r1"},
            Unavailable(UnavailableCode.ROOM_FULL, room_id="r1"),
            'room "r1" is full',
        ),
        ({"code": "held"}, Unavailable(UnavailableCode.HELD), "held by another patient"),
    ],
)
def test_unavailable_reasons(data: Dict[str, Any], reason: Unavailable, text: str) -> None:
    assert Unavailable.from_dict(data) == reason
    assert reason.to_dict() == data
    assert str(reason) == text
    assert repr(reason).startswith(f"Unavailable(code=<UnavailableCode.{reason.code.name}")


def test_unavailable_reasons_of_the_vectors() -> None:
    seen = {
        json.dumps(u["reason"], sort_keys=True)
        for _, case in SLOT_CASES
        for u in case["expect"]["unavailable"]
    }
    for text in seen:
        data = json.loads(text)
        assert Unavailable.from_dict(data).to_dict() == data
    codes = {json.loads(t)["code"] for t in seen}
    assert codes == {c.value for c in UnavailableCode}


# --- naive datetimes are refused --------------------------------------------------------------

NAIVE = datetime(2026, 3, 3, 9, 0)
AWARE = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "build",
    [
        lambda t: Unavailability("u", t, AWARE),
        lambda t: Unavailability("u", AWARE, t),
        lambda t: Interval(t, AWARE, Status.OPEN, RuleKind.BASE),
        lambda t: Explanation(t, Status.OPEN, RuleKind.BASE, []),
        lambda t: SlotRequest(AppointmentType("c", 15), t, AWARE, AWARE),
        lambda t: SlotRequest(AppointmentType("c", 15), AWARE, AWARE, t),
        lambda t: Reservation("a", "d", t, AWARE),
        lambda t: Reservation("a", "d", AWARE, AWARE, expires_at=t),
        lambda t: BusyTime("b", AWARE, t),
        lambda t: Slot("d", "l", t, AWARE, NAIVE, 0, 0, 1),
        lambda t: UnavailableSlot("d", "l", AWARE, t, NAIVE, Unavailable(UnavailableCode.HELD)),
    ],
)
def test_naive_datetime_refused(build: Any) -> None:
    assert isinstance(build(AWARE), Record)
    with pytest.raises(TypeError, match="aware"):
        build(NAIVE)
