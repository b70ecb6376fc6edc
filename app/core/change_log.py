"""A bounded log of the keys that changed, for views that read what changed since their last look.

Pure data: no I/O, no Textual.
"""

from __future__ import annotations


class ChangeLog:
    """Keys in the order they changed (repeats kept), at most ``capacity`` of them; a reader keeps
    a cursor and asks for what was noted after it (:meth:`since`).

    A writer on a hot path may append to :attr:`keys` itself, calling :meth:`trim` whenever that
    takes it past ``capacity`` (what :meth:`note` does, without a call per key).
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.keys: list[str] = []  # the keys noted, oldest first (the same list for the log's life)
        self._dropped = 0  # entries trimmed from the front

    def note(self, key: str) -> None:
        """``key`` changed; the older half of the log is dropped when it is full."""
        keys = self.keys
        keys.append(key)
        if len(keys) > self.capacity:
            self.trim()

    def trim(self) -> None:
        """Drop the older half of the log (when it holds more than ``capacity`` keys)."""
        keys = self.keys
        half = len(keys) // 2
        del keys[:half]
        self._dropped += half

    def since(self, cursor: int) -> tuple[list[str] | None, int]:
        """Keys noted since ``cursor`` (0 at first) and the cursor to pass next time; None instead
        of the list when that is too long ago to say (the reader must look at everything then)."""
        end = self._dropped + len(self.keys)
        if cursor < self._dropped:
            return None, end
        return self.keys[cursor - self._dropped:], end
