"""medsched's exceptions: one class per kind of refusal, all under :class:`MedschedError`.

Every error the core returns reaches Python as one of these, never as a Rust panic. Each
carries ``code`` (the core's error code, as in the shared test vectors) and ``details`` (the
error's fields as a dict); the subclasses also expose those fields as attributes.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any, Dict, Optional

__all__ = [
    "MedschedError",
    "InvalidInputError",
    "WrongTypeError",
    "NotFoundError",
    "SlotUnavailableError",
    "InvalidTransitionError",
    "PolicyViolationError",
    "ConflictError",
    "RateLimitedError",
    "StorageError",
]


class MedschedError(Exception):
    """The base of every medsched error."""

    code: str = "error"
    """The core's error code, e.g. ``"invalid_input"``."""

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: Dict[str, Any] = dict(details or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    @classmethod
    def _from_native(cls, message: str, details_json: str) -> MedschedError:
        details = json.loads(details_json)
        kind = _BY_CODE.get(details.get("code", ""), MedschedError)
        return kind(message, details)


class InvalidInputError(MedschedError, ValueError):
    """An input field holds a value medsched refuses: ``field`` names it (a path such as
    ``templates[0].sessions[1].end``), ``value`` is the refused value as text, ``problem`` the
    problem's code (e.g. ``"unknown_time_zone"``) and ``problem_message`` its wording."""

    code = "invalid_input"

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.field: str = self.details.get("field", "")
        self.value: str = self.details.get("value", "")
        self.problem: str = self.details.get("problem", "")
        self.problem_message: str = self.details.get("problem_message", "")


class WrongTypeError(InvalidInputError, TypeError):
    """An argument or field of the wrong Python type (a ``str`` where a ``date`` is expected,
    a naive ``datetime`` where an aware one is): an :class:`InvalidInputError` (code
    ``"invalid_input"``, ``problem`` ``"wrong_type"``, ``field`` naming the argument or the
    path inside it) that is also a ``TypeError``."""


def invalid_input(
    field: str, value: object, problem: str, problem_message: str,
    message: Optional[str] = None,
) -> InvalidInputError:
    """The :class:`InvalidInputError` (a :class:`WrongTypeError` for the problem
    ``"wrong_type"``, worded ``"{field} {problem_message}"``) for a refused value, worded as
    the core words its own unless ``message`` is given."""
    shown = value if isinstance(value, str) and len(value) <= 80 else _shown(value)
    kind = WrongTypeError if problem == "wrong_type" else InvalidInputError
    details = {
        "code": "invalid_input",
        "field": field,
        "value": shown,
        "problem": problem,
        "problem_message": problem_message,
    }
    if message is None:
        wrong = problem == "wrong_type"
        message = f"{field} {problem_message}" if wrong else (
            f"invalid {field} = {shown!r}: {problem_message}"
        )
    return kind(message, details)


def _shown(value: object) -> str:
    """A refused value as text, cut short (a repr that fails is shown by its type)."""
    try:
        text = value.isoformat() if isinstance(value, (date, time)) else repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


class NotFoundError(MedschedError, LookupError):
    """A record the call names does not exist: ``kind`` (``"doctor"``,
    ``"appointment_type"``, ``"hold"``, ``"appointment"``, ``"token"``, ``"session"``) and
    ``id``."""

    code = "not_found"

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.kind: str = self.details.get("kind", "")
        self.id: str = self.details.get("id", "")


class SlotUnavailableError(MedschedError):
    """The slot cannot be held or booked: ``doctor_id``, ``start`` (aware, UTC) and
    ``reason`` (an :class:`~medsched.Unavailable`: booked, held, closed by which rule, too
    soon, too far, busy, room full)."""

    code = "slot_unavailable"

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        from ._codec import decode
        from .slots import Unavailable

        super().__init__(message, details)
        self.doctor_id: str = self.details.get("doctor_id", "")
        start = self.details.get("start")
        self.start: Optional[datetime] = decode(datetime, start) if isinstance(start, str) else None
        reason = self.details.get("reason")
        self.reason: Optional[Unavailable] = (
            Unavailable.from_dict(reason) if isinstance(reason, dict) else None
        )


class InvalidTransitionError(MedschedError):
    """The action is not allowed from the record's status: ``kind`` (``"appointment"``,
    ``"hold"``, ``"token"``), ``id``, ``from_status`` (e.g. ``"cancelled"``) and ``action``
    (e.g. ``"complete"``)."""

    code = "invalid_transition"

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.kind: str = self.details.get("kind", "")
        self.id: str = self.details.get("id", "")
        self.from_status: str = self.details.get("from", "")
        self.action: str = self.details.get("action", "")


class PolicyViolationError(MedschedError):
    """The action breaks a policy: ``id`` (the appointment, hold or token), ``action`` and
    ``rule`` (its code, e.g. ``"reschedule_limit"``, ``"session_full"``, ``"staff_only"``),
    with ``rule_message`` its wording."""

    code = "policy_violation"

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message, details)
        self.id: str = self.details.get("id", "")
        self.action: str = self.details.get("action", "")
        self.rule: str = self.details.get("rule", "")
        self.rule_message: str = self.details.get("rule_message", "")


class ConflictError(MedschedError):
    """Another writer appended to the stream first and the retries ran out (or a store's
    ``append`` found another version): safe to retry. ``stream``, ``expected``, ``actual``.

    A Python store raises it from ``append`` when the stream is not at the expected version.
    """

    code = "conflict"

    def __init__(
        self,
        message: str = "concurrent change",
        details: Optional[Dict[str, Any]] = None,
        *,
        stream: Optional[str] = None,
        expected: Optional[int] = None,
        actual: Optional[int] = None,
    ) -> None:
        super().__init__(message, details)
        self.stream: str = stream if stream is not None else self.details.get("stream", "")
        self.expected: int = expected if expected is not None else self.details.get("expected", 0)
        self.actual: int = actual if actual is not None else self.details.get("actual", 0)


class RateLimitedError(MedschedError):
    """Too many booking requests for one key of a rate limit: ``key_kind`` (``"patient"``,
    ``"phone"`` or ``"ip"``; the key itself is never in the error), ``retry_after_ms`` (how
    long to wait, rounded up) and ``retry_at`` (aware, UTC: when the same request would
    pass). An HTTP host answers 429 with ``Retry-After: ceil(retry_after_ms / 1000)``."""

    code = "rate_limited"

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        from ._codec import decode

        super().__init__(message, details)
        self.key_kind: str = self.details.get("kind", "")
        self.retry_after_ms: int = self.details.get("retry_after_ms", 0)
        retry_at = self.details.get("retry_at")
        self.retry_at: Optional[datetime] = (
            decode(datetime, retry_at) if isinstance(retry_at, str) else None
        )

    @property
    def retry_after_seconds(self) -> int:
        """The wait in whole seconds, rounded up: an HTTP ``Retry-After`` value."""
        return -(-self.retry_after_ms // 1000)


class StorageError(MedschedError):
    """A storage adapter failed; ``message`` is what it reported."""

    code = "storage"


_BY_CODE = {
    cls.code: cls
    for cls in (
        InvalidInputError,
        NotFoundError,
        SlotUnavailableError,
        InvalidTransitionError,
        PolicyViolationError,
        ConflictError,
        RateLimitedError,
        StorageError,
    )
}
