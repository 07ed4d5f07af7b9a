"""The shared JSON vectors of bookability and rate limits (testdata/clinic_ops/), run
through the Python API: the same cases core/tests/clinic_ops_vectors.rs runs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import medsched as m

TESTDATA = Path(__file__).resolve().parents[3] / "testdata" / "clinic_ops"
BOOKABILITY = json.loads((TESTDATA / "bookability.json").read_text())
RATE_LIMIT = json.loads((TESTDATA / "rate_limit.json").read_text())
RULES = m.ClinicRules(m.Clinic.from_dict(BOOKABILITY["clinic"]))


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("case", BOOKABILITY["cases"], ids=lambda c: str(c["name"]))
def test_bookability(case: Dict[str, Any]) -> None:
    policy = case.get("policy")
    verdict = m.evaluate_bookability(
        m.DoctorFacts.from_dict(case["facts"]),
        RULES,
        m.DoctorCalendar.from_dict(case["calendar"]),
        m.AppointmentType.from_dict(case["appointment_type"]),
        instant(case["now"]),
        None if policy is None else m.BookabilityPolicy.from_dict(policy),
    )
    assert verdict.to_dict() == case["expect"]


@pytest.mark.parametrize("case", RATE_LIMIT["cases"], ids=lambda c: str(c["name"]))
def test_rate_check(case: Dict[str, Any]) -> None:
    rate = m.Rate.from_dict(case["rate"])
    now = instant(case["start"])
    tat: Optional[datetime] = None
    got: List[Dict[str, Any]] = []
    for step in case["steps"]:
        now += timedelta(milliseconds=step["after_ms"])
        decision = m.check_rate(rate, tat, now, step["cost"])
        if decision.allowed:
            tat = decision.tat
        got.append(decision.to_dict())
    assert got == [step["expect"] for step in case["steps"]]
