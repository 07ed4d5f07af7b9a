"""The shared vectors of testdata/resources (joint bookings, joint searches, pools) through
the Python API: the same cases core/tests/resources_vectors.rs runs."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List

import pytest

import medsched as m

TESTDATA = Path(__file__).resolve().parents[3] / "testdata"
FILES = sorted((TESTDATA / "resources").glob("*.json"))

WHY = {
    "invalid_input": ("field", "problem"),
    "not_found": ("kind", "id"),
    "slot_unavailable": ("doctor_id", "reason"),
}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def claim(slot: m.SlotClaim) -> Dict[str, Any]:
    return {"doctor_id": slot.doctor_id, "clinicians": slot.clinicians, "equipment": slot.equipment}


def script(doc: Dict[str, Any], case: Dict[str, Any]) -> List[Any]:
    schedule = m.Schedule(
        doc["tenant"],
        m.Clinic.from_dict(doc["clinic"]),
        [m.DoctorCalendar.from_dict(c) for c in doc["calendars"]],
        [m.AppointmentType.from_dict(t) for t in doc["appointment_types"]],
    )
    bookings = m.Bookings(m.InMemoryStore())
    results: List[Any] = []
    for step in case["steps"]:
        actor, now = m.Actor.from_dict(step["actor"]), instant(step["now"])
        try:
            if step["call"] == "book":
                request = m.BookRequest.from_dict(step["request"])
                results.append(claim(bookings.book(schedule, actor, now, request).slot))
            elif step["call"] == "book_joint":
                joint = m.JointBookRequest.from_dict(step["request"])
                results.append(claim(bookings.book_joint(schedule, actor, now, joint).slot))
            else:
                pool = m.PoolBookRequest.from_dict(step["request"])
                booked = bookings.book_from_pool(schedule, actor, now, pool)
                result = claim(booked.appointment.slot)
                result["assignment"] = booked.assignment.to_dict()
                results.append(result)
        except m.MedschedError as err:
            why = WHY.get(err.code, ())
            results.append({"error": {name: err.details.get(name) for name in ("code", *why)}})
    return results


def joint_slots(doc: Dict[str, Any], case: Dict[str, Any]) -> List[str]:
    rules = m.ClinicRules(m.Clinic.from_dict(doc["clinic"]))
    doctors = {
        c["doctor_id"]: m.Availability(rules, m.DoctorCalendar.from_dict(c))
        for c in doc["calendars"]
    }
    slots = doctors[case["doctor"]].joint_slots(
        [doctors[c] for c in case["clinicians"]],
        case["equipment"],
        m.SlotRequest.from_dict(case["request"]),
        m.Occupancy.from_dict(case["occupancy"]),
    )
    return [s.start.isoformat().replace("+00:00", "Z") for s in slots]


CASES = [
    pytest.param(path, i, id=f"{path.stem}:{case['name']}")
    for path in FILES
    for i, case in enumerate(json.loads(path.read_text())["cases"])
]


@pytest.mark.parametrize("path,index", CASES)
def test_resource_vector(path: Path, index: int) -> None:
    doc = json.loads(path.read_text())
    case = doc["cases"][index]
    if case["op"] == "script":
        got = script(doc, case)
        assert len(got) == len(case["steps"])
        for step, result in zip(case["steps"], got):
            assert step["expect"] == result, (step["name"], step["expect"], result)
    else:
        assert case["expect"] == joint_slots(doc, case)


def test_the_resource_vectors_are_found() -> None:
    assert FILES
