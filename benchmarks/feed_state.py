"""Feed + state: the feed worker receiving, parsing, seq-checking and applying to ``MarketState``.

No UI: the feed's sink ignores its notifications. Messages per second over the window, once every
subscribed book is live.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from app.core.state import MarketState
from app.feed.feed import Feed, FeedConfig, NullSink
from benchmarks.common import Window, base_parser, book_markets, channels, emit, rss_mb, source_url


async def start_feed(url: str, mix: str, sink=None) -> tuple[Feed, asyncio.Task[None], list[str]]:
    """A feed connected to ``url`` with the subscriptions of ``mix``, every book live."""
    books = book_markets()
    feed = Feed(FeedConfig(url=url), MarketState(), sink or NullSink())
    for channel, per_market in channels(mix):
        await feed.subscribe(channel, books if per_market else None)
    task = asyncio.create_task(feed.run())
    await feed.wait_for(lambda: all(feed.state.is_live(t) for t in books), timeout=30)
    return feed, task, books


async def stop_feed(feed: Feed, task: asyncio.Task[None]) -> None:
    ws = feed._ws
    if ws is not None:
        ws.transport.abort()  # no closing handshake behind megabytes of unread frames
    await feed.stop()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def memory_until(feed: Feed, messages: int, max_seconds: float) -> dict[str, Any]:
    """Resident memory sampled on the way to ``messages`` (or for ``max_seconds`` at most)."""
    samples: list[tuple[int, float]] = []
    step, next_sample = max(1, messages // 20), 0
    deadline = time.perf_counter() + max_seconds
    while True:
        total = feed.status().messages_total
        if total >= next_sample:
            samples.append((total, round(rss_mb(), 1)))
            next_sample = (total // step + 1) * step
        if total >= messages or time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.05)
    samples.append((feed.status().messages_total, round(rss_mb(), 1)))
    reached = samples[-1][0]
    half = [rss for count, rss in samples if count >= reached // 2]
    state = feed.state
    return {
        "messages": reached, "rss_mb": samples[-1][1], "rss_at_half_mb": half[0],
        "growth_last_half_mb": round(samples[-1][1] - half[0], 1), "samples": samples,
        "trades_kept": len(state.trades), "markets": len(state.tickers), "orders_kept": len(state.orders),
    }


async def measure(url: str, mix: str, seconds: float, warmup: float, messages: int) -> dict[str, Any]:
    feed, task, _books = await start_feed(url, mix)
    try:
        await asyncio.sleep(warmup)
        window = Window(count_started=feed.status().messages_total)
        await asyncio.sleep(seconds)
        status = feed.status()
        result: dict[str, Any] = {
            "messages_per_second": round(window.rate(status.messages_total)),
            "cpu_percent": round(window.cpu_percent, 1),
            "gaps": status.gaps, "resyncs": status.resyncs, "parse_errors": status.parse_errors,
            "books": len(feed.state.books), "tickers": len(feed.state.tickers),
        }
        if messages:
            result["memory"] = await memory_until(feed, messages, 300)
        return result
    finally:
        await stop_feed(feed, task)


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=0, help="go on to this many messages (memory)")
    args = parser.parse_args()
    emit(asyncio.run(measure(source_url(args.url, args.rate), args.mix, args.seconds, args.warmup,
                             args.messages)))


if __name__ == "__main__":
    main()
