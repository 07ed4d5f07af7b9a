"""The interop routes: a doctor's .ics feed (parsed with ``icalendar``) and the FHIR Slot
search (read by the ``fhir.resources`` R4B models), with a fixed clock."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle

import app as app_module

MONDAY_0800 = datetime(2026, 3, 2, 2, 30, tzinfo=timezone.utc)  # 08:00 in Kochi


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    api: FastAPI = app_module.create_app(
        str(tmp_path / "clinic.db"), clock=lambda: MONDAY_0800, poll_interval=0.05
    )
    with TestClient(api) as made:
        yield made


def book(client: TestClient, patient: str, start: str) -> None:
    reply = client.post("/appointments", json={
        "patient_id": patient, "doctor_id": "dr-asha", "type": "consult", "start": start,
    })
    assert reply.status_code == 201, reply.text


def test_calendar_feed_has_the_booked_appointment_in_kochi_time(client: TestClient) -> None:
    book(client, "pat-1", "2026-03-02T10:00:00+05:30")
    reply = client.get("/doctors/dr-asha/calendar.ics", params={"date": "2026-03-02", "days": 2})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(reply.text)
    assert [z["TZID"] for z in calendar.walk("VTIMEZONE")] == ["Asia/Kolkata"]
    booked = [e for e in calendar.walk("VEVENT") if str(e["TRANSP"]) == "OPAQUE"]
    assert len(booked) == 1
    start = booked[0]["DTSTART"].dt
    assert start.astimezone(timezone.utc) == datetime(2026, 3, 2, 4, 30, tzinfo=timezone.utc)
    assert str(booked[0]["DTSTART"].params["TZID"]) == "Asia/Kolkata"
    opened = [e for e in calendar.walk("VEVENT") if str(e["TRANSP"]) == "TRANSPARENT"]
    assert opened, "open hours"


def test_slot_search_is_a_valid_searchset(client: TestClient) -> None:
    book(client, "pat-1", "2026-03-02T10:00:00+05:30")
    reply = client.get("/fhir/Slot", params=[
        ("schedule", "dr-asha.kochi"), ("start", "ge2026-03-02T04:00:00Z"),
        ("start", "lt2026-03-02T06:00:00Z"),
    ])
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("application/fhir+json")
    bundle = reply.json()
    Bundle.model_validate(bundle)
    assert bundle["type"] == "searchset" and bundle["total"] == len(bundle["entry"]) > 0
    statuses = {e["resource"]["status"] for e in bundle["entry"]}
    assert "busy" in statuses and "free" in statuses
    for entry in bundle["entry"]:
        slot = entry["resource"]
        assert slot["schedule"]["reference"] == "Schedule/dr-asha.kochi"
        assert "2026-03-02T04:00:00Z" <= slot["start"] < "2026-03-02T06:00:00Z"
    free = client.get("/fhir/Slot", params=[
        ("schedule", "dr-asha.kochi"), ("start", "ge2026-03-02T04:00:00Z"),
        ("start", "lt2026-03-02T06:00:00Z"), ("status", "free"),
    ]).json()
    assert 0 < free["total"] < bundle["total"]


def test_bad_searches_are_invalid_input(client: TestClient) -> None:
    reply = client.get("/fhir/Slot", params={"schedule": "dr-asha.kochi", "start": "2026-03-02"})
    assert reply.status_code == 422
    assert reply.json()["field"] == "start"
    reply = client.get("/fhir/Slot", params={"schedule": "dr-nobody.kochi"})
    assert reply.status_code == 404
    reply = client.get("/doctors/dr-asha/calendar.ics", params={"days": 400})
    assert reply.status_code == 422
    assert reply.json()["field"] == "days"
