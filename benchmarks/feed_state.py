"""Feed + state: the feed worker receiving, parsing, seq-checking and applying to ``MarketState``.

No UI: the feed's sink ignores its notifications. Messages per second over the window, once every
subscribed book is live.
"""

from __future__ import annotations

import asyncio
import time

from app.feed import Feed, FeedConfig, NullSink
from app.state import MarketState
from benchmarks.common import Window, base_parser, book_markets, channels, emit, source_url


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


async def measure(url: str, mix: str, seconds: float, warmup: float) -> dict[str, float]:
    feed, task, _books = await start_feed(url, mix)
    try:
        await asyncio.sleep(warmup)
        window = Window(count_started=feed.status().messages_total)
        await asyncio.sleep(seconds)
        status = feed.status()
        return {
            "messages_per_second": round(window.rate(status.messages_total)),
            "cpu_percent": round(window.cpu_percent, 1),
            "gaps": status.gaps, "resyncs": status.resyncs, "parse_errors": status.parse_errors,
            "books": len(feed.state.books), "tickers": len(feed.state.tickers),
        }
    finally:
        await stop_feed(feed, task)


def main() -> None:
    args = base_parser(__doc__.splitlines()[0]).parse_args()
    emit(asyncio.run(measure(source_url(args.url, args.rate), args.mix, args.seconds, args.warmup)))


if __name__ == "__main__":
    main()
