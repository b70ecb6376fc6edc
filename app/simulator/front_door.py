"""The simulator's one port: each connection goes to the REST API or the WebSocket side.

Kalshi serves REST and WebSocket on one host and port; so does the simulator. :class:`FrontDoor`
reads a connection's request head, then hands the connection (its transport, and the bytes read so
far) to the protocol ``route`` picks for the request's target: aiohttp's HTTP server for the REST
API (it takes request bodies: order writes), a :class:`~app.simulator.ws_server.SimSocket` for the
rest (the socket's path, and refusals of any other).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

HEAD_END = b"\r\n\r\n"
MAX_HEAD = 2**16  # a head not ended by then goes to the WebSocket side, whose parser refuses it


class FrontDoor(asyncio.Protocol):
    """Reads a request's head; ``route(target)`` gives the protocol that serves the connection."""

    def __init__(self, route: Callable[[str], asyncio.Protocol]) -> None:
        self._route = route
        self._head = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport until the request's head says where it goes."""
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        """Gather the head; once whole, hand the connection over with everything read."""
        self._head += data
        if HEAD_END not in self._head and len(self._head) < MAX_HEAD:
            return
        assert self._transport is not None
        request_line = bytes(self._head.split(b"\r\n", 1)[0]).decode("latin-1")
        parts = request_line.split(" ")
        protocol = self._route(parts[1] if len(parts) == 3 else "")
        self._transport.set_protocol(protocol)
        protocol.connection_made(self._transport)
        protocol.data_received(bytes(self._head))
