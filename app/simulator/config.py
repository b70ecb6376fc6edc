"""The simulator's settings."""

from __future__ import annotations

from dataclasses import dataclass

from app.simulator.session import DEFAULT_COMMAND_RATE, DEFAULT_MARKET_LIMIT


@dataclass(slots=True)
class SimConfig:
    """How the simulator behaves; every field has a production-like default.

    ``rate`` is engine steps (market actions) per second; 0 keeps market activity paused.
    ``frozen_time_ms`` pins every timestamp the exchange sends (deterministic snapshots).
    ``firehose`` steps as fast as the sockets take, holding at most ``send_buffer`` frames per
    connection; otherwise a connection that falls ``send_buffer`` frames behind loses its
    subscriptions with error 25, as production does. The ``rest_*`` fields shape the REST API on
    the same port: its per-client rate limit and injected faults.
    """

    seed: int = 7
    events: int = 20
    markets: int = 200
    rate: float = 200.0
    legacy: bool = False
    # the no side of every book in yes prices whatever use_yes_price says (the announced end state)
    yes_price_only: bool = False
    allow_anonymous: bool = False
    ping_interval: float = 10.0
    clock_skew: float = 30.0
    firehose: bool = False
    frozen_time_ms: int | None = None
    ping_timeout: float | None = None  # None: the ping interval
    settle_every: int = 2_000  # engine steps between two event settlements (0: never)
    market_limit: int = DEFAULT_MARKET_LIMIT
    command_rate: int = DEFAULT_COMMAND_RATE
    send_buffer: int = 20_000
    rest_read_limit: int = 200  # REST read tokens a second per client (basic tier; 10 a request)
    rest_429_every: int = 0  # answer every Nth REST request with 429 (0: never)
    rest_5xx_every: int = 0  # answer every Nth REST request with 503 (0: never)
    rest_slow: float = 0.0  # seconds every REST answer is delayed
