"""The tenant's change feed, watched: :class:`FeedWatcher` tells each doctor's subscribers
(the queue WebSockets) when their token queue changed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date
from typing import Callable, Dict, List, Optional, Set, Tuple

import medsched as m

log = logging.getLogger("clinic.app")

Update = Tuple[date, int]
"""A queue that changed: its date and the feed position of its latest event."""


class FeedWatcher:
    """Follows the tenant's change feed and tells each doctor's subscribers when their token
    queue changed (the date and the feed position).

    One asyncio task polls ``read_feed(after, limit)`` every ``interval`` seconds (the store
    calls run in a thread); :meth:`nudge`, safe from any thread, makes it poll at once (the
    desk endpoints nudge it after each command, so updates are prompt, but what is pushed is
    always what the feed says). It starts at the end of the feed: a subscriber gets the
    current board when it connects, then every change after it.
    """

    PAGE = 500

    def __init__(
        self, read_feed: Callable[[int, int], List[m.FeedEntry]], interval: float = 0.25,
        last_position: Optional[Callable[[], int]] = None,
    ) -> None:
        self.read_feed = read_feed
        self.interval = interval
        self.last_position = last_position
        self.position = 0
        """The feed position read up to."""
        self._subscribers: Dict[str, Set["asyncio.Queue[Update]"]] = {}
        self._task: Optional["asyncio.Task[None]"] = None
        self._wake: Optional[asyncio.Event] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._ready: Optional[asyncio.Event] = None

    async def start(self) -> None:
        """Starts polling on the running loop (again if the task ended or the loop changed),
        and returns once the starting position is known."""
        loop = asyncio.get_running_loop()
        running = self._task is not None and not self._task.done() and self._loop is loop
        if not running:
            self._loop = loop
            self._wake = asyncio.Event()
            self._ready = asyncio.Event()
            self._task = loop.create_task(self._run(self._wake, self._ready))
        assert self._ready is not None
        await self._ready.wait()

    async def stop(self) -> None:
        """Stops polling."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def nudge(self) -> None:
        """Asks for a poll now (from any thread)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(wake.set)

    def subscribe(self, doctor_id: str) -> "asyncio.Queue[Update]":
        """A queue that receives ``(date, position)`` for each change of the doctor's token
        queues."""
        inbox: "asyncio.Queue[Update]" = asyncio.Queue()
        self._subscribers.setdefault(doctor_id, set()).add(inbox)
        return inbox

    def unsubscribe(self, doctor_id: str, inbox: "asyncio.Queue[Update]") -> None:
        """Stops sending to ``inbox``."""
        inboxes = self._subscribers.get(doctor_id)
        if inboxes is not None:
            inboxes.discard(inbox)
            if not inboxes:
                del self._subscribers[doctor_id]

    async def _run(self, wake: asyncio.Event, ready: asyncio.Event) -> None:
        try:
            self.position = await asyncio.to_thread(self._end_of_feed)
        except Exception:  # noqa: BLE001 - a failing store must not kill the watcher
            log.exception("reading the end of the change feed failed; starting at 0")
        ready.set()
        failing = False
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=self.interval)
            wake.clear()
            try:
                await self.poll()
            except Exception:  # noqa: BLE001 - logged once per run of failures, then retried
                if not failing:
                    log.exception("polling the change feed failed; retrying")
                failing = True
            else:
                if failing:
                    log.warning("polling the change feed works again")
                failing = False

    async def poll(self) -> None:
        """Reads the feed after :attr:`position` and tells subscribers what changed, page by
        page: the position moves past a page only once its changes are told, so a read that
        fails later loses nothing."""
        while True:
            entries = await asyncio.to_thread(self.read_feed, self.position, self.PAGE)
            changed: Dict[Tuple[str, date], int] = {}
            for entry in entries:
                doctor = entry.stream.doctor_id
                if doctor is not None:
                    changed[(doctor, entry.stream.date)] = entry.position
            for (doctor, day), position in changed.items():
                for inbox in list(self._subscribers.get(doctor, ())):
                    inbox.put_nowait((day, position))
            if entries:
                self.position = entries[-1].position
            if len(entries) < self.PAGE:
                break

    def _end_of_feed(self) -> int:
        if self.last_position is not None:
            return self.last_position()
        position = 0
        while True:
            entries = self.read_feed(position, self.PAGE)
            if not entries:
                return position
            position = entries[-1].position
