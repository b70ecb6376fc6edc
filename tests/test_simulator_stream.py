"""Whole streams over a real socket: determinism under the seed, and the account's consistency."""

from __future__ import annotations

from app.core import protocol as p
from app.core.fixed import ONE_DOLLAR
from app.simulator import SimConfig, Simulator
from tests.test_simulator_support import FROZEN_MS, Client, connected, running

CHANNELS = [
    p.ORDERBOOK_DELTA, p.TICKER, p.TRADE, p.FILL, p.MARKET_POSITIONS, p.USER_ORDERS,
    p.MARKET_LIFECYCLE_V2, p.COMMUNICATIONS, p.ORDER_GROUP_UPDATES, p.MULTIVARIATE_MARKET_LIFECYCLE,
]


def _config(seed: int) -> SimConfig:
    return SimConfig(
        seed=seed, events=3, markets=12, rate=5_000.0, frozen_time_ms=FROZEN_MS, settle_every=500
    )


async def _subscribe_all(sim: Simulator, client: Client) -> None:
    await client.subscribe(CHANNELS, sim.market_tickers()[:4])


async def _first_frames(seed: int, *, paced: bool, count: int = 1_000) -> list[str]:
    """The first ``count`` frames of a subscriber to every channel, from a fresh simulator."""
    sim = Simulator(_config(seed))
    sim.pause()
    async with running(sim=sim), connected(sim) as client:
        await _subscribe_all(sim, client)
        if paced:
            sim.resume()  # the market task steps on its own clock
        else:
            sim.step(3_000)
        while len(client.received) < count:
            await client.recv()
        sim.pause()
        return [r.raw for r in client.received[:count]]


async def test_same_seed_gives_the_same_first_thousand_messages_whatever_the_pace() -> None:
    paced = await _first_frames(7, paced=True)
    stepped = await _first_frames(7, paced=False)
    assert paced == stepped
    kinds = {type(p.parse(raw)).__name__ for raw in paced}
    assert {"OrderbookDelta", "Ticker", "Trade", "Fill", "MarketPosition", "UserOrder"} <= kinds
    assert all(f'"ts_ms":{FROZEN_MS}' in raw for raw in paced if '"ts_ms"' in raw)
    assert await _first_frames(8, paced=False) != stepped


async def test_positions_on_the_wire_equal_the_simulator_truth() -> None:
    config = SimConfig(events=2, markets=8, rate=0.0, settle_every=0)
    async with running(config) as sim, connected(sim) as client:
        await client.subscribe([p.FILL, p.MARKET_POSITIONS])
        sim.step(4_000)
        await client.send(p.list_subscriptions(99))
        messages = await client.until(lambda m: m.id == 99)
        latest = {m.market_ticker: m for m in messages if isinstance(m, p.MarketPosition)}
        fills = [m for m in messages if isinstance(m, p.Fill)]
        assert len(latest) >= 3 and fills
        for ticker, message in latest.items():
            truth = sim.position(ticker)
            assert (message.position, message.position_cost, message.realized_pnl, message.fees_paid) == (
                truth["position"], truth["position_cost"], truth["realized_pnl"], truth["fees_paid"]
            )
            last_fill = [f for f in fills if f.market_ticker == ticker][-1]
            assert last_fill.post_position == truth["position"]
        traded = next(iter(latest))
        state = sim.ticker_state(traded)
        yes, no = sim.book_levels(traded)
        assert state["yes_bid"] == max(yes, default=0) and state["yes_ask"] == ONE_DOLLAR - max(no, default=0)
