"""The watchlist: the markets the user starred (``f`` on the grid), in the order starred.

Pure data; the app saves it to the config file (:func:`app.config.save_watchlist`) on each change,
through a :class:`BackgroundSaver` so that the screen never waits for the disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator


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


class BackgroundSaver:
    """Runs saves in a worker thread, one at a time and in order; a save that a newer one
    supersedes while it waits for its turn is skipped (the newer one writes everything)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._latest = 0

    async def save(self, write: Callable[[], None]) -> bool:
        """Run ``write`` in a thread once the saves before it are done; False when skipped."""
        self._latest += 1
        mine = self._latest
        async with self._lock:
            if mine != self._latest:
                return False
            await asyncio.to_thread(write)
            return True
