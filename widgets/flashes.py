"""Values that just changed, and which way, for a moment: the flashes of the grid and the ladder.

Time comes from the app's clock (tests freeze it, so a flash in a snapshot stays put); one timer
per widget runs only while something is flashing and hands the expired keys back to the widget.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from textual.timer import Timer
from textual.widget import Widget

K = TypeVar("K", bound=Hashable)
TICK_SECONDS = 0.2


class Flashes(Generic[K]):
    """Keys flashing up (+1) or down (-1) until ``seconds`` after they were marked."""

    def __init__(self, owner: Widget, seconds: float, on_expired: Callable[[list[K]], None],
                 now: Callable[[], float]) -> None:
        self.owner = owner
        self.now = now
        self.seconds = seconds
        self.on_expired = on_expired
        self._until: dict[K, tuple[float, int]] = {}
        self._timer: Timer | None = None

    def mark(self, key: K, direction: int) -> None:
        """Flash ``key`` up (``direction`` > 0) or down from now."""
        self._until[key] = (self.now() + self.seconds, 1 if direction > 0 else -1)
        if self._timer is None:
            self._timer = self.owner.set_interval(TICK_SECONDS, self._tick)

    def direction(self, key: K) -> int:
        """+1 or -1 while ``key`` flashes, else 0."""
        flash = self._until.get(key)
        return 0 if flash is None else flash[1]

    def current(self) -> dict[K, int]:
        """Every key flashing now, with its direction."""
        return {key: direction for key, (_until, direction) in self._until.items()}

    def clear(self) -> None:
        """Stop every flash at once (without handing them back)."""
        self._until.clear()
        self._stop()

    def _tick(self) -> None:
        now = self.now()
        expired = [key for key, (until, _direction) in self._until.items() if until <= now]
        for key in expired:
            del self._until[key]
        if not self._until:
            self._stop()
        if expired:
            self.on_expired(expired)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
