"""The user's position in one market as a ladder shows it: the side held, how many contracts and
at what average price on the ladder's price scale.

The socket's ``market_position`` carries a signed count (positive: yes contracts, negative: no)
and the cost of what is held, per subaccount. Costs of one side add up; a market held on both
sides in different subaccounts has no one average. Pure: no I/O, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from app.core.fixed import ONE_DOLLAR
from app.core.protocol import MarketPosition
from app.core.sides import NO, YES


@dataclass(frozen=True, slots=True)
class Holding:
    """``count`` contracts of ``side`` held at ``price`` (the average paid, on a ladder's scale;
    None when it has no single average)."""

    side: str
    count: int
    price: Fraction | None


def holding(positions: Iterable[MarketPosition], ticker: str, ladder_side: str) -> Holding | None:
    """What the user holds in ``ticker`` over every subaccount; None when flat or unreadable."""
    held = [p for p in positions if p.market_ticker == ticker and p.position]
    if not held or any(p.position is None for p in held):
        return None
    net = sum(p.position for p in held)  # type: ignore[misc]
    if not net:
        return None
    side = YES if net > 0 else NO
    one_side = all((p.position > 0) == (net > 0) for p in held)  # type: ignore[operator]
    price = None
    if one_side:
        # the cost (money units) over the contracts (hundredths) is a price of the side held
        paid = Fraction(sum(p.position_cost for p in held), abs(net))
        price = paid if side == ladder_side else ONE_DOLLAR - paid
    return Holding(side, abs(net), price)
