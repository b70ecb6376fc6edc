"""Hand the compositor the same lines again when nothing in a widget changed.

Textual's compositor redraws the bounding box of every region that changed in a frame, and asks
each widget under that box for all its lines: under a firehose the ladder's changed lines and the
grid's (or a scrollbar's) make that box cover the tape, the chart and the grid whether or not they
changed, ~0.7 ms each through Textual's line cache and filters. A widget with
:class:`RenderMemo` keeps the lines it last returned and returns them as they are while nothing
made it dirty (every repaint, scroll, resize and style change passes through ``_set_dirty``).
"""

from __future__ import annotations

from textual.geometry import Offset, Region, Size
from textual.strip import Strip
from textual.widget import Widget


class RenderMemo:
    """Mixin for a widget (listed before its Textual base): ``render_lines`` reuses its last
    result until the widget is made dirty.

    A plain mixin, not a ``Widget`` subclass: as a ``Widget`` between a widget and its Textual
    base it would take part in the default CSS and undo the base's (a ScrollView lost its
    scrollbars).
    """

    _memo: tuple[tuple[Region, Size, Size, Offset], list[Strip]] | None = None

    def _set_dirty(self, *regions: Region) -> None:
        self._memo = None
        super()._set_dirty(*regions)  # type: ignore[misc]

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines of ``crop``: those returned last time, if nothing changed since."""
        # The content region shrinks when a scrollbar appears without the widget being made dirty.
        widget: Widget = self  # type: ignore[assignment]
        key = (crop, widget.region.size, widget.content_region.size, widget.scroll_offset)
        memo = self._memo
        if memo is not None and memo[0] == key:
            return memo[1]
        strips: list[Strip] = super().render_lines(crop)  # type: ignore[misc]
        self._memo = (key, strips)
        return strips
