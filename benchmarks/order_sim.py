"""The simulator paced for the order bench, in its own process: ``python -m benchmarks.order_sim KEY_PEM RATE``.

Registers the public half of the key in ``KEY_PEM`` (id ``bench``), steps ``RATE`` engine actions
a second, prints the socket URL, the REST URL that takes orders and a market with both sides quoted
(one the simulated account does not trade in by itself), and serves until stdin closes.
"""

from __future__ import annotations

import asyncio
import sys

from app.feed.auth import load_private_key
from app.simulator import SimConfig, Simulator
from app.simulator.engine import ACCOUNT_MARKETS
from benchmarks.source import EVENTS, MARKETS, SEED


async def _main(key_path: str, rate: float) -> None:
    simulator = Simulator(SimConfig(seed=SEED, events=EVENTS, markets=MARKETS, rate=rate,
                                    ping_interval=3600, settle_every=0))
    simulator.register_key("bench", load_private_key(key_path).public_key())
    url = await simulator.start()
    # a market with both sides quoted where the simulated account never trades on its own (it
    # would cancel or fill the bench's orders)
    own = set(simulator.exchange.active_tickers()[:ACCOUNT_MARKETS])
    ticker = next(t for t in simulator.market_tickers() if all(simulator.book_levels(t)) and t not in own)
    print(url, simulator.trade.url, ticker, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1], float(sys.argv[2])))
