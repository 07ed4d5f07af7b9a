"""SqliteStore: medsched's store contract, real threads racing through the services, a file
that outlives its store object, and failures reported as StorageError."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Tuple, TypeVar

import pytest

import medsched as m

import clinic
import sqlite_store
from sqlite_store import SqliteStore

T = TypeVar("T")

MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 2, 30, tzinfo=timezone.utc)
"""08:00 in Kochi on Monday 2 March 2026, before the morning session."""

TEN_AM = datetime(2026, 3, 2, 4, 30, tzinfo=timezone.utc)
"""10:00 in Kochi: a 30-minute consult slot of Dr Asha's morning."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    made = SqliteStore(tmp_path / "events.db")
    yield made
    made.close()


def event(tenant: str, appointment: str) -> str:
    """An event as the services write it (JSON text)."""
    return json.dumps({
        "v": 1,
        "tenant": tenant,
        "actor": {"kind": "system", "id": "test"},
        "at": "2026-03-01T21:20:00Z",
        "type": "appointment_confirmed",
        "appointment_id": appointment,
    })


def run_threads(count: int, work: Callable[[int], T]) -> List[T]:
    """Runs ``work(i)`` in ``count`` threads released together; their results in order (an
    exception in a thread is re-raised here)."""
    barrier = threading.Barrier(count)
    results: Dict[int, T] = {}
    errors: List[BaseException] = []

    def body(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as err:  # noqa: BLE001 - re-raised in the main thread
            errors.append(err)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
        assert not thread.is_alive(), "a worker thread is stuck"
    if errors:
        raise errors[0]
    return [results[i] for i in range(count)]


# --- the contract -------------------------------------------------------------------------


def test_check_event_store(store: SqliteStore) -> None:
    """The store checks of medsched-testkit, run through the Python binding: the contract
    call by call, tenant isolation, tenant keys (feed positions per tenant, no queue of
    doctor ""), four threads racing on one stream, and a reader paging
    through the feed while four threads commit; then again, harder, on the file as it is."""
    m.check_event_store(store)
    m.check_event_store(store, tenant_prefix="again", threads=8)


def test_the_contract_by_hand(store: SqliteStore) -> None:
    """What check_event_store checks call by call, asserted directly on the store, and the
    refusal of another tenant's event, which this store makes though the services already
    check it."""
    a1 = m.StreamId(tenant="t-a", date=date(2026, 3, 2))
    a2 = m.StreamId(tenant="t-a", date=date(2026, 3, 3))
    b1 = m.StreamId(tenant="t-b", date=date(2026, 3, 2))
    assert store.load(a1) == (0, [])
    first = [event("t-a", "h-1"), event("t-a", "h-2")]
    assert store.append(a1, 0, first) == 2
    assert store.load(a1) == (2, first)

    with pytest.raises(m.ConflictError) as stale:
        store.append(a1, 0, [event("t-a", "h-3")])
    assert (stale.value.stream, stale.value.expected, stale.value.actual) == (str(a1), 0, 2)
    assert store.load(a1)[0] == 2

    assert store.append(a1, 2, [event("t-a", "h-3")]) == 3
    assert store.load(a2) == (0, [])
    assert store.append(a2, 0, [event("t-a", "h-4")]) == 1

    assert store.load(b1) == (0, [])
    with pytest.raises(m.InvalidInputError) as foreign:
        store.append(b1, 0, [event("t-a", "h-5")])
    assert foreign.value.field == "events[0].tenant"
    assert foreign.value.problem == "conflicting"
    assert store.load(b1) == (0, [])
    assert store.append(b1, 0, [event("t-b", "h-6")]) == 1

    feed = store.feed("t-a", 0, 100)
    positions = [p for p, _, _, _ in feed]
    assert len(positions) == 4 and positions == sorted(set(positions))
    assert [(s.date, v) for _, s, v, _ in feed] == [
        (date(2026, 3, 2), 1), (date(2026, 3, 2), 2), (date(2026, 3, 2), 3), (date(2026, 3, 3), 1)
    ]
    assert all(json.loads(e)["tenant"] == "t-a" for _, _, _, e in feed)
    assert [p for p, _, _, _ in store.feed("t-a", positions[0], 2)] == positions[1:3]
    assert len(store.feed("t-b", 0, 100)) == 1
    assert store.last_position("t-a") == positions[-1]

    x = m.StreamId(tenant="t-a", date=date(2026, 3, 2), doctor_id="dr-x")
    y = m.StreamId(tenant="t-a", date=date(2026, 3, 2), doctor_id="dr-y")
    assert store.load(x) == (0, []), "a token queue is not the day book of its date"
    assert store.append(x, 0, [event("t-a", "q-1")]) == 1
    assert store.load(y) == (0, [])
    assert store.feed("t-a", 0, 100)[-1][1] == x


def test_feed_positions_count_the_tenants_own_events(store: SqliteStore) -> None:
    """Each tenant's feed is numbered 1, 2, 3, ... whatever the others wrote (a global
    sequence would tell each tenant the others' volume)."""
    a = m.StreamId(tenant="t-a", date=MONDAY)
    b = m.StreamId(tenant="t-b", date=MONDAY)
    store.append(a, 0, [event("t-a", f"a-{i}") for i in range(5)])
    store.append(b, 0, [event("t-b", "b-1")])
    store.append(a, 5, [event("t-a", "a-5")])
    store.append(b, 1, [event("t-b", "b-2")])
    assert [p for p, _, _, _ in store.feed("t-a", 0, 100)] == [1, 2, 3, 4, 5, 6]
    assert [p for p, _, _, _ in store.feed("t-b", 0, 100)] == [1, 2]
    assert (store.last_position("t-a"), store.last_position("t-b")) == (6, 2)
    assert store.last_position("t-nobody") == 0


def test_a_token_queue_of_no_doctor_is_refused(store: SqliteStore) -> None:
    """The doctor id ``""`` keys the day book, so a queue of that doctor is refused."""
    book = m.StreamId(tenant="t-a", date=MONDAY)
    nameless = m.StreamId(tenant="t-a", date=MONDAY, doctor_id="")
    store.append(book, 0, [event("t-a", "h-1")])
    for call in (lambda: store.load(nameless),
                 lambda: store.append(nameless, 0, [event("t-a", "q-1")])):
        with pytest.raises(m.InvalidInputError) as refused:
            call()
        assert (refused.value.field, refused.value.problem) == ("stream.doctor_id", "missing")
    assert store.load(book)[0] == 1


OLD_LAYOUT = """
CREATE TABLE events (
    position  INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant    TEXT    NOT NULL,
    date      TEXT    NOT NULL,
    doctor_id TEXT    NOT NULL DEFAULT '',
    version   INTEGER NOT NULL,
    body      TEXT    NOT NULL,
    UNIQUE (tenant, date, doctor_id, version)
);
CREATE INDEX events_feed ON events (tenant, position);
"""


def test_a_file_with_global_positions_is_migrated(tmp_path: Path) -> None:
    """A file of the first layout (one AUTOINCREMENT position for every tenant) is moved to
    per-tenant positions when opened: each tenant's events in their old order, numbered
    from 1, the streams unchanged, and appends go on from there."""
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(OLD_LAYOUT)
    rows = [("t-a", "2026-03-02", "", 1, "a-1"), ("t-b", "2026-03-02", "", 1, "b-1"),
            ("t-a", "2026-03-02", "", 2, "a-2"), ("t-b", "2026-03-02", "dr-x", 1, "b-q"),
            ("t-a", "2026-03-03", "", 1, "a-3")]
    old.executemany(
        "INSERT INTO events (tenant, date, doctor_id, version, body) VALUES (?, ?, ?, ?, ?)",
        [(t, d, doc, v, event(t, body)) for t, d, doc, v, body in rows],
    )
    old.commit()
    old.close()

    with SqliteStore(path) as store:
        feed_a = store.feed("t-a", 0, 100)
        assert [(p, s.date, v) for p, s, v, _ in feed_a] == [
            (1, date(2026, 3, 2), 1), (2, date(2026, 3, 2), 2), (3, date(2026, 3, 3), 1)]
        assert [json.loads(e)["appointment_id"] for _, _, _, e in feed_a] == ["a-1", "a-2", "a-3"]
        feed_b = store.feed("t-b", 0, 100)
        assert [(p, s.doctor_id, v) for p, s, v, _ in feed_b] == [(1, None, 1), (2, "dr-x", 1)]
        book = m.StreamId(tenant="t-a", date=MONDAY)
        assert store.load(book)[0] == 2
        assert store.append(book, 2, [event("t-a", "a-4")]) == 3
        assert store.feed("t-a", 3, 100)[0][0] == 4
        assert (store.last_position("t-a"), store.last_position("t-b")) == (4, 2)
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == sqlite_store.SCHEMA_VERSION
    tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "events_global" not in tables and "feed_heads" in tables
    check.close()
    with SqliteStore(path) as again:  # already current: opened as it is
        assert again.last_position("t-a") == 4


def test_a_file_of_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version = {sqlite_store.SCHEMA_VERSION + 1}")
    newer.close()
    store = SqliteStore(path)
    with pytest.raises(RuntimeError, match="schema version 2"):
        store.last_position("t-a")
    store.close()
    check = sqlite3.connect(path)
    assert check.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    check.close()


def test_an_empty_append_checks_the_version(store: SqliteStore) -> None:
    stream = m.StreamId(tenant="t", date=MONDAY)
    assert store.append(stream, 0, []) == 0
    with pytest.raises(m.ConflictError):
        store.append(stream, 1, [])


def test_a_collision_on_the_unique_key_is_a_conflict(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that checked a stale version (as one without BEGIN IMMEDIATE could) hits the
    unique key: reported as ConflictError with the real version, nothing written."""
    stream = m.StreamId(tenant="t", date=MONDAY)
    store.append(stream, 0, [event("t", "h-1")])
    real = sqlite_store._version
    calls: List[int] = []

    def stale_once(*args: str) -> int:
        calls.append(1)
        return 0 if len(calls) == 1 else real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_store, "_version", stale_once)
    with pytest.raises(m.ConflictError) as caught:
        store.append(stream, 0, [event("t", "h-2")])
    assert (caught.value.expected, caught.value.actual) == (0, 1)
    assert store.load(stream)[0] == 1


def test_a_path_is_required() -> None:
    with pytest.raises(ValueError):
        SqliteStore(":memory:")


def test_constructing_touches_no_file(tmp_path: Path) -> None:
    path = tmp_path / "lazy.db"
    SqliteStore(path)
    assert not path.exists()


# --- through the services, with real threads ----------------------------------------------


def test_patients_racing_for_one_slot(store: SqliteStore) -> None:
    """Twelve patients book the same one-seat slot at once: one appointment, eleven
    SlotUnavailableError (booked), and the day book agrees."""
    schedule = clinic.schedule()
    bookings = m.Bookings(store)

    def book(i: int) -> str:
        request = m.BookRequest(appointment_id=f"appt-{i}", patient_id=f"pat-{i}",
                                doctor_id="dr-asha", appointment_type_id="consult",
                                start=TEN_AM)
        try:
            return bookings.book(schedule, m.Actor.patient(f"pat-{i}"), NOW, request).id
        except m.SlotUnavailableError as err:
            assert err.reason is not None and err.reason.code == m.UnavailableCode.BOOKED
            return "refused"

    results = run_threads(12, book)
    winners = [r for r in results if r != "refused"]
    assert len(winners) == 1 and results.count("refused") == 11
    day = m.Bookings(store).day(schedule, MONDAY)
    assert [a.id for a in day.appointments] == winners
    version, events = store.load(m.StreamId(tenant=clinic.TENANT, date=MONDAY))
    assert version == len(events) == 1


def test_desks_issuing_walk_ins_at_once(store: SqliteStore) -> None:
    """Eight desks issue 200 walk-in tokens at once: numbers exactly 1..200, each once."""
    rules = m.QueueRules(sessions=[m.TokenSession(
        id="all-day", start=datetime(2026, 3, 2, 3, 30, tzinfo=timezone.utc),
        end=datetime(2026, 3, 2, 11, 30, tzinfo=timezone.utc),
    )])
    day = m.QueueDay(tenant=clinic.TENANT, doctor_id="dr-asha", date=MONDAY)
    tokens = m.Tokens(store)
    desks, per_desk = 8, 25

    def desk(i: int) -> List[int]:
        numbers = []
        for k in range(per_desk):
            request = m.TokenRequest(token_id=f"tok-{i}-{k}", kind=m.TokenKind.WALK_IN,
                                     patient_id=f"pat-{i}-{k}")
            update = tokens.issue(day, rules, m.Actor.staff(f"desk-{i}"), NOW, request)
            assert update.token is not None
            numbers.append(update.token.number)
        return numbers

    started = time.perf_counter()
    numbers = [n for batch in run_threads(desks, desk) for n in batch]
    elapsed = time.perf_counter() - started
    assert sorted(numbers) == list(range(1, desks * per_desk + 1))
    queue = m.Tokens(store).queue(day)
    assert len(queue.tokens) == 200 and len(queue.line) == 200
    stream = m.StreamId(tenant=clinic.TENANT, date=MONDAY, doctor_id="dr-asha")
    assert store.load(stream)[0] == 200
    print(f"\n200 walk-in tokens from 8 threads: {elapsed:.2f}s")


# --- persistence and failures -------------------------------------------------------------


def test_a_new_store_on_the_file_sees_everything(tmp_path: Path) -> None:
    """Close the store, open the file again: the day book, the queue and the feed are there,
    and writing continues from the stored versions."""
    path = tmp_path / "clinic.db"
    schedule = clinic.schedule()
    rules = clinic.queue_rules(schedule, "dr-asha", MONDAY)
    day = m.QueueDay(tenant=clinic.TENANT, doctor_id="dr-asha", date=MONDAY)
    reception = m.Actor.staff("reception")
    with SqliteStore(path) as first:
        booked = m.Bookings(first).book(schedule, m.Actor.patient("pat-1"), NOW, m.BookRequest(
            appointment_id="appt-1", patient_id="pat-1", doctor_id="dr-asha",
            appointment_type_id="consult", start=TEN_AM))
        for i in (1, 2):
            m.Tokens(first).issue(day, rules, reception, NOW, m.TokenRequest(
                token_id=f"tok-{i}", kind=m.TokenKind.WALK_IN, patient_id=f"pat-w{i}"))
        before = m.Bookings(first).feed(schedule)

    with SqliteStore(path) as second:
        book = m.Bookings(second).day(schedule, MONDAY)
        assert book.appointments == [booked]
        queue = m.Tokens(second).queue(day)
        assert queue.line == [1, 2]
        assert m.Bookings(second).feed(schedule) == before
        update = m.Tokens(second).issue(day, rules, reception, NOW, m.TokenRequest(
            token_id="tok-3", kind=m.TokenKind.WALK_IN, patient_id="pat-w3"))
        assert update.token is not None and update.token.number == 3
        with pytest.raises(m.SlotUnavailableError):
            m.Bookings(second).book(schedule, m.Actor.patient("pat-2"), NOW, m.BookRequest(
                appointment_id="appt-2", patient_id="pat-2", doctor_id="dr-asha",
                appointment_type_id="consult", start=TEN_AM))


def test_a_missing_table_is_a_storage_error(store: SqliteStore, tmp_path: Path) -> None:
    schedule = clinic.schedule()
    bookings = m.Bookings(store)
    assert bookings.day(schedule, MONDAY).appointments == []
    with sqlite3.connect(tmp_path / "events.db") as raw:
        raw.execute("DROP TABLE events")
    with pytest.raises(m.StorageError) as caught:
        bookings.day(schedule, MONDAY)
    assert "no such table" in str(caught.value)
    with pytest.raises(m.StorageError):
        bookings.book(schedule, m.Actor.patient("pat-1"), NOW, m.BookRequest(
            appointment_id="appt-1", patient_id="pat-1", doctor_id="dr-asha",
            appointment_type_id="consult", start=TEN_AM))


def test_an_unopenable_file_is_a_storage_error(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "no-such-dir" / "events.db")
    rules = clinic.queue_rules(clinic.schedule(), "dr-asha", MONDAY)
    day = m.QueueDay(tenant=clinic.TENANT, doctor_id="dr-asha", date=MONDAY)
    with pytest.raises(m.StorageError) as caught:
        m.Tokens(store).issue(day, rules, m.Actor.staff("reception"), NOW, m.TokenRequest(
            token_id="tok-1", kind=m.TokenKind.WALK_IN, patient_id="pat-1"))
    assert "unable to open" in str(caught.value)


def test_threads_share_one_file(store: SqliteStore) -> None:
    """Each thread reads what the others wrote (one connection per thread, one file)."""
    stream = m.StreamId(tenant="t", date=MONDAY)

    def write_then_read(i: int) -> Tuple[int, int]:
        while True:
            version = store.load(stream)[0]
            try:
                return i, store.append(stream, version, [event("t", f"h-{i}")])
            except m.ConflictError:
                continue

    versions = sorted(v for _, v in run_threads(8, write_then_read))
    assert versions == list(range(1, 9))
    assert store.load(stream)[0] == 8
    assert len(store.feed("t", 0, 100)) == 8


def test_closing_waits_for_reads_in_flight(store: SqliteStore) -> None:
    """close() while other threads read (as a cancelled feed poll's worker thread may): each
    read either completes or finds the store reopened; nothing crashes."""
    day = m.StreamId(tenant=clinic.TENANT, date=date(2026, 3, 2))
    stop = threading.Event()
    done: List[int] = []

    def read() -> None:
        while not stop.is_set():
            store.feed(clinic.TENANT, 0, 100)
            store.load(day)
            done.append(1)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for _ in range(50):
        store.close()
        time.sleep(0.001)
    stop.set()
    for reader in readers:
        reader.join(timeout=30)
        assert not reader.is_alive()
    assert done


def test_now_is_before_the_slot() -> None:
    """The fixed times of these tests: NOW is before the session, TEN_AM one of its slots."""
    assert NOW < TEN_AM and TEN_AM - NOW == timedelta(hours=2)
