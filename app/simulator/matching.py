"""Price-time priority matching for one binary market.

A Kalshi book holds only bids: yes bids and no bids. A yes bid at ``p`` and a no bid at ``q``
cross when ``p + q >= $1``; the book never rests a crossing order, so it is never crossed. A taker
buying ``side`` up to a limit price trades against the other side's best bids first, oldest order
first within a price, at the maker's price.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from sortedcontainers import SortedDict

from app.core.fixed import ONE_DOLLAR

YES = "yes"
NO = "no"
SIDES = (YES, NO)


def other_side(side: str) -> str:
    """``no`` for ``yes`` and ``yes`` for ``no``."""
    return NO if side == YES else YES


def named_side(outcome: str, action: str) -> str:
    """The ``side`` an order or fill names for its ``action``, given the outcome it is positioned
    for (the side it bids on): buying yes and selling no are both positioned for yes."""
    return outcome if action == "buy" else other_side(outcome)


def yes_price_of(side: str, price: int) -> int:
    """The yes price of a bid at ``price`` on ``side`` (a no bid at q is a yes price of $1 - q)."""
    return price if side == YES else ONE_DOLLAR - price


@dataclass(slots=True)
class Order:
    """A resting bid: who placed it (``owned`` by the simulated account or not) and what is left."""

    order_id: str
    side: str
    price: int
    remaining: int
    owned: bool = False
    client_order_id: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """``count`` of resting order ``maker`` traded at its own bid price ``price``."""

    maker: Order
    price: int
    count: int


class MatchingBook:
    """Resting bids of one market, with aggregated sizes per price and O(1) random picks."""

    __slots__ = ("_queues", "_sizes", "_orders", "_ids", "_index")

    def __init__(self) -> None:
        self._queues: dict[str, SortedDict] = {YES: SortedDict(), NO: SortedDict()}
        self._sizes: dict[str, dict[int, int]] = {YES: {}, NO: {}}
        self._orders: dict[str, Order] = {}
        self._ids: list[str] = []
        self._index: dict[str, int] = {}

    # -- reads -----------------------------------------------------------------------------------

    def best(self, side: str) -> int | None:
        """Highest bid on ``side``, or None."""
        queues = self._queues[side]
        return queues.peekitem(-1)[0] if queues else None

    def size_at(self, side: str, price: int) -> int:
        """Total resting size at ``price`` on ``side``."""
        return self._sizes[side].get(price, 0)

    def levels(self, side: str) -> dict[int, int]:
        """A copy of ``side`` as ``{price: size}``."""
        return dict(self._sizes[side])

    def sorted_levels(self, side: str) -> list[tuple[int, int]]:
        """``side`` as ``(price, size)`` pairs, lowest price first."""
        sizes = self._sizes[side]
        return [(price, sizes[price]) for price in self._queues[side]]

    def crosses(self, side: str, price: int) -> bool:
        """True when a bid at ``price`` on ``side`` would trade against the other side."""
        best = self.best(other_side(side))
        return best is not None and price + best >= ONE_DOLLAR

    def queue(self, side: str, price: int) -> list[str]:
        """Ids of the orders resting at ``price`` on ``side``, first in line first."""
        return [order.order_id for order in self._queues[side].get(price, ())]

    def order(self, order_id: str) -> Order | None:
        """The resting order with that id, if any."""
        return self._orders.get(order_id)

    def order_at(self, index: int) -> Order:
        """The ``index``-th resting order in an arbitrary but deterministic order."""
        return self._orders[self._ids[index]]

    def __len__(self) -> int:
        return len(self._ids)

    # -- changes ---------------------------------------------------------------------------------

    def rest(self, order: Order) -> None:
        """Add a non-crossing bid at the back of its price's queue."""
        if self.crosses(order.side, order.price):
            raise ValueError(f"{order.side} bid at {order.price} would cross the book")
        queue = self._queues[order.side].get(order.price)
        if queue is None:
            queue = self._queues[order.side][order.price] = deque()
        queue.append(order)
        sizes = self._sizes[order.side]
        sizes[order.price] = sizes.get(order.price, 0) + order.remaining
        self._orders[order.order_id] = order
        self._index[order.order_id] = len(self._ids)
        self._ids.append(order.order_id)

    def cancel(self, order_id: str) -> Order:
        """Remove a resting order; returns it with the size it had left."""
        order = self._orders[order_id]
        queue = self._queues[order.side][order.price]
        queue.remove(order)
        self._reduce(order, order.remaining, queue)
        return order

    def shrink(self, order_id: str, amount: int) -> Order:
        """Take ``amount`` (less than what is left) off a resting order where it stands: it keeps
        its place in its price's queue."""
        order = self._orders[order_id]
        if not 0 < amount < order.remaining:
            raise ValueError(f"cannot shrink order {order_id} by {amount}")
        self._reduce(order, amount, self._queues[order.side][order.price])
        return order

    def match(self, side: str, limit: int, count: int) -> list[Match]:
        """Buy up to ``count`` of ``side`` at prices up to ``limit`` against the other side's bids."""
        opposite = other_side(side)
        queues = self._queues[opposite]
        matches: list[Match] = []
        while count > 0 and queues:
            price, queue = queues.peekitem(-1)
            if price + limit < ONE_DOLLAR:
                break
            maker = queue[0]
            traded = min(count, maker.remaining)
            matches.append(Match(maker, price, traded))
            count -= traded
            if traded == maker.remaining:
                queue.popleft()
            self._reduce(maker, traded, queue)
        return matches

    def _reduce(self, order: Order, amount: int, queue: deque) -> None:
        order.remaining -= amount
        sizes = self._sizes[order.side]
        sizes[order.price] -= amount
        if not queue:
            del self._queues[order.side][order.price]
            del sizes[order.price]
        if order.remaining == 0:
            self._forget(order.order_id)

    def _forget(self, order_id: str) -> None:
        del self._orders[order_id]
        index = self._index.pop(order_id)
        last = self._ids.pop()
        if last != order_id:
            self._ids[index] = last
            self._index[last] = index
