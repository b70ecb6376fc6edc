"""Content lines handed to the compositor as the widget drew them, without Textual's line cache.

A Line-API widget's lines pass through Textual's per-widget line cache (``StylesCache``) on their
way to the screen: for every changed line it reads a dozen style rules, makes two or three new
strips (padding, border, tint and opacity, whether the widget has them or not) and applies the
line filters; ~30 µs a line, and the ladder, grid and tape change ~700 lines a second under a
live feed. The widgets here keep their own line caches (a line is drawn once per look), so
:class:`DirectLines` hands their content lines on directly: the left and right border added from
Textual's own box segments, the app's line filters applied, cropped. Rows it does not draw itself
(the top and bottom border with their titles) and any widget with padding, an outline, a tint,
opacity or a hatch still go through Textual's path, so the output is the same either way; when
the fast paths are off (:mod:`widgets._textual.capability`) every row does.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual._border import get_box
from textual.color import Color
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from widgets._textual import capability

STYLES_KEPT = 4_096  # styles mapped a filter and background; past that the map starts again
_mapped: dict[tuple[LineFilter, Color], dict[int, tuple[RichStyle, RichStyle]]] = {}


class DirectLines:
    """Mixin for a Line-API widget (listed before its Textual base): ``render_lines`` draws the
    content rows from ``render_line`` straight, and the rest as Textual does.

    A plain mixin, not a ``Widget`` subclass (as one it would take part in the default CSS).
    """

    _drawing: Any = None
    _colors: tuple[list[Any], RichStyle, tuple[Color, Color]] | None = None

    def _widget_colors(self) -> tuple[RichStyle, tuple[Color, Color]]:
        """The widget's ``rich_style`` and ``background_colors``, worked out again only when a
        style of the widget or of an ancestor changed (each node's ``styles._cache_key``, which
        Textual moves at every rule set: CSS applied, inline styles, animations, the theme)."""
        widget: Widget = self  # type: ignore[assignment]
        if not capability.active():
            return widget.rich_style, widget.background_colors
        nodes = widget.ancestors_with_self
        stamp = [*nodes, *(node.styles._cache_key for node in nodes)]
        colors = self._colors
        if colors is None or colors[0] != stamp:
            colors = self._colors = (stamp, widget.rich_style, widget.background_colors)
        return colors[1], colors[2]

    @property
    def base_style(self) -> RichStyle:
        """The widget's ``rich_style`` (its colours and text style over its ancestors'): Textual
        works it out from every ancestor at each read (~45 µs in the dashboard); kept here while
        their styles stay as they are."""
        return self._widget_colors()[0]

    def drawing_context(self) -> Any:
        """What the widget's ``render_line`` needs that is the same for every line of one
        ``render_lines`` call (its width, scroll offset, base style...): worked out once per call
        and read as ``self._drawing`` while it lasts (None outside a call: work it out then)."""
        return None

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines of ``crop`` (in the widget's own coordinates, border included)."""
        self._drawing = self.drawing_context()
        try:
            if not capability.active():
                return super().render_lines(crop)  # type: ignore[misc]
            return self._lines_of(crop)
        finally:
            self._drawing = None

    def _lines_of(self, crop: Region) -> list[Strip]:
        widget: Widget = self  # type: ignore[assignment]
        styles = widget.styles
        if (
            any(styles.padding)
            or any(edge for edge, _color in styles.outline)
            or styles.tint.a
            or widget.opacity != 1.0
            or styles.text_opacity != 1.0
            or styles.has_rule("hatch")
        ):
            return super().render_lines(crop)  # type: ignore[misc]
        (top, _), _right, (bottom, _), _left = styles.border
        first = 1 if top else 0
        last = widget.outer_size.height - (1 if bottom else 0)  # the row after the content
        if first <= crop.y and crop.bottom <= last:
            return self._content_lines(crop, first)
        lines: list[Strip] = []  # Textual draws the border rows (titles and all)
        x, width = crop.x, crop.width
        for rows, direct in ((Region(x, 0, width, first), False),
                             (Region(x, first, width, last - first), True),
                             (Region(x, last, width, widget.outer_size.height - last), False)):
            part = crop.intersection(rows)
            if part.height:
                lines += self._content_lines(part, first) if direct else super().render_lines(part)  # type: ignore[misc]
        return lines

    def _content_lines(self, crop: Region, first: int) -> list[Strip]:
        """Content rows of ``crop`` (``first``: the first content row), as Textual would draw them:
        each line fitted to the content width, between the side borders, filtered, cropped."""
        widget: Widget = self  # type: ignore[assignment]
        base_background, background = self._widget_colors()[1]
        inner = Style(background=base_background + background)
        content_width = widget.content_region.width
        lines = [widget.render_line(y - first) for y in crop.line_range]
        _top, (right, right_color), _bottom, (left, left_color) = widget.styles.border
        width = widget.outer_size.width
        line_filters = widget.get_line_filters()
        if left or right:
            # fitted, between its borders and through the filters as segments: one new strip a line
            outer = Style(background=base_background)
            sides = (
                [get_box(left, inner, outer, Style(foreground=base_background + left_color))[1][0]] if left else [],
                [get_box(right, inner, outer, Style(foreground=base_background + right_color))[1][2]] if right else [],
            )
            bordered = []
            pad = inner.rich_style
            for line in lines:
                short = content_width - line.cell_length  # a scrollbar's gutter: padded as Textual does
                if short < 0:
                    line, short = line.adjust_cell_length(content_width, pad), 0
                segments = [*sides[0], *line, Segment(" " * short, pad), *sides[1]] if short else [
                    *sides[0], *line, *sides[1]]
                for line_filter in line_filters:
                    segments = filtered(line_filter, segments, background)
                bordered.append(Strip(segments, width))
            lines = bordered
        else:
            lines = [line.adjust_cell_length(content_width, inner.rich_style) for line in lines]
            for line_filter in line_filters:  # the strip's own filter cache: a line kept is filtered once
                lines = [line.apply_filter(line_filter, background) for line in lines]
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            lines = [line.crop(x1, x2) for line in lines]
        return lines


def filtered(line_filter: LineFilter, segments: list[Segment], background: Color) -> list[Segment]:
    """``line_filter.apply(segments, background)``. Textual's ANSI-to-truecolor filter (on in
    every terminal but one that keeps ANSI colours) maps each style once per background here, and
    a segment whose style it leaves as it is (a theme's colours are truecolor already) is kept as
    it is: no new segment, no lookup in the filter's own cache for every segment of every line."""
    if type(line_filter) is not ANSIToTruecolor:
        return line_filter.apply(segments, background)
    styles = _mapped.get((line_filter, background))
    if styles is None or len(styles) > STYLES_KEPT:
        if len(_mapped) > 16:  # filters of themes gone, backgrounds no longer drawn
            _mapped.clear()
        styles = _mapped[line_filter, background] = {}
    rich_background = background.rich_color
    result = []
    for segment in segments:
        text, style, control = segment
        if style is None:
            result.append(segment if control is None else Segment(text))
            continue
        known = styles.get(id(style))  # by identity: a style's own hash is a Python call
        if known is None or known[0] is not style:
            known = styles[id(style)] = (style, line_filter.truecolor_style(style, rich_background))
        mapped = known[1]
        result.append(segment if mapped is style and control is None else Segment(text, mapped))
    return result
