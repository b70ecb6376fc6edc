"""The command palette's market provider: type words of a market's title to open its ladder."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from rich.text import Text
from textual.command import Hit, Hits, Provider
from textual.message_pump import MessagePump

from app.core.finder import MarketIndex
from app.tui.requests import OpenMarket

PALETTE_LIMIT = 40


class HasMarketIndex(Protocol):
    """An app that keeps a :class:`MarketIndex` of the catalog (Textual builds providers with no
    arguments: the index comes from the app they serve)."""

    market_index: MarketIndex


class MarketCommands(Provider):
    """Every market of the catalog whose text matches every word typed (see :mod:`app.core.finder`)."""

    async def search(self, query: str) -> Hits:
        """One hit per market found: its sub-title or title, and ticker and event as help."""
        app: HasMarketIndex = self.app  # type: ignore[assignment]
        for group in app.market_index.search(query, PALETTE_LIMIT):
            for hit in group.markets:
                label = hit.title or hit.ticker
                if hit.subtitle and hit.subtitle not in label:
                    label = f"{label} · {hit.subtitle}"
                yield Hit(
                    1.0, Text(f"Open {label}"), _opener(self.app, hit.ticker), text=f"Open {label}",
                    help=f"{hit.ticker} · {group.title or group.event_ticker} · {hit.status or 'status unknown'}",
                )


def _opener(app: MessagePump, ticker: str) -> Callable[[], Awaitable[None]]:
    async def open_market() -> None:
        app.post_message(OpenMarket(ticker))

    return open_market


