"""A compositor whose partial updates render only the lines they draw.

Textual's compositor draws a partial update (some lines of some widgets changed) by taking the
bounding box of every changed region, asking each widget under that box for *all* its visible
lines, and then keeping only the changed lines. Under a live feed the ladder's changed lines, a
grid row and the tape make that box cover most of the screen every frame, so each frame paid for
every widget's every line: the line cache, the line filters and the crop, ~5 ms a frame at 30
frames a second. :class:`SpanCompositor` asks each widget only for its lines that a changed span
crosses, in runs of adjacent lines; what reaches the terminal is the same. When every changed
region of a frame came from widgets that asked to be repainted, only those widgets are drawn: the
pieces of their lines shown by unchanged widgets (a scrollbar, a container's gap) stay as the
terminal has them, and the screen ends up the same. Full updates fill their lines the same way.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence

from textual._compositor import ChopsUpdate, Compositor, CompositorUpdate, LayoutUpdate
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from widgets._textual import capability
from widgets._textual.strips import divided
from widgets.line_runs import line_runs

__all__ = ["CompositorUpdate", "SpanCompositor", "draw_partial_updates_by_span", "screen_strips"]

Span = tuple[int, int, int]
"""One changed stretch of a screen line: ``(y, x1, x2)``, ``x2`` exclusive."""
Placed = tuple[Widget, int, int, int, int, int, int]
"""A visible widget, the part of it on screen (x, y, width, height) and its region's origin."""


_KEPT = Strip([])
"""Marks a chop shown by a widget that did not change, while the frame's chops are filled."""
_EDGE = Strip([])
"""The chop that starts where a span ends: ``ChopsUpdate`` sends the cursor there and none of its
text (it tells the chops a span shows by ``x > x2``, not ``x >= x2``), so any strip sends the same
bytes, and the widget under it is not asked for the line for that."""


class SpanCompositor(Compositor):
    """Textual's compositor, drawing partial updates line by line instead of by bounding box."""

    _placed: tuple[object, list[Placed], list[list[int]]] | None = None

    _repainted: set[Widget] | None = None
    _repaint_regions: set[Region] = set()
    _repaint_map: object = None

    def update_widgets(self, widgets: set[Widget]) -> None:
        """Textual's: the regions of ``widgets`` that asked to be repainted become dirty. Notes
        those widgets, when they are the only source of this frame's dirty regions."""
        untouched = not self._dirty_regions
        super().update_widgets(widgets)
        if untouched:
            self._repainted = set(widgets)
            self._repaint_regions = set(self._dirty_regions)
            self._repaint_map = self.visible_widgets
        else:  # a region came from elsewhere (a scroll, a layout, a screen refresh)
            self._repainted = None

    def render_full_update(self, simplify: bool = False) -> LayoutUpdate:
        """Textual's full update; what the last repaint noted is spent with it."""
        self._repainted, self._repaint_regions, self._repaint_map = None, set(), None
        return super().render_full_update(simplify)

    def _render_chops(  # type: ignore[override]  # Textual's own chops hold None for gaps too
        self, crop: Region, is_rendered_line: Callable[[int], bool]
    ) -> Sequence[Mapping[int, Strip | None]]:
        """Textual's chops of the lines of ``crop``; for the whole screen (a full update, the
        screen's strips) filled as a partial update's are, so that no line is divided into the one
        piece it already is (see ``strips.py``)."""
        if crop != self.size.region:
            return super()._render_chops(crop, is_rendered_line)
        width = crop.width
        return self._render_span_chops([(y, 0, width) for y in crop.line_range if is_rendered_line(y)], None)

    def render_partial_update(self) -> ChopsUpdate | None:
        """Render the changed spans; ``None`` if nothing changed.

        When every changed region came from widgets that asked to be repainted (and nothing was
        laid out since), only those widgets are drawn: a piece of a changed line shown by another
        widget (a scrollbar over a changed ladder line, the gap of a container) is left as the
        terminal has it. Otherwise every widget showing a piece of a changed line is drawn.
        """
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        repainted = self._repainted
        if update_regions != self._repaint_regions or self._repaint_map is not self.visible_widgets:
            repainted = None
        self._repainted, self._repaint_regions, self._repaint_map = None, set(), None
        height = self.size.height
        spans = [span for span in self._regions_to_spans(update_regions) if 0 <= span[0] < height]
        if not spans:
            return None
        chops = self._render_span_chops(spans, repainted)
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

    def _render_span_chops(
        self, spans: Sequence[Span], repainted: set[Widget] | None
    ) -> list[dict[int, Strip | None]]:
        """The chops of each changed line (an empty map for the others), filled front to back from
        the widgets' lines that a span crosses (only from ``repainted`` widgets, when given: the
        chops the others show are left empty, and not filled from the widgets behind them).

        A widget is asked only for lines where a span reaches it and some of its chops are still
        empty: a container whose children cover it there is not asked at all.
        """
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [{} for _ in cuts]
        shown: dict[int, set[int]] = {}  # line -> the cuts starting the chops whose text a span shows
        edges: dict[int, set[int]] = {}  # line -> the cuts where a span ends (see _EDGE)
        for y, x1, x2 in spans:
            line_cuts = cuts[y]
            shown.setdefault(y, set()).update(
                cut for cut, end in zip(line_cuts, line_cuts[1:]) if cut < x2 and end > x1)
            edges.setdefault(y, set()).add(x2)
        placed, on_line = self._widgets_placed()
        candidates: set[int] = set()  # the widgets on a changed line
        for y, line_shown in shown.items():
            chops[y] = chops_line = dict.fromkeys(cuts[y][:-1])
            for cut in edges[y] - line_shown:
                if cut in chops_line:
                    chops_line[cut] = _EDGE
            candidates.update(on_line[y])
        changed_ys = sorted(shown)
        for position in sorted(candidates):  # front to back
            widget, x, y, width, height, region_x, region_y = placed[position]
            right = x + width
            wanted = [
                line_y
                for line_y in changed_ys[bisect_left(changed_ys, y):bisect_left(changed_ys, y + height)]
                if any(x <= cut < right and chops[line_y][cut] is None for cut in shown[line_y])
            ]
            if repainted is not None and widget not in repainted:
                for line_y in wanted:  # unchanged: kept as shown, and hiding what is behind it
                    chops_line = chops[line_y]
                    for cut in cuts[line_y]:
                        if x <= cut < right and chops_line[cut] is None:
                            chops_line[cut] = _KEPT
                continue
            for top, bottom in line_runs(wanted):
                strips = widget.render_lines(Region(x - region_x, top - region_y, width, bottom - top))
                for line_y, strip in zip(range(top, bottom), strips):
                    chops_line = chops[line_y]
                    final_cuts = [cut for cut in cuts[line_y] if right >= cut >= x]
                    pieces = divided(strip, [cut - x for cut in final_cuts[1:]])
                    for cut, piece in zip(final_cuts, pieces):
                        if chops_line[cut] is None:
                            chops_line[cut] = piece
        if repainted is not None:
            for y in shown:
                chops_line = chops[y]
                for cut, chop in chops_line.items():
                    if chop is _KEPT:
                        chops_line[cut] = None
        return chops


def draw_partial_updates_by_span(screen: Screen) -> None:
    """Give ``screen`` a :class:`SpanCompositor` (Textual's own stays when the fast paths are off).

    Call it from the screen's ``__init__``, before anything is laid out.
    """
    if capability.active():
        screen._compositor = SpanCompositor()


def screen_strips(screen: Screen) -> list[Strip]:
    """Every line of ``screen`` as drawn now (Textual has no public way to ask)."""
    return screen._compositor.render_strips()
