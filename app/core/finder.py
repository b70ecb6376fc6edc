"""Search the whole catalog as you type: words of the title, sub-title, ticker, event, series or
category, every word matching (any case); matches grouped by event, events in catalog order.

The index is one lower-cased line of text per market, folded again only for the markets relabelled
since the last search (the state's relabel log), so a keystroke costs one substring scan of the
lines, or of the previous key's matches when the query extends the previous one. Pure data: no
I/O, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.state import MarketInfo, MarketState

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
        self._lines: dict[str, str] = {}  # folded words by market, in the order first indexed
        self._relabel_cursor = 0  # where the state's relabel log was read up to
        self._evictions = state.evictions
        self._query = ""  # the previous query (folded) and its matches, while the lines hold
        self._found: list[str] | None = None

    def refresh(self) -> None:
        """Fold again the lines of the markets relabelled since the last look (new ones too)."""
        state = self.state
        logged, self._relabel_cursor = state.relabeled_since(self._relabel_cursor)
        lines, markets = self._lines, state.markets
        stale = list(markets) if logged is None else dict.fromkeys(logged)
        if state.evictions != self._evictions:  # markets dropped: start again
            self._evictions = state.evictions
            stale = list(markets)
            lines.clear()
        for ticker in stale:
            info = markets.get(ticker)
            if info is not None:
                lines[ticker] = self._line(ticker, info)
        if len(lines) != len(markets):  # markets made without a relabel: index them all
            lines.clear()
            lines.update((ticker, self._line(ticker, info)) for ticker, info in markets.items())
            stale = list(lines)
        if stale:
            self._found = None

    def _line(self, ticker: str, info: MarketInfo) -> str:
        event_ticker = info.event_ticker or ticker.rpartition("-")[0]
        event = self.state.catalog.events.get(event_ticker)
        words = [ticker, event_ticker, info.title or "", info.subtitle or ""]
        if event is not None:
            words += [event.title or "", event.sub_title or "", event.series_ticker or "", event.category or ""]
        return " ".join(words).casefold()

    def find(self, query: str) -> list[str]:
        """Every market matching every word of ``query``, in the order first indexed.

        A query that extends the previous one (another key typed) is looked for among the previous
        matches only: a line holding every word of the longer query holds those of the shorter.
        """
        self.refresh()
        folded = query.casefold()
        words = folded.split()
        if not words:
            return []
        lines = self._lines
        narrowed = self._found is not None and self._query and folded.startswith(self._query)
        candidates = self._found if narrowed else lines
        assert candidates is not None
        found = list(candidates)
        for word in words:  # one pass a word: cheaper than a generator per market
            found = [t for t in found if word in lines[t]]
        self._query, self._found = folded, found
        return found

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[EventHits]:
        """The markets matching every word of ``query`` (at most ``limit``), grouped by event."""
        return self.grouped(self.find(query)[:limit])

    def grouped(self, tickers: list[str]) -> list[EventHits]:
        """The hits of ``tickers``, grouped by event (events in the order of their first hit)."""
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
