"""The feed-integrity pane (``8``) on a real feed to the built-in simulator: per subscription and
per book, what the feed itself counts; a seq gap shows as a gap, a resync and a verdict."""

from __future__ import annotations

import time

from app.core.integrity import CHANNEL_KIND
from app.core.state import BookStatus
from app.tui.messages import FeedStatus
from tests.test_ui_feed import SIZE, connected, eventually, frozen, sim_app
from widgets.health.integrity_panel import IntegrityPanel
from widgets.health.market_health_table import MarketHealthTable
from widgets.health.subscription_health_table import SubscriptionHealthTable


def cell(table: SubscriptionHealthTable | MarketHealthTable, key: str, column: str) -> str:
    return str(table.get_cell(key, column)).strip()


async def test_integrity_shows_each_subscription_and_book_as_the_feed_counts_them() -> None:
    app = sim_app(markets=())
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        ticker = sim.market_tickers()[0]
        await app.dashboard.open_ladder(ticker)
        await app.want_book(ticker)
        await eventually(pilot, lambda: app.market_state.is_live(ticker))
        await frozen(pilot, sim)
        await pilot.press("8")
        report = app.dashboard.refresh_integrity()
        assert report is not None
        subs = app.feed.subscriptions()
        table = app.dashboard.query_one(SubscriptionHealthTable)
        assert table.row_keys == [str(sub.sid) for sub in subs]
        for sub in subs:
            key = str(sub.sid)
            assert cell(table, key, "channel") == sub.channel
            assert cell(table, key, "seq") == f"{sub.last_seq:,}"
            assert cell(table, key, "messages") == f"{sub.messages:,}"
            kind = CHANNEL_KIND[sub.channel]
            assert cell(table, key, "notices") == f"{app.dashboard.notifications.of(kind):,}"
            assert (cell(table, key, "age") == "—") == (sub.last_data is None)
        assert any(sub.last_data is not None for sub in subs)
        books = app.dashboard.query_one(MarketHealthTable)
        assert books.row_keys == [ticker]
        before = {sub.sid: sub.last_seq for sub in subs}
        sim.resume()
        await eventually(pilot, lambda: any(s.last_seq > before[s.sid] for s in app.feed.subscriptions()))
        await frozen(pilot, sim)
        app.dashboard.post_message(FeedStatus(app.feed.status()))  # the feed's once-a-second news
        await eventually(pilot, lambda: all(cell(table, str(s.sid), "seq") == f"{s.last_seq:,}"
                                            for s in app.feed.subscriptions()))
        assert cell(books, ticker, "book") == "● live" and cell(books, ticker, "since") == "never"
        verdict = app.dashboard.query_one(IntegrityPanel).query_one("#integrity-verdict")
        assert str(verdict.content).startswith("✔ every order book is live (1)")


async def test_a_seq_gap_shows_as_a_gap_and_a_resync_of_the_book() -> None:
    app = sim_app(markets=())
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        ticker = sim.market_tickers()[0]
        await app.want_book(ticker)
        await eventually(pilot, lambda: app.market_state.is_live(ticker))
        sim.faults.every("skip_seq", 2)  # until a gap lands on the order book's subscription
        await eventually(pilot, lambda: app.feed.market_resyncs[ticker] >= 1)
        sim.faults.every("skip_seq", None)
        await eventually(pilot, lambda: app.market_state.book_status.get(ticker) is BookStatus.LIVE)
        await frozen(pilot, sim)
        await pilot.press("8")
        before = time.monotonic()
        app.dashboard.refresh_integrity()
        gapped = [sub for sub in app.feed.subscriptions() if sub.gaps]
        assert gapped
        table = app.dashboard.query_one(SubscriptionHealthTable)
        for sub in gapped:
            assert cell(table, str(sub.sid), "gaps") == f"{sub.gaps:,}"
        books = app.dashboard.query_one(MarketHealthTable)
        assert cell(books, ticker, "resyncs") == f"{app.feed.market_resyncs[ticker]:,}"
        assert cell(books, ticker, "since").endswith(" ago")
        assert app.feed.resynced_at[ticker] <= before
        verdict = str(app.dashboard.query_one("#integrity-verdict").content)
        assert f"{sum(sub.gaps for sub in app.feed.subscriptions()):,} seq gap" in verdict


async def test_a_fill_read_in_part_is_shown_counted_in_the_verdict_and_logged(caplog) -> None:
    import json

    from app.core import protocol as p
    from widgets.account.fills_table import FillsTable

    app = sim_app(markets=())
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        await frozen(pilot, sim)
        fill_sid = next(sub.sid for sub in app.feed.subscriptions() if sub.channel == p.FILL)
        app.feed.process_frame(json.dumps({"type": "fill", "sid": fill_sid, "msg": {
            "trade_id": "t-odd", "market_ticker": "KXODD-1", "yes_price_dollars": "0.5000", "count_fp": 3,
            "side": "yes", "action": "sell_everything", "ts_ms": 1_764_150_000_000}}))
        app.feed.flush()
        assert app.feed.partly_read == 1 and app.feed.parse_errors == 0
        assert app.market_state.fills[-1].trade_id == "t-odd"
        assert "read in part" in caplog.text and "count_fp" in caplog.text
        await pilot.press("2")
        fills = app.dashboard.query_one(FillsTable)
        await eventually(pilot, lambda: fills.row_count > 0 and fills.get_row_at(0)[1].plain == "KXODD-1")
        row = [cell.plain for cell in fills.get_row_at(0)]
        assert row[1:6] == ["KXODD-1", "YES", "—", "50¢", "—"]  # the action and count are not known
        await pilot.press("8")
        report = app.dashboard.refresh_integrity()
        assert report is not None and report.partly_read == 1
        verdict = str(app.dashboard.query_one(IntegrityPanel).query_one("#integrity-verdict").content)
        assert verdict.startswith("⚠") and "1 message read in part" in verdict
