"""Search the whole catalog as you type: words of the title, sub-title, ticker, event, series or
category, every word matching (any case); matches grouped by event, events in catalog order.

The index is one lower-cased line of text per market, rebuilt only when the set of markets or
their lifecycle revisions change, so a keystroke costs one substring scan of the lines. Pure data:
no I/O, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.state import MarketState

DEFAULT_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Hit:
    """One market found: what the finder shows of it."""

    ticker: str
    title: str | None
    subtitle: str | None
    status: str | None
    close_ts: int | None


@dataclass(frozen=True, slots=True)
class EventHits:
    """The markets found in one event."""

    event_ticker: str
    title: str | None
    category: str | None
    markets: tuple[Hit, ...]


class MarketIndex:
    """The searchable text of every market the state knows (see the module docstring)."""

    def __init__(self, state: MarketState) -> None:
        self.state = state
        self._version: tuple[int, int, int] | None = None
        self._tickers: list[str] = []
        self._lines: list[str] = []

    def _current(self) -> tuple[int, int, int]:
        state = self.state
        return len(state.markets), len(state.catalog.events), sum(i.revision for i in state.markets.values())

    def refresh(self) -> None:
        """Rebuild the index if markets were added or relabelled since the last build."""
        version = self._current()
        if version == self._version:
            return
        self._version = version
        catalog = self.state.catalog
        tickers, lines = [], []
        for ticker, info in self.state.markets.items():
            event_ticker = info.event_ticker or ticker.rpartition("-")[0]
            event = catalog.events.get(event_ticker)
            words = [ticker, event_ticker, info.title or "", info.subtitle or ""]
            if event is not None:
                words += [event.title or "", event.sub_title or "", event.series_ticker or "", event.category or ""]
            tickers.append(ticker)
            lines.append(" ".join(words).casefold())
        self._tickers, self._lines = tickers, lines

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[EventHits]:
        """The markets matching every word of ``query`` (at most ``limit``), grouped by event."""
        self.refresh()
        words = query.casefold().split()
        if not words:
            return []
        found: list[str] = []
        for ticker, line in zip(self._tickers, self._lines):
            if all(word in line for word in words):
                found.append(ticker)
                if len(found) >= limit:
                    break
        return self._grouped(found)

    def _grouped(self, tickers: list[str]) -> list[EventHits]:
        state = self.state
        groups: dict[str, list[Hit]] = {}
        for ticker in tickers:
            info = state.markets[ticker]
            event_ticker = info.event_ticker or ticker.rpartition("-")[0]
            groups.setdefault(event_ticker, []).append(
                Hit(ticker, info.title, info.subtitle, info.status, info.close_ts))
        out = []
        for event_ticker, hits in groups.items():
            event = state.catalog.events.get(event_ticker)
            lifecycle = state.events.get(event_ticker)
            title = (event.title if event else None) or (lifecycle.title if lifecycle else None)
            out.append(EventHits(event_ticker, title, event.category if event else None, tuple(hits)))
        return out
