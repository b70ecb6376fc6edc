"""Shared fixtures: a real RSA key, the simulator on loopback, and a running feed against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.feed.auth import Credentials

KEY_ID = "test-key-1"


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    """A real 2048-bit RSA key generated for this test session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def credentials(rsa_key: rsa.RSAPrivateKey) -> Credentials:
    """Credentials for the session key under :data:`KEY_ID`."""
    return Credentials(KEY_ID, rsa_key)


@dataclass
class FeedHarness:
    """A simulator on loopback and a feed connected to it, torn down together."""

    sim: Any
    feed: Any
    state: Any
    task: asyncio.Task[None]

    def truth_matches(self, ticker: str) -> bool:
        """True when the client's book of ``ticker`` equals the simulator's."""
        book = self.state.books.get(ticker)
        if book is None or not self.state.is_live(ticker):
            return False
        yes, no = self.sim.book_levels(ticker)
        return book.levels("yes") == yes and book.levels("no") == no


@contextlib.asynccontextmanager
async def running_feed(
    rsa_key: rsa.RSAPrivateKey,
    sim_options: dict[str, Any] | None = None,
    feed_options: dict[str, Any] | None = None,
    credentials: Credentials | None = None,
) -> AsyncIterator[FeedHarness]:
    """Start a simulator (key registered) and a feed against it; stop both afterwards."""
    from app.core.state import MarketState
    from app.feed.feed import Feed, FeedConfig
    from app.simulator import SimConfig, Simulator

    options = {"seed": 7, "events": 4, "markets": 24, "rate": 400.0, **(sim_options or {})}
    sim = Simulator(SimConfig(**options))
    sim.register_key(KEY_ID, rsa_key.public_key())
    url = await sim.start(host="127.0.0.1", port=0)
    state = MarketState()
    config = FeedConfig(
        url=url,
        credentials=credentials or Credentials(KEY_ID, rsa_key),
        environment="SIM",
        jitter_seed=1,
        backoff_initial=0.05,
        backoff_max=0.2,
        **(feed_options or {}),
    )
    feed = Feed(config, state)
    task = asyncio.create_task(feed.run())
    try:
        yield FeedHarness(sim, feed, state, task)
    finally:
        await feed.stop()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)
        await sim.stop()
