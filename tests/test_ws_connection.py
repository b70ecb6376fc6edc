"""The feed's connection (app/feed/ws_connection.py) against a raw WebSocket server on loopback.

The server answers the handshake and then writes exactly the bytes each test gives it, so the
tests can send what a ``websockets`` server would not: frames in the same packet as the handshake
response, frames split anywhere, fragments with a ping between them, masked frames, frames over
the size limit, refusals, silence where a pong should be.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import hashlib
import ipaddress
import re
import ssl
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.asyncio.server import ServerConnection, serve
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidHandshake, InvalidStatus
from websockets.uri import parse_uri

from app.feed.ws_connection import FeedConnection, connect

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
    request: bytes
    response: bytes

    async def write(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


def switching_protocols(request: bytes) -> bytes:
    """The 101 response that accepts the handshake ``request``."""
    match = re.search(rb"(?i)sec-websocket-key: *(\S+)", request)
    assert match is not None
    accept = base64.b64encode(hashlib.sha1(match.group(1) + GUID).digest())
    return (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")


@asynccontextmanager
async def raw_connection(
    first_bytes: Callable[[bytes], bytes] = lambda response: response, **options: Any
) -> AsyncIterator[tuple[FeedConnection, RawPeer]]:
    """A :class:`FeedConnection` to a raw server whose first write is ``first_bytes(response)``."""
    peers: asyncio.Queue[RawPeer] = asyncio.Queue()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        peer = RawPeer(reader, writer, request, switching_protocols(request))
        await peer.write(first_bytes(peer.response))
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
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(connection.batch(), 5)
        assert closed.value.sent is not None and closed.value.sent.code == code
        if code == 1009:  # the close frame says what was refused
            assert closed.value.sent.reason == "frame with 2000 bytes exceeds limit of 1000 bytes"


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


@pytest.mark.asyncio
async def test_the_handshake_carries_the_given_headers_and_websockets_user_agent() -> None:
    async with raw_connection() as (_connection, peer):
        head = peer.request.decode()
        assert head.startswith("GET / HTTP/1.1\r\n")
        assert "\r\nX-Test: yes\r\n" in head and "\r\nUpgrade: websocket\r\n" in head
        assert re.search(r"\r\nUser-Agent: Python/3\.\d+ websockets/\d", head)
        assert "Sec-WebSocket-Extensions" not in head  # no compression offered


@pytest.mark.parametrize("cut", [1, 2, 3, 5, 150, 303], ids=lambda cut: f"after-byte-{cut}")
@pytest.mark.asyncio
async def test_a_frame_split_across_two_writes_on_the_socket_comes_whole(cut: int) -> None:
    """``cut`` falls in the first header byte, the length, the extended length, the payload."""
    split = frame(b"s" * 300)  # a 4-byte header: 126 and a 16-bit length
    async with raw_connection() as (connection, peer):
        await peer.write(frame(b"before") + split[:cut])
        assert await take(connection, 1) == [b"before"]  # the client has read that far
        await peer.write(split[cut:] + frame(b"after"))
        assert await take(connection, 2) == [b"s" * 300, b"after"]


@pytest.mark.asyncio
async def test_many_frames_in_one_read_come_in_order_in_one_batch() -> None:
    sent = [f'{{"seq":{i}}}'.encode() for i in range(400)]
    async with raw_connection() as (connection, peer):
        await peer.write(b"".join(frame(p) for p in sent))
        first = await asyncio.wait_for(connection.batch(), 5)
        assert len(first) > 1  # not one await per message
        assert first + await take(connection, len(sent) - len(first)) == sent


@pytest.mark.asyncio
async def test_the_handshake_response_split_anywhere_then_frames_split_here() -> None:
    requests: asyncio.Queue[bytes] = asyncio.Queue()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await requests.put(await reader.readuntil(b"\r\n\r\n"))  # and never answers itself

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    uri = parse_uri(f"ws://127.0.0.1:{port}/")
    _transport, connection = await asyncio.get_running_loop().create_connection(
        lambda: FeedConnection(ClientProtocol(uri), max_queue=16, ping_interval=None, ping_timeout=None,
                               close_timeout=5), "127.0.0.1", port)
    try:
        handshake = asyncio.create_task(connection.handshake({}))
        response = switching_protocols(await asyncio.wait_for(requests.get(), 5))
        for piece in (response[:-3], response[-3:-1], response[-1:] + frame(b"one")[:1]):
            connection.data_received(piece)  # the connection's receive callback, piece by piece
        await asyncio.wait_for(handshake, 5)
        connection.data_received(frame(b"one")[1:] + frame(b"two"))
        assert await take(connection, 2) == [b"one", b"two"]
    finally:
        connection.transport.abort()
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def answering(answer: bytes) -> AsyncIterator[str]:
    """The URL of a server that answers every handshake with ``answer`` and then closes."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.asyncio
async def test_a_refused_handshake_raises_invalid_status_with_the_response() -> None:
    refusal = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 11\r\n\r\nbad api key"
    async with answering(refusal) as url:
        with pytest.raises(InvalidStatus) as refused:
            await connect(url, headers={}, max_size=1000, max_queue=16, open_timeout=5)
    assert refused.value.response.status_code == 401
    assert refused.value.response.body == b"bad api key"


@pytest.mark.asyncio
async def test_a_server_that_closes_without_answering_is_an_invalid_handshake() -> None:
    async with answering(b"") as url:
        with pytest.raises(InvalidHandshake, match="did not receive a valid HTTP response"):
            await connect(url, headers={}, max_size=1000, max_queue=16, open_timeout=5)


@pytest.mark.asyncio
async def test_keepalive_pings_answered_go_on_and_an_unanswered_one_fails_the_connection() -> None:
    async with raw_connection(ping_interval=0.01, ping_timeout=1.0) as (connection, peer):
        opcode, payload = await asyncio.wait_for(read_client_frame(peer.reader), 5)
        assert opcode == PING and len(payload) == 4
        await peer.write(frame(payload, opcode=PONG))
        opcode, again = await asyncio.wait_for(read_client_frame(peer.reader), 5)
        assert opcode == PING and again != payload  # the next ping, not a close: the pong counted
        opcode, close = await asyncio.wait_for(read_client_frame(peer.reader), 5)
        assert (opcode, close) == (CLOSE, struct.pack("!H", 1011) + b"keepalive ping timeout")
        peer.writer.close()
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(connection.batch(), 5)
        assert closed.value.sent is not None and closed.value.sent.code == 1011


@pytest.mark.asyncio
async def test_close_makes_the_closing_handshake_and_the_reader_meets_a_clean_end() -> None:
    async with raw_connection() as (connection, peer):
        closing = asyncio.create_task(connection.close(1000, "bye"))
        opcode, payload = await asyncio.wait_for(read_client_frame(peer.reader), 5)
        assert (opcode, payload) == (CLOSE, struct.pack("!H", 1000) + b"bye")
        await peer.write(frame(b"late", opcode=TEXT) + frame(payload, opcode=CLOSE))
        peer.writer.close()
        await asyncio.wait_for(closing, 5)
        assert await connection.batch() == [b"late"]  # sent before the server's close frame
        with pytest.raises(ConnectionClosedOK):
            await connection.batch()
        with pytest.raises(ConnectionClosedOK):
            await connection.send("too late")


@pytest.mark.asyncio
async def test_a_server_that_never_closes_the_socket_is_dropped_after_the_close_timeout() -> None:
    async with raw_connection(close_timeout=0.05) as (connection, peer):
        await peer.write(frame(struct.pack("!H", 1001), opcode=CLOSE))  # and keeps the socket open
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(connection.batch(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files in ``directory``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kalshi-dash test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.mark.asyncio
async def test_wss_is_tls_verified_against_the_trusted_certificates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_file, key_file = self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    heard: asyncio.Queue[str | bytes] = asyncio.Queue()

    async def handler(ws: ServerConnection) -> None:
        await ws.send("over tls")
        await heard.put(await ws.recv())
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0, ssl=context) as server:
        url = f"wss://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
        with pytest.raises(ssl.SSLCertVerificationError):  # not trusted: refused
            await connect(url, headers={}, max_size=1000, max_queue=16, open_timeout=5)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # the system's trust store, as OpenSSL reads it
        connection = await connect(url, headers={}, max_size=1000, max_queue=16, open_timeout=5)
        assert await take(connection, 1) == [b"over tls"]
        await connection.send("and back")
        assert await asyncio.wait_for(heard.get(), 5) == "and back"
        await asyncio.wait_for(connection.close(), 5)
        with pytest.raises(ConnectionClosedOK):
            await connection.batch()


@pytest.mark.asyncio
async def test_without_max_queue_the_socket_is_read_however_many_messages_wait() -> None:
    async with raw_connection(max_queue=None) as (connection, peer):
        sent = [f"{i:<1000}".encode() for i in range(1200)]  # 1.2 MB: several reads of the socket
        await peer.write(b"".join(frame(p) for p in sent) + frame(struct.pack("!H", 1000), opcode=CLOSE))
        # the close frame behind 1,200 untaken messages was read: the client answers it
        opcode, payload = await asyncio.wait_for(read_client_frame(peer.reader), 5)
        assert (opcode, payload) == (CLOSE, struct.pack("!H", 1000))
        assert await connection.batch() == sent
