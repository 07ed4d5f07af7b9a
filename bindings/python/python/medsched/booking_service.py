"""Holds, bookings and the appointment lifecycle over a store; day books; the pure decider."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, List, Optional, Tuple

from . import _native
from ._args import U64, checked
from ._codec import decode, to_json, utc_text
from .booking import (
    Actor,
    Appointment,
    BookRequest,
    Collision,
    Command,
    FeedNotifications,
    Hold,
    HoldRequest,
    Notification,
)
from .events import AnyChange, Event, FeedEntry
from .resources import JointBookRequest, PoolBookRequest, PoolBooking
from .availability import PreparedOccupancy
from .schedule import Schedule
from .slots import Occupancy
from .stores import AnyStore, native_store

__all__ = ["Bookings", "DayBook", "decide", "notifications"]

DEFAULT_MAX_ATTEMPTS = 64



def _events(text: str) -> List[Event]:
    return [decode(Event, e) for e in json.loads(text)]


class DayBook:
    """A tenant's day book for one date, folded from its events: its holds and
    appointments."""

    def __init__(self, native: _native.DayBook) -> None:
        self._native = native

    @classmethod
    @checked()
    def from_events(cls, events: List[Event]) -> DayBook:
        """The fold of a day's events, oldest first."""
        return cls(_native.DayBook.from_events(to_json(events, "events")))

    @property
    def holds(self) -> List[Hold]:
        """Every hold, in the order placed (released and expired ones included)."""
        return [decode(Hold, h) for h in json.loads(self._native.holds())]

    @property
    def appointments(self) -> List[Appointment]:
        """Every appointment of the day, in the order booked (cancelled ones included)."""
        return [decode(Appointment, a) for a in json.loads(self._native.appointments())]

    @checked()
    def hold(self, hold_id: str) -> Optional[Hold]:
        """A hold by id."""
        found = self._native.hold(hold_id)
        return None if found is None else decode(Hold, json.loads(found))

    @checked()
    def appointment(self, appointment_id: str) -> Optional[Appointment]:
        """An appointment by id."""
        found = self._native.appointment(appointment_id)
        return None if found is None else decode(Appointment, json.loads(found))

    @checked()
    def occupancy(self, now: datetime, except_id: Optional[str] = None) -> Occupancy:
        """What the day's live appointments and holds take at ``now``, as slot searches read
        it (``except_id``: an appointment or hold to leave out, e.g. the one being moved)."""
        text = self._native.occupancy(utc_text(now, "now"), except_id)
        return decode(Occupancy, json.loads(text))

    @checked()
    def prepared_occupancy(
        self, now: datetime, except_id: Optional[str] = None
    ) -> PreparedOccupancy:
        """As :meth:`occupancy`, kept in native memory for searches (no conversion)."""
        native = self._native.prepared_occupancy(utc_text(now, "now"), except_id)
        return PreparedOccupancy._wrap(native)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DayBook):
            return NotImplemented
        return bool(self._native == other._native)

    def __repr__(self) -> str:
        return f"DayBook(holds={len(self.holds)}, appointments={len(self.appointments)})"


class Bookings:
    """The booking service: loads a day book from the store, decides, and appends with
    optimistic concurrency, retrying when another writer came first (up to ``max_attempts``
    times, then :class:`~medsched.ConflictError`). Every call releases the GIL while the
    core works (a Python store takes it back for its own calls).

    Refusals are typed: :class:`~medsched.SlotUnavailableError` (with the reason),
    :class:`~medsched.InvalidTransitionError`, :class:`~medsched.PolicyViolationError`,
    :class:`~medsched.NotFoundError`, :class:`~medsched.InvalidInputError`.
    """

    @checked()
    def __init__(self, store: AnyStore, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> None:
        self.store = store
        self._native = _native.Bookings(native_store(store), max_attempts)

    @checked()
    def execute(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date, command: Command
    ) -> Tuple[DayBook, List[Event]]:
        """Decides any :data:`~medsched.Command` on the day book of ``book_date`` and appends
        its events: the book as the command left it and the new events."""
        book, events = self._native.execute(
            schedule._native, to_json(actor, "actor"), utc_text(now, "now"),
            book_date.isoformat(), to_json(command, "command"),
        )
        return DayBook(book), _events(events)

    @checked()
    def day(self, schedule: Schedule, book_date: date) -> DayBook:
        """The day book of a date."""
        return DayBook(self._native.day(schedule._native, book_date.isoformat()))

    @checked()
    def hold(self, schedule: Schedule, actor: Actor, now: datetime, request: HoldRequest) -> Hold:
        """Holds a slot for a patient until the hold expires (the policy's hold minutes)."""
        text = self._native.hold(schedule._native, to_json(actor, "actor"), utc_text(now, "now"),
                                 to_json(request, "request"))
        return decode(Hold, json.loads(text))

    @checked()
    def extend_hold(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date, hold_id: str,
        minutes: Optional[int] = None,
    ) -> Hold:
        """Extends a live hold (by ``minutes``, or the policy's hold length)."""
        text = self._native.extend_hold(
            schedule._native, to_json(actor, "actor"), utc_text(now, "now"),
            book_date.isoformat(), hold_id, minutes,
        )
        return decode(Hold, json.loads(text))

    @checked()
    def release_hold(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date, hold_id: str
    ) -> Hold:
        """Releases a hold before it expires."""
        text = self._native.release_hold(
            schedule._native, to_json(actor, "actor"), utc_text(now, "now"),
            book_date.isoformat(), hold_id,
        )
        return decode(Hold, json.loads(text))

    @checked()
    def expire_holds(
        self, schedule: Schedule, actor: Actor, now: datetime, first: date, last: date
    ) -> List[Hold]:
        """Records the expiry of every hold past its time on the dates ``first``..``last``."""
        text = self._native.expire_holds(
            schedule._native, to_json(actor, "actor"), utc_text(now, "now"), first.isoformat(),
            last.isoformat(),
        )
        return [decode(Hold, h) for h in json.loads(text)]

    @checked()
    def book(
        self, schedule: Schedule, actor: Actor, now: datetime, request: BookRequest
    ) -> Appointment:
        """Books a slot directly (no hold first)."""
        text = self._native.book(schedule._native, to_json(actor, "actor"), utc_text(now, "now"),
                                 to_json(request, "request"))
        return decode(Appointment, json.loads(text))

    @checked()
    def book_joint(
        self, schedule: Schedule, actor: Actor, now: datetime, request: JointBookRequest
    ) -> Appointment:
        """Books an appointment that takes other clinicians and equipment too: every
        resource in one event on the day book, or none (docs/RESOURCES.md)."""
        text = self._native.book_joint(schedule._native, to_json(actor, "actor"),
                                       utc_text(now, "now"), to_json(request, "request"))
        return decode(Appointment, json.loads(text))

    @checked()
    def book_from_pool(
        self, schedule: Schedule, actor: Actor, now: datetime, request: PoolBookRequest
    ) -> PoolBooking:
        """Books whichever doctor of ``request.pool`` its rule chooses, and says why."""
        text = self._native.book_from_pool(schedule._native, to_json(actor, "actor"),
                                           utc_text(now, "now"), to_json(request, "request"))
        return decode(PoolBooking, json.loads(text))

    @checked()
    def book_hold(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date, hold_id: str,
        appointment_id: str,
    ) -> Appointment:
        """Turns a live hold into an appointment."""
        text = self._native.book_hold(
            schedule._native, to_json(actor, "actor"), utc_text(now, "now"),
            book_date.isoformat(), hold_id, appointment_id,
        )
        return decode(Appointment, json.loads(text))

    def _act(
        self, action: str, schedule: Schedule, actor: Actor, now: datetime, book_date: date,
        appointment_id: str, reason: Optional[str] = None,
    ) -> Appointment:
        text = self._native.appointment_action(
            action, schedule._native, to_json(actor, "actor"), utc_text(now, "now"),
            book_date.isoformat(), appointment_id, reason,
        )
        return decode(Appointment, json.loads(text))

    @checked()
    def confirm(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date,
        appointment_id: str,
    ) -> Appointment:
        """Confirms a pending appointment (staff)."""
        return self._act("confirm", schedule, actor, now, book_date, appointment_id)

    @checked()
    def decline(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date,
        appointment_id: str, reason: Optional[str] = None,
    ) -> Appointment:
        """Declines a pending appointment (staff), freeing its slot."""
        return self._act("decline", schedule, actor, now, book_date, appointment_id, reason)

    @checked()
    def complete(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date,
        appointment_id: str,
    ) -> Appointment:
        """Marks an appointment done."""
        return self._act("complete", schedule, actor, now, book_date, appointment_id)

    @checked()
    def mark_no_show(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date,
        appointment_id: str,
    ) -> Appointment:
        """Marks that the patient did not come."""
        return self._act("mark_no_show", schedule, actor, now, book_date, appointment_id)

    @checked()
    def cancel(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date,
        appointment_id: str, reason: Optional[str] = None,
    ) -> Appointment:
        """Cancels an appointment (within the policy's notice, for a patient)."""
        return self._act("cancel", schedule, actor, now, book_date, appointment_id, reason)

    @checked()
    def reschedule(
        self, schedule: Schedule, actor: Actor, now: datetime, book_date: date,
        appointment_id: str, start: datetime,
    ) -> Appointment:
        """Moves an appointment to a new start, on the same day or another (the policy's
        limits and notice apply to patients)."""
        text = self._native.reschedule(
            schedule._native, to_json(actor, "actor"), utc_text(now, "now"),
            book_date.isoformat(), appointment_id, utc_text(start, "start"),
        )
        return decode(Appointment, json.loads(text))

    @checked()
    def appointment(self, schedule: Schedule, book_date: date, appointment_id: str) -> Appointment:
        """An appointment, following it if it was moved to another day."""
        text = self._native.appointment(schedule._native, book_date.isoformat(), appointment_id)
        return decode(Appointment, json.loads(text))

    @checked()
    def void_unfinished_moves(
        self, schedule: Schedule, actor: Actor, now: datetime, first: date, last: date
    ) -> List[Appointment]:
        """Repairs moves between days that a crashed writer left half done."""
        text = self._native.void_unfinished_moves(
            schedule._native, to_json(actor, "actor"), utc_text(now, "now"), first.isoformat(),
            last.isoformat(),
        )
        return [decode(Appointment, a) for a in json.loads(text)]

    @checked()
    def collisions(
        self, schedule: Schedule, first: date, last: date, now: datetime
    ) -> List[Collision]:
        """Appointments that the current rules no longer allow (after a calendar change)."""
        text = self._native.collisions(schedule._native, first.isoformat(), last.isoformat(),
                                       utc_text(now, "now"))
        return [decode(Collision, c) for c in json.loads(text)]

    @checked(after=U64, limit=U64)
    def feed(self, schedule: Schedule, after: int = 0, limit: int = 100) -> List[FeedEntry]:
        """The tenant's change feed after position ``after``: bookings and tokens alike."""
        text = self._native.feed(schedule._native, after, limit)
        return [decode(FeedEntry, e) for e in json.loads(text)]

    @checked(after=U64, limit=U64)
    def feed_notifications(
        self, schedule: Schedule, after: int = 0, limit: int = 100
    ) -> FeedNotifications:
        """The notifications to send for the feed after ``after``, and where to resume."""
        text = self._native.feed_notifications(schedule._native, after, limit)
        return decode(FeedNotifications, json.loads(text))

    @checked()
    def reminders(
        self, schedule: Schedule, first: date, last: date, after: datetime, until: datetime
    ) -> List[Notification]:
        """Reminders due in ``(after, until]`` for appointments on ``first``..``last``."""
        text = self._native.reminders(schedule._native, first.isoformat(), last.isoformat(),
                                      utc_text(after, "after"), utc_text(until, "until"))
        return [decode(Notification, n) for n in json.loads(text)]

    def __repr__(self) -> str:
        return f"Bookings(store={self.store!r})"


@checked()
def decide(
    schedule: Schedule, book: DayBook, actor: Actor, now: datetime, book_date: date,
    command: Command,
) -> List[AnyChange]:
    """The pure decider: the changes ``command`` would make to ``book`` (nothing stored)."""
    text = _native.decide_booking(
        schedule._native, book._native, to_json(actor, "actor"), utc_text(now, "now"),
        book_date.isoformat(), to_json(command, "command"),
    )
    return [decode(AnyChange, c) for c in json.loads(text)]


@checked()
def notifications(events: List[Event]) -> List[Notification]:
    """The messages a host sends for these events (booking received, confirmed, ...)."""
    return [decode(Notification, n) for n in json.loads(_native.booking_notifications(
        to_json(events, "events")))]
