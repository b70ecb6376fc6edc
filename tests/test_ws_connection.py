"""The feed's connection (app/ws_connection.py) against a raw WebSocket server on loopback.

The server answers the handshake and then writes exactly the bytes each test gives it, so the
tests can send what a ``websockets`` server would not: frames in the same packet as the handshake
response, frames split anywhere, fragments with a ping between them, masked frames, frames over
the size limit, refusals, silence where a pong should be.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidStatus

from app.ws_connection import FeedConnection, connect

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CONT, CLOSE, PING, PONG = 1, 2, 0, 8, 9, 10


def frame(payload: bytes, opcode: int = TEXT, fin: bool = True, rsv: int = 0, mask: bytes | None = None) -> bytes:
    """One frame as a server (or, with ``mask``, a client) writes it."""
    first = (0x80 if fin else 0) | rsv << 4 | opcode
    size = len(payload)
    masked = 0x80 if mask else 0
    if size < 126:
        header = struct.pack("!BB", first, masked | size)
    elif size < 2**16:
        header = struct.pack("!BBH", first, masked | 126, size)
    else:
        header = struct.pack("!BBQ", first, masked | 127, size)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return header + mask + payload
    return header + payload


async def read_client_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """The next frame the client wrote: its opcode and unmasked payload."""
    first, second = await reader.readexactly(2)
    size = second & 0x7F
    if size == 126:
        (size,) = struct.unpack("!H", await reader.readexactly(2))
    elif size == 127:
        (size,) = struct.unpack("!Q", await reader.readexactly(8))
    mask = await reader.readexactly(4)
    payload = await reader.readexactly(size)
    return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


@dataclass
class RawPeer:
    """The server's end of one connection, and the handshake response it has not sent yet."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    response: bytes

    async def write(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


@asynccontextmanager
async def raw_connection(
    first_bytes: Callable[[bytes], bytes] = lambda response: response, **options: Any
) -> AsyncIterator[tuple[FeedConnection, RawPeer]]:
    """A :class:`FeedConnection` to a raw server whose first write is ``first_bytes(response)``."""
    peers: asyncio.Queue[RawPeer] = asyncio.Queue()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        match = re.search(rb"(?i)sec-websocket-key: *(\S+)", request)
        assert match is not None
        accept = base64.b64encode(hashlib.sha1(match.group(1) + GUID).digest())
        response = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        peer = RawPeer(reader, writer, response)
        await peer.write(first_bytes(response))
        await peers.put(peer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings: dict[str, Any] = {"max_size": 2**24, "max_queue": 512, "ping_interval": None, **options}
    connection = await connect(f"ws://127.0.0.1:{port}/", headers={"X-Test": "yes"}, open_timeout=5,
                               **settings)
    peer = await peers.get()
    try:
        yield connection, peer
    finally:
        connection.transport.abort()
        peer.writer.close()
        server.close()
        await server.wait_closed()


async def take(connection: FeedConnection, count: int) -> list[bytes]:
    """Batches until ``count`` messages came."""
    messages: list[bytes] = []
    while len(messages) < count:
        messages += await asyncio.wait_for(connection.batch(), 5)
    return messages


PAYLOADS = [b'{"type":"ticker","seq":1}', b"x" * 300, "é€😀".encode(), b"y" * 70_000, b""]


@pytest.mark.asyncio
async def test_frames_in_the_handshake_packet_come_first_and_in_order() -> None:
    early = [frame(b"early-1"), frame(b"early-2", opcode=BINARY)]
    async with raw_connection(lambda response: response + b"".join(early)) as (connection, peer):
        await peer.write(b"".join(frame(p) for p in PAYLOADS))
        assert await take(connection, 2 + len(PAYLOADS)) == [b"early-1", b"early-2", *PAYLOADS]


@pytest.mark.asyncio
async def test_frames_split_at_every_byte_are_whole_and_pings_answered() -> None:
    stream = b"".join(frame(p) for p in PAYLOADS[:3]) + frame(b"are you there", opcode=PING) + frame(b"last")
    async with raw_connection() as (connection, peer):
        for i in range(len(stream)):  # the connection's own receive callback, one byte at a time
            connection.data_received(stream[i:i + 1])
        assert await take(connection, 4) == [*PAYLOADS[:3], b"last"]
        assert await asyncio.wait_for(read_client_frame(peer.reader), 5) == (PONG, b"are you there")


@pytest.mark.asyncio
async def test_fragments_with_a_ping_between_them_are_one_message_in_order() -> None:
    async with raw_connection() as (connection, peer):
        await peer.write(
            frame(b"before")
            + frame(b"frag-1 ", fin=False)
            + frame(b"ping!", opcode=PING)
            + frame(b"frag-2 ", opcode=CONT, fin=False)
            + frame(b"frag-3", opcode=CONT)
            + frame(b"after")
        )
        assert await take(connection, 3) == [b"before", b"frag-1 frag-2 frag-3", b"after"]
        assert await asyncio.wait_for(read_client_frame(peer.reader), 5) == (PONG, b"ping!")


@pytest.mark.asyncio
async def test_a_close_from_the_server_ends_the_batches_after_the_messages_before_it() -> None:
    async with raw_connection() as (connection, peer):
        await peer.write(frame(b"one") + frame(b"two") + frame(struct.pack("!H", 1001) + b"bye", opcode=CLOSE))
        assert await take(connection, 2) == [b"one", b"two"]
        opcode, payload = await asyncio.wait_for(read_client_frame(peer.reader), 5)
        assert (opcode, payload[:2]) == (CLOSE, struct.pack("!H", 1001))  # the client answered the close
        peer.writer.close()
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(connection.batch(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (frame(b"masked", mask=b"abcd"), 1002),  # servers must not mask
        (frame(b"m" * 300, mask=b"abcd"), 1002),  # nor with a longer length
        (frame(b"squeezed", rsv=4), 1002),  # a reserved bit without an extension
        (frame(b"z" * 2000), 1009),  # over max_size
    ],
    ids=["masked", "masked-long", "reserved-bit", "too-big"],
)
@pytest.mark.asyncio
async def test_a_bad_frame_fails_the_connection_as_websockets_does(bad: bytes, code: int) -> None:
    async with raw_connection(max_size=1000) as (connection, peer):
        await peer.write(frame(b"fine") + bad + frame(b"never"))
        assert await take(connection, 1) == [b"fine"]
        opcode, payload = await asyncio.wait_for(read_client_frame(peer.reader), 5)
        assert (opcode, payload[:2]) == (CLOSE, struct.pack("!H", code))
        peer.writer.close()
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(connection.batch(), 5)


@pytest.mark.asyncio
async def test_past_max_queue_messages_the_socket_is_not_read_until_they_are_taken() -> None:
    async with raw_connection(max_queue=4) as (connection, peer):
        sent = [f"message {i}".encode() for i in range(50)]
        await peer.write(b"".join(frame(p) for p in sent))
        for _ in range(10_000):  # yield to the loop until the client has read that far
            if not connection.transport.is_reading():
                break
            await asyncio.sleep(0)
        assert not connection.transport.is_reading()
        first = await connection.batch()
        assert len(first) >= 4 and connection.transport.is_reading()
        assert first + await take(connection, 50 - len(first)) == sent
