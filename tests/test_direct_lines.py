"""Widgets that draw their content lines directly hand the compositor what Textual's path would.

The real dashboard over the deterministic scenario: the ladder, the ticker grid and the trade tape
(all :class:`DirectLines`) are asked for whole and partial regions, focused and not, and the
segments are compared with Textual's own ``Widget.render_lines`` (its line cache and styles).
"""

from __future__ import annotations

from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style
from textual._ansi_theme import DEFAULT_TERMINAL_THEME
from textual.color import Color
from textual.filter import ANSIToTruecolor, Monochrome
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tests.ui_states import dashboard_app, scenario
from widgets._textual.direct_lines import DirectLines, filtered
from widgets.market.depth_ladder import DepthLadder
from widgets.market.ticker_grid import TickerGrid
from widgets.market.trade_tape import TradeTape

SIZE = (120, 40)


def segments(strips: list[Strip]) -> list[list[Segment]]:
    return [list(strip) for strip in strips]


def crops(widget: Widget) -> list[Region]:
    """Whole, content only, border rows with some content, one line, and partial columns."""
    width, height = widget.outer_size
    return [
        Region(0, 0, width, height),
        Region(0, 1, width, height - 2),
        Region(0, 0, width, 3),
        Region(0, height - 3, width, 3),
        Region(0, height // 2, width, 1),
        Region(3, 2, width // 2, height - 4),
        Region(width - 5, 0, 5, height),
    ]


def textual_lines(widget: Widget, crop: Region) -> list[Strip]:
    """What Textual's own path draws (its line cache emptied first, so nothing is stale)."""
    widget._styles_cache.clear()
    return Widget.render_lines(widget, crop)


def assert_same(widget: Any) -> None:
    assert isinstance(widget, DirectLines)
    for crop in crops(widget):
        ours = widget.render_lines(crop)
        assert len(ours) == crop.height, crop
        assert segments(ours) == segments(textual_lines(widget, crop)), (type(widget).__name__, crop)


@pytest.mark.parametrize("kind", [DepthLadder, TickerGrid, TradeTape])
async def test_direct_lines_are_textuals_lines(kind: type[Widget]) -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        widget = app.dashboard.query(kind).first()
        assert_same(widget)
        widget.focus()  # a focused widget's border takes the accent colour
        await pilot.pause()
        assert widget.has_focus
        assert_same(widget)


async def test_a_widget_with_padding_is_drawn_by_textuals_path() -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        grid = app.dashboard.query_one(TickerGrid)
        grid.styles.padding = (0, 1)
        await pilot.pause()
        assert_same(grid)
        whole = grid.render_lines(Region(0, 0, *grid.outer_size))
        assert all(strip.text[1] == " " for strip in whole[1:-1])  # the padding column


def test_filtered_segments_are_the_filters_own() -> None:
    """Truecolor styles kept (the very segment), ANSI colours and dim text mapped, on two
    backgrounds, through Textual's ANSI-to-truecolor filter and through another filter."""
    truecolor = Style(color="#102030", bgcolor="#405060", bold=True)
    line = [
        Segment("kept", truecolor),
        Segment("ansi", Style(color="red", bgcolor="blue")),
        Segment("dim", Style(color="#808080", dim=True)),
        Segment("plain"),
        Segment("again", truecolor),
    ]
    styled = [segment for segment in line if segment.style is not None]  # Monochrome needs a style
    for line_filter, segments in ((ANSIToTruecolor(DEFAULT_TERMINAL_THEME), line), (Monochrome(), styled)):
        for background in (Color(0, 0, 0), Color(250, 250, 250)):
            for _ in range(2):  # the second time from the styles mapped the first
                assert filtered(line_filter, segments, background) == line_filter.apply(segments, background)
    mapped = filtered(ANSIToTruecolor(DEFAULT_TERMINAL_THEME), line, Color(0, 0, 0))
    assert mapped[0] is line[0] and mapped[1] != line[1] and mapped[2] != line[2]


async def test_a_new_background_of_an_ancestor_reaches_the_ladder() -> None:
    # the ladder (its background shows its pane's) keeps its colours between calls: a style set on
    # an ancestor inline, with no CSS applied again, must still reach its lines
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ladder = app.dashboard.query_one(DepthLadder)
        assert_same(ladder)
        before = segments(ladder.render_lines(Region(0, 1, *ladder.outer_size)))
        parent = ladder.parent
        assert isinstance(parent, Widget)
        parent.styles.background = "#803010"
        await pilot.pause()
        assert_same(ladder)
        assert segments(ladder.render_lines(Region(0, 1, *ladder.outer_size))) != before
