"""A scroll view's virtual size changed without laying out the screen.

``Widget.virtual_size`` asks for a layout of the whole screen whenever it changes, and after a
layout Textual redraws every line of the screen. A scroll view's box does not depend on its
virtual size, so for it the layout only ends in ``ScrollView._size_updated`` calling
``_scroll_update``: the scrollbars sized to the new extent and the scroll offset kept within it.
:func:`set_virtual_size` does that step itself and repaints the widget alone; a table whose row
count moves with each key of a filter (the ticker grid: 20,000 rows, then 300, then 12) no longer
redraws the ladder, the tape and every other pane at each key. When a scrollbar appears or goes,
the view's content region changes: ``_scroll_update`` sets ``show_vertical_scrollbar`` (or the
horizontal one), which lays out the screen as it must.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget

from widgets._textual import capability


def set_virtual_size(view: ScrollView, size: Size, *, repaint: bool = True) -> None:
    """Give ``view`` the virtual size ``size`` (see the module docstring); before the view has a
    size of its own (not laid out yet), and when the fast paths are off, as Textual does. Without
    ``repaint`` (the lines in view did not change: rows were added under them) only the
    scrollbars are repainted."""
    if size == view.virtual_size:
        return
    if not capability.active() or not view.size:
        view.virtual_size = size
        return
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)
    if repaint:
        view.refresh()
