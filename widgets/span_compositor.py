"""A compositor whose partial updates render only the lines they draw.

Textual's compositor draws a partial update (some lines of some widgets changed) by taking the
bounding box of every changed region, asking each widget under that box for *all* its visible
lines, and then keeping only the changed lines. Under a live feed the ladder's changed lines, a
grid row and the tape make that box cover most of the screen every frame, so each frame paid for
every widget's every line: the line cache, the line filters and the crop, ~5 ms a frame at 30
frames a second. :class:`SpanCompositor` asks each widget only for its lines that a changed span
crosses, in runs of adjacent lines; what reaches the terminal is the same.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

Span = tuple[int, int, int]
"""One changed stretch of a screen line: ``(y, x1, x2)``, ``x2`` exclusive."""
Placed = tuple[Widget, int, int, int, int, int, int]
"""A visible widget, the part of it on screen (x, y, width, height) and its region's origin."""


class SpanCompositor(Compositor):
    """Textual's compositor, drawing partial updates line by line instead of by bounding box."""

    _placed: tuple[object, list[Placed], list[list[int]]] | None = None

    def render_partial_update(self) -> ChopsUpdate | None:
        """Render the changed spans; ``None`` if nothing changed."""
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        height = self.size.height
        spans = [span for span in self._regions_to_spans(update_regions) if 0 <= span[0] < height]
        if not spans:
            return None
        chops = self._render_span_chops(spans)
        cuts = self.cuts
        chop_ends: list[list[int]] = [[] for _ in cuts]
        for y in {y for y, _x1, _x2 in spans}:
            chop_ends[y] = cuts[y][1:]
        return ChopsUpdate(chops, spans, chop_ends)

    def _widgets_placed(self) -> tuple[list[Placed], list[list[int]]]:
        """Each visible widget (front to back) with the part of it on screen, and for each screen
        line the positions in that list of the widgets on it; worked out once per layout (Textual
        makes a new ``visible_widgets`` map when the layout changes)."""
        visible = self.visible_widgets
        if self._placed is None or self._placed[0] is not visible:
            placed: list[Placed] = []
            on_line: list[list[int]] = [[] for _ in range(self.size.height)]
            for widget, (region, clip) in visible.items():
                x, y, width, height = region.intersection(clip)
                if width and height:
                    for line in range(max(0, y), min(len(on_line), y + height)):
                        on_line[line].append(len(placed))
                    placed.append((widget, x, y, width, height, region.x, region.y))
            self._placed = (visible, placed, on_line)
        return self._placed[1], self._placed[2]

    def _render_span_chops(self, spans: Sequence[Span]) -> list[dict[int, Strip | None]]:
        """The chops of each changed line (an empty map for the others), filled front to back from
        the widgets' lines that a span crosses.

        A widget is asked only for lines where a span reaches it and some of its chops are still
        empty: a container whose children cover it there is not asked at all.
        """
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [{} for _ in cuts]
        reach: dict[int, tuple[int, int]] = {}  # line -> leftmost and rightmost changed column
        for y, x1, x2 in spans:
            left, right = reach.get(y, (x1, x2))
            reach[y] = (min(left, x1), max(right, x2))
        placed, on_line = self._widgets_placed()
        candidates: set[int] = set()  # the widgets on a changed line
        for y in reach:
            chops[y] = dict.fromkeys(cuts[y][:-1])
            candidates.update(on_line[y])
        changed_ys = sorted(reach)
        for position in sorted(candidates):  # front to back
            widget, x, y, width, height, region_x, region_y = placed[position]
            right = x + width
            wanted = [
                line_y
                for line_y in changed_ys[bisect_left(changed_ys, y):bisect_left(changed_ys, y + height)]
                if reach[line_y][0] < right and x < reach[line_y][1]
                and None in [chops[line_y][cut] for cut in cuts[line_y] if x <= cut < right]
            ]
            for top, bottom in _runs(wanted):
                strips = widget.render_lines(Region(x - region_x, top - region_y, width, bottom - top))
                for line_y, strip in zip(range(top, bottom), strips):
                    chops_line = chops[line_y]
                    final_cuts = [cut for cut in cuts[line_y] if right >= cut >= x]
                    pieces = strip.divide([cut - x for cut in final_cuts[1:]])
                    for cut, piece in zip(final_cuts, pieces):
                        if chops_line[cut] is None:
                            chops_line[cut] = piece
        return chops


def _runs(ys: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted line numbers as runs of adjacent lines: ``(first, last + 1)``."""
    if not ys:
        return
    top = previous = ys[0]
    for y in ys[1:]:
        if y != previous + 1:
            yield top, previous + 1
            top = y
        previous = y
    yield top, previous + 1
