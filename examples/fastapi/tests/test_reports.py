"""The report routes (report_routes.py): the analytics as JSON and CSV, folded incrementally
from the feed, and the pictures as SVG."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

import app as app_module
from test_app import MONDAY, STAFF, Clock, local, walk_in

DAY = {"first": MONDAY, "last": MONDAY}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    clock = Clock()
    api = app_module.create_app(str(tmp_path / "clinic.db"), clock=clock, poll_interval=0.05)
    with TestClient(api) as made:
        made.clock = clock  # type: ignore[attr-defined]
        yield made


def test_a_booking_and_a_consultation_show_in_the_report_and_csv(client: TestClient) -> None:
    empty = client.get("/reports/analytics", params=DAY).json()
    assert empty["position"] == 0
    reply = client.post("/appointments", json={
        "patient_id": "pat-1", "doctor_id": "dr-asha", "type": "consult", "start": local("10:00"),
    })
    assert reply.status_code == 201, reply.text
    client.post("/reports/observations", json={
        "type": "search_recorded", "at": "2026-03-02T02:00:00Z"})
    number = walk_in(client, "pat-2")["token"]["number"]
    assert client.post(f"/doctors/dr-asha/tokens/{number}/start", headers=STAFF).status_code == 200
    client.clock.now += timedelta(minutes=12)  # type: ignore[attr-defined]
    assert client.post("/doctors/dr-asha/queue/complete", headers=STAFF).status_code == 200

    report = client.get("/reports/analytics", params=DAY).json()
    assert report["position"] > 0
    asha = next(d for d in report["doctors"] if d["doctor_id"] == "dr-asha")
    assert (asha["booked"], asha["tokens"], asha["consults"]) == (1, 1, 1)
    assert asha["mean_consult_minutes"] == 12.0
    everything = next(u for u in report["utilisation"] if u["dimension"] == "all")
    assert everything["booked_minutes"] > 0 and everything["offered_minutes"] > 0
    assert report["conversion"][-1]["searches"] == 1

    table = client.get("/reports/doctors.csv", params=DAY)
    assert table.status_code == 200
    assert table.headers["content-type"].startswith("text/csv")
    assert "attachment" in table.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert next(r for r in rows if r["doctor_id"] == "dr-asha")["booked"] == "1"
    assert client.get("/reports/nonsense.csv").status_code == 404


def test_the_pictures_are_svg(client: TestClient) -> None:
    client.post("/appointments", json={
        "patient_id": "pat-1", "doctor_id": "dr-asha", "type": "consult", "start": local("10:00"),
    })
    walk_in(client, "pat-2")
    for path in ("/reports/doctors/dr-asha/week.svg?first=2026-03-02",
                 f"/reports/doctors/dr-asha/queue.svg?date={MONDAY}",
                 "/reports/calibration.svg"):
        reply = client.get(path)
        assert reply.status_code == 200, (path, reply.text)
        assert reply.headers["content-type"].startswith("image/svg+xml")
        assert reply.text.startswith("<svg") and "<desc" in reply.text
    week = client.get("/reports/doctors/dr-asha/week.svg?first=2026-03-02").text
    assert "<title>booked 10:00</title>" in week and "<title>free " in week
    assert client.get("/reports/doctors/dr-nobody/week.svg").status_code == 404
