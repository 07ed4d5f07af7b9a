"""Reports: the clinic's analytics as JSON and CSV, and its pictures as SVG
(``medsched.analytics``; docs/ANALYTICS.md defines every figure).

- ``GET /reports/analytics?first=&last=``: the report of local dates ``first`` to ``last``
  (default: the last seven days), as plain records;
- ``GET /reports/{table}.csv?first=&last=``: one of its tables as CSV (a download);
- ``POST /reports/observations``: record a search or a wait estimate shown (medsched does
  not store these; the host records them, here in memory);
- ``GET /reports/doctors/{doctor_id}/week.svg?first=``: the doctor's week (open, closed by
  reason, booked and free slots);
- ``GET /reports/doctors/{doctor_id}/queue.svg?date=``: the day's token queue by state;
- ``GET /reports/calibration.svg?first=&last=``: wait estimates against the waits that
  followed.

The analytics are folded incrementally: each request folds only the feed entries after the
last position folded, never the history again.
"""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from typing import Any, Callable, Dict, List, Optional

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import Response

import medsched as m
from medsched.analytics import (
    REPORT_TABLES,
    Analytics,
    calibration_svg,
    queue_svg,
    report_csv,
    week_svg,
)

import clinic

__all__ = ["add_report_routes"]

PAGE = 500
"""Feed entries folded per read."""

SVG = "image/svg+xml"


def add_report_routes(
    app: FastAPI,
    *,
    schedule: m.Schedule,
    bookings: m.Bookings,
    store: m.AnyStore,
    today: Callable[[], date],
) -> None:
    """Adds the report routes to ``app``; ``today`` gives the clinic's local date."""
    analytics = Analytics(clinic.TIME_ZONE)
    lock = threading.Lock()

    def folded(first: date, last: date) -> Dict[str, Any]:
        with lock:
            while True:
                page = bookings.feed(schedule, analytics.position, PAGE)
                analytics.fold(page)
                if len(page) < PAGE:
                    break
            for doctor_id in schedule.doctor_ids():
                # Offer each doctor's open time for the range (again after rules change).
                timeline = schedule.availability(doctor_id).resolve_dates(
                    clinic.LOCATION, first, last)
                analytics.offer(doctor_id, first, last, timeline)
            return analytics.report(first, last)

    def dates(first: Optional[date], last: Optional[date]) -> tuple[date, date]:
        end = last if last is not None else today()
        return (first if first is not None else end - timedelta(days=6)), end

    @app.get("/reports/analytics")
    def report(
        first: Optional[date] = Query(None, description="First local date (default: a week ago)."),
        last: Optional[date] = Query(None, description="Last local date (default: today)."),
    ) -> Dict[str, Any]:
        """The analytics of the local dates ``first`` to ``last``, as plain records."""
        return folded(*dates(first, last))

    @app.get("/reports/{table}.csv")
    def table_csv(
        table: str,
        first: Optional[date] = Query(None),
        last: Optional[date] = Query(None),
    ) -> Response:
        """One table of the report as CSV: utilisation, doctors, hours, lead_times,
        token_kinds, calibration or conversion."""
        if table not in REPORT_TABLES:
            raise HTTPException(404, f"no report table {table!r}: one of {', '.join(REPORT_TABLES)}")
        start, end = dates(first, last)
        text = report_csv(folded(start, end), table)
        name = f"{table}-{start.isoformat()}-{end.isoformat()}.csv"
        return Response(text, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.post("/reports/observations", status_code=204)
    def observe(observation: Dict[str, Any]) -> Response:
        """Records a ``search_recorded`` or ``wait_estimated`` observation."""
        with lock:
            analytics.record(observation)
        return Response(status_code=204)

    @app.get("/reports/doctors/{doctor_id}/week.svg")
    def week(doctor_id: str, first: Optional[date] = Query(None)) -> Response:
        """A doctor's week from ``first`` (default: this week's Monday)."""
        start = first if first is not None else today() - timedelta(days=today().weekday())
        availability = schedule.availability(doctor_id)  # NotFoundError: no such doctor
        last = start + timedelta(days=6)
        intervals = availability.resolve_dates(clinic.LOCATION, start, last)
        free: List[Dict[str, Any]] = []
        booked: List[Dict[str, Any]] = []
        for offset in range(7):
            day = start + timedelta(days=offset)
            book = bookings.day(schedule, day)
            for a in book.appointments:
                if a.slot.doctor_id == doctor_id and a.moved_to is None and \
                        a.status.value not in ("cancelled", "declined"):
                    booked.append({"start": a.slot.start, "end": a.slot.end})
            begin, end = clinic.day_range(day)
            series = availability.slots(
                m.SlotRequest(appointment_type=schedule.appointment_type("consult"),
                              start=begin, end=end, now=begin),
                book.occupancy(begin),
            )
            free.extend({"start": s.start, "end": s.end} for s in series.slots)
        picture = {
            "doctor": clinic.DOCTORS.get(doctor_id, doctor_id),
            "time_zone": clinic.TIME_ZONE,
            "first": start.isoformat(),
            "intervals": intervals,
            "free": free,
            "booked": booked,
        }
        return Response(week_svg(picture), media_type=SVG)

    @app.get("/reports/doctors/{doctor_id}/queue.svg")
    def queue(doctor_id: str, day: Optional[date] = Query(None, alias="date")) -> Response:
        """A doctor's token queue on a local date (default: today), tokens by state."""
        chosen = day if day is not None else today()
        schedule.availability(doctor_id)  # NotFoundError: no such doctor
        stream = m.StreamId(tenant=schedule.tenant, date=chosen, doctor_id=doctor_id)
        _, events = store.load(stream)
        title = f"{clinic.DOCTORS.get(doctor_id, doctor_id)}: tokens on {chosen.isoformat()}"
        return Response(queue_svg(title, clinic.TIME_ZONE, [json.loads(e) for e in events]),
                        media_type=SVG)

    @app.get("/reports/calibration.svg")
    def calibration(first: Optional[date] = Query(None), last: Optional[date] = Query(None)) -> Response:
        """Wait estimates against the waits that followed, per doctor."""
        rows = folded(*dates(first, last))["calibration"]
        return Response(calibration_svg("Wait estimates against waits", rows), media_type=SVG)
