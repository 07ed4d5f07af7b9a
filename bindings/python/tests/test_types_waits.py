"""The wait-estimation data classes (medsched.waits) against the JSON the Rust core writes:
every snapshot, past day and estimate of testdata/vectors/waits.json, and one value of each
class built by hand."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Tuple, Type

import pytest

from medsched._codec import Record
from medsched.tokens import TokenKind
from medsched.waits import (
    Consultation,
    DoctorHistory,
    DurationPrior,
    IssuedCounts,
    KindFactors,
    PastDay,
    PastEstimate,
    HorizonCalibration,
    QueueRates,
    QueueSnapshot,
    SkippedToken,
    VisitFactors,
    VisitType,
    WaitCalibration,
    WaitEstimate,
    WaitingToken,
)
from types_support import filled, ident, utc

WAITS = json.loads(
    (Path(__file__).resolve().parents[3] / "testdata" / "vectors" / "waits.json").read_text()
)


# --- waits.json ------------------------------------------------------------------------

WAIT_CASES = [pytest.param(case, id=case["name"]) for case in WAITS["cases"]]
SNAPSHOT_DEFAULTS: Dict[str, Any] = {
    "consulting_since": None,
    "waiting": [],
    "skipped": [],
    "completed": [],
    "issued": {},
    "reinsert_after": 3,
    "doctor_arrived_at": None,
    "doctor_expected_at": None,
    "walk_ins": "end",
    "emergency_order": "fifo",
}
ISSUED_DEFAULTS = {"booked": 0, "walk_in": 0, "phone": 0, "emergency": 0, "reinserted": 0}
PAST_DAY_DEFAULTS = PastDay.from_dict({}).to_dict()


def snapshot_as_rust_writes_it(data: Dict[str, Any]) -> Dict[str, Any]:
    out = filled(data, SNAPSHOT_DEFAULTS)
    out["issued"] = filled(out["issued"], ISSUED_DEFAULTS)
    out["waiting"] = [filled(w, {"expected_at": None}) for w in out["waiting"]]
    out["skipped"] = [filled(s, {"expected_at": None}) for s in out["skipped"]]
    out["completed"] = [
        filled(c, {"waiting_at_start": None, "kind": None}) for c in out["completed"]
    ]
    return out


@pytest.mark.parametrize("case", WAIT_CASES)
def test_wait_vectors_decode_and_round_trip(case: Dict[str, Any]) -> None:
    snapshot = QueueSnapshot.from_dict(case["snapshot"])
    assert snapshot.to_dict() == snapshot_as_rust_writes_it(case["snapshot"])
    assert QueueSnapshot.from_dict(snapshot.to_dict()) == snapshot
    assert snapshot.now.tzinfo == timezone.utc
    assert all(isinstance(w.kind, TokenKind) for w in snapshot.waiting)
    for day in case.get("days", []):
        past = PastDay.from_dict(day)
        assert past.to_dict() == filled(day, PAST_DAY_DEFAULTS)
        assert all(type(d) is float for d in past.durations + past.arrival_offsets)
        assert type(past.session_minutes) is float
    for expected in case["expect"]:
        estimate = WaitEstimate.from_dict(expected)
        assert type(estimate.minutes) is float and type(estimate.p90_minutes) is float
        assert estimate.p90_minutes >= estimate.minutes
        assert 0.0 <= estimate.p50_minutes <= estimate.p90_minutes
        # Exact in test_floats_round_trip_exactly; here to the vectors' stated tolerance.
        written = estimate.to_dict()
        assert written["number"] == expected["number"]
        for key in ("minutes", "p50_minutes", "p90_minutes"):
            assert math.isclose(written[key], expected[key], rel_tol=1e-9)


def test_floats_round_trip_exactly() -> None:
    expected = [e for case in WAITS["cases"] for e in case["expect"]]
    assert [WaitEstimate.from_dict(e).to_dict() for e in expected] == expected


def test_wait_vector_values() -> None:
    snapshot = QueueSnapshot.from_dict(WAITS["cases"][1]["snapshot"])
    assert snapshot.consulting_since == datetime(2026, 3, 2, 4, 4, tzinfo=timezone.utc)
    assert snapshot.waiting[0] == WaitingToken(number=9, kind=TokenKind.EMERGENCY, present=True)
    assert snapshot.waiting[2] == WaitingToken(
        6, TokenKind.BOOKED, False, expected_at=utc("2026-03-02T04:30:00Z")
    )
    assert snapshot.skipped == [SkippedToken(3, utc("2026-03-02T03:50:00Z"))]
    assert snapshot.completed[0] == Consultation(
        utc("2026-03-02T03:30:00Z"), utc("2026-03-02T03:38:00Z"), waiting_at_start=6
    )
    assert snapshot.issued == IssuedCounts(booked=3, walk_in=4, phone=1, emergency=1)
    before = QueueSnapshot.from_dict(WAITS["cases"][3]["snapshot"])
    assert before.issued == IssuedCounts(booked=8) and before.consulting_since is None
    assert before.completed == [] and before.reinsert_after == 3
    first = PastDay.from_dict(WAITS["cases"][0]["days"][0])
    assert first == PastDay(
        durations=[7.0, 5.5, 9.0, 6.0, 11.0, 6.5, 8.0, 5.0],
        booked=8,
        no_shows=1,
        arrival_offsets=[-12.0, -4.0, 6.0],
    )
    assert first.session_minutes == 240.0 and first.waiting_at_start == []


def test_visit_types_in_the_vectors() -> None:
    case = next(c for c in WAITS["cases"] if "visit types" in c["name"])
    snapshot = QueueSnapshot.from_dict(case["snapshot"])
    assert snapshot.consulting_visit is VisitType.REVIEW
    assert [w.visit for w in snapshot.waiting] == [
        VisitType.FIRST_VISIT, VisitType.REVIEW, None, VisitType.TELE
    ]
    assert snapshot.completed[0].visit is VisitType.FIRST_VISIT
    assert PastDay.from_dict(case["days"][0]).visits[4] is None


DEFAULT_HISTORY_JSON: Dict[str, Any] = {
    "recent_minutes": [],
    "durations": {
        "log_mean": math.log(7.0),
        "log_sd": 0.5,
        "day_sd": 0.2,
        "load_slope": 0.0,
        "load_reference": 0.0,
        "days": 0,
        "consultations": 0,
        "mean_ratio": 0.0,
        "ratio_variance": 0.0,
        "pace": [],
        "kinds": {"booked": 1.0, "walk_in": 1.0, "phone": 1.0, "emergency": 1.0},
        "visits": {"first_visit": 1.0, "review": 1.0, "tele": 1.0},
        "ratio_quantiles": [],
    },
    "rates": {
        "no_show_share": 0.2,
        "emergencies_per_hour": 0.1,
        "arrival_offset_mean": -10.0,
        "arrival_offset_sd": 15.0,
        "session_hours": 0.0,
        "return_wait_consults": 3.5,
        "returns_observed": 0,
        "walk_ins_per_hour": 2.0,
    },
    "start_delays": [],
    "calibration": {
        "shift": 0.0, "p90_spread": 1.0, "p50_spread": None, "observed": 0, "horizons": []
    },
}
FITTED_HISTORY_JSON: Dict[str, Any] = {
    "recent_minutes": [6.0, 8.5, 5.0, 7.5, 9.0, 7.0, 6.5],
    "durations": {
        "log_mean": 1.9,
        "log_sd": 0.42,
        "day_sd": 0.15,
        "load_slope": -0.01,
        "load_reference": 4.5,
        "days": 2,
        "consultations": 7,
        "mean_ratio": 1.1,
        "ratio_variance": 0.2,
        "pace": [1.2, 0.95],
        "kinds": {"booked": 1.0, "walk_in": 1.1, "phone": 0.9, "emergency": 2.0},
        "visits": {"first_visit": 1.4, "review": 0.8, "tele": 1.0},
        "ratio_quantiles": [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0],
    },
    "rates": {
        "no_show_share": 0.18,
        "emergencies_per_hour": 0.12,
        "arrival_offset_mean": -6.5,
        "arrival_offset_sd": 12.25,
        "session_hours": 8.0,
        "return_wait_consults": 2.75,
        "returns_observed": 3,
        "walk_ins_per_hour": 3.5,
    },
    "start_delays": [0.0, 12.5],
    "calibration": {
        "shift": 0.1,
        "p90_spread": 1.4,
        "observed": 120,
        "horizons": [
            {"from_minutes": 10.0, "shift": 0.2, "p50_spread": -0.3, "p90_spread": 1.6,
             "observed": 60}
        ],
        "p50_spread": -0.25,
    },
}
FITTED_HISTORY = DoctorHistory(
    recent_minutes=[6.0, 8.5, 5.0, 7.5, 9.0, 7.0, 6.5],
    durations=DurationPrior(
        log_mean=1.9, log_sd=0.42, day_sd=0.15, load_slope=-0.01, load_reference=4.5,
        days=2, consultations=7, mean_ratio=1.1, ratio_variance=0.2, pace=[1.2, 0.95],
        kinds=KindFactors(walk_in=1.1, phone=0.9, emergency=2.0),
        visits=VisitFactors(first_visit=1.4, review=0.8),
        ratio_quantiles=[0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0],
    ),
    rates=QueueRates(
        no_show_share=0.18, emergencies_per_hour=0.12, arrival_offset_mean=-6.5,
        arrival_offset_sd=12.25, session_hours=8.0, return_wait_consults=2.75,
        returns_observed=3, walk_ins_per_hour=3.5,
    ),
    start_delays=[0.0, 12.5],
    calibration=WaitCalibration(
        shift=0.1, p90_spread=1.4, observed=120,
        horizons=[
            HorizonCalibration(
                from_minutes=10.0, shift=0.2, p90_spread=1.6, observed=60, p50_spread=-0.3
            )
        ],
        p50_spread=-0.25,
    ),
)
WAIT_RECORD_CASES: List[Tuple[Type[Record], Dict[str, Any], Record]] = [
    (DoctorHistory, DEFAULT_HISTORY_JSON, DoctorHistory()),
    (DoctorHistory, FITTED_HISTORY_JSON, FITTED_HISTORY),
    (DurationPrior, FITTED_HISTORY_JSON["durations"], FITTED_HISTORY.durations),
    (QueueRates, FITTED_HISTORY_JSON["rates"], FITTED_HISTORY.rates),
    (
        PastDay,
        {"durations": [6.0, 7.5], "waiting_at_start": [3, 2], "started_minutes": [-2.0, 4.0],
         "kinds": ["walk_in", "emergency"], "visits": ["first_visit", None], "booked": 2,
         "no_shows": 0, "emergencies": 1,
         "walk_ins": 1, "session_minutes": 180.0, "arrival_offsets": [-3.5],
         "return_waits": [12.0], "doctor_start_minutes": -2.0,
         "estimates": [{"minutes": 10.0, "p90_minutes": 16.0, "waited": 12.5}]},
        PastDay(
            [6.0, 7.5], [3, 2], 2, 0, 1, 180.0, [-3.5], [12.0],
            doctor_start_minutes=-2.0,
            estimates=[PastEstimate(minutes=10.0, p90_minutes=16.0, waited=12.5)],
            started_minutes=[-2.0, 4.0],
            kinds=[TokenKind.WALK_IN, TokenKind.EMERGENCY],
            walk_ins=1,
            visits=[VisitType.FIRST_VISIT, None],
        ),
    ),
    (
        QueueSnapshot,
        snapshot_as_rust_writes_it(WAITS["cases"][3]["snapshot"]),
        QueueSnapshot(
            now=utc("2026-03-01T12:00:00Z"),
            session_start=utc("2026-03-02T03:30:00Z"),
            session_end=utc("2026-03-02T07:30:00Z"),
            waiting=[
                WaitingToken(n + 1, TokenKind.BOOKED, False,
                             utc("2026-03-02T03:30:00Z") + timedelta(minutes=10 * n))
                for n in range(8)
            ],
            issued=IssuedCounts(booked=8),
        ),
    ),
    (
        WaitEstimate,
        {"number": 9, "minutes": 12.5, "p50_minutes": 11.0, "p90_minutes": 20.0},
        WaitEstimate(number=9, minutes=12.5, p50_minutes=11.0, p90_minutes=20.0),
    ),
]


@pytest.mark.parametrize("cls, data, value", WAIT_RECORD_CASES, ids=lambda v: ident(v))
def test_wait_records(cls: Type[Record], data: Dict[str, Any], value: Record) -> None:
    decoded = cls.from_dict(data)
    assert decoded == value
    assert decoded.to_dict() == data
    assert value.to_dict() == data


def test_wait_helpers_and_reprs() -> None:
    history = DoctorHistory()
    assert math.isclose(math.exp(history.durations.log_mean), 7.0)  # a 7-minute median
    estimate = WaitEstimate(number=9, minutes=12.5, p50_minutes=11.0, p90_minutes=20.0)
    assert repr(estimate) == (
        "WaitEstimate(number=9, minutes=12.5, p50_minutes=11.0, p90_minutes=20.0)"
    )
    assert repr(SkippedToken(3)) == "SkippedToken(number=3, expected_at=None)"
    read = WaitEstimate.from_dict({"number": 1, "minutes": 3, "p50_minutes": 2, "p90_minutes": 5})
    assert read.minutes == 3.0 and read.p50_minutes == 2.0


def test_doctor_signals_and_the_calibrated_estimator() -> None:
    from medsched import CalibratedQueueEstimator, QueueEstimator

    start = utc("2026-03-02T03:30:00Z")
    snapshot = QueueSnapshot(
        now=start + timedelta(minutes=10),
        session_start=start,
        session_end=start + timedelta(hours=4),
        waiting=[WaitingToken(1, TokenKind.WALK_IN, True)],
        doctor_expected_at=start + timedelta(minutes=40),
    )
    history = DoctorHistory.from_days(
        [
            PastDay(
                durations=[6.0, 8.0, 7.0],
                doctor_start_minutes=25.0,
                estimates=[
                    PastEstimate(minutes=float(m), p90_minutes=m + 5.0, waited=1.3 * m)
                    for m in range(60)
                ],
            )
        ]
    )
    assert history.start_delays == [25.0]
    assert history.calibration.observed == 60 and history.calibration.shift > 0.0
    # Staff said the doctor is delayed until 40 minutes past: the first call then (plus
    # the small chance of an emergency first).
    (model,) = QueueEstimator().estimate(snapshot, history)
    assert 30.0 <= model.minutes < 31.0
    (shown,) = CalibratedQueueEstimator().estimate(snapshot, history)
    assert shown.minutes > model.minutes and shown.p90_minutes >= shown.minutes
    assert history.calibration.p50_spread is not None
    assert 0.0 <= shown.p50_minutes <= shown.p90_minutes
    assert repr(CalibratedQueueEstimator()) == "CalibratedQueueEstimator()"
