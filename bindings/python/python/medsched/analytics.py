"""Analytics over the change feed, and pictures as SVG text (``medsched::analytics`` and
``medsched::pictures``; docs/ANALYTICS.md defines every figure).

An :class:`Analytics` keeps running aggregates and the last feed position it folded: hand it
each new page of the tenant's feed (:meth:`Analytics.fold`), never the history again. Offer
each doctor's open time (:meth:`Analytics.offer`, the timeline ``Availability.resolve``
gives) and record what medsched does not store (:meth:`Analytics.record`: searches, wait
estimates shown). :meth:`Analytics.report` returns plain records (a ``dict`` in the core's
JSON form, the same in every binding); :func:`report_csv` turns one of its tables into CSV.

The pictures take the same records and return SVG text: :func:`week_svg`,
:func:`queue_svg`, :func:`calibration_svg`.

>>> from datetime import date
>>> analytics = Analytics("Asia/Kolkata")
>>> report = analytics.report(date(2026, 3, 2), date(2026, 3, 8))
>>> report_csv(report, "token_kinds").splitlines()[0]
'kind,tokens'
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Dict, List, Sequence

from . import _native
from ._args import checked
from ._codec import to_json

__all__ = [
    "Analytics",
    "REPORT_TABLES",
    "report_csv",
    "week_svg",
    "queue_svg",
    "calibration_svg",
]

#: The tables of a report, in order: each a key of the report and a name for :func:`report_csv`.
REPORT_TABLES = (
    "utilisation",
    "doctors",
    "hours",
    "lead_times",
    "token_kinds",
    "calibration",
    "conversion",
)


class Analytics:
    """A tenant's running analytics; hours, weekdays and dates read in ``time_zone``."""

    @checked()
    def __init__(self, time_zone: str) -> None:
        self._inner = _native.Analytics(time_zone)

    @property
    def position(self) -> int:
        """The last feed position folded (0 before any)."""
        return self._inner.position

    def fold(self, page: Sequence[Any]) -> None:
        """Folds a page of feed entries (``FeedEntry`` records or their JSON form as dicts);
        entries at or below :attr:`position` are skipped."""
        self._inner.fold(to_json(list(page), "page"))

    def record(self, observation: Dict[str, Any]) -> None:
        """Records a host observation: ``{"type": "search_recorded", "at": ...}`` or
        ``{"type": "wait_estimated", "at": ..., "doctor_id": ..., "date": ..., "number": ...,
        "minutes": ...}``."""
        self._inner.record(to_json(observation, "observation"))

    @checked()
    def offer(self, doctor_id: str, first: date, last: date, intervals: Sequence[Any]) -> None:
        """Sets the time ``doctor_id`` was open on the dates ``first`` to ``last``: the open
        intervals of its timeline (``Interval`` records or dicts)."""
        self._inner.offer(
            doctor_id, first.isoformat(), last.isoformat(), to_json(list(intervals), "intervals")
        )

    @checked()
    def report(self, first: date, last: date) -> Dict[str, Any]:
        """The report of the dates ``first`` to ``last`` (inclusive), as plain records."""
        report: Dict[str, Any] = json.loads(
            self._inner.report(first.isoformat(), last.isoformat())
        )
        return report


@checked()
def report_csv(report: Dict[str, Any], table: str) -> str:
    """One table of a report (one of :data:`REPORT_TABLES`) as CSV text."""
    return _native.report_csv(json.dumps(report), table)


@checked()
def week_svg(picture: Dict[str, Any]) -> str:
    """A doctor's week as SVG: ``{"doctor", "time_zone", "first", "intervals", "free",
    "booked"}`` (``WeekPicture``)."""
    return _native.week_svg(to_json(picture, "picture"))


@checked()
def queue_svg(title: str, time_zone: str, events: Sequence[Any]) -> str:
    """A day's token queue as SVG, from the queue stream's events."""
    return _native.queue_svg(title, time_zone, to_json(list(events), "events"))


@checked()
def calibration_svg(title: str, rows: List[Dict[str, Any]]) -> str:
    """The wait calibration as SVG, from a report's ``calibration`` rows."""
    return _native.calibration_svg(title, to_json(rows, "rows"))
