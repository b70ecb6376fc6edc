"""The user's working (resting) orders of one market, on a ladder's price scale.

A ladder of side ``yes`` shows yes prices; of side ``no``, no prices ($1 - the yes price). An order
is read from the socket's ``user_order`` state, whose ``yes_price`` is always the yes price. An order
that buys the ladder's side rests among its bids; one that buys the other side (a sale of this one)
among its asks.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.fixed import ONE_DOLLAR
from app.core.protocol import UserOrder
from app.core.state import RESTING


def ladder_price(order: UserOrder, side: str) -> int | None:
    """Where ``order`` sits on a ladder of ``side`` (None without a price)."""
    if order.yes_price is None:
        return None
    return order.yes_price if side == "yes" else ONE_DOLLAR - order.yes_price


def working(orders: Iterable[UserOrder], ticker: str) -> list[UserOrder]:
    """The resting orders of ``ticker`` with something left."""
    return [o for o in orders if o.market_ticker == ticker and o.status == RESTING and (o.remaining_count or 0) > 0]


def sizes_by_book_side(orders: Iterable[UserOrder], ticker: str, side: str) -> tuple[dict[int, int], dict[int, int]]:
    """Contracts left at each ladder price in the user's resting orders among the bids (those that
    buy ``side``) and among the asks (those that buy the other side)."""
    bids: dict[int, int] = {}
    asks: dict[int, int] = {}
    for order in working(orders, ticker):
        price = ladder_price(order, side)
        if price is not None:
            book = bids if order.outcome_side == side else asks
            book[price] = book.get(price, 0) + (order.remaining_count or 0)
    return bids, asks


def orders_at(orders: Iterable[UserOrder], ticker: str, side: str, price: int) -> list[UserOrder]:
    """The user's resting orders of ``ticker`` at one ladder price."""
    return [o for o in working(orders, ticker) if ladder_price(o, side) == price]
