"""The dashboard on a hostile server: a book made wrong by an impossible frame is never shown live,
and the integrity pane counts the frame."""

from __future__ import annotations

import asyncio

from app.core import protocol as p
from app.core.state import BookStatus, MarketState
from app.feed.auth import Credentials
from app.feed.feed import SEQ_BACKWARDS, Feed, FeedConfig
from app.tui.main import KalshiDashApp
from tests.hostile_server import HostileServer
from tests.test_ui_feed import SIZE, eventually
from widgets.market.depth_ladder import DepthLadder


async def test_a_seq_going_back_shows_the_ladder_resyncing_and_counts_it_in_the_integrity_pane(rsa_key):
    async with HostileServer(public_key=rsa_key.public_key()) as server:
        feed = Feed(FeedConfig(url=server.url, credentials=Credentials("hostile", rsa_key)), MarketState())
        app = KalshiDashApp(feed.state, feed, environment="CUSTOM", markets=("M1",))
        app.animation_level = "none"
        async with app.run_test(size=SIZE) as pilot:
            conn = await server.next_connection()
            serving = conn.serve_subscribes()
            await eventually(pilot, lambda: p.ORDERBOOK_DELTA in conn.sids)
            sid = conn.sids[p.ORDERBOOK_DELTA]
            await conn.snapshot(sid, 1, "M1", yes=[("0.4000", "10.00")], no=[("0.5500", "3.00")])
            await conn.delta(sid, 2, "M1", "0.4000", "1.00")
            ladder = app.dashboard.ladders()["M1"]
            await eventually(pilot, lambda: ladder.live and feed.state.books["M1"].levels("yes") == {4000: 1100})
            await conn.delta(sid, 1, "M1", "0.4000", "90.00")  # seq goes back
            resync = await conn.next_command(cmd="update_subscription")
            assert resync["params"] == {"action": "get_snapshot", "sid": sid, "market_tickers": ["M1"]}
            await eventually(pilot, lambda: not ladder.live)
            assert ladder.book_status is BookStatus.RESYNCING
            assert "RESYNCING" in str(ladder.render_line(0).text)
            assert app.market_state.books["M1"].levels("yes") == {4000: 1100}  # the delta not applied
            await pilot.press("8")
            app.dashboard.refresh_integrity()
            verdict = str(app.dashboard.query_one("#integrity-verdict").content)
            assert f"1 impossible frame ({SEQ_BACKWARDS} 1)" in verdict
            assert verdict.startswith("⚠ 1 of 1 order books not live (1 resyncing)")
            await conn.snapshot(sid, 3, "M1", yes=[("0.4100", "2.00")], command_id=resync["id"])
            await eventually(pilot, lambda: ladder.live)
            assert isinstance(ladder, DepthLadder)
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)
