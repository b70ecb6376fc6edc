"""Lines drawn straight as segments from painted cells: text and the names of the component
classes that style it.

A widget on Textual's Line API hands the compositor :class:`~textual.strip.Strip` objects; building
them from ``(text, paint)`` cells with one style lookup per paint, and one segment per run of a
paint, costs a fraction of rendering a Rich ``Text`` or ``Content`` per line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

Paint = tuple[str, ...]
"""The component classes of a cell's style, combined in order (``()``: the widget's base style)."""
PaintedCell = tuple[str, Paint]
"""A cell: its text and its paint."""


class Palette(dict[Paint, Style]):
    """The drawn style of each paint on one base style, worked out on first use.

    ``base + (component + ... + overlay ...)``: the cell's components combined in order, then the
    ``overlay`` components laid over every cell (a ladder's dimming when its book is not live), on
    the widget's base style. ``component`` gives a component class's style.
    """

    def __init__(self, component: Callable[[str], Style], base: Style, overlay: Paint = ()) -> None:
        super().__init__()
        self.component = component
        self.base = base
        self.overlay = overlay

    def __missing__(self, paint: Paint) -> Style:
        styles = [self.component(name) for name in (*paint, *self.overlay)]
        style = self[paint] = self.base + sum(styles, Style.null())
        return style


def painted_strip(cells: Iterable[PaintedCell], palette: Palette, width: int) -> Strip:
    """The line of ``cells`` in their drawn styles (a run of one paint is one segment), cut or
    padded (in the base style) to ``width``."""
    segments: list[Segment] = []
    base = palette.base
    text, style = "", palette[()]
    for value, paint in cells:
        if not value:
            continue
        drawn = palette[paint]
        if drawn is style:
            text += value
            continue
        if text:
            segments.append(Segment(text, style))
        text, style = value, drawn
    length = cell_len("".join([segment.text for segment in segments]) + text)
    if length < width:
        if text and style != base:
            segments.append(Segment(text, style))
            text = ""
        text, style = text + " " * (width - length), base
    if text:
        segments.append(Segment(text, style))
    strip = Strip(segments, max(length, width))
    return strip if length <= width else strip.adjust_cell_length(width, base)
