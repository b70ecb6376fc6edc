"""REST bodies as Kalshi's trade API v2 sends them, built from the simulated exchange.

Today's form: prices as ``*_dollars`` strings, counts as ``*_fp`` strings, money as dollar strings;
the balance in integer cents, as production sends it. ``legacy`` adds the older integer twins
(cents, whole contracts) beside them. Field names and meanings follow Kalshi's OpenAPI file.
"""

from __future__ import annotations

from typing import Any

from app.core.fixed import CENT, COUNT_SCALE, MONEY_SCALE, ONE_DOLLAR
from app.core.fixed import to_wire_count as count_fp
from app.core.fixed import to_wire_money as money
from app.core.fixed import to_wire_price as price_dollars
from app.simulator.account import USER_ID, AccountOrder, Holding, Settlement
from app.simulator.engine import Exchange, MarketSim
from app.simulator.events import FillEvent
from app.simulator.matching import YES, named_side, yes_price_of
from app.simulator.universe import SERIES, EventInfo, Series
from app.simulator.wire import rfc3339

Body = dict[str, Any]
SERIES_BY_TICKER: dict[str, Series] = {series.ticker: series for series in SERIES}
MONEY_PER_CENT = MONEY_SCALE // 100
# The exchange engine's market states, as the REST API names them.
MARKET_STATUS = {"active": "active", "deactivated": "inactive", "settled": "settled"}
# What each ``status`` filter value of /markets and /events admits.
STATUS_FILTER = {
    "open": frozenset({"active", "inactive"}),
    "unopened": frozenset({"initialized"}),
    "closed": frozenset({"closed"}),
    "settled": frozenset({"settled", "determined", "finalized"}),
}


# What one yes contract paid, in cents, by result (``value``; null for a voided market).
SETTLED_VALUE_CENTS = {"yes": 100, "no": 0}


def cents(amount: int) -> int:
    """Money units in whole cents (rounded down), as the balance endpoint reports them."""
    return amount // MONEY_PER_CENT


def market_status(sim: MarketSim) -> str:
    """A market's status as the REST API names it."""
    return MARKET_STATUS.get(sim.status, sim.status)


def market(exchange: Exchange, sim: MarketSim, *, legacy: bool) -> Body:
    """One market of ``GET /markets``."""
    m = sim.market
    event = exchange.universe.events[m.event_ticker]
    top = exchange.ticker_event(m.ticker)
    assert top is not None
    no_bid = ONE_DOLLAR - top.yes_ask
    no_ask = ONE_DOLLAR - top.yes_bid
    last_price = top.price or 0  # a market that never traded lists a last price of zero
    out: Body = {
        "ticker": m.ticker, "event_ticker": m.event_ticker, "market_type": "binary",
        "title": m.title, "subtitle": "", "yes_sub_title": m.yes_sub_title, "no_sub_title": m.no_sub_title,
        "open_time": rfc3339(m.open_ts * 1000), "close_time": rfc3339(m.close_ts * 1000),
        "expected_expiration_time": rfc3339(m.close_ts * 1000),
        "expiration_time": rfc3339(m.close_ts * 1000), "status": market_status(sim),
        "yes_bid_dollars": price_dollars(top.yes_bid), "yes_ask_dollars": price_dollars(top.yes_ask),
        "no_bid_dollars": price_dollars(no_bid), "no_ask_dollars": price_dollars(no_ask),
        "last_price_dollars": price_dollars(last_price),
        "volume_fp": count_fp(top.volume), "volume_24h_fp": count_fp(top.volume),
        "open_interest_fp": count_fp(top.open_interest),
        "liquidity_dollars": money(0), "result": "", "can_close_early": True,
        "category": SERIES_BY_TICKER[event.series_ticker].category,
        "tick_size": max(1, m.tick // CENT), "price_level_structure": _level_structure(m.tick),
        "price_ranges": [{"start": price_dollars(0), "end": price_dollars(ONE_DOLLAR),
                          "step": price_dollars(m.tick)}],
        "strike_type": m.strike_type,
        "rules_primary": f"If {m.yes_sub_title} at expiration, the market resolves to Yes.",
        "rules_secondary": "",
    }
    if m.floor_strike is not None:
        out["floor_strike"] = float(m.floor_strike)
    if m.cap_strike is not None:
        out["cap_strike"] = float(m.cap_strike)
    if m.strike_type == "structured":
        out["custom_strike"] = {"outcome": m.yes_sub_title}
    if legacy:
        out.update(
            yes_bid=top.yes_bid // CENT, yes_ask=top.yes_ask // CENT, no_bid=no_bid // CENT,
            no_ask=no_ask // CENT, last_price=last_price // CENT, volume=top.volume // COUNT_SCALE,
            volume_24h=top.volume // COUNT_SCALE, open_interest=top.open_interest // COUNT_SCALE,
        )
    return out


def _level_structure(tick: int) -> str:
    return "linear_cent" if tick >= CENT else "deci_cent"


def event(exchange: Exchange, info: EventInfo, *, legacy: bool, nested: bool) -> Body:
    """One event of ``GET /events`` (with its markets when ``nested``)."""
    out: Body = {
        "event_ticker": info.event_ticker, "series_ticker": info.series_ticker, "title": info.title,
        "sub_title": info.sub_title, "category": SERIES_BY_TICKER[info.series_ticker].category,
        "mutually_exclusive": info.mutually_exclusive,
        "collateral_return_type": info.collateral_return_type,
        "strike_date": rfc3339(info.strike_date * 1000), "strike_period": "",
    }
    if nested:
        out["markets"] = [market(exchange, exchange.markets[t], legacy=legacy) for t in info.markets]
    return out


def event_status(exchange: Exchange, info: EventInfo) -> frozenset[str]:
    """The REST statuses of an event's markets (an event matches a filter when any market does)."""
    return frozenset(market_status(exchange.markets[t]) for t in info.markets)


def series(info: Series) -> Body:
    """One series of ``GET /series``."""
    return {
        "ticker": info.ticker, "title": info.event_title.format(when="…"), "category": info.category,
        "frequency": "monthly" if info.monthly else "daily", "tags": [info.sub_title],
    }


def balance(exchange: Exchange, updated_s: int) -> Body:
    """``GET /portfolio/balance``: cash and the positions' value at their last prices, in cents."""
    account = exchange.account
    value = 0
    for ticker, holding in account.holdings.items():
        position = holding.position
        if position:
            last = exchange.markets[ticker].last_price
            value += position * last if position > 0 else -position * (ONE_DOLLAR - last)
    return {"balance": cents(account.balance),
            "balance_dollars": money(account.balance // MONEY_PER_CENT * MONEY_PER_CENT),
            "portfolio_value": cents(value), "updated_ts": updated_s}


def market_position(ticker: str, holding: Holding, resting: int, *, legacy: bool) -> Body:
    """One of ``market_positions``."""
    out: Body = {
        "ticker": ticker, "position_fp": count_fp(holding.position),
        "market_exposure_dollars": money(holding.cost), "realized_pnl_dollars": money(holding.realized_pnl),
        "total_traded_dollars": money(holding.traded), "fees_paid_dollars": money(holding.fees_paid),
        "resting_orders_count": resting, "last_updated_ts": rfc3339(holding.updated_ms),
    }
    if legacy:
        out.update(
            position=holding.position // COUNT_SCALE, market_exposure=cents(holding.cost),
            realized_pnl=cents(holding.realized_pnl), total_traded=cents(holding.traded),
            fees_paid=cents(holding.fees_paid),
        )
    return out


def event_position(event_ticker: str, holdings: list[Holding], *, legacy: bool) -> Body:
    """One of ``event_positions``: an event's holdings added up."""
    traded, volume = sum(h.traded for h in holdings), sum(h.volume for h in holdings)
    exposure, realized = sum(h.cost for h in holdings), sum(h.realized_pnl for h in holdings)
    fees = sum(h.fees_paid for h in holdings)
    out: Body = {
        "event_ticker": event_ticker,
        "total_cost_dollars": money(traded), "total_cost_shares_fp": count_fp(volume),
        "event_exposure_dollars": money(exposure), "realized_pnl_dollars": money(realized),
        "fees_paid_dollars": money(fees),
    }
    if legacy:
        out.update(total_cost=cents(traded), total_cost_shares=volume // COUNT_SCALE,
                   event_exposure=cents(exposure), realized_pnl=cents(realized), fees_paid=cents(fees))
    return out


def order(o: AccountOrder, *, legacy: bool) -> Body:
    """One order of ``GET /portfolio/orders``."""
    yes_price = yes_price_of(o.side, o.price)
    out: Body = {
        "order_id": o.order_id, "user_id": USER_ID, "client_order_id": o.client_order_id,
        "ticker": o.ticker, "side": named_side(o.side, o.action), "action": o.action, "outcome_side": o.side,
        "book_side": "bid" if o.side == YES else "ask", "type": "limit", "status": o.status,
        "yes_price_dollars": price_dollars(yes_price), "no_price_dollars": price_dollars(ONE_DOLLAR - yes_price),
        "fill_count_fp": count_fp(o.filled), "remaining_count_fp": count_fp(o.remaining),
        "initial_count_fp": count_fp(o.initial),
        "taker_fill_cost_dollars": money(o.taker_fill_cost), "maker_fill_cost_dollars": money(o.maker_fill_cost),
        "taker_fees_dollars": money(o.taker_fees), "maker_fees_dollars": money(o.maker_fees),
        "created_time": rfc3339(o.created_ms), "last_update_time": rfc3339(o.updated_ms or o.created_ms),
        "order_group_id": o.group_id,
    }
    if legacy:
        out.update(
            yes_price=yes_price // CENT, no_price=(ONE_DOLLAR - yes_price) // CENT,
            fill_count=o.filled // COUNT_SCALE, remaining_count=o.remaining // COUNT_SCALE,
            initial_count=o.initial // COUNT_SCALE,
        )
    return out


def fill(f: FillEvent, *, legacy: bool) -> Body:
    """One fill of ``GET /portfolio/fills`` (``trade_id`` is the fill's id, as in production)."""
    out: Body = {
        "fill_id": f.trade_id, "trade_id": f.trade_id, "order_id": f.order_id,
        "client_order_id": f.client_order_id, "ticker": f.market_ticker, "market_ticker": f.market_ticker,
        "side": named_side(f.side, f.order_action), "action": f.order_action, "outcome_side": f.side,
        "book_side": "bid" if f.side == YES else "ask",
        "count_fp": count_fp(f.count), "yes_price_dollars": price_dollars(f.yes_price),
        "no_price_dollars": price_dollars(ONE_DOLLAR - f.yes_price), "is_taker": f.is_taker,
        "created_time": rfc3339(f.ts_ms), "fee_cost": money(f.fee), "ts": f.ts_ms // 1000,
    }
    if legacy:
        out.update(count=f.count // COUNT_SCALE, yes_price=f.yes_price // CENT,
                   no_price=(ONE_DOLLAR - f.yes_price) // CENT)
    return out


def settlement(exchange: Exchange, s: Settlement, *, legacy: bool) -> Body:
    """One of ``GET /portfolio/settlements`` (``revenue`` in integer cents in either form)."""
    held_yes = s.position if s.position > 0 else 0
    held_no = -s.position if s.position < 0 else 0
    yes_cost, no_cost = (s.cost if held_yes else 0), (s.cost if held_no else 0)
    out: Body = {
        "ticker": s.ticker, "event_ticker": exchange.universe.markets[s.ticker].event_ticker,
        "market_result": s.result, "yes_count_fp": count_fp(held_yes), "no_count_fp": count_fp(held_no),
        "yes_total_cost_dollars": money(yes_cost), "no_total_cost_dollars": money(no_cost),
        "revenue": cents(s.revenue), "settled_time": rfc3339(s.ts_ms), "fee_cost": money(s.fees),
        "value": SETTLED_VALUE_CENTS.get(s.result),
    }
    if legacy:
        out.update(yes_count=held_yes // COUNT_SCALE, no_count=held_no // COUNT_SCALE,
                   yes_total_cost=cents(yes_cost), no_total_cost=cents(no_cost))
    return out
