"""Take in state changes at a bounded rate: a widget's intake runs at most ``hz`` times a second.

The feed may announce changes 30 times a second; a grid, tape or chart that takes them in at most a
few times a second costs a fraction of that, still looks live, and can be read. The first request
after a quiet spell runs at once; requests inside a slot are coalesced into one run: at the first
request after the slot ends, or by a timer one frame (``GRACE``) after it. The feed's requests come
with its frame clock, so under a steady feed the runs land in frames that are drawn anyway, rather
than in frames of their own.

The late run is an event-loop timer handle that hands the run to the owner's queue
(``call_next``), as Textual's ``set_timer`` does, without a Textual ``Timer``: that is an asyncio
task made at every slot's first request and, under a steady feed, cancelled at the next (the
request after the slot runs at once), ~13 tasks a second for the grid, tape and chart.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.widget import Widget

GRACE = 1 / 30  # one of the feed's frames


class Throttle:
    """Runs ``run`` for ``owner`` at most ``hz`` times a second, and at the latest one slot later."""

    def __init__(self, owner: Widget, hz: float, run: Callable[[], None]) -> None:
        self.owner = owner
        self.hz = hz
        self.run = run
        self.pending = False
        """True from a request until the run that takes it in."""
        self._timer: asyncio.TimerHandle | None = None
        self._last = float("-inf")

    def request(self) -> None:
        """Run now if the last run is a slot old, else at the first request after the slot (or
        by the timer one frame after it)."""
        self.pending = True
        wait = self._last + 1 / self.hz - time.monotonic()
        if wait <= 0:
            self.run_now()
        elif self._timer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(wait + GRACE, self.owner.call_next, self._late)

    def run_now(self) -> None:
        """Run at once (a waiting run is dropped: this one takes in what it would have)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._fire()

    def _late(self) -> None:
        timer = self._timer
        # else a run came first and took the request in (and a newer timer may wait)
        if timer is not None and timer.when() <= asyncio.get_running_loop().time():
            self._fire()

    def _fire(self) -> None:
        self._timer = None
        self.pending = False
        self._last = time.monotonic()
        self.run()
