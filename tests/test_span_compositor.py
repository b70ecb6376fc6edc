"""The dashboard's compositor draws a partial update exactly as Textual's own does, from fewer lines.

The real dashboard over the deterministic scenario: the same changed regions are handed to
:class:`SpanCompositor` and to Textual's ``Compositor.render_partial_update`` on the same screen,
and the terminal bytes each makes are compared.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from rich.cells import cell_len
from rich.segment import ControlType
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget

from app.core import protocol as p
from app.core.book import NO
from app.core.fixed import ONE_DOLLAR
from app.core.state import Kind
from tests.ui_states import LADDER_TICKER, dashboard_app, scenario
from widgets._textual.compositor import SpanCompositor
from widgets._textual.direct_lines import DirectLines
from widgets.line_runs import line_runs

SIZE = (120, 40)


Screen = dict[tuple[int, int], tuple[str, Any]]


def painted(app: Any, update: Any, screen: Screen) -> Screen:
    """``screen`` (cell -> character and style) after the terminal applies ``update``."""
    screen = dict(screen)
    x = y = 0
    for segment in update.__rich_console__(app.console, app.console.options):
        if segment.control:
            for code in segment.control:
                if code[0] == ControlType.CURSOR_MOVE_TO:
                    x, y = code[1], code[2]
        elif segment.text == "\n":
            x, y = 0, y + 1
        else:
            for character in segment.text:
                screen[x, y] = (character, segment.style)
                x += cell_len(character)
    return screen


def terminal_bytes(app: Any, update: ChopsUpdate | None) -> str:
    return "" if update is None else update.render_segments(app.console)


def both_updates(app: Any, regions: list[Region]) -> tuple[str, str]:
    """What Textual's compositor and the span compositor send the terminal for ``regions``."""
    compositor = app.screen._compositor
    compositor._dirty_regions.clear()
    compositor._dirty_regions.update(regions)
    theirs = Compositor.render_partial_update(compositor)
    compositor._dirty_regions.update(regions)
    ours = compositor.render_partial_update()
    assert not compositor._dirty_regions
    return terminal_bytes(app, theirs), terminal_bytes(app, ours)


def random_regions(rng: random.Random, width: int, height: int) -> list[Region]:
    """A few regions anywhere on the screen: lines, boxes, whole rows (Textual clips what it marks
    dirty to the screen)."""
    screen = Region(0, 0, width, height)
    regions = []
    for _ in range(rng.randint(1, 6)):
        x, y = rng.randrange(width), rng.randrange(height)
        box = Region(x, y, rng.randint(1, width - x + 5), rng.choice([1, 1, 2, 5, height]))
        regions.append(box.intersection(screen))
    return regions


def test_runs_of_adjacent_lines() -> None:
    assert list(line_runs([])) == []
    assert list(line_runs([4])) == [(4, 5)]
    assert list(line_runs([1, 2, 3, 7, 9, 10])) == [(1, 4), (7, 8), (9, 11)]


async def test_the_dashboard_draws_with_the_span_compositor() -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen._compositor, SpanCompositor)


@pytest.mark.parametrize("seed", range(4))
async def test_partial_updates_send_the_terminal_what_textual_would(seed: int) -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        width, height = app.screen.size
        rng = random.Random(seed)
        for _ in range(25):
            regions = random_regions(rng, width, height)
            theirs, ours = both_updates(app, regions)
            assert ours == theirs, regions
            assert ours  # every region touches the screen: something was drawn


async def test_a_changed_line_is_drawn_alone_and_nothing_changed_draws_nothing() -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        asked: list[tuple[Widget, Region]] = []
        originals = {}
        for widget in app.screen._compositor.visible_widgets:
            originals[widget] = widget.render_lines

            def render_lines(crop: Region, widget: Widget = widget) -> list[Strip]:
                asked.append((widget, crop))
                return originals[widget](crop)

            widget.render_lines = render_lines  # type: ignore[method-assign]
        compositor = app.screen._compositor
        line = Region(0, 20, SIZE[0], 1)
        compositor._dirty_regions.add(line)
        theirs = terminal_bytes(app, Compositor.render_partial_update(compositor))
        textual_asked = asked[:]
        asked.clear()
        compositor._dirty_regions.add(line)
        ours = terminal_bytes(app, compositor.render_partial_update())
        assert ours == theirs
        # Only the widgets that show a cell of that screen line were asked, each for that one line
        # (a container its children cover there was not); Textual's compositor asked every widget
        # on that line for every line it shows.
        showing = {app.screen.get_widget_at(x, 20)[0] for x in range(SIZE[0])}
        assert asked and all(crop.height == 1 for _, crop in asked)
        assert {widget for widget, _ in asked} == showing
        assert sum(crop.height for _, crop in asked) < sum(crop.height for _, crop in textual_asked)
        assert compositor.render_partial_update() is None
        compositor._dirty_regions.add(Region(0, SIZE[1], SIZE[0], 3))  # below the screen
        assert compositor.render_partial_update() is None


async def test_a_repainted_widget_alone_is_drawn_and_the_screen_ends_as_textuals() -> None:
    """A real book change repaints ladder lines: the span compositor draws the ladder's pieces of
    them only (not a scrollbar or a container's gap on those lines), and the terminal ends up
    showing exactly what Textual's compositor would have left on it."""
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        before = painted(app, compositor.render_full_update(), {})
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        best_ask = ladder.ladder.best_ask
        assert best_ask is not None
        message = p.OrderbookDelta(market_ticker=LADDER_TICKER, side=NO, price=ONE_DOLLAR - best_ask, delta=700)
        app.market_state.apply(message)
        ladder.state_changed(Kind.BOOK, frozenset({LADDER_TICKER}))
        ladder.refresh()  # the whole ladder: its scrollbar's pieces are on the changed lines too
        compositor.update_widgets({ladder})
        regions = set(compositor._dirty_regions)
        assert regions
        asked: list[Widget] = []
        for widget in compositor.visible_widgets:
            render_lines = widget.render_lines

            def noted(crop: Region, widget: Widget = widget, render_lines: Any = render_lines) -> list[Strip]:
                asked.append(widget)
                return render_lines(crop)

            widget.render_lines = noted  # type: ignore[method-assign]
        ours = compositor.render_partial_update()
        ours_asked = set(asked)
        compositor._dirty_regions.update(regions)
        theirs = Compositor.render_partial_update(compositor)
        assert ours is not None and theirs is not None
        assert ours_asked == {ladder}
        assert set(asked) - ours_asked  # Textual also drew the scrollbar (and a container)
        after = painted(app, theirs, before)
        assert after != before  # the change shows
        assert painted(app, ours, before) == after
        assert len(ours.render_segments(app.console)) < len(theirs.render_segments(app.console))


async def test_a_region_not_from_a_repaint_draws_every_widget_showing_it() -> None:
    """A dirty region that no widget's repaint accounts for (a scroll, a layout, a screen refresh)
    is drawn whole, as Textual draws it."""
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        ladder.refresh()
        compositor._dirty_regions.add(Region(0, 0, SIZE[0], 1))  # e.g. from a screen refresh
        compositor.update_widgets({ladder})
        regions = set(compositor._dirty_regions)
        ours = compositor.render_partial_update()
        compositor._dirty_regions.update(regions)
        theirs = Compositor.render_partial_update(compositor)
        assert terminal_bytes(app, ours) == terminal_bytes(app, theirs)


async def test_a_scrollbars_column_alone_does_not_draw_the_table_behind_it() -> None:
    """A change in a table's scrollbar column (its thumb moved) draws the scrollbar only: the table
    is not asked for its lines, whose chops no span shows (the table's right border starts where
    the span ends: the terminal gets only a cursor move there); the bytes are Textual's."""
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        bars = [widget for widget in compositor.visible_widgets
                if isinstance(widget, ScrollBar) and widget.vertical and isinstance(widget.parent, DirectLines)]
        assert bars
        bar = bars[0]
        table = bar.parent
        asked: list[object] = []
        for widget in (table, bar):
            render_lines = widget.render_lines

            def noted(crop: Region, widget: Widget = widget, render_lines: Any = render_lines) -> list[Strip]:
                asked.append(widget)
                return render_lines(crop)

            widget.render_lines = noted  # type: ignore[method-assign]
        theirs, ours = both_updates(app, [bar.region])
        assert ours == theirs and ours
        assert asked.count(bar) == 2 and asked.count(table) == 1  # Textual's compositor asked the table too
