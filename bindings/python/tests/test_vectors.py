"""The shared JSON vectors of testdata/, run through the Python API: the same cases the Rust
tests run (core/tests/vectors.rs), so both languages agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import medsched as m

TESTDATA = Path(__file__).resolve().parents[3] / "testdata"
FILES = sorted((TESTDATA / "vectors").glob("*.json"))


def agree(expect: Any, got: Any) -> bool:
    """Equal JSON, floats to a relative 1e-9 (as the Rust runner compares them)."""
    if isinstance(expect, float) or isinstance(got, float):
        if not isinstance(expect, (int, float)) or not isinstance(got, (int, float)):
            return False
        return abs(expect - got) <= 1e-9 * max(abs(expect), abs(got), 1.0)
    if isinstance(expect, list) and isinstance(got, list):
        return len(expect) == len(got) and all(agree(a, b) for a, b in zip(expect, got))
    if isinstance(expect, dict) and isinstance(got, dict):
        return expect.keys() == got.keys() and all(agree(v, got[k]) for k, v in expect.items())
    return bool(expect == got)


# The fields of an error's report that say why, by code, as the scripts expect them.
WHY = {
    "invalid_input": ("field", "problem"),
    "not_found": ("kind", "id"),
    "slot_unavailable": ("reason",),
    "invalid_transition": ("kind", "from", "action"),
    "policy_violation": ("action", "rule"),
}


def report_fields(err: m.MedschedError, fields: Any) -> Dict[str, Any]:
    """The code and the named fields of the error's report (its ``details``)."""
    return {name: err.details.get(name) for name in ("code", *fields)}


def error_json(err: m.MedschedError) -> Dict[str, Any]:
    """An error's code and the fields that say why, as the scripts expect them."""
    return report_fields(err, WHY.get(err.code, ()))


def doctors(doc: Dict[str, Any]) -> List[m.Availability]:
    rules = m.ClinicRules(m.Clinic.from_dict(doc["clinic"]))
    return [m.Availability(rules, m.DoctorCalendar.from_dict(c)) for c in doc["calendars"]]



def run_case(doc: Dict[str, Any], case: Dict[str, Any]) -> Any:
    op = case["op"]
    if op == "booking_script":
        return booking_script(doc, case)
    if op == "token_script":
        return token_script(doc, case)
    if op == "wait_estimates":
        return wait_estimates(case)
    doctor = doctors(doc)[case.get("doctor", 0)]
    if op == "resolve":
        got = doctor.resolve(parse(case["start"]), parse(case["end"]))
        return [i.to_dict() for i in got]
    if op == "resolve_dates":
        got = doctor.resolve_dates(case["location_id"], date(case["first"]), date(case["last"]))
        return [i.to_dict() for i in got]
    if op == "explain":
        return doctor.explain(parse(case["instant"])).to_dict()
    if op == "slots":
        occupancy = case.get("occupancy")
        series = doctor.slots(
            m.SlotRequest.from_dict(case["request"]),
            None if occupancy is None else m.Occupancy.from_dict(occupancy),
            m.SlotOptions.from_dict(case["options"]),
        )
        return series.to_dict()
    if op == "first_available":
        pairs = [
            (d, m.Occupancy.from_dict(o)) for d, o in zip(doctors(doc), case["occupancies"])
        ]
        found = m.first_available(pairs, m.SlotRequest.from_dict(case["request"]), case["count"])
        return found.to_dicts()
    raise AssertionError(f"unknown op {op}")


def parse(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def date(text: str) -> Any:
    from datetime import date as d

    return d.fromisoformat(text)


def booking_script(doc: Dict[str, Any], case: Dict[str, Any]) -> List[Any]:
    schedule = m.Schedule(
        doc["tenant"],
        m.Clinic.from_dict(doc["clinic"]),
        [m.DoctorCalendar.from_dict(c) for c in doc["calendars"]],
        [m.AppointmentType.from_dict(t) for t in doc["appointment_types"]],
    )
    store = m.InMemoryStore()
    bookings = m.Bookings(store)
    results: List[Any] = []
    for step in case["steps"]:
        book_date = date(step["date"])
        try:
            book, events = bookings.execute(
                schedule,
                m.Actor.from_dict(step["actor"]),
                parse(step["now"]),
                book_date,
                m.from_dict(m.Command, step["command"]),
            )
        except m.MedschedError as err:
            results.append({"error": error_json(err)})
            continue
        stored = store.load_stream(m.StreamId(tenant=doc["tenant"], date=book_date)).events
        assert m.DayBook.from_events(stored) == book, step["name"]
        results.append({"events": [e.to_dict()["type"] for e in events]})
    return results


def token_script(doc: Dict[str, Any], case: Dict[str, Any]) -> List[Any]:
    day = m.QueueDay(tenant=doc["tenant"], doctor_id=case["doctor_id"], date=date(case["date"]))
    rules = m.QueueRules.from_dict(case["rules"])
    store = m.InMemoryStore()
    tokens = m.Tokens(store)
    results: List[Any] = []
    for step in case["steps"]:
        try:
            update = tokens.execute(
                day,
                rules,
                m.Actor.from_dict(step["actor"]),
                parse(step["now"]),
                m.from_dict(m.TokenCommand, step["command"]),
            )
        except m.MedschedError as err:
            results.append({"error": error_json(err)})
            continue
        stream = m.StreamId(tenant=day.tenant, date=day.date, doctor_id=day.doctor_id)
        assert m.Queue.from_events(store.load_stream(stream).events) == update.queue, step["name"]
        serving = update.queue.now_serving
        results.append({
            "events": [e.to_dict()["type"] for e in update.events],
            "line": update.queue.line,
            "now_serving": None if serving is None else serving.number,
            "token": None if update.token is None else update.token.number,
        })
    return results


def wait_estimates(case: Dict[str, Any]) -> List[Any]:
    days = case.get("days")
    history = (
        m.DoctorHistory.from_days([m.PastDay.from_dict(d) for d in days])
        if days is not None
        else m.DoctorHistory()
    )
    snapshot = m.QueueSnapshot.from_dict(case["snapshot"])
    estimators: Dict[str, m.WaitEstimator] = {
        "queue": m.QueueEstimator(),
        "calibrated": m.CalibratedQueueEstimator(),
        "moving_average": m.MovingAverageEstimator(),
    }
    estimator = estimators[case["estimator"]]
    return [e.to_dict() for e in estimator.estimate(snapshot, history)]


CASES = [
    pytest.param(path, i, id=f"{path.stem}:{case['name']}")
    for path in FILES
    for i, case in enumerate(json.loads(path.read_text())["cases"])
]


@pytest.mark.parametrize("path,index", CASES)
def test_vector(path: Path, index: int) -> None:
    doc = json.loads(path.read_text())
    case = doc["cases"][index]
    got = run_case(doc, case)
    if case["op"] in ("booking_script", "token_script"):
        for step, result in zip(case["steps"], got):
            assert agree(step["expect"], result), (step["name"], step["expect"], result)
        assert len(got) == len(case["steps"])
    else:
        assert agree(case["expect"], got), (case["expect"], got)


def test_every_vector_file_runs() -> None:
    assert len(FILES) >= 6
    assert len(CASES) >= 25


ERRORS = json.loads((TESTDATA / "errors.json").read_text())


@pytest.mark.parametrize("case", ERRORS["cases"], ids=[c["name"] for c in ERRORS["cases"]])
def test_error_vector(case: Dict[str, Any]) -> None:
    """Each refused input gives InvalidInputError naming the field, value and problem."""
    with pytest.raises(m.InvalidInputError) as caught:
        rules = m.ClinicRules(m.from_dict(m.Clinic, case.get("clinic", ERRORS["base_clinic"])))
        if "calendar" in case:
            doctor = m.Availability(rules, m.from_dict(m.DoctorCalendar, case["calendar"]))
            if "slots" in case:
                doctor.slots(m.from_dict(m.SlotRequest, case["slots"]))
    err = caught.value
    assert report_fields(err, ("field", "value", "problem")) == case["expect"]
