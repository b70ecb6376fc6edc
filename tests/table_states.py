"""Deterministic ``MarketState``s for the table widget tests, built from real protocol frames.

Every frame is JSON in the reference (2025: integer cents, counts and centi-cents) or the current
(2026: dollar and fixed-point strings) form, parsed by :func:`app.core.protocol.parse` and applied to a
:class:`MarketState`, exactly as the feed does.
"""

from __future__ import annotations

import json
import time
from typing import Any

from textual.app import App, ComposeResult

from app.core.protocol import parse
from app.core.state import Kind, MarketState
from app.rest.portfolio import parse_event_position, parse_settlement
from widgets.tables.state_table import StateTable

T0_MS = 1_764_150_000_000  # 2025-11-26 09:40:00 UTC
BRACKET_TICKER = "KX[bold]RAIN-25NOV26-T1"
BRACKET_TITLE = "Will it [red]rain[/] in NYC? [link=x]"


def frame(kind: str, body: dict[str, Any], seq: int = 1) -> str:
    """One server frame of type ``kind`` with ``body`` under ``msg``."""
    return json.dumps({"type": kind, "sid": 1, "seq": seq, "msg": body})


def apply(state: MarketState, *frames: str) -> Kind:
    """Parse and apply ``frames`` to ``state``; what changed."""
    kinds = Kind.NONE
    for text in frames:
        kinds |= state.apply(parse(text))
    return kinds


# -- market data ------------------------------------------------------------------------------


def trade_reference(ticker: str, yes_cents: int, count: int, taker: str, ts_s: int) -> str:
    """A trade in the reference form (integer cents and counts, seconds)."""
    body = {"market_ticker": ticker, "yes_price": yes_cents, "no_price": 100 - yes_cents,
            "count": count, "taker_side": taker, "ts": ts_s}
    return frame("trade", body)


def trade_current(ticker: str, yes: str, no: str, count: str, taker: str, ts_ms: int) -> str:
    """A trade in the current form (dollar and fixed-point strings, milliseconds)."""
    body = {"trade_id": f"t-{ts_ms}", "market_ticker": ticker, "yes_price_dollars": yes,
            "no_price_dollars": no, "count_fp": count, "taker_outcome_side": taker, "ts_ms": ts_ms}
    return frame("trade", body)


def numbered_trade(n: int, ticker: str = "KXA-1") -> str:
    """The ``n``-th of a run of distinct current-form trades (price and count follow ``n``)."""
    cents = 10 + n % 80
    return trade_current(ticker, f"0.{cents:02d}00", f"0.{100 - cents:02d}00", f"{n}.00",
                         "yes" if n % 2 else "no", T0_MS + 1000 * n)


def book_snapshot(ticker: str, yes: list[tuple[int, int]], no: list[tuple[int, int]]) -> str:
    """A reference-form order book snapshot (integer cents and counts)."""
    return frame("orderbook_snapshot", {"market_ticker": ticker, "yes": yes, "no": no})


def ticker_current(ticker: str, yes_bid: str, yes_ask: str) -> str:
    """A current-form ticker with a bid and an ask."""
    return frame("ticker", {"market_ticker": ticker, "price_dollars": yes_bid,
                            "yes_bid_dollars": yes_bid, "yes_ask_dollars": yes_ask})


# -- account ----------------------------------------------------------------------------------


def fill_reference(ticker: str, side: str, yes_cents: int, count: int, ts_s: int) -> str:
    """A taker buy fill in the reference form."""
    body = {"trade_id": f"f-{ts_s}", "order_id": "o-ref", "market_ticker": ticker,
            "is_taker": True, "side": side, "yes_price": yes_cents, "count": count,
            "action": "buy", "ts": ts_s, "post_position": count}
    return frame("fill", body)


def fill_current(ticker: str, side: str, yes: str, count: str, fee: str, ts_ms: int) -> str:
    """A maker sell fill in the current form (outcome and book side, dollar fee)."""
    body = {"trade_id": f"f-{ts_ms}", "order_id": "o-now", "market_ticker": ticker,
            "is_taker": False, "outcome_side": side, "book_side": "ask",
            "yes_price_dollars": yes, "count_fp": count, "fee_cost": fee,
            "post_position_fp": "-1.00", "ts_ms": ts_ms}
    return frame("fill", body)


def position_reference(ticker: str, position: int, cost: int, realized: int, fees: int) -> str:
    """A position in the reference form: integer contracts, money in centi-cents."""
    body = {"market_ticker": ticker, "position": position, "position_cost": cost,
            "realized_pnl": realized, "fees_paid": fees, "volume": abs(position)}
    return frame("market_position", body)


def position_current(ticker: str, position: str, cost: str, realized: str, fees: str) -> str:
    """A position in the current form: fixed-point contracts, money as dollar strings."""
    body = {"market_ticker": ticker, "position_fp": position, "position_cost_dollars": cost,
            "realized_pnl_dollars": realized, "fees_paid_dollars": fees, "volume_fp": "1.00"}
    return frame("market_position", body)


def user_order(order_id: str, ticker: str, status: str, remaining: str, filled: str, side: str = "yes") -> str:
    """A current-form user order (a yes price of 42.5¢)."""
    body = {"order_id": order_id, "ticker": ticker, "status": status, "side": side,
            "action": "buy", "yes_price_dollars": "0.4250", "fill_count_fp": filled,
            "remaining_count_fp": remaining, "initial_count_fp": "10.00",
            "taker_fees_dollars": "0.070000", "created_ts_ms": T0_MS}
    return frame("user_order", body)


# -- RFQs -------------------------------------------------------------------------------------


def rfq_created(rfq_id: str, ticker: str, current: bool = True) -> str:
    """An RFQ in either form (100 contracts, 35¢ target)."""
    body: dict[str, Any] = {"id": rfq_id, "creator_id": "me", "market_ticker": ticker,
                            "event_ticker": ticker.rsplit("-", 1)[0],
                            "created_ts": "2025-11-26T09:40:00Z"}
    if current:
        body |= {"contracts_fp": "100.00", "target_cost_dollars": "0.35"}
    else:
        body |= {"contracts": 100, "target_cost": 3500}
    return frame("rfq_created", body)


def quote(kind: str, quote_id: str, rfq_id: str, ticker: str, current: bool = True) -> str:
    """A ``quote_created`` / ``quote_accepted`` / ``quote_executed`` in either form."""
    body: dict[str, Any] = {"quote_id": quote_id, "rfq_id": rfq_id, "quote_creator_id": "mm",
                            "rfq_creator_id": "me", "market_ticker": ticker}
    if current:
        body |= {"yes_bid_dollars": "0.3550", "no_bid_dollars": "0.6300",
                 "yes_contracts_offered_fp": "100.00", "no_contracts_offered_fp": "200.00"}
    else:
        body |= {"yes_bid": 35, "no_bid": 63, "yes_contracts_offered": 100,
                 "no_contracts_offered": 200}
    if kind == "quote_created":  # as in the reference, only the creation carries a time
        body["created_ts"] = "2025-11-26T09:41:30Z"
    else:
        body["accepted_side"] = "yes"
    return frame(kind, body)


def rfq_deleted(rfq_id: str, ticker: str) -> str:
    """An RFQ was deleted."""
    return frame("rfq_deleted", {"id": rfq_id, "creator_id": "me", "market_ticker": ticker,
                                 "deleted_ts": "2025-11-26T09:45:00Z"})


# -- lifecycle --------------------------------------------------------------------------------


def market_lifecycle(ticker: str, event_type: str, title: str | None = None) -> str:
    """A market lifecycle event, with a title in its metadata when given."""
    body: dict[str, Any] = {"market_ticker": ticker, "event_type": event_type,
                            "open_ts": 1_764_140_000, "close_ts": 1_764_200_000}
    if title is not None:
        body["additional_metadata"] = {"title": title, "event_ticker": "KXRAIN-25NOV26"}
    return frame("market_lifecycle_v2", body)


def event_lifecycle(event_ticker: str, title: str) -> str:
    """An event was created."""
    return frame("event_lifecycle", {"event_ticker": event_ticker, "title": title,
                                     "series_ticker": "KXRAIN", "strike_date": 1_764_200_000})


def multivariate_lookup(ticker: str) -> str:
    """A reference-form multivariate lookup with two legs."""
    legs = [{"event_ticker": "KXA", "market_ticker": "KXA-1", "side": "yes"},
            {"event_ticker": "KXB", "market_ticker": "KXB-2", "side": "no"}]
    return frame("multivariate_lookup", {"collection_ticker": "KXCOMBO-25", "event_ticker": "KXC",
                                         "market_ticker": ticker, "selected_markets": legs})


def order_group(group_id: str, event_type: str, limit: str) -> str:
    """An order-group update."""
    return frame("order_group_updates", {"event_type": event_type, "order_group_id": group_id,
                                         "contracts_limit_fp": limit})


# -- a whole dashboard's worth ----------------------------------------------------------------


def sample_state() -> MarketState:
    """A state with a little of everything, the same on every call (for snapshots)."""
    state = MarketState()
    apply(
        state,
        book_snapshot("KXFED-25DEC-T4.00", [(40, 100), (41, 50)], [(57, 80)]),
        ticker_current("KXCPI-25NOV-B3.1", "0.6150", "0.6250"),
        trade_reference("KXFED-25DEC-T4.00", 41, 25, "yes", T0_MS // 1000),
        trade_current("KXCPI-25NOV-B3.1", "0.6150", "0.3850", "2230.99", "no", T0_MS + 4_000),
        trade_current(BRACKET_TICKER, "0.0050", "0.9950", "0.16", "yes", T0_MS + 9_000),
        fill_reference("KXFED-25DEC-T4.00", "yes", 41, 10, T0_MS // 1000 + 1),
        fill_current("KXCPI-25NOV-B3.1", "no", "0.6050", "1.00", "0.012345", T0_MS + 5_000),
        fill_current(BRACKET_TICKER, "yes", "0.0050", "0.16", "0.000100", T0_MS + 9_000),
        position_reference("KXFED-25DEC-T4.00", 10, 41_0000 // 10, 1_2500, 700),
        position_current("KXCPI-25NOV-B3.1", "-1.00", "0.395000", "-0.250000", "0.012345"),
        position_current(BRACKET_TICKER, "5.00", "0.025000", "0.000000", "0.000100"),
        rfq_created("rfq-1", "KXFED-25DEC-T4.00", current=False),
        quote("quote_created", "quote-a", "rfq-1", "KXFED-25DEC-T4.00", current=False),
        quote("quote_accepted", "quote-a", "rfq-1", "KXFED-25DEC-T4.00", current=False),
        rfq_created("rfq-[2]", "KXCPI-25NOV-B3.1"),
        quote("quote_created", "quote-b", "rfq-[2]", "KXCPI-25NOV-B3.1"),
        rfq_created("rfq-3", BRACKET_TICKER),
        market_lifecycle(BRACKET_TICKER, "created", BRACKET_TITLE),
        event_lifecycle("KXRAIN-25NOV26", "Rain in [NYC]"),
        multivariate_lookup("KXCOMBO-25-X1"),
        order_group("og-7", "limit_updated", "250.00"),
        user_order("ord-1", "KXFED-25DEC-T4.00", "resting", "10.00", "0.00"),
        user_order("ord-[2]", BRACKET_TICKER, "executed", "0.00", "10.00"),
    )
    load_account_history(state)
    return state


def load_account_history(state: MarketState) -> None:
    """Settlements and event positions as ``/portfolio/settlements`` and ``/portfolio/positions``
    send them (today's form, and the older integers), read by the REST client's parsers."""
    settled = [
        {"ticker": "KXFED-25DEC-T4.00", "event_ticker": "KXFED-25DEC", "market_result": "yes",
         "yes_count_fp": "10.00", "no_count_fp": "0.00", "yes_total_cost_dollars": "4.100000",
         "no_total_cost_dollars": "0.000000", "revenue": 1000, "fee_cost": "0.070000",
         "settled_time": "2025-11-26T09:41:00Z"},
        {"ticker": "KXCPI-25NOV-B3.1", "event_ticker": "KXCPI-25NOV", "market_result": "yes",
         "yes_count": 0, "no_count": 1, "yes_total_cost": 0, "no_total_cost": 40, "revenue": 0,
         "fee_cost": "0.012345", "settled_time": "2025-11-25T16:00:00Z"},
        {"ticker": BRACKET_TICKER, "event_ticker": "KXRAIN-25NOV26", "market_result": "void",
         "yes_count_fp": "5.00", "no_count_fp": "0.00", "yes_total_cost_dollars": "0.030000",
         "no_total_cost_dollars": "0.000000", "revenue": 3, "fee_cost": "0.000100",
         "settled_time": "2025-11-24T12:30:00Z"},
    ]
    events = [
        {"event_ticker": "KXFED-25DEC", "event_exposure_dollars": "4.100000", "total_cost_dollars": "4.100000",
         "realized_pnl_dollars": "1.250000", "fees_paid_dollars": "0.070000"},
        {"event_ticker": "KXRAIN-25NOV26", "event_exposure_dollars": "0.025000", "total_cost_dollars": "0.125000",
         "realized_pnl_dollars": "-0.050000", "fees_paid_dollars": "0.000100"},
    ]
    portfolio = state.portfolio
    portfolio.settlements.extend(s for s in map(parse_settlement, settled) if s is not None)
    portfolio.event_positions = {e.event_ticker: e for e in map(parse_event_position, events) if e is not None}


class TableApp(App[None]):
    """A one-table app for tests: mounts ``table`` (styled by its own DEFAULT_CSS) and binds it to ``state``."""

    def __init__(self, table: StateTable, state: MarketState) -> None:
        super().__init__()
        self.table = table
        self.state = state

    def compose(self) -> ComposeResult:
        """Just the table."""
        yield self.table

    def on_mount(self) -> None:
        """Draw the state."""
        self.table.bind_state(self.state, time.time)
