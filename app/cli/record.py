"""``kalshi-dash record``: connect headless and write every received frame to a file.

Anything that keeps the recording from starting (a bad flag or key, a file that cannot be written,
a host that cannot be reached, a rejected key) ends with one line on stderr and exit status 2.
The recording is written beside the ``-o`` file and renamed to it when it ends (see
:class:`app.feed.recording.Recorder`): a recording that never started leaves the path as it was.
Once connected, a dropped connection is reconnected as in the dashboard.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time

from app.core import protocol as p
from app.feed.auth import AuthError
from app.core.bounds import DAY, flag_number
from app.config import ConfigError, add_connection_arguments, resolve
from app.endpoint import DEFAULT_CHANNELS, open_endpoint, want_defaults
from app.feed.feed import Feed, NullSink
from app.core.feed_status import ConnectionState, FeedErrorInfo, FeedStatusSnapshot
from app.feed.recording import Recorder, RecordingError
from app.core.sanitize import printable
from app.core.state import MarketState

PROG = "kalshi-dash record"


class _Startup(NullSink):
    """Whether the feed has connected yet, and what went wrong before it did."""

    def __init__(self) -> None:
        self.connected = False
        self.failed = asyncio.Event()

    def on_status(self, status: FeedStatusSnapshot) -> None:
        if status.state is ConnectionState.LIVE:
            self.connected = True

    def on_error(self, error: FeedErrorInfo) -> None:
        if not self.connected:
            self.failed.set()


def _startup_problem(feed: Feed, url: str, task: asyncio.Task[None]) -> str:
    """One line for a recording that could not start: the rejected key, or the host."""
    status = feed.status()
    if status.state is ConnectionState.AUTH_REJECTED:
        return status.detail
    failure = task.exception() if task.done() and not task.cancelled() else None
    detail = type(failure).__name__ if failure is not None else status.detail or "no answer"
    return (f"cannot connect to {url}: {detail}; check the address (--url or --env) "
            "and the network, then try again")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``kalshi-dash record``."""
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="recording file (JSON Lines; gzip when it ends in .gz)")
    parser.add_argument("--channels", metavar="A,B,C",
                        help=f"channels, comma-separated (default: {','.join(DEFAULT_CHANNELS)})")
    parser.add_argument("--market", action="append", default=[], metavar="TICKER",
                        help="order book market (repeatable)")
    parser.add_argument("--duration", type=flag_number(0, 366 * DAY, above_low=True), metavar="S",
                        help="stop after S seconds")
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
    from app.cli.main import fail

    try:
        channels = _channels(args.channels)
        settings = resolve(args)
        if channels and p.ORDERBOOK_DELTA in channels and not args.market:
            raise ConfigError("orderbook_delta needs at least one --market TICKER")
        return asyncio.run(_record(args, settings, channels))
    except (ConfigError, AuthError) as exc:
        return fail(PROG, exc, args)
    except KeyboardInterrupt:
        return 130


def _recorder(path: str, header: dict[str, object]) -> Recorder:
    try:
        return Recorder(path, header)
    except RecordingError as exc:
        raise ConfigError(f"{exc}; choose another -o FILE") from None


async def _record(args: argparse.Namespace, settings, channels: list[str] | None) -> int:
    endpoint = await open_endpoint(settings)
    for note in endpoint.warnings:
        print(f"{PROG}: warning: {note}", file=sys.stderr)
    markets = list(args.market)
    header = {"endpoint": settings.environment, "url": endpoint.feed_config.url,
              "channels": channels or list(DEFAULT_CHANNELS), "markets": markets}
    try:
        recorder = _recorder(args.output, header)
    except ConfigError:
        await endpoint.aclose()
        raise
    startup = _Startup()
    feed = Feed(endpoint.feed_config, MarketState(), startup)
    feed.start_recording(recorder)
    await want_defaults(feed, channels, markets)
    task = asyncio.create_task(feed.run())
    failed = asyncio.create_task(startup.failed.wait())
    started = time.monotonic()
    problem: str | None = None
    interrupted = False
    try:
        while not task.done():
            if args.duration is not None and time.monotonic() - started >= args.duration:
                break
            await asyncio.wait({task, failed}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
            if startup.failed.is_set():
                break
            recorder.flush_if_due()
            if not startup.connected:
                continue
            status = feed.status()
            print(f"\rrecording: {recorder.frames:,} frames, {recorder.bytes / 1e6:.2f} MB, "
                  f"{status.messages_per_second:,.0f} msg/s, {status.state.value}   ",
                  end="", file=sys.stderr, flush=True)
    except asyncio.CancelledError:
        interrupted = True
    finally:
        failed.cancel()
        await feed.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
        if not startup.connected:  # nothing was recorded: no summary, no file left behind
            problem = ("stopped before connecting: nothing was recorded" if interrupted
                       else _startup_problem(feed, endpoint.feed_config.url, task))
            recorder.discard()
        else:
            recorder.close()
        await endpoint.aclose()
    if problem is not None:
        print(f"{PROG}: {printable(problem)}", file=sys.stderr)
        return 2
    elapsed = time.monotonic() - started
    print(f"\nrecorded {recorder.frames:,} frames ({recorder.bytes / 1e6:.2f} MB) in {elapsed:.1f} s "
          f"to {args.output}", file=sys.stderr)
    status = feed.status()
    if status.state is ConnectionState.AUTH_REJECTED:  # rejected on a reconnect, after recording
        print(f"{PROG}: {printable(status.detail)}", file=sys.stderr)
        return 2
    return 0
