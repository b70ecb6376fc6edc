"""The feed's WebSocket connection: ``websockets``' Sans-I/O client under an asyncio protocol.

:func:`connect` opens the TCP (for ``wss``, TLS) connection and makes the opening handshake with
:class:`websockets.client.ClientProtocol`; :class:`FeedConnection` then reads the socket.

Reading: ``websockets`` parses each frame with a generator (several µs a frame, as much as the
feed's own work on it), so on an open connection (no extensions are offered, so none apply) whole
unfragmented text and binary frames are split off the received bytes here
(:func:`app.feed.ws_frames.split_frames`) and their payloads queued; the reader takes everything
queued in one await (:meth:`FeedConnection.batch`). Everything else is ``websockets``' job, with
its checks and close codes: control frames (pings answered, pongs, the closing handshake) are
handed to it whole, and the first frame that is anything else (fragmented, masked, with reserved
bits, larger than ``max_size``) hands it the rest of the stream for good; the data messages it
parses from then on join the same queue, so order is kept. Only whole frames reach it while
frames are split here, so its parser is always at a frame boundary when it gets bytes.

The queue is bounded: past ``max_queue`` messages (``None``: no bound) the socket is not read
until the reader takes them. Keepalive is that of ``websockets.connect``: a ping every
``ping_interval`` seconds, the connection failed (1011) when its pong has not come
``ping_timeout`` seconds later. A connection expected to close (a close frame sent or received, a
failure) is aborted if the server has not closed it ``close_timeout`` seconds later.
"""

from __future__ import annotations

import asyncio
import math
import random
import ssl
import sys
import time
from collections.abc import Iterable, Mapping

import websockets
from websockets.client import ClientProtocol
from websockets.frames import CloseCode, Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from app.feed.ws_frames import NEED_MORE, NOT_PLAIN, split_frames

# The User-Agent ``websockets.connect`` sends.
USER_AGENT = f"Python/{sys.version_info.major}.{sys.version_info.minor} websockets/{websockets.__version__}"
_DATA = frozenset({Opcode.TEXT, Opcode.BINARY, Opcode.CONT})
_WRITE_LIMIT = 2**15  # bytes buffered before a send waits (``websockets``' default)
_HEAD_END = b"\r\n\r\n"


class FeedConnection(asyncio.Protocol):
    """An open client connection whose whole data messages (bytes) are taken by :meth:`batch`.

    ``last_activity`` is the monotonic time of the last bytes received (frames and pings), for
    the feed's watchdog; ``transport`` is the asyncio transport (``abort()`` drops it at once).
    """

    transport: asyncio.Transport

    def __init__(self, protocol: ClientProtocol, *, max_queue: int | None, ping_interval: float | None,
                 ping_timeout: float | None, close_timeout: float) -> None:
        self.protocol = protocol
        self.last_activity = time.monotonic()
        self._max_queue = max_queue if max_queue is not None else math.inf
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._close_timeout = close_timeout
        self._loop = asyncio.get_running_loop()
        # The end of the handshake response's head is looked for across reads (None: found).
        self._head_tail: bytes | None = b""
        self._split = False  # frames are split here (open, no extensions, nothing handed over)
        self._buffer = bytearray()  # the start of a frame not whole yet, while splitting
        self._messages: list[bytes] = []
        self._fragments: list[bytes] = []
        self._waiter: asyncio.Future[None] | None = None
        self._reading_paused = False
        self._opened: asyncio.Future[None] = self._loop.create_future()
        self._closed: asyncio.Future[None] = self._loop.create_future()
        self._close_timer: asyncio.TimerHandle | None = None
        self._keepalive: asyncio.Task[None] | None = None
        self._ping: bytes | None = None
        self._pong: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None

    # -- the handshake ------------------------------------------------------------------------

    async def handshake(self, headers: Mapping[str, str]) -> None:
        """Send the opening handshake with ``headers``; raise ``websockets``' error if refused."""
        request = self.protocol.connect()
        request.headers.update(headers)
        request.headers.setdefault("User-Agent", USER_AGENT)
        self.protocol.send_request(request)
        self._write()
        await self._opened
        if self.protocol.handshake_exc is not None:
            raise self.protocol.handshake_exc
        if self._ping_interval is not None:
            self._keepalive = asyncio.create_task(self._keep_alive(self._ping_interval),
                                                  name="websocket-keepalive")

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport; sends wait past ``websockets``' default write buffer."""
        assert isinstance(transport, asyncio.Transport)
        transport.set_write_buffer_limits(_WRITE_LIMIT)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        """Split whole plain data frames off ``data``; hand ``websockets`` everything else."""
        self.last_activity = time.monotonic()
        if self._split:
            if self.protocol.state is State.OPEN:
                self._split_off(data)
                self._wake()
                return
            # closing (a close sent): websockets reads the rest, a partial frame kept here first
            self._split = False
            data = bytes(self._buffer) + data
            self._buffer.clear()
        if self._head_tail is not None:
            self._handshake_data(data)
        else:
            self._receive(data)
        self._wake()

    def eof_received(self) -> None:
        """The server closed its side: ``websockets`` learns it (and ends a response read to EOF)."""
        self.protocol.receive_eof()
        self._events(self.protocol.events_received())
        self._write()
        self._wake(force=True)

    def connection_lost(self, exc: Exception | None) -> None:
        """The connection is closed: wake whoever waits on it (the reader meets the end)."""
        self.protocol.receive_eof()  # idempotent: the state is CLOSED from here on
        if self._close_timer is not None:
            self._close_timer.cancel()
        if self._keepalive is not None:
            self._keepalive.cancel()
        for future in (self._opened, self._closed, self._drained):
            if future is not None and not future.done():
                future.set_result(None)
        self._wake(force=True)

    def pause_writing(self) -> None:
        """The write buffer is full: sends wait until it drains."""
        self._drained = self._loop.create_future()

    def resume_writing(self) -> None:
        """The write buffer drained."""
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)
        self._drained = None

    # -- receiving ----------------------------------------------------------------------------

    def _handshake_data(self, data: bytes) -> None:
        """Give ``websockets`` the response's head; what follows a 101 is split here."""
        assert self._head_tail is not None
        seen = self._head_tail + data
        found = seen.find(_HEAD_END)
        if found < 0:
            self._head_tail = seen[-3:]
            self._receive(data)
            return
        cut = found + len(_HEAD_END) - len(self._head_tail)
        self._head_tail = None
        self._receive(data[:cut])
        self._split = self.protocol.state is State.OPEN
        rest = data[cut:]
        if self._split:
            self._split_off(rest)
        elif rest:  # the body of a refusal
            self._receive(rest)

    def _split_off(self, data: bytes) -> None:
        """Queue the whole plain data frames of the stream; control frames go to ``websockets``."""
        buffer = self._buffer
        if buffer:  # the start of a frame came with the last read
            buffer += data
            data = bytes(buffer)
            buffer.clear()
        position = 0
        append = self._messages.append
        max_size = self.protocol.max_message_size
        while True:
            position, end = split_frames(data, position, max_size, append)
            if end == NEED_MORE:
                if position < len(data):
                    buffer += data[position:]
                return
            if end == NOT_PLAIN:  # its job from here on, for good
                self._split = False
                self._receive(data[position:])
                return
            self._receive(data[position:end])
            position = end
            if self.protocol.state is not State.OPEN:  # a close frame: websockets reads the rest
                self._split = False
                if position < len(data):
                    self._receive(data[position:])
                return

    def _receive(self, data: bytes) -> None:
        """Hand ``data`` to ``websockets``; send its answers and take its events."""
        self.protocol.receive_data(data)
        events = self.protocol.events_received()
        self._write()
        self._events(events)

    def _events(self, events: Iterable[object]) -> None:
        """Queue the data messages ``websockets`` parsed; note the handshake's answer and pongs."""
        for event in events:
            if not isinstance(event, Frame):  # the handshake response
                if not self._opened.done():
                    self._opened.set_result(None)
            elif event.opcode in _DATA:
                self._fragments.append(bytes(event.data))
                if event.fin:
                    self._messages.append(b"".join(self._fragments))
                    self._fragments.clear()
            elif event.opcode is Opcode.PONG and bytes(event.data) == self._ping:
                if self._pong is not None and not self._pong.done():
                    self._pong.set_result(None)

    def _wake(self, force: bool = False) -> None:
        """Wake the reader when messages wait (or ``force``: the connection ends); past
        ``max_queue`` waiting messages, stop reading the socket."""
        if (self._messages or force) and self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        if len(self._messages) >= self._max_queue and not self._reading_paused \
                and self.protocol.state is State.OPEN:
            self._reading_paused = True
            self.transport.pause_reading()

    # -- sending ------------------------------------------------------------------------------

    def _write(self) -> None:
        """Write what ``websockets`` has to send; once it expects the end, bound the wait for it."""
        transport = self.transport
        for data in self.protocol.data_to_send():
            if data:
                transport.write(data)
            elif transport.can_write_eof():  # the end of the stream: half-close (not over TLS)
                transport.write_eof()
            else:
                transport.close()
        if self._close_timer is None and self.protocol.close_expected():
            self._close_timer = self._loop.call_later(self._close_timeout, transport.abort)

    async def send(self, message: str) -> None:
        """Send ``message`` as a text frame; raises ``ConnectionClosed`` when not open."""
        if self.protocol.state is not State.OPEN:
            await self.wait_closed()
            raise self.protocol.close_exc
        self.protocol.send_text(message.encode())
        self._write()
        if self._drained is not None:
            await asyncio.shield(self._drained)

    async def close(self, code: int = CloseCode.NORMAL_CLOSURE, reason: str = "") -> None:
        """Make the closing handshake (if not under way) and wait until the connection is closed."""
        if self.protocol.state is State.OPEN:
            self.protocol.send_close(code, reason)
            self._write()
        if self._reading_paused:  # the server's close frame is behind the queued messages
            self._reading_paused = False
            self.transport.resume_reading()
        await self.wait_closed()

    async def wait_closed(self) -> None:
        """Wait until the connection is closed."""
        await asyncio.shield(self._closed)

    async def _keep_alive(self, interval: float) -> None:
        """A ping every ``interval`` seconds; no pong within ``ping_timeout`` fails the connection."""
        while True:
            await asyncio.sleep(interval)
            if self.protocol.state is not State.OPEN:
                return
            self._ping = random.getrandbits(32).to_bytes(4, "big")
            self._pong = self._loop.create_future()
            self.protocol.send_ping(self._ping)
            self._write()
            if self._ping_timeout is None:
                continue
            try:
                async with asyncio.timeout(self._ping_timeout):
                    await self._pong
            except TimeoutError:
                if self.protocol.state is State.OPEN:
                    self.protocol.fail(CloseCode.INTERNAL_ERROR, "keepalive ping timeout")
                    self._write()
                return

    # -- the reader's side --------------------------------------------------------------------

    async def batch(self) -> list[bytes]:
        """Every message received and not yet taken, oldest first (waiting for at least one).

        Raises ``ConnectionClosed`` once the connection is closed and every message was taken.
        """
        while not self._messages:
            if self.protocol.state is State.CLOSED:
                raise self.protocol.close_exc
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        messages, self._messages = self._messages, []
        if self._reading_paused and self.protocol.state is State.OPEN:
            self._reading_paused = False
            self.transport.resume_reading()
        return messages


async def connect(
    url: str,
    *,
    headers: Mapping[str, str],
    max_size: int | None,
    max_queue: int | None,
    open_timeout: float,
    ping_interval: float | None = 20.0,
    ping_timeout: float | None = 20.0,
    close_timeout: float = 10.0,
) -> FeedConnection:
    """An open connection to ``url`` (``ws`` or ``wss``), its handshake sent with ``headers``.

    Raises ``InvalidURI`` for a URL that is not a WebSocket URL, ``InvalidStatus`` (with the
    response) when the server answers anything but 101, other ``InvalidHandshake`` errors for a
    malformed answer, ``OSError`` when the connection fails, ``TimeoutError`` after
    ``open_timeout`` seconds. ``max_size`` bounds a message's size (``None``: no bound).
    """
    uri = parse_uri(url)
    loop = asyncio.get_running_loop()
    context = ssl.create_default_context() if uri.secure else None

    def protocol() -> FeedConnection:
        return FeedConnection(ClientProtocol(uri, max_size=max_size), max_queue=max_queue,
                              ping_interval=ping_interval, ping_timeout=ping_timeout,
                              close_timeout=close_timeout)

    connection: FeedConnection | None = None
    try:
        async with asyncio.timeout(open_timeout):
            _transport, connection = await loop.create_connection(
                protocol, uri.host, uri.port, ssl=context, server_hostname=uri.host if context else None)
            await connection.handshake(headers)
    except BaseException as exc:
        if connection is not None:
            connection.transport.abort()
        if isinstance(exc, TimeoutError):
            raise TimeoutError("timed out during opening handshake") from exc
        raise
    return connection
