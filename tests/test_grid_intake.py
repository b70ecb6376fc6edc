"""The grid takes in thousands of new markets (a catalog page's) a few hundred at a time, each
part just after a frame, in the order the state saw them."""

from __future__ import annotations

from app.core import protocol as p
from app.core.fixed import CENT
from app.core.state import Kind, MarketState
from app.tui.feed_bridge import MessageSink
from app.tui.main import KalshiDashApp
from tests.ui_states import NOW, until
from widgets.market.ticker_grid import INTAKE_MARKETS, TickerGrid


async def test_a_thousand_new_markets_come_in_parts_in_the_order_seen() -> None:
    state = MarketState()
    app = KalshiDashApp(state, markets=(), clock=lambda: NOW)
    app.animation_level = "none"
    async with app.run_test(size=(120, 40)) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        parts: list[int] = []  # the markets each intake took in
        admit = grid._admit

        def counted() -> list[str]:
            added = admit()
            parts.append(len(added))
            return added

        grid._admit = counted  # type: ignore[method-assign]
        tickers = [f"KXPART-{index:04d}" for index in range(1_200)]
        for index, ticker in enumerate(tickers):
            state.apply(p.Ticker(market_ticker=ticker, yes_bid=(1 + index % 98) * CENT))
        MessageSink(app.dashboard).on_changes(Kind.TICKER, frozenset())
        await until(pilot, lambda: grid.row_count == len(tickers))
        assert grid.visible_tickers() == tickers
        assert [part for part in parts if part] == [INTAKE_MARKETS, INTAKE_MARKETS, 1_200 - 2 * INTAKE_MARKETS]
