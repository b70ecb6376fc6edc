"""The grid's filter as you type: which markets' ticker or title contain a text (any case).

Each market's searchable text is folded when the grid takes the market in or it is relabelled
(:meth:`GridFilter.fold`), so a keystroke only looks for the text; a text that extends the
previous one (another key typed) is looked for only among the previous matches, as long as the
markets and their texts did not change in between. Pure data: no I/O, no Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable


class GridFilter:
    """Markets whose ticker or title (from ``title_of``) contains the needle, in the order given."""

    def __init__(self, title_of: Callable[[str], str | None]) -> None:
        self.title_of = title_of
        self._texts: dict[str, str] = {}  # folded ticker and title (NUL between) by market
        self._needle = ""
        self._matched: list[str] | None = None  # the previous needle's matches while still valid

    def fold(self, tickers: Collection[str]) -> bool:
        """These markets are new or were relabelled: fold their text now; True when a text is new
        or changed, and then search afresh (a relabel that leaves the title as it was, a new status
        or close time, keeps the last matches)."""
        texts, title_of = self._texts, self.title_of
        changed = False
        for ticker in tickers:
            text = f"{ticker}\0{title_of(ticker) or ''}".casefold()
            if texts.get(ticker) != text:
                texts[ticker] = text
                changed = True
        if changed:
            self.restart()
        return changed

    def forget(self, tickers: Collection[str]) -> None:
        """These markets were dropped: forget their text, search afresh."""
        texts = self._texts
        for ticker in tickers:
            texts.pop(ticker, None)
        if tickers:
            self.restart()

    def restart(self) -> None:
        """The markets to choose from changed (some added, the watchlist): search afresh."""
        self._matched = None

    def select(self, needle: str, tickers: Iterable[str]) -> list[str]:
        """The ``tickers`` whose text contains ``needle`` (any case), in their order (each one
        folded first: :meth:`fold`)."""
        needle = needle.casefold()
        narrowed = self._matched is not None and self._needle and needle.startswith(self._needle)
        candidates = self._matched if narrowed else tickers
        assert candidates is not None
        texts = self._texts
        matched = [ticker for ticker in candidates if needle in texts[ticker]]
        self._needle, self._matched = needle, matched
        return matched
