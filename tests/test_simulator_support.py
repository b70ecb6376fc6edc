"""Shared helpers for the simulator tests: a running simulator, a parsing client, RSA keys.

No tests here. Every wait is bounded by a timeout that only guards against a hang.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import websockets
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core import protocol as p
from app.feed.auth import Credentials
from app.simulator import SimConfig, Simulator

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KEY_ID = "test-key"
CREDENTIALS = Credentials(KEY_ID, KEY)
GUARD = 5.0  # seconds: a failure guard, never a synchronisation
FROZEN_MS = 1_790_000_000_000


def small_config(**overrides: Any) -> SimConfig:
    """A small, paused universe (tests advance it with ``sim.step``)."""
    fields: dict[str, Any] = {"events": 2, "markets": 6, "rate": 0.0, "settle_every": 0}
    fields.update(overrides)
    return SimConfig(**fields)


@asynccontextmanager
async def running(
    config: SimConfig | None = None, *, sim: Simulator | None = None
) -> AsyncIterator[Simulator]:
    """A started simulator (``sim``, or one built from ``config``) with the test key registered."""
    sim = sim or Simulator(config or small_config())
    sim.register_key(KEY_ID, KEY.public_key())
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


@dataclass
class Received:
    """One frame as sent and as parsed."""

    raw: str
    message: p.ServerMessage


class Client:
    """A real ``websockets`` client that parses every frame with :func:`app.core.protocol.parse`."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.received: list[Received] = []
        self._next_id = 0

    def next_id(self) -> int:
        """A fresh command id."""
        self._next_id += 1
        return self._next_id

    async def send(self, command: dict[str, Any] | str) -> None:
        """Send a command (a dict is JSON-encoded)."""
        await self.ws.send(command if isinstance(command, str) else json.dumps(command))

    async def recv_raw(self) -> str:
        """The next frame's text, unparsed."""
        async with asyncio.timeout(GUARD):
            frame = await self.ws.recv()
        assert isinstance(frame, str)
        return frame

    async def recv(self) -> p.ServerMessage:
        """The next frame, parsed (parsing fails the test if the frame is bad)."""
        raw = await self.recv_raw()
        message = p.parse(raw)
        self.received.append(Received(raw, message))
        return message

    async def until(self, done: Callable[[p.ServerMessage], bool]) -> list[p.ServerMessage]:
        """Every frame up to and including the first one ``done`` accepts."""
        messages = []
        while True:
            message = await self.recv()
            messages.append(message)
            if done(message):
                return messages

    async def take(self, count: int) -> list[p.ServerMessage]:
        """The next ``count`` frames."""
        return [await self.recv() for _ in range(count)]

    async def command(self, command: dict[str, Any], answers: int = 1) -> list[p.ServerMessage]:
        """Send a command and return the frames up to its ``answers``-th answer (frames with its id)."""
        await self.send(command)
        seen: list[p.ServerMessage] = []
        count = 0
        while count < answers:
            message = await self.recv()
            seen.append(message)
            if message.id == command.get("id"):
                count += 1
        return seen

    async def error(self, command: dict[str, Any] | str) -> p.ErrorMessage:
        """Send a command that must fail; its error message."""
        await self.send(command)
        message = await self.until(lambda m: isinstance(m, p.ErrorMessage))
        assert isinstance(message[-1], p.ErrorMessage)
        return message[-1]

    async def subscribe(
        self, channels: list[str], tickers: list[str] | None = None, **params: Any
    ) -> list[p.ServerMessage]:
        """Subscribe and return the frames up to the last channel's ack."""
        command = p.subscribe(self.next_id(), channels, tickers, **params)
        return await self.command(command, answers=len(channels))


@asynccontextmanager
async def connected(sim: Simulator, headers: dict[str, str] | None = None) -> AsyncIterator[Client]:
    """A client connected to ``sim`` with a freshly signed handshake (or the given headers)."""
    assert sim.url is not None
    # an unbounded receive queue: a test that stops reading early can still close at once
    headers = headers or CREDENTIALS.headers()
    async with websockets.connect(sim.url, additional_headers=headers, max_queue=None) as ws:
        yield Client(ws)


def sid_of(messages: list[p.ServerMessage], channel: str) -> int:
    """The sid a ``subscribed`` ack among ``messages`` gave ``channel``."""
    for message in messages:
        if isinstance(message, p.Subscribed) and message.channel == channel:
            assert message.sid is not None
            return message.sid
    raise AssertionError(f"no subscribed ack for {channel}")
