"""The simulated trading account: its orders, positions, fees and order groups.

Positions are signed (yes contracts > 0, no contracts < 0) and kept as FIFO lots, so cost and
realized P&L stay exact integers: buying one side against held contracts of the other side closes
them, each closed pair being worth $1. Realized P&L excludes fees, which are counted apart.
Money is in app.core.fixed money units (1/1,000,000 $); ``count * price`` is already money.

The account also keeps what the REST API reports and the socket does not: its cash balance, its
recent fills, finished orders and settlements.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.core.fixed import CENT, MONEY_SCALE, ONE_DOLLAR
from app.simulator.events import FillEvent, PositionEvent, UserOrderEvent
from app.simulator.matching import YES, yes_price_of

USER_ID = "sim-user"
COMM_ID = "comm_sim_user"
FEE_QUANTUM = CENT * 100  # fees are rounded up to the cent, in money units
TAKER_FEE_RATE = (7, 100)  # 7% of C * P * (1 - P)
MAKER_FEE_RATE = (7, 400)  # 1.75%
# One fill in this many has the legacy action "" (the exchange does not know it), as production sends
UNKNOWN_ACTION_ONE_IN = 20
STARTING_BALANCE = 100_000 * MONEY_SCALE  # $100,000 in money units
HISTORY = 5_000  # fills and finished orders kept for the REST API


def trading_fee(count: int, price: int, *, taker: bool) -> int:
    """Kalshi's fee ``rate * C * P * (1 - P)`` in money units, rounded up to the cent."""
    num, den = TAKER_FEE_RATE if taker else MAKER_FEE_RATE
    numerator = num * count * price * (ONE_DOLLAR - price)
    denominator = den * ONE_DOLLAR * FEE_QUANTUM
    return -(-numerator // denominator) * FEE_QUANTUM


def legacy_direction(bought: str, before: int, count: int, trade_id: str) -> tuple[str, str]:
    """``(side, action)`` in the legacy words for buying ``count`` of ``bought`` with the signed
    position ``before`` (yes > 0, no < 0): buying the side held (or from flat) is ``buy``; buying
    against the other side sells that side, ``sell_partial`` when some is left, ``sell_to_close``
    when none, ``sell`` when the position crosses zero. Now and then the action is ``""``."""
    held = YES if before > 0 else "no" if before < 0 else bought
    if held == bought:
        side, action = bought, "buy"
    else:
        side = held
        action = "sell_partial" if count < abs(before) else "sell_to_close" if count == abs(before) else "sell"
    if zlib.crc32(trade_id.encode()) % UNKNOWN_ACTION_ONE_IN == 0:
        action = ""
    return side, action


@dataclass(slots=True)
class AccountOrder:
    """One of the account's orders with its fills, costs and fees so far."""

    order_id: str
    client_order_id: str
    ticker: str
    side: str  # the outcome the order is positioned for: the side its bid rests on
    price: int  # bid price on ``side``
    initial: int
    created_ms: int
    group_id: str | None = None
    action: str = "buy"  # ``sell``: the order sells the other side (it bids on ``side``)
    remaining: int = 0
    filled: int = 0
    status: str = "resting"
    reason: str = "placed"
    updated_ms: int = 0
    taker_fill_cost: int = 0
    maker_fill_cost: int = 0
    taker_fees: int = 0
    maker_fees: int = 0
    sent: bool = False  # placed through the REST API (a trader's): the simulated activity leaves it alone

    def event(self) -> UserOrderEvent:
        """The order's current state as a ``user_order`` event."""
        return UserOrderEvent(
            order_id=self.order_id, client_order_id=self.client_order_id, market_ticker=self.ticker,
            status=self.status, side=self.side, yes_price=yes_price_of(self.side, self.price),
            initial_count=self.initial, fill_count=self.filled, remaining_count=self.remaining,
            taker_fill_cost=self.taker_fill_cost, maker_fill_cost=self.maker_fill_cost,
            taker_fees=self.taker_fees, maker_fees=self.maker_fees, created_ts_ms=self.created_ms,
            updated_ts_ms=self.updated_ms or self.created_ms, last_update_reason=self.reason,
            order_group_id=self.group_id, action=self.action,
        )


@dataclass(slots=True)
class Holding:
    """The account's contracts in one market as FIFO lots of ``[count, price paid]``."""

    side: str = YES
    lots: deque[list[int]] = field(default_factory=deque)
    realized_pnl: int = 0
    fees_paid: int = 0
    position_fee_cost: int = 0
    volume: int = 0
    traded: int = 0  # money paid for every contract bought
    updated_ms: int = 0

    @property
    def position(self) -> int:
        """Signed contracts held: yes > 0, no < 0."""
        total = sum(count for count, _ in self.lots)
        return total if self.side == YES else -total

    @property
    def cost(self) -> int:
        """What the contracts held cost (money)."""
        return sum(count * price for count, price in self.lots)

    def buy(self, side: str, price: int, count: int, fee: int) -> int:
        """Buy ``count`` of ``side`` at ``price``: close opposite lots first, then open.

        Returns the contracts closed: each closed yes and no pair pays out $1.
        """
        self.volume += count
        self.traded += count * price
        self.fees_paid += fee
        closed_total = 0
        if self.lots and self.side != side:
            while count and self.lots:
                lot = self.lots[0]
                closed = min(count, lot[0])
                self.realized_pnl += closed * (ONE_DOLLAR - price - lot[1])
                lot[0] -= closed
                count -= closed
                closed_total += closed
                if not lot[0]:
                    self.lots.popleft()
            if not self.lots:
                self.position_fee_cost = 0
        if count:
            if not self.lots:
                self.side = side
            self.lots.append([count, price])
        self.position_fee_cost = self.position_fee_cost + fee if self.lots else 0
        return closed_total

    def settle(self, result: str) -> int:
        """Pay out $1 a contract on the winning side and close everything; returns the payout."""
        payout = ONE_DOLLAR if self.side == result else 0
        self.realized_pnl += sum(count * (payout - price) for count, price in self.lots)
        paid = sum(count for count, _ in self.lots) * payout
        self.lots.clear()
        self.position_fee_cost = 0
        return paid


@dataclass(frozen=True, slots=True)
class Settlement:
    """A market settled while the account held ``position`` of it (signed) costing ``cost``, after
    paying ``fees`` to trade it."""

    ticker: str
    result: str
    position: int
    cost: int
    revenue: int
    ts_ms: int
    fees: int = 0


@dataclass(slots=True)
class OrderGroup:
    """An order group: once its orders fill ``limit`` contracts, it triggers and cancels them."""

    group_id: str
    limit: int
    filled: int = 0
    triggered: bool = False


class Account:
    """The simulated user's orders, holdings and order groups, producing consistent events."""

    def __init__(self) -> None:
        self.orders: dict[str, AccountOrder] = {}
        self.holdings: dict[str, Holding] = {}
        self.groups: dict[str, OrderGroup] = {}
        self.balance = STARTING_BALANCE  # cash, in money units
        self.fills: deque[FillEvent] = deque(maxlen=HISTORY)  # oldest first
        self.finished: deque[AccountOrder] = deque(maxlen=HISTORY)  # oldest first
        self.settlements: deque[Settlement] = deque(maxlen=HISTORY)  # oldest first

    def open_order(self, order: AccountOrder) -> AccountOrder:
        """Track a new order (resting or about to take); its whole count is remaining."""
        order.remaining = order.initial
        self.orders[order.order_id] = order
        return order

    def fill(
        self, order_id: str, trade_id: str, count: int, price: int, ts_ms: int, *, taker: bool
    ) -> list[FillEvent | UserOrderEvent | PositionEvent]:
        """``count`` of an order traded at its bid ``price``: the fill, order and position events.

        A maker fill reports the order's new state at once; a taker's state is reported when it
        finishes (:meth:`finish`).
        """
        order = self.orders[order_id]
        fee = trading_fee(count, price, taker=taker)
        cost = count * price
        order.filled += count
        order.remaining -= count
        order.updated_ms = ts_ms
        order.reason = "filled"
        if taker:
            order.taker_fill_cost += cost
            order.taker_fees += fee
        else:
            order.maker_fill_cost += cost
            order.maker_fees += fee
        holding = self.holdings.setdefault(order.ticker, Holding())
        legacy_side, action = legacy_direction(order.side, holding.position, count, trade_id)
        closed = holding.buy(order.side, price, count, fee)
        holding.updated_ms = ts_ms
        self.balance += closed * ONE_DOLLAR - cost - fee
        if order.group_id in self.groups:
            self.groups[order.group_id].filled += count
        fill = FillEvent(
            trade_id=trade_id, order_id=order_id, client_order_id=order.client_order_id,
            market_ticker=order.ticker, is_taker=taker, side=order.side,
            yes_price=yes_price_of(order.side, price), count=count, fee=fee,
            post_position=holding.position, ts_ms=ts_ms, legacy_side=legacy_side, action=action,
            order_action=order.action,
        )
        self.fills.append(fill)
        events: list[FillEvent | UserOrderEvent | PositionEvent] = [fill]
        if not taker:
            if order.remaining == 0:
                order.status = "executed"
                self.finished.append(self.orders.pop(order_id))
            events.append(order.event())
        events.append(self.position_event(order.ticker))
        return events

    def finish(self, order_id: str, ts_ms: int) -> UserOrderEvent:
        """A taker order is done: executed when fully filled, else its remainder is canceled."""
        order = self.orders.pop(order_id)
        order.updated_ms = ts_ms
        if order.remaining:
            order.status, order.reason, order.remaining = "canceled", "ioc_remainder", 0
        else:
            order.status = "executed"
        self.finished.append(order)
        return order.event()

    def cancel(self, order_id: str, reason: str, ts_ms: int) -> UserOrderEvent:
        """Cancel a resting order's remainder."""
        order = self.orders.pop(order_id)
        order.status, order.reason, order.remaining, order.updated_ms = "canceled", reason, 0, ts_ms
        self.finished.append(order)
        return order.event()

    def settle(self, ticker: str, result: str, ts_ms: int = 0) -> PositionEvent | None:
        """Settle a market's holding on ``result``; None when the account never traded it."""
        holding = self.holdings.get(ticker)
        if holding is None:
            return None
        position, cost, fees = holding.position, holding.cost, holding.fees_paid
        paid = holding.settle(result)
        holding.updated_ms = ts_ms or holding.updated_ms
        self.balance += paid
        if position:
            self.settlements.append(Settlement(ticker, result, position, cost, paid, ts_ms, fees))
        return self.position_event(ticker)

    def all_orders(self) -> Iterator[AccountOrder]:
        """Resting orders, then the finished ones kept, most recent first."""
        yield from self.orders.values()
        yield from reversed(self.finished)

    def position_event(self, ticker: str) -> PositionEvent:
        """The account's current position in ``ticker``."""
        holding = self.holdings.get(ticker) or Holding()
        return PositionEvent(
            user_id=USER_ID, market_ticker=ticker, position=holding.position,
            position_cost=holding.cost, realized_pnl=holding.realized_pnl,
            fees_paid=holding.fees_paid, position_fee_cost=holding.position_fee_cost,
            volume=holding.volume,
        )

    def resting_in(self, ticker: str) -> list[str]:
        """Ids of the account's resting orders in ``ticker``."""
        return [oid for oid, order in self.orders.items() if order.ticker == ticker]

    def group_orders(self, group_id: str) -> list[str]:
        """Ids of the account's resting orders in an order group."""
        return [oid for oid, order in self.orders.items() if order.group_id == group_id]

    def newly_triggered(self, group_id: str) -> bool:
        """True (once) when the group has filled its limit and must trigger now."""
        group = self.groups.get(group_id)
        if group is None or group.triggered or group.filled < group.limit:
            return False
        group.triggered = True
        return True
