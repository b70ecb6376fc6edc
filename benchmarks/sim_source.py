"""The built-in simulator in firehose mode, in its own process: ``python -m benchmarks.sim_source``.

Same universe as the benchmark source (1,000 markets, no settlements), unsigned connections
allowed. Prints the URL and serves until stdin closes. Its rate to a bare client is a reference
figure: it shows why the benchmarks replay pre-generated frames instead.
"""

from __future__ import annotations

import asyncio
import sys

from app.simulator import SimConfig, Simulator
from benchmarks.source import EVENTS, MARKETS, SEED


async def _main() -> None:
    simulator = Simulator(SimConfig(seed=SEED, events=EVENTS, markets=MARKETS, firehose=True,
                                    allow_anonymous=True, ping_interval=3600, settle_every=0))
    print(await simulator.start(), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(_main())
