"""The feed's channel handling: older servers, renamed channels, subscriptions the server ends."""

from __future__ import annotations

import pytest

from app.core import protocol as p
from app.feed.feed import FeedCommandError
from tests.conftest import running_feed

pytestmark = pytest.mark.asyncio


async def test_unknown_channel_name_falls_back_to_the_other_spelling_and_is_remembered(rsa_key):
    async with running_feed(rsa_key, sim_options={"legacy": True}) as h:
        await h.feed.wait_connected(5)
        await h.feed.subscribe(p.MULTIVARIATE_MARKET_LIFECYCLE)
        sent = [c["params"]["channels"] for c in h.sim.received_commands if c["cmd"] == "subscribe"]
        assert sent == [[p.MULTIVARIATE_MARKET_LIFECYCLE], [p.MULTIVARIATE]]
        (sub,) = h.feed.subscriptions()
        assert sub.channel == p.MULTIVARIATE_MARKET_LIFECYCLE
        # After a reconnect the feed speaks the name this server knows straight away.
        accepted = h.sim.handshakes_accepted
        h.sim.faults.drop_connections()
        await h.feed.wait_for(lambda: h.sim.handshakes_accepted > accepted and len(h.feed.subscriptions()) == 1, 10)
        sent = [c["params"]["channels"] for c in h.sim.received_commands if c["cmd"] == "subscribe"]
        assert sent[-1] == [p.MULTIVARIATE]


async def test_current_server_refuses_the_retired_channel_and_the_feed_uses_the_new_one(rsa_key):
    async with running_feed(rsa_key) as h:
        await h.feed.wait_connected(5)
        await h.feed.subscribe(p.MULTIVARIATE)
        sent = [c["params"]["channels"] for c in h.sim.received_commands if c["cmd"] == "subscribe"]
        assert sent == [[p.MULTIVARIATE], [p.MULTIVARIATE_MARKET_LIFECYCLE]]
        assert len(h.feed.subscriptions()) == 1


async def test_already_subscribed_on_an_older_server_is_reconciled(rsa_key):
    async with running_feed(rsa_key, sim_options={"legacy": True}) as h:
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:2]
        # Something subscribed behind the feed's back (another tool on the same connection).
        answer = await h.feed.raw_command("subscribe", {"channels": [p.ORDERBOOK_DELTA], "market_ticker": tickers[0]})
        assert isinstance(answer, p.Subscribed)
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        errors = [e for e in h.feed.errors if e.code == 6]
        assert errors == []  # reconciled, not shown as a failure
        (sub,) = [s for s in h.feed.subscriptions() if s.channel == p.ORDERBOOK_DELTA]
        assert sub.sid == answer.sid
        assert sub.markets == set(tickers)
        await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 5)


async def test_channel_error_ends_the_subscription_and_the_feed_makes_it_again(rsa_key):
    async with running_feed(rsa_key) as h:
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:2]
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        (old,) = h.feed.subscriptions()
        for code in (10, 25):
            sid = h.feed.subscriptions()[0].sid
            assert h.sim.faults.channel_error(sid, code) == 1
            await h.feed.wait_for(lambda sid=sid: h.feed.subscriptions() and h.feed.subscriptions()[0].sid != sid, 5)
            await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 5)
            assert any(e.code == code for e in h.feed.errors)
        assert h.feed.subscriptions()[0].sid != old.sid
        h.sim.pause()
        await h.feed.settle()
        assert all(h.truth_matches(t) for t in tickers)


async def test_server_side_command_errors_surface(rsa_key):
    async with running_feed(rsa_key) as h:
        await h.feed.wait_connected(5)
        for code in (1, 18):
            h.sim.faults.error(code)
            with pytest.raises(FeedCommandError) as info:
                await h.feed.list_subscriptions()
            assert info.value.code == code
            assert info.value.meaning == p.ERROR_MEANINGS[code]


async def test_data_envelope_payloads_are_read(rsa_key):
    async with running_feed(rsa_key) as h:
        h.sim.faults.data_envelope(True)
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:2]
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 5)
        await h.feed.wait_for(lambda: h.feed.status().messages_total > 100, 10)
        h.sim.pause()
        await h.feed.settle()
        assert h.feed.parse_errors == 0
        assert all(h.truth_matches(t) for t in tickers)


async def test_gap_on_a_server_without_get_snapshot_resyncs_by_resubscribing(rsa_key):
    async with running_feed(rsa_key, sim_options={"legacy": True}) as h:
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:3]
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 5)
        (old,) = h.feed.subscriptions()
        h.sim.faults.skip_seq(1)
        await h.feed.wait_for(lambda: h.feed.gaps >= 1, 10)
        await h.feed.wait_for(
            lambda: h.feed.subscriptions() and h.feed.subscriptions()[0].sid != old.sid
            and all(h.state.is_live(t) for t in tickers), 10)
        h.sim.pause()
        await h.feed.settle()
        assert all(h.truth_matches(t) for t in tickers)
        cmds = [(c["cmd"], c.get("params", {}).get("action")) for c in h.sim.received_commands]
        assert ("update_subscription", "get_snapshot") in cmds  # tried once, answered 13
        assert cmds[-3:-1] == [("unsubscribe", None), ("subscribe", None)]



async def test_own_rfqs_only_asks_the_server_for_the_users_rfqs(rsa_key):
    async with running_feed(rsa_key, feed_options={"own_rfqs_only": True}) as h:
        await h.feed.wait_connected(5)
        await h.feed.subscribe(p.COMMUNICATIONS)
        sent = [c["params"] for c in h.sim.received_commands if c["cmd"] == "subscribe"]
        assert sent[-1]["user_filter"] == "self"
