"""Long work cut into slices of a few milliseconds, so the event loop draws frames between them.

Pure timing: no I/O, no Textual.
"""

from __future__ import annotations

import asyncio
import time


class TimeSlices:
    """Tells a loop when its current slice has run ``budget`` seconds; :meth:`pause` leaves the
    event loop to everything else for ``rest`` seconds (0: one turn) and starts the next slice."""

    def __init__(self, budget: float, rest: float = 0.0) -> None:
        self.budget = budget
        self.rest = rest
        self._started = time.perf_counter()

    def spent(self) -> bool:
        """True once the current slice has run its budget."""
        return time.perf_counter() - self._started >= self.budget

    async def pause(self) -> None:
        """Let the event loop run what is ready (a frame, the socket) for ``rest`` seconds, then
        start a new slice."""
        await asyncio.sleep(self.rest)
        self._started = time.perf_counter()
