"""Short garbage-collection pauses for a dashboard under a firehose.

Two measures (figures in BENCHMARKS.md):

* **Strips without self-references.** Textual's ``Strip`` caches the results of
  ``adjust_cell_length``, ``crop_extend`` and ``divide``, and when the result is the strip itself
  the cache holds the strip: a reference cycle. Every line of every frame makes such strips
  (about 6,000 objects a second of cyclic garbage here), which reference counting cannot free, so
  only the cyclic collector's full passes over the whole heap reclaim them. :func:`install` drops
  those self-entries (the cached answer is the strip itself: nothing is lost); the output is the
  same, the strips are freed as soon as they are dropped.
* **Freezing what survives.** A full collection walks every tracked object (hundreds of
  thousands in the dashboard: widgets, table cells, cached lines), ~150 ms here. The app calls
  :func:`freeze_survivors` every :data:`FREEZE_EVERY` seconds: a young collection, then
  ``gc.freeze()``, so later collections only walk what was made since. Frozen objects are still
  freed by reference counting; only a reference cycle among them that becomes garbage would wait
  (until :func:`thaw`, which the app calls when it stops). With the strips fixed there are few.
* **Fewer young collections.** Python collects the youngest generation every 700 net
  allocations of tracked objects: ~100 collections a second under a paced 20k msg/s, 3.5% of the
  app's time. :func:`start` raises that to :data:`YOUNG_THRESHOLD` (most objects made per
  message die by reference counting before any collection sees them): 1.7-2% of the time, and
  the longest pause under the firehose stays a few milliseconds (what a collection walks is still
  bounded by the freezes). :func:`thaw` puts the thresholds back.
"""

from __future__ import annotations

import gc
from typing import Iterable, Sequence

from rich.style import Style
from textual.strip import Strip

FREEZE_EVERY = 0.25  # seconds between two freezes: bounds what a collection has to walk
YOUNG_THRESHOLD = 5_000  # net allocations between two young collections (Python's default: 700)

_thresholds: tuple[int, int, int] | None = None

_adjust_cell_length = Strip.adjust_cell_length
_crop_extend = Strip.crop_extend
_divide = Strip.divide


def _adjust_cell_length_no_cycle(self: Strip, cell_length: int, style: Style | None = None) -> Strip:
    strip = _adjust_cell_length(self, cell_length, style)
    if strip is self:
        self._line_length_cache._cache.pop((cell_length, style), None)
    return strip


def _crop_extend_no_cycle(self: Strip, start: int, end: int, style: Style | None) -> Strip:
    strip = _crop_extend(self, start, end, style)
    if strip is self:
        self._crop_extend_cache._cache.pop((start, end, style), None)
    return strip


def _divide_no_cycle(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cuts = list(cuts)
    strips = _divide(self, cuts)
    if len(strips) == 1 and strips[0] is self:
        self._divide_cache._cache.pop(tuple(cut for cut in cuts if cut <= self.cell_length), None)
    return strips


def install() -> None:
    """Make Textual strips stop caching themselves (idempotent)."""
    Strip.adjust_cell_length = _adjust_cell_length_no_cycle  # type: ignore[method-assign]
    Strip.crop_extend = _crop_extend_no_cycle  # type: ignore[method-assign]
    Strip.divide = _divide_no_cycle  # type: ignore[method-assign]


def start() -> None:
    """Collect the youngest generation less often (until :func:`thaw`)."""
    global _thresholds
    if _thresholds is None:
        _thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_THRESHOLD, *_thresholds[1:])


def freeze_survivors() -> None:
    """Collect the young generations, then freeze everything alive out of later collections."""
    gc.collect(1)
    gc.freeze()


def thaw() -> None:
    """Give every frozen object back to the collector and the thresholds back (the app stops)."""
    global _thresholds
    gc.unfreeze()
    if _thresholds is not None:
        gc.set_threshold(*_thresholds)
        _thresholds = None
