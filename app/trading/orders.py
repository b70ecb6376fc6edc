"""The order service: every order action through the rails, the REST API and the audit log.

Each new order gets a fresh ``client_order_id`` before it is first sent, and every retry sends
the same one, so the exchange can never hold it twice. When an answer is lost (a timeout, a
dropped connection, a 5xx after the exchange may have acted) the service reconciles: it reads the
account's orders in the market and looks for that ``client_order_id``; found, that is the truth;
not found, it sends again. A 429 means nothing was done: it waits (exponential backoff with full
jitter) and sends again. A 409 ``order_already_exists`` on a retry means an earlier attempt got
through: reconciliation finds it. Every action and every answer is written to the audit log.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.core.backoff import full_jitter
from app.core.fixed import to_wire_count, to_wire_price
from app.rest.client import RestClient, RestError
from app.trading.audit import AuditLog
from app.trading.rails import Rails
from app.trading.requests import amend_body, batch_cancel_body
from app.trading.ticket import OrderTicket

ORDERS = "/portfolio/orders"
# Kalshi's rejection codes in plain words; any other code is shown with the exchange's own message.
PLAIN_WORDS = {
    "insufficient_balance": "not enough cash in the account for this order",
    "market_closed": "the market is closed for trading",
    "market_not_found": "there is no such market",
    "invalid_price": "the price is not one this market allows (outside its range or off its tick)",
    "invalid_parameters": "the exchange did not accept the order's fields",
    "invalid_order": "a reduce-only order may only reduce your position",
    "post_only_cross": "a post-only order would have traded at once",
    "fill_or_kill_insufficient_resting_volume": "not enough resting orders to fill the whole order at once",
    "not_found": "the order is no longer resting (already filled or canceled)",
    "too many requests": "the exchange's rate limit was hit; try again in a moment",
}


@dataclass(frozen=True, slots=True)
class Answer:
    """What came of an order action: ``outcome`` is ``accepted``, ``rejected``, ``refused`` (by
    the rails, never sent) or ``unknown`` (no answer and nothing found after reconciling)."""

    outcome: str
    reason: str = ""
    client_order_id: str | None = None
    order: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def order_id(self) -> str | None:
        """The exchange's id of the order answered, when there is one."""
        return str(self.order["order_id"]) if self.order and self.order.get("order_id") else None


def plain_reason(status: int | None, body: dict[str, Any]) -> str:
    """Kalshi's error body in plain words: the OpenAPI's ``ErrorResponse`` (``code``, ``message``,
    ``details``, ``service``) as the body, or inside ``error`` as the servers send it, or an
    ``error`` string (the 429's)."""
    error = body.get("error", body if "code" in body else None)
    code, message = "", ""
    if isinstance(error, dict):
        code, message = str(error.get("code") or ""), str(error.get("message") or "")
    elif isinstance(error, str):
        code = message = error
    words = PLAIN_WORDS.get(code) or message or code or f"HTTP {status}"
    return " ".join(words.split())[:200]


class OrderService:
    """Sends order actions for one session (see the module docstring)."""

    def __init__(
        self, client: RestClient, rails: Rails, audit: AuditLog, *, attempts: int = 5,
        backoff_initial: float = 0.2, backoff_max: float = 4.0, rng: random.Random | None = None,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self.client = client
        self.rails = rails
        self.audit = audit
        self.attempts = attempts
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self._rng = rng or random.Random()
        self._new_id = new_id

    async def place(self, ticket: OrderTicket, open_in_market: int) -> Answer:
        """Send a new order once the rails allow it; the exchange's answer or the rails' refusal."""
        fields = _ticket_fields(ticket)
        refused = self.rails.check(ticket, open_in_market)
        if refused is not None:
            self.audit.write("refused", reason=refused, environment=self.rails.environment, **fields)
            return Answer("refused", refused)
        client_order_id = self._new_id()
        body = ticket.wire(client_order_id)
        for attempt in range(1, self.attempts + 1):
            self.audit.write("send", attempt=attempt, client_order_id=client_order_id,
                             environment=self.rails.environment, **fields)
            try:
                status, answer = await self.client.write("POST", ORDERS, body)
            except RestError as exc:
                found = await self._reconcile(ticket.ticker, client_order_id, str(exc), fields)
                if found is not None:
                    return found
                await self._pause(attempt)
                continue
            if status in (200, 201) and isinstance(answer.get("order"), dict):
                return self._accepted(answer["order"], client_order_id, fields, "answered")
            if status == 429:
                self.audit.write("throttled", http_status=status, client_order_id=client_order_id, **fields)
                await self._pause(attempt)
                continue
            if status >= 500 or status == 409:
                found = await self._reconcile(ticket.ticker, client_order_id, f"HTTP {status}", fields)
                if found is not None:
                    return found
                await self._pause(attempt)
                continue
            reason = plain_reason(status, answer)
            self.audit.write("rejected", http_status=status, reason=reason, client_order_id=client_order_id, **fields)
            return Answer("rejected", reason, client_order_id)
        found = await self._reconcile(ticket.ticker, client_order_id, "out of attempts", fields)
        if found is not None:
            return found
        reason = f"no answer after {self.attempts} attempts and no such order at the exchange"
        self.audit.write("unknown", reason=reason, client_order_id=client_order_id, **fields)
        return Answer("unknown", reason, client_order_id)

    async def cancel(self, ticker: str, order_id: str) -> Answer:
        """Cancel one resting order (cancelling twice is harmless: a second gets ``not_found``)."""
        return await self._act("cancel", "DELETE", f"{ORDERS}/{order_id}", None, ticker, order_id)

    async def amend(self, ticker: str, order_id: str, side: str, action: str, price: int, total_count: int) -> Answer:
        """Give a resting order (of ``side`` and ``action``, as it was placed) a new price on
        ``side``'s terms and total count."""
        body = amend_body(ticker, side, action, price, total_count)
        return await self._act("amend", "POST", f"{ORDERS}/{order_id}/amend", body, ticker, order_id)

    async def cancel_all(self, ticker: str) -> list[Answer]:
        """Cancel every resting order of the account in ``ticker`` (batched, 20 at a time)."""
        ids = [str(o["order_id"]) for o in await self._orders(ticker) if o.get("status") == "resting"]
        answers: list[Answer] = []
        for start in range(0, len(ids), 20):
            chunk = ids[start:start + 20]
            self.audit.write("cancel_all", ticker=ticker, count=len(chunk))
            try:
                status, body = await self.client.write("DELETE", f"{ORDERS}/batched", batch_cancel_body(chunk))
            except RestError as exc:
                status, body = 0, {"error": str(exc)}
            items = body.get("orders") if status == 200 else None
            if not isinstance(items, list):
                answers += [await self.cancel(ticker, order_id) for order_id in chunk]
                continue
            for item in items:
                ok = not item.get("error")
                reason = "" if ok else plain_reason(status, item)
                self.audit.write("canceled" if ok else "rejected", ticker=ticker, order_id=item.get("order_id"),
                                 reason=reason or None)
                answers.append(Answer("accepted" if ok else "rejected", reason, order=item.get("order")))
        return answers

    async def resting(self, ticker: str) -> list[dict[str, Any]]:
        """The account's resting orders in ``ticker`` as the exchange lists them."""
        return [o for o in await self._orders(ticker) if o.get("status") == "resting"]

    # -- internals --------------------------------------------------------------------------------

    async def _act(
        self, verb: str, method: str, path: str, body: dict[str, Any] | None, ticker: str, order_id: str
    ) -> Answer:
        """An action on an existing order; after a lost answer the order's state is read back."""
        if self.rails.gate() is not None:
            reason = self.rails.gate() or ""
            self.audit.write("refused", ticker=ticker, order_id=order_id, reason=reason)
            return Answer("refused", reason)
        for attempt in range(1, self.attempts + 1):
            self.audit.write(verb, ticker=ticker, order_id=order_id, attempt=attempt)
            try:
                status, answer = await self.client.write(method, path, body)
            except RestError:
                status, answer = 0, {}
            if status in (200, 201):
                order = answer.get("order") if isinstance(answer.get("order"), dict) else None
                self.audit.write("answer", ticker=ticker, order_id=order_id, status=(order or {}).get("status"),
                                 http_status=status)
                return Answer("accepted", order=order)
            if status == 0 or status == 429 or status >= 500:
                await self._pause(attempt)
                continue
            reason = plain_reason(status, answer)
            self.audit.write("rejected", ticker=ticker, order_id=order_id, reason=reason, http_status=status)
            return Answer("rejected", reason)
        reason = f"no answer to the {verb} after {self.attempts} attempts"
        self.audit.write("unknown", ticker=ticker, order_id=order_id, reason=reason)
        return Answer("unknown", reason)

    async def _reconcile(self, ticker: str, client_order_id: str, why: str, fields: dict[str, Any]) -> Answer | None:
        """Look for the order by its ``client_order_id`` after a lost answer."""
        self.audit.write("reconcile", reason=why, client_order_id=client_order_id, **fields)
        try:
            orders = await self._orders(ticker)
        except RestError:
            return None
        for order in orders:
            if order.get("client_order_id") == client_order_id:
                return self._accepted(order, client_order_id, fields, "reconciled")
        return None

    async def _orders(self, ticker: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        async for page in self.client.pages(ORDERS, {"ticker": ticker, "limit": 200}):
            rows += [o for o in page.get("orders", []) if isinstance(o, dict)]
        return rows

    def _accepted(self, order: dict[str, Any], client_order_id: str, fields: dict[str, Any], how: str) -> Answer:
        self.audit.write("accepted", reason=how, client_order_id=client_order_id, order_id=order.get("order_id"),
                         status=order.get("status"), **fields)
        return Answer("accepted", how, client_order_id, order)

    async def _pause(self, attempt: int) -> None:
        await asyncio.sleep(full_jitter(self._rng, attempt, self.backoff_initial, self.backoff_max))


def _ticket_fields(ticket: OrderTicket) -> dict[str, Any]:
    """The ticket as audit fields (wire strings for exact numbers): with the position it was sent
    against, what it closes of it and what it opens."""
    return {
        "ticker": ticket.ticker, "side": ticket.side, "action": ticket.action,
        "count": to_wire_count(ticket.count), "price": to_wire_price(ticket.price),
        "time_in_force": ticket.time_in_force, "post_only": ticket.post_only, "reduce_only": ticket.reduce_only,
        "position": to_wire_count(ticket.position), "closes": to_wire_count(ticket.closes),
        "opens": to_wire_count(ticket.opens),
    }
