"""Long work cut into slices of a few milliseconds, so the event loop draws frames between them.

Pure timing: no I/O, no Textual.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class TimeSlices:
    """Tells a loop when its current slice has run ``budget`` seconds; :meth:`pause` leaves the
    event loop to everything else for ``rest`` seconds (0: one turn) and starts the next slice.

    A rest that comes back more than another ``rest`` late was spent in a heavy callback (a
    widget taking in what the slice told it, a long frame): the loop is given a second rest, so
    the next slice does not follow that callback before a frame could be drawn. One more rest at
    most: a loop that stays busy slows the work down, it does not stop it. A shorter delay (a
    frame of a few milliseconds, the feed's reads) is the loop's ordinary work: one rest.

    With ``after_frame`` (awaits until just after the screen's next frame is drawn), a slice
    starts only within ``window`` seconds of a frame: the next frame is then most of a frame
    interval away, so no slice runs just before it. Past the window, the next slice waits (after
    its rest) for the next frame, and the loop has the time until then to itself.
    """

    def __init__(
        self,
        budget: float,
        rest: float = 0.0,
        *,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        after_frame: Callable[[], Awaitable[object]] | None = None,
        window: float = 0.0,
    ) -> None:
        self.budget = budget
        self.rest = rest
        self.clock = clock
        self.sleep = sleep
        self.after_frame = after_frame
        self.window = window
        self._started = clock()
        self._frame_seen = float("-inf")  # when the last frame waited for was drawn

    def spent(self) -> bool:
        """True once the current slice has run its budget."""
        return self.clock() - self._started >= self.budget

    async def pause(self) -> None:
        """Let the event loop run what is ready (a frame, the socket) for ``rest`` seconds, or
        twice that when other work held it through the first rest, then start a new slice (with
        ``after_frame``, past the window after the last frame: once the next one is drawn)."""
        asked = self.clock()
        await self.sleep(self.rest)
        if self.clock() - asked - self.rest > self.rest:
            await self.sleep(self.rest)
        if self.after_frame is not None and self.clock() - self._frame_seen > self.window:
            await self.after_frame()
            self._frame_seen = self.clock()
        self._started = self.clock()
