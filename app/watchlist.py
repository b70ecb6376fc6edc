"""The watchlist: the markets the user starred (``f`` on the grid), in the order starred.

Pure data; the app saves it to the config file (:func:`app.config.save_watchlist`) on each change.
"""

from __future__ import annotations

from typing import Iterable, Iterator


class Watchlist:
    """Starred market tickers, in the order they were starred."""

    def __init__(self, tickers: Iterable[str] = ()) -> None:
        self._tickers: dict[str, None] = dict.fromkeys(tickers)

    def __contains__(self, ticker: object) -> bool:
        return ticker in self._tickers

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._tickers))

    def __len__(self) -> int:
        return len(self._tickers)

    def toggle(self, ticker: str) -> bool:
        """Star ``ticker``, or unstar it if starred; True when it is starred now."""
        if ticker in self._tickers:
            del self._tickers[ticker]
            return False
        self._tickers[ticker] = None
        return True
