"""Analytics and pictures from Python: the shared vector (testdata/analytics/clinic_week.json,
an event log in, the report and its CSV tables out) gives the same records and the same CSV
as in Rust, and the pictures are SVG text."""

from __future__ import annotations

import json
import pathlib
from datetime import date
from typing import Any, Dict

import pytest

import medsched
from medsched.analytics import (
    REPORT_TABLES,
    Analytics,
    calibration_svg,
    queue_svg,
    report_csv,
    week_svg,
)

ROOT = pathlib.Path(__file__).resolve().parents[3]
VECTOR: Dict[str, Any] = json.loads((ROOT / "testdata" / "analytics" / "clinic_week.json").read_text())


def folded() -> Analytics:
    analytics = Analytics(VECTOR["time_zone"])
    for offer in VECTOR["offers"]:
        analytics.offer(
            offer["doctor_id"],
            date.fromisoformat(offer["first"]),
            date.fromisoformat(offer["last"]),
            offer["intervals"],
        )
    feed = VECTOR["feed"]
    size = VECTOR["page_size"]
    for start in range(0, len(feed), size):
        analytics.fold(feed[start : start + size])
    for observation in VECTOR["observations"]:
        analytics.record(observation)
    return analytics


def test_the_shared_vector_gives_the_same_records_and_csv() -> None:
    analytics = folded()
    assert analytics.position == VECTOR["feed"][-1]["position"]
    report = analytics.report(date.fromisoformat(VECTOR["first"]), date.fromisoformat(VECTOR["last"]))
    assert report == VECTOR["report"]
    for table in REPORT_TABLES:
        assert report_csv(report, table) == VECTOR["csv"][table], table


def test_refolding_a_page_changes_nothing() -> None:
    analytics = folded()
    analytics.fold(VECTOR["feed"][:10])
    report = analytics.report(date(2026, 3, 2), date(2026, 3, 8))
    assert report == VECTOR["report"]


def test_bad_input_names_the_field() -> None:
    with pytest.raises(medsched.InvalidInputError) as refused:
        Analytics("Mars/Olympus")
    assert refused.value.field == "time_zone"
    analytics = Analytics("Asia/Kolkata")
    with pytest.raises(medsched.InvalidInputError) as refused:
        analytics.report(date(2026, 3, 8), date(2026, 3, 2))
    assert refused.value.field == "last"
    with pytest.raises(medsched.InvalidInputError) as refused:
        analytics.record({"type": "wait_estimated", "at": "2026-03-02T04:00:00Z",
                          "doctor_id": "dr-asha", "date": "2026-03-02", "number": 1,
                          "minutes": -3.0})
    assert refused.value.field == "observation.minutes"
    with pytest.raises(medsched.InvalidInputError):
        report_csv(VECTOR["report"], "nonsense")


def test_the_pictures_are_labelled_svg() -> None:
    asha = next(o for o in VECTOR["offers"] if o["doctor_id"] == "dr-asha")
    week = week_svg({
        "doctor": "Dr Asha",
        "time_zone": VECTOR["time_zone"],
        "first": "2026-03-02",
        "intervals": asha["intervals"],
        "free": [],
        "booked": [],
    })
    assert week.startswith("<svg") and "<title>leave 09:00-13:00</title>" in week
    queue = [
        e["event"] for e in VECTOR["feed"]
        if e["stream"].get("doctor_id") == "dr-asha" and e["stream"]["date"] == "2026-03-02"
    ]
    assert "completed at" in queue_svg("Monday", VECTOR["time_zone"], queue)
    calibration = calibration_svg("Waits", VECTOR["report"]["calibration"])
    assert "dr-asha: " in calibration and 'role="img"' in calibration
