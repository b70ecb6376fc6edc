"""The event view (``e``) and the price history (grid sparklines, the chart under the ladder),
driven with Pilot over deterministic data."""

from __future__ import annotations

from app.core import protocol as p
from app.core.catalog import CatalogEvent, CatalogMarket
from app.core.catalog_state import apply_catalog
from app.core.event_view import event_members, event_of, summarize
from app.core.state import Kind, MarketState
from app.tui.feed_bridge import MessageSink
from app.tui.main import KalshiDashApp
from tests.ui_states import LADDER_TICKER, NOW, advance, dashboard_app, scenario, until
from widgets.formatting import price_text
from widgets.market.chart_model import sparkline
from widgets.market.event_strip import EventStrip
from widgets.market.price_chart import PriceChart
from widgets.market.ticker_grid import TREND_WIDTH, TickerGrid

SIZE = (120, 40)
STRIKE = "KXHIGHNY-25NOV27-B51"


def strip_of(app: KalshiDashApp) -> EventStrip:
    return app.dashboard.query_one(EventStrip)


def column(strip: EventStrip, ticker: str) -> dict[str, str]:
    """The cells of one strike's column, by row key."""
    table = strip.table
    return {str(row.key.value): str(table.get_cell(row.key, ticker)).strip() for row in table.ordered_rows}


async def test_e_on_the_grid_shows_the_event_with_its_strikes_prices_and_sums() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        grid.focus()
        grid.show_ticker(STRIKE)
        await pilot.press("e")
        strip = strip_of(app)
        assert app.dashboard.current_pane == "event"
        event = event_of(app.market_state, STRIKE)
        assert strip.event_ticker == event == "KXHIGHNY-25NOV27"
        members = event_members(app.market_state, event)
        assert [str(c.key.value) for c in strip.table.ordered_columns] == members
        assert members == sorted(sim.exchange.universe.events[event].markets)  # B49, B51, B53
        assert strip.cursor_ticker() == STRIKE
        for ticker in members:
            msg = app.market_state.tickers[ticker]
            cells = column(strip, ticker)
            assert (cells["bid"], cells["ask"], cells["last"]) == (
                price_text(msg.yes_bid), price_text(msg.yes_ask), price_text(msg.price))
        summary = strip.summary
        assert summary is not None
        assert summary.ask_sum == sum(app.market_state.tickers[t].yes_ask for t in members)
        verdict = str(strip.query_one("#event-verdict").content)
        assert f"Σ yes ask {price_text(summary.ask_sum)}" in verdict
        assert f"Σ yes bid {price_text(summary.bid_sum)}" in verdict


async def test_the_event_view_follows_the_market_and_enter_opens_the_strikes_ladder() -> None:
    sim = scenario()
    app = dashboard_app(sim, markets=())
    async with app.run_test(size=SIZE) as pilot:
        app.dashboard.show_event(STRIKE)
        strip = strip_of(app)
        await pilot.pause()
        advance(app, sim, 400)
        await until(pilot, lambda: strip.summary == summarize(app.market_state, strip.event_ticker or ""))
        msg = app.market_state.tickers[STRIKE]
        assert column(strip, STRIKE)["ask"] == price_text(msg.yes_ask)
        strip.table.focus()
        await pilot.press("l")  # as right does: the next strike
        chosen = strip.cursor_ticker()
        assert chosen is not None and chosen != STRIKE
        await pilot.press("h", "right")
        assert strip.cursor_ticker() == chosen
        await pilot.press("enter")
        await until(pilot, lambda: chosen in app.dashboard.ladders())
        assert app.dashboard.current_pane == "markets"
        assert app.dashboard.active_ladder().ticker == chosen


async def test_7_shows_the_event_of_the_market_under_the_grid_cursor() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        grid.focus()
        grid.show_ticker(STRIKE)
        await pilot.press("7")
        assert strip_of(app).event_ticker == "KXHIGHNY-25NOV27" and strip_of(app).cursor_ticker() == STRIKE
        await pilot.press("1")
        grid.focus()
        grid.show_ticker(LADDER_TICKER)
        await pilot.press("7")  # an event already chosen stays until e chooses another
        assert strip_of(app).event_ticker == "KXHIGHNY-25NOV27"


async def test_escape_goes_back_to_the_grid_on_the_strike() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        app.dashboard.show_event(STRIKE)
        await pilot.pause()
        strip_of(app).table.focus()
        await pilot.press("left")
        strike = strip_of(app).cursor_ticker()
        await pilot.press("escape")
        grid = app.dashboard.query_one(TickerGrid)
        assert app.dashboard.current_pane == "markets"
        assert grid.cursor_ticker() == strike


async def test_an_arbitrage_across_exclusive_strikes_is_flagged() -> None:
    state = MarketState()
    state.apply(p.EventLifecycle(event_ticker="KXA-1", title="Rain [mm] tomorrow", collateral_return_type="MECNET"))
    for strike, bid, ask in (("B1", 2000, 2400), ("B2", 3000, 3300), ("B3", 3000, 3200)):
        state.apply(p.Ticker(market_ticker=f"KXA-1-{strike}", price=bid, yes_bid=bid, yes_ask=ask, volume=100))
    app = KalshiDashApp(state, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        app.dashboard.show_event("KXA-1-B2")
        await pilot.pause()
        strip = strip_of(app)
        verdict = strip.query_one("#event-verdict")
        # three strikes seen, but whether the event has more is not known: no verdict yet
        assert "no verdict: the event's full list of strikes is not known yet (3 seen" in str(verdict.content)
        assert not verdict.has_class("-arbitrage")
        markets = [CatalogMarket(f"KXA-1-{strike}", "KXA-1") for strike in ("B1", "B2", "B3")]
        MessageSink(app.dashboard).on_changes(apply_catalog(state, [CatalogEvent(
            "KXA-1", mutually_exclusive=True, markets=tuple(m.ticker for m in markets))], markets), frozenset())
        await until(pilot, lambda: "ARBITRAGE" in str(verdict.content))
        assert ("⚠ ARBITRAGE: every yes costs 89¢ together and one of them pays $1 (11¢ before fees)"
                in str(verdict.content))
        assert verdict.has_class("-arbitrage")
        title = str(strip.query_one("#event-title").content)
        assert "Rain [mm] tomorrow" in title and "mutually exclusive" in title
        state.apply(p.Ticker(market_ticker="KXA-1-B3", price=3000, yes_bid=3000, yes_ask=4400))
        MessageSink(app.dashboard).on_changes(Kind.TICKER, frozenset())
        await until(pilot, lambda: "over-round 1¢" in str(verdict.content))
        assert not verdict.has_class("-arbitrage")


async def test_the_grid_shows_a_sparkline_of_each_markets_last_price() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        history = app.market_state.history.get(LADDER_TICKER)
        assert history is not None and len(history) > 1

        def trend() -> str:
            return str(grid.get_cell(LADDER_TICKER, "trend")).strip()

        assert trend() == sparkline(history.last, TREND_WIDTH).strip() and trend()
        before = history.changes
        advance(app, sim, 600)
        assert history.changes > before
        await until(pilot, lambda: trend() == sparkline(history.last, TREND_WIDTH).strip())


def drawn(chart: PriceChart) -> list[str]:
    """The chart's lines as the compositor gets them, inside its border."""
    strips = chart.render_lines(chart.outer_size.region)
    return [strip.text[1:-1] for strip in strips[1:-1]]


async def test_the_chart_under_the_ladder_follows_the_markets_history() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        (chart,) = app.dashboard.query(PriceChart)
        assert chart.ticker == LADDER_TICKER and chart.display
        history = app.market_state.history.get(LADDER_TICKER)
        assert history is not None

        def legend() -> str:
            return drawn(chart)[0]

        assert f"last {price_text(history.last[-1])}" in legend()
        assert f"{history.changes:,} changes since start" in legend()
        advance(app, sim, 600)
        await until(pilot, lambda: f"{history.changes:,} changes since start" in legend())
        lines = drawn(chart)
        assert len(lines) == chart.content_region.height
        assert any(glyph in "".join(lines[1:]) for glyph in "─╭╮╯╰")


async def test_the_chart_redraws_at_most_once_a_slot_and_then_shows_the_latest_history() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        (chart,) = app.dashboard.query(PriceChart)
        history = app.market_state.history.get(LADDER_TICKER)
        assert history is not None
        redraws: list[int] = []  # the history's changes at each redraw
        redraw = chart._throttle.run

        def counted() -> None:
            redraws.append(history.changes)
            redraw()

        chart._throttle.run = counted
        for _ in range(3):  # three changes in a row: within one slot of the chart's last redraw
            before = history.changes
            sim.run(200)
            assert history.changes > before
            chart.state_changed(Kind.TICKER, frozenset())
        assert chart.redraw_pending and len(redraws) <= 1
        await until(pilot, lambda: not chart.redraw_pending)
        assert redraws[-1] == history.changes and len(redraws) <= 2


async def test_the_chart_is_left_out_of_the_narrow_layout() -> None:
    app = dashboard_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        (chart,) = app.dashboard.query(PriceChart)
        assert chart.styles.display == "none"
