"""Per-message CPU cost of the feed's processing, without a socket: steady figures on a busy machine.

Records the frames a mixed (or deltas-only) subscriber receives from the source, then times, in
CPU time per message: ``json.loads`` (what the bare client does), ``protocol.parse`` alone, and the
feed's whole processing of a frame (parse, seq check, state update, notifications marked).
"""

from __future__ import annotations

import asyncio
import json
import time

import websockets

from app.core import protocol as p
from app.core.state import MarketState
from app.feed.feed import Feed, FeedConfig, NullSink
from benchmarks.common import base_parser, book_markets, emit, subscribe_commands


async def record(url: str, mix: str, count: int) -> list[str]:
    """The first ``count`` frames a subscriber of ``mix`` receives (acks and snapshots included),
    and on until the first book snapshot: the source streams from the first subscription on, so on
    a busy machine ``count`` frames may all come before the book subscription is served."""
    frames: list[str] = []
    booked = False
    ws = await websockets.connect(url, max_queue=512, max_size=2**24)
    try:
        for command in subscribe_commands(mix, book_markets()):
            await ws.send(json.dumps(command))
        while len(frames) < count or not booked:
            frame = await ws.recv()
            booked = booked or '"orderbook_snapshot"' in frame
            frames.append(frame)
    finally:
        ws.transport.abort()
    return frames


def cpu_per_message(run, frames: list[str], repeat: int = 3) -> float:
    """Best of ``repeat`` runs of ``run(frames)``, CPU microseconds per frame."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run(frames)
        best = min(best, time.process_time() - started)
    return best / len(frames) * 1e6


def feed_over(frames: list[str]) -> None:
    feed = Feed(FeedConfig(url="ws://unused"), MarketState(), NullSink())
    # The frames are a recording: as in a replay, the subscriptions confirmed in it are the feed's
    # own (a live feed adopts only those it asked for), so their data reaches the state.
    feed.replay_source = frames
    process = feed._process
    for frame in frames:
        process(frame)
    assert not feed.gaps and not feed.parse_errors, (feed.gaps, feed.parse_errors)
    assert feed.subscriptions() and feed.state.books, "the data never reached the state"


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200_000)
    args = parser.parse_args()
    frames = asyncio.run(record(args.url, args.mix, args.frames))
    loads, parse = json.loads, p.parse

    def json_only(items: list[str]) -> None:
        for item in items:
            loads(item)

    def parse_only(items: list[str]) -> None:
        for item in items:
            parse(item)

    emit({
        "frames": len(frames),
        "mean_frame_bytes": round(sum(len(f) for f in frames) / len(frames)),
        "json_loads_us": round(cpu_per_message(json_only, frames), 2),
        "parse_us": round(cpu_per_message(parse_only, frames), 2),
        "feed_process_us": round(cpu_per_message(feed_over, frames), 2),
    })


if __name__ == "__main__":
    main()
