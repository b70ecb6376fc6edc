"""A slow UI never makes the feed queue without bound, and the books stay right.

The dashboard runs headless against the simulator in firehose mode (market activity as fast as the
socket takes it). Its screen is then stalled for a second, two ways:

* busy: the screen's message handling is held (an awaited callback) while the event loop runs on;
  the feed must keep reading and applying frames (at no less than half the rate it had just
  before, measured in the same test, so that the machine's speed and load cancel out), and tell
  the screen of changes by the clock, not per frame: a flush per frame interval (one more after a
  late one) with at most one message per kind, for the screen to catch up on;
* blocked: the event loop itself is held (a blocking callback, the UI thread stalled); nothing
  reads the socket then, so the backlog must stay in bounded buffers (the client's receive queue,
  the kernel, the simulator's send buffer) and be worked off afterwards.

Either way memory stays bounded, and once the stall is over every open book equals the simulator's.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.state import Kind, MarketState
from app.feed.auth import Credentials
from app.feed.feed import Feed, FeedConfig, NotConnected
from app.simulator import SimConfig, Simulator
from app.tui.feed_bridge import MessageSink
from app.tui.main import KalshiDashApp
from tests.conftest import KEY_ID

STALL = 1.0
GUARD = 60.0  # seconds: how long any one wait may take before the test calls it a failure
FRAME_INTERVAL = 1 / 30
SEND_BUFFER = 2_000
MAX_QUEUE = 512
# what may be posted per frame interval: one state message, and status / subscriptions / errors
PER_FLUSH = 1 + 3
# flushes of changes per frame interval at most: a late tick flushes once more to catch up
FLUSHES_PER_INTERVAL = 2
# During a busy stall the feed applies frames at least at this fraction of the rate it had just
# before, measured in the same test. With the screen idle it has the loop to itself: 2.5 to 4 times
# that rate on 2 busy cores. A feed that stopped would apply only what it was in the middle of.
BUSY_RATE_FRACTION = 0.5
# Bytes the process may grow by over the stall and the catch-up: Textual's caches and the state's
# bounded rings fill up; a queue per frame would not fit in this with the frames counted below.
MEMORY_BOUND = 32 * 2**20


async def settle(feed: Feed, attempts: int = 3) -> None:
    """Every frame sent so far processed. On two loaded cores the server may drop a client that
    was slow to answer its pings during the catch-up: the feed reconnects and resyncs, and the
    settling is asked again on the new connection (the books are still checked after)."""
    for attempt in range(attempts):
        await feed.wait_connected(GUARD)
        try:
            await feed.settle()
            return
        except NotConnected:
            if attempt == attempts - 1:
                raise



class CountingSink(MessageSink):
    """The app's bridge, counting every message it posts to the screen (and the flushes of changes)."""

    posted = 0
    flushes = 0

    def on_changes(self, kinds: Kind, books: frozenset[str]) -> None:
        self.flushes += 1
        self.posted += 1 if kinds else 0
        super().on_changes(kinds, books)

    def on_status(self, status) -> None:
        self.posted += 1
        super().on_status(status)

    def on_subscriptions(self) -> None:
        self.posted += 1
        super().on_subscriptions()

    def on_error(self, error) -> None:
        self.posted += 1
        super().on_error(error)


@pytest.mark.parametrize("how", ["busy", "blocked"])
async def test_a_stalled_ui_leaves_the_feed_bounded_and_the_books_right(rsa_key: rsa.RSAPrivateKey, how: str) -> None:
    sim = Simulator(SimConfig(seed=5, events=4, markets=24, firehose=True, send_buffer=SEND_BUFFER))
    sim.register_key(KEY_ID, rsa_key.public_key())
    url = await sim.start()
    # a settle after the catch-up waits behind thousands of frames: a minute on a loaded machine
    feed = Feed(FeedConfig(url=url, credentials=Credentials(KEY_ID, rsa_key), environment="SIM",
                           frame_interval=FRAME_INTERVAL, max_queue=MAX_QUEUE, command_timeout=GUARD),
                MarketState())
    books = sim.exchange.active_tickers()[:6]
    app = KalshiDashApp(feed.state, feed, markets=books)
    try:
        async with app.run_test(size=(140, 44)):
            await feed.wait_for(lambda: all(feed.state.is_live(t) for t in books), GUARD)
            await feed.wait_for(lambda: feed.status().messages_total > 2_000, GUARD)  # the firehose runs
            sink = feed.sink = CountingSink(app.dashboard)  # as the app's own, counted

            tracemalloc.start()
            base, _ = tracemalloc.get_traced_memory()
            # the rate before the stall (tracing memory too, as in the stall), in frames per second
            measured_from, frames_from = time.monotonic(), feed.status().messages_total
            await asyncio.sleep(STALL)
            rate_before = (feed.status().messages_total - frames_from) / (time.monotonic() - measured_from)
            frames_before, posted_before, flushes_before = feed.status().messages_total, sink.posted, sink.flushes
            done = asyncio.Event()
            started = time.monotonic()

            async def busy() -> None:
                await asyncio.sleep(STALL)  # the screen is busy: its queue is not read meanwhile
                done.set()

            def blocked() -> None:
                time.sleep(STALL)  # the UI thread is stuck: nothing at all runs meanwhile
                done.set()

            app.dashboard.call_later(busy if how == "busy" else blocked)
            await done.wait()
            stalled_for = time.monotonic() - started
            frames_in_stall = feed.status().messages_total - frames_before
            posted_in_stall = sink.posted - posted_before
            flushes_in_stall = sink.flushes - flushes_before

            # the catch-up: the firehose goes on for another second, then everything settles
            await feed.wait_for(lambda: feed.status().messages_total > frames_before + frames_in_stall + 2_000, GUARD)
            sim.pause()
            await settle(feed)
            await feed.wait_for(lambda: all(feed.state.is_live(t) for t in books), GUARD)
            await settle(feed)
            elapsed = time.monotonic() - started
            frames = feed.status().messages_total - frames_before
            posted = sink.posted - posted_before
            flushes = sink.flushes - flushes_before
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()

            for ticker in books:
                yes, no = sim.book_levels(ticker)
                assert feed.state.books[ticker].levels("yes") == yes, ticker
                assert feed.state.books[ticker].levels("no") == no, ticker
            await feed.stop()
    finally:
        tracemalloc.stop()
        await sim.stop()

    print(f"{how}: {rate_before:,.0f} frames/s before; "
          f"stalled {stalled_for:.2f} s, {frames_in_stall:,} frames, {flushes_in_stall} flushes and "
          f"{posted_in_stall} messages in it; {frames:,} frames, {flushes} flushes, {posted} messages "
          f"in {elapsed:.1f} s; peak +{(peak - base) / 2**20:.1f} MB")
    assert stalled_for >= STALL
    if how == "busy":
        # the socket was read all along, and the stalled screen was sent little to catch up on
        assert frames_in_stall >= BUSY_RATE_FRACTION * rate_before * stalled_for, (frames_in_stall, rate_before)
        assert posted_in_stall <= PER_FLUSH * (stalled_for / FRAME_INTERVAL + 2), posted_in_stall
        assert flushes_in_stall <= FLUSHES_PER_INTERVAL * (stalled_for / FRAME_INTERVAL + 1) < frames_in_stall, (
            flushes_in_stall, frames_in_stall)
    # over the whole episode, messages follow the clock, not the number of frames (of which there
    # were more than the clock allows flushes, so that a flush per frame would show)
    assert posted <= PER_FLUSH * (elapsed / FRAME_INTERVAL + 2), (posted, elapsed)
    assert flushes <= FLUSHES_PER_INTERVAL * (elapsed / FRAME_INTERVAL + 1) < frames, (flushes, frames)
    assert peak - base < MEMORY_BOUND, f"grew by {(peak - base) / 2**20:.1f} MB over {frames:,} frames"
    assert sim.pending_frames <= SEND_BUFFER + 64 * 32  # the simulator waited instead of piling up
