"""The example server against bad input: schemathesis drives every endpoint from the app's
own OpenAPI schema (in-process, over ASGI) and no request answers 500; every 4xx has one
body, ``{code, message, field}``; bodies are size-limited; dates at the ends of the calendar
and holds at the end of time are refused, not crashed on; the public board names no patient;
and the authentication dependency is the host's to replace."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
import schemathesis
from fastapi import Header, HTTPException
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

import medsched as m

import app as app_module

MONDAY = "2026-03-02"
STAFF = {"X-Staff-Id": "rcp-1"}
MONDAY_0800_KOCHI = datetime(2026, 3, 2, 2, 30, tzinfo=timezone.utc)
EXAMPLES = 30
"""Requests per operation: the schema has about a dozen, so a few hundred requests."""


def _fixed_clock() -> datetime:
    return MONDAY_0800_KOCHI


API = app_module.create_app("memory:", clock=_fixed_clock, max_body_bytes=4096)
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", API)


def error_body_is_uniform(ctx: Any, response: Any, case: Any) -> Optional[bool]:
    """Every 4xx answers ``{code, message, field}``: a code and a message as text, and the
    field (text, or ``null`` when no one field is at fault)."""
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body, dict), body
        assert isinstance(body.get("code"), str) and body["code"], body
        assert isinstance(body.get("message"), str) and body["message"], body
        assert "field" in body and (body["field"] is None or isinstance(body["field"], str)), body
        assert "detail" not in body, body
    return None


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_from_the_schema_answers_500(case: Any) -> None:
    case.call_and_validate(checks=[not_a_server_error], additional_checks=[error_body_is_uniform])


# --- one error body -----------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    made = app_module.create_app(str(tmp_path / "clinic.db"), clock=_fixed_clock,
                                 poll_interval=0.05, max_body_bytes=1024)
    with TestClient(made) as running:
        yield running


def _error(reply: Any, status: int, code: str, field: Optional[str] = None) -> Dict[str, Any]:
    assert reply.status_code == status, reply.text
    body: Dict[str, Any] = reply.json()
    assert (body["code"], body["field"]) == (code, field), body
    assert body["message"]
    return body


def test_fastapis_own_refusals_share_the_error_body(client: TestClient) -> None:
    _error(client.get("/nowhere"), 404, "not_found")
    _error(client.delete("/doctors"), 405, "method_not_allowed")
    _error(client.get("/doctors/dr-asha/slots"), 422, "invalid_input", "date")
    _error(client.post("/holds", content=b"{not json", headers={"Content-Type":
                                                                "application/json"}),
           422, "invalid_input", "body")
    _error(client.post("/holds", json=[1, 2]), 422, "invalid_input", "body")
    _error(client.post("/doctors/dr-asha/tokens/x/start", headers=STAFF), 422,
           "invalid_input", "number")
    medsched = _error(client.get("/doctors/dr-who/slots", params={"date": MONDAY}), 404,
                      "not_found")
    assert medsched["kind"] == "doctor"
    slot = _error(client.post("/holds", json={
        "patient_id": "p", "doctor_id": "dr-asha", "start": f"{MONDAY}T10:10:00+05:30"}),
        422, "invalid_input", "start")
    assert slot["problem"] == "not_slot_start"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "9999-12-30", "0001-01-02"])
def test_dates_at_the_ends_of_the_calendar_are_refused_not_500(
    client: TestClient, day: str
) -> None:
    for path in ("/doctors/dr-asha/slots", "/doctors/dr-asha/queue"):
        reply = client.get(path, params={"date": day})
        assert reply.status_code in (200, 422), reply.text
        if reply.status_code == 422:
            assert reply.json()["code"] == "invalid_input"
    walk_in = client.post("/doctors/dr-asha/tokens/walk-in", params={"date": day},
                          json={"patient_id": "p"}, headers=STAFF)
    assert walk_in.status_code in (201, 409, 422), walk_in.text
    again = client.get("/doctors")
    assert again.status_code == 200, "the connection still serves the next request"


@pytest.mark.parametrize("start", ["9999-12-31T23:30:00+05:30", "9999-12-31T18:00:00Z",
                                   "0001-01-01T00:00:00+05:30", "0001-01-01T09:00:00Z"])
def test_holds_at_the_ends_of_time_are_refused_not_500(client: TestClient, start: str) -> None:
    reply = client.post("/holds", json={"patient_id": "p", "doctor_id": "dr-asha",
                                        "start": start})
    assert 400 <= reply.status_code < 500, reply.text
    assert reply.json()["code"] in ("invalid_input", "slot_unavailable")
    assert client.get("/doctors").status_code == 200


def test_a_body_over_the_limit_is_413(client: TestClient) -> None:
    big = {"patient_id": "p" * 2000, "doctor_id": "dr-asha", "start": f"{MONDAY}T10:00:00Z"}
    _error(client.post("/holds", json=big), 413, "too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        yield b'{"patient_id": "'
        for _ in range(10):
            yield b"p" * 200
        yield b'"}'

    _error(client.post("/holds", content=chunks(), headers={"Content-Type":
                                                            "application/json"}),
           413, "too_large")
    small = client.post("/holds", json={"patient_id": "p", "doctor_id": "dr-asha",
                                        "start": f"{MONDAY}T10:00:00+05:30"})
    assert small.status_code == 201, small.text


def test_the_public_board_shows_numbers_and_states_only(client: TestClient) -> None:
    for patient in ("pat-secret-1", "pat-secret-2"):
        assert client.post("/doctors/dr-asha/tokens/walk-in", json={"patient_id": patient},
                           headers=STAFF).status_code == 201
    client.post("/doctors/dr-asha/queue/call-next", headers=STAFF)
    client.post("/doctors/dr-asha/tokens/1/start", headers=STAFF)
    reply = client.get("/doctors/dr-asha/queue", params={"date": MONDAY})
    assert reply.status_code == 200
    assert "pat-secret" not in reply.text
    board = reply.json()
    assert board["now_serving"] == {"number": 1, "state": "consulting"}
    assert [(t["number"], t["state"]) for t in board["next"]] == [(2, "waiting")]
    with client.websocket_connect("/ws/doctors/dr-asha/queue") as ws:
        pushed = ws.receive_text()
    assert "pat-secret" not in pushed


# --- authentication, replaced by the host -------------------------------------------------


def test_the_host_replaces_the_authentication_dependency(tmp_path: Path) -> None:
    """A host's own check (here a bearer token) in place of the example's trusted header."""
    made = app_module.create_app(str(tmp_path / "clinic.db"), clock=_fixed_clock)
    sessions = {"t-staff": m.Actor.staff("rcp-9"), "t-patient": m.Actor.patient("pat-9")}

    def bearer(authorization: Optional[str] = Header(None)) -> Optional[m.Actor]:
        token = (authorization or "").removeprefix("Bearer ")
        if token not in sessions:
            raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Bearer"})
        return sessions[token]

    made.dependency_overrides[app_module.authenticate] = bearer
    with TestClient(made) as client:
        walk_in = "/doctors/dr-asha/tokens/walk-in"
        _error(client.post(walk_in, json={"patient_id": "p"}, headers=STAFF), 401,
               "unauthorized")
        _error(client.post(walk_in, json={"patient_id": "p"},
                           headers={"Authorization": "Bearer t-patient"}), 403, "forbidden")
        issued = client.post(walk_in, json={"patient_id": "p"},
                             headers={"Authorization": "Bearer t-staff"})
        assert issued.status_code == 201, issued.text
        held = client.post("/holds", json={"patient_id": "pat-9", "doctor_id": "dr-asha",
                                           "start": f"{MONDAY}T10:00:00+05:30"},
                           headers={"Authorization": "Bearer t-patient"})
        assert held.status_code == 201, held.text
        assert held.json()["patient_id"] == "pat-9"
        assert client.get("/doctors").status_code == 200, "public reads need no sign-in"


def test_a_bug_answers_500_with_the_error_body_and_the_app_keeps_serving(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Not a bad input but a fault of the host (here a clock giving naive times): 500
    ``internal``, logged, and the next request is served."""
    naive = app_module.create_app(str(tmp_path / "clinic.db"),
                                  clock=lambda: datetime(2026, 3, 2, 8, 0))
    with TestClient(naive) as client:
        _error(client.get("/doctors/dr-asha/slots", params={"date": MONDAY}), 500, "internal")
        assert client.get("/doctors").status_code == 200
    assert "the clock must return an aware datetime" in caplog.text
