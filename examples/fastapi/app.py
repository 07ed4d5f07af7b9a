"""A clinic's booking and token-desk API: FastAPI over medsched and a SQLite event store.

``create_app(db_path, clock=None)`` builds the app; ``app`` (for ``uvicorn app:app``) is one
built on what the ``CLINIC_DB`` environment variable names (default ``clinic.db``): a file for
the example's own sqlite3 store, or a store URL medsched opens (``postgresql://…`` for
several app servers on one database, ``sqlite:///path``).

Patients and staff:

- ``GET /doctors`` and ``GET /doctors/{doctor_id}/slots?date=&type=``: a local date's slots,
  each ``free`` or why not (``booked``, ``held``, ``too_soon``, ``closed``...).
- ``POST /holds``, ``POST /holds/{hold_id}/book``, ``POST /appointments``: hold a slot while
  the patient confirms, then book it (or book directly).

The token desk (staff, ``X-Staff-Id`` header), per doctor and day (``?date=``, default the
clinic's today):

- ``POST /doctors/{id}/tokens/walk-in``, ``.../tokens/emergency``, ``.../queue/call-next``,
  ``.../tokens/{number}/start``, ``.../queue/complete``, ``.../tokens/{number}/skip``;
- ``GET /doctors/{id}/queue``: the board (now serving, the line, the next patients with
  their expected waits);
- ``WS /ws/doctors/{id}/queue``: the board, pushed again whenever the tenant's change feed
  has new events of that doctor's queue.

Who acts: the :func:`authenticate` dependency. Here it trusts the ``X-Staff-Id`` header (a
staff actor) and, without it, the body's ``patient_id`` acts as the patient: this is an
example. A host replaces it with its own (a session, a bearer token) through
``app.dependency_overrides[authenticate]``.

Every error answers one body, ``{"code", "message", "field", ...}`` (``field`` is ``null``
when no one field is at fault): medsched's refusals as 422 ``invalid_input``, 404
``not_found``, 409 ``slot_unavailable``, ``conflict``, ``invalid_transition`` and
``policy_violation``, 429 ``rate_limited`` (with ``Retry-After``; see ratelimit.py), 503
``storage``; a request FastAPI refuses as 422 ``invalid_input`` too;
400 ``bad_request``, 403 ``forbidden``, 404 ``not_found`` (no such route), 405
``method_not_allowed`` and 413 ``too_large`` (a body over ``max_body_bytes``). A bad
WebSocket request is accepted and closed at once with a code (4404, 4422) and the reason.
The public queue board shows token numbers and states, never who holds them.
"""

import contextlib
import os
from datetime import datetime, timezone
from typing import AsyncIterator, Callable, Optional, Tuple

from fastapi import FastAPI

import medsched as m

import clinic
import errors
import interop_routes
import ratelimit
from auth import authenticate  # re-exported: hosts override it
from booking_routes import add_booking_routes
from desk_routes import add_desk_routes
from feed_watcher import FeedWatcher
from middleware import MAX_BODY_BYTES, BodyLimit, InternalErrors
from report_routes import add_report_routes
from sqlite_store import SqliteStore
from wire import Clock

__all__ = ["create_app", "app", "authenticate", "FeedWatcher", "Clock", "MAX_BODY_BYTES"]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def open_events(where: str) -> Tuple[m.AnyStore, Optional[Callable[[], int]], Callable[[], None]]:
    """The event store at ``where``, how to read its last feed position, and how to close it:
    a store URL that medsched opens itself (``postgresql://…``, ``sqlite:///path``,
    ``memory:``), or else the path of this example's own sqlite3 store."""
    if "://" in where or where.startswith(("sqlite:", "memory:")):
        return m.open_store(where), None, lambda: None
    own = SqliteStore(where)
    return own, lambda: own.last_position(clinic.TENANT), own.close


def create_app(
    db_path: str, clock: Optional[Clock] = None, *, poll_interval: float = 0.25,
    max_body_bytes: int = MAX_BODY_BYTES, rate_limits: Optional[m.RateLimits] = None,
) -> FastAPI:
    """The clinic's API over the events at ``db_path``: a store URL medsched opens
    (``postgresql://…``, ``sqlite:///path``) or the path of a file for the example's own
    sqlite3 store; ``clock`` gives 'now' (an aware datetime; the system clock by default);
    the change feed is polled every ``poll_interval`` seconds for the queue WebSocket; a
    request body over ``max_body_bytes`` is refused (413); patients' holds and bookings are
    rate-limited by ``rate_limits`` (medsched's defaults; see ratelimit.py)."""
    now_of: Clock = clock if clock is not None else _utc_now
    store, last_position, close = open_events(db_path)
    schedule = clinic.schedule()
    bookings = m.Bookings(store)
    tokens = m.Tokens(store)
    watcher = FeedWatcher(
        lambda after, limit: bookings.feed(schedule, after, limit), poll_interval, last_position,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await watcher.start()
        try:
            yield
        finally:
            await watcher.stop()
            close()

    app = FastAPI(
        title="Kochi Family Clinic (medsched example)",
        description=__doc__,
        version="0.1.0",
        lifespan=lifespan,
    )
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(InternalErrors)  # the outer one: it sees what BodyLimit lets through
    app.state.store = store
    app.state.schedule = schedule
    app.state.watcher = watcher

    def now() -> datetime:
        instant = now_of()
        if instant.utcoffset() is None:
            raise TypeError("the clock must return an aware datetime")
        return instant

    ratelimit.install(app, schedule.tenant, store, db_path, now, rate_limits)

    add_booking_routes(app, schedule=schedule, bookings=bookings, now=now)
    add_desk_routes(app, schedule=schedule, tokens=tokens, watcher=watcher, now=now)
    add_report_routes(app, schedule=schedule, bookings=bookings, store=store,
                      today=lambda: clinic.local_date(now()))
    app.include_router(interop_routes.router(schedule, bookings, now))
    return app


app = create_app(os.environ.get("CLINIC_DB", "clinic.db"))
"""The app ``uvicorn app:app`` serves: the SQLite file named by ``CLINIC_DB``."""
