"""One market's order book: yes and no bids, built from a snapshot and kept by deltas.

Kalshi books hold only bids: a resting *no* bid at price p is, in a binary market, a *yes* ask at
$1 - p. Prices and sizes are the exact integers of :mod:`app.core.fixed`. No I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import NamedTuple

from sortedcontainers import SortedDict

from app.core.fixed import ONE_DOLLAR

YES = "yes"
NO = "no"
# A new size at a price already in a side: SortedDict is a dict whose keys are also kept sorted, so
# an existing key's value is set as in a plain dict (its own __setitem__, in Python, first looks
# the key up to keep the sorted keys: ~2,000 instructions on most deltas).
_set_size = dict.__setitem__


class BookInconsistency(Exception):
    """A delta does not fit the book (a size would go negative): the book must be resynced."""


class DepthLevel(NamedTuple):
    """One price level as shown on a ladder: its price, size, and size cumulated from the top."""

    price: int
    size: int
    cumulative: int


class OrderBook:
    """The yes and no bid sides of one market, with the derived best prices and depth."""

    __slots__ = ("market_ticker", "_sides")

    def __init__(self, market_ticker: str) -> None:
        self.market_ticker = market_ticker
        self._sides: dict[str, SortedDict] = {YES: SortedDict(), NO: SortedDict()}

    # -- updates -----------------------------------------------------------------------------

    def load_snapshot(self, yes: Iterable[tuple[int, int]], no: Iterable[tuple[int, int]]) -> None:
        """Replace both sides with a snapshot's levels (zero-size levels are left out)."""
        self._sides[YES] = SortedDict((price, size) for price, size in yes if size > 0)
        self._sides[NO] = SortedDict((price, size) for price, size in no if size > 0)

    def apply_delta(self, side: str, price: int, delta: int) -> int:
        """Change the size at ``price`` on ``side`` by ``delta``; return the new size.

        A level reaching 0 is removed. A result below 0 raises :class:`BookInconsistency` and
        leaves the book unchanged.
        """
        levels = self._sides[side]
        held: int | None = levels.get(price)
        size = delta if held is None else held + delta
        if size < 0:
            raise BookInconsistency(
                f"{self.market_ticker}: delta {delta} at {side} {price} leaves size {size}"
            )
        if not size:
            if held is not None:
                del levels[price]
        elif held is None:
            levels[price] = size  # a new level: SortedDict puts its price among the sorted keys
        else:
            _set_size(levels, price, size)  # a level already there: its key stays where it is
        return size

    def clear(self) -> None:
        """Empty both sides."""
        self.load_snapshot((), ())

    # -- reads ---------------------------------------------------------------------------------

    def levels(self, side: str) -> dict[int, int]:
        """A copy of one side as ``{price: size}``."""
        return dict(self._sides[side])

    def size_at(self, side: str, price: int) -> int:
        """The resting size at ``price`` on ``side`` (0 when none)."""
        size: int = self._sides[side].get(price, 0)
        return size

    def best_bid(self, side: str) -> int | None:
        """Highest bid on ``side`` (``yes`` or ``no``), or None when that side is empty."""
        levels = self._sides[side]
        return levels.peekitem(-1)[0] if levels else None

    def best_ask(self, side: str) -> int | None:
        """Lowest ask on ``side``: $1 minus the best bid of the other side."""
        other = self.best_bid(NO if side == YES else YES)
        return None if other is None else ONE_DOLLAR - other

    @property
    def best_yes_bid(self) -> int | None:
        """Highest yes bid."""
        return self.best_bid(YES)

    @property
    def best_yes_ask(self) -> int | None:
        """Lowest yes ask (= $1 - best no bid)."""
        return self.best_ask(YES)

    @property
    def best_no_bid(self) -> int | None:
        """Highest no bid."""
        return self.best_bid(NO)

    @property
    def best_no_ask(self) -> int | None:
        """Lowest no ask (= $1 - best yes bid)."""
        return self.best_ask(NO)

    @property
    def spread(self) -> int | None:
        """Yes ask minus yes bid, when both exist."""
        bid, ask = self.best_yes_bid, self.best_yes_ask
        return None if bid is None or ask is None else ask - bid

    @property
    def mid(self) -> Fraction | None:
        """Midpoint of the yes bid and ask, exact (may fall between two price units)."""
        bid, ask = self.best_yes_bid, self.best_yes_ask
        return None if bid is None or ask is None else Fraction(bid + ask, 2)

    @property
    def crossed(self) -> bool:
        """True when the best yes bid and best no bid add up to $1 or more."""
        yes, no = self.best_yes_bid, self.best_no_bid
        return yes is not None and no is not None and yes + no >= ONE_DOLLAR

    def bids(self, side: str, depth: int | None = None) -> list[DepthLevel]:
        """Bids on ``side`` from the best down, with cumulative size; at most ``depth`` levels."""
        levels = self._sides[side]
        out: list[DepthLevel] = []
        total = 0
        for price in reversed(levels):
            if depth is not None and len(out) >= depth:
                break
            total += levels[price]
            out.append(DepthLevel(price, levels[price], total))
        return out

    def asks(self, side: str, depth: int | None = None) -> list[DepthLevel]:
        """Asks on ``side`` from the best up (derived from the other side's bids), cumulative."""
        other = NO if side == YES else YES
        return [
            DepthLevel(ONE_DOLLAR - level.price, level.size, level.cumulative)
            for level in self.bids(other, depth)
        ]

    def total_depth(self, side: str) -> int:
        """Sum of all bid sizes on ``side``."""
        return sum(self._sides[side].values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OrderBook):
            return NotImplemented
        return self.market_ticker == other.market_ticker and all(
            dict(self._sides[s]) == dict(other._sides[s]) for s in (YES, NO)
        )

    def __repr__(self) -> str:
        return (
            f"OrderBook({self.market_ticker!r}, yes={dict(self._sides[YES])}, "
            f"no={dict(self._sides[NO])})"
        )
