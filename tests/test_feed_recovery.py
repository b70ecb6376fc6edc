"""The feed recovers from faults that meet its own recovery: gaps during a resync, transient errors.

Found by the soak (``benchmarks/soak.py``); each test fails on the feed as it was before its fix.
"""

from __future__ import annotations

import pytest

from app.core import protocol as p
from app.core.state import BookStatus
from tests.conftest import FeedHarness, running_feed

pytestmark = pytest.mark.asyncio

# A paused simulator: the only data frames are the ones the commands cause (deterministic).
PAUSED = {"rate": 0.0, "settle_every": 0}
FAST_REPAIR = {"status_interval": 0.05}


def _all_live(h: FeedHarness, tickers: list[str]) -> bool:
    return all(h.state.is_live(t) for t in tickers)


async def _books_equal_truth(h: FeedHarness, tickers: list[str]) -> None:
    await h.feed.wait_for(lambda: _all_live(h, tickers), 5)
    await h.feed.settle()
    for ticker in tickers:
        assert h.truth_matches(ticker), ticker


async def test_gaps_inside_a_resync_answer_resync_those_books_again(rsa_key):
    """Every second frame skips a seq: a gap lands among the snapshots of the resync itself.

    The books whose fresh snapshot came before that gap are marked resyncing again; they must get
    another snapshot, not stay resyncing for ever.
    """
    async with running_feed(rsa_key, sim_options=PAUSED) as h:
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:3]
        h.sim.faults.every("skip_seq", 2)
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        await h.feed.wait_for(lambda: h.feed.gaps >= 3, 5)
        h.sim.faults.every("skip_seq", None)
        await _books_equal_truth(h, tickers)
        assert h.feed.gaps == h.sim.faults.counts["skip_seq"]


@pytest.mark.parametrize("code", [1, 18])
async def test_a_resync_refused_with_a_transient_error_is_tried_again(rsa_key, code):
    async with running_feed(rsa_key, sim_options=PAUSED, feed_options=FAST_REPAIR) as h:
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:3]
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        await h.feed.wait_for(lambda: _all_live(h, tickers), 5)
        h.sim.faults.error(code)  # answers the resync's get_snapshot
        h.sim.faults.skip_seq(1)
        h.sim.step(500)
        await h.feed.wait_for(lambda: h.sim.faults.counts["error"] == 1, 5)
        await _books_equal_truth(h, tickers)
        snapshots = [c for c in h.sim.received_commands if c.get("params", {}).get("action") == "get_snapshot"]
        assert len(snapshots) >= 2


async def test_a_subscription_ended_by_the_server_is_made_again_after_a_transient_error(rsa_key):
    async with running_feed(rsa_key, sim_options=PAUSED, feed_options=FAST_REPAIR) as h:
        await h.feed.wait_connected(5)
        await h.feed.subscribe(p.TICKER)
        (sub,) = h.feed.subscriptions()
        h.sim.faults.error(1)  # answers the feed's subscribe that makes it again
        assert h.sim.faults.channel_error(sub.sid, 10) == 1
        await h.feed.wait_for(lambda: h.sim.faults.counts["error"] == 1, 5)
        await h.feed.wait_for(lambda: [s.channel for s in h.feed.subscriptions()] == [p.TICKER], 5)
        assert [p.canonical_channel(row.channel) for row in await h.feed.list_subscriptions()] == [p.TICKER]


async def test_a_resubscribe_refused_after_a_reconnect_is_tried_again(rsa_key):
    async with running_feed(rsa_key, sim_options=PAUSED, feed_options=FAST_REPAIR) as h:
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:2]
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        await h.feed.subscribe(p.TRADE)
        h.sim.faults.error(18)  # answers the first subscribe after the reconnect
        assert h.sim.faults.drop_connections() == 1
        await h.feed.wait_for(lambda: h.sim.faults.counts["error"] == 1, 5)
        await h.feed.wait_for(lambda: {s.channel for s in h.feed.subscriptions()} == {p.ORDERBOOK_DELTA, p.TRADE}, 5)
        await _books_equal_truth(h, tickers)
        assert h.feed.reconnects == 1
        assert all(h.state.book_status[t] is BookStatus.LIVE for t in tickers)


async def test_a_gap_among_the_first_snapshots_resyncs_the_books(rsa_key):
    """The gap comes before the subscribe's own coroutine has resumed: the sid knows its markets."""
    async with running_feed(rsa_key, sim_options=PAUSED) as h:
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:3]
        h.sim.faults.skip_seq(1)  # the first snapshot comes with seq 2
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        await _books_equal_truth(h, tickers)
        assert (h.feed.gaps, h.feed.resyncs) == (1, 1)
        (command,) = [c for c in h.sim.received_commands if c.get("params", {}).get("action") == "get_snapshot"]
        assert sorted(command["params"]["market_tickers"]) == sorted(tickers)


async def test_a_market_added_while_the_server_times_out_is_still_added(rsa_key):
    """The caller hears of the error; the market stays wanted and is added a moment later."""
    from app.feed.feed import FeedCommandError

    async with running_feed(rsa_key, sim_options=PAUSED, feed_options=FAST_REPAIR) as h:
        await h.feed.wait_connected(5)
        first, second = h.sim.market_tickers()[:2]
        await h.feed.subscribe(p.ORDERBOOK_DELTA, [first])
        h.sim.faults.error(18)
        with pytest.raises(FeedCommandError) as caught:
            await h.feed.subscribe(p.ORDERBOOK_DELTA, [second])
        assert caught.value.code == 18
        await h.feed.wait_for(lambda: h.feed.subscriptions()[0].markets == {first, second}, 5)
        await _books_equal_truth(h, [first, second])
