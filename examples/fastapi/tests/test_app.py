"""The FastAPI example through its HTTP and WebSocket API, with a fixed clock: slot
listings, holds and bookings, errors as HTTP statuses, the token desk, and queue boards pushed
from the change feed."""

from __future__ import annotations

import os

import queue
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

import medsched as m

import app as app_module
import clinic

MONDAY = "2026-03-02"
STAFF = {"X-Staff-Id": "rcp-1"}
RECEIVE_TIMEOUT = 10.0


class Clock:
    """A settable clock: 08:00 in Kochi on Monday 2 March 2026 unless moved."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 2, 30, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def api(tmp_path: Path, clock: Clock) -> FastAPI:
    return app_module.create_app(str(tmp_path / "clinic.db"), clock=clock, poll_interval=0.05)


@pytest.fixture
def client(api: FastAPI) -> Iterator[TestClient]:
    with TestClient(api) as made:  # runs the lifespan: the feed watcher
        yield made


def local(hhmm: str) -> str:
    """A Monday wall-clock time in Kochi, with its offset."""
    return f"{MONDAY}T{hhmm}:00+05:30"


def utc(hhmm: str) -> str:
    """A Monday wall-clock time in Kochi as the API writes instants (UTC)."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    at = datetime(2026, 3, 2, hour, minute, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    return at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def slot_statuses(client: TestClient, doctor: str = "dr-asha",
                  kind: str = "consult") -> Dict[str, str]:
    reply = client.get(f"/doctors/{doctor}/slots", params={"date": MONDAY, "type": kind})
    assert reply.status_code == 200, reply.text
    return {s["local_start"][11:16]: s["status"] for s in reply.json()["slots"]}


def hold(client: TestClient, patient: str, hhmm: str, **extra: Any) -> Dict[str, Any]:
    reply = client.post("/holds", json={
        "patient_id": patient, "doctor_id": "dr-asha", "type": "consult", "start": local(hhmm),
        **extra,
    })
    assert reply.status_code == 201, reply.text
    body: Dict[str, Any] = reply.json()
    return body


def walk_in(client: TestClient, patient: str, doctor: str = "dr-asha") -> Dict[str, Any]:
    reply = client.post(f"/doctors/{doctor}/tokens/walk-in", json={"patient_id": patient},
                        headers=STAFF)
    assert reply.status_code == 201, reply.text
    body: Dict[str, Any] = reply.json()
    return body


def receive_json(ws: WebSocketTestSession, timeout: float = RECEIVE_TIMEOUT) -> Any:
    """The next WebSocket message, or a test failure after ``timeout`` seconds (never a
    hang)."""
    box: "queue.Queue[Tuple[bool, Any]]" = queue.Queue()

    def read() -> None:
        try:
            box.put((True, ws.receive_json()))
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            box.put((False, err))

    threading.Thread(target=read, daemon=True).start()
    try:
        ok, value = box.get(timeout=timeout)
    except queue.Empty:
        pytest.fail(f"no WebSocket message within {timeout}s")
    if not ok:
        raise value
    return value


# --- slots, holds and bookings ------------------------------------------------------------


def test_doctors(client: TestClient) -> None:
    body = client.get("/doctors").json()
    assert [d["id"] for d in body["doctors"]] == ["dr-asha", "dr-ravi"]
    assert {t["id"] for t in body["appointment_types"]} == {"consult", "follow-up", "teleconsult"}


def test_slots_mark_booked_and_held(client: TestClient) -> None:
    """Dr Asha's Monday: twelve 30-minute consult slots; one held, one booked."""
    before = slot_statuses(client)
    assert list(before) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
                            "14:00", "14:30", "15:00", "15:30", "16:00", "16:30"]
    assert set(before.values()) == {"free"}

    hold(client, "pat-1", "10:00")
    booked = client.post("/appointments", json={
        "patient_id": "pat-2", "doctor_id": "dr-asha", "start": local("10:30")})
    assert booked.status_code == 201, booked.text

    after = slot_statuses(client)
    assert after["10:00"] == "held" and after["10:30"] == "booked"
    assert [t for t, s in after.items() if s != "free"] == ["10:00", "10:30"]
    listing = client.get("/doctors/dr-asha/slots", params={"date": MONDAY}).json()
    assert listing["free"] == 10
    held = next(s for s in listing["slots"] if s["status"] == "held")
    assert held["start"] == utc("10:00") and held["reason"] == "held by another patient"
    assert held["capacity_left"] == 0 and held["room_id"] == "room-1"
    # Dr Ravi works in another room: untouched.
    assert set(slot_statuses(client, "dr-ravi").values()) == {"free"}


def test_slots_too_soon_and_expired_holds(client: TestClient, clock: Clock) -> None:
    """Later in the morning, past slots are too soon; a hold lapses after 10 minutes."""
    hold(client, "pat-1", "11:00")
    clock.now = datetime(2026, 3, 2, 4, 50, tzinfo=timezone.utc)  # 10:20 in Kochi
    statuses = slot_statuses(client)
    assert [statuses[t] for t in ("09:00", "09:30", "10:00", "10:30")] == ["too_soon"] * 4
    assert statuses["11:00"] == "free", "the 10-minute hold placed at 08:00 has lapsed"


def test_hold_then_book(client: TestClient) -> None:
    placed = hold(client, "pat-1", "09:30", hold_id="hold-1")
    assert placed["id"] == "hold-1" and placed["status"] == "held"
    assert placed["book_date"] == MONDAY and placed["slot"]["start"] == utc("09:30")
    assert placed["expires_at"] == "2026-03-02T02:40:00Z"

    booked = client.post("/holds/hold-1/book", json={
        "book_date": MONDAY, "patient_id": "pat-1", "appointment_id": "appt-1"})
    assert booked.status_code == 201, booked.text
    appointment = booked.json()
    assert appointment["id"] == "appt-1" and appointment["hold_id"] == "hold-1"
    assert appointment["status"] == "confirmed" and appointment["patient_id"] == "pat-1"
    assert slot_statuses(client)["09:30"] == "booked"

    again = client.post("/holds/hold-1/book", json={"book_date": MONDAY, "patient_id": "pat-1"})
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


def test_staff_hold_for_a_patient(client: TestClient) -> None:
    reply = client.post("/holds", headers=STAFF, json={
        "patient_id": "pat-9", "doctor_id": "dr-asha", "start": local("14:00")})
    assert reply.status_code == 201
    body = reply.json()
    assert body["placed_by"] == {"kind": "staff", "id": "rcp-1"}
    assert body["expires_at"] == "2026-03-02T03:00:00Z", "staff holds last 30 minutes"


# --- errors -------------------------------------------------------------------------------


def test_errors_become_http_statuses(client: TestClient, api: FastAPI, tmp_path: Path) -> None:
    hold(client, "pat-1", "10:00")
    taken = client.post("/holds", json={
        "patient_id": "pat-2", "doctor_id": "dr-asha", "start": local("10:00")})
    assert taken.status_code == 409
    assert taken.json()["code"] == "slot_unavailable"
    assert taken.json()["reason"] == {"code": "held"}

    off_grid = client.post("/holds", json={
        "patient_id": "pat-2", "doctor_id": "dr-asha", "start": local("10:10")})
    assert off_grid.status_code == 422
    assert off_grid.json()["code"] == "invalid_input"
    assert off_grid.json()["problem"] == "not_slot_start"

    naive = client.post("/holds", json={
        "patient_id": "pat-2", "doctor_id": "dr-asha", "start": f"{MONDAY}T10:00:00"})
    assert naive.status_code == 422
    assert (naive.json()["code"], naive.json()["field"]) == ("invalid_input", "start")

    bad_date = client.get("/doctors/dr-asha/slots", params={"date": "2026-02-30"})
    assert bad_date.status_code == 422 and bad_date.json()["field"] == "date"

    for path, kind in (("/doctors/dr-who/slots", "doctor"), ("/doctors/dr-asha/slots", None)):
        params = {"date": MONDAY, "type": "surgery" if kind is None else "consult"}
        missing = client.get(path, params=params)
        assert missing.status_code == 404
        assert missing.json()["code"] == "not_found"
        assert missing.json()["kind"] == (kind or "appointment_type")

    unknown_hold = client.post("/holds/hold-x/book", json={"book_date": MONDAY,
                                                           "patient_id": "pat-1"})
    assert unknown_hold.status_code == 404 and unknown_hold.json()["kind"] == "hold"

    nobody = client.post("/holds/hold-x/book", json={"book_date": MONDAY})
    assert nobody.status_code == 422 and nobody.json()["field"] == "patient_id"

    no_staff = client.post("/doctors/dr-asha/tokens/walk-in", json={"patient_id": "pat-3"})
    assert no_staff.status_code == 422 and no_staff.json()["field"] == "X-Staff-Id"

    empty = client.post("/doctors/dr-asha/queue/call-next", headers=STAFF)
    assert empty.status_code == 409
    assert (empty.json()["code"], empty.json()["rule"]) == ("policy_violation", "queue_empty")

    nothing = client.post("/doctors/dr-asha/queue/complete", headers=STAFF)
    assert nothing.status_code == 422 and nothing.json()["field"] == "number"

    walk_in(client, "pat-4")
    not_started = client.post("/doctors/dr-asha/queue/complete", headers=STAFF,
                              json={"number": 1})
    assert not_started.status_code == 409
    assert not_started.json()["code"] == "invalid_transition"
    assert not_started.json()["from"] == "waiting"

    sunday = client.post("/doctors/dr-asha/tokens/walk-in", params={"date": "2026-03-01"},
                         json={"patient_id": "pat-5"}, headers=STAFF)
    assert sunday.status_code == 422, sunday.text
    assert (sunday.json()["field"], sunday.json()["problem"]) == ("date", "closed")

    with sqlite3.connect(tmp_path / "clinic.db") as raw:
        raw.execute("DROP TABLE events")
    broken = client.get("/doctors/dr-asha/slots", params={"date": MONDAY})
    assert broken.status_code == 503
    assert broken.json()["code"] == "storage" and "no such table" in broken.json()["message"]


# --- the token desk -----------------------------------------------------------------------


def test_token_desk(client: TestClient) -> None:
    """Walk-ins get 1, 2, 3; an emergency goes first; call, start, complete; a patient not
    there when called is skipped."""
    assert [walk_in(client, p)["token"]["number"] for p in ("w1", "w2", "w3")] == [1, 2, 3]
    urgent = client.post("/doctors/dr-asha/tokens/emergency", json={"patient_id": "e1"},
                         headers=STAFF)
    assert urgent.status_code == 201
    assert urgent.json()["token"]["number"] == 4 and urgent.json()["token"]["kind"] == "emergency"
    assert urgent.json()["line"] == [4, 1, 2, 3]

    called = client.post("/doctors/dr-asha/queue/call-next", headers=STAFF).json()
    assert called["token"]["number"] == 4
    assert {"kind": "your_turn", "number": 4, "patient_id": "e1", "position": 1,
            "meet_link": None} in called["notifications"]
    started = client.post("/doctors/dr-asha/tokens/4/start", headers=STAFF).json()
    assert started["now_serving"] == 4 and started["line"] == [1, 2, 3]

    board = client.get("/doctors/dr-asha/queue", params={"next": 2}).json()
    assert board["now_serving"]["number"] == 4 and board["now_serving"]["state"] == "consulting"
    assert board["line"] == [1, 2, 3]
    assert [(t["number"], t["position"]) for t in board["next"]] == [(1, 1), (2, 2)]
    waits = [t["wait_minutes"] for t in board["next"]]
    assert all(w is not None and w > 0 for w in waits) and waits == sorted(waits)

    done = client.post("/doctors/dr-asha/queue/complete", headers=STAFF).json()
    assert done["token"]["number"] == 4 and done["token"]["state"] == "completed"
    assert done["now_serving"] is None

    assert client.post("/doctors/dr-asha/queue/call-next",
                       headers=STAFF).json()["token"]["number"] == 1
    skipped = client.post("/doctors/dr-asha/tokens/1/skip", headers=STAFF,
                          json={"reason": "not in the waiting area"})
    assert skipped.status_code == 200, skipped.text
    assert skipped.json()["token"]["state"] == "skipped" and skipped.json()["line"] == [2, 3]
    assert any(n["kind"] == "missed" and n["number"] == 1
               for n in skipped.json()["notifications"])

    board = client.get("/doctors/dr-asha/queue").json()
    assert board["counts"] == {"waiting": 2, "consulting": 0, "completed": 1, "cancelled": 0,
                               "late": 0, "skipped": 1}
    assert board["line"] == [2, 3] and board["last_called"] == 1
    # Dr Ravi's queue is his own.
    assert walk_in(client, "r1", "dr-ravi")["token"]["number"] == 1


def test_a_repeated_token_request_is_idempotent(client: TestClient) -> None:
    body = {"patient_id": "w1", "token_id": "tok-w1"}
    first = client.post("/doctors/dr-asha/tokens/walk-in", json=body, headers=STAFF).json()
    again = client.post("/doctors/dr-asha/tokens/walk-in", json=body, headers=STAFF).json()
    assert first["token"] == again["token"] and again["line"] == [1]


# --- the queue WebSocket ------------------------------------------------------------------


def token_positions(api: FastAPI, doctor: str) -> List[int]:
    """Feed positions of the doctor's token events, read from the store."""
    feed = m.Bookings(api.state.store).feed(api.state.schedule, 0, 1000)
    return [e.position for e in feed if e.stream.doctor_id == doctor]


def test_websocket_pushes_the_board_after_a_walk_in(client: TestClient, api: FastAPI) -> None:
    with client.websocket_connect("/ws/doctors/dr-asha/queue") as ws:
        first = receive_json(ws)
        assert first["type"] == "queue"
        assert first["board"]["line"] == [] and first["board"]["doctor_id"] == "dr-asha"

        walk_in(client, "r1", "dr-ravi")  # another doctor's queue: nothing for this socket
        walk_in(client, "w1")
        update = receive_json(ws)
        assert update["type"] == "queue"
        assert update["board"]["line"] == [1]
        assert update["board"]["next"][0]["number"] == 1
        assert update["position"] == token_positions(api, "dr-asha")[-1]
        assert update["position"] > first["position"]

        client.post("/doctors/dr-asha/tokens/emergency", json={"patient_id": "e1"},
                    headers=STAFF)
        urgent = receive_json(ws)
        assert urgent["board"]["line"] == [2, 1]
        assert urgent["position"] == token_positions(api, "dr-asha")[-1]


def test_websocket_sees_writes_that_bypass_the_api(client: TestClient, api: FastAPI,
                                                   clock: Clock) -> None:
    """Another process (here: medsched directly on the same file) issues a token: the
    socket hears of it from the change feed alone."""
    with client.websocket_connect("/ws/doctors/dr-asha/queue") as ws:
        assert receive_json(ws)["board"]["line"] == []
        schedule = api.state.schedule
        day = m.QueueDay(tenant=clinic.TENANT, doctor_id="dr-asha", date=clock.now.date())
        rules = clinic.queue_rules(schedule, "dr-asha", day.date)
        m.Tokens(api.state.store).issue(day, rules, m.Actor.staff("kiosk"), clock.now,
                                        m.TokenRequest(token_id="tok-k1",
                                                       kind=m.TokenKind.WALK_IN,
                                                       patient_id="k1"))
        pushed = receive_json(ws)
        assert pushed["board"]["line"] == [1]
        assert pushed["board"]["next"][0]["number"] == 1


@pytest.mark.parametrize(
    ("path", "code", "reason"),
    [
        ("/ws/doctors/dr-who/queue", 4404, "dr-who"),
        ("/ws/doctors/dr-asha/queue?next=many", 4422, "invalid next"),
        ("/ws/doctors/dr-asha/queue?next=101", 4422, "invalid next"),
        ("/ws/doctors/dr-asha/queue?date=2026-02-30", 4422, "invalid date"),
    ],
)
def test_a_bad_websocket_request_is_closed_with_a_code_and_reason(
    client: TestClient, path: str, code: int, reason: str
) -> None:
    """Accepted, then closed at once: the client reads why (a refusal before accepting
    reaches it as a bare HTTP 403)."""
    with client.websocket_connect(path) as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == code
    assert reason in closed.value.reason


def test_the_module_level_app() -> None:
    assert isinstance(app_module.app, FastAPI)
    assert app_module.app.state.store.path.endswith("clinic.db")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite", id="medsched-sqlite"),
        pytest.param(
            os.environ.get("MEDSCHED_PG_URL", ""),
            id="postgresql",
            marks=pytest.mark.skipif(
                not os.environ.get("MEDSCHED_PG_URL"),
                reason="no PostgreSQL server (the test command runs this under "
                "scripts/with-postgres.sh)",
            ),
        ),
    ],
)
def test_the_api_runs_on_a_store_opened_by_url(url: str, tmp_path: Path, clock: Clock) -> None:
    """The same API over medsched's own stores: a hold, a booking, a refused second booking
    of the slot, and a walk-in token, each visible through the API afterwards."""
    where = f"sqlite:///{tmp_path / 'medsched.db'}" if url == "sqlite" else url
    api = app_module.create_app(where, clock=clock, poll_interval=0.05)
    with TestClient(api) as client:
        assert slot_statuses(client)["10:30"] == "free"
        booked = client.post("/appointments", json={
            "patient_id": "pat-url", "doctor_id": "dr-asha", "start": local("10:30")})
        assert booked.status_code == 201, booked.text
        again = client.post("/appointments", json={
            "patient_id": "pat-other", "doctor_id": "dr-asha", "start": local("10:30")})
        assert again.status_code == 409, again.text
        assert again.json()["code"] == "slot_unavailable"
        assert slot_statuses(client)["10:30"] == "booked"
