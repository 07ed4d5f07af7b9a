"""medsched: an embeddable, I/O-free scheduling engine for clinics and hospitals.

Availability with provenance, slot generation, holds and bookings, outpatient tokens and
wait estimates, decided by a Rust core. ``import medsched`` is the only import needed::

    import medsched
    from datetime import datetime, timezone

Times: pass aware ``datetime`` objects (UTC, any fixed offset or ``zoneinfo.ZoneInfo``);
naive ones are refused with ``TypeError``. Results are aware and in UTC; wall-clock fields
(``Slot.local_start``) are naive local times at the location.
"""

from __future__ import annotations

from . import (
    availability,
    booking,
    booking_service,
    calendar,
    errors,
    schedule,
    slots,
    stores,
    timeline,
    token_service,
    tokens,
    waits,
)
from ._codec import LocalDateTime, Record, from_dict
from .errors import *
from .calendar import *
from .timeline import *
from .slots import *
from .booking import *
from .tokens import *
from .waits import *
from .availability import *
from .schedule import *
from .stores import *
from .booking_service import *
from .token_service import *

__all__ = ["LocalDateTime", "Record", "from_dict"]
__all__ += errors.__all__
__all__ += calendar.__all__
__all__ += timeline.__all__
__all__ += slots.__all__
__all__ += booking.__all__
__all__ += tokens.__all__
__all__ += waits.__all__
__all__ += availability.__all__
__all__ += schedule.__all__
__all__ += stores.__all__
__all__ += booking_service.__all__
__all__ += token_service.__all__
