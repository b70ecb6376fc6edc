"""Which prices an order book's no side arrives in, told from the frames themselves.

Kalshi reports the no side of a book either in no prices (a no bid at 53¢) or, with
``use_yes_price`` (announced to become the only behaviour), in yes prices (the same bid as a yes
ask at 47¢). A client must read both and not trust the flag it sent: :func:`no_side_in_yes_prices`
looks at one snapshot (and the market's latest ticker) and says which reading fits. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.fixed import ONE_DOLLAR

Levels = Iterable[tuple[int, int]]


def no_side_in_yes_prices(yes: Levels, no: Levels, yes_ask: int | None = None) -> bool | None:
    """True when the no levels are in yes prices, False when in no prices, None when the snapshot
    cannot tell.

    A book never crosses: the best yes bid plus the best no bid is under $1. Read in no prices,
    the best no bid is the highest level; read in yes prices, it is $1 minus the lowest. When only
    one reading leaves the book uncrossed, that is the one; else, when the ticker's best yes ask
    is known and only one reading puts the best ask there, that one.
    """
    no_prices = [price for price, size in no if size > 0]
    if not no_prices:
        return None
    lowest, highest = min(no_prices), max(no_prices)
    yes_prices = [price for price, size in yes if size > 0]
    if yes_prices:
        best_yes = max(yes_prices)
        crossed_in_no_prices = best_yes + highest >= ONE_DOLLAR
        crossed_in_yes_prices = lowest <= best_yes
        if crossed_in_no_prices != crossed_in_yes_prices:
            return crossed_in_no_prices
    if yes_ask is not None:
        ask_in_no_prices, ask_in_yes_prices = ONE_DOLLAR - highest == yes_ask, lowest == yes_ask
        if ask_in_no_prices != ask_in_yes_prices:
            return ask_in_yes_prices
    return None


def to_no_prices(levels: Levels) -> tuple[tuple[int, int], ...]:
    """No levels given in yes prices, in no prices."""
    return tuple((ONE_DOLLAR - price, size) for price, size in levels)
