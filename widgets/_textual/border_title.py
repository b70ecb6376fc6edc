"""A border subtitle changed with a repaint of the border's bottom row only.

Textual's ``Widget.border_subtitle`` setter repaints the whole widget: for the ticker grid, whose
subtitle counts its rows, every row on screen was drawn again at each of its intakes while a
catalog of 20,000 markets loaded (~8 ms of a frame, 5 times a second). :func:`set_border_subtitle`
stores the subtitle as that setter does (``Widget._border_subtitle``) and repaints the bottom row.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget

from widgets._textual import capability


def set_border_subtitle(widget: Widget, text: Text) -> None:
    """Show ``text`` as ``widget``'s border subtitle; as Textual does when the fast paths are off,
    before the widget is laid out, and without a bottom border to draw it in."""
    size = widget.outer_size
    if not capability.active() or not size or not widget.styles.border_bottom[0]:
        widget.border_subtitle = text
        return
    widget._border_subtitle = widget.render_str(Content.from_rich_text(text)).expand_tabs(4).split()[0]
    # refresh takes regions in content coordinates; the bottom border row is below the content
    offset = widget.content_offset
    widget.refresh(Region(-offset.x, size.height - 1 - offset.y, size.width, 1))
