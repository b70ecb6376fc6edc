"""The line-drawn table base (widgets/tables/line_table.py) and its render memo, through the trade tape."""

from __future__ import annotations

from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot

from app.core.state import Kind, MarketState
from app.tui.screen_text import screen_text
from tests import table_states as ts
from tests.ui_states import until
from widgets.market.trade_tape import TradeTape
from widgets.tables.cells import Cell, ColumnSpec
from widgets.tables.line_table import Cells, LineTable

SIZE = (80, 12)  # the tape shows 7 rows under its header (border and scrollbar take the rest)


def tape_with(trades: int, capacity: int = 100) -> tuple[ts.TableApp, MarketState]:
    state = MarketState(trade_capacity=capacity)
    ts.apply(state, *(ts.numbered_trade(n) for n in range(1, trades + 1)))
    return ts.TableApp(TradeTape(), state), state


async def new_trades(pilot: Pilot[None], tape: TradeTape, state: MarketState, *numbers: int) -> None:
    ts.apply(state, *(ts.numbered_trade(n) for n in numbers))
    tape.state_changed(Kind.TRADE, frozenset())
    await until(pilot, lambda: not tape.intake_pending)
    await pilot.pause()


def counts_on_screen(tape: LineTable) -> list[str]:
    """The count column of the rows drawn, top to bottom."""
    index = [c.key for c in tape.COLUMNS].index("count")
    return [tape.get_cell(key, tape.COLUMNS[index].key) for key in tape.visible_keys()]


async def test_keys_move_the_cursor_and_scroll_it_into_view() -> None:
    app, _state = tape_with(40)
    async with app.run_test(size=SIZE) as pilot:
        tape = app.table
        tape.focus()
        await pilot.pause()
        rows = len(tape.visible_keys())
        assert rows >= 3 and tape.cursor_row == 0
        await pilot.press("down", "down")
        assert tape.cursor_row == 2 and tape.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert tape.cursor_row == 2 + rows
        await pilot.pause()
        assert tape.cursor_key() in tape.visible_keys()  # scrolled so the cursor shows
        await pilot.press("end")
        await pilot.pause()
        assert tape.cursor_row == 39 and tape.visible_keys()[-1] == tape.cursor_key()
        assert tape.get_cell(tape.cursor_key() or "", "count") == "1"  # the oldest trade
        await pilot.press("home")
        await pilot.pause()
        assert tape.cursor_row == 0 and tape.scroll_offset.y == 0


class SelectionApp(ts.TableApp):
    """A one-table app that notes the rows selected."""

    selected: list[str]

    def on_line_table_row_selected(self, message: LineTable.RowSelected) -> None:
        self.selected.append(message.key)


async def test_a_click_on_a_row_moves_the_cursor_there_and_selects_it() -> None:
    _app, state = tape_with(10)
    app = SelectionApp(TradeTape(), state)
    selected = app.selected = []
    async with app.run_test(size=SIZE) as pilot:
        tape = app.table
        await pilot.click(TradeTape, offset=(5, 4))  # border 1 + header 1: the third row
        await pilot.pause()
        assert tape.cursor_row == 2
        assert selected == [tape.row_keys[2]]
        await pilot.press("enter")
        await pilot.pause()
        assert selected == [tape.row_keys[2]] * 2


async def test_a_cursor_on_the_top_row_stays_on_top_as_trades_arrive_elsewhere_on_its_trade() -> None:
    app, state = tape_with(10)
    async with app.run_test(size=SIZE) as pilot:
        tape = app.table
        await new_trades(pilot, tape, state, 11)
        assert tape.cursor_row == 0 and tape.get_cell(tape.cursor_key() or "", "count") == "11"
        tape.move_cursor(3)
        held = tape.cursor_key()
        await new_trades(pilot, tape, state, 12, 13)
        assert tape.cursor_key() == held and tape.cursor_row == 5


async def test_the_lines_drawn_after_a_change_show_it() -> None:
    app, state = tape_with(10)
    async with app.run_test(size=SIZE) as pilot:
        tape = app.table
        await pilot.pause()
        crop = Region(0, 0, tape.region.width, tape.region.height)
        first = tape.render_lines(crop)
        await new_trades(pilot, tape, state, 11)
        again = tape.render_lines(crop)
        assert again is not first
        assert any(" 11 " in line.text for line in again) and not any(" 11 " in line.text for line in first)
        assert counts_on_screen(tape)[0] == "11"


class Numbers(LineTable):
    """Fifty rows of one number each, which the test changes."""

    COLUMNS = (ColumnSpec("n", "N", 6, numeric=True),)

    def __init__(self) -> None:
        super().__init__()
        self.values = {str(i): i for i in range(50)}

    def row_cells(self, key: str) -> Cells:
        return (Cell(str(self.values[key])),)

    def on_mount(self) -> None:
        super().on_mount()
        self.set_rows(list(self.values))


class NumbersApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Numbers()


async def test_a_changed_row_is_drawn_again_when_the_table_is_scrolled() -> None:
    app = NumbersApp()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(Numbers)
        table.move_cursor(30)
        await pilot.pause()
        assert table.scroll_offset.y > 0 and "29" in table.visible_keys()
        crop = Region(0, 0, table.region.width, table.region.height)
        table.values["29"] = 999_999
        table.invalidate(["29"])
        await pilot.pause()
        assert any("999999" in line.text for line in table.render_lines(crop))
        table.move_cursor(29)  # the cursor line moves within the scrolled view
        await pilot.pause()
        lines = table.render_lines(crop)
        cursor = table._style("line-table--cursor")
        assert [line.text.strip() for line in lines if any(seg.style == cursor for seg in line)] == ["999999"]


async def test_rows_added_past_a_scrolling_view_lay_nothing_out_yet_scroll_and_show_to_the_last() -> None:
    app, state = tape_with(20)
    async with app.run_test(size=SIZE) as pilot:
        tape = app.table
        await pilot.pause()
        assert tape.show_vertical_scrollbar
        laid_out: list[object] = []
        refresh_layout = app.screen._refresh_layout

        def noted(*args: object, **kwargs: object) -> None:
            laid_out.append(args)
            refresh_layout(*args, **kwargs)  # type: ignore[arg-type]

        app.screen._refresh_layout = noted  # type: ignore[method-assign]
        await new_trades(pilot, tape, state, *range(21, 41))
        assert laid_out == []  # past the view before and after: the same scrollbars, no layout
        assert tape.virtual_size.height == 41 and tape.vertical_scrollbar.window_virtual_size == 41
        tape.focus()
        await pilot.press("end")
        await pilot.pause()
        assert tape.cursor_row == 39 and tape.visible_keys()[-1] == tape.cursor_key()
        assert tape.scroll_offset.y == tape.max_scroll_y > 20 - tape.container_size.height


def counting_draws(table: LineTable) -> list[str]:
    """Make ``table`` note the count cell of each row line it draws from cells; return that list."""
    drawn: list[str] = []
    draw = table._draw
    count = [c.key for c in table.COLUMNS].index("count")

    def counted(cells: Cells, *args: object, **kwargs: object) -> object:
        drawn.append(cells[count].text)
        return draw(cells, *args, **kwargs)  # type: ignore[arg-type]

    table._draw = counted  # type: ignore[method-assign]
    return drawn


def stripes(tape: LineTable, lines: list[str]) -> list[bool]:
    """Whether each row line below the header is on the even stripe (the cursor row left out)."""
    even = tape._style("line-table--even-row")
    return [any(seg.style == even for seg in line) for line in lines]


async def test_an_intake_draws_only_the_new_rows_and_the_rows_below_keep_their_stripes() -> None:
    app, state = tape_with(40)
    async with app.run_test(size=(80, 24)) as pilot:
        tape = app.table
        await pilot.pause()
        crop = Region(0, 0, tape.region.width, tape.region.height)
        rows = len(tape.visible_keys())
        before = tape.render_lines(crop)[2:2 + rows]  # below the border and the header
        assert rows > 10
        drawn = counting_draws(tape)
        await new_trades(pilot, tape, state, 41)  # one trade: an odd shift of every row
        # the new trade's row (under the cursor) and the row the cursor left; every other line
        # is the one drawn before, one row lower, on the same stripe
        assert sorted(drawn) == ["40", "41"]
        after = tape.render_lines(crop)[2:2 + rows]
        assert [line.text for line in after[2:]] == [line.text for line in before[1:-1]]
        assert stripes(tape, after[2:]) == stripes(tape, before[1:-1])
        striped = stripes(tape, after[1:])
        assert all(upper != lower for upper, lower in zip(striped, striped[1:]))  # still alternating


async def test_a_new_order_keeps_the_cursor_on_its_key_indexes_every_row_and_forgets_rows_that_left() -> None:
    app = NumbersApp()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(Numbers)
        await pilot.pause()
        table.move_cursor(3)
        assert table.get_cell("3", "n") == "3"  # row 3's cells kept
        order = [str(i) for i in reversed(range(50))]
        table.set_rows(order)
        assert table.cursor_key() == "3" and table.cursor_row == 46
        assert [table.index_of(key) for key in order] == list(range(50)) and table.index_of("50") is None
        table.set_rows([key for key in order if key != "3"])  # row 3 leaves: its cells go
        table.values["3"] = 333  # changed while it had no row, so nobody invalidated it
        table.set_rows(order[:10] + ["3"])
        assert table.index_of("3") == 10 and table.get_cell("3", "n") == "333"


async def test_rows_added_under_those_shown_and_then_reordered_are_found_at_their_rows() -> None:
    app = NumbersApp()
    async with app.run_test(size=(30, 10)):
        table = app.query_one(Numbers)
        table.values.update({str(i): i for i in range(50, 80)})
        table.set_rows(list(table.values))  # added under the 50 shown
        assert table.row_keys == [str(i) for i in range(80)]
        assert [table.index_of(str(i)) for i in (0, 49, 50, 79)] == [0, 49, 50, 79]
        shuffled = [str(i) for i in range(79, 9, -1)]  # another order, ten rows gone
        table.set_rows(shuffled)
        assert all(table.index_of(key) == row for row, key in enumerate(shuffled))
        assert table.index_of("0") is None and table.index_of("9") is None


async def test_rows_added_under_the_view_repaint_no_row_in_it_and_those_that_come_into_view_are_shown() -> None:
    app = NumbersApp()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(Numbers)
        table.set_rows([str(i) for i in range(3)])  # three rows: the view has room under them
        await pilot.pause()
        refreshed: list[tuple[Region, ...]] = []
        refresh = table.refresh

        def noted(*regions: Region, **kwargs: bool) -> Numbers:
            refreshed.append(regions)
            return refresh(*regions, **kwargs)

        table.refresh = noted  # type: ignore[method-assign]
        table.set_rows([str(i) for i in range(6)])
        await pilot.pause()
        assert refreshed and all(refreshed)  # regions only: never the whole table
        assert {line for regions in refreshed for region in regions for line in region.line_range} == {4, 5, 6}
        text = screen_text(app)  # the screen's rows one after another, 30 characters each
        assert [text[row * 30:(row + 1) * 30].split() for row in range(1, 7)] == [[str(i)] for i in range(6)]
        table.set_rows(list(table.values))  # 50 rows: a scrollbar comes, the table is laid out
        await pilot.pause()
        refreshed.clear()
        table.values.update({str(i): i for i in range(50, 80)})
        table.set_rows(list(table.values))  # 30 more under the view
        await pilot.pause()
        assert refreshed == [] and table.virtual_size.height == 81


class Words(LineTable):
    """Rows of a number and two texts (one of wide characters), in columns wider than a narrow view."""

    COLUMNS = (ColumnSpec("n", "N", 5, numeric=True), ColumnSpec("a", "Wide", 7), ColumnSpec("b", "Text", 9))

    def row_cells(self, key: str) -> Cells:
        return (Cell(key), Cell("日本語テキスト"), Cell("plain text here"))

    def on_mount(self) -> None:
        super().on_mount()
        self.set_rows([str(i) for i in range(30)])


class WordsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Words()


async def test_a_row_drawn_for_a_window_of_its_columns_is_the_whole_row_cropped() -> None:
    app = WordsApp()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(Words)
        await pilot.pause()
        cells = table._row("3")
        header = tuple(Cell(table.header_label(spec)) for spec in table.COLUMNS)
        width = table._line_width
        for look in ("", "line-table--even-row", "line-table--cursor", "line-table--header"):
            whole = table._draw(header if look == "line-table--header" else cells, look)
            assert whole.cell_length == width == 27
            pad = table._style(look) if look else Style()
            for start in range(0, width + 2):
                for end in range(start, width + 6):
                    windowed = table._draw(header if look == "line-table--header" else cells, look, start, end)
                    assert list(windowed) == list(whole.crop_extend(start, end, pad)), (look, start, end)
                    assert windowed.cell_length == end - start


async def test_an_invalidated_row_whose_cells_did_not_change_is_not_drawn_again() -> None:
    app = NumbersApp()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(Numbers)
        await pilot.pause()
        drawn: list[str] = []
        draw = table._draw

        def counted(cells: Cells, *args: object, **kwargs: object) -> object:
            drawn.append(cells[0].text)
            return draw(cells, *args, **kwargs)  # type: ignore[arg-type]

        table._draw = counted  # type: ignore[method-assign]
        table.move_cursor(0)
        table.values["2"] = 222
        table.invalidate(["1", "2", "3"])  # only row 2 changed
        await pilot.pause()
        assert "222" in drawn and "1" not in drawn and "3" not in drawn
        assert table.get_cell("2", "n") == "222"


async def test_a_new_order_repaints_only_the_lines_whose_row_moved() -> None:
    app = NumbersApp()
    async with app.run_test(size=(30, 10)) as pilot:
        table = app.query_one(Numbers)
        await pilot.pause()
        refreshed: list[tuple[Region, ...]] = []
        refresh = table.refresh

        def noted(*regions: Region, **kwargs: bool) -> Numbers:
            refreshed.append(regions)
            return refresh(*regions, **kwargs)

        table.refresh = noted  # type: ignore[method-assign]
        order = list(table.values)
        order[3], order[4] = order[4], order[3]  # two rows swap: virtual lines 4 and 5
        table.set_rows(order)
        await pilot.pause()
        assert refreshed and all(refreshed)  # regions only: not the border, the header or other rows
        assert {line for regions in refreshed for region in regions for line in region.line_range} == {4, 5}
        text = screen_text(app)
        assert [text[row * 30:(row + 1) * 30].split() for row in range(1, 7)] == [
            [str(i)] for i in (0, 1, 2, 4, 3, 5)]
