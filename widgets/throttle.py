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

Two throttles due in one frame (the grid and the tape both take in at 5 a second, from the same
flush) do not both run in it: the second waits for the next request, up to one frame, so each
frame carries one intake's cost rather than both (the longest frames of a busy screen).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable

from textual.widget import Widget

GRACE = 1 / 30  # one of the feed's frames
SAME_FRAME = 1 / 60  # runs that start closer together than this came from one flush


_last_start: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, float] = weakref.WeakKeyDictionary()
"""When the last throttled run of any widget on each event loop started (one app's throttles share it)."""


class Throttle:
    """Runs ``run`` for ``owner`` at most ``hz`` times a second, and at the latest one slot later."""

    def __init__(
        self, owner: Widget, hz: float, run: Callable[[], None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.owner = owner
        self.clock = clock
        self.hz = hz
        self.run = run
        self.pending = False
        """True from a request until the run that takes it in."""
        self._timer: asyncio.TimerHandle | None = None
        self._last = float("-inf")
        self._deferred = False
        """True once a due run was put off because another throttle ran in its frame."""

    def request(self) -> None:
        """Run now if the last run is a slot old and no other throttle ran in this frame (or this
        run was put off once already), else at the first such request after (or by the timer one
        frame after the slot)."""
        self.pending = True
        now = self.clock()
        wait = self._last + 1 / self.hz - now
        loop = asyncio.get_running_loop()
        if wait <= 0:
            if self._deferred or now - _last_start.get(loop, float("-inf")) >= SAME_FRAME:
                self.run_now()
                return
            self._deferred = True
        if self._timer is None:
            self._timer = loop.call_later(max(wait, 0.0) + GRACE, self.owner.call_next, self._late)

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
        self.pending = self._deferred = False
        self._last = _last_start[asyncio.get_running_loop()] = self.clock()
        self.run()
