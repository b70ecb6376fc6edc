"""The ceiling: a bare ``websockets`` client that only receives each frame and ``json.loads`` it.

Same subscriptions and the same bounded receive queue as the feed; no seq checks, no state. With
``--rate`` it measures the CPU a bare client needs at that pace (the paced comparison).
"""

from __future__ import annotations

import asyncio
import json
import time

import websockets

from app.feed import FeedConfig
from benchmarks.common import Window, base_parser, book_markets, emit, source_url, subscribe_commands


async def measure(url: str, mix: str, seconds: float, warmup: float) -> dict[str, float]:
    books = book_markets()
    loads = json.loads
    ws = await websockets.connect(url, max_queue=FeedConfig.max_queue, max_size=2**24)
    try:
        for command in subscribe_commands(mix, books):
            await ws.send(json.dumps(command))
        deadline = time.perf_counter() + warmup
        while time.perf_counter() < deadline:
            loads(await ws.recv())
        count = 0
        window = Window()
        end = window.started + seconds
        while True:
            loads(await ws.recv())
            count += 1
            if not count % 256 and time.perf_counter() >= end:
                break
        return {"messages_per_second": round(window.rate(count)), "cpu_percent": round(window.cpu_percent, 1),
                "messages": count}
    finally:
        ws.transport.abort()  # no closing handshake behind megabytes of unread frames


def main() -> None:
    args = base_parser(__doc__.splitlines()[0]).parse_args()
    result = asyncio.run(measure(source_url(args.url, args.rate), args.mix, args.seconds, args.warmup))
    emit(result)


if __name__ == "__main__":
    main()
