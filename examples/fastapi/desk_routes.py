"""The token desk (staff, ``X-Staff-Id``), per doctor and day: walk-in and emergency
tokens, call next, start, complete, skip; the queue board, and the board pushed over a
WebSocket whenever the change feed has new events of the doctor's queue."""

import asyncio
import contextlib
from datetime import date, timedelta
from typing import Any, Dict, Optional, Tuple

from fastapi import FastAPI, HTTPException, Query, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

import medsched as m

import clinic
from auth import Caller
from errors import close_reason, error_body, missing
from feed_watcher import FeedWatcher
from wire import Clock, iso, new_id


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


def add_desk_routes(app: FastAPI, *, schedule: m.Schedule, tokens: m.Tokens,
                    watcher: FeedWatcher, now: Clock) -> None:
    """Adds the routes of the token desk and the queue board to ``app``; each command nudges
    ``watcher``, which pushes the boards."""

    def staff(caller: Optional[m.Actor]) -> m.Actor:
        if caller is None:
            raise missing("X-Staff-Id", "the token desk is for staff: send X-Staff-Id")
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
                "expected_at": None if wait is None else iso(at + timedelta(minutes=wait.minutes)),
            })
        return {
            "doctor_id": day.doctor_id,
            "date": day.date.isoformat(),
            "now": iso(at),
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
        request = m.TokenRequest(token_id=body.token_id or new_id("tok"), kind=kind,
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
                raise missing("number", "no consultation is in progress; name the token")
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
                                  reason=close_reason(err.message))
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
