"""Where events are kept: the built-in :class:`InMemoryStore`, or a store of the host's own
that implements the :class:`EventStore` protocol (see ``examples/fastapi/sqlite_store.py``)."""

from __future__ import annotations

import json
from typing import List, Protocol, Tuple, Union, runtime_checkable

from . import _native
from ._args import U64, checked, wrong_type
from ._codec import decode, to_json
from .booking import StreamId
from .events import Event, FeedEntry, LoadedStream

__all__ = ["EventStore", "NativeStore", "InMemoryStore", "open_store", "AnyStore", "check_event_store"]


@runtime_checkable
class EventStore(Protocol):
    """A host's store of events, called by :class:`~medsched.Bookings` and
    :class:`~medsched.Tokens`. Events are JSON text: store each one verbatim.

    The contract (checked by :func:`check_event_store`):

    - ``load(stream)`` returns ``(version, events)``: the stream's events in append order and
      its version (how many it holds; ``(0, [])`` for a stream never written).
    - ``append(stream, expected_version, events)`` adds the events at the end **only if** the
      stream is still at ``expected_version``, atomically, and returns the new version;
      otherwise it changes nothing and raises :class:`~medsched.ConflictError`. In SQL: a
      unique key on ``(tenant, date, doctor_id, version)`` and one transaction. Every field
      of the :class:`~medsched.StreamId` names the stream (``doctor_id`` is ``None`` for a
      tenant's day book and a doctor's id for that doctor's token queue).
    - ``feed(tenant, after, limit)`` returns the tenant's events with positions greater than
      ``after``, in append order, at most ``limit``: ``(position, stream, version, event)``
      tuples. Positions increase in append order per tenant (gaps are fine), and a reader
      that resumes after the last position it saw never misses an event: an event must never
      become visible at a position lower than one already read (serialize a tenant's appends,
      as ``BEGIN IMMEDIATE`` in SQLite does; a bare sequence alone is not enough).
    - Tenants are isolated: a stream and a feed hold only their tenant's events.
    - It is safe to call from several threads at once.

    Any other exception it raises reaches the caller as :class:`~medsched.StorageError`.
    """

    def load(self, stream: StreamId) -> Tuple[int, List[str]]: ...

    def append(self, stream: StreamId, expected_version: int, events: List[str]) -> int: ...

    def feed(self, tenant: str, after: int, limit: int) -> List[Tuple[int, StreamId, int, str]]: ...


class NativeStore:
    """A store the native side keeps: the core's in-memory store (:class:`InMemoryStore`) or a
    database opened by URL (:func:`open_store`). Thread-safe. It implements
    :class:`EventStore` (so it can be wrapped, e.g. for logging), and reads typed too:
    :meth:`load_stream`, :meth:`append_events`, :meth:`feed_entries`. Services given one call
    it without leaving Rust.
    """

    def __init__(self, native: "_native.NativeStore") -> None:
        self._native = native

    @checked()
    def load(self, stream: StreamId) -> Tuple[int, List[str]]:
        """A stream's version and its events' JSON text (the protocol's form)."""
        loaded = json.loads(self._native.load(to_json(stream, "stream")))
        return int(loaded["version"]), [json.dumps(e) for e in loaded["events"]]

    @checked(expected_version=U64)
    def append(self, stream: StreamId, expected_version: int, events: List[str]) -> int:
        """Appends events' JSON text if the stream is at ``expected_version`` (else
        :class:`~medsched.ConflictError`); returns the new version."""
        return self._native.append(to_json(stream, "stream"), expected_version,
            "[" + ",".join(events) + "]")

    @checked(after=U64, limit=U64)
    def feed(self, tenant: str, after: int, limit: int) -> List[Tuple[int, StreamId, int, str]]:
        """A tenant's events after position ``after`` (the protocol's form)."""
        return [
            (e["position"], decode(StreamId, e["stream"]), e["version"], json.dumps(e["event"]))
            for e in json.loads(self._native.feed(tenant, after, limit))
        ]

    @checked()
    def load_stream(self, stream: StreamId) -> LoadedStream:
        """A stream's events and version."""
        return decode(LoadedStream, json.loads(self._native.load(to_json(stream, "stream"))))

    @checked(expected_version=U64)
    def append_events(self, stream: StreamId, expected_version: int, events: List[Event]) -> int:
        """As :meth:`append`, for events as data classes."""
        return self._native.append(to_json(stream, "stream"), expected_version, to_json(events,
            "events"))

    @checked(after=U64, limit=U64)
    def feed_entries(self, tenant: str, after: int = 0, limit: int = 100) -> List[FeedEntry]:
        """A tenant's events after position ``after``, as data classes."""
        return [decode(FeedEntry, e) for e in json.loads(self._native.feed(tenant, after, limit))]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class InMemoryStore(NativeStore):
    """The core's in-memory store: for tests, examples and single-process hosts."""

    def __init__(self) -> None:
        super().__init__(_native.NativeStore())


@checked()
def open_store(url: str) -> NativeStore:
    """The store at ``url``, ready to use (its schema created or migrated):

    - ``"sqlite:///var/lib/clinic/medsched.db"`` (an absolute path), ``"sqlite://clinic.db"``
      (relative to the working directory) or ``"sqlite::memory:"``: a SQLite file, the
      persistent embedded store for one server;
    - ``"postgresql://user:password@host/db"``: a PostgreSQL database, for many app servers;
    - ``"memory:"``: a fresh in-memory store.

    Any other URL raises :class:`~medsched.InvalidInputError` naming the field ``url``; a
    database that cannot be opened or reached raises :class:`~medsched.StorageError`.
    """
    return NativeStore(_native.NativeStore.open(url))


AnyStore = Union[NativeStore, EventStore]
"""What a service accepts as its store."""


def _stream(text: str) -> StreamId:
    return decode(StreamId, json.loads(text))


class _Adapter:
    """A host's store as the native module calls it: JSON text in and out."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def load(self, stream: str) -> str:
        version, events = self.store.load(_stream(stream))
        return '{"version": %d, "events": [%s]}' % (_count(version, "load"), _texts(events))

    def append(self, stream: str, expected_version: int, events: List[str]) -> int:
        return _count(self.store.append(_stream(stream), expected_version, events), "append")

    def feed(self, tenant: str, after: int, limit: int) -> str:
        entries = self.store.feed(tenant, after, limit)
        parts = [
            '{"position": %d, "stream": %s, "version": %d, "event": %s}'
            % (
                _count(position, "feed"), to_json(stream, "stream"), _count(version, "feed"),
                _texts([event]),
            )
            for position, stream, version, event in entries
        ]
        return "[" + ",".join(parts) + "]"


def _count(value: object, method: str) -> int:
    """A version or position a store returned: a non-negative int, nothing else."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"{method}() must give versions and positions as ints >= 0, got {value!r}")
    return value


def _texts(events: object) -> str:
    """Events a store returned: JSON texts, joined for the native module."""
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        raise TypeError(f"a store must give events as a list of JSON texts, got {events!r:.80}")
    return ",".join(events)


def native_store(store: AnyStore) -> Union[_native.NativeStore, _Adapter]:
    """What the native services take for ``store``."""
    if isinstance(store, NativeStore):
        return store._native
    for method in ("load", "append", "feed"):
        if not callable(getattr(store, method, None)):
            raise wrong_type("store", f"an InMemoryStore or an EventStore (with {method}())", store)
    return _Adapter(store)


@checked(threads=(0, 256))
def check_event_store(
    store: AnyStore, tenant_prefix: str = "conformance", threads: int = 4
) -> None:
    """Runs the store checks of the ``medsched-testkit`` crate on a store: the contract call
    by call (load, append with expected versions, conflicts, day books and token queues apart,
    feed order and paging), tenant isolation, tenant keys (a token queue of doctor ``""``
    refused or apart from the day book; feed positions counted per tenant, so that they never
    tell a tenant how many events the others wrote) and, with ``threads`` of 2 or more, that many
    threads racing to append to one stream and appending while a reader pages through the
    feed (``threads=0`` skips those two, for a store not meant for threads; at most 256).

    It writes to the store, under tenants named ``{tenant_prefix}-{run}-...`` with a ``run``
    new for each call, so it can run on a store that already holds data. Raises
    ``AssertionError`` saying which check failed and how."""
    _native.check_store(native_store(store), tenant_prefix, threads)
