"""Turn resolved connection settings into a feed configuration, starting the simulator if needed.

With settings for the simulator, an in-process simulator is started on loopback with a fresh RSA
key registered for it, and the feed signs its handshake with that key exactly as it would for
Kalshi: the same client code runs either way.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from app.config import ConnectionSettings
from app.core import protocol as p
from app.feed.auth import Credentials, KeyPermissionWarning
from app.feed.feed import Feed, FeedConfig
from app.rest.client import RestClient, rest_base_url

SIM_KEY_ID = "kalshi-dash-sim"

# What the dashboard (and a recording without --channels) subscribes to at start; the order book
# channel is added for the markets opened with --market.
DEFAULT_CHANNELS = (
    p.TICKER, p.TRADE, p.MARKET_LIFECYCLE_V2, p.MULTIVARIATE_MARKET_LIFECYCLE, p.FILL,
    p.MARKET_POSITIONS, p.USER_ORDERS, p.COMMUNICATIONS, p.ORDER_GROUP_UPDATES,
)


async def want_defaults(feed: Feed, channels: list[str] | None, markets: list[str]) -> None:
    """Record the start-up subscriptions as desired; the feed makes them when it connects."""
    for channel in channels or DEFAULT_CHANNELS:
        if channel == p.ORDERBOOK_DELTA:
            continue
        await feed.subscribe(channel)
    if markets:
        await feed.subscribe(p.ORDERBOOK_DELTA, markets)


@dataclass
class Endpoint:
    """A feed configuration, the REST client beside it, and the simulator serving both if any."""

    feed_config: FeedConfig
    simulator: Any = None
    warnings: list[str] = field(default_factory=list)
    rest: RestClient | None = None

    async def aclose(self) -> None:
        """Close the REST client; stop the simulator, if one was started."""
        if self.rest is not None:
            await self.rest.aclose()
            self.rest = None
        if self.simulator is not None:
            await self.simulator.stop()
            self.simulator = None


@dataclass(frozen=True, repr=False)
class LoadedKey:
    """Credentials loaded once, before the screen is taken over, with any warning about the file."""

    credentials: Credentials
    warnings: tuple[str, ...] = ()


def load_key(settings: ConnectionSettings) -> LoadedKey | None:
    """Load the key ``settings`` name (None for the simulator); raises AuthError when unusable."""
    if settings.url is None:
        return None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", KeyPermissionWarning)
        credentials = Credentials.load(settings.key_id, settings.private_key)
    notes = tuple(str(w.message) for w in caught if issubclass(w.category, KeyPermissionWarning))
    return LoadedKey(credentials, notes)


async def open_endpoint(
    settings: ConnectionSettings,
    sim_options: dict[str, Any] | None = None,
    key: LoadedKey | None = None,
    rest_url: str | None = None,
    **feed_options: Any,
) -> Endpoint:
    """A ready :class:`Endpoint` for ``settings`` (raises AuthError for an unusable key).

    ``key`` is the key loaded earlier with :func:`load_key`; without it the key is loaded here.
    The REST API is at ``rest_url``, else beside the socket (:func:`app.rest.client.rest_base_url`).
    """
    if settings.url is None:
        from app.simulator import SimConfig, Simulator

        sim_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        simulator = Simulator(SimConfig(**(sim_options or {})))
        simulator.register_key(SIM_KEY_ID, sim_key.public_key())
        url = await simulator.start(host="127.0.0.1", port=0)
        credentials = Credentials(SIM_KEY_ID, sim_key)
        config = FeedConfig(url=url, credentials=credentials, environment="SIM", **feed_options)
        return Endpoint(config, simulator, rest=RestClient(rest_url or rest_base_url(url), credentials))
    key = key or load_key(settings)
    assert key is not None
    config = FeedConfig(url=settings.url, credentials=key.credentials, environment=settings.environment,
                        **feed_options)
    rest = RestClient(rest_url or rest_base_url(settings.url), key.credentials)
    return Endpoint(config, None, list(key.warnings), rest)
