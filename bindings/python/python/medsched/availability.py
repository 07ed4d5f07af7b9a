"""Compiled clinic rules, one doctor's availability, slot searches and their results."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union, overload

from . import _native
from ._args import ISIZE, check_for, checked, pairs
from ._codec import decode, to_json, utc_text
from .calendar import Clinic, DoctorCalendar, Limits
from .slots import Occupancy, Slot, SlotOptions, SlotRequest, UnavailableSlot
from .timeline import Explanation, Interval

__all__ = [
    "ClinicRules",
    "Availability",
    "PreparedOccupancy",
    "OccupancyArg",
    "SlotSeries",
    "SlotList",
    "first_available",
    "slots_for_doctors",
]



class ClinicRules:
    """A clinic's locations, rooms and holidays, validated and compiled once.

    >>> rules = ClinicRules(Clinic(locations=[Location(id="kochi", time_zone="Asia/Kolkata")]))
    >>> rules.time_zone("kochi")
    'Asia/Kolkata'

    ``limits`` raises the bounds the rules are checked against (:class:`~medsched.Limits`;
    the defaults when ``None``); every availability compiled against these rules keeps them.
    ``roster``, the ids of the clinic's doctors, when given, refuses a calendar or a
    reservation of any other doctor (a mistyped id), naming the field (docs/RULES.md).
    """

    @checked()
    def __init__(
        self, clinic: Clinic, limits: Optional[Limits] = None,
        roster: Optional[List[str]] = None,
    ) -> None:
        self._native = _native.ClinicRules(
            to_json(clinic, "clinic"), None if limits is None else to_json(limits, "limits"),
            roster,
        )

    @classmethod
    def _wrap(cls, native: _native.ClinicRules) -> ClinicRules:
        made = cls.__new__(cls)
        made._native = native
        return made

    @checked()
    def time_zone(self, location_id: str) -> Optional[str]:
        """The IANA zone of a location, or ``None`` for an unknown location."""
        return self._native.time_zone(location_id)

    def __repr__(self) -> str:
        return "ClinicRules(...)"


class PreparedOccupancy:
    """An :class:`~medsched.Occupancy` read into native memory once, for many searches.

    Passing an ``Occupancy`` converts every reservation, hold and busy time on each call; a
    host that searches the same day's bookings again and again (several appointment types,
    windows or doctors, or a ``first_available`` across a roster) prepares it once, or takes
    it straight from the day book (``DayBook.prepared_occupancy``).
    """

    @checked()
    def __init__(self, occupancy: Occupancy) -> None:
        self._native = _native.Occupancy(to_json(occupancy, "occupancy"))

    @classmethod
    def _wrap(cls, native: _native.Occupancy) -> PreparedOccupancy:
        made = cls.__new__(cls)
        made._native = native
        return made

    def to_occupancy(self) -> Occupancy:
        """The occupancy as a data class."""
        return decode(Occupancy, json.loads(self._native.to_json()))

    def __repr__(self) -> str:
        return f"PreparedOccupancy({self.to_occupancy()!r})"


OccupancyArg = Union[Occupancy, PreparedOccupancy, None]
"""What a search takes as what is already taken."""


def _occupancy(value: OccupancyArg) -> Union[str, _native.Occupancy, Occupancy, None]:
    if value is None:
        return None
    if isinstance(value, PreparedOccupancy):
        return value._native
    if type(value) is Occupancy:
        return value  # read natively from its attributes
    return to_json(value, "occupancy")


class Availability:
    """One doctor's calendar compiled against the clinic's rules: when they are open, why,
    and which slots can be booked. Raises :class:`~medsched.InvalidInputError` naming the
    field for a calendar the core refuses."""

    @checked()
    def __init__(self, rules: ClinicRules, calendar: DoctorCalendar) -> None:
        self._native = _native.Availability(rules._native, to_json(calendar, "calendar"))

    @classmethod
    def _wrap(cls, native: _native.Availability) -> Availability:
        made = cls.__new__(cls)
        made._native = native
        return made

    @property
    def doctor_id(self) -> str:
        """The doctor."""
        return self._native.doctor_id

    @checked()
    def resolve(
        self, start: datetime, end: datetime, *, merge_open: bool = False
    ) -> List[Interval]:
        """Open and closed time in ``[start, end)``, each interval with the rule that decided
        it (forced block > emergency > leave > holiday > override > base > break). With
        ``merge_open=True``, open intervals that touch are merged into one, named by the rule,
        location and room of its first piece."""
        return self._native.resolve(utc_text(start, "start"), utc_text(end, "end"), merge_open)

    @checked()
    def resolve_json(self, start: datetime, end: datetime) -> bytes:
        """As :meth:`resolve`, returned as JSON bytes (a list of ``Interval`` objects): the
        body an HTTP handler returns as it is. No Python object is made per interval, and the
        resolution and the writing run without the GIL."""
        return self._native.resolve_json(utc_text(start, "start"), utc_text(end, "end"))

    @checked()
    def resolve_dates(self, location_id: str, first: date, last: date) -> List[Interval]:
        """As :meth:`resolve`, for whole local dates at a location (``first`` to ``last``
        inclusive)."""
        return self._native.resolve_dates(location_id, first.isoformat(), last.isoformat())

    @checked()
    def explain(self, at: datetime) -> Explanation:
        """Why the doctor is open or closed at ``at``: the deciding rule and the rules it
        overruled."""
        return decode(Explanation, json.loads(self._native.explain(utc_text(at, "at"))))

    @checked()
    def slots(
        self,
        request: SlotRequest,
        occupancy: OccupancyArg = None,
        options: Optional[SlotOptions] = None,
    ) -> SlotSeries:
        """The bookable slots of ``request`` given what is already taken (an
        :class:`~medsched.Occupancy`, a :class:`PreparedOccupancy`, or ``None``). The slots
        stay in native memory until read (see :class:`SlotList`). Releases the GIL."""
        native = self._native.slots(
            to_json(request, "request"),
            _occupancy(occupancy),
            None if options is None else to_json(options, "options"),
        )
        return SlotSeries(native)

    @checked()
    def slots_json(
        self,
        request: SlotRequest,
        occupancy: OccupancyArg = None,
        options: Optional[SlotOptions] = None,
    ) -> bytes:
        """As :meth:`slots`, returned as ``SlotSeries`` JSON bytes (``{"slots": [...],
        "unavailable": [...], "truncated": ...}``): the body an HTTP handler returns as it is
        (``Response(content=..., media_type="application/json")``). No Python object is made
        per slot, and the search and the writing run without the GIL."""
        return self._native.slots_json(
            to_json(request, "request"),
            _occupancy(occupancy),
            None if options is None else to_json(options, "options"),
        )

    @checked()
    def joint_slots(
        self,
        others: List[Availability],
        equipment: List[str],
        request: SlotRequest,
        occupancy: OccupancyArg = None,
        limit: Optional[int] = None,
    ) -> List[Slot]:
        """This doctor's bookable slots of ``request`` at which every doctor of ``others`` is
        free and every piece of ``equipment`` (room ids of the clinic) has a seat, at the same
        location (docs/RESOURCES.md). ``occupancy`` holds every resource's reservations; at
        most ``limit`` slots. Releases the GIL."""
        text = self._native.joint_slots(
            [o._native for o in others],
            equipment,
            to_json(request, "request"),
            _occupancy(occupancy),
            limit,
        )
        return [decode(Slot, s) for s in json.loads(text)["slots"]]

    def __repr__(self) -> str:
        return f"Availability(doctor_id={self.doctor_id!r})"


class SlotList(Sequence[Slot]):
    """A read-only sequence of :class:`~medsched.Slot`, kept in native memory: indexing and
    iteration make each ``Slot`` as it is read, so a long search costs little until used."""

    def __init__(self, native: _native.SlotList) -> None:
        self._native = native

    def __len__(self) -> int:
        return len(self._native)

    @overload
    def __getitem__(self, index: int) -> Slot: ...

    @overload
    def __getitem__(self, index: slice) -> List[Slot]: ...

    @checked(index=ISIZE)
    def __getitem__(self, index: Union[int, slice]) -> Union[Slot, List[Slot]]:
        return self._native[index]

    def __iter__(self) -> Iterator[Slot]:
        # In slices: the slots of one slice share their places' strings and instants.
        native = self._native
        for i in range(0, len(native), 256):
            yield from native[i : i + 256]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SlotList):
            return self.to_list() == other.to_list()
        if isinstance(other, list):
            return self.to_list() == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"SlotList({len(self)} slots)"

    @property
    def truncated(self) -> bool:
        """Whether the search stopped looking before the end: for :func:`first_available`, a
        doctor reached its work bound (``Limits.max_slots`` candidates), so fewer than
        ``count`` slots does not mean there are no more; for a series' slots, as
        :attr:`SlotSeries.truncated`."""
        return self._native.truncated

    def starts(self) -> List[datetime]:
        """Every slot's start (aware, UTC), without making the ``Slot`` objects."""
        return self._native.starts()

    def to_list(self) -> List[Slot]:
        """Every slot as a ``Slot``."""
        return list(self._native[:])

    def to_dicts(self) -> List[Dict[str, Any]]:
        """Every slot in the core's JSON form."""
        return list(json.loads(self._native.to_json()))

    def to_json(self) -> str:
        """Every slot as JSON text (what a web endpoint returns)."""
        return self._native.to_json()


class SlotSeries:
    """What a slot search returns: ``slots`` (bookable), ``unavailable`` (candidates that
    are not, each with its reason, when asked for with ``SlotOptions(include_unavailable=
    True)``) and ``truncated`` (the search stopped at ``SlotOptions.limit``)."""

    def __init__(self, native: _native.SlotSeries) -> None:
        self._native = native
        self._unavailable: Optional[List[UnavailableSlot]] = None

    @property
    def slots(self) -> SlotList:
        """The bookable slots, in start order."""
        return SlotList(self._native.slots)

    @property
    def unavailable(self) -> List[UnavailableSlot]:
        """The candidates that cannot be booked, and why."""
        if self._unavailable is None:
            items = json.loads(self._native.unavailable_json())
            self._unavailable = [decode(UnavailableSlot, u) for u in items]
        return self._unavailable

    @property
    def truncated(self) -> bool:
        """Whether the search stopped at its limit."""
        return self._native.truncated

    def to_dict(self) -> Dict[str, Any]:
        """The core's ``SlotSeries`` JSON form."""
        return dict(json.loads(self._native.to_json()))

    def to_json(self) -> str:
        """The core's ``SlotSeries`` JSON text."""
        return self._native.to_json()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SlotSeries):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return (
            f"SlotSeries(slots={len(self._native.slots)}, unavailable={len(self.unavailable)}, "
            f"truncated={self.truncated})"
        )


@checked()
def _doctors(doctors: Iterable[Tuple[Availability, OccupancyArg]]) -> List[Tuple[Any, Any]]:
    """The (availability, occupancy) pairs of a search across doctors, each checked."""
    return pairs(
        doctors, "doctors", "an (Availability, occupancy) tuple",
        check_for(Availability), check_for(OccupancyArg),
    )


@checked()
def first_available(
    doctors: Iterable[Tuple[Availability, OccupancyArg]],
    request: SlotRequest,
    count: int,
) -> SlotList:
    """The first ``count`` bookable slots across doctors (each with what is taken of theirs,
    as for :meth:`Availability.slots`), earliest first. Releases the GIL."""
    pairs = [(a._native, _occupancy(o)) for a, o in _doctors(doctors)]
    return SlotList(_native.first_available_slots(pairs, to_json(request, "request"), count))


@checked()
def slots_for_doctors(
    doctors: Iterable[Tuple[Availability, OccupancyArg]],
    request: SlotRequest,
    options: Optional[SlotOptions] = None,
) -> List[SlotSeries]:
    """Each doctor's slots for one request (each with what is taken of theirs, as for
    :meth:`Availability.slots`), in one call: the request is converted once and the GIL
    released once, so a roster-wide search costs what the core costs."""
    pairs = [(a._native, _occupancy(o)) for a, o in _doctors(doctors)]
    found = _native.slots_for_doctors(
        pairs, to_json(request, "request"), None if options is None else to_json(options, "options")
    )
    return [SlotSeries(series) for series in found]
