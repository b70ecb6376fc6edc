"""Deterministic dashboards for the UI tests, snapshots and screenshots, from the simulator.

A :class:`Scenario` is the simulator's socket-free engine (``Exchange`` + ``Session``, fixed seed,
frozen clock) subscribed like the dashboard subscribes at start, with the catalog the dashboard
loads from the REST API at start; its frames are parsed and applied to a :class:`MarketState`
exactly as the feed applies them, and the changes are announced through the real bridge
(:class:`app.tui.feed_bridge.MessageSink`). Feed statuses are fixed snapshots.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from textual.pilot import Pilot

from app.core import protocol as p
from app.core.catalog_state import apply_catalog
from app.core.feed_status import ConnectionState, FeedStatusSnapshot
from app.core.state import Kind, MarketState
from app.endpoint import DEFAULT_CHANNELS
from app.rest.catalog import parse_events_page
from app.simulator import rest_shapes
from app.simulator.engine import Exchange
from app.simulator.session import Session
from app.tui.feed_bridge import MessageSink
from app.tui.main import DARK_THEME, KalshiDashApp

SEED = 11
NOW_MS = 1_764_150_000_000  # 2025-11-26 09:40:00 UTC
NOW = NOW_MS / 1000
EVENTS, MARKETS = 4, 12
WARMUP_STEPS = 3_000
LADDERS = 2
ENDPOINT = "ws://127.0.0.1:8765/trade-api/ws/v2"


class Scenario:
    """The simulator without a socket, feeding a :class:`MarketState` the way the feed does."""

    def __init__(self, seed: int = SEED, events: int = EVENTS, markets: int = MARKETS) -> None:
        self.exchange = Exchange(seed, events, markets, clock_ms=lambda: NOW_MS)
        self.session = Session(self.exchange, clock=lambda: 0.0)
        self.state = MarketState()
        self._ids = itertools.count(1)

    @property
    def tickers(self) -> list[str]:
        """Every market of the simulated exchange."""
        return self.exchange.market_tickers()

    def command(self, cmd: str, **params: Any) -> tuple[Kind, frozenset[str]]:
        """Send one command; apply the answer's frames."""
        text = json.dumps({"id": next(self._ids), "cmd": cmd, "params": params})
        return self.apply(self.session.handle(text))

    def frames(self, steps: int) -> list[str]:
        """Advance the exchange ``steps`` actions; the frames this session receives."""
        frames: list[str] = []
        for _ in range(steps):
            frames += self.session.publish(self.exchange.step())
        return frames

    def load_catalog(self) -> Kind:
        """Apply the catalog as the REST API lists it now (every event, its markets nested)."""
        page = {"events": [rest_shapes.event(self.exchange, info, legacy=False, nested=True)
                           for info in self.exchange.universe.events.values()]}
        events, markets = parse_events_page(page, {})
        self.state.catalog.complete = True
        return apply_catalog(self.state, events, markets)

    def run(self, steps: int) -> tuple[Kind, frozenset[str]]:
        """Advance the exchange ``steps`` actions; apply what this session receives."""
        return self.apply(self.frames(steps))

    def apply(self, frames: Iterable[str]) -> tuple[Kind, frozenset[str]]:
        """Parse and apply ``frames``; what changed and which books moved."""
        return apply_frames(self.state, frames)


def apply_frames(state: MarketState, frames: Iterable[str]) -> tuple[Kind, frozenset[str]]:
    """Parse ``frames`` and apply them to ``state`` as the feed does; what changed and which
    books moved."""
    kinds, books = Kind.NONE, set()
    for frame in frames:
        message = p.parse(frame)
        changed = state.apply(message)
        if changed & Kind.BOOK:
            books.add(message.market_ticker)  # type: ignore[attr-defined]
        kinds |= changed
    return kinds, frozenset(books)


def scenario(steps: int = WARMUP_STEPS, ladders: int = LADDERS) -> Scenario:
    """The start-up subscriptions, the catalog from REST, books of the first ``ladders`` markets,
    then ``steps`` actions of market activity."""
    sim = Scenario()
    sim.command("subscribe", channels=list(DEFAULT_CHANNELS), send_initial_snapshot=True)
    sim.load_catalog()
    sim.command("subscribe", channels=[p.ORDERBOOK_DELTA], market_tickers=sim.tickers[:ladders])
    sim.run(steps)
    return sim


LADDER_TICKER = Scenario().tickers[0]


def advance(app: KalshiDashApp, sim: Scenario, steps: int) -> None:
    """Run ``steps`` more actions and announce the changes to the dashboard through the bridge."""
    kinds, books = sim.run(steps)
    MessageSink(app.dashboard).on_changes(kinds, books)


def status(state: ConnectionState = ConnectionState.LIVE, **changes: Any) -> FeedStatusSnapshot:
    """A fixed feed status (live, a few counters) with ``changes``."""
    values: dict[str, Any] = dict(
        state=state, endpoint=ENDPOINT, environment="SIM", messages_per_second=1234.0,
        messages_total=98_765, last_data_age=0.2, gaps=1, resyncs=1, reconnects=0,
        subscriptions=10, latency_ms=3.0, per_channel={"ticker": 50_000, "trade": 48_765},
    )
    values.update(changes)
    return FeedStatusSnapshot(**values)


def dashboard_app(
    sim: Scenario | None = None,
    *,
    environment: str = "SIM",
    markets: Sequence[str] = (LADDER_TICKER,),
    theme: str = DARK_THEME,
    clock: Callable[[], float] = lambda: NOW,
) -> KalshiDashApp:
    """The dashboard over a scenario's state with a frozen clock, no feed and no animation."""
    sim = sim if sim is not None else scenario()
    app = KalshiDashApp(sim.state, environment=environment, markets=markets, clock=clock, theme=theme)
    app.animation_level = "none"
    return app


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app process messages and timers until ``condition`` holds (fails after ``timeout``)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await pilot.pause()
