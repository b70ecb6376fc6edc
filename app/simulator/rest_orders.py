"""The simulator's order endpoints: Kalshi's write paths into the matching engine.

``POST /portfolio/orders``, ``DELETE /portfolio/orders/{id}``, ``POST .../{id}/amend``,
``POST .../{id}/decrease``, ``POST /portfolio/orders/batched`` and ``DELETE /portfolio/orders/batched``
are answered from :class:`~app.simulator.engine.Exchange`, and what they change is published on the
socket like any other activity. Rejections carry Kalshi's error codes (``insufficient_balance``,
``market_closed``, ``invalid_price``, ``order_already_exists`` for a reused ``client_order_id``, ...).
Writes are billed from their own token bucket (basic tier: 100 tokens a second, 10 a write, batch
items one by one) and answered 429 ``{"error": "too many requests"}`` when it is empty.

Orders follow the OpenAPI's direction words: ``buy yes`` and ``sell no`` are positioned for yes,
``buy no`` and ``sell yes`` for no. A sale of yes at ``p`` rests as a no bid at ``$1 - p`` (the book
holds bids only) and keeps its own words in every answer (``side: yes, action: sell``,
``outcome_side: no``). Positions are signed, so a sale first reduces the contracts held; what it
sells beyond them opens the other side, as the exchange nets positions. Only the part that opens
needs cash. ``reduce_only`` caps the count at what the order can close and is refused
(``invalid_order``) when it closes nothing. A decrease, and an amend that only lowers the count,
keep the order's place in its queue; any other amend puts it at the back.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.core.fixed import COUNT_SCALE, ONE_DOLLAR, parse_count, parse_price, to_wire_count
from app.rest.limiter import BASIC_WRITE_TOKENS, REQUEST_COST, TokenBucket
from app.simulator import rest_shapes as shape
from app.simulator.account import AccountOrder
from app.simulator.engine import Exchange
from app.simulator.events import Event
from app.simulator.matching import named_side, other_side
from app.simulator.rest import HttpError

Body = dict[str, Any]
ORDERS = "/portfolio/orders"
BATCHED = ORDERS + "/batched"
BATCH_MAX = 20
PRICE_FIELDS = ("yes_price", "no_price", "yes_price_dollars", "no_price_dollars")
TIME_IN_FORCE = ("fill_or_kill", "good_till_canceled", "immediate_or_cancel")
# The fault kinds :meth:`OrderFaults.fail_next` queues: before the order is processed, or after.
BEFORE = frozenset({"429"})
AFTER = frozenset({"503", "timeout", "drop"})


@dataclass
class OrderFaults:
    """Faults for the next writes: ``429`` (refused before anything happens), ``503``, ``timeout``
    (no answer for ``hang`` seconds) and ``drop`` (the connection is closed unanswered), the last
    three after the write was carried out."""

    hang: float = 5.0
    _queued: deque[str] = field(default_factory=deque)

    def fail_next(self, kind: str, count: int = 1) -> None:
        """Fail the next ``count`` writes with ``kind``."""
        if kind not in BEFORE | AFTER:
            raise ValueError(f"unknown order fault {kind!r}")
        self._queued.extend([kind] * count)

    def next(self) -> str | None:
        """The fault for the write arriving now, if any."""
        return self._queued.popleft() if self._queued else None


def _reject(code: str, message: str, status: int = 400) -> HttpError:
    return HttpError(status, code, message)


class OrderDesk:
    """Carries out order writes on ``exchange``; ``publish`` sends their events to subscribers."""

    def __init__(
        self, exchange: Exchange, publish: Callable[[list[Event]], None], *,
        write_limit: int = BASIC_WRITE_TOKENS, legacy: bool = False,
    ) -> None:
        self.exchange = exchange
        self.publish = publish
        self.write_limit = write_limit
        self.legacy = legacy
        self.faults = OrderFaults()
        self.created = 0  # orders accepted
        self._client_ids: set[str] = set()
        self._buckets: dict[str, TokenBucket] = {}

    def throttled(self, identity: str, items: int = 1) -> bool:
        """Bill ``items`` writes to ``identity``; True when its bucket cannot pay (answer 429)."""
        bucket = self._buckets.get(identity)
        if bucket is None:
            bucket = self._buckets[identity] = TokenBucket(self.write_limit)
        return not bucket.try_take(REQUEST_COST * items)

    def handle(self, method: str, path: str, body: Body) -> tuple[int, Body]:
        """The status and body answering a write (``path`` without the ``/trade-api/v2`` prefix)."""
        try:
            if method == "POST" and path == BATCHED:
                return 201, {"orders": [self._created(order) for order in _list(body, "orders")]}
            if method == "DELETE" and path == BATCHED:
                return 200, {"orders": [self._canceled(order_id) for order_id in _cancel_ids(body)]}
            if method == "POST" and path == ORDERS:
                return 201, self.create(body)
            if path.startswith(ORDERS + "/"):
                order_id, _, verb = path[len(ORDERS) + 1:].partition("/")
                if method == "DELETE" and not verb:
                    return 200, self.cancel(order_id)
                if method == "POST" and verb == "amend":
                    return 200, self.amend(order_id, body)
                if method == "POST" and verb == "decrease":
                    return 200, self.decrease(order_id, body)
            raise _reject("not_found", f"no such path: {method} {path}", 404)
        except HttpError as exc:
            return exc.status, exc.body

    @staticmethod
    def batch_size(method: str, path: str, body: Body) -> int:
        """How many writes a request is billed as (batch items one by one)."""
        if path != BATCHED:
            return 1
        items = body.get("orders" if method == "POST" or "orders" in body else "ids")
        return max(1, len(items)) if isinstance(items, list) else 1

    # -- the writes -------------------------------------------------------------------------------

    def create(self, body: Body) -> Body:
        """``POST /portfolio/orders``: validate like Kalshi, then trade and rest."""
        exchange = self.exchange
        ticker = str(body.get("ticker") or "")
        sim = exchange.markets.get(ticker)
        if sim is None:
            raise _reject("market_not_found", f"market {ticker} not found", 404)
        client_order_id = str(body.get("client_order_id") or uuid.uuid4())
        if client_order_id in self._client_ids:
            raise _reject("order_already_exists", "an order with this client_order_id already exists", 409)
        side, action = body.get("side"), body.get("action")
        if side not in ("yes", "no") or action not in ("buy", "sell"):
            raise _reject("invalid_parameters", "side must be yes or no and action buy or sell")
        if body.get("time_in_force", "good_till_canceled") not in TIME_IN_FORCE:
            raise _reject("invalid_parameters", "time_in_force must be " + ", ".join(TIME_IN_FORCE))
        count = _count(body)
        outcome = named_side(side, action)  # the side the order bids on
        price = _price(body, outcome)
        _check_price(price, sim.market.tick)
        if sim.status != "active":
            raise _reject("market_closed", f"market {ticker} is not open for trading")
        closable = self._closable(ticker, outcome)
        if body.get("reduce_only"):
            if not closable:
                raise _reject("invalid_order", "a reduce-only order may only reduce the position")
            count = min(count, closable)
        if body.get("post_only") and sim.book.crosses(outcome, price):
            raise _reject("post_only_cross", "a post-only order would take liquidity")
        if self._committed() + max(0, count - closable) * price > exchange.account.balance:
            raise _reject("insufficient_balance", "insufficient balance for this order")
        immediate = body.get("time_in_force") in ("immediate_or_cancel", "fill_or_kill")
        if body.get("time_in_force") == "fill_or_kill" and _fillable(sim.book, outcome, price) < count:
            raise _reject("fill_or_kill_insufficient_resting_volume",
                          "not enough resting volume to fill the whole order")
        self._client_ids.add(client_order_id)
        order, events = exchange.place_account_order(ticker, outcome, price, count, client_order_id,
                                                     immediate=immediate, action=action)
        self.created += 1
        self.publish(events)
        return {"order": self._shape(order)}

    def cancel(self, order_id: str) -> Body:
        """``DELETE /portfolio/orders/{id}``: the order canceled and how much it was reduced by."""
        order = self._resting(order_id)
        left = order.remaining
        self.publish(self.exchange.cancel_account_order(order_id))
        return {"order": self._shape(order), "reduced_by_fp": to_wire_count(left)}

    def amend(self, order_id: str, body: Body) -> Body:
        """``POST .../{id}/amend``: a new price and total count (filled contracts included), naming
        the order's ticker, side and action; exactly one price field."""
        order = self._resting(order_id)
        sim = self.exchange.markets[order.ticker]
        own = (order.ticker, named_side(order.side, order.action), order.action)
        if tuple(body.get(name) for name in ("ticker", "side", "action")) != own:
            raise _reject("invalid_parameters", "ticker, side and action must be given and be the order's own")
        if sum(name in body for name in PRICE_FIELDS) != 1:
            raise _reject("invalid_parameters", "exactly one of " + ", ".join(PRICE_FIELDS) + " must be given")
        old = self._shape(order)
        price = _price(body, order.side)
        total = _count(body) if ("count" in body or "count_fp" in body) else order.initial
        _check_price(price, sim.market.tick)
        if total <= order.filled:
            raise _reject("invalid_parameters", "the new count must exceed what already filled")
        extra = (total - order.filled) * price - order.remaining * order.price
        if extra > 0 and self._committed() + extra > self.exchange.account.balance:
            raise _reject("insufficient_balance", "insufficient balance for this order")
        order, events = self.exchange.amend_account_order(order_id, price, total - order.filled)
        self.publish(events)
        return {"old_order": old, "order": self._shape(order)}

    def decrease(self, order_id: str, body: Body) -> Body:
        """``POST .../{id}/decrease``: by ``reduce_by`` or to ``reduce_to`` contracts left (exactly
        one of them); the order keeps its place in the queue."""
        order = self._resting(order_id)
        given = [name for name in ("reduce_by", "reduce_to") if name in body or f"{name}_fp" in body]
        if len(given) != 1:
            raise _reject("invalid_parameters", "exactly one of reduce_by and reduce_to must be given")
        if given == ["reduce_to"]:
            left = _count(body, "reduce_to")
        else:
            left = order.remaining - _count(body, "reduce_by")
        if left < 0 or left >= order.remaining:
            raise _reject("invalid_parameters", "a decrease must leave fewer contracts, and not below zero")
        if left == 0:
            self.publish(self.exchange.cancel_account_order(order_id))
        else:
            order, events = self.exchange.decrease_account_order(order_id, left)
            self.publish(events)
        return {"order": self._shape(order)}

    # -- helpers ----------------------------------------------------------------------------------

    def _created(self, body: Any) -> Body:
        """One item of a batched create: its ``client_order_id`` with the order or the error."""
        client_order_id = body.get("client_order_id") if isinstance(body, dict) else None
        try:
            if not isinstance(body, dict):
                raise _reject("invalid_parameters", "each order must be a JSON object")
            return {"client_order_id": client_order_id, **self.create(body)}
        except HttpError as exc:
            return {"client_order_id": client_order_id, "order": None, "error": exc.body["error"]}

    def _canceled(self, order_id: str) -> Body:
        """One item of a batched cancel: the order and what was canceled, or the error."""
        try:
            return {"order_id": order_id, **self.cancel(order_id)}
        except HttpError as exc:
            return {"order_id": order_id, "order": None, "reduced_by_fp": to_wire_count(0), "error": exc.body["error"]}

    def _resting(self, order_id: str) -> AccountOrder:
        order = self.exchange.account.orders.get(order_id)
        if order is None:
            raise _reject("not_found", f"order {order_id} is not resting", 404)
        return order

    def _committed(self) -> int:
        """Money held for the account's resting orders."""
        return sum(o.remaining * o.price for o in self.exchange.account.orders.values())

    def _closable(self, ticker: str, outcome: str) -> int:
        """Contracts held of the side opposite ``outcome``: what a bid on ``outcome`` closes first."""
        position = self.exchange.account.position_event(ticker).position
        return max(0, -position if outcome == "yes" else position)

    def _shape(self, order: AccountOrder) -> Body:
        return shape.order(order, legacy=self.legacy)


def _list(body: Body, name: str) -> list[Any]:
    items = body.get(name)
    if not isinstance(items, list) or not items or len(items) > BATCH_MAX:
        raise _reject("invalid_parameters", f"{name} must list 1 to {BATCH_MAX} items")
    return items


def _cancel_ids(body: Body) -> list[str]:
    """The order ids of a batched cancel: ``orders`` (objects with an ``order_id``) or, deprecated,
    ``ids``."""
    if "orders" in body:
        ids = [item.get("order_id") if isinstance(item, dict) else None for item in _list(body, "orders")]
    else:
        ids = _list(body, "ids")
    named = [order_id for order_id in ids if isinstance(order_id, str) and order_id]
    if len(named) != len(ids):
        raise _reject("invalid_parameters", "each order to cancel needs its order_id")
    return named


def _count(body: Body, name: str = "count") -> int:
    """A count given as ``NAME_fp`` (a fixed-point string) or ``NAME`` (whole contracts); both
    given, they must match."""
    given: list[int] = []
    try:
        if f"{name}_fp" in body:
            given.append(parse_count(str(body[f"{name}_fp"])))
        if name in body:
            given.append(int(body[name]) * COUNT_SCALE)
    except (TypeError, ValueError):
        raise _reject("invalid_parameters", f"{name} is not a number") from None
    if not given or len(set(given)) > 1:
        raise _reject("invalid_parameters", f"{name} is missing, or {name} and {name}_fp do not match")
    value = given[0]
    if value <= 0 and name == "count":
        raise _reject("invalid_parameters", "the count must be positive")
    return value


def _price(body: Body, side: str) -> int:
    """The limit price on ``side``'s terms from ``*_price_dollars`` (or integer-cent ``*_price``)."""
    other = other_side(side)
    try:
        if f"{side}_price_dollars" in body:
            return parse_price(str(body[f"{side}_price_dollars"]))
        if f"{other}_price_dollars" in body:
            return ONE_DOLLAR - parse_price(str(body[f"{other}_price_dollars"]))
        if f"{side}_price" in body:
            return int(body[f"{side}_price"]) * 100
        if f"{other}_price" in body:
            return ONE_DOLLAR - int(body[f"{other}_price"]) * 100
    except (TypeError, ValueError):
        pass
    raise _reject("invalid_price", "a limit price is required")


def _check_price(price: int, tick: int) -> None:
    """Refuse a bid price outside ($0, $1) or off the market's tick."""
    if not 0 < price < ONE_DOLLAR or price % tick:
        raise _reject("invalid_price", "the price is outside the market's price ranges or off its tick")


def _fillable(book: Any, side: str, limit: int) -> int:
    """Contracts resting on the other side that a bid of ``side`` at ``limit`` could take."""
    return sum(size for price, size in book.sorted_levels(other_side(side)) if price + limit >= ONE_DOLLAR)
