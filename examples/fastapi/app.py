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

import asyncio
import contextlib
import logging
import os
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, AsyncIterator, Callable, Dict, List, Optional, Set, Tuple

from fastapi import (
    Depends, FastAPI, Header, HTTPException, Query, Request, WebSocket, WebSocketDisconnect,
)
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import medsched as m

import clinic
import interop_routes
import ratelimit
from report_routes import add_report_routes
from sqlite_store import SqliteStore

__all__ = ["create_app", "app", "authenticate", "FeedWatcher", "Clock", "MAX_BODY_BYTES"]

log = logging.getLogger("clinic.app")

Clock = Callable[[], datetime]
"""Gives the present as an aware datetime."""

HTTP_STATUS: Dict[str, int] = {
    "invalid_input": 422,
    "not_found": 404,
    "slot_unavailable": 409,
    "conflict": 409,
    "invalid_transition": 409,
    "policy_violation": 409,
    "rate_limited": 429,
    "storage": 503,
}
"""The HTTP status of each medsched error code."""

HTTP_CODES: Dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}
"""The error code of each HTTP status the app refuses with outside medsched."""

MAX_BODY_BYTES = 64 * 1024
"""The largest request body the app reads by default (every body it takes is a few hundred
bytes); a larger one is refused with 413 before it is read."""


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


# --- request bodies ---------------------------------------------------------------------


class HoldIn(BaseModel):
    """Hold a slot for a patient while they confirm."""

    patient_id: str = Field(min_length=1)
    doctor_id: str = Field(min_length=1)
    type: str = Field("consult", description="The appointment type's id.")
    start: AwareDatetime = Field(description="The slot's start, with its offset.")
    hold_id: Optional[str] = Field(None, description="Your id for the hold (made if absent).")
    minutes: Optional[int] = Field(None, ge=1, description="Hold length (the policy's if absent).")


class BookHoldIn(BaseModel):
    """Turn a live hold into an appointment."""

    book_date: date = Field(description="The hold's book date (as POST /holds returned it).")
    patient_id: Optional[str] = Field(None, description="The acting patient (no X-Staff-Id).")
    appointment_id: Optional[str] = None


class BookIn(BaseModel):
    """Book a slot directly, without a hold."""

    patient_id: str = Field(min_length=1)
    doctor_id: str = Field(min_length=1)
    type: str = "consult"
    start: AwareDatetime
    appointment_id: Optional[str] = None


class TokenIn(BaseModel):
    """Issue a walk-in or emergency token."""

    patient_id: str = Field(min_length=1)
    token_id: Optional[str] = Field(None, description="Your id: repeating it is idempotent.")
    mode: m.ConsultationMode = m.ConsultationMode.IN_PERSON


class CompleteIn(BaseModel):
    """End a consultation: ``number`` or, when absent, the token being served."""

    number: Optional[int] = Field(None, ge=1)


class ReasonIn(BaseModel):
    """An optional reason, kept in the audit trail."""

    reason: Optional[str] = None


# --- who acts -----------------------------------------------------------------------------


def authenticate(
    x_staff_id: Optional[str] = Header(
        None, description="The staff member acting (the example trusts it as sent)."
    ),
) -> Optional[m.Actor]:
    """Who is calling, as medsched's actor: a staff member, or ``None`` for a patient acting
    for themselves (the body's ``patient_id``). The example trusts the ``X-Staff-Id`` header;
    a host puts its own check in its place::

        def verified(authorization: str = Header()) -> m.Actor:
            return m.Actor.staff(my_sessions.staff_id(authorization))  # or raise 401

        app.dependency_overrides[authenticate] = verified
    """
    return m.Actor.staff(x_staff_id) if x_staff_id else None


Caller = Annotated[Optional[m.Actor], Depends(authenticate)]
"""An endpoint's acting caller, as :func:`authenticate` (or the host's override) finds it."""


# --- errors -------------------------------------------------------------------------------


def _invalid(field: str, value: str, problem: str, why: str) -> m.InvalidInputError:
    return m.InvalidInputError(
        f"invalid {field} = {value!r}: {why}",
        {"code": "invalid_input", "field": field, "value": value, "problem": problem,
         "problem_message": why},
    )


def _missing(field: str, why: str) -> m.InvalidInputError:
    return _invalid(field, "", "missing", f"required: {why}")


def error_body(err: m.MedschedError) -> Dict[str, Any]:
    """An error as the API returns it: its code, its message, the field at fault (``None``
    unless the input was refused) and the error's other fields."""
    details = jsonable_encoder(err.details)
    return {**details, "code": err.code, "message": err.message,
            "field": details.get("field")}


def _body(code: str, message: str, field: Optional[str] = None, **rest: Any) -> Dict[str, Any]:
    return {"code": code, "message": message, "field": field, **rest}


async def _medsched_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, m.MedschedError)
    return JSONResponse(error_body(exc), status_code=HTTP_STATUS.get(exc.code, 500))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = f"no such resource: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(exc.detail)
    return JSONResponse(_body(code, message), status_code=exc.status_code,
                        headers=exc.headers)


def _first_error(errors: List[Dict[str, Any]]) -> Tuple[str, Dict[str, Any]]:
    """The field of the first of FastAPI's validation errors (its location without
    ``body``/``query``/``path``/``header``; ``"body"`` for the body as a whole, or one that
    is not JSON) and the error."""
    first = errors[0] if errors else {}
    location = [str(part) for part in first.get("loc", [])]
    where = location[:1] in (["body"], ["query"], ["path"], ["header"])
    inside = location[1:] if where and first.get("type") != "json_invalid" else location[:1]
    return ".".join(inside) or (location[0] if location else "request"), first


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = jsonable_encoder(exc.errors())
    field, first = _first_error(errors)
    value = first.get("input")
    body = _body(
        "invalid_input", f"invalid {field}: {first.get('msg', 'invalid request')}", field,
        value="" if value is None or isinstance(value, (dict, list)) else str(value)[:200],
        problem=first.get("type", "invalid"), problem_message=first.get("msg", ""),
        errors=errors,
    )
    return JSONResponse(body, status_code=422)


async def _websocket_validation_error(websocket: WebSocket, exc: Exception) -> None:
    """A bad WebSocket request (say ``?next=many``): accepted, then closed with 4422 and the
    reason, so the client learns why (a refusal before accepting is a bare HTTP 403)."""
    assert isinstance(exc, WebSocketRequestValidationError)
    field, first = _first_error(jsonable_encoder(exc.errors()))
    await websocket.accept()
    await websocket.close(code=4422, reason=_reason(f"invalid {field}: {first.get('msg', '')}"))


def _reason(text: str) -> str:
    """A WebSocket close reason: at most 123 bytes of UTF-8."""
    return text.encode("utf-8")[:123].decode("utf-8", "ignore")


class BodyLimit:
    """ASGI middleware: refuses a request body over ``max_bytes`` with 413 ``too_large``,
    from its ``Content-Length`` before reading anything, or as it streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        too_large = HTTPException(413, self._why())
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise too_large
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except HTTPException as e:
            if e is not too_large or started:
                raise
            await self._refuse(scope, receive, send)

    def _why(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(_body("too_large", self._why()), status_code=413)
        await response(scope, receive, send)


class InternalErrors:
    """ASGI middleware: an exception no handler took (a bug, never a bad input) answers 500
    ``{"code": "internal", ...}`` and is logged, and the connection stays usable (uvicorn
    closes a keep-alive connection when an exception escapes the app)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:  # noqa: BLE001 - answered and logged, never lost
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                return
            response = JSONResponse(_body("internal", "internal error"), status_code=500)
            await response(scope, receive, send)


# --- the change feed, watched -------------------------------------------------------------

Update = Tuple[date, int]
"""A queue that changed: its date and the feed position of its latest event."""


class FeedWatcher:
    """Follows the tenant's change feed and tells each doctor's subscribers when their token
    queue changed (the date and the feed position).

    One asyncio task polls ``read_feed(after, limit)`` every ``interval`` seconds (the store
    calls run in a thread); :meth:`nudge`, safe from any thread, makes it poll at once (the
    desk endpoints nudge it after each command, so updates are prompt, but what is pushed is
    always what the feed says). It starts at the end of the feed: a subscriber gets the
    current board when it connects, then every change after it.
    """

    PAGE = 500

    def __init__(
        self, read_feed: Callable[[int, int], List[m.FeedEntry]], interval: float = 0.25,
        last_position: Optional[Callable[[], int]] = None,
    ) -> None:
        self.read_feed = read_feed
        self.interval = interval
        self.last_position = last_position
        self.position = 0
        """The feed position read up to."""
        self._subscribers: Dict[str, Set["asyncio.Queue[Update]"]] = {}
        self._task: Optional["asyncio.Task[None]"] = None
        self._wake: Optional[asyncio.Event] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._ready: Optional[asyncio.Event] = None

    async def start(self) -> None:
        """Starts polling on the running loop (again if the task ended or the loop changed),
        and returns once the starting position is known."""
        loop = asyncio.get_running_loop()
        running = self._task is not None and not self._task.done() and self._loop is loop
        if not running:
            self._loop = loop
            self._wake = asyncio.Event()
            self._ready = asyncio.Event()
            self._task = loop.create_task(self._run(self._wake, self._ready))
        assert self._ready is not None
        await self._ready.wait()

    async def stop(self) -> None:
        """Stops polling."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def nudge(self) -> None:
        """Asks for a poll now (from any thread)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(wake.set)

    def subscribe(self, doctor_id: str) -> "asyncio.Queue[Update]":
        """A queue that receives ``(date, position)`` for each change of the doctor's token
        queues."""
        inbox: "asyncio.Queue[Update]" = asyncio.Queue()
        self._subscribers.setdefault(doctor_id, set()).add(inbox)
        return inbox

    def unsubscribe(self, doctor_id: str, inbox: "asyncio.Queue[Update]") -> None:
        """Stops sending to ``inbox``."""
        inboxes = self._subscribers.get(doctor_id)
        if inboxes is not None:
            inboxes.discard(inbox)
            if not inboxes:
                del self._subscribers[doctor_id]

    async def _run(self, wake: asyncio.Event, ready: asyncio.Event) -> None:
        try:
            self.position = await asyncio.to_thread(self._end_of_feed)
        except Exception:  # noqa: BLE001 - a failing store must not kill the watcher
            log.exception("reading the end of the change feed failed; starting at 0")
        ready.set()
        failing = False
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=self.interval)
            wake.clear()
            try:
                await self.poll()
            except Exception:  # noqa: BLE001 - logged once per run of failures, then retried
                if not failing:
                    log.exception("polling the change feed failed; retrying")
                failing = True
            else:
                if failing:
                    log.warning("polling the change feed works again")
                failing = False

    async def poll(self) -> None:
        """Reads the feed after :attr:`position` and tells subscribers what changed, page by
        page: the position moves past a page only once its changes are told, so a read that
        fails later loses nothing."""
        while True:
            entries = await asyncio.to_thread(self.read_feed, self.position, self.PAGE)
            changed: Dict[Tuple[str, date], int] = {}
            for entry in entries:
                doctor = entry.stream.doctor_id
                if doctor is not None:
                    changed[(doctor, entry.stream.date)] = entry.position
            for (doctor, day), position in changed.items():
                for inbox in list(self._subscribers.get(doctor, ())):
                    inbox.put_nowait((day, position))
            if entries:
                self.position = entries[-1].position
            if len(entries) < self.PAGE:
                break

    def _end_of_feed(self) -> int:
        if self.last_position is not None:
            return self.last_position()
        position = 0
        while True:
            entries = self.read_feed(position, self.PAGE)
            if not entries:
                return position
            position = entries[-1].position


# --- the app ------------------------------------------------------------------------------


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
    app.add_exception_handler(m.MedschedError, _medsched_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(WebSocketRequestValidationError, _websocket_validation_error)
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

    def actor(caller: Optional[m.Actor], patient_id: Optional[str]) -> m.Actor:
        if caller is not None:
            return caller
        if patient_id:
            return m.Actor.patient(patient_id)
        raise _missing("patient_id", "patient_id in the body, or an X-Staff-Id header")

    def staff(caller: Optional[m.Actor]) -> m.Actor:
        if caller is None:
            raise _missing("X-Staff-Id", "the token desk is for staff: send X-Staff-Id")
        if caller.kind != m.ActorKind.STAFF:
            raise HTTPException(403, "the token desk is for staff")
        return caller

    def desk_day(doctor_id: str, day: Optional[date]) -> Tuple[m.QueueDay, m.QueueRules]:
        chosen = day if day is not None else clinic.local_date(now())
        rules = clinic.queue_rules(schedule, doctor_id, chosen)  # NotFoundError: no doctor
        return m.QueueDay(tenant=schedule.tenant, doctor_id=doctor_id, date=chosen), rules

    def board(day: m.QueueDay, rules: m.QueueRules, next_n: int) -> Dict[str, Any]:
        at = now()
        queue = tokens.queue(day)
        waits: Dict[int, m.WaitEstimate] = {}
        if queue.line:
            estimates = tokens.wait_estimates(day, rules, at, clinic.history(day.doctor_id))
            waits = {e.number: e for e in estimates}
        serving, called = queue.now_serving, queue.last_called
        upcoming = []
        for place, token in enumerate(queue.next(next_n), start=1):
            wait = waits.get(token.number)
            upcoming.append({
                "number": token.number,
                "state": m.TokenState(token.state).value,
                "position": place,
                "called": token.called_at is not None,
                "wait_minutes": None if wait is None else round(wait.minutes, 1),
                "p90_minutes": None if wait is None else round(wait.p90_minutes, 1),
                "expected_at": None if wait is None else _iso(at + timedelta(minutes=wait.minutes)),
            })
        return {
            "doctor_id": day.doctor_id,
            "date": day.date.isoformat(),
            "now": _iso(at),
            "now_serving": None if serving is None else {
                "number": serving.number, "state": m.TokenState(serving.state).value},
            "last_called": None if called is None else called.number,
            "line": queue.line,
            "next": upcoming,
            "counts": queue.counts().to_dict(),
        }

    def desk_reply(update: m.QueueUpdate) -> Dict[str, Any]:
        watcher.nudge()
        serving = update.queue.now_serving
        return {
            "token": None if update.token is None else update.token.to_dict(),
            "line": update.queue.line,
            "now_serving": None if serving is None else serving.number,
            "notifications": [n.to_dict() for n in update.notifications],
        }

    # --- slots, holds, appointments -------------------------------------------------------

    @app.get("/doctors")
    def doctors() -> Dict[str, Any]:
        """The clinic's doctors and appointment types."""
        return {
            "tenant": schedule.tenant,
            "time_zone": clinic.TIME_ZONE,
            "doctors": [{"id": d, "name": clinic.DOCTORS.get(d, d)} for d in schedule.doctor_ids()],
            "appointment_types": [t.to_dict() for t in clinic.appointment_types()],
        }

    @app.get("/doctors/{doctor_id}/slots")
    def slots(
        doctor_id: str,
        day: date = Query(alias="date", description="The clinic's local date, YYYY-MM-DD."),
        type_id: str = Query("consult", alias="type", description="Appointment type id."),
    ) -> Dict[str, Any]:
        """Every candidate slot of a local date: ``free``, or the reason it is not
        (``booked``, ``held``, ``too_soon``, ``too_far``, ``closed``, ``room_full``, ``busy``,
        ``limit_reached``)."""
        at = now()
        availability = schedule.availability(doctor_id)
        kind = schedule.appointment_type(type_id)
        start, end = clinic.day_range(day)
        occupancy = bookings.day(schedule, day).occupancy(at)
        series = availability.slots(
            m.SlotRequest(appointment_type=kind, start=start, end=end, now=at),
            occupancy,
            m.SlotOptions(include_unavailable=True),
        ).to_dict()
        listed: List[Dict[str, Any]] = []
        for slot in series["slots"]:
            listed.append({**_slot_fields(slot), "status": "free", "reason": None,
                           "capacity_left": slot["capacity_left"]})
        for other in series["unavailable"]:
            reason = m.Unavailable.from_dict(other["reason"])
            listed.append({**_slot_fields(other), "status": other["reason"]["code"],
                           "reason": str(reason), "capacity_left": 0})
        listed.sort(key=lambda s: str(s["start"]))
        return {
            "doctor_id": doctor_id,
            "date": day.isoformat(),
            "type": type_id,
            "time_zone": clinic.TIME_ZONE,
            "now": _iso(at),
            "free": sum(1 for s in listed if s["status"] == "free"),
            "slots": listed,
        }

    @app.post("/holds", status_code=201, dependencies=[ratelimit.GUARD])
    def place_hold(body: HoldIn, caller: Caller) -> Dict[str, Any]:
        """Holds a slot (10 minutes for a patient, 30 for staff, by the type's policy)."""
        request = m.HoldRequest(
            hold_id=body.hold_id or _new_id("hold"), patient_id=body.patient_id,
            doctor_id=body.doctor_id, appointment_type_id=body.type, start=body.start,
            minutes=body.minutes,
        )
        hold = bookings.hold(schedule, actor(caller, body.patient_id), now(), request)
        return hold.to_dict()

    @app.post("/holds/{hold_id}/book", status_code=201, dependencies=[ratelimit.GUARD])
    def book_hold(
        hold_id: str, body: BookHoldIn, caller: Caller
    ) -> Dict[str, Any]:
        """Books the held slot."""
        appointment = bookings.book_hold(
            schedule, actor(caller, body.patient_id), now(), body.book_date, hold_id,
            body.appointment_id or _new_id("appt"),
        )
        return appointment.to_dict()

    @app.post("/appointments", status_code=201, dependencies=[ratelimit.GUARD])
    def book(body: BookIn, caller: Caller) -> Dict[str, Any]:
        """Books a slot directly."""
        request = m.BookRequest(
            appointment_id=body.appointment_id or _new_id("appt"), patient_id=body.patient_id,
            doctor_id=body.doctor_id, appointment_type_id=body.type, start=body.start,
        )
        return bookings.book(schedule, actor(caller, body.patient_id), now(),
                             request).to_dict()

    # --- the token desk -------------------------------------------------------------------

    def issue(doctor_id: str, kind: m.TokenKind, body: TokenIn, caller: Optional[m.Actor],
              day: Optional[date]) -> Dict[str, Any]:
        who = staff(caller)
        queue_day, rules = desk_day(doctor_id, day)
        if not rules.sessions:
            raise m.InvalidInputError(
                f"invalid date = {queue_day.date.isoformat()!r}: {doctor_id} has no OPD session "
                "that day",
                {"code": "invalid_input", "field": "date", "value": queue_day.date.isoformat(),
                 "problem": "closed", "problem_message": f"{doctor_id} has no OPD session"},
            )
        request = m.TokenRequest(token_id=body.token_id or _new_id("tok"), kind=kind,
                                 patient_id=body.patient_id, mode=body.mode)
        return desk_reply(tokens.issue(queue_day, rules, who, now(), request))

    def command(doctor_id: str, cmd: m.TokenCommand, caller: Optional[m.Actor],
                day: Optional[date]) -> Dict[str, Any]:
        who = staff(caller)
        queue_day, rules = desk_day(doctor_id, day)
        return desk_reply(tokens.execute(queue_day, rules, who, now(), cmd))

    @app.post("/doctors/{doctor_id}/tokens/walk-in", status_code=201)
    def walk_in(
        doctor_id: str, body: TokenIn, caller: Caller,
        day: Optional[date] = Query(None, alias="date"),
    ) -> Dict[str, Any]:
        """Issues the next token to a walk-in patient."""
        return issue(doctor_id, m.TokenKind.WALK_IN, body, caller, day)

    @app.post("/doctors/{doctor_id}/tokens/emergency", status_code=201)
    def emergency(
        doctor_id: str, body: TokenIn, caller: Caller,
        day: Optional[date] = Query(None, alias="date"),
    ) -> Dict[str, Any]:
        """Issues an emergency token: it goes ahead of every waiting patient."""
        return issue(doctor_id, m.TokenKind.EMERGENCY, body, caller, day)

    @app.post("/doctors/{doctor_id}/queue/call-next")
    def call_next(
        doctor_id: str, caller: Caller,
        day: Optional[date] = Query(None, alias="date"),
    ) -> Dict[str, Any]:
        """Calls the first waiting patient not yet called (``your_turn`` to send)."""
        return command(doctor_id, m.CallNext(), caller, day)

    @app.post("/doctors/{doctor_id}/tokens/{number}/start")
    def start(
        doctor_id: str, number: int, caller: Caller,
        day: Optional[date] = Query(None, alias="date"),
    ) -> Dict[str, Any]:
        """The patient is with the doctor: the consultation starts."""
        return command(doctor_id, m.StartConsultation(number=number), caller, day)

    @app.post("/doctors/{doctor_id}/queue/complete")
    def complete(
        doctor_id: str, caller: Caller, body: Optional[CompleteIn] = None,
        day: Optional[date] = Query(None, alias="date"),
    ) -> Dict[str, Any]:
        """Ends the consultation of ``number`` (by default, the token being served)."""
        number = body.number if body is not None else None
        if number is None:
            staff(caller)
            queue_day, _ = desk_day(doctor_id, day)
            serving = tokens.queue(queue_day).now_serving
            if serving is None:
                raise _missing("number", "no consultation is in progress; name the token")
            number = serving.number
        return command(doctor_id, m.CompleteConsultation(number=number), caller, day)

    @app.post("/doctors/{doctor_id}/tokens/{number}/skip")
    def skip(
        doctor_id: str, number: int, caller: Caller, body: Optional[ReasonIn] = None,
        day: Optional[date] = Query(None, alias="date"),
    ) -> Dict[str, Any]:
        """The patient was not there when called: skipped (recall or reassign later)."""
        reason = body.reason if body is not None else None
        return command(doctor_id, m.SkipToken(number=number, reason=reason), caller, day)

    @app.get("/doctors/{doctor_id}/queue")
    def queue_board(
        doctor_id: str, day: Optional[date] = Query(None, alias="date"),
        next_n: int = Query(5, alias="next", ge=0, le=100),
    ) -> Dict[str, Any]:
        """The queue board: now serving, the line, the next patients and their waits."""
        queue_day, rules = desk_day(doctor_id, day)
        return board(queue_day, rules, next_n)

    @app.websocket("/ws/doctors/{doctor_id}/queue")
    async def queue_socket(
        websocket: WebSocket, doctor_id: str,
        day: Optional[date] = Query(None, alias="date"),
        next_n: int = Query(5, alias="next", ge=0, le=100),
    ) -> None:
        """Sends the board on connect, then again after each change of the doctor's queue
        that day, as read from the change feed: ``{"type": "queue", "position": feed
        position, "board": {...}}``."""
        await websocket.accept()
        try:
            queue_day, rules = await asyncio.to_thread(desk_day, doctor_id, day)
        except m.MedschedError as err:
            await websocket.close(code=4404 if err.code == "not_found" else 4422,
                                  reason=_reason(err.message))
            return
        await watcher.start()
        inbox = watcher.subscribe(doctor_id)

        async def send_board(position: int) -> None:
            try:
                shown = await asyncio.to_thread(board, queue_day, rules, next_n)
            except m.MedschedError as err:
                await websocket.send_json({"type": "error", "error": error_body(err)})
                return
            await websocket.send_json({"type": "queue", "position": position, "board": shown})

        async def pump() -> None:
            while True:
                day_, position = await inbox.get()
                while not inbox.empty():  # coalesce a burst into one board
                    later_day, later = inbox.get_nowait()
                    if later_day == queue_day.date:
                        day_, position = later_day, max(position, later)
                if day_ == queue_day.date:
                    await send_board(position)

        try:
            await send_board(watcher.position)
            pumping = asyncio.ensure_future(pump())
            try:
                while True:
                    message = await websocket.receive()
                    if message["type"] == "websocket.disconnect":
                        break
            finally:
                pumping.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pumping
        except WebSocketDisconnect:
            pass
        finally:
            watcher.unsubscribe(doctor_id, inbox)

    add_report_routes(app, schedule=schedule, bookings=bookings, store=store,
                      today=lambda: clinic.local_date(now()))
    app.include_router(interop_routes.router(schedule, bookings, now))
    return app


def _slot_fields(slot: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "start": slot["start"],
        "end": slot["end"],
        "local_start": slot["local_start"],
        "room_id": slot.get("room_id"),
    }


def _iso(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


app = create_app(os.environ.get("CLINIC_DB", "clinic.db"))
"""The app ``uvicorn app:app`` serves: the SQLite file named by ``CLINIC_DB``."""
