"""``Strip.divide`` without the reference cycle it makes.

A ``Strip`` keeps the results of ``divide`` (and ``crop_extend``) in small caches of its own. When
the result is the strip itself (one piece that is the whole strip; a window that is the whole
strip), that cache holds the strip: a reference cycle, which reference counting cannot free, so
the strip waits for the cyclic collector, and every line of every frame made one. :func:`divided`
answers that case without asking the strip (the answer is the strip itself), so no cycle is made;
every other case is the strip's own method. ``Strip.adjust_cell_length`` returns the strip itself
before it looks at its cache, so it needs no guard; the line tables draw the window of a row in
view themselves (``LineTable._draw``), without ``crop_extend``.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.strip import Strip


def divided(strip: Strip, cuts: list[int]) -> Sequence[Strip]:
    """``strip.divide(cuts)``: the pieces of ``strip`` ending at each of ``cuts``."""
    if [cut for cut in cuts if cut <= strip.cell_length] == [strip.cell_length]:
        return [strip]
    return strip.divide(cuts)

