"""Which items of a bounded feed are new since the last look, each numbered in arrival order.

The state keeps feeds (trades, fills, lifecycle news) as bounded ``deque``s, oldest first; a
table showing one newest first takes in only what arrived since it last looked. Each item gets a
number in arrival order, so its row keeps one key however a filter changes what is shown.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

ItemT = TypeVar("ItemT")


class FeedIntake(Generic[ItemT]):
    """Remembers the newest item seen and the number it got."""

    def __init__(self) -> None:
        self._newest: ItemT | None = None
        self.newest_number = 0
        """The number of the newest item seen (items are numbered from 1)."""

    def catch_up(self, items: deque[ItemT]) -> list[ItemT] | None:
        """Number the items that arrived since the last call and return them, newest first.

        ``None`` when the newest item seen before is no longer in the feed (or there was none):
        then every item is new, and numbered past every number given so far.
        """
        fresh: list[ItemT] = []
        for item in reversed(items):
            if item is self._newest:
                break
            fresh.append(item)
        else:
            if items:
                self._newest = items[-1]
                self.newest_number += len(items)
            return None
        if fresh:
            self._newest = fresh[0]
            self.newest_number += len(fresh)
        return fresh

    def numbered(
        self, newest_first: Iterable[ItemT], matches: Callable[[ItemT], bool], limit: int
    ) -> list[tuple[str, ItemT]]:
        """At most ``limit`` matching items with their numbers as keys; the first is the newest."""
        rows: list[tuple[str, ItemT]] = []
        for offset, item in enumerate(newest_first):
            if len(rows) == limit:
                break
            if matches(item):
                rows.append((str(self.newest_number - offset), item))
        return rows
