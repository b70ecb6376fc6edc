"""The account from the REST API: balance, positions, resting and recent orders, fills, settlements.

REST records share their fields with the socket's ``fill``, ``user_order`` and ``market_position``
messages (``*_dollars`` / ``*_fp`` strings, or the older integers), so each is decoded by
:func:`app.core.protocol.parse` as the message it corresponds to: one set of rules for both sources.
A record that does not decode is skipped and counted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core import protocol as p
from app.core.fixed import MONEY_SCALE, count_from_int, parse_count, parse_money, to_wire_money
from app.core.portfolio import EventPosition, PortfolioSnapshot, Settlement
from app.core.timestamps import utc_of_iso
from app.rest.catalog import epoch_seconds
from app.rest.client import RestClient

PAGE = 1000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MILLISECOND = timedelta(milliseconds=1)
MONEY_PER_CENT = MONEY_SCALE // 100


def _as_message(kind: str, body: dict[str, Any]) -> p.Message | None:
    try:
        return p.parse(json.dumps({"type": kind, "sid": 0, "msg": body}))
    except p.ProtocolError:
        return None


def _ms(text: Any) -> int | None:
    """An RFC 3339 time in epoch milliseconds, its fraction kept: the socket's order times are in
    milliseconds, and the newer of two copies of an order wins by them. None when unreadable."""
    moment = utc_of_iso(text) if isinstance(text, str) else None
    return (moment - EPOCH) // MILLISECOND if moment is not None else None


def parse_fill(body: dict[str, Any]) -> p.Fill | None:
    """A ``/portfolio/fills`` record as a fill message."""
    fields = {**body, "market_ticker": body.get("market_ticker") or body.get("ticker")}
    fields["trade_id"] = body.get("trade_id") or body.get("fill_id")
    message = _as_message("fill", fields)
    return message if isinstance(message, p.Fill) else None


def parse_order(body: dict[str, Any]) -> p.UserOrder | None:
    """A ``/portfolio/orders`` record as a user order message (times in epoch ms)."""
    fields = {**body, "created_ts_ms": _ms(body.get("created_time")),
              "updated_ts_ms": _ms(body.get("last_update_time") or body.get("created_time"))}
    message = _as_message("user_order", fields)
    return message if isinstance(message, p.UserOrder) else None


def parse_position(body: dict[str, Any]) -> p.MarketPosition | None:
    """A ``market_positions`` record as a position message (exposure is the position's cost);
    money as ``*_dollars`` or, in the older form, integer cents."""
    fields: dict[str, Any] = {
        "market_ticker": body.get("ticker") or body.get("market_ticker"),
        "position_fp": body.get("position_fp"), "position": body.get("position"),
        "position_cost_dollars": _dollars_text(body, "market_exposure"),
        "realized_pnl_dollars": _dollars_text(body, "realized_pnl"),
        "fees_paid_dollars": _dollars_text(body, "fees_paid"),
    }
    message = _as_message("market_position", {k: v for k, v in fields.items() if v is not None})
    return message if isinstance(message, p.MarketPosition) else None


def _count_of(body: dict[str, Any], name: str) -> int | None:
    """``{name}_fp`` (today's form), else the integer ``{name}`` (the older one); None without either."""
    text, whole = body.get(f"{name}_fp"), body.get(name)
    if isinstance(text, str):
        try:
            return parse_count(text)
        except ValueError:
            return None
    return count_from_int(whole) if type(whole) is int else None


def _dollars_of(body: dict[str, Any], name: str) -> int | None:
    """``{name}_dollars`` (today's form), else the integer cents ``{name}`` (the older one)."""
    text, cents = body.get(f"{name}_dollars"), body.get(name)
    if isinstance(text, str):
        try:
            return parse_money(text)
        except ValueError:
            return None
    return cents * MONEY_PER_CENT if type(cents) is int else None


def _dollars_text(body: dict[str, Any], name: str) -> str | None:
    """``{name}_dollars`` as sent (the message parser checks it), else the older integer cents
    ``{name}`` written as one."""
    text, cents = body.get(f"{name}_dollars"), body.get(name)
    if isinstance(text, str):
        return text
    return to_wire_money(cents * MONEY_PER_CENT) if type(cents) is int else None


def parse_event_position(body: dict[str, Any]) -> EventPosition | None:
    """An ``event_positions`` record (an amount it does not carry reads as zero)."""
    ticker = body.get("event_ticker")
    if not isinstance(ticker, str):
        return None
    amounts = [_dollars_of(body, name) or 0 for name in ("event_exposure", "realized_pnl", "total_cost", "fees_paid")]
    return EventPosition(ticker, *amounts)


def parse_settlement(body: dict[str, Any]) -> Settlement | None:
    """A ``/portfolio/settlements`` record: ``revenue`` in integer cents, counts as ``*_fp`` and
    costs as ``*_dollars`` (or the older integers), ``fee_cost`` in dollars."""
    ticker = body.get("ticker")
    revenue = body.get("revenue")
    if not isinstance(ticker, str) or type(revenue) is not int:
        return None
    result, event = body.get("market_result"), body.get("event_ticker")
    yes_cost, no_cost = _dollars_of(body, "yes_total_cost"), _dollars_of(body, "no_total_cost")
    fee = body.get("fee_cost")
    try:
        fees = parse_money(fee) if isinstance(fee, str) else None
    except ValueError:
        fees = None
    return Settlement(
        ticker, result if isinstance(result, str) else None, revenue * MONEY_PER_CENT,
        epoch_seconds(body.get("settled_time")), event if isinstance(event, str) else None,
        _count_of(body, "yes_count"), _count_of(body, "no_count"),
        None if yes_cost is None or no_cost is None else yes_cost + no_cost, fees,
    )


async def _all(client: RestClient, path: str, key: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async for page in client.pages(path, {"limit": PAGE, **params}):
        rows.extend(row for row in page.get(key) or () if isinstance(row, dict))
    return rows


async def load_portfolio(client: RestClient, since_s: int | None) -> PortfolioSnapshot:
    """Everything the account holds now, and its fills and order changes since ``since_s`` (epoch
    seconds; None: the most recent page of fills, for a first load)."""
    balance = await client.get("/portfolio/balance")
    snapshot = PortfolioSnapshot()
    cents = balance.get("balance")
    value = balance.get("portfolio_value")
    snapshot.balance = cents * MONEY_PER_CENT if isinstance(cents, int) else None
    snapshot.portfolio_value = value * MONEY_PER_CENT if isinstance(value, int) else None
    positions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    async for page in client.pages("/portfolio/positions", {"limit": PAGE}):
        positions.extend(row for row in page.get("market_positions") or () if isinstance(row, dict))
        events.extend(row for row in page.get("event_positions") or () if isinstance(row, dict))
    snapshot.positions = [m for m in map(parse_position, positions) if m is not None]
    snapshot.event_positions = [e for e in map(parse_event_position, events) if e is not None]
    resting = await _all(client, "/portfolio/orders", "orders", {"status": "resting"})
    snapshot.resting = [o for o in map(parse_order, resting) if o is not None]
    if since_s is not None:
        recent = await _all(client, "/portfolio/orders", "orders", {"min_ts": since_s})
        snapshot.recent_orders = [o for o in map(parse_order, recent) if o is not None]
        fills = await _all(client, "/portfolio/fills", "fills", {"min_ts": since_s})
    else:
        fills = (await client.get("/portfolio/fills", {"limit": PAGE})).get("fills") or []
    snapshot.fills = [f for f in map(parse_fill, fills) if isinstance(f, p.Fill)]
    settlements = (await client.get("/portfolio/settlements", {"limit": 200})).get("settlements") or []
    snapshot.settlements = [s for s in map(parse_settlement, settlements) if s is not None]
    return snapshot
