"""The request bodies of Kalshi's order writes, with the field names its OpenAPI defines.

A new order's body is :meth:`app.trading.ticket.OrderTicket.wire`; these are the others.
"""

from __future__ import annotations

from app.core.fixed import to_wire_count, to_wire_price


def amend_body(ticker: str, side: str, action: str, price: int, total_count: int) -> dict[str, object]:
    """``POST /portfolio/orders/{id}/amend``: the order's own ticker, side and action (required),
    its new price on ``side``'s terms and its new total count (filled contracts included)."""
    return {"ticker": ticker, "side": side, "action": action, f"{side}_price_dollars": to_wire_price(price),
            "count_fp": to_wire_count(total_count)}


def batch_cancel_body(order_ids: list[str]) -> dict[str, object]:
    """``DELETE /portfolio/orders/batched``: one ``{"order_id"}`` object an order (the bare
    ``ids`` list is deprecated)."""
    return {"orders": [{"order_id": order_id} for order_id in order_ids]}
