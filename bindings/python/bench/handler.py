"""The slot call a FastAPI handler makes, medsched against plain Python, with medians.

Run (the extension built in release mode, e.g. ``maturin develop --release``)::

    cd bindings/python
    python bench/handler.py                 # 7 rounds
    python bench/handler.py --rounds 9 --threads 1 2 4
    python bench/handler.py --clock cpu     # CPU time of the process, on a busy machine

The handler answers "the free slots of one doctor over the next 90 days" with a JSON body
(scenario (a) of ``slots_vs_python.py``: one doctor in Kochi, 300 bookings and holds, 90 days
of 15-minute consultations). Every row produces the response body, bytes ready to send:

- pure Python: ``pure_slots.find_slots`` over the host's bookings, then ``json.dumps`` of a
  dict per slot (doctor, location, start, end, capacity left) -- the plain implementation;
- medsched, prepared: ``Availability.slots_json(request, prepared)`` with the day's bookings
  held as a ``PreparedOccupancy`` (what a host keeping its day book in memory, or
  ``DayBook.prepared_occupancy``, has);
- medsched, fresh objects: the same call with the bookings as a new ``medsched.Occupancy`` of
  ``Reservation`` data classes made from the host's records on every call (a handler that
  loads bookings from its database per request);
- medsched, data classes: the same with an ``Occupancy`` already made (converted to JSON on
  every call);
- and, for a handler that wants objects rather than bytes, ``slots(...).slots.to_list()``
  (every slot as a ``medsched.Slot``), prepared and fresh.

A round times every row once, in turn (each row's sample repeats the call until it lasts about
50 ms, garbage collector paused); the table gives each row's median over the rounds and its
range (min-max); ``--clock cpu`` times with the process's CPU time (``time.process_time``),
which other processes on a shared machine inflate less than wall time. Then ``--threads`` runs the prepared call from 1, 2, 4 threads at once for
about a second each and prints calls per second: the call releases the GIL, so throughput grows
with the cores free to run it. Last, the doctor's timeline over the same days: ``resolve``
(``Interval`` objects) against ``resolve_json`` (the response bytes).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import threading
import time as clock
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pure_slots as pure  # noqa: E402
import slots_vs_python as common  # noqa: E402

import medsched as m  # noqa: E402


def pure_body(sc: common.Scenario) -> bytes:
    """Pure Python: the slots, then the JSON body."""
    c = sc.cases[0]
    slots = pure.find_slots(sc.clinic, c.doctor, sc.kind, sc.start, sc.end, sc.now, c.bookings)
    body = [
        {
            "doctor_id": s.doctor_id,
            "location_id": s.location_id,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "capacity_left": s.capacity_left,
        }
        for s in slots
    ]
    return json.dumps(body).encode()


def rows(sc: common.Scenario) -> List[Tuple[str, Callable[[], int]]]:
    """The timed calls, each returning how many slots it produced."""
    c = sc.cases[0]
    prepared = m.PreparedOccupancy(c.occupancy)
    request = sc.request

    def count(body: bytes) -> int:
        return len(json.loads(body)["slots"])

    expected = count(c.availability.slots_json(request, prepared))

    def slots_json_prepared() -> int:
        c.availability.slots_json(request, prepared)
        return expected

    def slots_json_fresh() -> int:
        occupancy = common.medsched_occupancy(c.bookings)
        c.availability.slots_json(request, occupancy)
        return expected

    def slots_json_dataclasses() -> int:
        c.availability.slots_json(request, c.occupancy)
        return expected

    def objects_prepared() -> int:
        return len(c.availability.slots(request, prepared).slots.to_list())

    def objects_fresh() -> int:
        occupancy = common.medsched_occupancy(c.bookings)
        return len(c.availability.slots(request, occupancy).slots.to_list())

    def plain() -> int:
        pure_body(sc)
        return expected

    return [
        ("pure Python: slots + json.dumps", plain),
        ("slots_json, prepared occupancy", slots_json_prepared),
        ("slots_json, fresh Occupancy objects", slots_json_fresh),
        ("slots_json, Occupancy data class", slots_json_dataclasses),
        ("slots().to_list(), prepared", objects_prepared),
        ("slots().to_list(), fresh objects", objects_fresh),
    ]


TIMER: Callable[[], float] = clock.perf_counter
"""The clock of the samples: wall time, or the process's CPU time (``--clock cpu``)."""


def sample(call: Callable[[], int], inner: int) -> float:
    """Seconds per call over ``inner`` calls, the garbage collector paused."""
    gc.collect()
    gc.disable()
    try:
        began = TIMER()
        for _ in range(inner):
            call()
        return (TIMER() - began) / inner
    finally:
        gc.enable()


def fmt(seconds: float) -> str:
    """Seconds as ms (or µs below 1 ms)."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    return f"{seconds * 1e3:,.2f} ms"


def threads(call: Callable[[], int], counts: Sequence[int], seconds: float) -> None:
    """Calls per second with ``n`` threads calling at once, for each ``n``."""
    print(f"\n  threads calling slots_json (prepared) at once, {seconds:.0f} s each:")
    base = 0.0
    for n in counts:
        done = [0] * n
        stop = clock.perf_counter() + seconds

        def work(i: int) -> None:
            while clock.perf_counter() < stop:
                call()
                done[i] += 1

        pool = [threading.Thread(target=work, args=(i,)) for i in range(n)]
        began = clock.perf_counter()
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        rate = sum(done) / (clock.perf_counter() - began)
        base = base or rate
        print(f"  {n} thread(s): {rate:>10,.0f} calls/s  ({rate / base:.2f}x one thread)")


def resolve_table(sc: common.Scenario, rounds: int) -> None:
    """The doctor's 90-day timeline: ``resolve`` (``Interval`` objects) and ``resolve_json``
    (the response body), medians over the rounds; compare with the core's
    ``one_doctor_90_days_resolve`` bench."""
    c = sc.cases[0]
    start, end = sc.request.start, sc.request.end
    intervals = len(c.availability.resolve(start, end))
    timed: List[Tuple[str, Callable[[], int]]] = [
        ("resolve(): Interval objects", lambda: len(c.availability.resolve(start, end))),
        ("resolve_json(): response bytes", lambda: len(c.availability.resolve_json(start, end))),
    ]
    print(f"\n  timeline over the same 90 days, {intervals} intervals:")
    for label, call in timed:
        began = clock.perf_counter()
        call()
        inner = max(1, round(0.05 / max(clock.perf_counter() - began, 1e-6)))
        values = [sample(call, inner) for _ in range(rounds)]
        spread = f"{fmt(min(values))}-{fmt(max(values))}"
        print(f"  {label:<38} {fmt(statistics.median(values)):>10} {spread:>21}")


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Builds scenario (a) and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds (default 7, at least 5)")
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--thread-seconds", type=float, default=1.0)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args(argv)
    global TIMER
    TIMER = clock.process_time if args.clock == "cpu" else clock.perf_counter
    sc = common.scenario_a()
    timed = rows(sc)
    inner: Dict[str, int] = {}
    for label, call in timed:
        began = clock.perf_counter()
        call()
        inner[label] = max(1, round(0.05 / max(clock.perf_counter() - began, 1e-6)))
    samples: Dict[str, List[float]] = {label: [] for label, _ in timed}
    for _ in range(args.rounds):
        for label, call in timed:
            samples[label].append(sample(call, inner[label]))
    print(
        f"Python {platform.python_version()} ({platform.machine()}), {args.rounds} rounds, "
        f"{args.clock} clock, load {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
        "speed-up = pure-Python median / row median"
    )
    print(f"\n{sc.name}, {len(sc.cases[0].bookings)} bookings incl. holds, {timed[1][1]()} slots")
    print(f"  {'':<38} {'median':>10} {'min-max':>21} {'speed-up':>9}")
    plain = statistics.median(samples[timed[0][0]])
    for label, _ in timed:
        values = samples[label]
        median = statistics.median(values)
        spread = f"{fmt(min(values))}-{fmt(max(values))}"
        print(f"  {label:<38} {fmt(median):>10} {spread:>21} {plain / median:>8.1f}x")
    resolve_table(sc, args.rounds)
    if args.threads:
        threads(timed[1][1], args.threads, args.thread_seconds)


if __name__ == "__main__":
    main()
