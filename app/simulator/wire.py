"""Message bodies as they go on the wire, today's form or the reference's (``legacy``).

Today's form carries only strings for prices (``"0.4150"``), counts (``"12.50"``) and money
(``"0.350000"``). The legacy form adds the reference's integer cents, integer counts and
centi-cent position money beside them (the engine keeps legacy prices on whole cents and sizes on
whole contracts, so those integers are exact).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from app import protocol as p
from app.fixed import CENT, CENTI_CENT_IN_MONEY, COUNT_SCALE, MONEY_SCALE, ONE_DOLLAR
from app.fixed import to_wire_count as count_fp
from app.fixed import to_wire_money as money
from app.fixed import to_wire_price as price_dollars
from app.simulator import events as ev

Body = dict[str, Any]


def rfc3339(ts_ms: int) -> str:
    """``1793000000123`` -> ``"2026-10-27T08:53:20.123Z"``."""
    moment = dt.datetime.fromtimestamp(ts_ms // 1000, dt.timezone.utc)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ts_ms % 1000:03d}Z"


def _cents(price: int) -> int:
    return price // CENT


def _whole(count: int) -> int:
    return count // COUNT_SCALE


def _centi_cents(amount: int) -> int:
    return amount // CENTI_CENT_IN_MONEY


def channel_of(event: ev.Event, legacy: bool) -> str:
    """The channel that carries ``event`` in this mode."""
    if legacy and isinstance(event, ev.MultivariateEvent):
        return p.MULTIVARIATE
    return event.channel


def type_of(event: ev.Event, legacy: bool) -> str | None:
    """The message ``type`` of ``event`` in this mode; None when the mode has no such message."""
    if isinstance(event, ev.MultivariateEvent):
        return "multivariate_lookup" if legacy else "multivariate_market_lifecycle"
    if isinstance(event, (ev.RfqEvent, ev.QuoteEvent)):
        return None if legacy and event.kind == "quote_executed" else event.kind
    if isinstance(event, ev.EventFeeUpdateEvent):
        return None if legacy else event.type
    return event.type


def snapshot(
    ticker: str, market_id: str, yes: list[tuple[int, int]], no: list[tuple[int, int]],
    *, legacy: bool, use_yes_price: bool,
) -> Body:
    """An ``orderbook_snapshot`` body; levels are ``(price, size)`` lowest price first.

    Today's form omits an empty side; ``use_yes_price`` reports no bids at their yes price.
    """
    if use_yes_price:
        no = sorted((ONE_DOLLAR - price, size) for price, size in no)
    body: Body = {"market_ticker": ticker, "market_id": market_id}
    for side, levels in (("yes", yes), ("no", no)):
        if levels:
            body[f"{side}_dollars_fp"] = [[price_dollars(price), count_fp(size)] for price, size in levels]
        if legacy:
            body[side] = [[_cents(price), _whole(size)] for price, size in levels]
            body[f"{side}_dollars"] = [[price_dollars(price), _whole(size)] for price, size in levels]
    return body


def body(event: ev.Event, *, legacy: bool, use_yes_price: bool = False) -> Body:
    """The ``msg`` of ``event``'s message in this mode."""
    return _RENDERERS[type(event)](event, legacy, use_yes_price)


def _book_change(e: ev.BookChange, legacy: bool, use_yes_price: bool) -> Body:
    price = ONE_DOLLAR - e.price if use_yes_price and e.side == "no" else e.price
    out: Body = {
        "market_ticker": e.market_ticker, "market_id": e.market_id, "price_dollars": price_dollars(price),
        "delta_fp": count_fp(e.delta), "side": e.side, "ts": rfc3339(e.ts_ms), "ts_ms": e.ts_ms,
    }
    if e.client_order_id is not None:
        out["client_order_id"] = e.client_order_id
    if legacy:
        out.update(price=_cents(price), delta=_whole(e.delta))
    return out


def _trade(e: ev.TradePrint, legacy: bool, _: bool) -> Body:
    no_price = ONE_DOLLAR - e.yes_price
    out: Body = {
        "trade_id": e.trade_id, "market_ticker": e.market_ticker,
        "yes_price_dollars": price_dollars(e.yes_price), "no_price_dollars": price_dollars(no_price),
        "count_fp": count_fp(e.count), "taker_side": e.taker_side, "taker_outcome_side": e.taker_side,
        "taker_book_side": "bid", "is_block_trade": e.is_block_trade, "ts": e.ts_ms // 1000,
        "ts_ms": e.ts_ms,
    }
    if legacy:
        out.update(yes_price=_cents(e.yes_price), no_price=_cents(no_price), count=_whole(e.count))
    return out


def _ticker(e: ev.TickerUpdate, legacy: bool, _: bool) -> Body:
    out: Body = {
        "market_ticker": e.market_ticker, "market_id": e.market_id,
        "price_dollars": price_dollars(e.price), "yes_bid_dollars": price_dollars(e.yes_bid),
        "yes_ask_dollars": price_dollars(e.yes_ask), "yes_bid_size_fp": count_fp(e.yes_bid_size),
        "yes_ask_size_fp": count_fp(e.yes_ask_size), "last_trade_size_fp": count_fp(e.last_trade_size),
        "volume_fp": count_fp(e.volume), "open_interest_fp": count_fp(e.open_interest),
        "dollar_volume": money(e.dollar_volume), "dollar_open_interest": money(e.dollar_open_interest),
        "ts": e.ts_ms // 1000, "ts_ms": e.ts_ms, "time": rfc3339(e.ts_ms),
    }
    if legacy:
        out.update(
            price=_cents(e.price), yes_bid=_cents(e.yes_bid), yes_ask=_cents(e.yes_ask),
            no_bid_dollars=price_dollars(ONE_DOLLAR - e.yes_ask), volume=_whole(e.volume),
            open_interest=_whole(e.open_interest), dollar_volume=e.dollar_volume // MONEY_SCALE,
            dollar_open_interest=e.dollar_open_interest // MONEY_SCALE,
        )
    return out


def _fill(e: ev.FillEvent, legacy: bool, _: bool) -> Body:
    out: Body = {
        "trade_id": e.trade_id, "order_id": e.order_id, "client_order_id": e.client_order_id,
        "market_ticker": e.market_ticker, "is_taker": e.is_taker,
        "yes_price_dollars": price_dollars(e.yes_price), "count_fp": count_fp(e.count),
        "fee_cost": money(e.fee), "post_position_fp": count_fp(e.post_position),
        "outcome_side": e.side, "book_side": "bid", "ts_ms": e.ts_ms,
    }
    if legacy:
        out.update(
            side=e.side, action="buy", yes_price=_cents(e.yes_price), count=_whole(e.count),
            post_position=_whole(e.post_position), ts=e.ts_ms // 1000,
        )
    return out


def _user_order(e: ev.UserOrderEvent, legacy: bool, _: bool) -> Body:
    out: Body = {
        "order_id": e.order_id, "ticker": e.market_ticker, "status": e.status, "side": e.side,
        "action": "buy", "yes_price_dollars": price_dollars(e.yes_price),
        "fill_count_fp": count_fp(e.fill_count), "remaining_count_fp": count_fp(e.remaining_count),
        "initial_count_fp": count_fp(e.initial_count),
        "taker_fill_cost_dollars": money(e.taker_fill_cost),
        "maker_fill_cost_dollars": money(e.maker_fill_cost),
        "taker_fees_dollars": money(e.taker_fees), "maker_fees_dollars": money(e.maker_fees),
        "client_order_id": e.client_order_id, "created_ts_ms": e.created_ts_ms,
        "updated_ts_ms": e.updated_ts_ms, "last_update_reason": e.last_update_reason,
    }
    if e.order_group_id is not None:
        out["order_group_id"] = e.order_group_id
    if legacy:
        out.update(
            yes_price=_cents(e.yes_price), fill_count=_whole(e.fill_count),
            remaining_count=_whole(e.remaining_count), initial_count=_whole(e.initial_count),
        )
    return out


def _position(e: ev.PositionEvent, legacy: bool, _: bool) -> Body:
    out: Body = {
        "user_id": e.user_id, "market_ticker": e.market_ticker, "position_fp": count_fp(e.position),
        "position_cost_dollars": money(e.position_cost), "realized_pnl_dollars": money(e.realized_pnl),
        "fees_paid_dollars": money(e.fees_paid), "position_fee_cost_dollars": money(e.position_fee_cost),
        "volume_fp": count_fp(e.volume),
    }
    if legacy:
        out.update(
            position=_whole(e.position), position_cost=_centi_cents(e.position_cost),
            realized_pnl=_centi_cents(e.realized_pnl), fees_paid=_centi_cents(e.fees_paid),
            volume=_whole(e.volume),
        )
    return out


def _market_lifecycle(e: ev.MarketLifecycleEvent, legacy: bool, _: bool) -> Body:
    out: Body = {"market_ticker": e.market_ticker, "event_type": e.event_type}
    for name in ("open_ts", "close_ts", "determination_ts", "settled_ts", "result", "is_deactivated",
                 "additional_metadata"):
        value = getattr(e, name)
        if value is not None:
            out[name] = value
    if e.settlement_value is not None:
        out["settlement_value"] = _cents(e.settlement_value) if legacy else price_dollars(e.settlement_value)
    return out


def _event_lifecycle(e: ev.EventLifecycleEvent, _: bool, __: bool) -> Body:
    return {
        "event_ticker": e.event_ticker, "title": e.title, "sub_title": e.sub_title,
        "collateral_return_type": e.collateral_return_type, "series_ticker": e.series_ticker,
        "strike_date": e.strike_date,
    }


def _event_fee_update(e: ev.EventFeeUpdateEvent, _: bool, __: bool) -> Body:
    return {
        "event_ticker": e.event_ticker, "series_ticker": e.series_ticker, "fee_type": e.fee_type,
        "fee_multiplier": e.fee_multiplier,
    }


def _multivariate(e: ev.MultivariateEvent, legacy: bool, _: bool) -> Body:
    out: Body = {
        "collection_ticker": e.collection_ticker, "event_ticker": e.event_ticker,
        "market_ticker": e.market_ticker,
        "selected_markets": [
            {"event_ticker": leg.event_ticker, "market_ticker": leg.market_ticker, "side": leg.side}
            for leg in e.legs
        ],
    }
    if not legacy:
        out["event_type"] = "created"
    return out


def _rfq(e: ev.RfqEvent, legacy: bool, _: bool) -> Body:
    out: Body = {
        "id": e.rfq_id, "creator_id": e.creator_id, "market_ticker": e.market_ticker,
        "event_ticker": e.event_ticker, "contracts_fp": count_fp(e.contracts),
        "target_cost_dollars": money(e.target_cost),
        ("created_ts" if e.kind == "rfq_created" else "deleted_ts"): rfc3339(e.ts_ms),
    }
    if legacy:
        out.update(contracts=_whole(e.contracts), target_cost=_centi_cents(e.target_cost))
    return out


def _quote(e: ev.QuoteEvent, legacy: bool, _: bool) -> Body:
    out: Body = {
        "quote_id": e.quote_id, "rfq_id": e.rfq_id, "quote_creator_id": e.quote_creator_id,
        "rfq_creator_id": e.rfq_creator_id, "market_ticker": e.market_ticker,
        "event_ticker": e.event_ticker, "yes_bid_dollars": price_dollars(e.yes_bid),
        "no_bid_dollars": price_dollars(e.no_bid),
        "yes_contracts_offered_fp": count_fp(e.yes_contracts_offered),
        "no_contracts_offered_fp": count_fp(e.no_contracts_offered),
        "rfq_target_cost_dollars": money(e.rfq_target_cost), "created_ts": rfc3339(e.ts_ms),
    }
    if e.accepted_side is not None:
        out["accepted_side"] = e.accepted_side
    if legacy:
        out.update(
            yes_bid=_cents(e.yes_bid), no_bid=_cents(e.no_bid),
            yes_contracts_offered=_whole(e.yes_contracts_offered),
            no_contracts_offered=_whole(e.no_contracts_offered),
            rfq_target_cost=_centi_cents(e.rfq_target_cost),
        )
    return out


def _order_group(e: ev.OrderGroupEvent, legacy: bool, _: bool) -> Body:
    out: Body = {
        "event_type": e.event_type, "order_group_id": e.order_group_id,
        "contracts_limit_fp": count_fp(e.contracts_limit),
    }
    if legacy:
        out["contracts_limit"] = _whole(e.contracts_limit)
    return out


_RENDERERS: dict[type, Callable[[Any, bool, bool], Body]] = {
    ev.BookChange: _book_change,
    ev.TradePrint: _trade,
    ev.TickerUpdate: _ticker,
    ev.FillEvent: _fill,
    ev.UserOrderEvent: _user_order,
    ev.PositionEvent: _position,
    ev.MarketLifecycleEvent: _market_lifecycle,
    ev.EventLifecycleEvent: _event_lifecycle,
    ev.EventFeeUpdateEvent: _event_fee_update,
    ev.MultivariateEvent: _multivariate,
    ev.RfqEvent: _rfq,
    ev.QuoteEvent: _quote,
    ev.OrderGroupEvent: _order_group,
}
