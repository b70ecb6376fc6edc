"""The one convention for sides and prices that every table, alert and dialog follows.

The exchange quotes every order, fill and trade in yes prices (``yes_price``); a trader reads a no
order at the no price. So wherever a side is named, the price shown beside it is the price of that
side: a no buy at yes 76.4¢ is ``NO BUY 23.6¢``. A position reads as the side held with a count
that is never negative (``NO 913.54``), its average price and mark in that side's price too. Pure.
"""

from __future__ import annotations

from app.core.fixed import ONE_DOLLAR

YES, NO = "yes", "no"


def side_price(side: str | None, yes_price: int | None) -> int | None:
    """The price of ``side`` from a yes price (price units): a no at yes 60¢ is a no at 40¢; the
    yes price itself for yes or an unknown side."""
    if yes_price is None or side != NO:
        return yes_price
    return ONE_DOLLAR - yes_price
