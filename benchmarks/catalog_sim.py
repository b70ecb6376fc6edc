"""The simulator at exchange scale, in its own process: ``python -m benchmarks.catalog_sim``.

20,000 markets in 2,000 events (``--markets``, ``--events``), a paced market (200 actions a
second), unsigned connections allowed; its REST API lists the whole catalog. Prints the URL and
serves until stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from app.simulator import SimConfig, Simulator

EVENTS, MARKETS = 2_000, 20_000


async def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--markets", type=int, default=MARKETS)
    args = parser.parse_args()
    simulator = Simulator(SimConfig(seed=3, events=args.events, markets=args.markets, rate=200.0,
                                    allow_anonymous=True, ping_interval=3600, settle_every=0))
    print(await simulator.start(), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(_main())
