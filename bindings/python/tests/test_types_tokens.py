"""The token data classes against the core's JSON: testdata/vectors/tokens.json, plus JSON
written here in the form Rust writes (the wait classes are in test_types_waits.py)."""

from __future__ import annotations

import json
import typing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Tuple, Type

import pytest

from medsched._codec import Record, decode
from medsched.booking import Actor, ActorKind
from medsched.calendar import ConsultationMode
from medsched import (
    CallNext,
    CancelToken,
    ChannelQuota,
    CheckIn,
    CompleteConsultation,
    ConsultationCompleted,
    ConsultationStarted,
    EmergencyOrder,
    IssueToken,
    MarkLate,
    MeetLinkUpdated,
    MoveToken,
    QueueDay,
    QueueNotification,
    QueueNotificationKind,
    QueueRules,
    Reassign,
    Reassignment,
    Recall,
    Reinsert,
    SetMeetLink,
    SkipToken,
    StartConsultation,
    Token,
    TokenAmended,
    TokenCalled,
    TokenCancelled,
    TokenChange,
    TokenCheckedIn,
    TokenCommand,
    TokenCounts,
    TokenIssued,
    TokenKind,
    TokenMarkedLate,
    TokenMoved,
    TokenReassigned,
    TokenReinserted,
    TokenRequest,
    TokenSession,
    TokenSkipped,
    TokenState,
    WalkInPlacement,
)
from medsched.waits import (
    Consultation,
    QueueSnapshot,
    SkippedToken,
    WaitingToken,
)
from types_support import filled, ident, utc

VECTORS = Path(__file__).resolve().parents[3] / "testdata" / "vectors"
TOKENS = json.loads((VECTORS / "tokens.json").read_text())


def variants(alias: Any) -> Dict[str, Type[Record]]:
    return {cls._tag[1]: cls for cls in typing.get_args(alias)}


COMMANDS = variants(TokenCommand)
CHANGES = variants(TokenChange)
REQUEST_DEFAULTS = {
    "session_id": None,
    "mode": "in_person",
    "appointment_id": None,
    "expected_at": None,
    "number": None,
}
COMMAND_DEFAULTS: Dict[str, Dict[str, Any]] = {
    "issue": REQUEST_DEFAULTS,
    **{a: {"reason": None} for a in ("cancel", "skip", "mark_late", "recall", "reassign")},
    "move": {"reason": None},
    "reinsert": {"after": None, "reason": None},
}
RULES_DEFAULTS = {
    "reserved_numbers": [],
    "late_reinsert_after": 3,
    "emergencies_first": True,
    "notify_next": 10,
    "walk_ins": "end",
    "emergency_order": "fifo",
}
SESSION_DEFAULTS: Dict[str, Any] = {"max_tokens": None, "quotas": []}

DESK = {"kind": "staff", "id": "rcp-1"}
TOKEN_JSON: Dict[str, Any] = {
    "id": "a-1/token",
    "number": 1,
    "kind": "booked",
    "patient_id": "pat-1",
    "session_id": "morning",
    "mode": "video",
    "appointment_id": "a-1",
    "expected_at": "2026-03-02T04:00:00Z",
    "state": "consulting",
    "issued_at": "2026-03-01T10:00:00Z",
    "arrived_at": "2026-03-02T03:10:00Z",
    "issued_by": {"kind": "patient", "id": "pat-1"},
    "called_at": "2026-03-02T04:01:00Z",
    "started_at": "2026-03-02T04:02:30.250Z",
    "waiting_at_start": 4,
    "returned_at": None,
    "ended_at": None,
    "meet_link": "https://meet.google.com/abc-defg-hij",
    "reassigned_to": None,
    "reassignments": [],
}
TOKEN = Token(
    id="a-1/token",
    number=1,
    kind=TokenKind.BOOKED,
    patient_id="pat-1",
    session_id="morning",
    mode=ConsultationMode.VIDEO,
    appointment_id="a-1",
    expected_at=utc("2026-03-02T04:00:00Z"),
    state=TokenState.CONSULTING,
    issued_at=utc("2026-03-01T10:00:00Z"),
    arrived_at=utc("2026-03-02T03:10:00Z"),
    issued_by=Actor(kind=ActorKind.PATIENT, id="pat-1"),
    called_at=utc("2026-03-02T04:01:00Z"),
    started_at=utc("2026-03-02T04:02:30.250Z"),
    waiting_at_start=4,
    meet_link="https://meet.google.com/abc-defg-hij",
    reassignments=[],
)
REASSIGNED_JSON: Dict[str, Any] = {
    **TOKEN_JSON,
    "id": "a-1/token-2",
    "number": 6,
    "mode": "in_person",
    "state": "waiting",
    "issued_at": "2026-03-02T04:30:00Z",
    "arrived_at": "2026-03-02T04:30:00Z",
    "issued_by": DESK,
    "called_at": None,
    "started_at": None,
    "waiting_at_start": None,
    "meet_link": None,
    "reassignments": [
        {
            "from": 1,
            "to": 6,
            "reason": "came back",
            "at": "2026-03-02T04:30:00Z",
            "by": DESK,
        }
    ],
}
REASSIGNED = Token(
    id="a-1/token-2",
    number=6,
    kind=TokenKind.BOOKED,
    patient_id="pat-1",
    session_id="morning",
    mode=ConsultationMode.IN_PERSON,
    appointment_id="a-1",
    expected_at=utc("2026-03-02T04:00:00Z"),
    state=TokenState.WAITING,
    issued_at=utc("2026-03-02T04:30:00Z"),
    arrived_at=utc("2026-03-02T04:30:00Z"),
    issued_by=Actor(kind=ActorKind.STAFF, id="rcp-1"),
    reassignments=[
        Reassignment(
            from_=1,
            to=6,
            reason="came back",
            at=utc("2026-03-02T04:30:00Z"),
            by=Actor(kind=ActorKind.STAFF, id="rcp-1"),
        )
    ],
)

# (canonical JSON as Rust writes it, the same value built by keyword)
COMMAND_CASES: List[Tuple[Dict[str, Any], Record]] = [
    (
        {
            "action": "issue",
            "token_id": "a-1/token",
            "kind": "booked",
            "patient_id": "pat-1",
            "session_id": "morning",
            "mode": "video",
            "appointment_id": "a-1",
            "expected_at": "2026-03-02T04:00:00Z",
            "number": None,
        },
        IssueToken(
            token_id="a-1/token",
            kind=TokenKind.BOOKED,
            patient_id="pat-1",
            session_id="morning",
            mode=ConsultationMode.VIDEO,
            appointment_id="a-1",
            expected_at=utc("2026-03-02T04:00:00Z"),
        ),
    ),
    (
        {"action": "issue", "token_id": "s-1", "kind": "walk_in", "patient_id": "pat-s-1",
         **REQUEST_DEFAULTS, "number": 2},
        IssueToken(token_id="s-1", kind=TokenKind.WALK_IN, patient_id="pat-s-1", number=2),
    ),
    ({"action": "check_in", "number": 1}, CheckIn(number=1)),
    ({"action": "call_next"}, CallNext()),
    ({"action": "start", "number": 2}, StartConsultation(number=2)),
    ({"action": "complete", "number": 2}, CompleteConsultation(number=2)),
    ({"action": "cancel", "number": 3, "reason": "left"}, CancelToken(number=3, reason="left")),
    ({"action": "skip", "number": 1, "reason": None}, SkipToken(number=1)),
    ({"action": "mark_late", "number": 1, "reason": "stuck"}, MarkLate(1, "stuck")),
    ({"action": "recall", "number": 1, "reason": None}, Recall(number=1)),
    (
        {"action": "reinsert", "number": 1, "after": 0, "reason": "elderly"},
        Reinsert(number=1, after=0, reason="elderly"),
    ),
    (
        {"action": "reassign", "number": 1, "token_id": "a-1/token-2", "reason": None},
        Reassign(number=1, token_id="a-1/token-2"),
    ),
    (
        {"action": "move", "number": 3, "position": 1, "reason": "elderly"},
        MoveToken(number=3, position=1, reason="elderly"),
    ),
    (
        {"action": "set_meet_link", "meet_link": "https://meet.google.com/abc-defg-hij"},
        SetMeetLink(meet_link="https://meet.google.com/abc-defg-hij"),
    ),
]

CHANGE_CASES: List[Tuple[Dict[str, Any], Record]] = [
    ({"type": "token_issued", "token": TOKEN_JSON, "index": 0}, TokenIssued(TOKEN, 0)),
    ({"type": "token_checked_in", "number": 1}, TokenCheckedIn(number=1)),
    (
        {"type": "token_amended", "number": 1, "expected_at": None, "mode": "phone"},
        TokenAmended(number=1, mode=ConsultationMode.PHONE),
    ),
    ({"type": "token_called", "number": 1}, TokenCalled(number=1)),
    (
        {"type": "consultation_started", "number": 1, "meet_link": None, "waiting": 0},
        ConsultationStarted(number=1),
    ),
    (
        {
            "type": "consultation_started",
            "number": 1,
            "meet_link": "https://meet.google.com/abc-defg-hij",
            "waiting": 4,
        },
        ConsultationStarted(1, meet_link="https://meet.google.com/abc-defg-hij", waiting=4),
    ),
    ({"type": "consultation_completed", "number": 2}, ConsultationCompleted(number=2)),
    (
        {"type": "token_cancelled", "number": 3, "reason": "left"},
        TokenCancelled(number=3, reason="left"),
    ),
    ({"type": "token_skipped", "number": 1, "reason": None}, TokenSkipped(number=1)),
    ({"type": "token_marked_late", "number": 1, "reason": None}, TokenMarkedLate(number=1)),
    (
        {"type": "token_reinserted", "number": 1, "index": 3, "reason": None},
        TokenReinserted(number=1, index=3),
    ),
    (
        {"type": "token_reassigned", "from": 1, "token": REASSIGNED_JSON, "index": 2},
        TokenReassigned(from_=1, token=REASSIGNED, index=2),
    ),
    (
        {"type": "token_moved", "number": 3, "from_index": 2, "index": 0, "reason": "elderly"},
        TokenMoved(number=3, from_index=2, index=0, reason="elderly"),
    ),
    (
        {"type": "meet_link_updated", "meet_link": "https://meet.google.com/abc-defg-hij"},
        MeetLinkUpdated(meet_link="https://meet.google.com/abc-defg-hij"),
    ),
]

RULES_JSON: Dict[str, Any] = {
    "sessions": [
        {
            "id": "morning",
            "start": "2026-03-02T03:30:00Z",
            "end": "2026-03-02T07:30:00Z",
            "max_tokens": 40,
            "quotas": [{"kind": "booked", "max": 20}],
        },
        {
            "id": "evening",
            "start": "2026-03-02T10:30:00Z",
            "end": "2026-03-02T13:30:00Z",
            "max_tokens": None,
            "quotas": [],
        },
    ],
    "reserved_numbers": [1, 2],
    "late_reinsert_after": 3,
    "emergencies_first": True,
    "notify_next": 10,
    "walk_ins": "between_slots",
    "emergency_order": "lifo",
}
RULES = QueueRules(
    sessions=[
        TokenSession(
            id="morning",
            start=utc("2026-03-02T03:30:00Z"),
            end=utc("2026-03-02T07:30:00Z"),
            max_tokens=40,
            quotas=[ChannelQuota(kind=TokenKind.BOOKED, max=20)],
        ),
        TokenSession("evening", utc("2026-03-02T10:30:00Z"), utc("2026-03-02T13:30:00Z")),
    ],
    reserved_numbers=[1, 2],
    walk_ins=WalkInPlacement.BETWEEN_SLOTS,
    emergency_order=EmergencyOrder.LIFO,
)

# Other token types: (class, canonical JSON, value built by keyword)
RECORD_CASES: List[Tuple[Type[Record], Dict[str, Any], Record]] = [
    (Token, TOKEN_JSON, TOKEN),
    (Token, REASSIGNED_JSON, REASSIGNED),
    (Reassignment, REASSIGNED_JSON["reassignments"][0], REASSIGNED.reassignments[0]),
    (QueueRules, RULES_JSON, RULES),
    (TokenSession, RULES_JSON["sessions"][0], RULES.sessions[0]),
    (ChannelQuota, {"kind": "walk_in", "max": 5}, ChannelQuota(TokenKind.WALK_IN, 5)),
    (
        TokenRequest,
        {"token_id": "w-1", "kind": "walk_in", "patient_id": "pat-w-1", **REQUEST_DEFAULTS},
        TokenRequest(token_id="w-1", kind=TokenKind.WALK_IN, patient_id="pat-w-1"),
    ),
    (
        TokenCounts,
        {"waiting": 3, "consulting": 1, "completed": 2, "cancelled": 1, "late": 0, "skipped": 1},
        TokenCounts(waiting=3, consulting=1, completed=2, cancelled=1, skipped=1),
    ),
    (
        QueueNotification,
        {
            "kind": "your_turn",
            "number": 4,
            "patient_id": "pat-p-1",
            "position": 1,
            "meet_link": "https://meet.google.com/abc-defg-hij",
        },
        QueueNotification(
            kind=QueueNotificationKind.YOUR_TURN,
            number=4,
            patient_id="pat-p-1",
            position=1,
            meet_link="https://meet.google.com/abc-defg-hij",
        ),
    ),
    (
        QueueNotification,
        {"kind": "missed", "number": 1, "patient_id": "pat-1", "position": None,
         "meet_link": None},
        QueueNotification(QueueNotificationKind.MISSED, 1, "pat-1"),
    ),
    (
        QueueDay,
        {"tenant": "clinic-1", "doctor_id": "dr-asha", "date": "2026-03-02"},
        QueueDay(tenant="clinic-1", doctor_id="dr-asha", date=date(2026, 3, 2)),
    ),
]


# --- tokens.json -----------------------------------------------------------------------

STEPS = [
    pytest.param(step, id=f"{case['name']}#{i}")
    for case in TOKENS["cases"]
    for i, step in enumerate(case["steps"])
]


@pytest.mark.parametrize("step", STEPS)
def test_vector_steps_decode_and_round_trip(step: Dict[str, Any]) -> None:
    data = step["command"]
    cls = COMMANDS[data["action"]]
    command = cls.from_dict(data)
    assert type(command) is cls
    assert command.to_dict() == filled(data, COMMAND_DEFAULTS.get(data["action"], {}))
    assert decode(TokenCommand, command.to_dict()) == command
    actor = Actor.from_dict(step["actor"])
    assert actor.to_dict() == step["actor"] and isinstance(actor.kind, ActorKind)
    for name in step["expect"].get("events", []):
        assert name in CHANGES


@pytest.mark.parametrize("case", TOKENS["cases"], ids=lambda c: c["name"])
def test_vector_rules(case: Dict[str, Any]) -> None:
    rules = QueueRules.from_dict(case["rules"])
    expected = filled(case["rules"], RULES_DEFAULTS)
    expected["sessions"] = [filled(s, SESSION_DEFAULTS) for s in expected["sessions"]]
    assert rules.to_dict() == expected
    assert all(s.start.tzinfo == timezone.utc for s in rules.sessions)
    assert QueueRules.from_dict(rules.to_dict()) == rules


def test_vector_values() -> None:
    first = TOKENS["cases"][0]["steps"][0]["command"]
    assert IssueToken.from_dict(first) == IssueToken(
        token_id="a-1/token",
        kind=TokenKind.BOOKED,
        patient_id="pat-1",
        appointment_id="a-1",
        expected_at=datetime(2026, 3, 2, 4, 0, tzinfo=timezone.utc),
    )
    rules = QueueRules.from_dict(TOKENS["cases"][1]["rules"])
    assert rules.emergencies_first is False and rules.reserved_numbers == [2]
    assert rules.late_reinsert_after == 1 and rules.notify_next == 10
    assert rules.sessions[0].quotas == [ChannelQuota(kind=TokenKind.BOOKED, max=1)]
    assert rules.sessions[1].max_tokens is None


# --- every token type ------------------------------------------------------------------


@pytest.mark.parametrize("data, value", COMMAND_CASES, ids=lambda v: ident(v))
def test_commands(data: Dict[str, Any], value: Record) -> None:
    cls = type(value)
    assert cls._serde == "TokenCommand" and COMMANDS[data["action"]] is cls
    assert cls.from_dict(data) == value
    assert value.to_dict() == data
    assert decode(TokenCommand, data) == value


@pytest.mark.parametrize("data, value", CHANGE_CASES, ids=lambda v: ident(v))
def test_changes(data: Dict[str, Any], value: Record) -> None:
    cls = type(value)
    assert cls._serde == "TokenChange" and CHANGES[data["type"]] is cls
    assert cls.from_dict(data) == value
    assert value.to_dict() == data
    assert decode(TokenChange, data) == value


@pytest.mark.parametrize("cls, data, value", RECORD_CASES, ids=lambda v: ident(v))
def test_records(cls: Type[Record], data: Dict[str, Any], value: Record) -> None:
    decoded = cls.from_dict(data)
    assert decoded == value
    assert decoded.to_dict() == data
    assert value.to_dict() == data


def test_token_values() -> None:
    token = Token.from_dict(TOKEN_JSON)
    assert token.kind is TokenKind.BOOKED and token.state is TokenState.CONSULTING
    assert token.mode is ConsultationMode.VIDEO
    assert token.issued_by == Actor(kind=ActorKind.PATIENT, id="pat-1")
    assert token.started_at == datetime(2026, 3, 2, 4, 2, 30, 250000, tzinfo=timezone.utc)
    assert token.started_at.tzinfo == timezone.utc
    assert token.returned_at is None and token.reassignments == []
    moved = TokenReassigned.from_dict(CHANGE_CASES[11][0])
    assert moved.from_ == 1 and moved.token.reassignments[0].by.kind is ActorKind.STAFF
    assert moved.token.reassignments[0].at.tzinfo == timezone.utc
    day = QueueDay.from_dict(RECORD_CASES[-1][1])
    assert type(day.date) is date and day.date == date(2026, 3, 2)
    counts = TokenCounts.from_dict(RECORD_CASES[7][1])
    assert counts.waiting == 3 and TokenCounts() == TokenCounts.from_dict(
        dict.fromkeys(["waiting", "consulting", "completed", "cancelled", "late", "skipped"], 0)
    )


def test_issue_token_and_request_convert() -> None:
    issue = COMMAND_CASES[0][1]
    assert isinstance(issue, IssueToken)
    request = issue.request
    assert isinstance(request, TokenRequest) and request.mode is ConsultationMode.VIDEO
    assert IssueToken.from_request(request) == issue
    assert {"action": "issue", **request.to_dict()} == issue.to_dict()


def test_enums() -> None:
    assert [k.value for k in TokenKind] == ["booked", "walk_in", "phone", "emergency"]
    assert [s.value for s in TokenState] == [
        "waiting", "consulting", "completed", "cancelled", "late", "skipped"
    ]
    assert [k.value for k in QueueNotificationKind] == [
        "position_update", "your_turn", "missed", "meet_link_update", "reassigned"
    ]
    # Plain strings are accepted where an enum is expected.
    quota = ChannelQuota(kind="walk_in", max=5)  # type: ignore[arg-type]
    assert quota.to_dict() == {"kind": "walk_in", "max": 5}
    assert ChannelQuota.from_dict(quota.to_dict()).kind is TokenKind.WALK_IN


def test_reprs() -> None:
    assert repr(CheckIn(number=1)) == "CheckIn(number=1)"
    assert repr(CallNext()) == "CallNext()"
    assert repr(CancelToken(3, "left")) == "CancelToken(number=3, reason='left')"
    assert repr(TokenCalled(4)) == "TokenCalled(number=4)"
    assert repr(RECORD_CASES[-1][2]) == (
        "QueueDay(tenant='clinic-1', doctor_id='dr-asha', date=datetime.date(2026, 3, 2))"
    )
    assert repr(ChannelQuota(TokenKind.BOOKED, 20)).startswith("ChannelQuota(kind=<TokenKind.")


NAIVE = datetime(2026, 3, 2, 9, 0)


@pytest.mark.parametrize(
    "build",
    [
        lambda: TokenSession("morning", NAIVE, utc("2026-03-02T07:30:00Z")),
        lambda: IssueToken("t", TokenKind.BOOKED, "p", expected_at=NAIVE),
        lambda: TokenRequest("t", TokenKind.BOOKED, "p", expected_at=NAIVE),
        lambda: TokenAmended(number=1, mode=ConsultationMode.VIDEO, expected_at=NAIVE),
        lambda: Reassignment(from_=1, to=2, at=NAIVE, by=Actor(ActorKind.STAFF, "r")),
        lambda: Token(**{**TOKEN.__dict__, "called_at": NAIVE}),
        lambda: QueueSnapshot(NAIVE, utc("2026-03-02T03:30:00Z"), utc("2026-03-02T07:30:00Z")),
        lambda: WaitingToken(1, TokenKind.BOOKED, False, expected_at=NAIVE),
        lambda: SkippedToken(1, expected_at=NAIVE),
        lambda: Consultation(NAIVE, utc("2026-03-02T03:30:00Z")),
    ],
)
def test_naive_datetimes_refused(build: Any) -> None:
    with pytest.raises(TypeError, match="aware"):
        build()


def test_aware_datetimes_in_other_zones_become_utc() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    session = TokenSession("morning", datetime(2026, 3, 2, 9, 0, tzinfo=ist),
                           datetime(2026, 3, 2, 13, 0, tzinfo=ist))
    assert session.to_dict()["start"] == "2026-03-02T03:30:00Z"
    assert TokenSession.from_dict(session.to_dict()) == session
