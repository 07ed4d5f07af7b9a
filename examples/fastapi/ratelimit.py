"""Booking rate limits for the clinic API: medsched's GCRA per patient, phone number and
client address in front of ``POST /holds``, ``POST /holds/{id}/book`` and
``POST /appointments`` (docs/RATE_LIMITS.md).

- :func:`install` puts a :class:`Guard` on the app (``app.state.rate_limiter``) and answers
  :class:`medsched.RateLimitedError` with **429**, a ``Retry-After`` header (whole seconds,
  rounded up) and the usual error body (``code`` ``rate_limited``, ``kind`` the key kind,
  ``retry_after_ms``, ``retry_at``).
- :data:`GUARD` is the route dependency: it counts the request against the patient's id (the
  body's ``patient_id``), the phone number (the ``X-Patient-Phone`` header, when sent) and
  the client's address. Staff callers (``X-Staff-Id``) are not limited: the desk books for
  many patients from one address.
- The states live where the events do, so app servers sharing a database share the limits:
  for a store URL (``postgresql://…``, ``sqlite:///…``) medsched's own
  :class:`medsched.RateLimiter` keeps them in that database; for the example's sqlite3 file,
  :class:`SqliteStates` keeps them in a ``rate_limits`` table of the same file and runs the
  core's :func:`medsched.check_rate` with a compare-and-set per key.

Phone numbers and addresses are stored as a SHA-256 of the tenant and the value, never in
the clear, and no error or log line repeats them.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from typing import Callable, Dict, List, Optional, Protocol, Union

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

import medsched as m

__all__ = ["Guard", "GUARD", "SqliteStates", "install", "PHONE_HEADER", "MAX_SWAPS"]

PHONE_HEADER = "X-Patient-Phone"
"""The header that carries the patient's phone number (optional)."""

MAX_SWAPS = 16
"""Lost compare-and-set races one key survives before the request fails with ``conflict``
(as medsched's ``MAX_SWAP_ATTEMPTS``)."""


class Limiter(Protocol):
    """What a guard counts requests with: medsched's :class:`~medsched.RateLimiter` or
    :class:`SqliteStates`."""

    def acquire(self, keys: List[m.RateKey], now: datetime, cost: int = 1) -> int: ...


class SqliteStates:
    """Rate limit states in the example's sqlite3 file: one row per key, swapped by a guarded
    ``UPDATE`` (or an ``INSERT OR IGNORE`` for a new key), so several processes on one file
    share the limits. The decision is medsched's :func:`~medsched.check_rate`."""

    def __init__(self, path: str, limits: m.RateLimits, *, timeout: float = 30.0) -> None:
        self.limits = limits
        self._conn = sqlite3.connect(
            path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS rate_limits (tenant TEXT NOT NULL, "
                "kind TEXT NOT NULL, value TEXT NOT NULL, tat_ns INTEGER NOT NULL, "
                "PRIMARY KEY (tenant, kind, value)) WITHOUT ROWID"
            )

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _read(self, key: m.RateKey) -> Optional[int]:
        with self._lock:
            row = self._conn.execute(
                "SELECT tat_ns FROM rate_limits WHERE tenant = ? AND kind = ? AND value = ?",
                (key.tenant, m.KeyKind(key.kind).value, key.value),
            ).fetchone()
        return None if row is None else int(row[0])

    def _swap(self, key: m.RateKey, expected: Optional[int], new: int) -> bool:
        where = (key.tenant, m.KeyKind(key.kind).value, key.value)
        with self._lock:
            if expected is None:
                cur = self._conn.execute(
                    "INSERT OR IGNORE INTO rate_limits (tenant, kind, value, tat_ns) "
                    "VALUES (?, ?, ?, ?)", (*where, new),
                )
            else:
                cur = self._conn.execute(
                    "UPDATE rate_limits SET tat_ns = ? WHERE tenant = ? AND kind = ? "
                    "AND value = ? AND tat_ns = ?", (new, *where, expected),
                )
            return cur.rowcount == 1

    def _decide(self, key: m.RateKey, state: Optional[int], now: datetime,
                cost: int) -> m.RateDecision:
        rate = getattr(self.limits, m.KeyKind(key.kind).value)
        return m.check_rate(rate, None if state is None else _instant(state), now, cost)

    def acquire(self, keys: List[m.RateKey], now: datetime, cost: int = 1) -> int:
        """As :meth:`medsched.RateLimiter.acquire`: every key checked first (nothing counted
        when one is over), then each counted by compare-and-set."""
        refused: Optional[tuple] = None
        for key in keys:
            decision = self._decide(key, self._read(key), now, cost)
            if not decision.allowed and (refused is None or decision.retry_at > refused[1]):
                refused = (key, decision.retry_at)
        if refused is not None:
            raise _limited(refused[0], now, refused[1])
        least = 2**32 - 1
        for key in keys:
            for _ in range(MAX_SWAPS):
                state = self._read(key)
                decision = self._decide(key, state, now, cost)
                if not decision.allowed:
                    raise _limited(key, now, decision.retry_at)
                assert decision.tat is not None and decision.remaining is not None
                if self._swap(key, state, _nanos(decision.tat)):
                    least = min(least, decision.remaining)
                    break
            else:
                raise m.ConflictError(
                    "concurrent change to a rate limit", stream=f"{key.tenant}/rate_limit",
                    expected=0, actual=0,
                )
        return least


def _nanos(at: datetime) -> int:
    delta = at - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def _instant(ns: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=ns // 1_000)


def _limited(key: m.RateKey, now: datetime, retry_at: Optional[datetime]) -> m.RateLimitedError:
    """The error medsched's limiter raises, for a refusal decided here."""
    assert retry_at is not None
    wait_ms = max(0, -(-(_nanos(retry_at) - _nanos(now)) // 1_000_000))
    kind = m.KeyKind(key.kind).value
    return m.RateLimitedError(
        f"too many requests for this {kind}: retry in {wait_ms} ms",
        {"code": "rate_limited", "retry_safe": False, "kind": kind,
         "retry_after_ms": wait_ms, "retry_at": retry_at.isoformat().replace("+00:00", "Z")},
    )


def _hashed(tenant: str, value: str) -> str:
    return hashlib.sha256(f"{tenant}\x00{value}".encode()).hexdigest()


class Guard:
    """Counts a booking request against its patient, phone and address keys."""

    def __init__(self, tenant: str, limiter: Limiter, now: Callable[[], datetime]) -> None:
        self.tenant = tenant
        self.limiter = limiter
        self.now = now

    def keys(self, patient_id: Optional[str], phone: Optional[str],
             address: Optional[str]) -> List[m.RateKey]:
        keys = []
        if patient_id:
            keys.append(m.RateKey(tenant=self.tenant, kind=m.KeyKind.PATIENT, value=patient_id))
        if phone:
            keys.append(m.RateKey(tenant=self.tenant, kind=m.KeyKind.PHONE,
                                  value=_hashed(self.tenant, phone)))
        if address:
            keys.append(m.RateKey(tenant=self.tenant, kind=m.KeyKind.IP,
                                  value=_hashed(self.tenant, address)))
        return keys

    def check(self, patient_id: Optional[str], phone: Optional[str],
              address: Optional[str]) -> None:
        """Counts one request; :class:`medsched.RateLimitedError` when a key is over."""
        keys = self.keys(patient_id, phone, address)
        if keys:
            self.limiter.acquire(keys, self.now())


async def _guard(request: Request) -> None:
    """The route dependency behind :data:`GUARD`."""
    if request.headers.get("x-staff-id"):
        return
    guard: Guard = request.app.state.rate_limiter
    patient_id: Optional[str] = None
    try:
        body = await request.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("patient_id"), str):
        patient_id = body["patient_id"]
    address = request.client.host if request.client is not None else None
    await run_in_threadpool(guard.check, patient_id, request.headers.get(PHONE_HEADER), address)


GUARD = Depends(_guard)
"""Put on a route (``dependencies=[GUARD]``) to rate-limit it."""


async def _rate_limited(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, m.RateLimitedError)
    details: Dict[str, object] = jsonable_encoder(exc.details)
    body = {**details, "code": exc.code, "message": exc.message, "field": None}
    return JSONResponse(body, status_code=429,
                        headers={"Retry-After": str(max(1, exc.retry_after_seconds))})


def install(app: FastAPI, tenant: str, store: Union[m.NativeStore, object], db_path: str,
            now: Callable[[], datetime], limits: Optional[m.RateLimits] = None) -> Guard:
    """Rate-limits the app's booking routes: the states in ``store`` when medsched keeps it
    (a :class:`~medsched.NativeStore`), else in the example's sqlite3 file at ``db_path``;
    ``limits`` are medsched's defaults unless given. Registers the 429 answer."""
    chosen = limits if limits is not None else m.RateLimits()
    limiter: Limiter
    if isinstance(store, m.NativeStore):
        limiter = m.RateLimiter(store, chosen)
    else:
        limiter = SqliteStates(db_path, chosen)
    guard = Guard(tenant, limiter, now)
    app.state.rate_limiter = guard
    app.add_exception_handler(m.RateLimitedError, _rate_limited)
    return guard
