"""An order as the trader states it, and what it can cost or pay before it is sent.

Units are app.core.fixed's: prices in ten-thousandths of a dollar, counts in hundredths of a contract,
money in millionths of a dollar (``count * price`` is already money). Direction follows Kalshi's
OpenAPI: buying yes and selling no are positioned for yes, buying no and selling yes for no, and an
order at ``p`` bids ``p`` (a purchase) or ``$1 - p`` (a sale) on the outcome it is positioned for.
Positions are netted: an order first closes the contracts held of the other outcome (a sale of yes
sells the yes held), which pays back what the pair is worth; only what is left opens a position
and costs money. A sale of more than is held opens the other side with the rest: the ticket says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.fixed import ONE_DOLLAR, format_count, to_wire_count, to_wire_price

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
    position: int = 0  # signed contracts held in the market before the order: yes > 0, no < 0

    def __post_init__(self) -> None:
        if self.side not in SIDES or self.action not in ACTIONS or self.time_in_force not in TIME_IN_FORCE:
            raise ValueError(f"not an order: {self.action} {self.side} {self.time_in_force}")
        if self.count <= 0:
            raise ValueError("the count must be positive")
        if not 0 < self.price < ONE_DOLLAR:
            raise ValueError("the price must be between $0 and $1, exclusive")

    @property
    def outcome(self) -> str:
        """The outcome the order is positioned for: ``side`` for a purchase, the other for a sale."""
        return self.side if self.action == "buy" else SIDES[1 - SIDES.index(self.side)]

    @property
    def closes(self) -> int:
        """Contracts the order closes first: those held of the outcome it is not positioned for."""
        held = self.position if self.outcome == "no" else -self.position
        return min(self.count, max(0, held))

    @property
    def opens(self) -> int:
        """Contracts that open (or add to) a position in :attr:`outcome`."""
        return self.count - self.closes

    @property
    def bid(self) -> int:
        """The price bid on :attr:`outcome`: ``price`` for a purchase, ``$1 - price`` for a sale."""
        return self.price if self.action == "buy" else ONE_DOLLAR - self.price

    @property
    def cost(self) -> int:
        """Money paid for the contracts that open if the whole order fills."""
        return self.opens * self.bid

    @property
    def proceeds(self) -> int:
        """Money the contracts that close bring back if the whole order fills (a sale's price)."""
        return self.closes * (ONE_DOLLAR - self.bid)

    @property
    def max_loss(self) -> int:
        """The most the order can lose before fees: everything it costs."""
        return self.cost

    @property
    def max_payout(self) -> int:
        """What the filled order brings: $1 a contract opened if it resolves its way, and the
        proceeds of what it closed."""
        return self.opens * ONE_DOLLAR + self.proceeds

    @property
    def oversells(self) -> bool:
        """True for a sale of more than is held: the rest opens a position on the other side."""
        return self.action == "sell" and self.opens > 0

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


def oversold(ticket: OrderTicket) -> str:
    """The flag on a sale of more than is held: the rest opens a position on the other side."""
    return (f"selling {format_count(ticket.count)} {ticket.side} with {format_count(ticket.closes)} held: "
            f"{format_count(ticket.opens)} open a {ticket.outcome} position")
