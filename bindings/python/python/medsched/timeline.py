"""What resolving a doctor's calendar returns: intervals of open and closed time, and the
explanation of one instant, each naming the rule that decided it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, List, Optional

from ._codec import Record

__all__ = ["Explanation", "Interval", "RuleKind", "RuleRef", "Status"]


class RuleKind(str, enum.Enum):
    """The kind of rule that decided an interval, highest priority first: forced block >
    emergency > leave > holiday > override > base; ``break`` in a gap of a template's day
    (between two of its sessions, or a break inside one); ``outside_hours`` when no rule
    covers the time."""

    FORCED_BLOCK = "forced_block"
    """An admin forced block."""
    EMERGENCY = "emergency"
    """Emergency unavailability."""
    LEAVE = "leave"
    """Approved leave."""
    HOLIDAY = "holiday"
    """A holiday."""
    OVERRIDE = "override"
    """A date override."""
    BASE = "base"
    """A weekly template (the base schedule)."""
    BREAK = "break"
    """A break of a weekly template's day (between two of its sessions, or inside one)."""
    OUTSIDE_HOURS = "outside_hours"
    """No rule covers the time."""


class Status(str, enum.Enum):
    """Whether the doctor can be booked."""

    OPEN = "open"
    """Bookable."""
    CLOSED = "closed"
    """Not bookable."""


@dataclass
class Interval(Record):
    """A maximal stretch of time, ``start`` to ``end`` (exclusive), with one decision and
    the rule behind it."""

    _serde: ClassVar[str] = "Interval"

    start: datetime
    end: datetime
    status: Status
    rule: RuleKind
    rule_id: Optional[str] = None
    """The deciding rule's id (``None`` for ``outside_hours``)."""
    location_id: Optional[str] = None
    """The location the doctor is scheduled at (also when that time is closed)."""
    room_id: Optional[str] = None
    """The room of the scheduled session, if any."""
    tentative_leave_id: Optional[str] = None
    """A requested (not yet approved) leave covering this time."""


@dataclass
class RuleRef(Record):
    """A rule, named by kind and id."""

    _serde: ClassVar[str] = "RuleRef"

    kind: RuleKind
    id: str


@dataclass
class Explanation(Record):
    """The decision at one instant, with the rules that lost to the deciding one."""

    _serde: ClassVar[str] = "Explanation"

    instant: datetime
    status: Status
    rule: RuleKind
    overruled: List[RuleRef]
    """The other rules covering the instant that lost to the deciding one, highest first."""
    rule_id: Optional[str] = None
    """The deciding rule's id (``None`` for ``outside_hours``)."""
    location_id: Optional[str] = None
    """The location the doctor is scheduled at, if any."""
    room_id: Optional[str] = None
    """The room of the scheduled session, if any."""
    tentative_leave_id: Optional[str] = None
    """A requested leave covering the instant."""
