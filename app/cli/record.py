"""``kalshi-dash record``: connect headless and write every received frame to a file.

Anything that keeps the recording from starting (a bad flag or key, a file that cannot be written,
a host that cannot be reached, a rejected key) ends with one line on stderr and exit status 2.
The recording is written beside the ``-o`` file and renamed to it when it ends (see
:class:`app.feed.recording.Recorder`): a recording that never started leaves the path as it was.
Once connected, a dropped connection is reconnected as in the dashboard, and the REST API is asked
what the dashboard asks (:class:`app.rest.sync.ExchangeSync`): the catalog, and with a key the
account, again after every reconnect. Its responses go into the recording, so a replay shows the
same titles and account. Progress is one line on stderr, rewritten in place; every failure after
connecting (a REST load, the recording's disk) is one line of its own, a recurring one said once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from collections.abc import Callable
from typing import TextIO

from app.config import ConfigError, add_connection_arguments, check_rest_url, resolve
from app.core import protocol as p
from app.core.bounds import DAY, flag_number
from app.core.error_notices import ErrorNotices
from app.core.exchange_status import exchange_line
from app.core.feed_status import ConnectionState, FeedErrorInfo, FeedStatusSnapshot
from app.core.sanitize import printable
from app.core.state import MarketState
from app.endpoint import DEFAULT_CHANNELS, Endpoint, open_endpoint, want_defaults
from app.feed.auth import AuthError
from app.feed.feed import Feed, NullSink
from app.feed.recording import Recorder, RecordingError
from app.rest.sync import ExchangeSync

PROG = "kalshi-dash record"


class _Lines:
    """stderr for a recording: a progress line rewritten in place, and lines said between."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._shown = 0  # width of the progress line on screen, 0 when none is

    def progress(self, text: str) -> None:
        """Show ``text`` as the progress line, in place of the last one."""
        self.out.write(f"\r{text:<{self._shown}}")
        self.out.flush()
        self._shown = len(text)

    def say(self, line: str) -> None:
        """``line`` on a line of its own, over the progress line (shown again at its next update)."""
        self.out.write(f"\r{line:<{self._shown}}\n")
        self.out.flush()
        self._shown = 0


class _Session(NullSink):
    """Whether the feed has connected yet, and what went wrong: before connecting it ends the
    recording; after, each error is one line on stderr (one recurring is said once a while)."""

    def __init__(self, say: Callable[[str], None], on_connected: Callable[[], None]) -> None:
        self.connected = False
        self.failed = asyncio.Event()
        self.say = say
        self.on_connected = on_connected
        self.notices = ErrorNotices()

    def on_status(self, status: FeedStatusSnapshot) -> None:
        if status.state is ConnectionState.LIVE and not self.connected:
            self.connected = True
            self.on_connected()

    def on_error(self, error: FeedErrorInfo) -> None:
        if not self.connected:
            self.failed.set()
        elif self.notices.admit(error.summary, time.monotonic(), error.fatal) is not None:
            self.say(f"{PROG}: {printable(error.summary)}")


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
    rest_url = check_rest_url(args.rest_url) if args.rest_url else None
    endpoint = await open_endpoint(settings, rest_url=rest_url)
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
    lines = _Lines(sys.stderr)
    state = MarketState()
    syncing: list[asyncio.Task[None]] = []
    session = _Session(lines.say, lambda: syncing.append(_start_sync(endpoint, state, feed, lines.say)))
    feed = Feed(endpoint.feed_config, state, session)
    feed.start_recording(recorder)
    await want_defaults(feed, channels, markets)
    task = asyncio.create_task(feed.run())
    failed = asyncio.create_task(session.failed.wait())
    started = time.monotonic()
    problem: str | None = None
    interrupted = False
    try:
        while not task.done():
            if args.duration is not None and time.monotonic() - started >= args.duration:
                break
            await asyncio.wait({task, failed}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
            if session.failed.is_set():
                break
            recorder.flush_if_due()
            if session.connected:
                lines.progress(_progress(recorder, feed, state))
    except asyncio.CancelledError:
        interrupted = True
    finally:
        failed.cancel()
        for sync in syncing:  # its responses so far are in the recording
            sync.cancel()
        await asyncio.gather(*syncing, return_exceptions=True)
        await feed.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
        if not session.connected:  # nothing was recorded: no summary, no file left behind
            problem = ("stopped before connecting: nothing was recorded" if interrupted
                       else _startup_problem(feed, endpoint.feed_config.url, task))
            recorder.discard()
        else:
            feed.stop_recording()
        await endpoint.aclose()
    if problem is not None:
        print(f"{PROG}: {printable(problem)}", file=sys.stderr)
        return 2
    if not recorder.saved:  # the disk failed: what was recorded is left where it was written
        print(f"{PROG}: could not save to {args.output}; what was recorded is in {recorder.partial_path}",
              file=sys.stderr)
        return 2
    elapsed = time.monotonic() - started
    lines.say(f"recorded {recorder.frames:,} frames and {recorder.responses:,} REST responses "
              f"({recorder.bytes / 1e6:.2f} MB) in {elapsed:.1f} s to {args.output}")
    status = feed.status()
    if status.state is ConnectionState.AUTH_REJECTED:  # rejected on a reconnect, after recording
        print(f"{PROG}: {printable(status.detail)}", file=sys.stderr)
        return 2
    return 0


def _start_sync(endpoint: Endpoint, state: MarketState, feed: Feed, say: Callable[[str], None]) -> asyncio.Task[None]:
    """Ask the REST API what the dashboard asks at start (the catalog; with a key the account, again
    after every reconnect), its responses written into the feed's recording."""
    assert endpoint.rest is not None
    endpoint.rest.observer = feed.record_rest
    sync = ExchangeSync(endpoint.rest, state, lambda _kinds: None, lambda line: say(f"{PROG}: {printable(line)}"))
    return asyncio.create_task(sync.run(feed), name="rest")


def _progress(recorder: Recorder, feed: Feed, state: MarketState) -> str:
    """``recording: 1,234 frames, 0.52 MB, 180 msg/s, live · catalog 96 markets · balance $…``."""
    status = feed.status()
    line = (f"recording: {recorder.frames:,} frames, {recorder.bytes / 1e6:.2f} MB, "
            f"{status.messages_per_second:,.0f} msg/s, {status.state.value}")
    exchange = exchange_line(state)
    return f"{line} · {exchange}" if exchange else line
