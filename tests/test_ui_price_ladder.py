"""The depth ladder's price-ladder mode with Pilot: ``p`` switches to a row at every tick around the
touch (sub-cent where the market allows) and back; the user's orders and position in their columns;
the cursor steps tick by tick and the order keys act at its price on the simulator over loopback;
bars stay in their columns and numbers up to 10⁹ keep their digits at 80, 160 and 220 columns; a
book with neither side has no divider; a market that no longer trades shows its state and result."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from app.core import protocol as p
from app.core.book import NO
from app.core.fixed import CENT, COUNT_SCALE, format_price_dollars
from app.core.state import Kind
from app.tui.feed_bridge import MessageSink
from app.tui.screens.order_ticket import OrderTicketDialog
from tests import table_states as ts
from tests.test_ui_numbers import huge_scenario
from tests.test_ui_orders import SIZE as TRADING_SIZE
from tests.test_ui_orders import TIMEOUT, ladder_ready, resting_ids, trading_app
from tests.ui_shots import add_orders_and_position, order_frame
from tests.ui_states import LADDER_TICKER, NOW, advance, dashboard_app, scenario, until
from widgets.market.depth_ladder import COLUMNS, HEADER_LINES, MAX_BAR_W, PRICE_COLUMNS, Columns, DepthLadder
from widgets.market.ladder_model import BEYOND, build_ladder

SIZE = (160, 48)
BLOCKS = set("▏▎▍▌▋▊▉█")
PRICE = re.compile(r"▸?([0-9.]+)¢")


def body(ladder: DepthLadder) -> list[str]:
    return [ladder.render_line(y).text for y in range(HEADER_LINES, ladder.size.height)]


def all_lines(ladder: DepthLadder) -> list[str]:
    """Every ladder line, scrolled or not, as drawn at the ladder's width."""
    width = ladder.scrollable_content_region.width
    return [ladder._render_strip(ladder._body_look(i), width, False, ladder.rich_style).text
            for i in range(ladder._line_count())]


def prices_of(ladder: DepthLadder) -> list[int]:
    return [row.price for row in ladder.ladder.rows]


def by_price(lines: list[str]) -> dict[str, str]:
    """The price rows of ``lines`` under their price in cents (``"4"``, ``"12.5"``)."""
    return {match.group(1): line for line in lines if (match := PRICE.search(line)) and "spread" not in line}


async def focused_ladder(pilot: Pilot[Any], ticker: str = LADDER_TICKER) -> DepthLadder:
    ladder = pilot.app.dashboard.ladders()[ticker]
    await until(pilot, lambda: bool(ladder.ladder.rows))
    ladder.focus()
    return ladder


async def test_p_shows_every_tick_around_the_touch_with_orders_and_position_and_back() -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        ladder = await focused_ladder(pilot)
        add_orders_and_position(app)
        depth = prices_of(ladder)
        assert any(a - b > CENT for a, b in zip(depth, depth[1:]))  # the depth ladder skips empty prices
        await pilot.press("p")
        assert ladder.price_mode and "My bids" in ladder.render_line(1).text
        prices = prices_of(ladder)
        best_bid, best_ask = ladder.ladder.best_bid, ladder.ladder.best_ask
        assert best_bid is not None and best_ask is not None
        assert prices == list(range(prices[0], prices[-1] - 1, -CENT))  # every cent, none skipped
        assert prices[0] == best_ask + BEYOND * CENT and prices[-1] == max(CENT, best_bid - BEYOND * CENT)
        # centred on the touch: the spread line in the middle of the view
        spread = next(y for y, line in enumerate(body(ladder)) if "spread" in line)
        assert abs(spread - len(body(ladder)) // 2) <= 1
        rows = by_price(all_lines(ladder))
        assert rows["3"].split()[0] == "●25" and rows["8"].split()[-1] == "●10"  # a bid; an ask (the no buy)
        assert rows["4"].split()[:2] == ["YES", "40"]  # the position at its average price, 4.2¢, to the tick
        await pilot.press("p")
        assert not ladder.price_mode and "Cum" in ladder.render_line(1).text and prices_of(ladder) == depth


async def test_the_ladder_reads_the_account_again_only_after_news_of_its_own_market() -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        ladder = await focused_ladder(pilot)
        add_orders_and_position(app)
        await until(pilot, lambda: ladder.mine.get(3 * CENT) == 25 * COUNT_SCALE)
        told = []
        state_changed = ladder.state_changed

        def counted(kinds: Kind, books: frozenset[str]) -> None:
            told.append(kinds)
            state_changed(kinds, books)

        ladder.state_changed = counted  # type: ignore[method-assign]
        mine = ladder.mine
        elsewhere = json.loads(order_frame("theirs-1", "yes", "0.0300", "7.00"))
        elsewhere["msg"]["ticker"] = "KXOTHER-1"
        ts.apply(app.market_state, json.dumps(elsewhere))
        MessageSink(app.dashboard).on_changes(Kind.ORDER, frozenset())
        await until(pilot, lambda: bool(told))
        assert ladder.mine is mine  # the orders of another market: not read again
        ts.apply(app.market_state, order_frame("mine-3", "yes", "0.0200", "5.00"))
        MessageSink(app.dashboard).on_changes(Kind.ORDER, frozenset())
        await until(pilot, lambda: ladder.mine.get(2 * CENT) == 5 * COUNT_SCALE)
        assert ladder.mine.get(3 * CENT) == 25 * COUNT_SCALE

async def test_a_sub_cent_market_shows_its_tenth_of_a_cent_ticks() -> None:
    sim = scenario(ladders=3)
    ticker = sim.tickers[2]
    assert sim.state.markets[ticker].price_ranges[0].step == CENT // 10
    app = dashboard_app(sim, markets=[ticker])
    async with app.run_test(size=SIZE) as pilot:
        ladder = await focused_ladder(pilot, ticker)
        await pilot.press("p")
        prices = prices_of(ladder)
        assert prices == list(range(prices[0], prices[-1] - 1, -(CENT // 10)))
        assert any(".1¢" in line or ".9¢" in line for line in all_lines(ladder))
        await pilot.press("f")  # the no side: the same ticks mirrored
        no_prices = prices_of(ladder)
        assert ladder.side == NO and no_prices == list(range(no_prices[0], no_prices[-1] - 1, -(CENT // 10)))


async def test_the_cursor_steps_tick_by_tick_past_the_rows_shown_and_orders_act_at_its_price(tmp_path: Path) -> None:
    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=TRADING_SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            await pilot.press("p")
            scale = ladder.tick_scale()
            best_bid = ladder.ladder.best_bid
            lowest = prices_of(ladder)[-1]
            assert best_bid is not None
            await pilot.press("down", "down")
            price = scale.step(best_bid, -2)
            assert ladder.cursor == price
            await pilot.press("b")
            await until(pilot, lambda: ladder.mine.get(price) == COUNT_SCALE, TIMEOUT)
            cursor_row = next(line for line in body(ladder) if "▸" in line)
            assert cursor_row.split()[0] == "●1"  # in My bids, on the cursor's row
            await pilot.press("delete")
            await until(pilot, lambda: not ladder.mine, TIMEOUT)
            assert resting_ids(sim, ticker) == []
            # past the lowest row shown: the rows stretch to the cursor, which stays in view
            steps = len(scale.ticks(lowest, price)) + 2
            await pilot.press(*["down"] * steps)
            assert ladder.cursor == scale.step(lowest, -3) and prices_of(ladder)[-1] == ladder.cursor
            assert any("▸" in line for line in body(ladder))
            await pilot.press("up")
            assert ladder.cursor == scale.step(lowest, -2)
            # the ticket opens at the cursor's price, an empty tick
            assert ladder.cursor not in {row.price for row in build_ladder(
                app.market_state.books[ticker], ladder.side).rows}
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, OrderTicketDialog), TIMEOUT)
            assert app.screen.query_one("#ticket-price", Input).value == format_price_dollars(ladder.cursor)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is app.dashboard, TIMEOUT)
            # back on the depth ladder a cursor on an empty tick starts again at the best bid
            await pilot.press("p")
            assert not ladder.price_mode and ladder.cursor is None
            await pilot.press("down")
            assert ladder.cursor == prices_of(ladder)[prices_of(ladder).index(ladder.ladder.best_bid) + 1]
            await app.action_quit()


def column_spans(columns: Columns, bar_width: int) -> list[tuple[int, int]]:
    """(start, end) of each of ``columns`` at ``bar_width``."""
    spans, x = [], 0
    for width, _, gap in columns:
        x += gap
        spans.append((x, x + (bar_width if width is None else width)))
        x = spans[-1][1]
    return spans


def check_columns(rows: dict[str, str], columns: Columns, bar_w: int) -> tuple[slice, slice]:
    """Every row keeps a blank between columns and its bars in the bar columns; the two bars' slices."""
    spans = column_spans(columns, bar_w)
    bars = [i for i, (column_width, _, _) in enumerate(columns) if column_width is None]
    gaps = [x for (start, _), (_, _, gap) in zip(spans, columns) for x in range(start - gap, start)]
    for line in rows.values():
        assert all(line[x] == " " for x in gaps), line  # a blank between columns
        assert not any(set(line[start:end]) & BLOCKS for i, (start, end) in enumerate(spans) if i not in bars), line
    bid_bar, ask_bar = (slice(*spans[i]) for i in bars)
    return bid_bar, ask_bar


@pytest.mark.parametrize("size", [(80, 24), (160, 48), (220, 60)])
async def test_bars_stay_in_their_columns_in_either_mode_at_every_width(size: tuple[int, int]) -> None:
    sim = scenario()
    sim.apply([ts.frame("orderbook_snapshot", {
        "market_ticker": LADDER_TICKER, "yes_dollars_fp": [["0.0500", "1000000000.00"], ["0.0400", "20.00"],
                                                           ["0.0300", "10.00"]],
        "no_dollars_fp": [["0.9400", "30.00"], ["0.9300", "999999999.99"]]})])
    app = dashboard_app(sim)
    async with app.run_test(size=size) as pilot:
        ladder = await focused_ladder(pilot)
        width = ladder.scrollable_content_region.width
        bar_w = ladder._bar_width(width)
        bid_bar, _ = check_columns(by_price(all_lines(ladder)), COLUMNS, bar_w)
        assert by_price(all_lines(ladder))["5"][bid_bar] == "█" * bar_w  # the largest: a full bar, no more
        await pilot.press("p")
        bar_w = ladder._bar_width(width, True)
        assert bar_w <= MAX_BAR_W  # a maximum width: at 220 columns the bars stop growing
        rows = by_price(all_lines(ladder))
        bid_bar, ask_bar = check_columns(rows, PRICE_COLUMNS, bar_w)
        assert "1.00B" in rows["5"] and rows["5"][bid_bar] == "█" * bar_w  # a whale over the capped scale
        assert "1.00B" in rows["7"] and rows["7"][ask_bar] == "█" * bar_w
        small = rows["4"][bid_bar].strip()  # 20 on a scale of 4x the median (30): still readable
        assert small and small != "█" * bar_w


async def test_a_book_with_neither_side_has_no_divider() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        ladder = await focused_ladder(pilot)
        advance(app, sim, 400)  # trades since the ladder opened: rows of traded prices
        await until(pilot, lambda: any(row.traded for row in ladder.ladder.rows))
        ts.apply(sim.state, ts.book_snapshot(LADDER_TICKER, [], []))
        MessageSink(app.dashboard).on_changes(Kind.BOOK, frozenset({LADDER_TICKER}))
        await until(pilot, lambda: ladder.ladder.best_bid is None and ladder.ladder.best_ask is None)
        assert ladder.ladder.rows  # the traded prices are still shown
        lines = all_lines(ladder)
        assert not any("one-sided" in line or "───" in line for line in lines)
        assert len(lines) == len(ladder.ladder.rows)


def lifecycle(app: Any, **fields: Any) -> None:
    """A lifecycle message about the ladder's market, applied and announced."""
    app.market_state.apply(p.MarketLifecycle(market_ticker=LADDER_TICKER, **fields))
    MessageSink(app.dashboard).on_changes(Kind.LIFECYCLE, frozenset())


async def test_a_market_that_no_longer_trades_shows_its_state_and_result_in_either_mode() -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        ladder = await focused_ladder(pilot)
        await pilot.press("p")
        closing = dict(event_type="close_date_updated", close_ts=int(NOW) - 60)  # its close time passed
        determined = dict(event_type="determined", result="no")
        for fields, result in ((closing, "closed"), (determined, "determined NO")):
            lifecycle(app, **fields)
            await until(pilot, lambda result=result: f"■ {result.upper()}" in ladder.render_line(0).text)
            for _mode in range(2):  # the same in either mode
                title = ladder.render_line(0).text
                assert f"■ {result.upper()}" in title and "LIVE" not in title and "closes in" not in title
                lines = [line.strip() for line in body(ladder)]
                assert lines[0] == f"{result}: the market no longer trades" and not any(lines[1:])
                assert not any("spread" in line or "one-sided" in line or "¢" in line for line in all_lines(ladder))
                await pilot.press("p")


@pytest.mark.parametrize("size", [(80, 24), (160, 48), (220, 60)])
async def test_numbers_up_to_a_billion_keep_their_digits_in_the_price_ladder(size: tuple[int, int]) -> None:
    app = dashboard_app(huge_scenario())
    async with app.run_test(size=size) as pilot:
        ladder = await focused_ladder(pilot)
        await pilot.press("p")
        lines = all_lines(ladder)
        width = ladder.scrollable_content_region.width
        assert not any("…" in line for line in lines) and all(len(line) <= width for line in lines)
        rows = by_price(lines)
        bid, ask = rows["5"].split()[-3:], rows["6"].split()[:3]  # size, bar and price; price, bar, size
        assert bid[0] == "1.00B" and set(bid[1]) <= BLOCKS and bid[2] == "5¢"
        assert ask[0] == "6¢" and set(ask[1]) <= BLOCKS and ask[2] == "1.00B"
        # the position (987,654,321 no for $450M: 45.56¢ a no, 54.44¢ on the yes scale) on its row
        assert rows["54"].split()[:2] == ["NO", "987.65M"]
