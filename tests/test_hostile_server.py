"""The hostile-server fixture itself: a real signed handshake, scripted acks and frames."""

from __future__ import annotations

import asyncio

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.feed_status import ConnectionState
from app.core.state import MarketState
from app.feed.auth import Credentials
from app.feed.feed import Feed, FeedConfig
from tests.hostile_server import HostileServer, hostile_feed

pytestmark = pytest.mark.asyncio


async def test_a_scripted_subscribe_snapshot_and_delta_make_a_live_book(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await h.subscribe_book(["M1"], sid=7)
        assert [(s.sid, s.channel) for s in h.feed.subscriptions()] == [(7, "orderbook_delta")]
        await h.conn.snapshot(sid=7, seq=1, ticker="M1", yes=[("0.4000", "10.00")])
        await h.conn.delta(sid=7, seq=2, ticker="M1", price="0.4000", delta="-4.00")
        await h.feed.wait_for(lambda: h.state.is_live("M1") and h.feed.subscriptions()[0].last_seq == 2)
        assert h.state.books["M1"].levels("yes") == {4000: 600}
        assert h.server.handshakes == 1


async def test_a_handshake_signed_with_another_key_is_refused(rsa_key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    async with HostileServer(public_key=rsa_key.public_key()) as server:
        feed = Feed(FeedConfig(url=server.url, credentials=Credentials("k", other)), MarketState())
        await asyncio.wait_for(feed.run(), 5)
        assert feed.status().state is ConnectionState.AUTH_REJECTED
        assert server.rejected == 1 and server.handshakes == 0


async def test_scripted_acks_of_update_and_unsubscribe_and_a_dropped_connection(rsa_key):
    async with hostile_feed(rsa_key) as h:
        await h.subscribe_book(["M1"], sid=3)
        adding = asyncio.create_task(h.feed.subscribe("orderbook_delta", ["M2"]))
        update = await h.conn.next_command(cmd="update_subscription")
        assert update["params"] == {"action": "add_markets", "sid": 3, "market_tickers": ["M2"]}
        await h.conn.ok(update, sid=3, seq=1, msg={"market_tickers": ["M1", "M2"]})
        await adding
        assert h.feed.subscriptions()[0].markets == {"M1", "M2"}
        leaving = asyncio.create_task(h.feed.unsubscribe("orderbook_delta"))
        await h.conn.unsubscribed(await h.conn.next_command(cmd="unsubscribe"), sid=3, seq=2)
        await leaving
        assert h.feed.subscriptions() == [] and h.conn.received
        h.conn.abort()
        await h.server.next_connection()
        assert any("no close frame" in e.summary for e in h.feed.errors)
