"""FHIR R4 and iCalendar through the binding: the shared vectors (testdata/interop), the
output checked by independent implementations (the ``fhir.resources`` R4B models and the
``icalendar`` parser), on the vectors and on random calendars."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List

import icalendar
import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

import medsched as m
from medsched import _native

VECTORS = json.loads(
    (Path(__file__).resolve().parents[3] / "testdata" / "interop" / "vectors.json").read_text()
)
CASES: List[Dict[str, Any]] = VECTORS["cases"]
SCENARIO: Dict[str, Any] = next(c for c in CASES if c["call"] == "fhir_bundle")["input"]["export"]

SLOT_STATUSES = {"busy", "free", "busy-unavailable", "busy-tentative", "entered-in-error"}
APPOINTMENT_STATUSES = {
    "proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
    "entered-in-error", "checked-in", "waitlist",
}


def call(name: str, data: Dict[str, Any]) -> Any:
    """One vector's call through the native module, JSON in and out, as in Rust."""
    export = json.dumps(data.get("export"))
    if name == "fhir_bundle":
        return json.loads(_native.fhir_bundle(export))
    if name == "fhir_slot_search":
        return json.loads(_native.fhir_slot_search(export, json.dumps(data["search"])))
    if name == "ics":
        return _native.ics_feed(export)
    if name == "freebusy":
        return _native.freebusy(export)
    if name == "read_ics":
        return json.loads(_native.read_ics(data["ics"], json.dumps(data["request"])))
    if name == "read_fhir":
        fhir = data["fhir"]
        return json.loads(_native.read_fhir(fhir if isinstance(fhir, str) else json.dumps(fhir)))
    raise AssertionError(name)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_vectors(case: Dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(m.InvalidInputError) as raised:
            call(case["call"], case["input"])
        assert raised.value.code == case["error"]["code"]
        assert raised.value.field == case["error"]["field"]
    else:
        assert call(case["call"], case["input"]) == case["expect"]


def validate_fhir(bundle: Dict[str, Any]) -> None:
    """The bundle read by the R4B models (which refuse unknown elements and bad types), and
    every code in its R4 value set."""
    Bundle.model_validate(bundle)
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        if resource["resourceType"] == "Slot":
            assert resource["status"] in SLOT_STATUSES
        if resource["resourceType"] == "Appointment":
            assert resource["status"] in APPOINTMENT_STATUSES
            assert resource["participant"], resource


def test_the_validator_is_strict() -> None:
    bundle = call("fhir_bundle", {"export": SCENARIO})
    broken = copy.deepcopy(bundle)
    broken["entry"][0]["resource"]["colour"] = "blue"
    with pytest.raises(Exception):
        Bundle.model_validate(broken)
    broken = copy.deepcopy(bundle)
    broken["entry"][-1]["resource"]["start"] = "monday"
    with pytest.raises(Exception):
        Bundle.model_validate(broken)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["call"] in ("fhir_bundle", "fhir_slot_search") and "expect" in c]
)
def test_vector_bundles_are_valid_r4(case: Dict[str, Any]) -> None:
    validate_fhir(case["expect"])


def aware(value: Any) -> datetime:
    assert isinstance(value, datetime) and value.tzinfo is not None, value
    return value.astimezone(timezone.utc)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_ics(export: Dict[str, Any]) -> None:
    """The feed parsed by ``icalendar``: one event per appointment, hold and open interval,
    each at its instant in the export's zone, and the zone's VTIMEZONE."""
    text = m.interop.ics_feed(export)
    calendar = icalendar.Calendar.from_ical(text)
    zones = [z["TZID"] for z in calendar.walk("VTIMEZONE")]
    assert zones == [export["time_zone"]]
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    system = export.get("system", "urn:medsched")
    for a in export.get("appointments", []):
        event = events[f"{system}/appointment/{a['id']}"]
        assert event["DTSTART"].params["TZID"] == export["time_zone"]
        assert aware(event["DTSTART"].dt) == utc(a["slot"]["start"])
        assert aware(event["DTEND"].dt) == utc(a["slot"]["end"])
    opened = [i for i in export.get("intervals", []) if i["status"] == "open"]
    holds = [h for h in export.get("holds", []) if h["status"] == "held"]
    assert len(events) == len(export.get("appointments", [])) + len(holds) + len(opened)
    free_busy = icalendar.Calendar.from_ical(m.interop.freebusy(export))
    (component,) = free_busy.walk("VFREEBUSY")
    periods = component.get("FREEBUSY", [])
    periods = periods if isinstance(periods, list) else [periods]
    assert periods


def test_vector_feeds_parse_with_icalendar() -> None:
    check_ics(SCENARIO)
    for case in CASES:
        if case["call"] in ("ics", "freebusy"):
            icalendar.Calendar.from_ical(case["expect"])


def test_round_trips_through_the_python_api() -> None:
    text = m.interop.ics_feed(SCENARIO)
    busy = m.interop.read_ics(
        text, start=utc(SCENARIO["start"]), end=utc(SCENARIO["end"]), time_zone="Europe/London"
    )
    occupying = [
        a for a in SCENARIO["appointments"] if a["status"] not in ("cancelled", "declined")
    ]
    assert all(isinstance(b, m.BusyTime) for b in busy)
    assert len(busy) == len(occupying) + 1
    imported = m.interop.read_fhir(m.interop.fhir_bundle(SCENARIO))
    ids = [a["id"] for a in imported["appointments"]]
    assert ids == [a["id"] for a in SCENARIO["appointments"]] + ["h-1"]
    found = m.interop.fhir_slot_search(
        SCENARIO, schedule="dr-asha.london", start_ge=datetime(2026, 3, 30, 10, tzinfo=timezone.utc),
        status="free",
    )
    assert found["type"] == "searchset" and found["total"] == len(found["entry"])


def test_refusals_are_invalid_input_with_the_field() -> None:
    with pytest.raises(m.InvalidInputError) as raised:
        m.interop.read_ics(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            start=datetime(2026, 3, 1, tzinfo=timezone.utc),
            end=datetime(2026, 4, 1, tzinfo=timezone.utc),
            time_zone="Europe/London",
        )
    assert raised.value.field == "line 3 DTSTART"
    with pytest.raises(m.InvalidInputError) as raised:
        m.interop.read_fhir({"resourceType": "Patient"})
    assert raised.value.field == "resourceType"
    with pytest.raises(m.InvalidInputError) as raised:
        m.interop.fhir_bundle({**SCENARIO, "time_zone": "Mars/Olympus"})
    assert raised.value.field == "export.time_zone"


STATUSES = ["pending", "confirmed", "declined", "cancelled", "completed", "no_show"]
ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5 * 24 * 4 - 1), st.integers(1, 8), st.sampled_from(STATUSES)),
        max_size=10,
    ),
    st.sampled_from(ZONES),
)
def test_random_calendars_are_valid_fhir_and_ics(
    appointments: List[Any], zone: str
) -> None:
    export = copy.deepcopy(SCENARIO)
    export["time_zone"] = zone
    template = export["appointments"][0]
    export["appointments"] = []
    start = utc(export["start"])
    for i, (quarter, length, status) in enumerate(appointments):
        a = copy.deepcopy(template)
        a["id"] = f"r{i}"
        a["status"] = status
        begin = start + timedelta(minutes=15 * quarter)
        a["slot"]["start"] = begin.isoformat().replace("+00:00", "Z")
        a["slot"]["end"] = (begin + timedelta(minutes=15 * length)).isoformat().replace("+00:00", "Z")
        export["appointments"].append(a)
    bundle = m.interop.fhir_bundle(export)
    validate_fhir(bundle)
    check_ics(export)
    back = m.interop.read_fhir(bundle)
    assert [a["status"] for a in back["appointments"][:-1]] == [a[2] for a in appointments]
