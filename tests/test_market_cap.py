"""Markets are bounded: over the cap, the idle markets nobody looks at are forgotten, never the
ones shown, wanted by name or the user's own (end to end through the real feed and dashboard)."""

from __future__ import annotations

from app.config import Preferences
from app.core import protocol as p
from app.core.state import MarketState
from app.feed.auth import Credentials
from app.feed.feed import Feed, FeedConfig
from app.tui.main import KalshiDashApp
from tests.hostile_server import HostileConnection, HostileServer, hostile_feed
from tests.test_ui_feed import SIZE, eventually
from widgets.market.ticker_grid import TickerGrid

NEW = [f"NEW-{i:02d}" for i in range(20)]


async def _send_markets(conn: HostileConnection, sid: int, old: list[str]) -> None:
    """Tickers of the ``old`` markets (oldest times), then of twenty newer ones."""
    for ts, ticker in enumerate(old + NEW):
        await conn.ticker(sid, ticker, ts_ms=1_700_000_000_000 + ts)


async def test_over_the_cap_the_oldest_idle_markets_are_forgotten_and_the_kept_ones_stay(rsa_key):
    async with hostile_feed(rsa_key, status_interval=0.02) as h:
        h.feed.retain = lambda: {"OLD-SHOWN"}
        await h.subscribe(p.TICKER, sid=1)
        await h.subscribe(p.MARKET_POSITIONS, sid=2)
        await h.subscribe(p.TRADE, ["OLD-NAMED"], sid=3)
        await h.conn.send_json({"type": "market_position", "sid": 2, "msg": {
            "market_ticker": "OLD-HELD", "position_fp": "5.00", "position_cost_dollars": "2.0000"}})
        await _send_markets(h.conn, 1, ["OLD-SHOWN", "OLD-NAMED", "OLD-HELD", "OLD-IDLE"])
        await h.feed.wait_for(lambda: NEW[-1] in h.state.tickers)
        h.feed.config.market_cap = 10  # all 24 markets are in: the next look finds them over it
        await h.feed.wait_for(lambda: len(h.state.tickers) <= 10)
        kept = {"OLD-SHOWN", "OLD-NAMED", "OLD-HELD"}
        assert set(h.state.tickers) == kept | set(NEW[-6:])  # 90% of the cap: 9 markets
        assert set(h.state.history.markets) == set(h.state.tickers)
        assert h.state.evictions >= 1


async def test_over_the_cap_events_of_no_remaining_market_are_forgotten(rsa_key):
    async with hostile_feed(rsa_key, status_interval=0.02) as h:
        await h.subscribe(p.MARKET_LIFECYCLE_V2, sid=1)
        await h.subscribe(p.TICKER, sid=2)
        await h.conn.ticker(2, "KEPT-EVENT-M1")
        for seq, event in enumerate(["KEPT-EVENT"] + [f"FLOOD-{i}" for i in range(20)], start=1):
            await h.conn.send_json({"type": "event_lifecycle", "sid": 1, "seq": seq, "msg": {
                "event_ticker": event, "title": "t", "series_ticker": "S"}})
        await h.feed.wait_for(lambda: len(h.state.events) == 21)
        h.feed.config.market_cap = 10
        await h.feed.wait_for(lambda: len(h.state.events) <= 10)
        assert set(h.state.events) == {"KEPT-EVENT"}
        assert set(h.state.tickers) == {"KEPT-EVENT-M1"}


async def test_the_grid_drops_the_rows_of_forgotten_markets_and_keeps_the_starred_one(rsa_key):
    async with HostileServer(public_key=rsa_key.public_key()) as server:
        config = FeedConfig(url=server.url, credentials=Credentials("k", rsa_key), status_interval=0.02)
        feed = Feed(config, MarketState())
        app = KalshiDashApp(feed.state, feed, environment="CUSTOM",
                            preferences=Preferences(watchlist=("OLD-STARRED",)))
        app.animation_level = "none"
        async with app.run_test(size=SIZE) as pilot:
            conn = await server.next_connection()
            conn.serve_subscribes()
            await eventually(pilot, lambda: p.TICKER in conn.sids)
            await _send_markets(conn, conn.sids[p.TICKER], ["OLD-STARRED", "OLD-IDLE"])
            grid = app.dashboard.query_one(TickerGrid)
            await eventually(pilot, lambda: NEW[-1] in grid.row_keys)
            config.market_cap = 10  # all 22 markets are in: the next look finds them over it
            await eventually(pilot, lambda: len(grid.row_keys) <= 10)
            assert set(grid.row_keys) == {"OLD-STARRED"} | set(NEW[-8:])
            assert set(grid.row_keys) == set(app.market_state.tickers)
