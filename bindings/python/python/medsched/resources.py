"""Several resources per appointment and team pools (docs/RESOURCES.md): what an appointment
needs besides its doctor, a joint booking, a pool of doctors with its assignment rule, and
the pool's choice with its reason."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, List, Optional

from ._codec import Record
from .booking import Appointment
from .slots import Unavailable

__all__ = [
    "Assignment",
    "AssignmentReason",
    "AssignmentReasonCode",
    "AssignmentRule",
    "AssignmentRuleKind",
    "JointBookRequest",
    "PassedOver",
    "Pool",
    "PoolBookRequest",
    "PoolBooking",
    "ResourceNeed",
]


@dataclass
class ResourceNeed(Record):
    """What an appointment needs besides its doctor: other clinicians (doctor ids) and rooms
    or equipment (room ids of the clinic), at most 8 of each."""

    _serde: ClassVar[str] = "ResourceNeed"

    clinicians: List[str] = field(default_factory=list)
    equipment: List[str] = field(default_factory=list)


@dataclass
class JointBookRequest(Record):
    """A direct booking that takes other clinicians and equipment as well as its doctor, all
    in one event or none. The doctor leads: the slot is on their grid, in their room."""

    _serde: ClassVar[str] = "JointBookRequest"

    appointment_id: str
    patient_id: str
    doctor_id: str
    appointment_type_id: str
    start: datetime
    clinicians: List[str] = field(default_factory=list)
    equipment: List[str] = field(default_factory=list)


class AssignmentRuleKind(str, enum.Enum):
    """How a pool chooses among its free doctors (ties: the first in the pool)."""

    FIRST_FREE = "first_free"
    """The first free doctor in pool order."""
    ROUND_ROBIN = "round_robin"
    """The fewest appointments on the day book."""
    LEAST_LOADED = "least_loaded"
    """The fewest booked minutes on the day book."""
    PREFERRED = "preferred"
    """``doctor_id`` when free, else the first free."""


@dataclass
class AssignmentRule(Record):
    """A pool's rule: a ``rule``, with the preferred ``doctor_id`` for ``preferred``."""

    _serde: ClassVar[str] = "AssignmentRule"

    rule: AssignmentRuleKind
    doctor_id: Optional[str] = None


@dataclass
class Pool(Record):
    """Doctors who can take each other's patients (1 to 64, in the order that breaks ties),
    and how one of them is chosen."""

    _serde: ClassVar[str] = "Pool"

    id: str
    doctor_ids: List[str]
    rule: AssignmentRule


@dataclass
class PoolBookRequest(Record):
    """A booking with whichever doctor of ``pool`` its rule chooses."""

    _serde: ClassVar[str] = "PoolBookRequest"

    appointment_id: str
    patient_id: str
    pool: Pool
    appointment_type_id: str
    start: datetime


class AssignmentReasonCode(str, enum.Enum):
    """Why a pool chose its doctor (the ``code`` of an :class:`AssignmentReason`)."""

    FIRST_FREE = "first_free"
    """The first free doctor (``position`` in the pool)."""
    FEWEST_BOOKINGS = "fewest_bookings"
    """The fewest appointments that day (``bookings``)."""
    LEAST_LOADED = "least_loaded"
    """The fewest booked minutes that day (``booked_minutes``)."""
    PREFERRED = "preferred"
    """The preferred doctor, free."""
    ALREADY_BOOKED = "already_booked"
    """A repeat: this doctor was booked by the same request before."""
    PREFERRED_UNAVAILABLE = "preferred_unavailable"
    """The preferred doctor is not free (``reason``); the first free (``position``)."""


@dataclass
class AssignmentReason(Record):
    """Why a pool chose its doctor: a ``code`` with the figures that decided."""

    _serde: ClassVar[str] = "AssignmentReason"

    code: AssignmentReasonCode
    position: Optional[int] = None
    bookings: Optional[int] = None
    booked_minutes: Optional[int] = None
    reason: Optional[Unavailable] = None


@dataclass
class PassedOver(Record):
    """A pool doctor not free at the start, and why."""

    _serde: ClassVar[str] = "PassedOver"

    doctor_id: str
    reason: Unavailable


@dataclass
class Assignment(Record):
    """The doctor a pool chose, why, and who was passed over."""

    _serde: ClassVar[str] = "Assignment"

    pool_id: str
    doctor_id: str
    reason: AssignmentReason
    passed_over: List[PassedOver]


@dataclass
class PoolBooking(Record):
    """A pool booking: the appointment and the pool's choice."""

    _serde: ClassVar[str] = "PoolBooking"

    appointment: Appointment
    assignment: Assignment
