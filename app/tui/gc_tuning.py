"""Short garbage-collection pauses for a dashboard under a firehose.

Three measures (figures in BENCHMARKS.md):

* **No strips that hold themselves.** A Textual ``Strip`` caches the results of ``divide`` and
  ``crop_extend``; when the result is the strip itself (a line divided into the one piece it
  already is, a window that is the whole line) the cache holds the strip: a reference cycle,
  which reference counting cannot free, so only the cyclic collector's full passes over the whole
  heap would reclaim it. Every line of every frame made one (about 6,000 objects a second of
  cyclic garbage here): the span compositor divides each drawn line at the screen's cuts, through
  :mod:`widgets._textual.strips`, which answers that case with the strip itself without asking
  it, so the strips are freed as soon as they are dropped (the line tables draw the window of a
  row in view themselves, without ``crop_extend``). (Textual's own code still makes such
  strips where it calls these methods itself: each line of a full update, after a resize or on a
  new screen, and each line the feed panel's ``RichLog`` draws; not every frame.)
* **Freezing what survives.** A full collection walks every tracked object (hundreds of
  thousands in the dashboard: widgets, table cells, cached lines), ~150 ms here. The app calls
  :func:`freeze_survivors` every :data:`FREEZE_EVERY` seconds: a young collection, then
  ``gc.freeze()``, so later collections only walk what was made since. Frozen objects are still
  freed by reference counting; only a reference cycle among them that becomes garbage would wait
  (until :func:`thaw`, which the app calls when it stops). With no self-holding strips there
  are few.
* **Fewer young collections.** Python collects the youngest generation every 700 net
  allocations of tracked objects: ~100 collections a second under a paced 20k msg/s, 3.5% of the
  app's time. :func:`start` raises that to :data:`YOUNG_THRESHOLD` (most objects made per
  message die by reference counting before any collection sees them): 1.7-2% of the time, and
  the longest pause under the firehose stays a few milliseconds (what a collection walks is still
  bounded by the freezes). :func:`thaw` puts the thresholds back.
"""

from __future__ import annotations

import gc

FREEZE_EVERY = 0.25  # seconds between two freezes: bounds what a collection has to walk
YOUNG_THRESHOLD = 5_000  # net allocations between two young collections (Python's default: 700)

_thresholds: tuple[int, int, int] | None = None


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
