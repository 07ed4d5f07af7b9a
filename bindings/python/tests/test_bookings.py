"""The booking service over the in-memory store: holds, bookings, the appointment lifecycle,
moves, collisions, the feed, notifications and reminders; day books; the pure decider."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Callable, List, Tuple

import pytest

import medsched as m
from conftest import (
    MON, NOW, OTHER_PATIENT, PATIENT, STAFF, SUN, SYSTEM, TENANT, THU, TUE, at, book_request,
    dr_a, hold_request, minutes,
)


def stored(store: m.InMemoryStore, day: date) -> m.LoadedStream:
    return store.load_stream(m.StreamId(tenant=TENANT, date=day))


def kinds(events: List[m.Event]) -> List[str]:
    return [str(e.to_dict()["type"]) for e in events]


def replayed(store: m.InMemoryStore, day: date) -> m.DayBook:
    return m.DayBook.from_events(stored(store, day).events)


# --- holds ---------------------------------------------------------------------------------


def test_a_hold_keeps_the_slot_until_booked(
    schedule: m.Schedule, bookings: m.Bookings, store: m.InMemoryStore,
) -> None:
    hold = bookings.hold(schedule, PATIENT, NOW, hold_request("h-1", at(MON, "09:00")))
    assert (hold.id, hold.patient_id, hold.status) == ("h-1", "pat-1", m.HoldStatus.HELD)
    assert (hold.book_date, hold.placed_at, hold.placed_by) == (MON, NOW, PATIENT)
    assert hold.expires_at == NOW + minutes(10)  # the patient hold length
    assert (hold.slot.doctor_id, hold.slot.room_id, hold.slot.end) == ("dr-a", "r1",
                                                                       at(MON, "09:15"))
    with pytest.raises(m.SlotUnavailableError) as taken:
        bookings.book(schedule, OTHER_PATIENT, NOW, book_request("a-2", at(MON, "09:00"),
                                                                 patient="pat-2"))
    assert taken.value.reason == m.Unavailable(code=m.UnavailableCode.HELD)
    booked = bookings.book_hold(schedule, PATIENT, NOW + minutes(5), MON, "h-1", "a-1")
    assert (booked.id, booked.hold_id, booked.status) == ("a-1", "h-1",
                                                          m.AppointmentStatus.CONFIRMED)
    assert booked.slot == hold.slot and booked.booked_at == NOW + minutes(5)
    book = bookings.day(schedule, MON)
    held = book.hold("h-1")
    assert held is not None and held.status == m.HoldStatus.BOOKED
    assert book == replayed(store, MON)


def test_holds_are_extended_within_the_policy_limit(
    schedule: m.Schedule, bookings: m.Bookings,
) -> None:
    bookings.hold(schedule, STAFF, NOW, hold_request("h-1", at(MON, "09:00")))
    later = NOW + minutes(20)
    longer = bookings.extend_hold(schedule, STAFF, later, MON, "h-1", minutes=40)
    assert longer.expires_at == later + minutes(40)  # 60 minutes after placing: the most
    default = bookings.extend_hold(schedule, STAFF, later, MON, "h-1")
    assert default.expires_at == later + minutes(40)  # never shortened
    with pytest.raises(m.PolicyViolationError) as caught:
        bookings.extend_hold(schedule, STAFF, later, MON, "h-1", minutes=41)
    assert (caught.value.rule, caught.value.action, caught.value.id) == (
        "hold_limit", "extend", "h-1")


def test_released_and_expired_holds_free_their_slots(
    schedule: m.Schedule, bookings: m.Bookings,
) -> None:
    bookings.hold(schedule, PATIENT, NOW, hold_request("h-1", at(MON, "09:00")))
    bookings.hold(schedule, PATIENT, NOW, hold_request("h-2", at(TUE, "09:00")))
    released = bookings.release_hold(schedule, PATIENT, NOW, MON, "h-1")
    assert released.status == m.HoldStatus.RELEASED
    with pytest.raises(m.InvalidTransitionError) as caught:
        bookings.release_hold(schedule, PATIENT, NOW, MON, "h-1")
    assert (caught.value.from_status, caught.value.action) == ("released", "release")
    assert bookings.expire_holds(schedule, SYSTEM, NOW + minutes(9), MON, TUE) == []
    expired = bookings.expire_holds(schedule, SYSTEM, NOW + minutes(10), MON, TUE)
    assert [(h.id, h.status, h.book_date) for h in expired] == [
        ("h-2", m.HoldStatus.EXPIRED, TUE)]
    assert bookings.expire_holds(schedule, SYSTEM, NOW + minutes(11), MON, TUE) == []
    for day in (MON, TUE):
        bookings.book(schedule, OTHER_PATIENT, NOW + minutes(11),
                      book_request(f"a-{day.day}", at(day, "09:00"), patient="pat-2"))


# --- bookings and the appointment lifecycle ------------------------------------------------


def test_a_repeated_booking_is_a_no_op_and_a_reused_id_is_refused(
    schedule: m.Schedule, bookings: m.Bookings, store: m.InMemoryStore,
) -> None:
    request = book_request("a-1", at(MON, "09:00"))
    first = bookings.book(schedule, PATIENT, NOW, request)
    assert bookings.book(schedule, PATIENT, NOW + minutes(1), request) == first
    assert stored(store, MON).version == 1
    with pytest.raises(m.InvalidInputError) as caught:
        bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "10:00")))
    assert (caught.value.field, caught.value.value, caught.value.problem) == (
        "appointment_id", "a-1", "duplicate_id")


def test_pending_bookings_are_confirmed_or_declined_by_staff(
    schedule: m.Schedule, bookings: m.Bookings,
) -> None:
    for id, hm in (("a-1", "09:00"), ("a-2", "09:15")):
        pending = bookings.book(schedule, PATIENT, NOW, book_request(id, at(MON, hm),
                                                                     type_id="review"))
        assert pending.status == m.AppointmentStatus.PENDING and pending.confirmed_at is None
    with pytest.raises(m.PolicyViolationError) as caught:
        bookings.confirm(schedule, PATIENT, NOW, MON, "a-1")
    assert caught.value.rule == "staff_only"
    confirmed = bookings.confirm(schedule, STAFF, NOW + minutes(1), MON, "a-1")
    assert (confirmed.status, confirmed.confirmed_at) == (m.AppointmentStatus.CONFIRMED,
                                                          NOW + minutes(1))
    declined = bookings.decline(schedule, STAFF, NOW, MON, "a-2", reason="referral needed")
    assert (declined.status, declined.end_reason, declined.ended_by) == (
        m.AppointmentStatus.DECLINED, "referral needed", STAFF)
    staff_booked = bookings.book(schedule, STAFF, NOW, book_request("a-3", at(MON, "09:15"),
                                                                    type_id="review"))
    assert staff_booked.status == m.AppointmentStatus.CONFIRMED  # staff need no confirmation


def test_complete_and_no_show_once_the_appointment_has_started(
    schedule: m.Schedule, bookings: m.Bookings,
) -> None:
    bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00")))
    bookings.book(schedule, PATIENT, NOW, book_request("a-2", at(MON, "09:15")))
    with pytest.raises(m.PolicyViolationError) as early:
        bookings.complete(schedule, STAFF, at(MON, "08:59"), MON, "a-1")
    assert (early.value.rule, early.value.action) == ("not_started", "complete")
    done = bookings.complete(schedule, STAFF, at(MON, "09:10"), MON, "a-1")
    assert (done.status, done.updated_at) == (m.AppointmentStatus.COMPLETED, at(MON, "09:10"))
    absent = bookings.mark_no_show(schedule, STAFF, at(MON, "09:30"), MON, "a-2")
    assert absent.status == m.AppointmentStatus.NO_SHOW
    with pytest.raises(m.InvalidTransitionError):
        bookings.mark_no_show(schedule, STAFF, at(MON, "09:30"), MON, "a-1")


def test_cancel_frees_the_slot_and_respects_the_notice(
    schedule: m.Schedule, bookings: m.Bookings,
) -> None:
    bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00")))
    cancelled = bookings.cancel(schedule, PATIENT, NOW, MON, "a-1", reason="feeling better")
    assert (cancelled.status, cancelled.ended_by, cancelled.end_reason) == (
        m.AppointmentStatus.CANCELLED, PATIENT, "feeling better")
    again = bookings.book(schedule, OTHER_PATIENT, NOW, book_request("a-2", at(MON, "09:00"),
                                                                     patient="pat-2"))
    assert again.status == m.AppointmentStatus.CONFIRMED
    bookings.book(schedule, PATIENT, NOW, book_request("a-3", at(MON, "10:00"),
                                                       type_id="limited"))
    with pytest.raises(m.PolicyViolationError) as caught:
        bookings.cancel(schedule, PATIENT, at(SUN, "10:01"), MON, "a-3")  # 24 h ahead
    assert (caught.value.rule, caught.value.action) == ("cancel_notice", "cancel")
    assert caught.value.rule_message == "patients must cancel 1440 minutes ahead"
    assert bookings.cancel(schedule, STAFF, at(SUN, "10:01"), MON, "a-3").ended_by == STAFF


def test_reschedule_within_the_day(
    schedule: m.Schedule, bookings: m.Bookings, store: m.InMemoryStore,
) -> None:
    bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00")))
    moved = bookings.reschedule(schedule, PATIENT, NOW, MON, "a-1", at(MON, "10:00"))
    assert (moved.slot.start, moved.reschedule_count, moved.book_date) == (at(MON, "10:00"), 1,
                                                                          MON)
    assert kinds(stored(store, MON).events)[-1] == "appointment_rescheduled"
    free = bookings.book(schedule, OTHER_PATIENT, NOW, book_request("a-2", at(MON, "09:00"),
                                                                    patient="pat-2"))
    assert free.slot.start == at(MON, "09:00")
    with pytest.raises(m.SlotUnavailableError) as caught:
        bookings.reschedule(schedule, PATIENT, NOW, MON, "a-1", at(MON, "09:00"))
    assert caught.value.reason is not None
    assert caught.value.reason.code == m.UnavailableCode.BOOKED


def test_reschedule_across_days_is_followed(
    schedule: m.Schedule, bookings: m.Bookings,
) -> None:
    bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00"),
                                                       type_id="limited"))
    moved = bookings.reschedule(schedule, PATIENT, NOW, MON, "a-1", at(TUE, "11:00"))
    assert (moved.book_date, moved.moved_from, moved.reschedule_count) == (TUE, MON, 1)
    assert moved.slot.start == at(TUE, "11:00")
    old = bookings.day(schedule, MON).appointment("a-1")
    assert old is not None and old.moved_to == TUE
    assert bookings.appointment(schedule, MON, "a-1") == moved
    with pytest.raises(m.PolicyViolationError) as caught:
        bookings.reschedule(schedule, PATIENT, NOW, MON, "a-1", at(TUE, "11:30"))
    assert caught.value.rule == "reschedule_limit"
    # Status changes follow the appointment from the day it was first booked on.
    assert bookings.cancel(schedule, STAFF, NOW, MON, "a-1").book_date == TUE
    with pytest.raises(m.NotFoundError) as missing:
        bookings.appointment(schedule, MON, "a-404")
    assert (missing.value.kind, missing.value.id) == ("appointment", "a-404")


def test_void_unfinished_moves_voids_a_copy_its_mover_left(
    schedule: m.Schedule, bookings: m.Bookings, store: m.InMemoryStore,
) -> None:
    original = bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00")))
    # A mover that died between its two appends: the copy is on Tuesday, Monday never let go.
    slot = dataclasses.replace(original.slot, start=at(TUE, "09:00"), end=at(TUE, "09:15"))
    copy = dataclasses.replace(original, slot=slot, book_date=TUE, moved_from=MON,
                               moved_from_version=1, reschedule_count=1)
    event = m.Event(tenant=TENANT, actor=PATIENT, at=NOW,
                    change=m.AppointmentBooked(appointment=copy))
    store.append_events(m.StreamId(tenant=TENANT, date=TUE), 0, [event])
    assert bookings.appointment(schedule, TUE, "a-1") == original  # the copy is in transit
    voided = bookings.void_unfinished_moves(schedule, SYSTEM, NOW, MON, TUE)
    assert [(a.id, a.book_date) for a in voided] == [("a-1", TUE)]
    assert kinds(stored(store, TUE).events) == ["appointment_booked", "appointment_move_aborted"]
    assert kinds(stored(store, MON).events)[-1] == "appointment_move_voided"
    assert bookings.void_unfinished_moves(schedule, SYSTEM, NOW, MON, TUE) == []
    assert bookings.appointment(schedule, MON, "a-1").book_date == MON


def test_collisions_list_what_a_new_calendar_no_longer_allows(
    schedule: m.Schedule, bookings: m.Bookings,
) -> None:
    booked = bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00")))
    bookings.book(schedule, PATIENT, NOW, book_request("a-2", at(TUE, "09:00")))
    assert bookings.collisions(schedule, MON, TUE, NOW) == []
    calendar = dr_a()
    calendar.leaves.append(m.Leave(id="sick", status=m.LeaveStatus.APPROVED, first=MON,
                                   last=MON))
    schedule.set_calendar(calendar)
    found = bookings.collisions(schedule, MON, TUE, NOW)
    assert found == [m.Collision(
        appointment=booked,
        reason=m.Unavailable(code=m.UnavailableCode.CLOSED, rule=m.RuleKind.LEAVE,
                             rule_id="sick"),
    )]
    assert bookings.collisions(schedule, MON, TUE, at(MON, "09:15")) == []  # already over
    with pytest.raises(m.InvalidInputError) as caught:
        bookings.collisions(schedule, TUE, MON, NOW)
    assert (caught.value.field, caught.value.problem) == ("dates", "end_not_after_start")


# --- execute, day books and the pure decider -----------------------------------------------


def test_execute_decides_any_command(
    schedule: m.Schedule, bookings: m.Bookings, store: m.InMemoryStore,
) -> None:
    script: List[Tuple[m.Actor, m.Command]] = [
        (PATIENT, m.PlaceHold(hold_id="h-1", patient_id="pat-1", doctor_id="dr-a",
                              appointment_type_id="consult", start=at(MON, "09:00"))),
        (PATIENT, m.ExtendHold(hold_id="h-1", minutes=10)),
        (PATIENT, m.BookHold(appointment_id="a-1", hold_id="h-1")),
        (PATIENT, m.Reschedule(appointment_id="a-1", start=at(MON, "09:30"))),
        (PATIENT, m.Reschedule(appointment_id="a-1", start=at(MON, "09:30"))),
        (OTHER_PATIENT, m.Book(appointment_id="a-2", patient_id="pat-2", doctor_id="dr-c",
                               appointment_type_id="review", start=at(MON, "09:00"))),
        (STAFF, m.Confirm(appointment_id="a-2")),
        (STAFF, m.Cancel(appointment_id="a-2", reason="moved away")),
        (STAFF, m.PlaceHold(hold_id="h-2", patient_id="pat-2", doctor_id="dr-c",
                            appointment_type_id="consult", start=at(MON, "10:00"), minutes=5)),
        (STAFF, m.ReleaseHold(hold_id="h-2")),
        (SYSTEM, m.ExpireHolds()),
    ]
    names = []
    for actor, command in script:
        book, events = bookings.execute(schedule, actor, NOW, MON, command)
        assert book == replayed(store, MON)
        assert all(e.actor == actor and e.at == NOW and e.tenant == TENANT for e in events)
        names.append(kinds(events))
    assert names == [["hold_placed"], ["hold_extended"], ["appointment_booked"],
                     ["appointment_rescheduled"], [], ["appointment_booked"],
                     ["appointment_confirmed"], ["appointment_cancelled"], ["hold_placed"],
                     ["hold_released"], []]
    assert [(a.id, a.status) for a in book.appointments] == [
        ("a-1", m.AppointmentStatus.CONFIRMED), ("a-2", m.AppointmentStatus.CANCELLED)]
    assert [(h.id, h.status) for h in book.holds] == [("h-1", m.HoldStatus.BOOKED),
                                                      ("h-2", m.HoldStatus.RELEASED)]
    with pytest.raises(m.InvalidTransitionError) as caught:
        bookings.execute(schedule, STAFF, NOW, MON, m.Confirm(appointment_id="a-2"))
    assert (caught.value.from_status, caught.value.action) == ("cancelled", "confirm")


def test_day_book_views(schedule: m.Schedule, bookings: m.Bookings,
                        store: m.InMemoryStore) -> None:
    bookings.hold(schedule, PATIENT, NOW, hold_request("h-1", at(MON, "09:15")))
    bookings.book(schedule, OTHER_PATIENT, NOW, book_request("a-1", at(MON, "09:00"),
                                                             patient="pat-2"))
    bookings.book(schedule, STAFF, NOW, book_request("b-1", at(MON, "10:00"), doctor="dr-b"))
    book = bookings.day(schedule, MON)
    assert [h.id for h in book.holds] == ["h-1"]
    assert [a.id for a in book.appointments] == ["a-1", "b-1"]
    assert book.hold("h-1") == book.holds[0] and book.hold("nope") is None
    assert book.appointment("b-1") == book.appointments[1] and book.appointment("x") is None
    assert repr(book) == "DayBook(holds=1, appointments=2)"
    taken = book.occupancy(NOW)
    assert sorted((r.id, r.expires_at) for r in taken.reservations) == [
        ("a-1", None), ("b-1", None), ("h-1", NOW + minutes(10))]
    assert {r.id for r in book.occupancy(NOW, except_id="a-1").reservations} == {"b-1", "h-1"}
    assert {r.id for r in book.occupancy(NOW + minutes(10)).reservations} == {"a-1", "b-1"}
    # The book's occupancy, read by the slot engine: booked, held, and the shared room.
    series = schedule.availability("dr-a").slots(
        m.SlotRequest(appointment_type=schedule.appointment_type("consult"),
                      start=at(MON, "09:00"), end=at(MON, "10:15"), now=NOW),
        taken, m.SlotOptions(include_unavailable=True),
    )
    assert [(u.start.strftime("%H:%M"), u.reason.code.value) for u in series.unavailable] == [
        ("09:00", "booked"), ("09:15", "held"), ("10:00", "room_full")]
    assert [s.start.strftime("%H:%M") for s in series.slots] == ["09:30", "09:45"]
    # The same, handed over without leaving Rust.
    prepared = book.prepared_occupancy(NOW)
    assert prepared.to_occupancy() == taken
    assert book.prepared_occupancy(NOW, except_id="a-1").to_occupancy() == book.occupancy(
        NOW, except_id="a-1")
    assert book == replayed(store, MON) and book != m.DayBook.from_events([])
    assert book.__eq__("book") is NotImplemented
    assert bookings.day(schedule, SUN).appointments == []


def test_decide_is_pure(schedule: m.Schedule, bookings: m.Bookings,
                        store: m.InMemoryStore) -> None:
    bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:00")))
    book = bookings.day(schedule, MON)
    command = m.Book(appointment_id="a-2", patient_id="pat-2", doctor_id="dr-a",
                     appointment_type_id="consult", start=at(MON, "09:15"))
    changes = m.decide(schedule, book, OTHER_PATIENT, NOW, MON, command)
    assert len(changes) == 1 and isinstance(changes[0], m.AppointmentBooked)
    assert changes[0].appointment.id == "a-2"
    assert changes[0].appointment.slot.start == at(MON, "09:15")
    assert m.decide(schedule, book, OTHER_PATIENT, NOW, MON, command) == changes
    assert stored(store, MON).version == 1 and bookings.day(schedule, MON) == book
    cancel = m.decide(schedule, book, STAFF, NOW, MON, m.Cancel(appointment_id="a-1"))
    assert isinstance(cancel[0], m.AppointmentCancelled) and cancel[0].slot.start == at(MON,
                                                                                       "09:00")
    with pytest.raises(m.SlotUnavailableError):
        m.decide(schedule, book, OTHER_PATIENT, NOW, MON,
                 dataclasses.replace(command, start=at(MON, "09:00")))
    with pytest.raises(m.InvalidInputError) as caught:
        m.decide(schedule, book, OTHER_PATIENT, NOW, TUE, command)  # not on Tuesday's book
    assert (caught.value.field, caught.value.problem) == ("start", "out_of_range")


# --- the feed, notifications and reminders -------------------------------------------------


def test_feed_and_feed_notifications(schedule: m.Schedule, bookings: m.Bookings) -> None:
    bookings.hold(schedule, PATIENT, NOW, hold_request("h-1", at(MON, "09:00")))
    bookings.book_hold(schedule, PATIENT, NOW, MON, "h-1", "a-1")
    bookings.book(schedule, PATIENT, NOW, book_request("a-2", at(TUE, "09:00"),
                                                       type_id="review"))
    bookings.cancel(schedule, STAFF, NOW + minutes(1), TUE, "a-2")
    feed = bookings.feed(schedule)
    assert [(e.position, e.stream.date, e.version) for e in feed] == [
        (1, MON, 1), (2, MON, 2), (3, TUE, 1), (4, TUE, 2)]
    assert [e.event.change.to_dict()["type"] for e in feed[:2]] == ["hold_placed",
                                                                    "appointment_booked"]
    assert bookings.feed(schedule, after=2, limit=1) == feed[2:3]
    told = bookings.feed_notifications(schedule)
    assert told.position == 4
    assert [(n.id, n.kind) for n in told.notifications] == [
        ("a-1/2026-03-02/2", m.NotificationKind.BOOKING_CONFIRMED),
        ("a-2/2026-03-03/1", m.NotificationKind.BOOKING_RECEIVED),
        ("a-2/2026-03-03/2", m.NotificationKind.CANCELLED),
    ]
    assert told.notifications[2].send_at == NOW + minutes(1)
    assert bookings.feed_notifications(schedule, after=4) == m.FeedNotifications(
        notifications=[], position=4)
    first = bookings.feed_notifications(schedule, after=0, limit=1)
    assert (first.position, first.notifications) == (1, [])  # a hold tells nobody


def test_notifications_and_reminders(schedule: m.Schedule, bookings: m.Bookings,
                                     store: m.InMemoryStore) -> None:
    bookings.book(schedule, PATIENT, NOW, book_request("a-1", at(MON, "09:30")))
    told = m.notifications(stored(store, MON).events)
    assert [(n.kind, n.minutes_before, n.send_at) for n in told] == [
        (m.NotificationKind.BOOKING_CONFIRMED, None, NOW),
        (m.NotificationKind.REMINDER, 1440, at(SUN, "09:30")),
        (m.NotificationKind.REMINDER, 120, at(MON, "07:30")),
    ]
    assert told[1].id == "a-1/2026-03-02/reminder_1440/2026-03-02T09:30:00+00:00"
    assert all((n.patient_id, n.doctor_id, n.start) == ("pat-1", "dr-a", at(MON, "09:30"))
               for n in told)
    due = bookings.reminders(schedule, MON, MON, NOW, at(MON, "08:00"))
    assert due == told[1:]
    assert bookings.reminders(schedule, MON, MON, at(SUN, "09:30"), at(MON, "07:30")) == told[2:]
    assert bookings.reminders(schedule, SUN, SUN, NOW, at(MON, "08:00")) == []
    assert m.notifications([]) == []


# --- arguments -----------------------------------------------------------------------------


def test_naive_instants_are_refused_naming_the_argument(
    schedule: m.Schedule, bookings: m.Bookings,
) -> None:
    naive = datetime(2026, 3, 1, 8, 0)
    with pytest.raises(TypeError, match="^now must be an aware datetime"):
        bookings.book(schedule, PATIENT, naive, book_request("a-1", at(MON, "09:00")))
    with pytest.raises(TypeError, match="^start must be an aware datetime"):
        bookings.reschedule(schedule, PATIENT, NOW, MON, "a-1", naive)
    with pytest.raises(TypeError, match="^until must be an aware datetime"):
        bookings.reminders(schedule, MON, MON, NOW, naive)
    with pytest.raises(TypeError, match="BookRequest.start must be an aware datetime"):
        book_request("a-1", naive)
    with pytest.raises(TypeError, match="^now must be an aware datetime"):
        m.DayBook.from_events([]).occupancy(naive)
    assert repr(bookings) == "Bookings(store=InMemoryStore())"


def test_unknown_records_are_not_found(schedule: m.Schedule, bookings: m.Bookings) -> None:
    cases: List[Tuple[Callable[[], object], str, str]] = [
        (lambda: bookings.book(schedule, PATIENT, NOW, book_request("a", at(MON, "09:00"),
                                                                    doctor="dr-x")),
         "doctor", "dr-x"),
        (lambda: bookings.hold(schedule, PATIENT, NOW, hold_request("h", at(MON, "09:00"),
                                                                    type_id="x-ray")),
         "appointment_type", "x-ray"),
        (lambda: bookings.extend_hold(schedule, PATIENT, NOW, MON, "h-0"), "hold", "h-0"),
        (lambda: bookings.confirm(schedule, STAFF, NOW, THU, "a-0"), "appointment", "a-0"),
    ]
    for call, kind, id in cases:
        with pytest.raises(m.NotFoundError) as caught:
            call()
        assert (caught.value.kind, caught.value.id) == (kind, id)
