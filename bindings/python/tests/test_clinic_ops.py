"""Bookability and booking rate limits from Python: the core's verdicts and reasons, the
pure GCRA decision, the limiter over native stores (threads included) and its typed error."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import medsched as m

UTC = timezone.utc
NOW = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)  # a Sunday
RULES = m.ClinicRules(m.Clinic(locations=[m.Location(id="kochi", time_zone="Asia/Kolkata")]))
CONSULT = m.AppointmentType(id="consult", duration_minutes=15)


def calendar(**fields: object) -> m.DoctorCalendar:
    template = m.WeeklyTemplate(
        id="opd", location_id="kochi", weekdays=[m.Weekday.MON],
        sessions=[m.Session(start="09:00", end="13:00")],
    )
    return m.DoctorCalendar(doctor_id="dr-asha", templates=[template], **fields)  # type: ignore[arg-type]


def ready(**fields: object) -> m.DoctorFacts:
    values: dict = dict(
        profile_complete=True, license_verified=True, fees_configured=True, status="active",
        public_profile_visible=True, accepts_online_bookings=True, specialties=["cardiology"],
    )
    values.update(fields)
    return m.DoctorFacts(**values)


def test_a_ready_doctor_passes_all_ten_checks() -> None:
    verdict = m.evaluate_bookability(ready(), RULES, calendar(), CONSULT, NOW)
    assert [c.kind for c in verdict.checks] == list(m.CheckKind)
    assert (verdict.score, verdict.is_bookable, verdict.can_patient_book) == (100, True, True)
    assert verdict.first_slot == datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    slots = verdict.check(m.CheckKind.SLOTS_AHEAD)
    assert slots is not None and slots.reason == "first slot at 2026-03-02T03:30:00Z"


def test_failures_give_reasons_and_the_verdicts_follow() -> None:
    block = m.Unavailability(id="audit", start=NOW - timedelta(hours=1), end=NOW + timedelta(hours=2))
    facts = ready(fees_configured=False)
    verdict = m.evaluate_bookability(facts, RULES, calendar(forced_blocks=[block]), CONSULT, NOW)
    failed = {c.kind: c.reason for c in verdict.failed()}
    assert failed == {
        m.CheckKind.FEES_CONFIGURED: "no fees configured",
        m.CheckKind.NO_FORCED_BLOCK: "forced block audit in force",
    }
    assert verdict.score == 85
    assert verdict.can_show_in_search and not verdict.can_receptionist_book
    assert verdict.recheck_at == block.end


def test_kept_calendar_facts_are_rescored_under_the_hosts_policy() -> None:
    facts = m.CalendarFacts.gather(RULES, calendar(), CONSULT, NOW)
    assert facts.location_ids == ["kochi"] and facts.base_templates == 1
    suspended = ready(status="suspended")
    policy = m.BookabilityPolicy(
        weights=m.BookabilityWeights(status_active=0), critical=[], search_threshold=100
    )
    verdict = m.score_bookability(suspended, facts, policy)
    assert verdict.score == 100 and verdict.can_receptionist_book
    assert not verdict.is_bookable
    default = m.score_bookability(suspended, facts)
    assert default.score == 90 and not default.can_receptionist_book
    with pytest.raises(m.InvalidInputError) as caught:
        m.score_bookability(suspended, facts, m.BookabilityPolicy(search_threshold=101))
    assert caught.value.field == "search_threshold"


def test_the_pure_gcra_decision() -> None:
    rate = m.Rate(limit=2, period_seconds=60)
    first = m.check_rate(rate, None, NOW)
    assert first.allowed and first.remaining == 1 and first.tat == NOW + timedelta(seconds=30)
    second = m.check_rate(rate, first.tat, NOW)
    third = m.check_rate(rate, second.tat, NOW)
    assert not third.allowed and third.retry_at == NOW + timedelta(seconds=30)
    assert m.RateDecision.from_dict(third.to_dict()) == third
    with pytest.raises(m.InvalidInputError) as caught:
        m.check_rate(rate, None, NOW, cost=3)
    assert caught.value.field == "cost"


def keys(patient: str = "pat-1") -> list:
    return [
        m.RateKey(tenant="clinic-1", kind=m.KeyKind.PATIENT, value=patient),
        m.RateKey(tenant="clinic-1", kind=m.KeyKind.PHONE, value="+91 98460 12345"),
        m.RateKey(tenant="clinic-1", kind=m.KeyKind.IP, value="203.0.113.9"),
    ]


def test_the_limiter_raises_a_typed_error_without_the_key() -> None:
    limits = m.RateLimits(phone=m.Rate(limit=1, period_seconds=600))
    limiter = m.RateLimiter(m.InMemoryStore(), limits)
    assert limiter.limits == limits
    assert limiter.acquire(keys(), NOW) == 0
    with pytest.raises(m.RateLimitedError) as caught:
        limiter.acquire(keys("pat-2"), NOW + timedelta(seconds=1))
    err = caught.value
    assert (err.code, err.key_kind, err.retry_after_ms) == ("rate_limited", "phone", 599_000)
    assert err.retry_at == NOW + timedelta(seconds=600)
    assert err.retry_after_seconds == 599
    assert "98460" not in str(err) and str(err) == (
        "too many requests for this phone: retry in 599000 ms"
    )
    assert not err.details["retry_safe"]


def test_threads_on_one_sqlite_file_never_pass_more_than_the_limit(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/clinic.db"
    limits = m.RateLimits(ip=m.Rate(limit=12, period_seconds=3600))
    limiters = [m.RateLimiter(m.open_store(url), limits) for _ in range(2)]  # two app servers
    passed = []
    key = [m.RateKey(tenant="clinic-1", kind=m.KeyKind.IP, value="198.51.100.7")]

    def hammer(limiter: m.RateLimiter) -> None:
        for _ in range(10):
            try:
                limiter.acquire(key, NOW)
                passed.append(1)
            except m.RateLimitedError:
                pass

    threads = [threading.Thread(target=hammer, args=(limiters[i % 2],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(passed) == 12
