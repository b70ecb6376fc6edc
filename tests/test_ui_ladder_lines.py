"""The depth ladder repaints only the lines whose look changed, and renders a look only once.

Driven with Pilot over the deterministic scenario: one book delta is applied to the state and
announced through the real bridge; what Textual asks the ladder to draw is recorded by wrapping
the ladder's ``render_line`` (what Textual repaints) and ``_render_strip`` (what is rendered anew).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.cells import cell_len
from textual.pilot import Pilot
from textual.strip import Strip

from app.core import protocol as p
from app.core.book import NO
from app.core.fixed import CENT, COUNT_SCALE, ONE_DOLLAR
from app.core.state import Kind
from app.tui.feed_bridge import MessageSink
from tests.ui_states import LADDER_TICKER, dashboard_app, scenario, until
from widgets.formatting import count_text, price_text
from widgets.market.depth_ladder import FIXED_W, HEADER_LINES, DepthLadder
from widgets.market.ladder_model import ASK

SIZE = (120, 40)


class Drawn:
    """The lines Textual asked the ladder for, and the looks it rendered anew, since ``clear``."""

    def __init__(self, ladder: DepthLadder) -> None:
        self.lines: list[int] = []
        self.rendered = 0
        render_line, render_strip = ladder.render_line, ladder._render_strip

        def line(y: int) -> Strip:
            self.lines.append(y)
            return render_line(y)

        def strip(*key: Any) -> Strip:
            self.rendered += 1
            return render_strip(*key)

        ladder.render_line = line  # type: ignore[method-assign]
        ladder._render_strip = strip  # type: ignore[method-assign]

    def clear(self) -> None:
        self.lines.clear()
        self.rendered = 0


def announce_book(app: Any) -> None:
    MessageSink(app.dashboard).on_changes(Kind.BOOK, frozenset({LADDER_TICKER}))


def ask_delta(app: Any, price: int, delta: int) -> None:
    """Change the ask at ``price`` (yes side: the no bid at $1 - price) and announce it."""
    message = p.OrderbookDelta(market_ticker=LADDER_TICKER, side=NO, price=ONE_DOLLAR - price, delta=delta)
    app.market_state.apply(message)
    announce_book(app)


async def settled(pilot: Pilot[Any], drawn: Drawn) -> None:
    """Let the app draw what is pending, then forget it (the next paint draws nothing)."""
    await pilot.pause()
    drawn.clear()
    await pilot.pause()
    assert drawn.lines == []


def view_text(ladder: DepthLadder) -> list[str]:
    return [ladder.render_line(y).text for y in range(ladder.size.height)]


async def run_with_ladder(check: Callable[[Pilot[Any], DepthLadder, Drawn], Any]) -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        announce_book(app)  # the first change after the layout centres the ladder on the spread
        await until(pilot, lambda: ladder.scroll_offset.y > 0)
        drawn = Drawn(ladder)
        await settled(pilot, drawn)
        await check(pilot, ladder, drawn)


async def test_a_delta_at_one_price_repaints_only_that_line() -> None:
    async def check(pilot: Pilot[Any], ladder: DepthLadder, drawn: Drawn) -> None:
        # asks cumulate upwards: the topmost ask in view is the only line in view it moves
        top = ladder.ladder.rows[int(ladder.scroll_offset.y)]
        assert top.ask and top.ask < ladder.ladder.max_size
        ask_delta(ladder.app, top.price, 1)
        await until(pilot, lambda: bool(drawn.lines))
        await pilot.pause()
        assert drawn.lines == [HEADER_LINES] and drawn.rendered == 1
        assert ladder.flashing() == {(ASK, top.price): 1}
        # by colour alone: the size drawn in the up colour, no arrow beside it
        line = ladder.render_line(HEADER_LINES)
        assert "▲" not in line.text and "▼" not in line.text
        up = ladder.get_component_rich_style("depth-ladder--up").bgcolor
        size = count_text(ladder.ladder.rows[int(ladder.scroll_offset.y)].ask)
        assert [s.style.bgcolor for s in line if s.text.strip() == size] == [up]

    await run_with_ladder(check)


async def test_rows_shifted_by_a_new_level_are_repainted_from_their_kept_strips() -> None:
    async def check(pilot: Pilot[Any], ladder: DepthLadder, drawn: Drawn) -> None:
        before = view_text(ladder)
        drawn.clear()
        highest = ladder.ladder.rows[0].price
        ask_delta(ladder.app, highest + 100, 1)  # a new top level: every line below it moves down
        await until(pilot, lambda: bool(drawn.lines))
        await pilot.pause()
        body = list(range(HEADER_LINES, ladder.size.height))
        assert sorted(drawn.lines) == body
        assert drawn.rendered == 1  # the line moved into view; the others were rendered before
        after = view_text(ladder)
        assert after[HEADER_LINES + 1:] == before[HEADER_LINES:-1]

    await run_with_ladder(check)


async def test_a_whole_repaint_renders_nothing_anew_and_draws_what_a_fresh_render_would() -> None:
    async def check(pilot: Pilot[Any], ladder: DepthLadder, drawn: Drawn) -> None:
        ladder.refresh()
        await until(pilot, lambda: bool(drawn.lines))
        await pilot.pause()
        assert sorted(drawn.lines) == list(range(ladder.size.height)) and drawn.rendered == 0
        width = ladder.scrollable_content_region.width
        for y in range(ladder.size.height):
            key = ladder._line_key(y, width, not ladder.live, int(ladder.scroll_offset.y))
            assert ladder.render_line(y) == DepthLadder._render_strip(ladder, *key, ladder.rich_style)

    await run_with_ladder(check)


async def test_every_line_fills_exactly_its_width_cut_or_padded_live_or_dimmed() -> None:
    async def check(pilot: Pilot[Any], ladder: DepthLadder, drawn: Drawn) -> None:
        base = ladder.rich_style
        for width in (12, FIXED_W - 1, FIXED_W, FIXED_W + 1, FIXED_W + 2, 150):
            for dim in (False, True):
                for y in range(ladder.size.height):
                    look, _, line_dim = ladder._line_key(y, width, dim, int(ladder.scroll_offset.y))
                    strip = DepthLadder._render_strip(ladder, look, width, line_dim, base)
                    assert strip.cell_length == width
                    assert sum(cell_len(segment.text) for segment in strip) == width
                    styles = [segment.style for segment in strip]
                    assert all(a != b for a, b in zip(styles, styles[1:]))  # runs of one style joined

    await run_with_ladder(check)



def tell_my_order(app: Any, price: int, status: str) -> None:
    """The trader's yes bid for one contract at ``price``, as the order's answer sets it."""
    app.market_state.apply(p.UserOrder(
        order_id="mine", market_ticker=LADDER_TICKER, status=status, side="yes", action="buy", outcome_side="yes",
        yes_price=price, remaining_count=COUNT_SCALE if status == "resting" else 0,
    ))
    MessageSink(app.dashboard).on_changes(Kind.ORDER, frozenset())


async def test_an_order_where_the_book_has_no_level_has_a_row_until_it_goes() -> None:
    # The order's answer can come before the socket's delta (and the order bench's book is another
    # exchange's): the order was in the state, on no row, and nothing on screen showed it.
    async def check(pilot: Pilot[Any], ladder: DepthLadder, drawn: Drawn) -> None:
        shown = [row.price for row in ladder.ladder.rows[int(ladder.scroll_offset.y):][:ladder.size.height // 2]]
        price = next(high - CENT for high, low in zip(shown, shown[1:]) if high - low > CENT)
        before = view_text(ladder)
        tell_my_order(ladder.app, price, "resting")
        mine = f"●1 {price_text(price)}"
        await until(pilot, lambda: any(" ".join(line.split()[:2]) == mine for line in view_text(ladder)))
        tell_my_order(ladder.app, price, "canceled")
        await until(pilot, lambda: view_text(ladder) == before)

    await run_with_ladder(check)


def cursor_line(ladder: DepthLadder) -> int:
    """The screen line of the ladder drawn with the cursor mark."""
    return next(y for y, text in enumerate(view_text(ladder)) if "▸" in text)


async def test_the_cursor_row_stays_where_it_is_drawn_as_levels_come_and_go_above_it() -> None:
    async def check(pilot: Pilot[Any], ladder: DepthLadder, drawn: Drawn) -> None:
        ladder.focus()
        await pilot.press("down", "down")
        await until(pilot, lambda: ladder.cursor is not None and "▸" in "".join(view_text(ladder)))
        line, price = cursor_line(ladder), ladder.cursor
        ask_delta(ladder.app, ladder.ladder.rows[0].price + 100, 1)  # a new level above the cursor
        await until(pilot, lambda: len(ladder.ladder.rows) and ladder.ladder.rows[0].price > price + 99)
        await pilot.pause()
        assert (cursor_line(ladder), ladder.cursor) == (line, price)
        assert f"▸{price_text(price)}" in view_text(ladder)[line].replace(" ", "")

    await run_with_ladder(check)


async def test_the_cursor_keeps_its_row_when_the_level_under_it_empties() -> None:
    async def check(pilot: Pilot[Any], ladder: DepthLadder, drawn: Drawn) -> None:
        ladder.focus()
        await pilot.press("up", "up")  # from the best bid up into the asks
        await until(pilot, lambda: ladder.cursor is not None and "▸" in "".join(view_text(ladder)))
        price, line = ladder.cursor, cursor_line(ladder)
        book = ladder.app.market_state.books[LADDER_TICKER]
        size = book.size_at(NO, ONE_DOLLAR - price)
        assert size > 0
        ask_delta(ladder.app, price, -size)  # the level at the cursor empties
        await until(pilot, lambda: any(r.price == price and not r.ask for r in ladder.ladder.rows))
        await pilot.pause()
        assert ladder.cursor == price and any(r.price == price for r in ladder.ladder.rows)
        assert cursor_line(ladder) == line
        await pilot.press("up")  # and moves on from there, not from the top
        assert ladder.cursor is not None and ladder.cursor > price and cursor_line(ladder) == line - 1


def counting_rebuilds(ladder: DepthLadder) -> tuple[list[Kind], list[bool]]:
    """Make ``ladder`` note the kinds of each change handed to it and each rebuild of its rows
    (whether it flashes); return both lists."""
    changes: list[Kind] = []
    rebuilds: list[bool] = []
    state_changed, rebuild = ladder.state_changed, ladder._rebuild

    def handed(kinds: Kind, books: frozenset[str]) -> None:
        changes.append(kinds)
        state_changed(kinds, books)

    def counted(state: Any, flash: bool) -> None:
        rebuilds.append(flash)
        rebuild(state, flash)

    ladder.state_changed = handed  # type: ignore[method-assign]
    ladder._rebuild = counted  # type: ignore[method-assign]
    return changes, rebuilds


def announce_trade(app: Any, ticker: str, price: int) -> None:
    """Five contracts traded in ``ticker`` at yes ``price``, applied and announced as a flush does."""
    app.market_state.apply(p.Trade(market_ticker=ticker, yes_price=price, no_price=ONE_DOLLAR - price,
                                   count=5 * COUNT_SCALE, taker_side="yes"))
    MessageSink(app.dashboard).on_changes(Kind.TRADE, frozenset())


async def test_a_trade_rebuilds_the_ladder_only_when_it_is_in_the_ladders_market() -> None:
    async def check(pilot: Pilot[Any], ladder: DepthLadder, drawn: Drawn) -> None:
        changes, rebuilds = counting_rebuilds(ladder)
        other = next(ticker for ticker in ladder.app.market_state.tickers if ticker != LADDER_TICKER)
        price = ladder.ladder.rows[int(ladder.scroll_offset.y)].price
        before = view_text(ladder)
        announce_trade(ladder.app, other, price)
        await until(pilot, lambda: Kind.TRADE in changes)
        await pilot.pause()
        assert rebuilds == [] and view_text(ladder) == before
        announce_trade(ladder.app, LADDER_TICKER, price)
        await until(pilot, lambda: len(changes) == 2)
        assert rebuilds == [False]  # a rebuild that flashes no size
        traded, five = ladder.ladder.rows[int(ladder.scroll_offset.y)], count_text(5 * COUNT_SCALE)
        assert traded.price == price and traded.traded == 5 * COUNT_SCALE
        assert view_text(ladder)[HEADER_LINES].split()[:2] == [five, f"◆{five}"]  # traded, the last trade

    await run_with_ladder(check)
