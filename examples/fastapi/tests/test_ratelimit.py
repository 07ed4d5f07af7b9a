"""Booking rate limits in the FastAPI example: per patient, phone and address in front of
holds and bookings, 429 with Retry-After, staff exempt, shared by two app instances on one
file, and medsched's own limiter for a store URL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from fastapi.testclient import TestClient

import medsched as m
import app as app_module

MONDAY = "2026-03-02"
STAFF = {"X-Staff-Id": "rcp-1"}
TIGHT = m.RateLimits(
    patient=m.Rate(limit=2, period_seconds=600),
    phone=m.Rate(limit=3, period_seconds=600),
    ip=m.Rate(limit=5, period_seconds=600),
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 2, 30, tzinfo=timezone.utc)  # 08:00 in Kochi

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def client_for(where: str, clock: Clock) -> TestClient:
    return TestClient(app_module.create_app(where, clock=clock, poll_interval=0.05,
                                            rate_limits=TIGHT))


@pytest.fixture
def client(tmp_path: Path, clock: Clock) -> Iterator[TestClient]:
    with client_for(str(tmp_path / "clinic.db"), clock) as made:
        yield made


def hold(client: TestClient, patient: str, hhmm: str, **headers: str) -> Any:
    return client.post("/holds", headers=headers, json={
        "patient_id": patient, "doctor_id": "dr-asha", "type": "consult",
        "start": f"{MONDAY}T{hhmm}:00+05:30",
    })


def test_a_patient_over_the_limit_gets_429_with_retry_after(client: TestClient,
                                                            clock: Clock) -> None:
    assert hold(client, "pat-1", "09:00").status_code == 201
    assert hold(client, "pat-1", "09:30").status_code == 201
    refused = hold(client, "pat-1", "10:00")
    assert refused.status_code == 429, refused.text
    body: Dict[str, Any] = refused.json()
    assert (body["code"], body["kind"], body["retry_after_ms"]) == ("rate_limited", "patient",
                                                                   300_000)
    assert refused.headers["Retry-After"] == "300"
    assert body["message"] == "too many requests for this patient: retry in 300000 ms"
    # Another patient still passes; the first passes again once the interval is over.
    assert hold(client, "pat-2", "10:00").status_code == 201
    clock.now += timedelta(minutes=5)
    assert hold(client, "pat-1", "10:30").status_code == 201


def test_a_phone_shared_by_patients_is_limited_and_never_echoed(client: TestClient) -> None:
    phone = {"X-Patient-Phone": "+91 98460 12345"}
    for i, hhmm in enumerate(["09:00", "09:30", "10:00"]):
        assert hold(client, f"pat-{i}", hhmm, **phone).status_code == 201
    refused = hold(client, "pat-9", "10:30", **phone)
    assert refused.status_code == 429 and refused.json()["kind"] == "phone"
    assert "98460" not in refused.text


def test_the_address_limits_every_patient_behind_it_but_staff_pass(client: TestClient) -> None:
    times = ["09:00", "09:30", "10:00", "10:30", "11:00"]
    for i, hhmm in enumerate(times):
        assert hold(client, f"pat-{i}", hhmm).status_code == 201
    refused = hold(client, "pat-7", "11:30")
    assert refused.status_code == 429 and refused.json()["kind"] == "ip"
    # Nothing was counted for pat-7: the address refused first.
    staff = hold(client, "pat-7", "11:30", **STAFF)
    assert staff.status_code == 201, staff.text


def test_direct_bookings_are_limited_too(client: TestClient) -> None:
    def book(hhmm: str) -> int:
        reply = client.post("/appointments", json={
            "patient_id": "pat-1", "doctor_id": "dr-asha", "start": f"{MONDAY}T{hhmm}:00+05:30"})
        return reply.status_code

    assert [book("09:00"), book("09:30"), book("10:00")] == [201, 201, 429]


def test_two_app_servers_on_one_file_share_the_limits(tmp_path: Path, clock: Clock) -> None:
    where = str(tmp_path / "clinic.db")
    with client_for(where, clock) as first, client_for(where, clock) as second:
        assert hold(first, "pat-1", "09:00").status_code == 201
        assert hold(second, "pat-1", "09:30").status_code == 201
        assert hold(first, "pat-1", "10:00").status_code == 429
        assert hold(second, "pat-1", "10:00").status_code == 429


def test_a_store_url_keeps_the_states_with_medsched(tmp_path: Path, clock: Clock) -> None:
    with client_for(f"sqlite://{tmp_path}/native.db", clock) as made:
        assert hold(made, "pat-1", "09:00").status_code == 201
        assert hold(made, "pat-1", "09:30").status_code == 201
        refused = hold(made, "pat-1", "10:00")
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "300"
        assert isinstance(made.app.state.rate_limiter.limiter, m.RateLimiter)  # type: ignore[attr-defined]
