"""``kalshi-dash record``: connect headless and write every received frame to a file."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time

from app import protocol as p
from app.auth import AuthError
from app.config import ConfigError, add_connection_arguments, resolve
from app.endpoint import DEFAULT_CHANNELS, open_endpoint, want_defaults
from app.feed import Feed
from app.recording import Recorder
from app.state import MarketState


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``kalshi-dash record``."""
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="recording file (JSON Lines; gzip when it ends in .gz)")
    parser.add_argument("--channels", metavar="A,B,C",
                        help=f"channels, comma-separated (default: {','.join(DEFAULT_CHANNELS)})")
    parser.add_argument("--market", action="append", default=[], metavar="TICKER",
                        help="order book market (repeatable)")
    parser.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    add_connection_arguments(parser)


def _channels(text: str | None) -> list[str] | None:
    if text is None:
        return None
    channels = [p.canonical_channel(c.strip()) for c in text.split(",") if c.strip()]
    unknown = [c for c in channels if c not in p.ALL_CHANNELS]
    if unknown:
        raise ConfigError(f"unknown channel(s) {', '.join(unknown)}; known: {', '.join(sorted(p.ALL_CHANNELS))}")
    return channels


def run(args: argparse.Namespace) -> int:
    """Record until the duration ends or Ctrl-C; print progress and a summary on stderr."""
    try:
        channels = _channels(args.channels)
        settings = resolve(args)
    except ConfigError as exc:
        print(f"kalshi-dash record: {exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_record(args, settings, channels))
    except AuthError as exc:
        print(f"kalshi-dash record: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _record(args: argparse.Namespace, settings, channels: list[str] | None) -> int:
    endpoint = await open_endpoint(settings)
    for note in endpoint.warnings:
        print(f"kalshi-dash record: warning: {note}", file=sys.stderr)
    markets = list(args.market)
    if channels and p.ORDERBOOK_DELTA in channels and not markets:
        print("kalshi-dash record: orderbook_delta needs at least one --market", file=sys.stderr)
        await endpoint.aclose()
        return 2
    header = {"endpoint": settings.environment, "url": endpoint.feed_config.url,
              "channels": channels or list(DEFAULT_CHANNELS), "markets": markets}
    recorder = Recorder(args.output, header)
    feed = Feed(endpoint.feed_config, MarketState())
    feed.recorder = recorder
    await want_defaults(feed, channels, markets)
    task = asyncio.create_task(feed.run())
    started = time.monotonic()
    try:
        while not task.done():
            if args.duration is not None and time.monotonic() - started >= args.duration:
                break
            await asyncio.wait({task}, timeout=1.0)
            recorder.flush_if_due()
            status = feed.status()
            print(f"\rrecording: {recorder.frames:,} frames, {recorder.bytes / 1e6:.2f} MB, "
                  f"{status.messages_per_second:,.0f} msg/s, {status.state.value}   ",
                  end="", file=sys.stderr, flush=True)
    except asyncio.CancelledError:
        pass
    finally:
        await feed.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
        recorder.close()
        await endpoint.aclose()
        elapsed = time.monotonic() - started
        print(f"\nrecorded {recorder.frames:,} frames ({recorder.bytes / 1e6:.2f} MB) in {elapsed:.1f} s "
              f"to {args.output}", file=sys.stderr)
    status = feed.status()
    if status.state.value == "auth rejected":
        print(f"kalshi-dash record: {status.detail}", file=sys.stderr)
        return 2
    return 0
