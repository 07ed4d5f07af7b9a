"""Stores opened by URL: a SQLite file (and PostgreSQL when the test command started a
server, MEDSCHED_PG_URL) keeps bookings and tokens across reopening, passes the test kit's
store checks, and a URL of no known store is refused naming the field."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import List

import pytest

import medsched as m

URLS: List[str] = ["sqlite::memory:", "memory:"]
if os.environ.get("MEDSCHED_PG_URL"):
    URLS.append(os.environ["MEDSCHED_PG_URL"])


@pytest.mark.parametrize("url", URLS)
def test_an_opened_store_passes_the_store_checks(url: str) -> None:
    store = m.open_store(url)
    m.check_event_store(store, tenant_prefix=f"py-open-{os.getpid()}", threads=4)


def test_a_sqlite_file_keeps_the_feed_across_reopening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    store = m.open_store(url)
    stream = m.StreamId(tenant="clinic-1", date=datetime(2026, 3, 2).date())
    event = m.Event(
        tenant="clinic-1",
        actor=m.Actor.staff("desk-1"),
        at=datetime(2026, 3, 1, 8, tzinfo=timezone.utc),
        change=m.AppointmentConfirmed(appointment_id="a-1"),
    )
    assert store.append_events(stream, 0, [event]) == 1
    again = m.open_store(url)
    assert again.load_stream(stream).version == 1
    assert [e.event for e in again.feed_entries("clinic-1")] == [event]


def test_a_url_of_no_known_store_is_refused_naming_the_field() -> None:
    with pytest.raises(m.InvalidInputError) as refused:
        m.open_store("mysql://db/clinic")
    assert refused.value.field == "url"
    assert refused.value.value == "mysql://db/clinic"


def test_an_unreachable_database_is_a_storage_error() -> None:
    with pytest.raises(m.StorageError):
        m.open_store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
