"""The feed-integrity numbers: per-subscription rates, ages and notifications; per-book health."""

from __future__ import annotations

import time

from app.core import protocol as p
from app.core.integrity import NotificationCounts, RateMeter, market_health, subscription_health
from app.core.state import BookStatus, Kind, MarketState
from app.feed.feed import LiveSubscription
from tests.conftest import running_feed


def test_rate_meter_needs_two_looks_and_repeats_itself_when_no_time_passed() -> None:
    meter = RateMeter()
    assert meter.rate(1, 100, 10.0) is None
    assert meter.rate(1, 300, 12.0) == 100.0
    assert meter.rate(1, 900, 12.0) == 100.0
    assert meter.rate(1, 900, 13.0) == 600.0
    assert meter.rate(2, 5, 13.0) is None  # each key on its own


def test_notifications_are_counted_per_kind() -> None:
    counts = NotificationCounts()
    counts.count(Kind.TICKER)
    counts.count(Kind.TICKER | Kind.BOOK)
    assert (counts.of(Kind.TICKER), counts.of(Kind.BOOK), counts.of(Kind.FILL)) == (2, 1, 0)


def test_subscription_rows_have_rate_age_and_the_notifications_of_their_kind() -> None:
    subs = [LiveSubscription(3, p.ORDERBOOK_DELTA, {"KX-A"}, last_seq=40, messages=40, gaps=1, resyncs=1,
                             last_data=99.0),
            LiveSubscription(1, p.TICKER, None, last_seq=500, messages=500, last_data=None)]
    meter, counts = RateMeter(), NotificationCounts()
    for _ in range(7):
        counts.count(Kind.BOOK)
    subscription_health(subs, meter, counts, 100.0)
    subs[0].messages += 80
    book, ticker = subscription_health(reversed(subs), meter, counts, 102.0)[::-1]
    assert [ticker.sid, book.sid] == [1, 3]
    assert book.per_second == 40.0 and book.data_age == 3.0 and book.notifications == 7
    assert book.markets == frozenset({"KX-A"}) and (book.gaps, book.resyncs, book.last_seq) == (1, 1, 40)
    assert ticker.per_second == 0.0 and ticker.data_age is None and ticker.notifications == 0
    assert ticker.markets is None


def test_books_that_are_not_live_come_first_with_their_resyncs() -> None:
    state = MarketState()
    for ticker in ("KX-A", "KX-B", "KX-C"):
        state.apply(p.OrderbookSnapshot(market_ticker=ticker, yes=(), no=()))
    state.set_book_status("KX-C", BookStatus.RESYNCING)
    rows = market_health(state, {"KX-C": 50.0, "KX-A": 10.0}, {"KX-C": 2, "KX-A": 1}, 60.0)
    assert [(r.ticker, r.status, r.resyncs, r.since_resync) for r in rows] == [
        ("KX-C", BookStatus.RESYNCING, 2, 10.0),
        ("KX-A", BookStatus.LIVE, 1, 50.0),
        ("KX-B", BookStatus.LIVE, 0, None),
    ]


async def test_the_feed_keeps_per_sid_data_times_and_per_market_resyncs(rsa_key) -> None:
    async with running_feed(rsa_key, sim_options={"rate": 0.0, "settle_every": 0}) as h:
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:3]
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 5)
        (sub,) = h.feed.subscriptions()
        assert sub.last_data is not None and sub.last_data <= time.monotonic()
        assert h.feed.resynced_at == {}
        h.sim.faults.skip_seq(1)
        h.sim.step(500)
        await h.feed.wait_for(lambda: h.feed.gaps == 1 and all(h.state.is_live(t) for t in tickers), 5)
        assert set(h.feed.resynced_at) == set(tickers)
        assert all(h.feed.market_resyncs[t] == 1 for t in tickers)
        rows = market_health(h.state, h.feed.resynced_at, h.feed.market_resyncs, time.monotonic())
        assert {row.ticker for row in rows} == set(tickers) and all(row.since_resync is not None for row in rows)
