"""The feed worker: one WebSocket connection to Kalshi (or the simulator) that never lies.

:class:`Feed` owns the connection: the signed handshake, commands and their acks, the user's
desired subscriptions and the live sids that serve them, per-sid ``seq`` checks, resync of books
on a gap or an inconsistency, reconnect with backoff and resubscribe, and counters. Every frame is
applied to :class:`app.core.state.MarketState`; what changed is told to a :class:`FeedSink` at most
once per kind per frame interval. Plain asyncio: the Textual app runs :meth:`Feed.run` in a worker
(see :mod:`app.tui.feed_bridge`), headless tools and tests call it directly.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from app.core import protocol as p
from app.core.backoff import full_jitter
from app.core.book import BookInconsistency
from app.core.channel_messages import USER_OWNED, accepted_messages
from app.core.feed_status import ConnectionState, FeedErrorInfo, FeedStatusSnapshot, excerpt
from app.core.market_cap import DEFAULT_MARKET_CAP, evict_idle_markets, over_cap
from app.core.state import BookStatus, Kind, MarketState
from app.core.timestamps import MAX_EPOCH_MS
from app.feed.auth import Credentials
from app.feed.recording import Recorder
from app.feed.ws_connection import FeedConnection, connect

log = logging.getLogger("kalshi_dash.feed")

PROD_URL = "wss://external-api-ws.kalshi.com/trade-api/ws/v2"
DEMO_URL = "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2"

# A channel's other name, tried once when a server answers error 8 (unknown channel).
ALTERNATE_CHANNEL = {
    p.MULTIVARIATE_MARKET_LIFECYCLE: p.MULTIVARIATE,
    p.MULTIVARIATE: p.MULTIVARIATE_MARKET_LIFECYCLE,
    p.TRADE: "trades",
}
# Errors after which the same command may well succeed a moment later: made again once a second.
RETRYABLE_ERROR_CODES = frozenset({1, 17, 18, 27})
INVALID_PARAMETER = 11
UNSUPPORTED_ACTION = 13  # a server without get_snapshot answers it so
# Sent explicitly with each subscribe: the order book's no side in no prices (the server default
# is due to change), and the ticker's current values at once (the grid fills without waiting).
_SUBSCRIBE_PARAMS: dict[str, dict[str, Any]] = {
    p.ORDERBOOK_DELTA: {"use_yes_price": False},
    p.TICKER: {"send_initial_snapshot": True},
}
# Frames no honest server sends, counted by kind (``Feed.anomalies``); each resyncs what it touches.
SEQ_BACKWARDS = "seq went backwards"
WRONG_CHANNEL = "frame of another channel"
SID_REUSED = "sid given twice"
BAD_BOOK_FRAME = "malformed frame on a book's sid"
# WebSocket close code sent when a frame is larger than ``max_size``.
MESSAGE_TOO_BIG = 1009
AUTH_HINT = (
    "authentication rejected: check the key id matches the private key, that the key file is "
    "the one Kalshi issued for this environment (demo and production keys differ), and that "
    "this machine's clock is correct"
)


class FeedCommandError(Exception):
    """A command the server refused: its error code, the server's text and the code's meaning."""

    def __init__(self, code: int | None, message: str, meaning: str) -> None:
        super().__init__(f"error {code}: {meaning}" + (f" ({message})" if message else ""))
        self.code = code
        self.message = message
        self.meaning = meaning


class CommandTimeout(FeedCommandError):
    """A command got no answer in time."""

    def __init__(self, command: str, seconds: float) -> None:
        super().__init__(None, "", f"no answer to {command} within {seconds:g} s")


class NotConnected(FeedCommandError):
    """A command was attempted (or pending) while the connection was down."""

    def __init__(self, reason: str = "not connected") -> None:
        super().__init__(None, "", reason)


class FeedSink(Protocol):
    """Where the feed tells what happened; every call is made on the event loop."""

    def on_changes(self, kinds: Kind, books: frozenset[str]) -> None: ...
    def on_status(self, status: FeedStatusSnapshot) -> None: ...
    def on_subscriptions(self) -> None: ...
    def on_error(self, error: FeedErrorInfo) -> None: ...


class NullSink:
    """A sink that ignores everything (headless use)."""

    def on_changes(self, kinds: Kind, books: frozenset[str]) -> None:
        """Ignore."""

    def on_status(self, status: FeedStatusSnapshot) -> None:
        """Ignore."""

    def on_subscriptions(self) -> None:
        """Ignore."""

    def on_error(self, error: FeedErrorInfo) -> None:
        """Ignore."""


@dataclass
class FeedConfig:
    """Where to connect and how the worker behaves."""

    url: str
    credentials: Credentials | None = None
    environment: str = "CUSTOM"
    frame_interval: float = 1 / 30
    status_interval: float = 1.0
    command_timeout: float = 10.0
    watchdog_timeout: float = 30.0
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    backoff_reset_after: float = 60.0
    open_timeout: float = 10.0
    max_queue: int = 512
    # A key press crosses several Textual message queues, each waiting for the feed's next yield:
    # 32 frames (~0.3 ms under a firehose) rather than 200 took key latency p95 from ~75-90 ms
    # to ~45-50 ms at the same throughput.
    yield_every: int = 32
    stale_after: float = 10.0
    jitter_seed: int | None = None
    max_frame_bytes: int = 2**24
    market_cap: int = DEFAULT_MARKET_CAP  # markets remembered before idle ones are forgotten
    # connections in a row ended by a frame over max_frame_bytes before the feed stops trying
    oversize_give_up: int = 5
    own_rfqs_only: bool = False  # communications: only the user's own RFQs (user_filter "self")


@dataclass
class LiveSubscription:
    """A subscription the server has confirmed: its sid, channel, markets and seq position."""

    sid: int
    channel: str
    markets: set[str] | None
    last_seq: int = 0
    messages: int = 0
    gaps: int = 0
    resyncs: int = 0
    resyncing: bool = False
    # markets a delete_markets not yet answered takes off it: never resynced (the server may have
    # dropped them already and refuse a get_snapshot naming them)
    removing: set[str] = field(default_factory=set)
    last_data: float | None = None  # monotonic time of its last message
    accepts: frozenset[type] = field(init=False, repr=False)  # the message types its channel carries

    def __post_init__(self) -> None:
        self.accepts = accepted_messages(self.channel)


@dataclass
class _Pending:
    command: str
    future: asyncio.Future[Any]
    channel: str | None = None
    awaiting_snapshots: set[str] = field(default_factory=set)
    markets: set[str] | None = None  # what a subscribe asked for


class Feed:
    """The connection manager: desired subscriptions, live sids, seq checks, resyncs, counters."""

    def __init__(self, config: FeedConfig, state: MarketState, sink: FeedSink | None = None) -> None:
        self.config = config
        self.state = state
        self.sink: FeedSink = sink or NullSink()
        self.recorder: Recorder | None = None
        self.replay_source: Any = None  # an app.feed.recording.Replay while replaying
        # the markets a screen shows, never forgotten while over the market cap (app.core.market_cap)
        self.retain: Callable[[], Iterable[str]] = tuple
        self._desired: dict[str, set[str] | None] = {}
        self._subs: dict[int, LiveSubscription] = {}
        self._wire_names: dict[str, str] = {}
        self._pending: dict[int, _Pending] = {}
        self._next_id = 1
        self._ws: FeedConnection | None = None
        self._lock = asyncio.Lock()
        self._stopping = False
        self._connected = asyncio.Event()
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._get_snapshot_supported = True
        self._retry_channels: set[str] = set()  # to make again after a transient error
        self._resync_again: set[str] = set()  # books whose resync met a transient error
        self._rng = random.Random(config.jitter_seed)
        # counters
        self._conn_state = ConnectionState.IDLE
        self._reconnect_at: float | None = None
        self._detail = ""
        self._messages = 0
        self._bytes = 0
        self._rate_mark = (time.monotonic(), 0, 0)
        self._rates = (0.0, 0.0)
        self._last_data: float | None = None
        # the latest valid data time sent (epoch ms) and when it came (monotonic): the latency is
        # worked out from them when the status is asked for, not on every message
        self._sent_ms: int | None = None
        self._sent_at = 0.0
        self._per_channel: dict[str, int] = {}  # a plain dict: a Counter's += is ~1,600 instructions
        self._waiters = 0  # wait_for calls under way: only they need ``_changed`` set by each frame
        self.gaps = 0
        self.duplicates = 0
        self.resyncs = 0
        self.reconnects = 0
        self.parse_errors = 0
        self.unknown_types = 0
        self.partly_read = 0  # messages shown with a field or word that could not be read
        self._partly_read_seen: Counter[str] = Counter()  # by what could not be read
        self.discarded = 0
        self.internal_errors = 0
        self.handshakes = 0
        self.anomalies: Counter[str] = Counter()  # impossible frames, by kind (SEQ_BACKWARDS, ...)
        self._oversized = 0  # connections in a row ended by a frame over the size limit
        self._abandoning = ""  # why the feed is closing this connection itself
        # per market: when its book last started a resync (monotonic) and how many it had
        self.resynced_at: dict[str, float] = {}
        self.market_resyncs: Counter[str] = Counter()
        self.errors: list[FeedErrorInfo] = []
        # coalesced notifications: the kinds as a plain int (or-ing IntFlags costs a microsecond)
        self._dirty_kinds = 0
        self._dirty_books: set[str] = set()
        self._handlers: dict[type, Callable[[Any], None]] = {
            p.Subscribed: self._on_subscribed,
            p.Unsubscribed: self._on_unsubscribed,
            p.Ok: self._on_ok,
            p.ErrorMessage: self._on_error_message,
            p.OrderbookSnapshot: self._on_snapshot,
            p.UnknownMessage: self._on_unknown,
        }

    # ------------------------------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, keep connected, and process frames until :meth:`stop` (or the key is rejected)."""
        self._stopping = False
        housekeeping = asyncio.create_task(self._housekeeping(), name="feed-housekeeping")
        attempt = 0
        try:
            while not self._stopping:
                started = time.monotonic()
                outcome = await self._connect_once()
                if outcome == "fatal" or self._stopping:
                    break
                if self._oversized >= self.config.oversize_give_up:
                    self._give_up_oversized()
                    break
                if time.monotonic() - started >= self.config.backoff_reset_after:
                    attempt = 0
                delay = full_jitter(self._rng, attempt, self.config.backoff_initial, self.config.backoff_max)
                attempt += 1
                self.reconnects += 1
                self._set_state(ConnectionState.RECONNECTING)
                self._reconnect_at = time.monotonic() + delay
                self._post_status()
                await asyncio.sleep(delay)
                self._reconnect_at = None
        finally:
            housekeeping.cancel()
            for task in list(self._tasks):
                task.cancel()
            if self._conn_state is not ConnectionState.AUTH_REJECTED:
                self._set_state(ConnectionState.STOPPED)
            self._flush()
            self._post_status()

    def _give_up_oversized(self) -> None:
        """Stop for good: the server sends a frame too large to take on every connection."""
        self._report(FeedErrorInfo(
            f"stopped: the server sent a frame over the {_size(self.config.max_frame_bytes)} limit on "
            f"{self._oversized} connections in a row; reconnecting again would get it again. "
            "Restart kalshi-dash to try again later", fatal=True))
        self._set_state(ConnectionState.STOPPED)

    def recording_header(self) -> dict[str, Any]:
        """What a recording started now must say: endpoint, wanted channels, and live sids.

        The live subscriptions (sid, channel, markets, last seq) let a replay of a recording
        started mid-session track the sids whose ``subscribed`` acks came before it.
        """
        desired = self.desired()
        return {
            "endpoint": self.config.environment,
            "url": self.config.url,
            "channels": sorted(desired),
            "markets": sorted(desired.get(p.ORDERBOOK_DELTA) or ()),
            "subscriptions": [
                {"sid": s.sid, "channel": s.channel, "last_seq": s.last_seq,
                 "markets": sorted(s.markets) if s.markets is not None else None}
                for s in self.subscriptions()
            ],
        }

    def start_recording(self, recorder: Recorder) -> None:
        """Record every frame from now on, and fetch fresh snapshots of the open books.

        A recording that starts mid-session needs snapshots for its books to be replayable:
        ``get_snapshot`` puts them into the recording (the books show RESYNCING until then). Those
        snapshots are asked for, not forced by a gap: they are not counted as resyncs.
        """
        self.recorder = recorder
        for sub in self.subscriptions():
            if sub.channel == p.ORDERBOOK_DELTA and sub.markets:
                self._start_resync(sub, set(sub.markets), counted=False)

    def _record(self, write: Callable[..., None], *args: Any) -> None:
        """Write to the recording; a failing disk stops the recording, never the feed."""
        try:
            write(*args)
        except (OSError, ValueError) as exc:
            recorder = self.stop_recording()
            self._report(FeedErrorInfo(f"recording to {recorder.path if recorder else 'file'} stopped: {exc}"))

    def record_rest(self, path: str, query: dict[str, str], body: dict[str, Any]) -> None:
        """Put a REST response the session used into the recording, if one is running (the
        :class:`~app.rest.client.RestClient` observer of a recorded session)."""
        if self.recorder is not None:
            self._record(self.recorder.rest, path, query, body, time.time())

    def stop_recording(self) -> Recorder | None:
        """Stop recording; return the closed recorder (None when none was running).

        Never raises: a file that cannot be flushed any more (disk full) is closed as it is.
        """
        recorder, self.recorder = self.recorder, None
        if recorder is not None:
            try:
                recorder.close()
            except (OSError, ValueError) as exc:
                log.warning("closing the recording %s failed: %s", recorder.path, exc)
        return recorder

    async def replay(self, source: Any) -> None:
        """Drive the state from a recording (:class:`app.feed.recording.Replay`) instead of a socket."""
        self.replay_source = source
        for row in source.recording.header.get("subscriptions") or ():
            markets = row.get("markets")
            self._subs[row["sid"]] = LiveSubscription(
                row["sid"], row["channel"], set(markets) if markets is not None else None,
                last_seq=row.get("last_seq", 0))
        self._set_state(ConnectionState.REPLAY)
        housekeeping = asyncio.create_task(self._housekeeping(), name="feed-housekeeping")
        try:
            await source.run()
        finally:
            housekeeping.cancel()
            self._update_rates(time.monotonic())
            self.flush()
            self._post_status()

    async def stop(self) -> None:
        """Close the connection and end :meth:`run`."""
        self._stopping = True
        if self._ws is not None:
            await self._ws.close()

    async def subscribe(self, channel: str, markets: Iterable[str] | None = None) -> None:
        """Want ``channel`` for ``markets`` (None: every market, or a channel without a filter).

        Adds to what is already wanted on that channel; with a live connection, makes or updates
        the subscription and waits for the server's answer.
        """
        channel = p.canonical_channel(channel)
        self._refuse_in_replay()
        async with self._lock:
            wanted = self._desired.get(channel, set())
            if markets is None or wanted is None:
                self._desired[channel] = None
            else:
                self._desired[channel] = set(wanted) | set(markets)
            if self._connected.is_set():
                await self._realize(channel)

    async def unsubscribe(self, channel: str, markets: Iterable[str] | None = None) -> None:
        """Stop wanting ``markets`` on ``channel`` (None: the whole channel)."""
        channel = p.canonical_channel(channel)
        self._refuse_in_replay()
        async with self._lock:
            wanted = self._desired.get(channel)
            if channel not in self._desired:
                return
            if markets is None or wanted is None:
                del self._desired[channel]
            else:
                remaining = wanted - set(markets)
                if remaining:
                    self._desired[channel] = remaining
                else:
                    del self._desired[channel]
            if self._connected.is_set():
                await self._realize(channel)

    async def unsubscribe_sid(self, sid: int) -> None:
        """Stop wanting whatever the live subscription ``sid`` serves."""
        sub = self._subs.get(sid)
        if sub is not None:
            await self.unsubscribe(sub.channel)

    async def list_subscriptions(self) -> tuple[p.SubscriptionInfo, ...]:
        """Ask the server for its list of this connection's subscriptions."""
        answer = await self._command("list_subscriptions", p.list_subscriptions)
        return answer.subscriptions or ()

    async def raw_command(self, cmd: str, params: dict[str, Any] | None = None) -> p.Message:
        """Send any command as given and wait for its answer (a tool for diagnostics and tests).

        The desired subscriptions are not changed; raises FeedCommandError on an error answer.
        """
        def build(cmd_id: int) -> dict[str, Any]:
            command: dict[str, Any] = {"id": cmd_id, "cmd": cmd}
            if params is not None:
                command["params"] = params
            return command

        return await self._command(cmd, build)

    async def settle(self) -> None:
        """Wait until every frame the server sent before now has been processed.

        A ``list_subscriptions`` round trip: frames arrive in order, so its answer comes after
        everything sent before it.
        """
        await self.list_subscriptions()

    async def wait_connected(self, timeout: float | None = None) -> None:
        """Wait until the connection is up (raises TimeoutError after ``timeout`` seconds)."""
        async with asyncio.timeout(timeout):
            await self._connected.wait()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds, re-checking whenever the feed processed something."""
        self._waiters += 1
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    self._changed.clear()
                    await self._changed.wait()
        finally:
            self._waiters -= 1

    def _refuse_in_replay(self) -> None:
        if self.replay_source is not None:
            raise NotConnected("this is a replay of a recording: commands are not sent")

    def desired(self) -> dict[str, set[str] | None]:
        """A copy of the wanted subscriptions: channel -> markets (None: all / no filter)."""
        return {ch: (set(m) if m is not None else None) for ch, m in self._desired.items()}

    def subscriptions(self) -> list[LiveSubscription]:
        """The live subscriptions, by sid."""
        return [self._subs[sid] for sid in sorted(self._subs)]

    def status(self) -> FeedStatusSnapshot:
        """The counters and connection state now."""
        now = time.monotonic()
        return FeedStatusSnapshot(
            state=self._conn_state,
            endpoint=self.config.url,
            environment=self.config.environment,
            reconnect_in=max(0.0, self._reconnect_at - now) if self._reconnect_at else None,
            messages_per_second=self._rates[0],
            bytes_per_second=self._rates[1],
            messages_total=self._messages,
            bytes_total=self._bytes,
            last_data_age=now - self._last_data if self._last_data is not None else None,
            gaps=self.gaps,
            duplicates=self.duplicates,
            resyncs=self.resyncs,
            reconnects=self.reconnects,
            parse_errors=self.parse_errors,
            unknown_types=self.unknown_types,
            partly_read=self.partly_read,
            subscriptions=len(self._subs),
            latency_ms=self._latency(now) if self.replay_source is None else None,  # replay: wall
            # clock minus recorded time means nothing
            per_channel=dict(self._per_channel),
            anomalies=dict(self.anomalies),
            detail=self._replay_position() or self._detail,
            recording=self.recorder.describe() if self.recorder is not None else None,
            replay=self._replay_phase(),
        )

    def _latency(self, now: float) -> float | None:
        """Milliseconds from the latest valid data time sent to its arrival (None before one):
        the wall clock when it came is the wall clock now less the monotonic time since."""
        if self._sent_ms is None:
            return None
        return (time.time() - (now - self._sent_at)) * 1000 - self._sent_ms

    def _replay_phase(self) -> str | None:
        source = self.replay_source
        if source is None:
            return None
        if source.finished.is_set():
            return "ended"
        return "paused" if source.paused else "playing"

    def _replay_position(self) -> str:
        source = self.replay_source
        if source is None:
            return ""
        paused = " paused" if source.paused else ""
        return f"frame {source.position:,}/{source.total:,} at {source.speed:g}x{paused}"

    # ------------------------------------------------------------------------------------------
    # Connection
    # ------------------------------------------------------------------------------------------

    async def _connect_once(self) -> str:
        """One connection's life; returns ``"fatal"`` when retrying cannot help, else ``"retry"``."""
        self._set_state(ConnectionState.CONNECTING)
        self._post_status()
        headers = self.config.credentials.headers() if self.config.credentials else {}
        self.handshakes += 1
        try:
            # No compression is offered: inflating every frame costs more CPU than the bytes it saves.
            ws = await connect(
                self.config.url,
                headers=headers,
                max_queue=self.config.max_queue,
                open_timeout=self.config.open_timeout,
                max_size=self.config.max_frame_bytes,
            )
        except InvalidStatus as exc:
            code = exc.response.status_code
            if code in (401, 403):
                self._report(FeedErrorInfo(f"{AUTH_HINT} (HTTP {code})", fatal=True))
                self._set_state(ConnectionState.AUTH_REJECTED)
                return "fatal"
            self._detail = f"handshake answered HTTP {code}"
            self._report(FeedErrorInfo(f"server answered HTTP {code}; retrying"))
            return "retry"
        except InvalidURI as exc:
            self._report(FeedErrorInfo(f"bad URL {self.config.url!r}: {exc}", fatal=True))
            self._set_state(ConnectionState.STOPPED)
            return "fatal"
        except (OSError, InvalidHandshake, TimeoutError, socket.gaierror) as exc:
            self._detail = _describe_connect_error(exc)
            self._report(FeedErrorInfo(f"cannot connect to {self.config.url}: {self._detail}; retrying"))
            return "retry"
        if self._stopping:  # stop() came while the handshake was under way
            await ws.close()
            return "retry"
        self._ws = ws
        ws.last_activity = time.monotonic()
        self._on_connected()
        watchdog = asyncio.create_task(self._watchdog(ws), name="feed-watchdog")
        resubscribe = self._spawn(self._resubscribe_all())
        try:
            await self._read(ws)
        finally:
            watchdog.cancel()
            resubscribe.cancel()
            self._on_disconnected()
        return "retry"

    def _on_connected(self) -> None:
        self._next_id = 1
        self._abandoning = ""
        self._subs.clear()
        self._retry_channels.clear()
        self._resync_again.clear()
        for ticker in list(self.state.books):
            self.state.set_book_status(ticker, BookStatus.AWAITING_SNAPSHOT)
        self._mark(Kind.BOOK, self.state.books)
        self._detail = ""
        self._set_state(ConnectionState.LIVE)
        self._connected.set()
        self._post_status()

    def _on_disconnected(self) -> None:
        self._connected.clear()
        self._ws = None
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(NotConnected("connection lost before the answer"))
        self._pending.clear()
        self._mark_books_stale(self.state.books)
        self._subs.clear()
        self.sink.on_subscriptions()
        self._flush()

    def _mark_books_stale(self, tickers: Collection[str]) -> None:
        """The live books among ``tickers`` are stale: their stream ended."""
        for ticker in tickers:
            if self.state.book_status.get(ticker) is BookStatus.LIVE:
                self.state.set_book_status(ticker, BookStatus.STALE)
        self._mark(Kind.BOOK, tickers)

    async def _read(self, ws: FeedConnection) -> None:
        """Receive frames until the connection closes, yielding to the loop every few hundred."""
        yield_every = self.config.yield_every
        count = 0
        try:
            while True:
                for raw in await ws.batch():
                    self.process_frame(raw)
                    count += 1
                    if count >= yield_every:
                        count = 0
                        await asyncio.sleep(0)
        except ConnectionClosed as exc:
            oversized = exc.sent is not None and exc.sent.code == MESSAGE_TOO_BIG
            self._oversized = self._oversized + 1 if oversized else 0
            if self._stopping or self._abandoning:
                return
            if oversized:
                reason = f"the server sent a frame over the {_size(self.config.max_frame_bytes)} limit"
            else:
                reason = f"connection closed ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
            self._detail = reason
            self._report(FeedErrorInfo(f"{reason}; reconnecting"))

    async def _watchdog(self, ws: FeedConnection) -> None:
        """Close a connection on which nothing (frame or ping) has arrived for too long."""
        timeout = self.config.watchdog_timeout
        while True:
            silent = time.monotonic() - ws.last_activity
            if silent >= timeout:
                self._report(FeedErrorInfo(f"nothing received for {silent:.0f} s; reconnecting"))
                await ws.close(code=1011, reason="watchdog")
                return
            await asyncio.sleep(min(timeout - silent, 1.0) + 0.01)

    async def _housekeeping(self) -> None:
        """Flush coalesced notifications each frame; post the status once per status interval."""
        next_status = time.monotonic()
        interval = self.config.frame_interval
        next_flush = next_status + interval
        while True:
            # On a fixed clock, not a fixed sleep: a sleep plus the work after it would drift below
            # the frame rate (the screen draws when the flush says something changed).
            await asyncio.sleep(max(0.0, next_flush - time.monotonic()))
            next_flush = max(next_flush + interval, time.monotonic())
            self._flush()
            now = time.monotonic()
            if now >= next_status:
                next_status = now + self.config.status_interval
                self._update_rates(now)
                self._post_status()
                self._repair()
                self._bound_markets()
                if self.recorder is not None:
                    self._record(self.recorder.flush_if_due)

    # ------------------------------------------------------------------------------------------
    # Frames
    # ------------------------------------------------------------------------------------------

    def process_frame(self, raw: str | bytes) -> None:
        """Apply one frame as if received now (the socket reader and replay both come here).

        A bug of ours met by one frame must not end the feed: it is logged with the frame's head,
        counted, and shown; the next frame is processed as usual.
        """
        try:
            self._process(raw)
        except Exception as exc:  # noqa: BLE001 - the feed outlives any one frame
            self.internal_errors += 1
            head = _frame_head(raw)
            log.error("internal error on frame %r", head, exc_info=True)
            self._report(FeedErrorInfo(f"internal error on a frame ({type(exc).__name__}: {exc}); "
                                       "the frame was skipped"))

    def _process(self, raw: str | bytes) -> None:
        now = time.monotonic()
        self._messages += 1
        self._bytes += len(raw)
        if self._waiters:
            self._changed.set()
        if self.recorder is not None:
            self._record(self.recorder, raw, time.time())
        try:
            message = p.parse(raw)
        except p.ProtocolError as exc:
            self._on_bad_frame(exc, raw)
            return
        sid = message.sid
        kind = type(message)
        sub = self._subs.get(sid) if sid is not None else None
        if sub is not None:
            if kind not in sub.accepts:
                self._on_wrong_channel(sub, message)
                return
            seq = message.seq
            if seq is not None:
                last = sub.last_seq
                if seq > last:
                    if seq != last + 1:
                        self._on_gap(sub, last + 1, seq)
                    sub.last_seq = seq
                elif not self._on_seq_not_ahead(sub, message, seq):
                    return
            sub.messages += 1
            sub.last_data = now
            per_channel, channel = self._per_channel, sub.channel
            try:
                per_channel[channel] += 1
            except KeyError:  # the channel's first message
                per_channel[channel] = 1
        if type(message) is _DELTA:  # the commonest frame, first (the type narrowed for its handler)
            self._on_delta(message, sub, now)
            return
        handler = self._handlers.get(kind)
        if handler is not None:
            handler(message)
            return
        if sid is not None and sub is None:
            self.discarded += 1  # data for a sid that is gone (or not yet confirmed)
            return
        self._last_data = now
        ts_ms = getattr(message, "ts_ms", None)
        if ts_ms is not None and 0 <= ts_ms <= MAX_EPOCH_MS:  # valid_epoch_ms, without a call per frame
            self._sent_ms, self._sent_at = ts_ms, now
        if message.problems:
            self._on_partly_read(message)
        apply = self.state.appliers.get(kind)
        kinds = apply(message) if apply is not None else None
        if kinds:
            self._dirty_kinds |= kinds._value_

    def _on_bad_frame(self, exc: p.ProtocolError, raw: str | bytes) -> None:
        """An unparseable frame: counted and logged; on a book's sid, it may have been one of
        its deltas, so that subscription's books are resynced now, not at the next gap."""
        self.parse_errors += 1
        log.warning("unparseable frame (%s): %r", excerpt(str(exc)), _frame_head(raw))
        self._report(FeedErrorInfo(f"bad frame from server: {exc}"), quiet=True)
        sub = self._subs.get(exc.sid) if exc.sid is not None else None
        if sub is not None and sub.channel == p.ORDERBOOK_DELTA:
            self._out_of_step(BAD_BOOK_FRAME, sub, sub.markets or set(),
                              f"malformed frame on sid {sub.sid} ({exc})")

    def _on_wrong_channel(self, sub: LiveSubscription, message: p.Message) -> None:
        """A frame of a type ``sub``'s channel does not carry: applied only when it is the user's
        own (a fill, position or order is never dropped). A book frame on another sid resyncs
        that market's book; any frame on a book's sid resyncs its books."""
        ticker = getattr(message, "market_ticker", None)
        target: LiveSubscription | None
        if sub.channel == p.ORDERBOOK_DELTA:
            target, books = sub, sub.markets or set()
        elif isinstance(message, (p.OrderbookSnapshot, p.OrderbookDelta)):
            target = self._book_subscription_of(ticker)
            books = {ticker} if target is not None and ticker is not None else set()
        else:
            target, books = sub, set()
        owned = type(message) in USER_OWNED
        self._out_of_step(WRONG_CHANNEL, target or sub, books,
                          f"{message.type_name or 'a'} frame on sid {sub.sid} ({sub.channel}) "
                          + ("applied: it is yours" if owned else "ignored"))
        if owned:
            self._mark(self.state.apply(message), ())

    def _on_seq_not_ahead(self, sub: LiveSubscription, message: p.Message, seq: int) -> bool:
        """A frame whose ``seq`` is not past its sid's last: True when it is to be applied anyway.

        A repeat of the last seq is a duplicate (dropped; a repeated snapshot replaces the book
        with the same one). A snapshot further back replaces its book all the same and restarts
        the sid's seq from it; any other frame further back is dropped. Either way the sid's
        books resync: a stream that restarted and an old frame sent again look alike, so none
        shows live until a fresh snapshot confirms it, and no later delta lands on a book it
        does not follow.
        """
        snapshot = isinstance(message, p.OrderbookSnapshot)
        if seq == sub.last_seq:
            self.duplicates += 1
            return snapshot
        what = f"seq on sid {sub.sid} ({sub.channel}) went back from {sub.last_seq} to {seq}"
        if isinstance(message, p.OrderbookSnapshot):
            sub.last_seq = seq
            self._on_snapshot(message)  # before the resync marks its book
        books = (sub.markets or set()) if sub.channel == p.ORDERBOOK_DELTA else set()
        self._out_of_step(SEQ_BACKWARDS, sub, books, what)
        return False

    def _out_of_step(self, kind: str, sub: LiveSubscription, books: set[str], what: str) -> None:
        """Count an impossible frame and resync the ``books`` it touches (of ``sub``).

        Said in the log and to the user when it starts a resync or is the first of its kind;
        a flood of them is counted only.
        """
        self.anomalies[kind] += 1
        fresh = self._start_resync(sub, books) if books else set()
        loud = bool(fresh) or self.anomalies[kind] == 1
        resync = f"; resyncing {_names(fresh)}" if fresh else ""
        self._report(FeedErrorInfo(f"{kind}: {what}{resync}"), quiet=not loud)

    def _book_subscription_of(self, ticker: str | None) -> LiveSubscription | None:
        """The live order-book subscription that serves ``ticker``'s book, if any."""
        for sub in self._subs.values():
            if sub.channel == p.ORDERBOOK_DELTA and (sub.markets is None or ticker in sub.markets):
                return sub
        return None

    def _bound_markets(self) -> None:
        """Over the market cap, forget idle markets not shown, not wanted by name, not the user's."""
        cap = self.config.market_cap
        if not over_cap(self.state, cap):
            return
        keep = set(self.retain())
        for markets in self._desired.values():
            keep.update(markets or ())
        forgotten = evict_idle_markets(self.state, cap, keep)
        if forgotten:
            log.info("over %d markets or events: forgot %d idle ones", cap, forgotten)
            self._mark(Kind.TICKER | Kind.TRADE | Kind.LIFECYCLE, ())

    def _on_gap(self, sub: LiveSubscription, expected: int, got: int) -> None:
        self.gaps += 1
        sub.gaps += 1
        log.warning("seq gap on sid %d (%s): expected %d, got %d", sub.sid, sub.channel, expected, got)
        if sub.channel == p.ORDERBOOK_DELTA:
            self._start_resync(sub, sub.markets or set())

    def _on_snapshot(self, m: p.OrderbookSnapshot) -> None:
        pending = self._pending.get(m.id) if m.id else None
        if pending is not None and m.id is not None:
            pending.awaiting_snapshots.discard(m.market_ticker)
            if not pending.awaiting_snapshots and not pending.future.done():
                self._pending.pop(m.id, None)
                pending.future.set_result(m)
        if m.sid not in self._subs:
            self.discarded += 1
            return
        self._last_data = time.monotonic()
        self.state.apply(m)
        if m.market_id == "" and not m.yes and not m.no:
            self._report(FeedErrorInfo(f"{m.market_ticker}: unknown or expired market (empty book)"))
        self._mark(Kind.BOOK, (m.market_ticker,))

    def _on_delta(self, m: p.OrderbookDelta, sub: LiveSubscription | None, now: float) -> None:
        """A book delta that came at ``now`` on ``sub`` (None: a sid not or no longer live)."""
        if sub is None:
            self.discarded += 1
            return
        self._last_data = now
        ts_ms = m.ts_ms
        if ts_ms is not None and 0 <= ts_ms <= MAX_EPOCH_MS:  # valid_epoch_ms, without a call per delta
            self._sent_ms, self._sent_at = ts_ms, now
        ticker = m.market_ticker
        status = self.state.book_status.get(ticker)
        if status is _RESYNCING or status is _STALE:
            self.discarded += 1  # the fresh snapshot will include it
            return
        try:
            self.state.apply_delta(m)
        except BookInconsistency as exc:
            log.warning("book inconsistency: %s", excerpt(str(exc)))
            self._report(FeedErrorInfo(f"book out of step ({exc}); resyncing"), quiet=True)
            self._start_resync(sub, {ticker})
            return
        self._dirty_kinds |= _BOOK
        self._dirty_books.add(ticker)

    def _on_partly_read(self, m: p.Message) -> None:
        """A message shown with what could be read: counted, logged (the same problem the 1st, 2nd,
        4th, 8th… time, so that one on every trade does not flood the log), kept in the error list."""
        self.partly_read += 1
        what = "; ".join(m.problems)
        if len(self._partly_read_seen) >= 1_000:
            self._partly_read_seen.clear()
        seen = self._partly_read_seen[what] = self._partly_read_seen[what] + 1
        if seen & (seen - 1) == 0:
            log.warning("%s read in part (%s), %d time(s)", m.type_name, what, seen)
        self._report(FeedErrorInfo(f"{m.type_name} shown with what could be read: {what}"), quiet=True)

    def _on_unknown(self, m: p.UnknownMessage) -> None:
        self.unknown_types += 1
        log.info("unknown message type %r", excerpt(m.type))
        self._report(FeedErrorInfo(f"unknown message type {m.type!r} ignored"), quiet=True)

    # -- acks ----------------------------------------------------------------------------------

    def _resolve(self, cmd_id: int | None, result: Any) -> bool:
        pending = self._pending.pop(cmd_id, None) if cmd_id else None
        if pending is None:
            return False
        if not pending.future.done():
            pending.future.set_result(result)
        return True

    def _on_subscribed(self, m: p.Subscribed) -> None:
        pending = self._pending.get(m.id) if m.id else None
        if pending is not None and m.sid in self._subs:
            self._on_sid_reused(m.sid, pending.channel or m.channel)
            return
        if pending is not None and pending.channel is not None:
            # Only the feed's own subscriptions are tracked; one made by raw_command, or whose
            # command timed out, is found again by the next subscribe (merge or error 6).
            # Its markets are set now, not when _make resumes: a gap among the first snapshots
            # resyncs them.
            markets = set(pending.markets) if pending.markets is not None else None
            self._subs[m.sid] = LiveSubscription(m.sid, pending.channel, markets)
        elif self.replay_source is not None:  # a recording: its subscriptions were the feed's own
            self._subs[m.sid] = LiveSubscription(m.sid, p.canonical_channel(m.channel), None)
        self._resolve(m.id, m)

    def _on_sid_reused(self, sid: int, channel: str | None) -> None:
        """The server gave ``sid`` to a second subscription: no frame on it can be told apart, so
        it is dropped now (its books stop being live), the connection is left, and every
        subscription made again on a new one."""
        held = self._subs.pop(sid)
        self.anomalies[SID_REUSED] += 1
        if held.channel == p.ORDERBOOK_DELTA:
            self._mark_books_stale(held.markets or ())
        self.sink.on_subscriptions()
        self._abandon(f"{SID_REUSED}: the server answered a subscribe to {excerpt(channel or '?', 60)} "
                      f"with sid {sid}, which already serves {held.channel}")

    def _abandon(self, reason: str, code: int = 1002) -> None:
        """Leave this connection and reconnect, saying why; no command is made on it any more.

        Frames already on their way are still applied until it closes. ``code`` is the close
        code sent: 1002 (protocol error) by default.
        """
        ws = self._ws
        if ws is None or self._abandoning:
            return
        self._abandoning = reason
        self._detail = reason
        self._report(FeedErrorInfo(f"{reason}; reconnecting"))
        self._connected.clear()
        self._spawn(ws.close(code=code))

    def _on_unsubscribed(self, m: p.Unsubscribed) -> None:
        if m.sid is not None:
            self._subs.pop(m.sid, None)
        self._resolve(m.id, m)

    def _on_ok(self, m: p.Ok) -> None:
        if m.sid is not None and m.market_tickers is not None and m.sid in self._subs:
            self._subs[m.sid].markets = set(m.market_tickers)
        self._resolve(m.id, m)

    def _on_error_message(self, m: p.ErrorMessage) -> None:
        error = FeedCommandError(m.code, m.message, m.meaning)
        pending = self._pending.pop(m.id, None) if m.id else None
        if pending is not None:
            if not pending.future.done():
                pending.future.set_exception(error)
            return
        sub = self._subs.get(m.sid) if m.sid is not None else None
        if m.code in p.TERMINAL_ERROR_CODES and sub is not None:
            self._report(FeedErrorInfo(f"subscription {sub.sid} ({sub.channel}) ended; making it again",
                                       m.code, m.meaning, m.message))
            del self._subs[sub.sid]
            self._spawn(self._remake(sub.channel))
            return
        self._report(FeedErrorInfo(f"server error {m.code}: {m.meaning}", m.code, m.meaning, m.message))

    # ------------------------------------------------------------------------------------------
    # Commands and subscriptions
    # ------------------------------------------------------------------------------------------

    async def _command(
        self,
        name: str,
        build: Callable[..., dict[str, Any]],
        *args: Any,
        channel: str | None = None,
        snapshots: Iterable[str] = (),
        markets: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Send a command and wait for its answer (or raise FeedCommandError / CommandTimeout)."""
        ws = self._ws
        self._refuse_in_replay()
        if ws is None:
            raise NotConnected()
        cmd_id = self._next_id
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_mark_retrieved)
        self._pending[cmd_id] = _Pending(name, future, channel, set(snapshots),
                                         set(markets) if markets is not None else None)
        try:
            await ws.send(p.encode_command(build(cmd_id, *args, **kwargs)))
            async with asyncio.timeout(self.config.command_timeout):
                return await future
        except TimeoutError:
            timeout = CommandTimeout(name, self.config.command_timeout)
            if self._ws is ws:  # a server that does not answer is left, not waited on
                self._abandon(timeout.meaning, code=1011)
            raise timeout from None
        except ConnectionClosed:
            raise NotConnected("connection lost before the answer") from None
        finally:
            self._pending.pop(cmd_id, None)

    def _wire_name(self, channel: str) -> str:
        return self._wire_names.get(channel, channel)

    def _live_for(self, channel: str) -> LiveSubscription | None:
        for sub in self._subs.values():
            if sub.channel == channel:
                return sub
        return None

    async def _resubscribe_all(self) -> None:
        """After (re)connecting, make every desired subscription again."""
        async with self._lock:
            for channel in list(self._desired):
                try:
                    await self._realize(channel)
                except FeedCommandError as exc:
                    self._report(FeedErrorInfo(f"could not subscribe to {channel}: {exc}", exc.code,
                                               exc.meaning, exc.message))

    async def _remake(self, channel: str) -> None:
        async with self._lock:
            await self._realize(channel)

    def _repair(self) -> None:
        """Make again what a transient error (1, 17, 18, 27, no answer) left undone (connected only)."""
        if not self._connected.is_set():
            return
        channels, self._retry_channels = self._retry_channels, set()
        for channel in channels:
            self._spawn(self._remake(channel))
        tickers, self._resync_again = self._resync_again, set()
        for sub in list(self._subs.values()):
            stale = {t for t in tickers & (sub.markets or set())
                     if self.state.book_status.get(t) is BookStatus.STALE}
            if sub.channel == p.ORDERBOOK_DELTA and stale:
                self._start_resync(sub, stale)

    async def _realize(self, channel: str) -> None:
        """Bring the live subscription of ``channel`` in line with what is desired (lock held)."""
        wanted = self._desired.get(channel, _ABSENT)
        sub = self._live_for(channel)
        try:
            if wanted is _ABSENT:
                if sub is not None:
                    await self._command("unsubscribe", p.unsubscribe, [sub.sid])
                    self._forget_books(sub.markets or set())
            elif sub is None:
                await self._make(channel, wanted)
            elif wanted is None or sub.markets is None:
                if wanted != sub.markets:
                    await self._command("unsubscribe", p.unsubscribe, [sub.sid])
                    await self._make(channel, wanted)
            else:
                await self._update_markets(sub, wanted)
        except FeedCommandError as exc:
            if _retryable(exc):  # still wanted: made again by _repair
                self._retry_channels.add(channel)
            raise
        finally:
            self.sink.on_subscriptions()
            self._changed.set()

    async def _make(self, channel: str, markets: set[str] | None) -> LiveSubscription:
        """Subscribe to ``channel`` for ``markets``; retries once under the channel's other name."""
        tickers = sorted(markets) if markets else None
        if channel == p.ORDERBOOK_DELTA:
            for ticker in tickers or ():
                self.state.set_book_status(ticker, BookStatus.AWAITING_SNAPSHOT)
            self._mark(Kind.BOOK, tickers or ())
        extra = _SUBSCRIBE_PARAMS.get(channel, {})
        if channel == p.COMMUNICATIONS and self.config.own_rfqs_only:
            extra = {**extra, "user_filter": "self"}
        try:
            answer = await self._command("subscribe", p.subscribe, [self._wire_name(channel)], tickers,
                                         channel=channel, markets=markets, **extra)
        except FeedCommandError as exc:
            alternate = ALTERNATE_CHANNEL.get(self._wire_name(channel))
            if exc.code == 8 and alternate and channel not in self._wire_names:
                self._wire_names[channel] = alternate
                log.info("server does not know %s; using %s", channel, alternate)
                return await self._make(channel, markets)
            if exc.code == 6:
                return await self._reconcile_existing(channel, markets)
            raise
        if isinstance(answer, p.Ok):  # merged into an existing sid (today's repeated subscribe)
            if answer.sid is None:  # which sid it merged into is not said: ask the server's list
                return await self._reconcile_existing(channel, markets)
            sub = self._subs.get(answer.sid)
            if sub is not None and sub.channel != channel:
                self._on_sid_reused(sub.sid, channel)
                raise NotConnected(self._abandoning)
            if sub is None:
                sub = self._subs[answer.sid] = LiveSubscription(answer.sid, channel, None)
        else:
            sub = self._subs[answer.sid]
        sub.markets = set(markets) if markets is not None else None
        return sub

    async def _reconcile_existing(self, channel: str, markets: set[str] | None) -> LiveSubscription:
        """An older server said "already subscribed" (error 6): find that sid and update it."""
        rows = await self.list_subscriptions()
        wire = self._wire_name(channel)
        for row in rows:
            if p.canonical_channel(row.channel) in (channel, wire):
                sub = self._subs.get(row.sid)
                if sub is None:
                    sub = self._subs[row.sid] = LiveSubscription(row.sid, channel, None)
                    sub.markets = set(row.market_tickers) if row.market_tickers else set()
                if markets is not None:
                    await self._update_markets(sub, markets)
                return sub
        raise FeedCommandError(6, "", "server says already subscribed but does not list it")

    async def _update_markets(self, sub: LiveSubscription, wanted: set[str]) -> None:
        current = sub.markets or set()
        added, removed = sorted(wanted - current), sorted(current - wanted)
        if added:
            if sub.channel == p.ORDERBOOK_DELTA:
                for ticker in added:
                    self.state.set_book_status(ticker, BookStatus.AWAITING_SNAPSHOT)
                self._mark(Kind.BOOK, added)
            await self._command("update_subscription", p.update_subscription, "add_markets",
                                sid=sub.sid, market_tickers=added)
            sub.markets = current | set(added)
        if removed:
            sub.removing.update(removed)
            try:
                await self._command("update_subscription", p.update_subscription, "delete_markets",
                                    sid=sub.sid, market_tickers=removed)
            finally:
                sub.removing.difference_update(removed)
            sub.markets = (sub.markets or set()) - set(removed)
            if sub.channel == p.ORDERBOOK_DELTA:
                self._forget_books(removed)

    def _forget_books(self, tickers: Iterable[str]) -> None:
        for ticker in tickers:
            if ticker in self.state.books:
                self.state.forget_book(ticker)
                self._mark(Kind.BOOK, (ticker,))

    # -- resync --------------------------------------------------------------------------------

    def _start_resync(self, sub: LiveSubscription, markets: set[str], *, counted: bool = True) -> set[str]:
        """Mark ``markets`` of ``sub`` as resyncing and fetch fresh snapshots in the background;
        return those that were not resyncing already. ``counted=False``: snapshots the feed wants
        for itself (a recording's start), not a resync in the integrity counters.

        Those being removed are only marked stale: no snapshot of them is asked for (the server
        may have dropped them already); should their removal fail, :meth:`_repair` resyncs them.
        """
        leaving = markets & sub.removing
        if leaving:
            self._mark_books_stale(leaving)
            self._resync_again.update(leaving)
        fresh = {m for m in markets - leaving if self.state.book_status.get(m) is not BookStatus.RESYNCING}
        now = time.monotonic()
        for ticker in fresh:
            self.state.set_book_status(ticker, BookStatus.RESYNCING)
            if counted:
                self.resynced_at[ticker] = now
                self.market_resyncs[ticker] += 1
        self._mark(Kind.BOOK, fresh)
        if fresh and not sub.resyncing:
            self._launch_resync(sub, fresh, counted)
        return fresh

    def _launch_resync(self, sub: LiveSubscription, markets: set[str], counted: bool = True) -> None:
        sub.resyncing = True
        if counted:
            self.resyncs += 1
            sub.resyncs += 1
        self._spawn(self._resync(sub, markets))

    async def _resync(self, sub: LiveSubscription, markets: set[str]) -> None:
        try:
            if self._get_snapshot_supported:
                try:
                    await self._command("update_subscription", p.update_subscription, "get_snapshot",
                                        sid=sub.sid, market_tickers=sorted(markets),
                                        snapshots=markets)
                    return
                except FeedCommandError as exc:
                    if exc.code not in (INVALID_PARAMETER, UNSUPPORTED_ACTION):
                        raise
                    # "invalid parameter" may name a market gone meanwhile: resubscribing repairs
                    # this resync, and the next one asks for snapshots again
                    if exc.code == UNSUPPORTED_ACTION:
                        self._get_snapshot_supported = False
                    log.info("get_snapshot refused (%s); resyncing by resubscribing", exc)
            async with self._lock:
                await self._command("unsubscribe", p.unsubscribe, [sub.sid])
                await self._make(sub.channel, self._desired.get(sub.channel, sub.markets))
        except FeedCommandError as exc:
            for ticker in markets:
                if self.state.book_status.get(ticker) is BookStatus.RESYNCING:
                    self.state.set_book_status(ticker, BookStatus.STALE)
            self._mark(Kind.BOOK, markets)
            if _retryable(exc):
                self._resync_again.update(markets)
            self._report(FeedErrorInfo(f"resync of {', '.join(sorted(markets))} failed: {exc}",
                                       exc.code, exc.meaning, exc.message))
        finally:
            sub.resyncing = False
            # every book still marked resyncing, those of this resync included: a gap seen after
            # its fresh snapshot marked it again while this one was under way
            pending = [m for m in (sub.markets or set()) - sub.removing
                       if self.state.book_status.get(m) is BookStatus.RESYNCING]
            if pending and sub.sid in self._subs:
                self._launch_resync(sub, set(pending))  # not _start_resync: they are marked already

    # ------------------------------------------------------------------------------------------
    # Notifications and counters
    # ------------------------------------------------------------------------------------------

    def _mark(self, kind: Kind, books: Iterable[str]) -> None:
        self._dirty_kinds |= kind._value_
        self._dirty_books.update(books)
        self._changed.set()

    def flush(self) -> None:
        """Tell the sink now what changed since the last flush (normally done every frame)."""
        self._flush()

    def _flush(self) -> None:
        if not self._dirty_kinds:
            return
        kinds, books = Kind(self._dirty_kinds), frozenset(self._dirty_books)
        self._dirty_kinds = 0
        self._dirty_books = set()
        self.sink.on_changes(kinds, books)

    def _report(self, error: FeedErrorInfo, quiet: bool = False) -> None:
        """Keep ``error`` and tell the sink (``quiet`` ones are logged and counted only)."""
        self.errors.append(error)
        del self.errors[:-100]
        if error.fatal:
            self._detail = error.summary
        if not quiet:
            log.warning("%s", error.summary)
            self.sink.on_error(error)
        self._changed.set()

    def _set_state(self, state: ConnectionState) -> None:
        self._conn_state = state
        self._changed.set()

    def _post_status(self) -> None:
        self.sink.on_status(self.status())

    def _update_rates(self, now: float) -> None:
        then, messages, size = self._rate_mark
        elapsed = now - then
        if elapsed > 0:
            self._rates = ((self._messages - messages) / elapsed, (self._bytes - size) / elapsed)
        self._rate_mark = (now, self._messages, self._bytes)

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, FeedCommandError):
            self._report(FeedErrorInfo(str(exc), exc.code, exc.meaning, exc.message))
        elif exc is not None:
            log.error("feed task failed", exc_info=exc)
            self._report(FeedErrorInfo(f"internal error: {exc!r}"))


_ABSENT: Any = object()


def _frame_head(raw: str | bytes) -> str:
    """The first 200 characters of a frame, for the log."""
    return raw[:200] if isinstance(raw, str) else raw[:200].decode("utf-8", "replace")
_BOOK = Kind.BOOK._value_
# read once: an enum member read off its class costs ~90 ns, and these are read on every delta
_RESYNCING, _STALE = BookStatus.RESYNCING, BookStatus.STALE
_DELTA = p.OrderbookDelta


def _size(size: int) -> str:
    """A byte count for a message: in MiB when whole MiB, else in bytes."""
    return f"{size // 2**20:,} MiB" if size % 2**20 == 0 else f"{size:,} bytes"


def _names(tickers: Iterable[str], most: int = 5) -> str:
    """Up to ``most`` of ``tickers`` by name, and how many more."""
    names = sorted(tickers)
    more = f" and {len(names) - most:,} more" if len(names) > most else ""
    return ", ".join(excerpt(name, 60) for name in names[:most]) + more


def _retryable(exc: FeedCommandError) -> bool:
    """True for an error after which the same command may succeed a little later."""
    return exc.code in RETRYABLE_ERROR_CODES or isinstance(exc, CommandTimeout)


def _mark_retrieved(future: asyncio.Future[Any]) -> None:
    """Consume a command future's exception so an abandoned command logs no asyncio warning."""
    if not future.cancelled():
        future.exception()


def _describe_connect_error(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "host name not found (DNS)"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__
