"""Message bodies as they go on the wire, today's form or the reference's (``legacy``).

Today's form is what Kalshi's AsyncAPI describes, field for field: strings for prices
(``"0.4150"``, ``""`` for a market that has never traded), counts (``"12.50"``) and money
(``"0.350000"``), whole dollars for a ticker's dollar volume, the deprecated direction words
(``side``, ``action``, ``purchased_side``, ``is_yes``) beside ``outcome_side`` / ``book_side``.
The legacy form adds the reference's integer cents, integer counts and centi-cent position money
beside them (the engine keeps legacy prices on whole cents and sizes on whole contracts, so those
integers are exact).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import msgspec

from app.core import protocol as p
from app.core.fixed import CENT, CENTI_CENT_IN_MONEY, COUNT_SCALE, MONEY_SCALE, ONE_DOLLAR
from app.core.fixed import to_wire_count as count_fp
from app.core.fixed import to_wire_money as money
from app.core.fixed import to_wire_price as price_dollars
from app.simulator import events as ev
from app.simulator.account import USER_ID
from app.simulator.matching import named_side

Body = dict[str, Any]
EXCHANGE_INDEX = 0  # the one exchange shard the simulator runs
BOOK_SIDE = {"yes": "bid", "no": "ask"}  # the book word for an outcome side
# the simulator's reasons for an order's change, in the protocol's words (None: not sent)
UPDATE_REASONS: dict[str, str | None] = {
    "placed": None, "filled": "Trade", "canceled": "Decrease", "decreased": "Decrease", "ioc_remainder": "ExpiryCancel",
    "market_closed": "CloseCancel", "order_group_triggered": "Decrease", "order_group_deleted": "Decrease",
}


def rfc3339(ts_ms: int) -> str:
    """``1793000000123`` -> ``"2026-10-27T08:53:20.123Z"``."""
    moment = dt.datetime.fromtimestamp(ts_ms // 1000, dt.UTC)
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
        "taker_book_side": BOOK_SIDE[e.taker_side], "is_block_trade": e.is_block_trade,
        "ts": e.ts_ms // 1000, "ts_ms": e.ts_ms,
    }
    if legacy:
        out.update(yes_price=_cents(e.yes_price), no_price=_cents(no_price), count=_whole(e.count))
    return out


def _ticker(e: ev.TickerUpdate, legacy: bool, _: bool) -> Body:
    out: Body = {
        "market_ticker": e.market_ticker, "market_id": e.market_id,
        "price_dollars": "" if e.price is None else price_dollars(e.price),
        "yes_bid_dollars": price_dollars(e.yes_bid),
        "yes_ask_dollars": price_dollars(e.yes_ask), "yes_bid_size_fp": count_fp(e.yes_bid_size),
        "yes_ask_size_fp": count_fp(e.yes_ask_size), "last_trade_size_fp": count_fp(e.last_trade_size),
        "volume_fp": count_fp(e.volume), "open_interest_fp": count_fp(e.open_interest),
        "dollar_volume": e.dollar_volume // MONEY_SCALE,
        "dollar_open_interest": e.dollar_open_interest // MONEY_SCALE,
        "ts": e.ts_ms // 1000, "ts_ms": e.ts_ms, "time": rfc3339(e.ts_ms),
    }
    if legacy:
        out.update(
            yes_bid=_cents(e.yes_bid), yes_ask=_cents(e.yes_ask),
            no_bid_dollars=price_dollars(ONE_DOLLAR - e.yes_ask), volume=_whole(e.volume),
            open_interest=_whole(e.open_interest),
        )
        if e.price is not None:
            out["price"] = _cents(e.price)
    return out


def _fill(e: ev.FillEvent, legacy: bool, _: bool) -> Body:
    out: Body = {
        "trade_id": e.trade_id, "order_id": e.order_id, "client_order_id": e.client_order_id,
        "market_ticker": e.market_ticker, "exchange_index": EXCHANGE_INDEX, "is_taker": e.is_taker,
        "side": e.legacy_side or e.side, "action": e.action, "purchased_side": e.side,
        "yes_price_dollars": price_dollars(e.yes_price), "count_fp": count_fp(e.count),
        "fee_cost": money(e.fee), "post_position_fp": count_fp(e.post_position),
        "outcome_side": e.side, "book_side": BOOK_SIDE[e.side], "ts": e.ts_ms // 1000, "ts_ms": e.ts_ms,
    }
    if legacy:
        out.update(yes_price=_cents(e.yes_price), count=_whole(e.count), post_position=_whole(e.post_position))
    return out


def _user_order(e: ev.UserOrderEvent, legacy: bool, _: bool) -> Body:
    out: Body = {
        "order_id": e.order_id, "user_id": USER_ID, "ticker": e.market_ticker,
        "exchange_index": EXCHANGE_INDEX, "status": e.status, "is_yes": e.side == "yes",
        # No ``action`` here: the side the order named and its outcome say it (they differ on a sale).
        "side": named_side(e.side, e.action),
        "outcome_side": e.side, "book_side": BOOK_SIDE[e.side],
        "yes_price_dollars": price_dollars(e.yes_price),
        "fill_count_fp": count_fp(e.fill_count), "remaining_count_fp": count_fp(e.remaining_count),
        "initial_count_fp": count_fp(e.initial_count),
        "taker_fill_cost_dollars": money(e.taker_fill_cost),
        "maker_fill_cost_dollars": money(e.maker_fill_cost),
        "taker_fees_dollars": money(e.taker_fees), "maker_fees_dollars": money(e.maker_fees),
        "client_order_id": e.client_order_id, "self_trade_prevention_type": "taker_at_cross",
        "created_time": rfc3339(e.created_ts_ms), "created_ts_ms": e.created_ts_ms,
        "last_update_time": rfc3339(e.updated_ts_ms), "last_updated_ts_ms": e.updated_ts_ms,
    }
    reason = UPDATE_REASONS.get(e.last_update_reason)
    if reason is not None:
        out["last_update_reason"] = reason
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


def _event_lifecycle(e: ev.EventLifecycleEvent, legacy: bool, __: bool) -> Body:
    return {
        "event_ticker": e.event_ticker, "exchange_index": EXCHANGE_INDEX, "title": e.title,
        ("sub_title" if legacy else "subtitle"): e.sub_title,
        "collateral_return_type": e.collateral_return_type, "series_ticker": e.series_ticker,
        "strike_date": e.strike_date,
    }


def _event_fee_update(e: ev.EventFeeUpdateEvent, _: bool, __: bool) -> Body:
    multiplier = e.fee_multiplier
    return {
        "event_ticker": e.event_ticker, "fee_type_override": e.fee_type,
        # a JSON number, as sent (a fee multiplier, not money)
        "fee_multiplier_override": None if multiplier is None else msgspec.json.decode(multiplier),
    }


def _multivariate(e: ev.MultivariateEvent, legacy: bool, _: bool) -> Body:
    if legacy:
        return {
            "collection_ticker": e.collection_ticker, "event_ticker": e.event_ticker,
            "market_ticker": e.market_ticker,
            "selected_markets": [
                {"event_ticker": leg.event_ticker, "market_ticker": leg.market_ticker, "side": leg.side}
                for leg in e.legs
            ],
        }
    legs = " & ".join(f"{leg.market_ticker} {leg.side}" for leg in e.legs)
    return {
        "market_ticker": e.market_ticker, "event_type": "created", "exchange_index": EXCHANGE_INDEX,
        "open_ts": e.open_ts, "close_ts": e.close_ts,
        "additional_metadata": {
            "name": e.collection_ticker, "title": legs, "yes_sub_title": legs, "no_sub_title": "",
            "rules_primary": f"Resolves yes when every leg resolves as chosen: {legs}",
            "rules_secondary": "", "can_close_early": True, "event_ticker": e.event_ticker,
            "expected_expiration_ts": e.close_ts,
        },
    }


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
    }
    if e.kind == "quote_executed":  # the user's order, to match its fills: no prices
        out.update(order_id=e.order_id, client_order_id=e.client_order_id, executed_ts=rfc3339(e.ts_ms))
        return out
    out.update({
        "event_ticker": e.event_ticker, "yes_bid_dollars": price_dollars(e.yes_bid),
        "no_bid_dollars": price_dollars(e.no_bid),
        "yes_contracts_offered_fp": count_fp(e.yes_contracts_offered),
        "no_contracts_offered_fp": count_fp(e.no_contracts_offered),
        "rfq_target_cost_dollars": money(e.rfq_target_cost),
    })
    if e.kind == "quote_created":
        out["created_ts"] = rfc3339(e.ts_ms)
    if e.accepted_side is not None:
        accepted = e.yes_contracts_offered if e.accepted_side == "yes" else e.no_contracts_offered
        out.update(accepted_side=e.accepted_side, contracts_accepted_fp=count_fp(accepted))
    if legacy:
        out.update(
            yes_bid=_cents(e.yes_bid), no_bid=_cents(e.no_bid),
            yes_contracts_offered=_whole(e.yes_contracts_offered),
            no_contracts_offered=_whole(e.no_contracts_offered),
            rfq_target_cost=_centi_cents(e.rfq_target_cost),
        )
    return out


def _order_group(e: ev.OrderGroupEvent, legacy: bool, _: bool) -> Body:
    out: Body = {"event_type": e.event_type, "order_group_id": e.order_group_id, "ts_ms": e.ts_ms}
    if e.event_type in ("created", "limit_updated"):
        out["contracts_limit_fp"] = count_fp(e.contracts_limit)
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
