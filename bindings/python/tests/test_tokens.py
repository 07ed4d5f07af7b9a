"""The token service over the in-memory store: issuing, every token command, the queue and its
views, notifications, the pure decider, meet links and wait estimates."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, List, Optional, Tuple

import pytest

import medsched as m
from conftest import MON, NOW, PATIENT, STAFF, TENANT, at, book_request, minutes

MORNING = m.TokenSession(id="morning", start=at(MON, "09:00"), end=at(MON, "13:00"))
EVENING = m.TokenSession(id="evening", start=at(MON, "16:00"), end=at(MON, "19:00"))
RULES = m.QueueRules(sessions=[MORNING, EVENING])
DAY = m.QueueDay(tenant=TENANT, doctor_id="dr-a", date=MON)
OPEN = at(MON, "09:00")
LINK = "https://meet.google.com/abc-defg-hij"


@pytest.fixture
def tokens(store: m.InMemoryStore) -> m.Tokens:
    return m.Tokens(store)


def request(token_id: str, kind: m.TokenKind = m.TokenKind.WALK_IN, patient: str = "",
            **fields: Any) -> m.TokenRequest:
    return m.TokenRequest(token_id=token_id, kind=kind, patient_id=patient or f"p-{token_id}",
                          **fields)


def issue(tokens: m.Tokens, *ids: str, rules: m.QueueRules = RULES, **fields: Any) -> List[int]:
    """Walk-in tokens issued at the desk at 09:00; their numbers."""
    out = []
    for id in ids:
        token = tokens.issue(DAY, rules, STAFF, OPEN, request(id, **fields)).token
        assert token is not None
        out.append(token.number)
    return out


def notes(update: m.QueueUpdate) -> List[Tuple[str, int, Optional[int]]]:
    return [(n.kind.value, n.number, n.position) for n in update.notifications]


def stream(store: m.InMemoryStore) -> m.LoadedStream:
    return store.load_stream(m.StreamId(tenant=TENANT, date=MON, doctor_id="dr-a"))


# --- issuing -------------------------------------------------------------------------------


def test_issue_walk_in_phone_and_emergency_tokens(tokens: m.Tokens) -> None:
    first = tokens.issue(DAY, RULES, STAFF, at(MON, "08:30"), request("w1"))
    token = first.token
    assert token is not None
    assert (token.number, token.kind, token.state, token.session_id) == (
        1, m.TokenKind.WALK_IN, m.TokenState.WAITING, "morning")
    assert (token.issued_by, token.issued_at, token.arrived_at) == (STAFF, at(MON, "08:30"),
                                                                   at(MON, "08:30"))
    assert [e.to_dict()["type"] for e in first.events] == ["token_issued"]
    assert notes(first) == [("position_update", 1, 1)]
    phone = tokens.issue(DAY, RULES, STAFF, at(MON, "08:31"), request("ph", m.TokenKind.PHONE))
    assert phone.token is not None and phone.token.arrived_at is None  # not at the desk
    emergency = tokens.issue(DAY, RULES, STAFF, at(MON, "08:32"),
                             request("em", m.TokenKind.EMERGENCY))
    assert emergency.queue.line == [3, 1, 2]  # ahead of everyone waiting
    assert notes(emergency) == [("position_update", 3, 1), ("position_update", 1, 2),
                                ("position_update", 2, 3)]
    evening = tokens.issue(DAY, RULES, STAFF, at(MON, "14:00"), request("late-walk-in"))
    assert evening.token is not None and evening.token.session_id == "evening"


def test_booked_tokens_join_the_session_of_their_start(tokens: m.Tokens) -> None:
    issue(tokens, "w1")
    booked = request("b1", m.TokenKind.BOOKED, "pat-1", appointment_id="a-1",
                     expected_at=at(MON, "16:30"))
    update = tokens.issue(DAY, RULES, PATIENT, NOW, booked)  # a patient takes their own
    assert update.token is not None
    assert (update.token.session_id, update.token.expected_at) == ("evening", at(MON, "16:30"))
    assert update.queue.token_for_appointment("a-1") == update.token
    again = tokens.issue(DAY, RULES, PATIENT, NOW, booked)
    assert again.events == [] and again.notifications == [] and again.token == update.token
    with pytest.raises(m.InvalidInputError) as missing:
        tokens.issue(DAY, RULES, STAFF, NOW, request("b2", m.TokenKind.BOOKED))
    assert (missing.value.field, missing.value.problem) == ("appointment_id", "missing")
    with pytest.raises(m.InvalidInputError) as reused:
        tokens.issue(DAY, RULES, STAFF, NOW, request("b1", m.TokenKind.WALK_IN, "pat-1"))
    assert (reused.value.field, reused.value.problem) == ("token_id", "duplicate_id")
    with pytest.raises(m.PolicyViolationError) as walk_in:
        tokens.issue(DAY, RULES, PATIENT, NOW, request("w9", patient="pat-1"))
    assert walk_in.value.rule == "staff_only"


def test_reserved_numbers_and_session_limits(tokens: m.Tokens) -> None:
    limited = m.TokenSession(id="morning", start=MORNING.start, end=MORNING.end, max_tokens=3,
                             quotas=[m.ChannelQuota(kind=m.TokenKind.PHONE, max=1)])
    rules = m.QueueRules(sessions=[limited], reserved_numbers=[2])
    assert issue(tokens, "w1", "w2", rules=rules) == [1, 3]
    assert tokens.queue(DAY).next_number(rules) == 4
    assert issue(tokens, "vip", rules=rules, number=2) == [2]
    with pytest.raises(m.PolicyViolationError) as full:
        issue(tokens, "w3", rules=rules)
    assert (full.value.rule, full.value.rule_message) == ("session_full",
                                                          "the session is full: 3 tokens")
    assert issue(tokens, "em", rules=rules, kind=m.TokenKind.EMERGENCY) == [4]
    for session_id, rule in (("morning", "session_over"), (None, "no_session")):
        with pytest.raises(m.PolicyViolationError) as over:
            tokens.issue(DAY, rules, STAFF, at(MON, "13:00"),
                         request("w4", session_id=session_id))
        assert over.value.rule == rule


def test_issue_for_appointment(schedule: m.Schedule, bookings: m.Bookings,
                               tokens: m.Tokens) -> None:
    appointment = bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "10:00")))
    update = tokens.issue_for_appointment(schedule, RULES, STAFF, NOW, appointment)
    token = update.token
    assert token is not None
    assert (token.id, token.kind, token.patient_id) == ("a-1/token", m.TokenKind.BOOKED, "pat-1")
    assert (token.appointment_id, token.expected_at, token.session_id) == (
        "a-1", at(MON, "10:00"), "morning")
    assert tokens.queue(DAY).token_by_id("a-1/token") == token
    assert tokens.issue_for_appointment(schedule, RULES, STAFF, NOW, appointment).events == []
    cancelled = bookings.cancel(schedule, STAFF, NOW, MON, "a-1")
    with pytest.raises(m.InvalidTransitionError) as caught:
        tokens.issue_for_appointment(schedule, RULES, STAFF, NOW, cancelled)
    assert (caught.value.kind, caught.value.from_status, caught.value.action) == (
        "appointment", "cancelled", "issue_token")


# --- every command -------------------------------------------------------------------------


def test_a_day_at_the_desk_runs_every_command(tokens: m.Tokens, store: m.InMemoryStore) -> None:
    assert issue(tokens, "t1", "t2") == [1, 2]
    tokens.issue(DAY, RULES, STAFF, OPEN, request("t3", m.TokenKind.PHONE))
    assert issue(tokens, "t4", mode=m.ConsultationMode.VIDEO) + issue(tokens, "t5", "t6") == [
        4, 5, 6]

    def run(command: m.TokenCommand) -> m.QueueUpdate:
        update = tokens.execute(DAY, RULES, STAFF, OPEN + minutes(5), command)
        assert m.Queue.from_events(stream(store).events) == update.queue
        return update

    checked = run(m.CheckIn(number=3))
    assert checked.token is not None and checked.token.arrived_at == OPEN + minutes(5)
    called = run(m.CallNext())
    assert notes(called) == [("your_turn", 1, 1)]
    started = run(m.StartConsultation(number=1))
    assert started.queue.line == [2, 3, 4, 5, 6] and len(started.notifications) == 5
    assert started.token is not None and started.token.waiting_at_start == 5
    assert started.queue.now_serving == started.token
    assert started.token.state == m.TokenState.CONSULTING
    with pytest.raises(m.PolicyViolationError) as busy:
        run(m.StartConsultation(number=2))
    assert busy.value.rule == "consult_in_progress"
    assert run(m.CompleteConsultation(number=1)).queue.now_serving is None
    run(m.CallNext())
    skipped = run(m.SkipToken(number=2, reason="not here"))
    assert notes(skipped)[0] == ("missed", 2, None)
    late = run(m.MarkLate(number=3))
    assert late.queue.line == [4, 5, 6]
    assert run(m.Recall(number=2)).queue.line == [2, 4, 5, 6]
    assert run(m.Reinsert(number=3, after=1)).queue.line == [2, 3, 4, 5, 6]
    assert run(m.CancelToken(number=5, reason="left")).queue.line == [2, 3, 4, 6]
    run(m.SkipToken(number=6))
    reassigned = run(m.Reassign(number=6, token_id="t6-again"))
    assert reassigned.token is not None and reassigned.token.number == 7
    assert [(r.from_, r.to) for r in reassigned.token.reassignments] == [(6, 7)]
    assert notes(reassigned)[0] == ("reassigned", 7, 4)
    moved = run(m.MoveToken(number=4, position=1))
    assert moved.queue.line == [4, 2, 3, 7]
    linked = run(m.SetMeetLink(meet_link=LINK))
    assert linked.token is None
    assert [(n.kind.value, n.number, n.meet_link) for n in linked.notifications] == [
        ("meet_link_update", 4, LINK)]
    assert run(m.SetMeetLink(meet_link=LINK)).events == []
    with pytest.raises(m.InvalidTransitionError) as caught:
        run(m.CompleteConsultation(number=2))
    assert (caught.value.kind, caught.value.id, caught.value.from_status) == ("token", "2",
                                                                              "waiting")

    queue = tokens.queue(DAY)
    assert queue.line == [4, 2, 3, 7] and [t.number for t in queue.waiting] == queue.line
    assert queue.counts() == m.TokenCounts(waiting=4, completed=1, cancelled=2)
    assert [queue.position(n) for n in (4, 7, 1)] == [1, 4, None]  # 1 is next
    assert [t.number for t in queue.next(2)] == [4, 2]
    assert queue.now_serving is None
    assert queue.last_called is not None and queue.last_called.number == 2
    assert queue.reinsertions == 2 and queue.meet_link == LINK
    old = queue.token(6)
    assert old is not None and (old.state, old.reassigned_to) == (m.TokenState.CANCELLED, 7)
    current = queue.current(6)
    assert current is not None and current.id == "t6-again"
    assert queue.token_by_id("t1") == queue.token(1) and queue.token(99) is None
    assert queue.token_by_id("nope") is None and queue.current(99) is None
    assert [t.number for t in queue.tokens] == [1, 2, 3, 4, 5, 6, 7]
    assert queue.next_number(RULES) == 8
    assert repr(queue) == "Queue(tokens=7, line=[4, 2, 3, 7], now_serving=None)"
    assert queue != m.Queue.from_events([]) and queue.__eq__(1) is NotImplemented


def test_patients_act_only_on_their_own_tokens(tokens: m.Tokens) -> None:
    issue(tokens, "t1", "t2")
    mine = m.Actor.patient("p-t1")
    with pytest.raises(m.PolicyViolationError) as caught:
        tokens.execute(DAY, RULES, mine, OPEN, m.CancelToken(number=2))
    assert (caught.value.rule, caught.value.id, caught.value.action) == ("not_owner", "2",
                                                                         "cancel")
    with pytest.raises(m.PolicyViolationError) as staff:
        tokens.execute(DAY, RULES, mine, OPEN, m.CallNext())
    assert staff.value.rule == "staff_only"
    done = tokens.execute(DAY, RULES, mine, OPEN, m.CancelToken(number=1))
    assert done.token is not None and done.token.state == m.TokenState.CANCELLED
    assert notes(done) == [("position_update", 2, 1)]


# --- the pure decider, notifications, meet links -------------------------------------------


def test_decide_token_and_queue_notifications_are_pure(tokens: m.Tokens,
                                                       store: m.InMemoryStore) -> None:
    issue(tokens, "t1", "t2")
    queue = tokens.queue(DAY)
    emergency = m.IssueToken.from_request(request("em", m.TokenKind.EMERGENCY))
    changes = m.decide_token(queue, RULES, STAFF, OPEN, emergency)
    assert len(changes) == 1 and isinstance(changes[0], m.TokenIssued)
    assert (changes[0].token.number, changes[0].index) == (3, 0)
    assert stream(store).version == 2 and tokens.queue(DAY) == queue
    after = tokens.execute(DAY, RULES, STAFF, OPEN, emergency).queue
    told = m.queue_notifications(queue.line, after, changes, 10)
    assert [(n.kind, n.number, n.position) for n in told] == [
        (m.QueueNotificationKind.POSITION_UPDATE, 3, 1),
        (m.QueueNotificationKind.POSITION_UPDATE, 1, 2),
        (m.QueueNotificationKind.POSITION_UPDATE, 2, 3),
    ]
    assert [n.number for n in m.queue_notifications(queue.line, after, changes, 1)] == [3]
    called = m.decide_token(after, RULES, STAFF, OPEN, m.CallNext())
    assert called == [m.TokenCalled(number=3)]
    assert [n.kind for n in m.queue_notifications(after.line, after, called, 0)] == [
        m.QueueNotificationKind.YOUR_TURN]
    with pytest.raises(m.PolicyViolationError) as empty:
        m.decide_token(m.Queue.from_events([]), RULES, STAFF, OPEN, m.CallNext())
    assert empty.value.rule == "queue_empty"


@pytest.mark.parametrize("link,ok", [
    (LINK, True), (LINK + "?authuser=1", True), ("http://meet.google.com/abc-defg-hij", False),
    ("https://meet.google.com/abc-defg-hi", False), ("https://zoom.us/j/123", False),
])
def test_validate_meet_link(link: str, ok: bool) -> None:
    if ok:
        m.validate_meet_link(link)
        return
    with pytest.raises(m.InvalidInputError) as caught:
        m.validate_meet_link(link)
    assert (caught.value.field, caught.value.value, caught.value.problem) == (
        "meet_link", link, "malformed")


def test_video_consultations_need_the_meet_link(tokens: m.Tokens) -> None:
    issue(tokens, "v1", mode=m.ConsultationMode.VIDEO)
    with pytest.raises(m.PolicyViolationError) as caught:
        tokens.execute(DAY, RULES, STAFF, OPEN, m.StartConsultation(number=1))
    assert caught.value.rule == "meet_link_missing"
    tokens.execute(DAY, RULES, STAFF, OPEN, m.SetMeetLink(meet_link=LINK))
    called = tokens.execute(DAY, RULES, STAFF, OPEN, m.CallNext())
    assert [(n.kind.value, n.meet_link) for n in called.notifications] == [("your_turn", LINK)]
    started = tokens.execute(DAY, RULES, STAFF, OPEN, m.StartConsultation(number=1)).token
    assert started is not None and started.meet_link == LINK


# --- wait estimates ------------------------------------------------------------------------


def test_wait_estimates_with_both_estimators(tokens: m.Tokens) -> None:
    issue(tokens, "t1", "t2", "t3")
    tokens.execute(DAY, RULES, STAFF, OPEN, m.StartConsultation(number=1))
    now = OPEN + minutes(4)
    history = m.DoctorHistory.from_durations([10.0, 10.0, 10.0])
    average = tokens.wait_estimates(DAY, RULES, now, history,
                                    m.MovingAverageEstimator(window=3, p90_factor=2.0))
    # 10 minutes a patient, 4 of the running consultation already gone.
    assert [(e.number, e.minutes, e.p90_minutes) for e in average] == [(2, 6.0, 12.0),
                                                                       (3, 16.0, 32.0)]
    queue = tokens.queue(DAY)
    snapshot = queue.wait_snapshot(RULES, "morning", now)
    assert snapshot is not None
    assert [w.number for w in snapshot.waiting] == [2, 3] and snapshot.consulting_since == OPEN
    assert queue.wait_snapshot(RULES, "night", now) is None
    default = tokens.wait_estimates(DAY, RULES, now, history)
    assert default == m.QueueEstimator().estimate(snapshot, history)
    assert [e.number for e in default] == [2, 3]
    assert 0 < default[0].minutes < default[1].minutes
    assert all(e.p90_minutes >= e.minutes for e in default)
    assert m.MovingAverageEstimator(window=3, p90_factor=2.0).estimate(snapshot,
                                                                       history) == average
    assert repr(m.MovingAverageEstimator()) == "MovingAverageEstimator(window=30, p90_factor=1.5)"
    assert repr(m.QueueEstimator()) == "QueueEstimator()"


def test_doctor_history_is_learnt_from_past_days(tokens: m.Tokens) -> None:
    by_lengths = m.DoctorHistory.from_durations([8, 9, 10, 11])
    assert by_lengths.recent_minutes == [8.0, 9.0, 10.0, 11.0]
    assert (by_lengths.durations.days, by_lengths.durations.consultations) == (1, 4)
    assert 8 < math.exp(by_lengths.durations.log_mean) < 11  # the median length
    day = m.PastDay(durations=[8, 9, 10, 11], booked=4, no_shows=1, emergencies=1,
                    session_minutes=240, arrival_offsets=[-5, -10, 0])
    learnt = m.DoctorHistory.from_days([day, day])
    assert learnt.recent_minutes == [8.0, 9.0, 10.0, 11.0] * 2
    assert (learnt.durations.days, learnt.durations.consultations) == (2, 8)
    assert learnt.rates.session_hours == 8.0
    assert m.DoctorHistory.from_days([]) == m.DoctorHistory()
    # A finished day becomes history, one PastDay per session.
    issue(tokens, "t1", "t2")
    tokens.execute(DAY, RULES, STAFF, OPEN, m.StartConsultation(number=1))
    tokens.execute(DAY, RULES, STAFF, OPEN + minutes(12), m.CompleteConsultation(number=1))
    past = tokens.queue(DAY).past_days(RULES)
    assert [(p.durations, p.session_minutes) for p in past] == [([12.0], 240.0), ([], 180.0)]


def test_naive_now_is_refused_by_the_token_service(tokens: m.Tokens) -> None:
    naive = datetime(2026, 3, 2, 9, 0)
    with pytest.raises(TypeError, match="^now must be an aware datetime"):
        tokens.issue(DAY, RULES, STAFF, naive, request("t1"))
    with pytest.raises(TypeError, match="^now must be an aware datetime"):
        tokens.wait_estimates(DAY, RULES, naive, m.DoctorHistory())
    with pytest.raises(TypeError, match="TokenSession.start must be an aware datetime"):
        m.TokenSession(id="x", start=naive, end=at(MON, "10:00"))
    assert repr(tokens) == "Tokens(store=InMemoryStore())"
