"""The feed's WebSocket connection: ``websockets``' client, with data frames read in batches.

``websockets`` parses each frame with a generator and hands each message through a queue to one
``recv()`` await: about 5 µs a message here, as much as the feed's own parsing and applying. On
an open connection without extensions (the feed never offers compression) a server's data frame
is a two-to-ten-byte header and the payload, so :class:`FeedConnection` splits whole unfragmented
text and binary frames off the received bytes itself and queues their payloads; the reader takes
everything queued in one await (:meth:`FeedConnection.batch`).

Everything else stays ``websockets``' job, with the same checks and close codes: control frames
(pings, pongs, close) are handed to it whole, and the first frame that is anything else
(fragmented, masked, with reserved bits, larger than ``max_size``) hands it the rest of the
stream for good. Data messages it assembles itself (those, and frames that arrived with the
handshake response) come back through :meth:`FeedConnection.process_event` into the same queue,
so order is kept whichever path a frame took.

The queue is bounded as ``websockets``' is: past ``max_queue`` messages the socket is not read
until the reader takes them (``websockets``' own ``max_queue`` never fills: its queue stays empty).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.frames import BINARY, DATA_OPCODES, TEXT, Frame
from websockets.protocol import State

_FIN = 0x80
_CONTROL = 0x08  # opcodes 8..15 are control frames
# First header byte of a whole frame the fast path takes: FIN, no reserved bits, text or binary.
_PLAIN_DATA = frozenset({_FIN | TEXT, _FIN | BINARY})


class FeedConnection(ClientConnection):
    """A client connection that queues whole data messages (as bytes) for :meth:`batch`.

    It also notes the time of every byte received (frames and pings) in ``last_activity``, for
    the feed's watchdog.
    """

    last_activity: float = 0.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._buffer = bytearray()
        self._fast = True
        self._messages: list[bytes] = []
        self._fragments: list[bytes] = []
        self._waiter: asyncio.Future[None] | None = None
        self._reading_paused = False

    # -- receiving ------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        """Queue whole plain data frames; hand ``websockets`` everything else."""
        self.last_activity = time.monotonic()
        if not self._fast or self.protocol.state is not State.OPEN or self.protocol.extensions:
            super().data_received(data)
            return
        if self.protocol.reader.buffer:  # it holds part of a frame: it keeps the stream until then
            super().data_received(data)
            return
        buffer = self._buffer
        if buffer:  # the start of a frame came with the last read
            buffer += data
            data = bytes(buffer)
            buffer.clear()
        size = len(data)
        position = 0
        max_size = self.protocol.max_message_size
        append = self._messages.append
        while size - position >= 2:
            first, length = data[position], data[position + 1]
            if length < 126:
                start = position + 2
            elif length == 126:
                start = position + 4
                if start > size:
                    break
                length = data[position + 2] << 8 | data[position + 3]
            elif length == 127:
                start = position + 10
                if start > size:
                    break
                length = int.from_bytes(data[position + 2:start], "big")
            else:  # the mask bit: a server never masks (websockets fails the connection)
                self._hand_over(data, position)
                return
            plain = first in _PLAIN_DATA
            if not plain and not first & _CONTROL or (max_size is not None and length > max_size):
                self._hand_over(data, position)  # fragmented, reserved bits, too big: its job
                return
            end = start + length
            if end > size:
                break
            if plain:
                append(data[start:end])
            else:
                super().data_received(data[position:end])  # a whole control frame
            position = end
        if position < size:
            buffer += data[position:]
        self._wake()

    def _hand_over(self, data: bytes, position: int) -> None:
        """Give ``websockets`` the rest of the stream, from ``position`` of ``data``, for good."""
        self._fast = False
        self._wake()
        super().data_received(data[position:])

    def process_event(self, event: Any) -> None:
        """Queue the data messages ``websockets`` parsed; everything else is its own."""
        if isinstance(event, Frame) and event.opcode in DATA_OPCODES:
            self._fragments.append(event.data)
            if event.fin:
                self._messages.append(b"".join(self._fragments))
                self._fragments.clear()
                self._wake()
            return
        super().process_event(event)

    def connection_lost(self, exc: Exception | None) -> None:
        """Close as ``websockets`` does, and wake the reader to meet the end."""
        super().connection_lost(exc)
        self._wake(force=True)

    def _wake(self, force: bool = False) -> None:
        if (self._messages or force) and self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        if len(self._messages) >= self.max_queue_high and not self._reading_paused:
            self._reading_paused = True
            self.transport.pause_reading()

    # -- the reader's side ----------------------------------------------------------------------

    async def batch(self) -> list[bytes]:
        """Every message received and not yet taken, oldest first (waiting for at least one).

        Raises ``ConnectionClosed`` once the connection is closed and every message was taken.
        """
        while not self._messages:
            if self.protocol.state is State.CLOSED:
                raise self.close_exc
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        messages, self._messages = self._messages, []
        if self._reading_paused and self.protocol.state is not State.CLOSED:
            self._reading_paused = False
            self.transport.resume_reading()
        return messages
