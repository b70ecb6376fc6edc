"""kalshi-dash: a terminal dashboard for Kalshi's WebSocket API v2."""

__version__ = "0.1.0"
