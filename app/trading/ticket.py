"""An order as the trader states it, and what it can cost or pay before it is sent.

Units are app.fixed's: prices in ten-thousandths of a dollar, counts in hundredths of a contract,
money in millionths of a dollar (``count * price`` is already money). Selling ``side`` at ``p`` is
settled as buying the other side at ``$1 - p``, so its worst case is that purchase's cost.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.fixed import ONE_DOLLAR, to_wire_count, to_wire_price

SIDES = ("yes", "no")
ACTIONS = ("buy", "sell")
TIME_IN_FORCE = ("good_till_canceled", "immediate_or_cancel", "fill_or_kill")


@dataclass(frozen=True, slots=True)
class OrderTicket:
    """A limit order: ``price`` is on ``side``'s own terms (a no price for a no order)."""

    ticker: str
    side: str
    action: str
    count: int
    price: int
    time_in_force: str = "good_till_canceled"
    post_only: bool = False
    reduce_only: bool = False

    def __post_init__(self) -> None:
        if self.side not in SIDES or self.action not in ACTIONS or self.time_in_force not in TIME_IN_FORCE:
            raise ValueError(f"not an order: {self.action} {self.side} {self.time_in_force}")
        if self.count <= 0:
            raise ValueError("the count must be positive")
        if not 0 < self.price < ONE_DOLLAR:
            raise ValueError("the price must be between $0 and $1, exclusive")

    @property
    def cost(self) -> int:
        """Money paid if the whole order fills (a sale's cost is the other side's purchase)."""
        price = self.price if self.action == "buy" else ONE_DOLLAR - self.price
        return self.count * price

    @property
    def max_loss(self) -> int:
        """The most the order can lose before fees: everything it costs."""
        return self.cost

    @property
    def max_payout(self) -> int:
        """What the filled order pays if it resolves its way: $1 a contract."""
        return self.count * ONE_DOLLAR

    def wire(self, client_order_id: str) -> dict[str, object]:
        """The body of ``POST /portfolio/orders`` for this ticket (a limit order: the OpenAPI's
        request has no ``type``; a price makes it one)."""
        body: dict[str, object] = {
            "ticker": self.ticker, "client_order_id": client_order_id, "side": self.side,
            "action": self.action, "count_fp": to_wire_count(self.count),
            f"{self.side}_price_dollars": to_wire_price(self.price), "time_in_force": self.time_in_force,
        }
        if self.post_only:
            body["post_only"] = True
        if self.reduce_only:
            body["reduce_only"] = True
        return body
