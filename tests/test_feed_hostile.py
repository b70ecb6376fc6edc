"""A hostile server against the real feed: impossible frames never make a wrong book look live.

Every test scripts a real WebSocket server on loopback (``tests/hostile_server.py``) frame by
frame: seq going back, frames on another channel's sid, a sid given twice, a malformed seq,
commands never answered, frames over the size limit, megabyte-long error texts.
"""

from __future__ import annotations

import asyncio

import pytest

from app.core import protocol as p
from app.core.feed_status import ConnectionState
from app.core.state import BookStatus
from app.feed.feed import (
    BAD_BOOK_FRAME,
    SEQ_BACKWARDS,
    SID_REUSED,
    WRONG_CHANNEL,
    CommandTimeout,
    FeedCommandError,
    NotConnected,
)
from tests.hostile_server import HostileConnection, HostileHarness, hostile_feed

pytestmark = pytest.mark.asyncio


async def _live_books(h: HostileHarness, sid: int = 1) -> None:
    """M1 and M2 live on ``sid``: snapshots at seq 1 and 2, then three deltas of M1 (seq 3-5)."""
    await h.subscribe_book(["M1", "M2"], sid)
    await h.conn.snapshot(sid, 1, "M1", yes=[("0.4000", "10.00")])
    await h.conn.snapshot(sid, 2, "M2", yes=[("0.3000", "10.00")])
    for seq in range(3, 6):
        await h.conn.delta(sid, seq, "M1", "0.4000", "1.00")
    await h.feed.wait_for(lambda: h.feed.subscriptions()[0].last_seq == 5)
    assert h.state.books["M1"].levels("yes") == {4000: 1300}


async def _get_snapshot(conn: HostileConnection) -> dict:
    command = await conn.next_command(cmd="update_subscription")
    assert command["params"]["action"] == "get_snapshot"
    return command


async def test_a_snapshot_whose_seq_goes_back_replaces_the_book_and_restarts_the_seq(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        await h.conn.snapshot(1, 1, "M1", yes=[("0.4500", "7.00")])  # the sid's stream restarts
        await h.conn.delta(1, 2, "M1", "0.4500", "1.00")  # dropped: the book waits for its resync
        resync = await _get_snapshot(h.conn)
        assert resync["params"]["market_tickers"] == ["M1", "M2"]
        await h.feed.wait_for(lambda: h.feed.subscriptions()[0].last_seq == 2)
        assert h.state.books["M1"].levels("yes") == {4500: 700}  # replaced by the snapshot
        assert h.state.book_status["M1"] is BookStatus.RESYNCING
        assert h.state.book_status["M2"] is BookStatus.RESYNCING
        assert h.feed.anomalies[SEQ_BACKWARDS] == 1
        assert h.feed.status().anomalies == {SEQ_BACKWARDS: 1}
        assert (h.feed.gaps, h.feed.duplicates) == (0, 0)
        await h.conn.snapshot(1, 3, "M1", yes=[("0.4500", "8.00")], command_id=resync["id"])
        await h.conn.snapshot(1, 4, "M2", yes=[("0.3500", "2.00")], command_id=resync["id"])
        await h.conn.delta(1, 5, "M1", "0.4500", "1.00")
        await h.feed.wait_for(lambda: h.state.is_live("M2") and h.feed.subscriptions()[0].last_seq == 5)
        assert h.state.books["M1"].levels("yes") == {4500: 900}
        assert h.state.books["M2"].levels("yes") == {3500: 200}
        assert h.feed.gaps == 0 and h.state.is_live("M1")


async def test_an_old_snapshot_sent_again_never_shows_live(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        await h.conn.snapshot(1, 1, "M1", yes=[("0.4000", "10.00")])  # M1 as it was at seq 1
        await h.feed.wait_for(lambda: h.feed.anomalies[SEQ_BACKWARDS] == 1)
        assert h.state.book_status["M1"] is BookStatus.RESYNCING  # not shown live as it was
        await h.conn.delta(1, 6, "M1", "0.4000", "1.00")  # the stream goes on where it was
        resync = await _get_snapshot(h.conn)
        await h.feed.wait_for(lambda: h.feed.subscriptions()[0].last_seq == 6)
        assert not h.state.is_live("M1") and not h.state.is_live("M2")
        await h.conn.snapshot(1, 7, "M1", yes=[("0.4000", "14.00")], command_id=resync["id"])
        await h.conn.snapshot(1, 8, "M2", yes=[("0.3000", "10.00")], command_id=resync["id"])
        await h.feed.wait_for(lambda: h.state.is_live("M1") and h.state.is_live("M2"))
        assert h.state.books["M1"].levels("yes") == {4000: 1400}


async def test_a_delta_whose_seq_goes_back_is_dropped_and_its_books_resynced(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        await h.conn.delta(1, 3, "M1", "0.4000", "50.00")
        resync = await _get_snapshot(h.conn)
        assert resync["params"]["market_tickers"] == ["M1", "M2"]
        assert h.state.books["M1"].levels("yes") == {4000: 1300}
        assert not h.state.is_live("M1") and not h.state.is_live("M2")
        assert h.feed.anomalies[SEQ_BACKWARDS] == 1 and h.feed.duplicates == 0
        await h.conn.delta(1, 5, "M1", "0.4000", "1.00")  # a repeat of the last seq: a duplicate
        await h.feed.wait_for(lambda: h.feed.duplicates == 1)
        assert h.feed.anomalies[SEQ_BACKWARDS] == 1


async def test_a_book_frame_on_another_channels_sid_is_not_applied_and_resyncs_that_book(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        await h.subscribe(p.TICKER, sid=2)
        await h.conn.delta(2, 1, "M1", "0.4000", "50.00")
        resync = await _get_snapshot(h.conn)
        assert (resync["params"]["sid"], resync["params"]["market_tickers"]) == (1, ["M1"])
        assert h.state.books["M1"].levels("yes") == {4000: 1300}
        assert h.state.book_status["M1"] is BookStatus.RESYNCING and h.state.is_live("M2")
        await h.conn.snapshot(2, None, "M9", yes=[("0.1000", "1.00")])  # no book of M9 wanted
        await h.feed.wait_for(lambda: h.feed.anomalies[WRONG_CHANNEL] == 2)
        assert "M9" not in h.state.books
        assert any(e.summary.startswith(WRONG_CHANNEL) for e in h.feed.errors)


async def test_a_ticker_on_a_books_sid_is_not_applied_and_resyncs_its_books(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        await h.conn.ticker(1, "M1", price="0.9900")
        resync = await _get_snapshot(h.conn)
        assert resync["params"]["market_tickers"] == ["M1", "M2"]
        assert "M1" not in h.state.tickers
        assert h.feed.anomalies == {WRONG_CHANNEL: 1}


async def test_a_fill_on_another_channels_sid_is_applied_and_counted_never_dropped(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await h.subscribe(p.TICKER, sid=1)
        await h.conn.send_json({"type": "fill", "sid": 1, "msg": {
            "trade_id": "t1", "order_id": "o1", "market_ticker": "M1", "yes_price_dollars": "0.4000",
            "count_fp": "2.00", "outcome_side": "yes", "book_side": "bid"}})
        await h.conn.send_json({"type": "trade", "sid": 1, "msg": {
            "trade_id": "t2", "market_ticker": "M1", "yes_price_dollars": "0.4000",
            "no_price_dollars": "0.6000", "count_fp": "2.00"}})
        await h.feed.wait_for(lambda: h.feed.anomalies[WRONG_CHANNEL] == 2)
        assert [fill.trade_id for fill in h.state.fills] == ["t1"]
        assert not h.state.trades  # public data out of place is not applied
        assert "fill frame on sid 1 (ticker) applied: it is yours" in h.feed.errors[0].summary


async def test_a_sid_given_to_two_subscriptions_leaves_the_connection_and_makes_both_again(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        subscribing = asyncio.create_task(h.feed.subscribe(p.TICKER))
        await h.conn.subscribed(await h.conn.next_command(cmd="subscribe"), sid=1)
        again = await h.server.next_connection()
        assert not h.state.is_live("M1") and not h.state.is_live("M2")
        assert h.feed.anomalies[SID_REUSED] == 1
        assert any("sid 1, which already serves orderbook_delta" in e.summary for e in h.feed.errors)
        with pytest.raises(NotConnected):
            await subscribing
        made = {}
        for sid in (1, 2):
            command = await again.next_command(cmd="subscribe")
            made[command["params"]["channels"][0]] = command.get("params", {}).get("market_tickers")
            await again.subscribed(command, sid)
        assert made == {p.ORDERBOOK_DELTA: ["M1", "M2"], p.TICKER: None}
        await h.feed.wait_for(lambda: len(h.feed.subscriptions()) == 2)
        assert h.feed.status().state is ConnectionState.LIVE


async def test_frames_after_a_sid_given_twice_still_reach_the_other_subscriptions(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await h.subscribe(p.FILL, sid=1)
        await h.subscribe(p.TICKER, sid=2)
        trading = asyncio.create_task(h.feed.subscribe(p.TRADE))
        await h.conn.subscribed(await h.conn.next_command(cmd="subscribe"), sid=2)  # the ticker's
        await h.conn.send_json({"type": "fill", "sid": 1, "msg": {
            "trade_id": "t1", "order_id": "o1", "market_ticker": "M1", "yes_price_dollars": "0.4000",
            "count_fp": "2.00"}})
        await h.conn.ticker(2, "M1")  # sid 2 cannot be told apart any more
        await h.server.next_connection()
        assert [fill.trade_id for fill in h.state.fills] == ["t1"]
        assert "M1" not in h.state.tickers
        with pytest.raises(NotConnected):
            await trading


async def test_a_malformed_seq_on_a_books_sid_resyncs_its_books_at_once(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        await h.conn.delta(1, "6", "M1", "0.4000", "1.00")
        resync = await _get_snapshot(h.conn)
        assert resync["params"]["market_tickers"] == ["M1", "M2"]
        assert h.feed.parse_errors == 1 and h.feed.anomalies == {BAD_BOOK_FRAME: 1}
        assert h.state.books["M1"].levels("yes") == {4000: 1300}


async def test_a_subscribe_never_answered_leads_to_a_reconnect_that_subscribes_again(rsa_key):
    async with hostile_feed(rsa_key, command_timeout=0.3) as h:
        subscribing = asyncio.create_task(h.feed.subscribe(p.ORDERBOOK_DELTA, ["M1"]))
        await h.conn.next_command(cmd="subscribe")  # never answered
        with pytest.raises(CommandTimeout):
            await subscribing
        again = await h.server.next_connection()
        command = await again.next_command(cmd="subscribe")
        assert command["params"]["market_ticker"] == "M1"
        assert any(e.summary == "no answer to subscribe within 0.3 s; reconnecting" for e in h.feed.errors)
        assert h.feed.reconnects == 1


async def test_frames_over_the_size_limit_on_every_connection_end_in_a_clear_stop(rsa_key):
    async with hostile_feed(rsa_key, max_frame_bytes=1000, oversize_give_up=3) as h:
        conn = h.conn
        for attempt in range(3):
            await conn.send("x" * 1001)
            await conn.closed.wait()
            if attempt < 2:
                conn = await h.server.next_connection()
        await asyncio.wait_for(h.task, 5)
        assert h.feed.status().state is ConnectionState.STOPPED
        assert h.feed.errors[-1].fatal
        assert "frame over the 1,000 bytes limit on 3 connections in a row" in h.feed.errors[-1].summary
        assert "frame over the 1,000 bytes limit" in h.feed.status().detail
        assert h.server.handshakes == 3


async def test_an_oversized_frame_now_and_then_is_only_a_reconnect(rsa_key):
    async with hostile_feed(rsa_key, max_frame_bytes=1000, oversize_give_up=2) as h:
        await h.conn.send("x" * 1001)
        conn = await h.server.next_connection()
        await conn.send_json({"type": "ok", "id": 99})  # a connection that ends otherwise
        await conn.close(1001)
        conn = await h.server.next_connection()
        await conn.send("x" * 1001)
        conn = await h.server.next_connection()
        await h.feed.wait_connected(5)
        assert not h.task.done() and h.feed.reconnects == 3


async def test_error_records_keep_an_excerpt_of_huge_server_texts(rsa_key):
    huge = "E" * 2_000_000
    async with hostile_feed(rsa_key) as h:
        await h.conn.error(None, 1, huge)
        await h.conn.send_json({"type": "T" * 2_000_000, "msg": {}})
        await h.conn.send_json({"type": "orderbook_delta", "sid": 1, "seq": 1, "msg": {"bad": huge}})
        await h.feed.wait_for(lambda: h.feed.parse_errors == 1 and h.feed.unknown_types == 1)
        assert len(h.feed.errors) == 3
        for error in h.feed.errors:
            assert len(error.summary) <= 600 and len(error.server_message or "") <= 250
        assert h.feed.errors[0].server_message == "E" * 200 + "… (2,000,000 characters)"


async def test_stop_while_a_reconnect_is_in_its_handshake_ends_the_feed(rsa_key):
    async with hostile_feed(rsa_key) as h:
        h.conn.abort()
        await h.server.next_connection()  # the handshake is answered; the feed may not have it yet
        await h.feed.stop()
        await asyncio.wait_for(h.task, 1)
        assert h.feed.status().state is ConnectionState.STOPPED


async def test_a_gap_while_a_market_is_being_removed_resyncs_only_the_others(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        removing = asyncio.create_task(h.feed.unsubscribe(p.ORDERBOOK_DELTA, ["M2"]))
        delete = await h.conn.next_command(cmd="update_subscription")
        assert delete["params"]["action"] == "delete_markets"
        await h.conn.delta(1, 7, "M1", "0.4000", "1.00")  # seq 6 lost, while M2 is on its way out
        resync = await _get_snapshot(h.conn)
        assert resync["params"]["market_tickers"] == ["M1"]  # the server may have dropped M2 already
        assert h.state.book_status["M2"] is BookStatus.STALE  # its stream had a gap all the same
        await h.conn.ok(delete, sid=1, seq=8, msg={"market_tickers": ["M1"]})
        await removing
        await h.conn.snapshot(1, 9, "M1", yes=[("0.4000", "20.00")], command_id=resync["id"])
        await h.feed.wait_for(lambda: h.state.is_live("M1"))
        assert "M2" not in h.state.books and h.feed.resyncs == 1


async def test_get_snapshot_refused_for_a_parameter_is_asked_again_at_the_next_gap(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        await h.conn.delta(1, 7, "M1", "0.4000", "1.00")
        await h.conn.error(await _get_snapshot(h.conn), 11, "Invalid parameter")
        await h.conn.unsubscribed(await h.conn.next_command(cmd="unsubscribe"), sid=1)
        await h.conn.subscribed(await h.conn.next_command(cmd="subscribe"), sid=2)
        await h.conn.snapshot(2, 1, "M1", yes=[("0.4000", "10.00")])
        await h.conn.snapshot(2, 2, "M2", yes=[("0.3000", "10.00")])
        await h.feed.wait_for(lambda: h.state.is_live("M1") and h.state.is_live("M2"))
        await h.conn.delta(2, 4, "M1", "0.4000", "1.00")
        again = await _get_snapshot(h.conn)  # not an unsubscribe: get_snapshot is still used
        assert again["params"]["sid"] == 2 and h.feed.resyncs == 2


async def test_a_market_whose_removal_failed_after_a_gap_is_resynced(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await _live_books(h)
        removing = asyncio.create_task(h.feed.unsubscribe(p.ORDERBOOK_DELTA, ["M2"]))
        delete = await h.conn.next_command(cmd="update_subscription")
        await h.conn.delta(1, 7, "M1", "0.4000", "1.00")
        resync = await _get_snapshot(h.conn)
        await h.conn.error(delete, 11, "Invalid parameter")  # not retried: M2 stays
        with pytest.raises(FeedCommandError):
            await removing
        await h.conn.snapshot(1, 8, "M1", yes=[("0.4000", "20.00")], command_id=resync["id"])
        again = await _get_snapshot(h.conn)  # M2 is still on the sid: its book is repaired
        assert again["params"]["market_tickers"] == ["M2"]
