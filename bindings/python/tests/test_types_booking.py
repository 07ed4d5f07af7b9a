"""The booking data classes (medsched.booking) against the core's JSON form."""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Tuple, Type

import pytest

import medsched as b  # every name, booking.py and events.py alike
from medsched import token_changes
from medsched._codec import Record
from medsched.calendar import ConsultationMode
from medsched.errors import InvalidInputError
from medsched.slots import Unavailable, UnavailableCode
from medsched.timeline import RuleKind

TESTDATA = Path(__file__).resolve().parents[3] / "testdata"
UTC = timezone.utc


def at(text: str) -> datetime:
    """``"03-02 09:00"`` as an aware instant in March 2026, UTC."""
    return datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


# --- fixtures: JSON as the core writes it, and the same value built by keyword ----------

SLOT_JSON = {
    "doctor_id": "dr-a",
    "location_id": "main",
    "room_id": "r1",
    "appointment_type_id": "consult",
    "mode": "in_person",
    "start": "2026-03-03T10:00:00Z",
    "end": "2026-03-03T10:15:00Z",
    "buffer_before_minutes": 0,
    "buffer_after_minutes": 5,
}
SLOT = b.SlotClaim(
    doctor_id="dr-a",
    location_id="main",
    room_id="r1",
    appointment_type_id="consult",
    mode=ConsultationMode.IN_PERSON,
    start=at("03-03 10:00"),
    end=at("03-03 10:15"),
    buffer_before_minutes=0,
    buffer_after_minutes=5,
)
VIDEO_SLOT_JSON = {
    **SLOT_JSON,
    "room_id": None,
    "mode": "video",
    "start": "2026-03-03T11:00:00Z",
    "end": "2026-03-03T11:15:00Z",
}
VIDEO_SLOT = dataclasses.replace(
    SLOT, room_id=None, mode=ConsultationMode.VIDEO, start=at("03-03 11:00"),
    end=at("03-03 11:15"),
)

POLICY_JSON = {
    "patient_hold_minutes": 10,
    "staff_hold_minutes": 30,
    "max_hold_minutes": 60,
    "requires_confirmation": False,
    "allow_patient_reschedule": True,
    "max_reschedules": 3,
    "reschedule_notice_minutes": 0,
    "cancel_notice_minutes": 0,
    "reminder_minutes_before": [1440, 120],
}
POLICY = b.BookingPolicy()
STRICT_POLICY_JSON = {
    **POLICY_JSON,
    "requires_confirmation": True,
    "allow_patient_reschedule": False,
    "max_reschedules": 1,
    "cancel_notice_minutes": 1440,
    "reminder_minutes_before": [60],
}
STRICT_POLICY = b.BookingPolicy(
    requires_confirmation=True,
    allow_patient_reschedule=False,
    max_reschedules=1,
    cancel_notice_minutes=1440,
    reminder_minutes_before=[60],
)

PATIENT_JSON = {"kind": "patient", "id": "pat-1"}
PATIENT = b.Actor(kind=b.ActorKind.PATIENT, id="pat-1")
STAFF_JSON = {"kind": "staff", "id": "rcp-1"}
STAFF = b.Actor(kind=b.ActorKind.STAFF, id="rcp-1")

HOLD_JSON = {
    "id": "h-1",
    "patient_id": "pat-1",
    "slot": SLOT_JSON,
    "book_date": "2026-03-03",
    "placed_at": "2026-03-01T08:00:00Z",
    "placed_by": PATIENT_JSON,
    "expires_at": "2026-03-01T08:10:00Z",
    "status": "held",
}
HOLD = b.Hold(
    id="h-1",
    patient_id="pat-1",
    slot=SLOT,
    book_date=date(2026, 3, 3),
    placed_at=at("03-01 08:00"),
    placed_by=PATIENT,
    expires_at=at("03-01 08:10"),
    status=b.HoldStatus.HELD,
)

APPOINTMENT_JSON = {
    "id": "a-1",
    "patient_id": "pat-1",
    "slot": SLOT_JSON,
    "book_date": "2026-03-03",
    "status": "confirmed",
    "booked_at": "2026-03-01T08:05:00Z",
    "booked_by": PATIENT_JSON,
    "hold_id": "h-1",
    "reschedule_count": 0,
    "moved_from": None,
    "moved_from_version": None,
    "moved_to": None,
    "ended_by": None,
    "end_reason": None,
    "confirmed_at": "2026-03-01T08:05:00Z",
    "updated_at": "2026-03-01T08:05:00Z",
    "policy": POLICY_JSON,
}
APPOINTMENT = b.Appointment(
    id="a-1",
    patient_id="pat-1",
    slot=SLOT,
    book_date=date(2026, 3, 3),
    status=b.AppointmentStatus.CONFIRMED,
    booked_at=at("03-01 08:05"),
    booked_by=PATIENT,
    hold_id="h-1",
    confirmed_at=at("03-01 08:05"),
    updated_at=at("03-01 08:05"),
    policy=POLICY,
)
# A copy moved here from Monday, then cancelled by staff.
MOVED_JSON = {
    **APPOINTMENT_JSON,
    "id": "a-2",
    "slot": VIDEO_SLOT_JSON,
    "status": "cancelled",
    "booked_by": STAFF_JSON,
    "hold_id": None,
    "reschedule_count": 2,
    "moved_from": "2026-03-02",
    "moved_from_version": 7,
    "ended_by": STAFF_JSON,
    "end_reason": "patient called",
    "confirmed_at": None,
    "updated_at": "2026-03-02T07:30:00Z",
    "policy": STRICT_POLICY_JSON,
}
MOVED = b.Appointment(
    id="a-2",
    patient_id="pat-1",
    slot=VIDEO_SLOT,
    book_date=date(2026, 3, 3),
    status=b.AppointmentStatus.CANCELLED,
    booked_at=at("03-01 08:05"),
    booked_by=STAFF,
    reschedule_count=2,
    moved_from=date(2026, 3, 2),
    moved_from_version=7,
    ended_by=STAFF,
    end_reason="patient called",
    updated_at=at("03-02 07:30"),
    policy=STRICT_POLICY,
)

# Every change (JSON without the event's envelope), each built by keyword.
CHANGES: List[Tuple[Dict[str, Any], Any]] = [
    ({"type": "hold_placed", "hold": HOLD_JSON}, b.HoldPlaced(hold=HOLD)),
    (
        {
            "type": "hold_extended",
            "hold_id": "h-1",
            "previous_expires_at": "2026-03-01T08:10:00Z",
            "expires_at": "2026-03-01T08:25:00Z",
        },
        b.HoldExtended(
            hold_id="h-1", previous_expires_at=at("03-01 08:10"), expires_at=at("03-01 08:25")
        ),
    ),
    (
        {"type": "hold_released", "hold_id": "h-1", "slot": SLOT_JSON},
        b.HoldReleased(hold_id="h-1", slot=SLOT),
    ),
    (
        {"type": "hold_expired", "hold_id": "h-1", "slot": SLOT_JSON},
        b.HoldExpired(hold_id="h-1", slot=SLOT),
    ),
    (
        {"type": "appointment_booked", "appointment": APPOINTMENT_JSON},
        b.AppointmentBooked(appointment=APPOINTMENT),
    ),
    (
        {"type": "appointment_confirmed", "appointment_id": "a-1"},
        b.AppointmentConfirmed(appointment_id="a-1"),
    ),
    (
        {
            "type": "appointment_declined",
            "appointment_id": "a-1",
            "slot": SLOT_JSON,
            "reason": "no referral",
        },
        b.AppointmentDeclined(appointment_id="a-1", slot=SLOT, reason="no referral"),
    ),
    (
        {"type": "appointment_cancelled", "appointment_id": "a-1", "slot": SLOT_JSON,
         "reason": None},
        b.AppointmentCancelled(appointment_id="a-1", slot=SLOT),
    ),
    (
        {"type": "appointment_completed", "appointment_id": "a-1"},
        b.AppointmentCompleted(appointment_id="a-1"),
    ),
    (
        {"type": "appointment_no_show", "appointment_id": "a-1"},
        b.AppointmentNoShow(appointment_id="a-1"),
    ),
    (
        {
            "type": "appointment_rescheduled",
            "appointment_id": "a-1",
            "from": SLOT_JSON,
            "to": VIDEO_SLOT_JSON,
        },
        b.AppointmentRescheduled(appointment_id="a-1", from_=SLOT, to=VIDEO_SLOT),
    ),
    (
        {
            "type": "appointment_moved_out",
            "appointment_id": "a-1",
            "to_date": "2026-03-04",
            "from_version": 12,
            "to": SLOT_JSON,
        },
        b.AppointmentMovedOut(
            appointment_id="a-1", to_date=date(2026, 3, 4), from_version=12, to=SLOT
        ),
    ),
    (
        {
            "type": "appointment_move_aborted",
            "appointment_id": "a-2",
            "slot": VIDEO_SLOT_JSON,
            "back_to": "2026-03-02",
        },
        b.AppointmentMoveAborted(
            appointment_id="a-2", slot=VIDEO_SLOT, back_to=date(2026, 3, 2)
        ),
    ),
    (
        {"type": "appointment_move_voided", "appointment_id": "a-2", "copy_on": "2026-03-04"},
        b.AppointmentMoveVoided(appointment_id="a-2", copy_on=date(2026, 3, 4)),
    ),
]
# Token-queue changes share the events' envelope (Change::Token, untagged).
TOKEN_CHANGES: List[Tuple[Dict[str, Any], Any]] = [
    ({"type": "token_called", "number": 4}, token_changes.TokenCalled(number=4)),
    (
        {"type": "meet_link_updated", "meet_link": "https://meet.google.com/abc-defg-hij"},
        token_changes.MeetLinkUpdated(meet_link="https://meet.google.com/abc-defg-hij"),
    ),
]

ENVELOPE_JSON = {
    "v": 1, "tenant": "clinic-1", "actor": STAFF_JSON, "at": "2026-03-01T08:00:00Z"
}


def event(change_json: Dict[str, Any]) -> Dict[str, Any]:
    return {**ENVELOPE_JSON, **change_json}


EVENT_JSON = event(CHANGES[7][0])
EVENT = b.Event(tenant="clinic-1", actor=STAFF, at=at("03-01 08:00"), change=CHANGES[7][1])
TOKEN_EVENT_JSON = event(TOKEN_CHANGES[0][0])
TOKEN_EVENT = dataclasses.replace(EVENT, change=TOKEN_CHANGES[0][1])
BOOKED_EVENT_JSON = event(CHANGES[4][0])
BOOKED_EVENT = dataclasses.replace(EVENT, actor=PATIENT, change=CHANGES[4][1])
BOOKED_EVENT_JSON["actor"] = PATIENT_JSON

BOOK_STREAM_JSON = {"tenant": "clinic-1", "date": "2026-03-03"}
BOOK_STREAM = b.StreamId(tenant="clinic-1", date=date(2026, 3, 3))
QUEUE_STREAM_JSON = {**BOOK_STREAM_JSON, "doctor_id": "dr-a"}
QUEUE_STREAM = b.StreamId(tenant="clinic-1", date=date(2026, 3, 3), doctor_id="dr-a")

NOTIFICATION_JSON = {
    "id": "a-1/2026-03-03/2",
    "kind": "booking_confirmed",
    "appointment_id": "a-1",
    "patient_id": "pat-1",
    "doctor_id": "dr-a",
    "start": "2026-03-03T10:00:00Z",
    "send_at": "2026-03-01T08:05:00Z",
}
NOTIFICATION = b.Notification(
    id="a-1/2026-03-03/2",
    kind=b.NotificationKind.BOOKING_CONFIRMED,
    appointment_id="a-1",
    patient_id="pat-1",
    doctor_id="dr-a",
    start=at("03-03 10:00"),
    send_at=at("03-01 08:05"),
)
REMINDER_JSON = {
    **NOTIFICATION_JSON,
    "id": "a-1/2026-03-03/reminder_1440/2026-03-03T10:00:00+00:00",
    "kind": "reminder",
    "minutes_before": 1440,
    "send_at": "2026-03-02T10:00:00Z",
}
REMINDER = dataclasses.replace(
    NOTIFICATION,
    id="a-1/2026-03-03/reminder_1440/2026-03-03T10:00:00+00:00",
    kind=b.NotificationKind.REMINDER,
    minutes_before=1440,
    send_at=at("03-02 10:00"),
)

START = "2026-03-02T09:00:00Z"
COMMANDS: List[Tuple[Dict[str, Any], Any]] = [
    (
        {"command": "place_hold", "hold_id": "h-1", "patient_id": "pat-1", "doctor_id": "dr-a",
         "appointment_type_id": "consult", "start": START, "minutes": 20},
        b.PlaceHold(hold_id="h-1", patient_id="pat-1", doctor_id="dr-a",
                    appointment_type_id="consult", start=at("03-02 09:00"), minutes=20),
    ),
    (
        {"command": "extend_hold", "hold_id": "h-1", "minutes": None},
        b.ExtendHold(hold_id="h-1"),
    ),
    ({"command": "release_hold", "hold_id": "h-1"}, b.ReleaseHold(hold_id="h-1")),
    ({"command": "expire_holds"}, b.ExpireHolds()),
    (
        {"command": "book", "appointment_id": "a-1", "patient_id": "pat-1", "doctor_id": "dr-a",
         "appointment_type_id": "consult", "start": START},
        b.Book(appointment_id="a-1", patient_id="pat-1", doctor_id="dr-a",
               appointment_type_id="consult", start=at("03-02 09:00")),
    ),
    (
        {"command": "book_hold", "appointment_id": "a-1", "hold_id": "h-1"},
        b.BookHold(appointment_id="a-1", hold_id="h-1"),
    ),
    ({"command": "confirm", "appointment_id": "a-1"}, b.Confirm(appointment_id="a-1")),
    (
        {"command": "decline", "appointment_id": "a-1", "reason": "no referral"},
        b.Decline(appointment_id="a-1", reason="no referral"),
    ),
    (
        {"command": "cancel", "appointment_id": "a-1", "reason": None},
        b.Cancel(appointment_id="a-1"),
    ),
    ({"command": "complete", "appointment_id": "a-1"}, b.Complete(appointment_id="a-1")),
    ({"command": "mark_no_show", "appointment_id": "a-1"}, b.MarkNoShow(appointment_id="a-1")),
    (
        {"command": "reschedule", "appointment_id": "a-1", "start": "2026-03-02T10:00:00Z"},
        b.Reschedule(appointment_id="a-1", start=at("03-02 10:00")),
    ),
]

COLLISION_JSON = {
    "appointment": APPOINTMENT_JSON,
    "reason": {"code": "closed", "rule": "leave", "rule_id": "annual-leave"},
}
COLLISION = b.Collision(
    appointment=APPOINTMENT,
    reason=Unavailable(code=UnavailableCode.CLOSED, rule=RuleKind.LEAVE, rule_id="annual-leave"),
)

# (class, canonical JSON, the same value built by keyword)
CASES: List[Tuple[Type[Record], Dict[str, Any], Any]] = [
    (b.Actor, PATIENT_JSON, PATIENT),
    (b.Actor, {"kind": "system", "id": "expiry-job"}, b.Actor.system("expiry-job")),
    (b.BookingPolicy, POLICY_JSON, POLICY),
    (b.BookingPolicy, STRICT_POLICY_JSON, STRICT_POLICY),
    (b.SlotClaim, SLOT_JSON, SLOT),
    (b.SlotClaim, VIDEO_SLOT_JSON, VIDEO_SLOT),
    (b.Hold, HOLD_JSON, HOLD),
    (b.Appointment, APPOINTMENT_JSON, APPOINTMENT),
    (b.Appointment, MOVED_JSON, MOVED),
    (
        b.HoldRequest,
        {"hold_id": "h-1", "patient_id": "pat-1", "doctor_id": "dr-a",
         "appointment_type_id": "consult", "start": START, "minutes": None},
        b.HoldRequest(hold_id="h-1", patient_id="pat-1", doctor_id="dr-a",
                      appointment_type_id="consult", start=at("03-02 09:00")),
    ),
    (
        b.BookRequest,
        {"appointment_id": "a-1", "patient_id": "pat-1", "doctor_id": "dr-a",
         "appointment_type_id": "consult", "start": START},
        b.BookRequest(appointment_id="a-1", patient_id="pat-1", doctor_id="dr-a",
                      appointment_type_id="consult", start=at("03-02 09:00")),
    ),
    *[(type(value), data, value) for data, value in COMMANDS],
    *[(type(value), data, value) for data, value in CHANGES],
    *[(b.Event, event(data), dataclasses.replace(EVENT, change=value)) for data, value in CHANGES],
    *[(b.Event, event(data), dataclasses.replace(EVENT, change=value))
      for data, value in TOKEN_CHANGES],
    (b.StreamId, BOOK_STREAM_JSON, BOOK_STREAM),
    (b.StreamId, QUEUE_STREAM_JSON, QUEUE_STREAM),
    (
        b.LoadedStream,
        {"events": [BOOKED_EVENT_JSON, EVENT_JSON], "version": 2},
        b.LoadedStream(events=[BOOKED_EVENT, EVENT], version=2),
    ),
    (b.LoadedStream, {"events": [], "version": 0}, b.LoadedStream(events=[], version=0)),
    (
        b.FeedEntry,
        {"position": 9, "stream": BOOK_STREAM_JSON, "version": 3, "event": EVENT_JSON},
        b.FeedEntry(position=9, stream=BOOK_STREAM, version=3, event=EVENT),
    ),
    (
        b.FeedEntry,
        {"position": 10, "stream": QUEUE_STREAM_JSON, "version": 1, "event": TOKEN_EVENT_JSON},
        b.FeedEntry(position=10, stream=QUEUE_STREAM, version=1, event=TOKEN_EVENT),
    ),
    (b.Collision, COLLISION_JSON, COLLISION),
    (
        b.Collision,
        {"appointment": MOVED_JSON, "reason": {"code": "room_full", "room_id": "r1"}},
        b.Collision(
            appointment=MOVED, reason=Unavailable(code=UnavailableCode.ROOM_FULL, room_id="r1")
        ),
    ),
    (b.Notification, NOTIFICATION_JSON, NOTIFICATION),
    (b.Notification, REMINDER_JSON, REMINDER),
    (
        b.FeedNotifications,
        {"notifications": [NOTIFICATION_JSON, REMINDER_JSON], "position": 14},
        b.FeedNotifications(notifications=[NOTIFICATION, REMINDER], position=14),
    ),
]


def case_id(case: Tuple[Type[Record], Dict[str, Any], Any]) -> str:
    cls, data, _ = case
    tag = data.get("command") or data.get("type") or data.get("kind") or data.get("code")
    return f"{cls.__name__}-{tag}" if isinstance(tag, str) else cls.__name__


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_round_trip(case: Tuple[Type[Record], Dict[str, Any], Any]) -> None:
    cls, data, value = case
    decoded = cls.from_dict(data)
    assert decoded == value
    assert type(decoded) is cls
    assert decoded.to_dict() == data
    assert value.to_dict() == data
    assert repr(decoded).startswith(f"{cls.__name__}(")
    assert repr(decoded) == repr(value)


def walk(value: Any) -> typing.Iterator[Any]:
    """Every value inside a record, depth first."""
    yield value
    if isinstance(value, Record):
        for f in dataclasses.fields(typing.cast(Any, value)):
            yield from walk(getattr(value, f.name))
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_decoded_values_have_python_types(
    case: Tuple[Type[Record], Dict[str, Any], Any],
) -> None:
    cls, data, _ = case
    for value in walk(cls.from_dict(data)):
        if isinstance(value, datetime):
            assert value.tzinfo is UTC
        assert not isinstance(value, dict)


def test_values_are_typed() -> None:
    hold = b.Hold.from_dict(HOLD_JSON)
    assert hold.placed_at == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert hold.book_date == date(2026, 3, 3) and type(hold.book_date) is date
    assert hold.status is b.HoldStatus.HELD
    assert hold.placed_by.kind is b.ActorKind.PATIENT
    assert hold.slot.mode is ConsultationMode.IN_PERSON
    moved = b.Appointment.from_dict(MOVED_JSON)
    assert moved.status is b.AppointmentStatus.CANCELLED
    assert moved.moved_from == date(2026, 3, 2)
    assert moved.policy.max_reschedules == 1
    assert moved.ended_by == STAFF
    reminder = b.Notification.from_dict(REMINDER_JSON)
    assert reminder.kind is b.NotificationKind.REMINDER and reminder.minutes_before == 1440
    assert b.Notification.from_dict(NOTIFICATION_JSON).minutes_before is None
    entry = b.FeedEntry.from_dict(
        {"position": 10, "stream": QUEUE_STREAM_JSON, "version": 1, "event": TOKEN_EVENT_JSON}
    )
    assert isinstance(entry.event.change, token_changes.TokenCalled)
    rescheduled = b.AppointmentRescheduled.from_dict(CHANGES[10][0])
    assert rescheduled.from_ == SLOT and rescheduled.to.room_id is None


def test_defaults_follow_the_core() -> None:
    assert b.BookingPolicy.from_dict({}) == b.BookingPolicy()
    assert b.BookingPolicy.from_dict({"max_hold_minutes": 90}).max_hold_minutes == 90
    place = {k: v for k, v in COMMANDS[0][0].items() if k != "minutes"}
    assert b.PlaceHold.from_dict(place).minutes is None
    assert b.PlaceHold.from_dict(place).to_dict() == {**place, "minutes": None}
    minimal = {k: v for k, v in APPOINTMENT_JSON.items() if v is not None}
    del minimal["reschedule_count"]
    assert b.Appointment.from_dict(minimal) == APPOINTMENT
    assert "doctor_id" not in BOOK_STREAM.to_dict()


def test_no_reschedule_limit_survives_to_dict() -> None:
    unlimited = b.BookingPolicy(max_reschedules=None)
    assert unlimited.to_dict()["max_reschedules"] is None


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        b.Cancel.from_dict({"command": "cancel", "appointment_id": "a-1", "why": "x"})
    with pytest.raises(InvalidInputError):
        b.Actor.from_dict({"kind": "doctor", "id": "x"})


def test_helpers() -> None:
    assert b.Actor.staff("rcp-7") == b.Actor(kind=b.ActorKind.STAFF, id="rcp-7")
    assert b.Actor.patient("pat-1") == PATIENT
    assert str(b.Actor.staff("rcp-7")) == "staff rcp-7"
    assert str(BOOK_STREAM) == "clinic-1/2026-03-03"
    assert str(QUEUE_STREAM) == "clinic-1/2026-03-03/tokens/dr-a"


def test_unions_list_every_variant() -> None:
    commands = {c._tag[1] for c in typing.get_args(b.Command) if c._tag is not None}
    assert commands == {data["command"] for data, _ in COMMANDS}
    changes = {c._tag[1] for c in typing.get_args(b.Change) if c._tag is not None}
    assert changes == {data["type"] for data, _ in CHANGES}
    # AnyChange names TokenChange by a forward reference (tokens imports this module).
    change = typing.get_type_hints(b.Event)["change"]
    assert set(typing.get_args(change)) == set(typing.get_args(b.Change)) | set(
        typing.get_args(token_changes.TokenChange)
    )


# --- naive datetimes are refused ----------------------------------------------------------

NAIVE = datetime(2026, 3, 2, 9, 0)
AWARE_FIELDS: List[Tuple[Any, str]] = [
    (SLOT, "start"),
    (SLOT, "end"),
    (HOLD, "placed_at"),
    (HOLD, "expires_at"),
    (APPOINTMENT, "booked_at"),
    (APPOINTMENT, "confirmed_at"),
    (APPOINTMENT, "updated_at"),
    (COMMANDS[0][1], "start"),
    (COMMANDS[4][1], "start"),
    (COMMANDS[11][1], "start"),
    (CASES[9][2], "start"),
    (CASES[10][2], "start"),
    (CHANGES[1][1], "previous_expires_at"),
    (CHANGES[1][1], "expires_at"),
    (EVENT, "at"),
    (NOTIFICATION, "start"),
    (NOTIFICATION, "send_at"),
]


@pytest.mark.parametrize(
    "value, name", AWARE_FIELDS, ids=[f"{type(v).__name__}.{n}" for v, n in AWARE_FIELDS]
)
def test_naive_datetime_is_refused(value: Any, name: str) -> None:
    with pytest.raises(TypeError, match="aware"):
        dataclasses.replace(value, **{name: NAIVE})
    other_zone = timezone(timedelta(hours=5, minutes=30))
    shifted = dataclasses.replace(value, **{name: NAIVE.replace(tzinfo=other_zone)})
    assert getattr(type(value).from_dict(shifted.to_dict()), name) == datetime(
        2026, 3, 2, 3, 30, tzinfo=UTC
    )


# --- every command and actor of the shared booking vectors -------------------------------

STEPS = [
    (case["name"], i, step)
    for case in json.loads((TESTDATA / "vectors" / "booking.json").read_text())["cases"]
    for i, step in enumerate(case["steps"])
]
COMMAND_CLASSES = {c._tag[1]: c for c in typing.get_args(b.Command) if c._tag is not None}
OPTIONAL = {"place_hold": ["minutes"], "extend_hold": ["minutes"], "decline": ["reason"],
            "cancel": ["reason"]}


@pytest.mark.parametrize("step", STEPS, ids=[f"{name}#{i}" for name, i, _ in STEPS])
def test_vector_steps_decode(step: Tuple[str, int, Dict[str, Any]]) -> None:
    _, _, data = step
    actor = b.Actor.from_dict(data["actor"])
    assert isinstance(actor.kind, b.ActorKind) and actor.id == data["actor"]["id"]
    assert actor.to_dict() == data["actor"]

    text = data["command"]
    cls = COMMAND_CLASSES[text["command"]]
    command = cls.from_dict(text)
    canonical = {**{k: None for k in OPTIONAL.get(text["command"], [])}, **text}
    assert command.to_dict() == canonical
    for key, value in canonical.items():
        if key == "command":
            continue
        got = getattr(command, key)
        if key == "start":
            assert got.tzinfo is UTC and got.isoformat().replace("+00:00", "Z") == value
        else:
            assert got == value
    assert cls(**{k: getattr(command, k) for k in canonical if k != "command"}) == command
