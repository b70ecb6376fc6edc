"""A REST account load merged into the state (app.core.portfolio_state.reconcile): orders by id and
update time, fills by trade id and order id, each counted once. Records are REST bodies read by the
REST client's parsers, as a load reads them."""

from __future__ import annotations

from typing import Any

from app.core import protocol as p
from app.core.portfolio import PortfolioSnapshot
from app.core.portfolio_state import merge_order, reconcile
from app.core.state import RESTING, Kind, MarketState
from app.rest.portfolio import parse_fill, parse_order


def order(order_id: str, status: str, remaining: str, updated: str) -> p.UserOrder:
    """A ``/portfolio/orders`` record, read as a load reads it."""
    body: dict[str, Any] = {
        "order_id": order_id, "ticker": "KXA-1", "side": "yes", "action": "buy", "status": status,
        "yes_price_dollars": "0.4000", "no_price_dollars": "0.6000", "fill_count_fp": "0.00",
        "remaining_count_fp": remaining, "initial_count_fp": "5.00", "created_time": "2026-01-02T03:00:00Z",
        "last_update_time": updated,
    }
    parsed = parse_order(body)
    assert parsed is not None
    return parsed


def fill(trade_id: str, order_id: str) -> p.Fill:
    body = {"trade_id": trade_id, "order_id": order_id, "ticker": "KXA-1", "side": "yes", "action": "buy",
            "count_fp": "1.00", "yes_price_dollars": "0.4000", "no_price_dollars": "0.6000", "is_taker": True,
            "created_time": "2026-01-02T03:04:05Z", "fee_cost": "0.0100"}
    parsed = parse_fill(body)
    assert parsed is not None
    return parsed


def test_the_newer_copy_of_an_order_wins_and_an_order_no_longer_listed_stops_resting() -> None:
    state = MarketState()
    state.apply(order("o-1", RESTING, "5.00", "2026-01-02T03:10:00Z"))  # the socket's, newer
    state.apply(order("o-2", RESTING, "5.00", "2026-01-02T03:00:00Z"))
    state.apply(order("o-3", RESTING, "5.00", "2026-01-02T03:00:00Z"))  # gone from the exchange's list
    snapshot = PortfolioSnapshot(
        resting=[order("o-1", RESTING, "4.00", "2026-01-02T03:05:00Z"),  # older than the socket's
                 order("o-2", RESTING, "2.00", "2026-01-02T03:20:00Z")],  # newer: it wins
    )
    result = reconcile(state, snapshot, now=1_767_323_000.0)
    assert state.orders["o-1"].remaining_count == 500 and state.orders["o-2"].remaining_count == 200
    assert state.orders["o-3"].status != RESTING and state.orders["o-3"].last_update_reason == "no longer resting"
    assert (result.orders_updated, result.orders_closed) == (1, 1)


def test_fills_are_counted_once_whoever_told_them_first() -> None:
    state = MarketState()
    state.apply(fill("t-1", "o-1"))  # the socket told this one
    first = reconcile(state, PortfolioSnapshot(fills=[fill("t-1", "o-1"), fill("t-2", "o-1")]), now=1.0)
    again = reconcile(state, PortfolioSnapshot(fills=[fill("t-2", "o-1"), fill("t-3", "o-1")]), now=2.0)
    state.apply(fill("t-3", "o-1"))  # the socket's copy of one a load already added
    assert (first.fills_added, again.fills_added) == (1, 1)
    assert [f.trade_id for f in state.fills].count("t-3") == 1 and len(state.fills) == 3
    assert state.portfolio.added_fills == 2 and state.portfolio.reconciliations == 2


def test_an_order_answered_later_in_the_same_second_is_the_newer_copy() -> None:
    # REST times were read to the second: an accepted cancel at 03:10:00.950 lost to the socket's
    # resting copy of 03:10:00.887 (as old, or older), and the order stayed resting on screen.
    state = MarketState()
    state.apply(order("o-1", RESTING, "5.00", "2026-01-02T03:10:00.887Z"))
    canceled = order("o-1", "canceled", "0.00", "2026-01-02T03:10:00.950Z")
    assert canceled.updated_ts_ms == 1_767_323_400_950
    assert merge_order(state, canceled, replace_equal=False) == Kind.ORDER
    assert state.orders["o-1"].status == "canceled"
    assert merge_order(state, order("o-1", RESTING, "5.00", "2026-01-02T03:10:00.887Z"), replace_equal=True) \
        == Kind.NONE  # a late copy of the older state changes nothing


def test_the_sockets_late_copy_of_an_older_state_does_not_bring_an_order_back() -> None:
    # the REST answer of a cancel came first; the socket's copy from before the cancel comes after
    state = MarketState()
    state.apply(order("o-1", "canceled", "0.00", "2026-01-02T03:10:00.950Z"))
    assert state.apply(order("o-1", RESTING, "5.00", "2026-01-02T03:10:00.887Z")) == Kind.NONE
    assert state.orders["o-1"].status == "canceled"
    untimed = p.UserOrder(order_id="o-1", market_ticker="KXA-1", status=RESTING, remaining_count=300)
    assert state.apply(untimed) == Kind.ORDER  # no time to compare (older recordings): it is the latest word
    assert state.orders["o-1"].remaining_count == 300
