"""One simulator WebSocket connection: ``websockets``' Sans-I/O server under an asyncio protocol.

:class:`SimSocket` takes a connection whose request head the front door has read
(:mod:`app.simulator.front_door`): :class:`websockets.server.ServerProtocol` parses the request,
``check`` may answer it with a refusal (:meth:`SimSocket.respond`), else the handshake is accepted
and ``handler`` runs with the socket until it returns (then the connection is closed, 1000). The
handler gets what the simulator uses of a connection: incoming messages by ``async for``,
:meth:`SimSocket.send` (waiting while the write buffer is full: the firehose's backpressure),
:meth:`SimSocket.ping` (a future done at its pong), :meth:`SimSocket.close` and ``transport``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from http import HTTPStatus

from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode, Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import State
from websockets.server import ServerProtocol

LOG = logging.getLogger(__name__)
Check = Callable[["SimSocket", Request], "Response | None"]
Handler = Callable[["SimSocket"], Awaitable[None]]
CLOSE_TIMEOUT = 10.0  # seconds a closing connection may take before it is aborted
_WRITE_LIMIT = 2**15  # bytes buffered before a send waits (``websockets``' default)


class SimSocket(asyncio.Protocol):
    """A server connection: the handshake checked by ``check``, then ``handler`` runs with it."""

    transport: asyncio.Transport

    def __init__(self, check: Check, handler: Handler, *, max_size: int | None) -> None:
        self.protocol = ServerProtocol(max_size=max_size)
        self._check = check
        self._handler = handler
        self._loop = asyncio.get_running_loop()
        self._messages: deque[str | bytes] = deque()
        self._fragments: list[bytes] = []
        self._text = True  # the message being received is text (else binary)
        self._arrived = asyncio.Event()
        self._pings: dict[bytes, asyncio.Future[None]] = {}
        self._drained: asyncio.Future[None] | None = None
        self._closed: asyncio.Future[None] = self._loop.create_future()
        self._close_timer: asyncio.TimerHandle | None = None
        self._serving: asyncio.Future[None] | None = None  # the handler's task, once accepted

    # -- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport; sends wait past ``websockets``' default write buffer."""
        assert isinstance(transport, asyncio.Transport)
        transport.set_write_buffer_limits(_WRITE_LIMIT)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        """Hand ``data`` to ``websockets``; answer what it says to and take its events."""
        self.protocol.receive_data(data)
        events = self.protocol.events_received()
        self._write()
        for event in events:
            if isinstance(event, Request):
                self._open(event)
            elif isinstance(event, Frame):
                self._frame(event)

    def eof_received(self) -> None:
        """The client closed its side."""
        self.protocol.receive_eof()
        self._write()

    def connection_lost(self, exc: Exception | None) -> None:
        """The connection is closed: end the handler's reads, pings and sends."""
        self.protocol.receive_eof()  # idempotent: the state is CLOSED from here on
        if self._close_timer is not None:
            self._close_timer.cancel()
        closed = self.protocol.close_exc
        for pong in self._pings.values():
            if not pong.done():
                pong.set_exception(closed)
                pong.exception()  # retrieved: a ping nobody waits for logs nothing
        for future in (self._drained, self._closed):
            if future is not None and not future.done():
                future.set_result(None)
        self._arrived.set()

    def pause_writing(self) -> None:
        """The write buffer is full: sends wait until it drains."""
        self._drained = self._loop.create_future()

    def resume_writing(self) -> None:
        """The write buffer drained."""
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)
        self._drained = None

    # -- the handshake ------------------------------------------------------------------------

    def respond(self, status: HTTPStatus, text: str) -> Response:
        """A plain-text HTTP answer refusing the handshake (for ``check`` to return)."""
        return self.protocol.reject(status, text)

    def _open(self, request: Request) -> None:
        """Answer the handshake: ``check``'s refusal, else accepted and the handler started."""
        response = self._check(self, request)
        if response is None:
            response = self.protocol.accept(request)
        self.protocol.send_response(response)
        self._write()
        if self.protocol.state is State.OPEN:
            self._serving = asyncio.ensure_future(self._serve())

    async def _serve(self) -> None:
        """Run the handler; close the connection when it returns (1011 if it failed)."""
        try:
            await self._handler(self)
        except Exception:
            LOG.exception("simulator connection handler failed")
            await self.close(CloseCode.INTERNAL_ERROR)
        else:
            await self.close()

    # -- receiving ----------------------------------------------------------------------------

    def _frame(self, frame: Frame) -> None:
        if frame.opcode is Opcode.PONG:
            self._pong(bytes(frame.data))
            return
        if frame.opcode not in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
            return
        if frame.opcode is not Opcode.CONT:
            self._text = frame.opcode is Opcode.TEXT
        self._fragments.append(bytes(frame.data))
        if not frame.fin:
            return
        data = b"".join(self._fragments)
        self._fragments.clear()
        if self._text:
            try:
                self._messages.append(data.decode())
            except UnicodeDecodeError as exc:
                self.protocol.fail(CloseCode.INVALID_DATA, f"{exc.reason} at position {exc.start}")
                self._write()
                return
        else:
            self._messages.append(data)
        self._arrived.set()

    def _pong(self, data: bytes) -> None:
        """A pong acknowledges its ping and every earlier one (as ``websockets`` does)."""
        if data not in self._pings:
            return
        for payload in list(self._pings):
            pong = self._pings.pop(payload)
            if not pong.done():
                pong.set_result(None)
            if payload == data:
                return

    async def __aiter__(self) -> AsyncIterator[str | bytes]:
        """Each message received, until the connection closes."""
        while True:
            while self._messages:
                yield self._messages.popleft()
            if self.protocol.state is State.CLOSED:
                return
            self._arrived.clear()
            await self._arrived.wait()

    # -- sending ------------------------------------------------------------------------------

    def _write(self) -> None:
        """Write what ``websockets`` has to send; once it expects the end, bound the wait for it."""
        transport = self.transport
        for data in self.protocol.data_to_send():
            if data:
                transport.write(data)
            elif transport.can_write_eof():
                transport.write_eof()
            else:
                transport.close()
        if self._close_timer is None and self.protocol.close_expected():
            self._close_timer = self._loop.call_later(CLOSE_TIMEOUT, transport.abort)

    def _ensure_open(self) -> None:
        """Raise ``ConnectionClosed`` unless open (a transport already failing counts as closed:
        its ``connection_lost`` is on its way, and writes to it would only be logged)."""
        if self.protocol.state is not State.OPEN or self.transport.is_closing():
            raise ConnectionClosed(self.protocol.close_rcvd, self.protocol.close_sent)

    async def send(self, message: str) -> None:
        """Send ``message`` as a text frame; raises ``ConnectionClosed`` when not open."""
        self._ensure_open()
        self.protocol.send_text(message.encode())
        self._write()
        if self._drained is not None:
            await asyncio.shield(self._drained)

    async def ping(self, data: bytes) -> asyncio.Future[None]:
        """Send a ping; the future is done when its pong comes (``ConnectionClosed`` if never)."""
        self._ensure_open()
        pong = self._pings.get(data)
        if pong is None:
            pong = self._pings[data] = self._loop.create_future()
        self.protocol.send_ping(data)
        self._write()
        return pong

    async def close(self, code: int = CloseCode.NORMAL_CLOSURE, reason: str = "") -> None:
        """Make the closing handshake (if not under way) and wait until the connection is closed."""
        if self.protocol.state is State.OPEN:
            self.protocol.send_close(code, reason)
            self._write()
        await self.wait_closed()

    async def wait_closed(self) -> None:
        """Wait until the connection is closed."""
        await asyncio.shield(self._closed)
