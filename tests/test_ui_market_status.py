"""Market status everywhere: a settled market looks settled in the grid and the ladder (no stale
quote, no countdown, no LIVE badge, its result shown), sinks below the markets that trade, and
the grid's ``status:`` filter finds it or leaves it out."""

from __future__ import annotations

from app.core import protocol as p
from app.core.state import Kind
from app.tui.feed_bridge import MessageSink
from tests.ui_states import LADDER_TICKER, NOW, dashboard_app, scenario, until
from widgets.market.depth_ladder import HEADER_LINES, DepthLadder
from widgets.market.ticker_grid import RESOLVED_SHOWN_SECONDS, TickerGrid

SIZE = (160, 48)


def lifecycle(app, sim, event_type: str, **fields) -> None:  # type: ignore[no-untyped-def]
    sim.state.apply(p.MarketLifecycle(market_ticker=LADDER_TICKER, event_type=event_type, **fields))
    MessageSink(app.dashboard).on_changes(Kind.LIFECYCLE, frozenset())


async def test_a_settled_market_shows_its_result_and_no_quote_and_sinks() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        ladder = app.dashboard.query_one(DepthLadder)
        await until(pilot, lambda: LADDER_TICKER in grid.visible_tickers() and bool(ladder.ladder.rows))
        assert grid.visible_tickers()[0] == LADDER_TICKER and "LIVE" in ladder.render_line(0).text
        lifecycle(app, sim, "settled", result="yes", settlement_value=10_000)
        def trading() -> list[str]:
            infos = [(t, sim.state.markets.get(t)) for t in grid.visible_tickers()]
            return [t for t, info in infos if info is None or info.status not in ("settled", "determined")]

        await until(pilot, lambda: grid.visible_tickers().index(LADDER_TICKER) == len(trading()))
        assert len(trading()) > 1  # it sank below every market that trades
        assert [grid.get_cell(LADDER_TICKER, c) for c in ("yes_bid", "yes_ask", "spread", "close_ts")] == \
            ["—", "—", "—", " —"]
        assert grid.get_cell(LADDER_TICKER, "status") == " settled YES"
        await until(pilot, lambda: "SETTLED" in ladder.render_line(0).text)
        title = ladder.render_line(0).text
        assert "■ SETTLED YES" in title and "LIVE" not in title and "closes in" not in title
        body = [ladder.render_line(y).text.strip() for y in range(HEADER_LINES, ladder.size.height)]
        assert body[0] == "settled YES: the market no longer trades" and not any(body[1:])

        grid.set_filter("status:settled")
        settled = grid.visible_tickers()
        assert LADDER_TICKER in settled and {sim.state.markets[t].status for t in settled} == {"settled"}
        grid.set_filter("status:open")
        assert grid.visible_tickers() == trading()
        grid.set_filter("status:settled 25dec-h")  # with text: both must match
        assert grid.visible_tickers() == [LADDER_TICKER]


async def test_a_paused_market_says_paused_not_live() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        ladder = app.dashboard.query_one(DepthLadder)
        await until(pilot, lambda: bool(ladder.ladder.rows))
        lifecycle(app, sim, "deactivated", is_deactivated=True)
        await until(pilot, lambda: "PAUSED" in ladder.render_line(0).text)
        assert "LIVE" not in ladder.render_line(0).text
        grid = app.dashboard.query_one(TickerGrid)
        assert grid.visible_tickers()[0] == LADDER_TICKER  # paused is not finished: it stays
        lifecycle(app, sim, "deactivated", is_deactivated=False)
        await until(pilot, lambda: "LIVE" in ladder.render_line(0).text)


def settle_at(sim, ticker: str, when: int) -> None:  # type: ignore[no-untyped-def]
    sim.state.apply(p.MarketLifecycle(market_ticker=ticker, event_type="settled", result="no",
                                      settlement_value=0, settled_ts=when))


async def test_markets_resolved_minutes_ago_leave_the_grid_unless_kept_and_status_all_shows_them() -> None:
    sim = scenario()
    clock = [NOW]
    app = dashboard_app(sim, clock=lambda: clock[0])
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        await until(pilot, lambda: LADDER_TICKER in grid.visible_tickers())
        everything = grid.visible_tickers()
        kept = app.dashboard.kept_markets()  # shown, held or ordered in: they stay
        assert LADDER_TICKER in kept
        gone, starred, *_ = [t for t in everything if t not in kept]
        grid.toggle_star(starred)
        for ticker in (gone, starred, LADDER_TICKER):
            settle_at(sim, ticker, int(NOW))
        MessageSink(app.dashboard).on_changes(Kind.LIFECYCLE, frozenset())
        await until(pilot, lambda: grid.get_cell(gone, "status") == " settled NO")
        clock[0] = NOW + RESOLVED_SHOWN_SECONDS - 1  # still within its minutes: sunk, not gone
        grid._tick_countdowns()
        assert gone in grid.visible_tickers()
        clock[0] = NOW + RESOLVED_SHOWN_SECONDS
        grid._tick_countdowns()
        assert gone not in grid.visible_tickers() and {starred, LADDER_TICKER} <= set(grid.visible_tickers())
        hidden = set(everything) - set(grid.visible_tickers())  # the scenario resolved one before
        assert gone in hidden and all(sim.state.markets[t].status in ("determined", "settled") for t in hidden)
        assert grid.resolved_hidden == len(hidden)
        assert f"{len(hidden)} resolved hidden (status:all)" in str(grid.border_subtitle)
        grid.set_filter("status:all")
        assert set(grid.visible_tickers()) == set(everything)
        grid.set_filter("status:settled")
        settled = grid.visible_tickers()
        assert {gone, starred, LADDER_TICKER} <= set(settled)
        assert {sim.state.markets[t].status for t in settled} == {"settled"}
        assert "resolved hidden" not in str(grid.border_subtitle)  # a status word hides none
        grid.set_filter("")
        assert gone not in grid.visible_tickers() and grid.resolved_hidden == len(hidden)


async def test_an_empty_grid_says_resolved_markets_left_and_how_to_see_them() -> None:
    sim = scenario()
    sim.state.positions.clear()  # an account that holds and orders nothing: no market is kept
    sim.state.orders.clear()
    app = dashboard_app(sim, markets=(), clock=lambda: NOW + RESOLVED_SHOWN_SECONDS)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        await until(pilot, lambda: bool(grid.visible_tickers()))
        everything = grid.visible_tickers()
        for ticker in everything:
            settle_at(sim, ticker, int(NOW))
        MessageSink(app.dashboard).on_changes(Kind.LIFECYCLE, frozenset())
        await until(pilot, lambda: not grid.visible_tickers())
        assert grid.render_line(1).text.strip() == (
            f"every market has resolved: {len(sim.state.tickers)} left the grid 5 minutes after "
            "· / status:all shows them")


async def test_a_new_close_time_redraws_its_row_and_leaves_the_rows_in_place_a_settlement_moves_them() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        await until(pilot, lambda: LADDER_TICKER in grid.visible_tickers())
        shown_again = []
        show_rows = grid._show_rows
        grid._show_rows = lambda: shown_again.append(1) or show_rows()  # type: ignore[method-assign]
        rows = grid.visible_tickers()
        countdown = grid.get_cell(LADDER_TICKER, "close_ts")
        lifecycle(app, sim, "close_date_updated", close_ts=int(NOW) + 40 * 86_400)
        await until(pilot, lambda: grid.get_cell(LADDER_TICKER, "close_ts") != countdown)
        assert grid.visible_tickers() == rows and shown_again == []  # 20,000 markets not walked
        lifecycle(app, sim, "settled", result="yes", settlement_value=10_000)
        await until(pilot, lambda: grid.visible_tickers().index(LADDER_TICKER) > 0)
        assert shown_again  # it sank: the rows were put in order again
