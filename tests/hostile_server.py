"""A scriptable hostile WebSocket server on loopback: a test decides every frame and when.

The simulator behaves; this server does exactly what the test says and nothing else. It is a real
``websockets`` server on 127.0.0.1 (port 0). It checks the signed handshake when given a public
key (the way the simulator does), else accepts any handshake. Each connection the client opens
becomes a :class:`HostileConnection`; the test takes it, reads the client's commands, and sends
whatever it likes: acks with chosen sids, snapshots and deltas with chosen seqs, arbitrary text
or bytes (invalid JSON included), or nothing at all (the client's pings are still answered:
``websockets`` does that).

Typical use, end to end through the real feed::

    async with HostileServer(public_key=key.public_key()) as server:
        feed = Feed(FeedConfig(url=server.url, credentials=Credentials(KEY_ID, key)), state)
        task = asyncio.create_task(feed.run())
        conn = await server.next_connection()
        sub = asyncio.create_task(feed.subscribe("orderbook_delta", ["M1"]))
        cmd = await conn.next_command()               # {"id": 1, "cmd": "subscribe", ...}
        await conn.subscribed(cmd, sid=1)             # answer it with sid 1
        await conn.snapshot(sid=1, seq=1, ticker="M1", yes=[("0.4000", "10.00")])
        await conn.delta(sid=1, seq=2, ticker="M1", price="0.4000", delta="-5.00", side="yes")
        await conn.send('{"type":"orderbook_delta","sid":1,"seq":"x"}')   # anything at all

Nothing is answered unless the test answers it: a command left unanswered stays so.
:func:`hostile_feed` starts the server and a real :class:`~app.feed.feed.Feed` connected to it, and
hands the test both with the first connection (:class:`HostileHarness`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from app.core.state import MarketState
from app.feed.auth import HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, Credentials, verify
from app.feed.feed import Feed, FeedConfig

WS_PATH = "/trade-api/ws/v2"
Level = tuple[str, str]  # (price in dollars, count), both as the wire's strings


class HostileConnection:
    """One client connection: the commands it sent, and ways to send it anything."""

    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.received: list[str | bytes] = []  # every frame the client sent, as sent
        self.sids: dict[str, int] = {}  # channel -> sid, of the subscribes serve_subscribes answered
        self.closed = asyncio.Event()
        self._unread: list[dict[str, Any]] = []  # commands not taken by next_command yet
        self._arrived = asyncio.Event()

    def take(self, command: dict[str, Any]) -> None:
        """Queue a command the client sent (the server's reader calls this)."""
        self._unread.append(command)
        self._arrived.set()

    def ended(self) -> None:
        """The connection is closed (the server's reader calls this)."""
        self.closed.set()
        self._arrived.set()

    async def next_command(self, timeout: float | None = 5.0, cmd: str | None = None) -> dict[str, Any]:
        """The client's oldest command not taken yet (parsed JSON); with ``cmd``, the oldest of
        that name (the others stay for later calls). Raises EOFError once the connection closed
        with none left, TimeoutError after ``timeout`` seconds (None: no limit)."""
        async with asyncio.timeout(timeout):
            while True:
                for index, command in enumerate(self._unread):
                    if cmd is None or command.get("cmd") == cmd:
                        return self._unread.pop(index)
                if self.closed.is_set():
                    raise EOFError("the connection closed")
                self._arrived.clear()
                await self._arrived.wait()

    def serve_subscribes(self, first_sid: int = 1) -> asyncio.Task[None]:
        """Answer every ``subscribe`` from now on with the next sid (noted in :attr:`sids`), in
        the background until the connection closes."""

        async def serve() -> None:
            sid = first_sid
            with contextlib.suppress(EOFError, ConnectionClosed):
                while True:
                    command = await self.next_command(timeout=None, cmd="subscribe")
                    self.sids[command["params"]["channels"][0]] = sid
                    await self.subscribed(command, sid)
                    sid += 1

        return asyncio.create_task(serve())

    async def send(self, frame: str | bytes) -> None:
        """Send one frame exactly as given (text for ``str``, binary for ``bytes``)."""
        await self.ws.send(frame)

    async def send_json(self, message: dict[str, Any]) -> None:
        """Send ``message`` as one compact JSON text frame."""
        await self.ws.send(json.dumps(message, separators=(",", ":")))

    async def subscribed(self, command: dict[str, Any], sid: int, channel: str | None = None) -> None:
        """Answer a ``subscribe`` with ``subscribed`` on ``sid`` (the command's first channel by default)."""
        channel = channel or command["params"]["channels"][0]
        await self.send_json({"id": command["id"], "type": "subscribed",
                              "msg": {"channel": channel, "sid": sid}})

    async def ok(self, command: dict[str, Any], sid: int | None = None, seq: int | None = None,
                 msg: Any = None) -> None:
        """Answer a command with ``ok`` (optionally on ``sid`` with ``seq`` and a ``msg``)."""
        await self.send_json(_drop_none({"id": command["id"], "type": "ok", "sid": sid, "seq": seq,
                                         "msg": msg}))

    async def unsubscribed(self, command: dict[str, Any], sid: int, seq: int | None = None) -> None:
        """Answer an ``unsubscribe`` of ``sid``."""
        await self.send_json(_drop_none({"id": command["id"], "type": "unsubscribed", "sid": sid,
                                         "seq": seq}))

    async def error(self, command: dict[str, Any] | None, code: int, msg: str = "") -> None:
        """Send error ``code`` (as the answer to ``command`` when given)."""
        await self.send_json(_drop_none({"id": command["id"] if command else None, "type": "error",
                                         "msg": {"code": code, "msg": msg}}))

    async def snapshot(self, sid: int, seq: int | None, ticker: str, yes: Iterable[Level] = (),
                       no: Iterable[Level] = (), command_id: int | None = None) -> None:
        """Send an ``orderbook_snapshot`` in today's form (sides with no levels are omitted)."""
        body: dict[str, Any] = {"market_ticker": ticker, "market_id": f"id-{ticker}"}
        if yes:
            body["yes_dollars_fp"] = [list(level) for level in yes]
        if no:
            body["no_dollars_fp"] = [list(level) for level in no]
        await self.send_json(_drop_none({"type": "orderbook_snapshot", "sid": sid, "seq": seq,
                                         "id": command_id, "msg": body}))

    async def delta(self, sid: int, seq: Any, ticker: str, price: str, delta: str,
                    side: str = "yes") -> None:
        """Send an ``orderbook_delta`` (``seq`` as given: any JSON value, or None to leave it out)."""
        await self.send_json(_drop_none({
            "type": "orderbook_delta", "sid": sid, "seq": seq,
            "msg": {"market_ticker": ticker, "market_id": f"id-{ticker}", "price_dollars": price,
                    "delta_fp": delta, "side": side}}))

    async def ticker(self, sid: int, ticker: str, price: str = "0.5000", **fields: Any) -> None:
        """Send a ``ticker`` message for ``ticker`` (extra wire fields as keyword arguments)."""
        await self.send_json({"type": "ticker", "sid": sid, "msg": {
            "market_ticker": ticker, "market_id": f"id-{ticker}", "price_dollars": price,
            "yes_bid_dollars": price, "yes_ask_dollars": price, **fields}})

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the connection with a close frame."""
        await self.ws.close(code, reason)

    def abort(self) -> None:
        """Drop the connection without a close frame (like a network failure)."""
        if self.ws.transport is not None:
            self.ws.transport.abort()


class HostileServer:
    """A real WebSocket server on loopback whose every frame a test scripts (async context manager).

    ``public_key``: check the signed handshake against it (401 on a bad one); None accepts any.
    ``max_size``: the largest frame the server accepts from the client.
    """

    def __init__(self, public_key: rsa.RSAPublicKey | None = None, max_size: int | None = 2**20) -> None:
        self.public_key = public_key
        self.max_size = max_size
        self.connections: asyncio.Queue[HostileConnection] = asyncio.Queue()
        self.handshakes = 0  # handshakes accepted
        self.rejected = 0  # handshakes refused for a bad signature
        self._server: Server | None = None
        self.url = ""

    async def __aenter__(self) -> HostileServer:
        self._server = await serve(self._handle, "127.0.0.1", 0, process_request=self._check,
                                   max_size=self.max_size, compression=None, ping_interval=None)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}{WS_PATH}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def next_connection(self, timeout: float = 5.0) -> HostileConnection:
        """The next connection the client opens (waiting for it)."""
        async with asyncio.timeout(timeout):
            return await self.connections.get()

    def _check(self, connection: ServerConnection, request: Request) -> Response | None:
        if self.public_key is None:
            self.handshakes += 1
            return None
        headers = request.headers
        key_id, stamp, signature = (headers.get(h) for h in (HEADER_KEY, HEADER_TIMESTAMP, HEADER_SIGNATURE))
        if not (key_id and stamp and signature and verify(self.public_key, signature, stamp, "GET", WS_PATH)):
            self.rejected += 1
            return connection.respond(401, "Unauthorized\n")
        self.handshakes += 1
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        connection = HostileConnection(ws)
        self.connections.put_nowait(connection)
        try:
            async for frame in ws:
                connection.received.append(frame)
                try:
                    command = json.loads(frame)
                except ValueError:
                    continue
                if isinstance(command, dict):
                    connection.take(command)
        except ConnectionClosed:
            pass
        finally:
            connection.ended()


@dataclass
class HostileHarness:
    """A hostile server, a real feed connected to it, the feed's state and first connection."""

    server: HostileServer
    feed: Feed
    state: MarketState
    conn: HostileConnection
    task: asyncio.Task[None]

    async def subscribe(self, channel: str, markets: list[str] | None = None, sid: int = 1) -> None:
        """Have the feed subscribe to ``channel`` (for ``markets``); answer with ``sid``."""
        subscribing = asyncio.create_task(self.feed.subscribe(channel, markets))
        await self.conn.subscribed(await self.conn.next_command(cmd="subscribe"), sid)
        await subscribing

    async def subscribe_book(self, tickers: list[str], sid: int = 1) -> None:
        """Have the feed subscribe to ``tickers``' books; answer with ``sid``, no snapshots yet."""
        await self.subscribe("orderbook_delta", tickers, sid)


@contextlib.asynccontextmanager
async def hostile_feed(key: rsa.RSAPrivateKey, key_id: str = "hostile-key", server_options:
                       dict[str, Any] | None = None, **feed_options: Any) -> AsyncIterator[HostileHarness]:
    """A :class:`HostileServer` checking ``key``'s signature and a running feed connected to it."""
    async with HostileServer(public_key=key.public_key(), **(server_options or {})) as server:
        state = MarketState()
        options = {"jitter_seed": 1, "backoff_initial": 0.05, "backoff_max": 0.2, **feed_options}
        feed = Feed(FeedConfig(url=server.url, credentials=Credentials(key_id, key), **options), state)
        task = asyncio.create_task(feed.run())
        try:
            conn = await server.next_connection()
            await feed.wait_connected(5)
            yield HostileHarness(server, feed, state, conn, task)
        finally:
            await feed.stop()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 5)


def _drop_none(message: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in message.items() if value is not None}
