"""The ceiling: a bare ``websockets`` client that only receives each frame and ``json.loads`` it.

Same subscriptions and the same bounded receive queue as the feed; no seq checks, no state. With
``--rate`` it measures the CPU a bare client needs at that pace (the paced comparison). With
``--reader batch`` the bare client receives through the feed's own frame reader
(:func:`app.feed.ws_connection.connect`, whole frames in batches) instead of ``recv()``: the practical
limit for the feed as it is built.
"""

from __future__ import annotations

import asyncio
import json
import time

import websockets
from websockets.asyncio.client import ClientConnection

from app.feed.feed import FeedConfig
from app.feed.ws_connection import FeedConnection, connect
from benchmarks.common import Window, base_parser, book_markets, emit, source_url, subscribe_commands


async def receive_recv(ws: ClientConnection, until: float) -> int:
    """``json.loads`` each frame ``recv()`` returns until ``until``; how many."""
    loads = json.loads
    count = 0
    while True:
        loads(await ws.recv())
        count += 1
        if not count % 256 and time.perf_counter() >= until:
            return count


async def receive_batch(ws: FeedConnection, until: float) -> int:
    """``json.loads`` each frame of the feed reader's batches until ``until``; how many."""
    loads = json.loads
    count = 0
    while time.perf_counter() < until:
        for raw in await ws.batch():
            loads(raw)
            count += 1
    return count


async def measure(url: str, mix: str, seconds: float, warmup: float, reader: str) -> dict[str, float]:
    books = book_markets()
    ws: FeedConnection | ClientConnection
    if reader == "batch":
        ws = await connect(url, headers={}, max_queue=FeedConfig.max_queue, max_size=FeedConfig.max_frame_bytes,
                           open_timeout=FeedConfig.open_timeout)
    else:
        ws = await websockets.connect(url, max_queue=FeedConfig.max_queue, max_size=2**24)
    receive = receive_batch if reader == "batch" else receive_recv
    try:
        for command in subscribe_commands(mix, books):
            await ws.send(json.dumps(command))
        await receive(ws, time.perf_counter() + warmup)  # type: ignore[arg-type]
        window = Window()
        count = await receive(ws, window.started + seconds)  # type: ignore[arg-type]
        return {"messages_per_second": round(window.rate(count)), "cpu_percent": round(window.cpu_percent, 1),
                "messages": count}
    finally:
        ws.transport.abort()  # no closing handshake behind megabytes of unread frames


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--reader", choices=("recv", "batch"), default="recv",
                        help="websockets' recv() (the ceiling) or the feed's frame reader")
    args = parser.parse_args()
    result = asyncio.run(measure(source_url(args.url, args.rate), args.mix, args.seconds, args.warmup,
                                 args.reader))
    emit(result)


if __name__ == "__main__":
    main()
