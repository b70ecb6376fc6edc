"""Which feed errors become notifications: one error not again while it recurs, and a few at a time.

A host still unreachable at every retry reports the same error again and again; a broken or
hostile server can send a flood of distinct ones. The feed pane's log and the status bar keep them
all; a notification is made for an error only when its summary was not seen in the last
``repeat`` seconds (every sighting starts that time again) and fewer than ``burst`` notifications
were made in the last ``window`` seconds (a fatal error is notified all the same). The next one
made tells how many were held back meanwhile. The summaries remembered are bounded: the least
recently seen are forgotten first. Pure: no I/O, no Textual; times are passed in.
"""

from __future__ import annotations

from collections import OrderedDict, deque

REPEAT_SECONDS = 30.0
BURST = 5
WINDOW_SECONDS = 10.0
REMEMBERED = 256  # summaries


class ErrorNotices:
    """The gate between the feed's errors and the notifications."""

    def __init__(self, repeat: float = REPEAT_SECONDS, burst: int = BURST, window: float = WINDOW_SECONDS,
                 remembered: int = REMEMBERED) -> None:
        self.repeat = repeat
        self.burst = burst
        self.window = window
        self.remembered = remembered
        self._seen: OrderedDict[str, float] = OrderedDict()  # summary -> when last seen, oldest first
        self._made: deque[float] = deque()  # when the notifications of the last window were made
        self._held_back = 0

    def __len__(self) -> int:
        """How many summaries are remembered."""
        return len(self._seen)

    def admit(self, summary: str, now: float, fatal: bool = False) -> int | None:
        """None when the error ``summary`` seen at ``now`` is not to be notified; else how many
        errors were held back (by the burst limit) since the last one notified."""
        last = self._seen.pop(summary, None)
        self._seen[summary] = now
        if len(self._seen) > self.remembered:
            self._seen.popitem(last=False)
        if last is not None and now - last < self.repeat:
            return None
        made = self._made
        while made and made[0] <= now - self.window:
            made.popleft()
        if len(made) >= self.burst and not fatal:
            self._held_back += 1
            return None
        made.append(now)
        held_back, self._held_back = self._held_back, 0
        return held_back
