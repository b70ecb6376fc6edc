"""What a key of filter-as-you-type redraws: the field and the rows it changes, not the screen.

A layout of the screen is counted by wrapping the screen's ``_refresh_layout`` (Textual's private
step that every layout goes through); a measurement, as the benchmarks' hooks are.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from app.tui.screens.finder import FinderScreen
from tests.ui_states import dashboard_app, scenario, until
from widgets._textual.compositor import screen_strips
from widgets.search_input import SearchInput
from widgets.tables.cells import Cell, ColumnSpec
from widgets.tables.line_table import Cells, LineTable


def count_calls(owner: Any, method: str) -> list[int]:
    """A counter (one item) of the calls of ``owner.method`` from now on (the calls go through)."""
    calls = [0]
    original = getattr(owner, method)

    def counted(*args: Any, **kwargs: Any) -> None:
        calls[0] += 1
        original(*args, **kwargs)

    setattr(owner, method, counted)
    return calls


def count_frames(app: App[Any]) -> list[int]:
    """A counter of the frames ``app`` draws from now on (at ``App._display``, where the
    benchmarks count them)."""
    return count_calls(app, "_display")


def count_layouts(screen: Screen[Any]) -> list[int]:
    """A counter of the layouts of ``screen`` from now on."""
    return count_calls(screen, "_refresh_layout")


class Numbers(LineTable):
    """One column: the row's key."""

    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (ColumnSpec("n", "N", 6),)

    def row_cells(self, key: str) -> Cells:
        return (Cell(key),)


class FieldAndTable(App[None]):
    """A search field over a table, as the grid's filter is."""

    def compose(self) -> ComposeResult:
        yield SearchInput(id="field")
        yield Numbers()


async def test_typing_in_a_search_field_repaints_it_without_a_layout() -> None:
    app = FieldAndTable()
    async with app.run_test(size=(40, 12)) as pilot:
        field = app.query_one(SearchInput)
        field.focus()
        await pilot.pause()
        layouts = count_layouts(app.screen)
        await pilot.press(*"bitcoin", "backspace")
        await pilot.pause()
        assert field.value == "bitcoi"
        assert layouts == [0]
        await pilot.press(*"n and a text longer than the field")  # it scrolls to its cursor
        await pilot.pause()
        assert field.scroll_offset.x > 0
        assert layouts == [0]


async def test_a_new_row_count_moves_the_scrollbar_without_a_layout_unless_it_comes_or_goes() -> None:
    app = FieldAndTable()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(Numbers)
        table.set_rows(str(n) for n in range(500))
        await pilot.pause()
        assert table.show_vertical_scrollbar
        table.scroll_to(y=450, animate=False)
        await pilot.pause()
        layouts = count_layouts(app.screen)
        table.set_rows(str(n) for n in range(100))
        await pilot.pause()
        assert layouts == [0]
        assert table.vertical_scrollbar.window_virtual_size == 101  # the header and 100 rows
        assert table.scroll_offset.y == table.max_scroll_y < 100  # kept within the rows
        assert table.visible_keys()[-1] == "99"
        table.set_rows(["1", "2"])  # no scrollbar: the content region widens, a layout
        await until(pilot, lambda: not table.show_vertical_scrollbar)
        await pilot.pause()
        assert layouts[0] >= 1
        assert table.visible_keys() == ["1", "2"]


async def test_the_finder_keeps_the_dashboard_behind_it_as_it_opened_and_it_is_drawn_again_on_close() -> None:
    app = dashboard_app(scenario(steps=0), markets=())
    async with app.run_test(size=(120, 40)) as pilot:  # the finder's box leaves the top lines
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, FinderScreen))
        await pilot.pause()
        top = screen_strips(app.screen)[0].text
        assert "NO FEED" in top  # the dashboard's status bar, dimmed
        frames = count_frames(app)
        app.dashboard.query_one("#feed-badge", Static).update("CHANGED BEHIND")
        await pilot.pause()
        assert frames == [0]  # nothing drawn for a change behind the finder
        assert screen_strips(app.screen)[0].text == top
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.dashboard)
        await pilot.pause()
        assert "CHANGED BEHIND" in screen_strips(app.screen)[0].text  # drawn whole, as it is now


async def test_a_new_terminal_size_lets_the_finder_draw_the_dashboard_behind_it_live_again() -> None:
    app = dashboard_app(scenario(steps=0), markets=())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, FinderScreen))
        await pilot.pause()
        await pilot.resize_terminal(140, 44)
        await pilot.pause()
        top = screen_strips(app.screen)[0]
        assert top.cell_length == 140 and "NO FEED" in top.text  # the dashboard, at the new width
        app.dashboard.query_one("#feed-badge", Static).update("CHANGED BEHIND")
        await until(pilot, lambda: "CHANGED BEHIND" in screen_strips(app.screen)[0].text)
