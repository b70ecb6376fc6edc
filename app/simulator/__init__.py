"""The built-in exchange simulator: a Kalshi WS v2 server on loopback with lively markets.

Modules, one job each:

* ``universe`` — series, events and markets with Kalshi-shaped tickers and titles;
* ``pricing`` — an event's fair values, coherent across its strikes (exclusive ones add up to $1);
* ``matching`` — one market's resting bids with price-time priority (never crossed);
* ``account`` — the simulated user's orders, FIFO positions, fees and order groups;
* ``engine`` — :class:`~app.simulator.engine.Exchange`: ``step()`` advances one seeded action;
* ``events`` / ``wire`` — what a step reports, and its message bodies (today's or legacy form);
* ``session`` — one connection's protocol: commands, acks, errors, subscriptions, ``seq``;
* ``faults`` — drops, seq gaps, duplicates, bad frames, stalls, rejected handshakes, errors;
* ``hostile`` — what the hostile frame faults put in a body: control sequences, bad times, huge sizes;
* ``server`` — :class:`Simulator`: the ``websockets`` server, handshake check, market task;
* ``cli`` — ``kalshi-dash sim``.

``Simulator(SimConfig(...))`` is the entry point for the dashboard and for tests; ``Exchange`` with
``Session`` gives the same frames with no socket (snapshot tests, benchmarks).
"""

from app.simulator.config import SimConfig
from app.simulator.server import Simulator

__all__ = ["SimConfig", "Simulator"]
