"""The built-in exchange simulator: a Kalshi WS v2 server on loopback with lively markets.

``Simulator`` and ``SimConfig`` are the public entry points; ``engine.Exchange`` and
``session.Session`` produce the same frames without a socket.
"""

from app.simulator.config import SimConfig
from app.simulator.server import Simulator

__all__ = ["SimConfig", "Simulator"]
