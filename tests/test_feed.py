"""The feed worker against the real simulator on loopback: acks, seq, resync, reconnect, errors."""

from __future__ import annotations

import asyncio

import pytest

from app.core import protocol as p
from app.core.feed_status import ConnectionState
from app.core.state import BookStatus
from app.feed.feed import BAD_BOOK_FRAME, SEQ_BACKWARDS, WRONG_CHANNEL, CommandTimeout, FeedCommandError
from tests.conftest import FeedHarness, running_feed

pytestmark = pytest.mark.asyncio


async def _open_books(h: FeedHarness, count: int = 3) -> list[str]:
    await h.feed.wait_connected(5)
    tickers = h.sim.market_tickers()[:count]
    await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
    await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 5)
    return tickers


async def _quiesce(h: FeedHarness) -> None:
    """Stop market activity and wait until every frame sent so far is processed."""
    h.sim.pause()
    await h.feed.settle()


async def test_orderbook_books_equal_simulator_truth(rsa_key):
    async with running_feed(rsa_key) as h:
        tickers = await _open_books(h)
        await h.feed.wait_for(lambda: h.feed.status().messages_total > 200, 10)
        await _quiesce(h)
        for ticker in tickers:
            assert h.truth_matches(ticker), ticker
            assert not h.state.books[ticker].crossed
        sent = [c for c in h.sim.received_commands if c.get("cmd") == "subscribe"]
        assert sent[0]["params"]["use_yes_price"] is False


async def test_books_equal_truth_when_the_server_sends_no_sides_in_yes_prices_whatever_was_asked(rsa_key):
    async with running_feed(rsa_key, sim_options={"yes_price_only": True}) as h:
        await h.feed.wait_connected(5)
        await h.feed.subscribe(p.TICKER, h.sim.market_tickers()[:8])  # the grid's tickers
        tickers = await _open_books(h, 8)
        await h.feed.wait_for(lambda: h.feed.status().messages_total > 300, 10)
        await _quiesce(h)
        assert h.state.no_side_in_yes_prices  # told from the frames: the flag sent said otherwise
        sent = [c["params"] for c in h.sim.received_commands if c.get("cmd") == "subscribe"]
        assert [params["use_yes_price"] for params in sent if p.ORDERBOOK_DELTA in params["channels"]] == [False]
        for ticker in tickers:
            assert h.truth_matches(ticker), ticker
            assert not h.state.books[ticker].crossed
        assert h.feed.resyncs == 0


async def test_round_trips_for_every_channel(rsa_key):
    channels = [
        p.TICKER, p.TRADE, p.FILL, p.MARKET_POSITIONS, p.MARKET_LIFECYCLE_V2,
        p.MULTIVARIATE_MARKET_LIFECYCLE, p.COMMUNICATIONS, p.ORDER_GROUP_UPDATES, p.USER_ORDERS,
    ]
    async with running_feed(rsa_key) as h:
        await h.feed.wait_connected(5)
        for channel in channels:
            await h.feed.subscribe(channel)
        live = {sub.channel for sub in h.feed.subscriptions()}
        assert live == set(channels)
        listed = await h.feed.list_subscriptions()
        assert {p.canonical_channel(row.channel) for row in listed} == set(channels)
        for channel in channels:
            await h.feed.unsubscribe(channel)
        assert h.feed.subscriptions() == []
        assert await h.feed.list_subscriptions() == ()


async def test_update_subscription_adds_and_removes_markets_on_one_sid(rsa_key):
    async with running_feed(rsa_key) as h:
        first, second, third = await _open_books(h, 3)
        (sub,) = h.feed.subscriptions()
        await h.feed.unsubscribe(p.ORDERBOOK_DELTA, [second])
        assert h.feed.subscriptions()[0].sid == sub.sid
        assert h.feed.subscriptions()[0].markets == {first, third}
        assert second not in h.state.books
        fourth = h.sim.market_tickers()[3]
        await h.feed.subscribe(p.ORDERBOOK_DELTA, [fourth])
        await h.feed.wait_for(lambda: h.state.is_live(fourth), 5)
        assert [s.sid for s in h.feed.subscriptions()] == [sub.sid]
        actions = [c["params"]["action"] for c in h.sim.received_commands if c["cmd"] == "update_subscription"]
        assert actions == ["delete_markets", "add_markets"]
        await h.feed.unsubscribe(p.ORDERBOOK_DELTA, [first, third, fourth])
        assert h.feed.subscriptions() == []
        assert h.sim.received_commands[-1]["cmd"] == "unsubscribe"
        await _quiesce(h)
        assert h.feed.gaps == 0  # acks consumed seq numbers and were counted, no false gap


async def test_error_paths_surface_code_and_meaning(rsa_key):
    async with running_feed(rsa_key) as h:
        await h.feed.wait_connected(5)
        cases = [
            ("subscribe", {"channels": ["bogus"]}, 8),
            ("unsubscribe", {"sids": [999]}, 7),
            ("frobnicate", {}, 5),
            ("subscribe", {}, 3),
            ("unsubscribe", {}, 4),
            ("update_subscription", {"sid": 999, "action": "add_markets", "market_tickers": ["X"]}, 7),
        ]
        for cmd, params, code in cases:
            with pytest.raises(FeedCommandError) as info:
                await h.feed.raw_command(cmd, params)
            assert info.value.code == code, (cmd, params)
            assert info.value.meaning == p.ERROR_MEANINGS[code]
        with pytest.raises(FeedCommandError) as info:
            await h.feed.subscribe("bogus")
        assert info.value.code == 8


async def test_gap_marks_books_resyncing_then_resyncs_to_truth(rsa_key):
    async with running_feed(rsa_key) as h:
        tickers = await _open_books(h)
        h.sim.faults.skip_seq(1)
        await h.feed.wait_for(lambda: h.feed.gaps >= 1, 10)
        assert h.feed.resyncs >= 1
        await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 10)
        await _quiesce(h)
        for ticker in tickers:
            assert h.truth_matches(ticker), ticker
        actions = [c["params"].get("action") for c in h.sim.received_commands if c["cmd"] == "update_subscription"]
        assert "get_snapshot" in actions
        assert h.feed.gaps == h.sim.faults.counts["skip_seq"]


async def test_duplicate_dropped_and_counted(rsa_key):
    async with running_feed(rsa_key) as h:
        tickers = await _open_books(h)
        h.sim.faults.duplicate(3)
        await h.feed.wait_for(lambda: h.feed.duplicates >= 3, 10)
        await _quiesce(h)
        assert h.feed.duplicates == h.sim.faults.counts["duplicate"]
        assert h.feed.gaps == 0
        for ticker in tickers:
            assert h.truth_matches(ticker)


async def test_malformed_and_unknown_frames_counted_worker_alive(rsa_key):
    async with running_feed(rsa_key) as h:
        tickers = await _open_books(h)
        h.sim.faults.malformed(2)
        h.sim.faults.unknown_type(2)
        await h.feed.wait_for(lambda: h.feed.parse_errors >= 2 and h.feed.unknown_types >= 2, 10)
        await _quiesce(h)
        assert h.feed.status().state is ConnectionState.LIVE
        for ticker in tickers:
            assert h.truth_matches(ticker)


@pytest.mark.parametrize(("fault", "anomaly"), [
    ("wrong_sid", WRONG_CHANNEL), ("backwards_seq", SEQ_BACKWARDS), ("malformed_seq", BAD_BOOK_FRAME),
])
async def test_each_hostile_frame_is_one_anomaly_and_one_resync_and_the_books_end_equal(rsa_key, fault, anomaly):
    async with running_feed(rsa_key, sim_options={"rate": 0.0}) as h:
        await h.feed.wait_connected(5)
        await h.feed.subscribe(p.TICKER)
        tickers = await _open_books(h, 6)
        for injected in (1, 2):  # once on the first frames of the sids, once later
            h.sim.step(50)
            await h.feed.settle()
            gaps, duplicates, resyncs = h.feed.gaps, h.feed.duplicates, h.feed.resyncs
            getattr(h.sim.faults, fault)(1)
            h.sim.step(200)
            await h.feed.settle()
            await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 5)
            assert h.sim.faults.counts[fault] == injected
            assert h.feed.anomalies == {anomaly: injected}
            assert (h.feed.gaps, h.feed.duplicates) == (gaps, duplicates)
            assert h.feed.resyncs == resyncs + 1, "every one of them names a book"
            assert h.feed.parse_errors == (injected if fault == "malformed_seq" else 0)
            for ticker in tickers:
                assert h.truth_matches(ticker), ticker


async def test_drop_reconnects_and_restores_everything(rsa_key):
    async with running_feed(rsa_key) as h:
        tickers = await _open_books(h)
        await h.feed.subscribe(p.TICKER)
        handshakes = h.sim.handshakes_accepted
        h.sim.faults.drop_connections()
        await h.feed.wait_for(lambda: h.sim.handshakes_accepted > handshakes, 10)
        await h.feed.wait_for(
            lambda: len(h.feed.subscriptions()) == 2 and all(h.state.is_live(t) for t in tickers), 10
        )
        assert h.feed.reconnects >= 1
        await _quiesce(h)
        for ticker in tickers:
            assert h.truth_matches(ticker)
        assert {s.channel for s in h.feed.subscriptions()} == {p.ORDERBOOK_DELTA, p.TICKER}


async def test_books_not_live_between_drop_and_fresh_snapshot(rsa_key):
    async with running_feed(rsa_key) as h:
        tickers = await _open_books(h, 1)
        h.sim.faults.reject_next_handshake(status=503, count=1)
        h.sim.faults.drop_connections()
        await h.feed.wait_for(lambda: h.state.book_status[tickers[0]] is not BookStatus.LIVE, 5)
        await h.feed.wait_for(lambda: h.state.is_live(tickers[0]), 10)
        assert h.sim.handshakes_rejected == 1


async def test_auth_rejected_stops_without_retry_storm(rsa_key):
    from cryptography.hazmat.primitives.asymmetric import rsa

    from app.feed.auth import Credentials

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    async with running_feed(rsa_key, credentials=Credentials("test-key-1", stranger)) as h:
        async with asyncio.timeout(10):
            await h.task
        status = h.feed.status()
        assert status.state is ConnectionState.AUTH_REJECTED
        assert "authentication rejected" in status.detail
        assert h.feed.handshakes == 1
        assert h.sim.handshakes_rejected == 1


async def test_silence_triggers_watchdog_reconnect(rsa_key):
    async with running_feed(rsa_key, feed_options={"watchdog_timeout": 0.5}) as h:
        await _open_books(h, 1)
        accepted = h.sim.handshakes_accepted
        h.sim.faults.stall(2.0)
        await h.feed.wait_for(lambda: h.sim.handshakes_accepted > accepted, 10)
        assert any("nothing received" in e.summary for e in h.feed.errors)


async def test_command_timeout(rsa_key):
    async with running_feed(rsa_key, feed_options={"command_timeout": 0.3, "watchdog_timeout": 30}) as h:
        await h.feed.wait_connected(5)
        h.sim.faults.stall(1.0)
        with pytest.raises(CommandTimeout):
            await h.feed.list_subscriptions()


async def test_unreachable_host_is_retried_and_shown(rsa_key):
    from app.core.state import MarketState
    from app.feed.feed import Feed, FeedConfig

    feed = Feed(FeedConfig(url="ws://127.0.0.1:9/trade-api/ws/v2", backoff_initial=0.01,
                           backoff_max=0.02, jitter_seed=1), MarketState())
    task = asyncio.create_task(feed.run())
    try:
        await feed.wait_for(lambda: feed.handshakes >= 3, 10)
        assert any("connection refused" in e.summary for e in feed.errors)
        assert feed.status().state in (ConnectionState.RECONNECTING, ConnectionState.CONNECTING)
    finally:
        await feed.stop()
        await asyncio.wait_for(task, 5)
