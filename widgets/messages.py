"""Messages the dashboard's widgets post about one market."""

from __future__ import annotations

from textual.message import Message


class MarketMessage(Message):
    """Something about the market ``ticker``."""

    def __init__(self, ticker: str) -> None:
        super().__init__()
        self.ticker = ticker
