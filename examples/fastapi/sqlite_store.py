"""A medsched event store in one SQLite file, over Python's ``sqlite3``.

``SqliteStore(path)`` implements the :class:`medsched.EventStore` protocol (see
``medsched/stores.py``): medsched's :class:`~medsched.Bookings` and :class:`~medsched.Tokens`
load a stream, decide, and append with the version they loaded; this store appends only if
the stream is still at that version and otherwise raises :class:`medsched.ConflictError`, so
the service reloads and decides again. Two patients racing for one slot, or two desks
issuing tokens at once, never both succeed on a stale view.

The tables (schema version 1, in ``PRAGMA user_version``)::

    events(tenant, position,                 -- the tenant's feed position (1, 2, 3, ...)
           date, doctor_id,                  -- the stream ('' = the day book)
           version,                          -- 1-based index in the stream
           body TEXT,                        -- the event's JSON, verbatim
           PRIMARY KEY (tenant, position),
           UNIQUE (tenant, date, doctor_id, version))
    feed_heads(tenant PRIMARY KEY, position) -- each tenant's last position

Feed positions are counted per tenant (a global sequence would tell each tenant how many
events the others wrote): an append advances its tenant's ``feed_heads`` row inside its
transaction and numbers its events from there. A token queue of doctor ``""`` is refused
(its rows would be the day book's).

Migrations run when the first connection opens the file, in one ``BEGIN IMMEDIATE``
transaction that also sets ``user_version`` (so two processes opening a file at once migrate
it once). Version 1 moves a file of the first layout (``user_version`` 0, one ``events``
table numbered by a global ``AUTOINCREMENT`` position) to per-tenant positions: each
tenant's events keep their order and are numbered 1, 2, 3, ... A reader that saved a
position of the old numbering translates it once: its new position is the number of that
tenant's events whose old position is at most the saved one. A file of a newer version is
refused (``RuntimeError``) and left untouched.

Concurrency: **one connection per thread** (``threading.local``) in WAL mode with a busy
timeout. Readers never block the writer nor each other (WAL); appends take the write lock up
front (``BEGIN IMMEDIATE``), check the stream's version and insert in one transaction, so
writers are serialized by SQLite itself, across threads and across processes sharing the
file. Because writes are serialized, feed positions become visible in increasing order: a
reader of the feed never sees position *n + 1* committed while *n* is still to come. The
unique key is a second guard: an insert that collides with another writer's version (a
process writing without ``BEGIN IMMEDIATE``) is reported as a conflict too.

Connections are opened lazily, on a thread's first call, so constructing a store touches no
file. Use a file path (``":memory:"`` would give each thread a database of its own).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from datetime import date
from typing import Any, Iterator, List, Optional, Tuple, Union

from medsched import ConflictError, InvalidInputError, StreamId

__all__ = ["SqliteStore"]

SCHEMA_VERSION = 1
"""The schema version this module writes (``PRAGMA user_version``)."""

_TABLES = [
    """CREATE TABLE events (
        tenant    TEXT    NOT NULL,
        position  INTEGER NOT NULL,
        date      TEXT    NOT NULL,
        doctor_id TEXT    NOT NULL DEFAULT '',
        version   INTEGER NOT NULL,
        body      TEXT    NOT NULL,
        PRIMARY KEY (tenant, position),
        UNIQUE (tenant, date, doctor_id, version)
    )""",
    """CREATE TABLE feed_heads (
        tenant   TEXT    NOT NULL PRIMARY KEY,
        position INTEGER NOT NULL
    )""",
]
"""Version 1, on a new file."""

_FROM_GLOBAL_POSITIONS = [
    "ALTER TABLE events RENAME TO events_global",
    "DROP INDEX IF EXISTS events_feed",
    *_TABLES,
    """INSERT INTO events (tenant, position, date, doctor_id, version, body)
        SELECT tenant, ROW_NUMBER() OVER (PARTITION BY tenant ORDER BY position),
               date, doctor_id, version, body
        FROM events_global""",
    "INSERT INTO feed_heads (tenant, position) "
    "SELECT tenant, MAX(position) FROM events GROUP BY tenant",
    "DROP TABLE events_global",
]
"""Version 0 (one global ``AUTOINCREMENT`` position) to version 1: each tenant's events
renumbered 1, 2, 3, ... in their old order."""

FeedRow = Tuple[int, StreamId, int, str]
"""One feed entry: ``(position, stream, version, event JSON)``."""


class SqliteStore:
    """medsched's event store in the SQLite file at ``path`` (created if missing).

    Safe to share between threads: each thread gets its own connection (WAL, busy timeout
    of ``timeout`` seconds). :meth:`close` closes every connection opened so far; a thread
    that calls the store afterwards opens a new one.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], *, timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        if self.path == ":memory:" or self.path == "":
            raise ValueError(
                "SqliteStore needs a file path: each thread has its own connection, and an "
                "in-memory database is private to its connection"
            )
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._links: List[_Link] = []
        self._schema_ready = False

    # --- the EventStore protocol ------------------------------------------------------

    def load(self, stream: StreamId) -> Tuple[int, List[str]]:
        """The stream's events (JSON text, in append order) and its version (0 and ``[]`` for
        a stream never written)."""
        _check_doctor(stream)
        with self._using() as conn:
            rows = conn.execute(
                "SELECT version, body FROM events WHERE tenant = ? AND date = ? "
                "AND doctor_id = ? ORDER BY version",
                _key(stream),
            ).fetchall()
        return (int(rows[-1][0]) if rows else 0), [str(body) for _, body in rows]

    def append(self, stream: StreamId, expected_version: int, events: List[str]) -> int:
        """Appends ``events`` (JSON text) if the stream is at ``expected_version``, in one
        transaction, and returns the new version.

        Raises :class:`medsched.ConflictError` when the stream has moved on (nothing is
        written), and :class:`medsched.InvalidInputError` for an event of another tenant than
        the stream's.
        """
        tenant, day, doctor = _key(stream)
        _check_doctor(stream)
        for i, body in enumerate(events):
            _check_tenant(stream, i, body)
        with self._using() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                actual = _version(conn, tenant, day, doctor)
                if actual != expected_version:
                    raise ConflictError(
                        f"stream {stream} is at version {actual}, not {expected_version}",
                        stream=str(stream), expected=expected_version, actual=actual,
                    )
                if events:
                    first = _advance_feed(conn, tenant, len(events)) - len(events) + 1
                    conn.executemany(
                        "INSERT INTO events (tenant, position, date, doctor_id, version, body) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [
                            (tenant, first + i, day, doctor, expected_version + i + 1, body)
                            for i, body in enumerate(events)
                        ],
                    )
                conn.execute("COMMIT")
            except sqlite3.IntegrityError as err:
                conn.execute("ROLLBACK")
                actual = _version(conn, tenant, day, doctor)
                raise ConflictError(
                    f"stream {stream}: another writer took version {expected_version + 1} "
                    f"({err})",
                    stream=str(stream), expected=expected_version, actual=actual,
                ) from err
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return expected_version + len(events)

    def feed(self, tenant: str, after: int = 0, limit: int = 100) -> List[FeedRow]:
        """The tenant's events with positions greater than ``after``, in append order, at
        most ``limit``: ``(position, stream, version, event JSON)`` tuples."""
        with self._using() as conn:
            rows = conn.execute(
                "SELECT position, date, doctor_id, version, body FROM events "
                "WHERE tenant = ? AND position > ? ORDER BY position LIMIT ?",
                (tenant, after, limit),
            ).fetchall()
        return [
            (
                int(position),
                StreamId(tenant=tenant, date=date.fromisoformat(day), doctor_id=doctor or None),
                int(version),
                str(body),
            )
            for position, day, doctor, version, body in rows
        ]

    # --- housekeeping -------------------------------------------------------------------

    def last_position(self, tenant: str) -> int:
        """The tenant's latest feed position (0 when it has no events)."""
        with self._using() as conn:
            row = conn.execute(
                "SELECT position FROM feed_heads WHERE tenant = ?", (tenant,)
            ).fetchone()
        return int(row[0]) if row is not None else 0

    def close(self) -> None:
        """Closes every connection this store opened (in any thread), each once its thread
        is done with it: a read still running elsewhere (say, in a worker thread whose task
        was cancelled) finishes first. A later call opens new connections."""
        with self._lock:
            links, self._links = self._links, []
            self._local = threading.local()
        for link in links:
            with link.lock:
                link.conn.close()
                link.closed = True

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    @contextlib.contextmanager
    def _using(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, held so that :meth:`close` waits for the call."""
        while True:
            link: Optional[_Link] = getattr(self._local, "link", None)
            if link is None:
                link = self._connect()
            link.lock.acquire()
            if not link.closed:
                break
            link.lock.release()  # closed meanwhile: the next turn opens a new one
        try:
            yield link.conn
        finally:
            link.lock.release()

    def _connect(self) -> _Link:
        # isolation_level=None: no implicit transactions; append opens its own.
        # check_same_thread=False only so that close() may close it from another thread;
        # each connection is otherwise used by the thread that opened it.
        conn = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        conn.execute("PRAGMA synchronous = NORMAL")
        link = _Link(conn)
        with self._lock:
            if not self._schema_ready:
                # WAL is a property of the file: set once, by the first connection (setting it
                # needs a moment of exclusive access, which racing connections would be
                # refused at once, busy timeout or not).
                try:
                    conn.execute("PRAGMA journal_mode = WAL")
                    _migrate(conn, self.path)
                except BaseException:
                    conn.close()
                    raise
                self._schema_ready = True
            self._links.append(link)
        self._local.link = link
        return link


class _Link:
    """One thread's connection and the lock held while it is in use."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()
        self.closed = False


def _key(stream: StreamId) -> Tuple[str, str, str]:
    return stream.tenant, stream.date.isoformat(), stream.doctor_id or ""


def _migrate(conn: sqlite3.Connection, path: str) -> None:
    """Brings the file to :data:`SCHEMA_VERSION` in one transaction (see the module docs)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if found > SCHEMA_VERSION:
            raise RuntimeError(
                f"{path} has schema version {found}; this store knows {SCHEMA_VERSION} "
                "at most (a newer version of the example wrote it)"
            )
        if found < 1:
            old = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
            ).fetchone()
            for statement in _FROM_GLOBAL_POSITIONS if old else _TABLES:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _advance_feed(conn: sqlite3.Connection, tenant: str, n: int) -> int:
    """Advances the tenant's feed head by ``n`` (inside the append's transaction) and returns
    it: the position of the last of the ``n`` events."""
    conn.execute(
        "INSERT INTO feed_heads (tenant, position) VALUES (?, ?) "
        "ON CONFLICT (tenant) DO UPDATE SET position = position + excluded.position",
        (tenant, n),
    )
    row = conn.execute("SELECT position FROM feed_heads WHERE tenant = ?", (tenant,)).fetchone()
    return int(row[0])


def _check_doctor(stream: StreamId) -> None:
    """Refuses a token queue of doctor ``""``: its rows would be the day book's (field
    ``stream.doctor_id``, problem ``missing``, as the core's stores refuse it)."""
    if stream.doctor_id == "":
        field, problem = "stream.doctor_id", "required: a doctor id for a token queue"
        raise InvalidInputError(
            f"invalid {field} = '': {problem}",
            {
                "code": "invalid_input",
                "field": field,
                "value": "",
                "problem": "missing",
                "problem_message": problem,
            },
        )


def _version(conn: sqlite3.Connection, tenant: str, day: str, doctor: str) -> int:
    row = conn.execute(
        "SELECT MAX(version) FROM events WHERE tenant = ? AND date = ? AND doctor_id = ?",
        (tenant, day, doctor),
    ).fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0


def _check_tenant(stream: StreamId, index: int, body: str) -> None:
    """Refuses an event of another tenant, as the core's stores do (``events[i].tenant``,
    problem ``conflicting``)."""
    try:
        tenant = json.loads(body).get("tenant")
    except (ValueError, AttributeError):
        tenant = None
    if tenant != stream.tenant:
        field, value = f"events[{index}].tenant", str(tenant)
        problem = f"conflicts with stream {stream}"
        raise InvalidInputError(
            f"invalid {field} = {value!r}: {problem}",
            {
                "code": "invalid_input",
                "field": field,
                "value": value,
                "problem": "conflicting",
                "problem_message": problem,
            },
        )
