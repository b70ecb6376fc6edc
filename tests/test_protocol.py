"""Commands and server messages: every spec example, both wire forms, and every malformed case.

Payloads marked *reference* are copied from ``kalshi-ws-v2-reference.md`` (comments removed);
*current* ones are from ``kalshi-ws-v2-current.md`` or built from its field lists.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import protocol as p

ONE_DOLLAR = 10_000


def frame(kind: str, body: Any = None, *, key: str = "msg", **envelope: Any) -> bytes:
    """A server frame of type ``kind`` with ``body`` under ``key`` and the given envelope fields."""
    data: dict[str, Any] = {"type": kind, **envelope}
    if body is not None:
        data[key] = body
    return json.dumps(data).encode()


# -- reference examples ---------------------------------------------------------------------------

REF_ERROR = '{"id": 123, "type": "error", "msg": {"code": 6, "msg": "Already subscribed"}}'
REF_SNAPSHOT = """{"type": "orderbook_snapshot", "sid": 2, "seq": 2, "msg": {
    "market_ticker": "FED-23DEC-T3.00",
    "yes": [[8, 300], [22, 333]],
    "yes_dollars": [["0.08", 300], ["0.22", 333]],
    "no": [[54, 20], [56, 146]],
    "no_dollars": [["0.54", 20], ["0.56", 146]]}}"""
REF_DELTA = """{"type": "orderbook_delta", "sid": 2, "seq": 3, "msg": {
    "market_ticker": "FED-23DEC-T3.00", "price": 96, "price_dollars": "0.96", "delta": -54, "side": "yes"}}"""
REF_TICKER = """{"type": "ticker", "sid": 11, "seq": 100, "msg": {
    "market_ticker": "FED-23DEC-T3.00", "price": 48, "yes_bid": 45, "yes_ask": 53,
    "price_dollars": "0.480", "yes_bid_dollars": "0.450", "no_bid_dollars": "0.550",
    "volume": 33896, "open_interest": 20422, "dollar_volume": 16948, "dollar_open_interest": 10211,
    "ts": 1669149841}}"""
REF_TRADE = """{"type": "trade", "sid": 11, "seq": 500, "msg": {
    "market_ticker": "HIGHNY-22DEC23-B53.5", "yes_price": 36, "yes_price_dollars": "0.360",
    "no_price": 64, "no_price_dollars": "0.640", "count": 136, "taker_side": "no", "ts": 1669149841}}"""
REF_FILL = """{"type": "fill", "sid": 13, "seq": 42, "msg": {
    "trade_id": "d91bc706-ee49-470d-82d8-11418bda6fed", "order_id": "ee587a1c-8b87-4dcf-b721-9f6f790619fa",
    "market_ticker": "HIGHNY-22DEC23-B53.5", "is_taker": true, "side": "yes", "yes_price": 75,
    "yes_price_dollars": "0.750", "count": 278, "action": "buy", "ts": 1671899397, "post_position": 500}}"""
REF_POSITION = """{"type": "market_position", "sid": 14, "seq": 10, "msg": {
    "user_id": "user123", "market_ticker": "FED-23DEC-T3.00", "position": 100, "position_cost": 500000,
    "realized_pnl": 100000, "fees_paid": 10000, "volume": 15}}"""
REF_METADATA = {
    "name": "S&P 500 daily return on Sep 14",
    "title": "S&P 500 closes up by 0.02% or more",
    "yes_sub_title": "S&P 500 closes up 0.02%+",
    "no_sub_title": "S&P 500 closes up <0.02%",
    "rules_primary": "...",
    "can_close_early": True,
    "expected_expiration_ts": 1694721600,
    "strike_type": "greater",
    "floor_strike": "4487",
}
REF_MARKET_LIFECYCLE = json.dumps({
    "type": "market_lifecycle_v2", "sid": 13, "seq": 1,
    "msg": {"market_ticker": "INXD-23SEP14-B4487", "event_type": "created", "open_ts": 1694635200,
            "close_ts": 1694721600, "additional_metadata": REF_METADATA},
})
REF_EVENT_LIFECYCLE = """{"type": "event_lifecycle", "sid": 5, "seq": 2, "msg": {
    "event_ticker": "INXD-23SEP14", "title": "INX title", "sub_title": "INX subtitle",
    "collateral_return_type": "DIRECNET", "series_ticker": "INXD", "strike_date": 1694721600}}"""
REF_MULTIVARIATE = """{"type": "multivariate_lookup", "sid": 13, "seq": 3, "msg": {
    "collection_ticker": "KXOSCARWINNERS-25", "event_ticker": "KXOSCARWINNERS-25C0CE5",
    "market_ticker": "KXOSCARWINNERS-25C0CE5-36353",
    "selected_markets": [
      {"event_ticker": "KXOSCARACTO-25", "market_ticker": "KXOSCARACTO-25-AB", "side": "yes"},
      {"event_ticker": "KXOSCARACTR-25", "market_ticker": "KXOSCARACTR-25-DM", "side": "yes"}]}}"""
REF_RFQ_CREATED = """{"type": "rfq_created", "sid": 15, "seq": 1, "msg": {
    "id": "rfq_123", "creator_id": "comm_abc123", "market_ticker": "FED-23DEC-T3.00", "event_ticker": "FED-23DEC",
    "contracts": 100, "target_cost": 3500, "target_cost_dollars": "0.35", "created_ts": "2024-12-01T10:00:00Z"}}"""
REF_QUOTE_CREATED = """{"type": "quote_created", "sid": 15, "seq": 2, "msg": {
    "quote_id": "quote_456", "rfq_id": "rfq_123", "quote_creator_id": "comm_def456",
    "rfq_creator_id": "comm_abc123", "market_ticker": "FED-23DEC-T3.00", "event_ticker": "FED-23DEC",
    "yes_bid": 35, "no_bid": 65, "yes_bid_dollars": "0.35", "no_bid_dollars": "0.65",
    "yes_contracts_offered": 100, "no_contracts_offered": 200, "rfq_target_cost": 3500,
    "rfq_target_cost_dollars": "0.35", "created_ts": "2024-12-01T10:02:00Z"}}"""
REF_QUOTE_ACCEPTED = """{"type": "quote_accepted", "sid": 15, "seq": 3, "msg": {
    "quote_id": "quote_456", "rfq_id": "rfq_123", "quote_creator_id": "comm_def456",
    "rfq_creator_id": "comm_abc123", "market_ticker": "FED-23DEC-T3.00", "event_ticker": "FED-23DEC",
    "yes_bid": 35, "no_bid": 65, "yes_bid_dollars": "0.35", "no_bid_dollars": "0.65", "accepted_side": "yes",
    "yes_contracts_offered": 100, "no_contracts_offered": 200, "rfq_target_cost": 3500,
    "rfq_target_cost_dollars": "0.35"}}"""

# -- current examples -----------------------------------------------------------------------------

CUR_SUBSCRIBED = '{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":1}}'
CUR_UNSUBSCRIBED = '{"id":102,"sid":2,"seq":7,"type":"unsubscribed"}'
CUR_OK_UPDATE = '{"id":123,"sid":456,"seq":222,"type":"ok","msg":{"market_tickers":["NEW-MARKET-1","NEW-MARKET-2"]}}'
CUR_OK_LIST = '{"id":3,"type":"ok","msg":[{"channel":"orderbook_delta","sid":1},{"channel":"ticker","sid":2}]}'


def test_reference_error() -> None:
    assert p.parse(REF_ERROR) == p.ErrorMessage(
        id=123, code=6, message="Already subscribed", meaning=p.ERROR_MEANINGS[6], retired=True
    )


def test_reference_snapshot() -> None:
    assert p.parse(REF_SNAPSHOT) == p.OrderbookSnapshot(
        sid=2, seq=2, market_ticker="FED-23DEC-T3.00",
        yes=((800, 30_000), (2200, 33_300)), no=((5400, 2000), (5600, 14_600)),
    )


def test_reference_delta() -> None:
    assert p.parse(REF_DELTA) == p.OrderbookDelta(
        sid=2, seq=3, market_ticker="FED-23DEC-T3.00", side="yes", price=9600, delta=-5400
    )


def test_reference_ticker() -> None:
    assert p.parse(REF_TICKER) == p.Ticker(
        sid=11, seq=100, market_ticker="FED-23DEC-T3.00", price=4800, yes_bid=4500, yes_ask=5300,
        volume=3_389_600, open_interest=2_042_200, dollar_volume=16_948_000_000,
        dollar_open_interest=10_211_000_000, ts_ms=1_669_149_841_000,
    )


def test_reference_trade() -> None:
    assert p.parse(REF_TRADE) == p.Trade(
        sid=11, seq=500, market_ticker="HIGHNY-22DEC23-B53.5", yes_price=3600, no_price=6400,
        count=13_600, taker_side="no", ts_ms=1_669_149_841_000,
    )


def test_reference_fill() -> None:
    assert p.parse(REF_FILL) == p.Fill(
        sid=13, seq=42, trade_id="d91bc706-ee49-470d-82d8-11418bda6fed",
        order_id="ee587a1c-8b87-4dcf-b721-9f6f790619fa", market_ticker="HIGHNY-22DEC23-B53.5",
        is_taker=True, side="yes", action="buy", outcome_side="yes", yes_price=7500, count=27_800,
        post_position=50_000, ts_ms=1_671_899_397_000,
    )


def test_reference_market_position_centi_cents() -> None:
    assert p.parse(REF_POSITION) == p.MarketPosition(
        sid=14, seq=10, market_ticker="FED-23DEC-T3.00", position=10_000,
        position_cost=50_000_000, realized_pnl=10_000_000, fees_paid=1_000_000, volume=1500,
    )


@pytest.mark.parametrize(("centi_cents", "money"), [(0, 0), (1, 100), (1_234, 123_400), (150_000, 15_000_000)])
def test_reference_fill_fee_cost_in_centi_cents(centi_cents: int, money: int) -> None:
    """The reference's integer ``fee_cost`` is centi-cents: 1 is $0.0001, 100 millionths."""
    message = p.parse(frame("fill", {
        "market_ticker": "M", "side": "yes", "action": "buy", "yes_price": 75, "count": 2, "fee_cost": centi_cents,
    }, sid=13, seq=1))
    assert isinstance(message, p.Fill)
    assert message.fee_cost == money


def test_reference_market_position_negative_and_small_centi_cents() -> None:
    message = p.parse(frame("market_position", {
        "market_ticker": "M", "position": -3, "position_cost": 1, "realized_pnl": -2_500, "fees_paid": 99,
        "volume": 3,
    }, sid=14, seq=2))
    assert message == p.MarketPosition(
        sid=14, seq=2, market_ticker="M", position=-300, position_cost=100, realized_pnl=-250_000,
        fees_paid=9_900, volume=300,
    )


def test_reference_market_lifecycle() -> None:
    assert p.parse(REF_MARKET_LIFECYCLE) == p.MarketLifecycle(
        sid=13, seq=1, market_ticker="INXD-23SEP14-B4487", event_type="created",
        open_ts=1_694_635_200, close_ts=1_694_721_600, metadata=REF_METADATA,
    )


def test_reference_event_lifecycle() -> None:
    assert p.parse(REF_EVENT_LIFECYCLE) == p.EventLifecycle(
        sid=5, seq=2, event_ticker="INXD-23SEP14", title="INX title", sub_title="INX subtitle",
        collateral_return_type="DIRECNET", series_ticker="INXD", strike_date=1_694_721_600,
    )


def test_reference_multivariate_lookup() -> None:
    assert p.parse(REF_MULTIVARIATE) == p.MultivariateLookup(
        sid=13, seq=3, collection_ticker="KXOSCARWINNERS-25", event_ticker="KXOSCARWINNERS-25C0CE5",
        market_ticker="KXOSCARWINNERS-25C0CE5-36353",
        selected_markets=(
            p.SelectedMarket("KXOSCARACTO-25", "KXOSCARACTO-25-AB", "yes"),
            p.SelectedMarket("KXOSCARACTR-25", "KXOSCARACTR-25-DM", "yes"),
        ),
    )


def test_reference_rfq_created() -> None:
    assert p.parse(REF_RFQ_CREATED) == p.RfqCreated(
        sid=15, seq=1, rfq_id="rfq_123", creator_id="comm_abc123", market_ticker="FED-23DEC-T3.00",
        event_ticker="FED-23DEC", contracts=10_000, target_cost=350_000, created_ts="2024-12-01T10:00:00Z",
    )


QUOTE_FIELDS: dict[str, Any] = dict(
    quote_id="quote_456", rfq_id="rfq_123", quote_creator_id="comm_def456", rfq_creator_id="comm_abc123",
    market_ticker="FED-23DEC-T3.00", event_ticker="FED-23DEC", yes_bid=3500, no_bid=6500,
    yes_contracts_offered=10_000, no_contracts_offered=20_000, rfq_target_cost=350_000,
)


def test_reference_quote_created() -> None:
    assert p.parse(REF_QUOTE_CREATED) == p.QuoteCreated(
        sid=15, seq=2, **QUOTE_FIELDS, created_ts="2024-12-01T10:02:00Z"
    )


def test_reference_quote_accepted() -> None:
    assert p.parse(REF_QUOTE_ACCEPTED) == p.QuoteAccepted(sid=15, seq=3, **QUOTE_FIELDS, accepted_side="yes")


def test_current_subscribed_has_no_seq() -> None:
    assert p.parse(CUR_SUBSCRIBED) == p.Subscribed(id=1, sid=1, seq=None, channel="orderbook_delta")


def test_current_unsubscribed_has_no_msg_and_carries_seq() -> None:
    assert p.parse(CUR_UNSUBSCRIBED) == p.Unsubscribed(id=102, sid=2, seq=7)


def test_current_update_ok_lists_markets_and_carries_seq() -> None:
    assert p.parse(CUR_OK_UPDATE) == p.Ok(
        id=123, sid=456, seq=222, market_tickers=("NEW-MARKET-1", "NEW-MARKET-2")
    )


def test_current_list_subscriptions_ok() -> None:
    assert p.parse(CUR_OK_LIST) == p.Ok(
        id=3,
        subscriptions=(p.SubscriptionInfo("orderbook_delta", 1), p.SubscriptionInfo("ticker", 2)),
    )


def test_bare_ok() -> None:
    assert p.parse('{"id":7,"type":"ok"}') == p.Ok(id=7)


def test_current_snapshot_with_a_side_omitted() -> None:
    message = p.parse(frame(
        "orderbook_snapshot",
        {"market_ticker": "M", "market_id": "9b0f", "yes_dollars_fp": [["0.4150", "2230.99"], ["0.4200", "0.16"]]},
        sid=1, seq=1,
    ))
    assert message == p.OrderbookSnapshot(
        sid=1, seq=1, market_ticker="M", market_id="9b0f", yes=((4150, 223_099), (4200, 16)), no=()
    )


def test_current_snapshot_of_an_unknown_market_is_empty() -> None:
    message = p.parse(frame("orderbook_snapshot", {"market_ticker": "GONE", "market_id": ""}, sid=1, seq=1, id=9))
    assert message == p.OrderbookSnapshot(sid=1, seq=1, id=9, market_ticker="GONE", market_id="", yes=(), no=())


def test_current_delta_fractional_and_sub_cent() -> None:
    message = p.parse(frame("orderbook_delta", {
        "market_ticker": "M", "market_id": "9b0f", "price_dollars": "0.4150", "delta_fp": "-0.16",
        "side": "no", "client_order_id": "c-1", "subaccount": 0, "ts": "2026-03-01T12:00:00Z",
        "ts_ms": 1_772_366_400_000,
    }, sid=4, seq=19))
    assert message == p.OrderbookDelta(
        sid=4, seq=19, market_ticker="M", market_id="9b0f", side="no", price=4150, delta=-16,
        client_order_id="c-1", ts_ms=1_772_366_400_000, subaccount=0,
    )


def test_current_ticker_with_unknown_keys() -> None:
    message = p.parse(frame("ticker", {
        "market_ticker": "M", "market_id": "9b0f", "price_dollars": "0.4800", "yes_bid_dollars": "0.4750",
        "yes_ask_dollars": "0.4850", "yes_bid_size_fp": "12.50", "yes_ask_size_fp": "0.16",
        "last_trade_size_fp": "2230.99", "volume_fp": "33896.01", "open_interest_fp": "20422.00",
        "dollar_volume": 16948, "dollar_open_interest": 10211, "ts": 1669149841, "ts_ms": 1669149841123,
        "time": "2022-11-22T20:44:01.123Z", "brand_new_field": {"nested": [1, 2]},
    }))
    assert message == p.Ticker(
        market_ticker="M", market_id="9b0f", price=4800, yes_bid=4750, yes_ask=4850, yes_bid_size=1250,
        yes_ask_size=16, last_trade_size=223_099, volume=3_389_601, open_interest=2_042_200,
        dollar_volume=16_948_000_000, dollar_open_interest=10_211_000_000, ts_ms=1_669_149_841_123,
    )


def test_ticker_empty_ask_side_is_no_ask() -> None:
    message = p.parse(frame("ticker", {
        "market_ticker": "M", "yes_bid_dollars": "0.9900", "yes_bid_size_fp": "5.00",
        "yes_ask_dollars": "1.0000", "yes_ask_size_fp": "0.00",
    }))
    assert isinstance(message, p.Ticker)
    assert (message.yes_bid, message.yes_ask, message.yes_ask_size) == (9900, None, 0)


def test_ticker_yes_ask_from_no_bid_when_only_that_is_sent() -> None:
    message = p.parse(frame("ticker", {"market_ticker": "M", "no_bid_dollars": "0.5850"}))
    assert isinstance(message, p.Ticker) and message.yes_ask == 4150


def test_current_trade() -> None:
    message = p.parse(frame("trade", {
        "trade_id": "t-1", "market_ticker": "M", "yes_price_dollars": "0.4150", "no_price_dollars": "0.5850",
        "count_fp": "0.16", "taker_side": "yes", "taker_outcome_side": "yes", "taker_book_side": "bid",
        "is_block_trade": True, "ts": 1772366400, "ts_ms": 1772366400500,
    }, sid=3, seq=8))
    assert message == p.Trade(
        sid=3, seq=8, trade_id="t-1", market_ticker="M", yes_price=4150, no_price=5850, count=16,
        taker_side="yes", is_block_trade=True, ts_ms=1_772_366_400_500,
    )


@pytest.mark.parametrize(
    ("fields", "taker"),
    [({"taker_outcome_side": "no"}, "no"), ({"taker_book_side": "ask"}, "no"), ({"taker_book_side": "bid"}, "yes")],
)
def test_trade_taker_side_from_successor_fields(fields: dict[str, str], taker: str) -> None:
    message = p.parse(frame("trade", {"market_ticker": "M", "yes_price_dollars": "0.50", "count_fp": "1.00", **fields}))
    assert isinstance(message, p.Trade)
    assert message.taker_side == taker
    assert message.no_price == 5000  # derived when only the yes price is sent


def test_current_fill() -> None:
    message = p.parse(frame("fill", {
        "trade_id": "t-1", "order_id": "o-1", "client_order_id": "c-1", "market_ticker": "M", "is_taker": False,
        "yes_price_dollars": "0.4150", "count_fp": "2230.99", "fee_cost": "0.012345", "post_position_fp": "-3.50",
        "ts_ms": 1772366400500, "outcome_side": "no", "book_side": "ask",
    }, sid=13))
    assert message == p.Fill(
        sid=13, trade_id="t-1", order_id="o-1", client_order_id="c-1", market_ticker="M", is_taker=False,
        side="no", action="buy", outcome_side="no", yes_price=4150, count=223_099, fee_cost=12_345,
        post_position=-350, ts_ms=1_772_366_400_500,
    )


# (legacy side, legacy action) -> outcome side, from Kalshi's order-direction table.
@pytest.mark.parametrize(
    ("side", "action", "outcome", "book"),
    [("yes", "buy", "yes", "bid"), ("no", "sell", "yes", "bid"), ("no", "buy", "no", "ask"),
     ("yes", "sell", "no", "ask")],
)
def test_fill_direction_legacy_and_current_agree(side: str, action: str, outcome: str, book: str) -> None:
    base = {"market_ticker": "M", "yes_price_dollars": "0.50", "count_fp": "1.00"}
    legacy = p.parse(frame("fill", {**base, "side": side, "action": action}))
    both = p.parse(frame("fill", {**base, "side": side, "action": action, "outcome_side": outcome, "book_side": book}))
    by_outcome = p.parse(frame("fill", {**base, "outcome_side": outcome}))
    by_book = p.parse(frame("fill", {**base, "book_side": book}))
    assert isinstance(legacy, p.Fill) and isinstance(by_outcome, p.Fill)
    assert legacy == both
    assert (legacy.side, legacy.action, legacy.outcome_side) == (side, action, outcome)
    assert by_outcome == by_book
    assert (by_outcome.side, by_outcome.action, by_outcome.outcome_side) == (outcome, "buy", outcome)


def test_current_market_position_dollars() -> None:
    message = p.parse(frame("market_position", {
        "market_ticker": "M", "position_fp": "-12.50", "position_cost_dollars": "5.123456",
        "realized_pnl_dollars": "-0.010000", "fees_paid_dollars": "0.012345",
        "position_fee_cost_dollars": "0.000001", "volume_fp": "15.00",
    }, sid=14))
    assert message == p.MarketPosition(
        sid=14, market_ticker="M", position=-1250, position_cost=5_123_456, realized_pnl=-10_000,
        fees_paid=12_345, position_fee_cost=1, volume=1500,
    )


@pytest.mark.parametrize(
    "event_type",
    ["created", "activated", "deactivated", "close_date_updated", "determined", "settled",
     "price_level_structure_updated", "metadata_updated"],
)
def test_market_lifecycle_every_event_type(event_type: str) -> None:
    message = p.parse(frame("market_lifecycle_v2", {
        "market_ticker": "M", "event_type": event_type, "open_ts": 1, "close_ts": 2, "determination_ts": 3,
        "settled_ts": 4, "result": "yes", "settlement_value": "1.0000", "is_deactivated": False,
        "additional_metadata": {"title": "T [x]"}, "price_level_structure": "linear_cent",
    }, sid=5, seq=6))
    assert message == p.MarketLifecycle(
        sid=5, seq=6, market_ticker="M", event_type=event_type, open_ts=1, close_ts=2, determination_ts=3,
        settled_ts=4, result="yes", settlement_value=ONE_DOLLAR, is_deactivated=False, metadata={"title": "T [x]"},
        price_level_structure="linear_cent",
    )


def test_event_fee_update_keeps_details() -> None:
    body = {"event_ticker": "E", "series_ticker": "S", "fee_type": "quadratic", "fee_multiplier": "0.07"}
    assert p.parse(frame("event_fee_update", body, sid=5, seq=7)) == p.EventFeeUpdate(
        sid=5, seq=7, event_ticker="E", series_ticker="S", details=body
    )


def test_multivariate_market_lifecycle() -> None:
    message = p.parse(frame("multivariate_market_lifecycle", {
        "market_ticker": "KXMV-1", "event_type": "created", "collection_ticker": "KXMV",
        "event_ticker": "KXMV-E", "selected_markets": [{"event_ticker": "A", "market_ticker": "A-1", "side": "no"}],
    }, sid=9, seq=1))
    assert message == p.MultivariateMarketLifecycle(
        sid=9, seq=1, market_ticker="KXMV-1", event_type="created", collection_ticker="KXMV",
        event_ticker="KXMV-E", selected_markets=(p.SelectedMarket("A", "A-1", "no"),),
    )


def test_current_rfq_and_quotes() -> None:
    rfq = p.parse(frame("rfq_created", {
        "id": "r", "market_ticker": "M", "contracts_fp": "10.50", "target_cost_dollars": "3.141592",
        "created_ts": "2026-01-01T00:00:00Z", "shard_factor": 4, "shard_key": 1,
    }, sid=15, seq=1))
    assert rfq == p.RfqCreated(
        sid=15, seq=1, rfq_id="r", market_ticker="M", contracts=1050, target_cost=3_141_592,
        created_ts="2026-01-01T00:00:00Z",
    )
    deleted = p.parse(frame("rfq_deleted", {"id": "r", "market_ticker": "M", "deleted_ts": "2026-01-01T00:05:00Z"}))
    assert deleted == p.RfqDeleted(rfq_id="r", market_ticker="M", deleted_ts="2026-01-01T00:05:00Z")
    executed = p.parse(frame("quote_executed", {
        "quote_id": "q", "rfq_id": "r", "yes_bid_dollars": "0.4150", "no_bid_dollars": "0.5800",
        "yes_contracts_offered_fp": "0.16", "no_contracts_offered_fp": "1.00",
        "rfq_target_cost_dollars": "0.000001", "accepted_side": "no",
    }))
    assert executed == p.QuoteExecuted(
        quote_id="q", rfq_id="r", yes_bid=4150, no_bid=5800, yes_contracts_offered=16,
        no_contracts_offered=100, rfq_target_cost=1, accepted_side="no",
    )


def test_user_order() -> None:
    message = p.parse(frame("user_order", {
        "order_id": "o", "ticker": "M", "status": "resting", "outcome_side": "yes", "book_side": "bid",
        "yes_price_dollars": "0.4150", "fill_count_fp": "1.25", "remaining_count_fp": "8.75",
        "initial_count_fp": "10.00", "taker_fill_cost_dollars": "0.518750", "maker_fill_cost_dollars": "0.000001",
        "taker_fees_dollars": "0.010000", "maker_fees_dollars": "0.000000", "client_order_id": "c",
        "created_ts_ms": 1, "updated_ts_ms": 2, "expiration_ts_ms": 3, "last_update_reason": "fill",
    }))
    assert message == p.UserOrder(
        order_id="o", market_ticker="M", status="resting", side="yes", action="buy", outcome_side="yes",
        yes_price=4150, fill_count=125, remaining_count=875, initial_count=1000, fill_cost=518_751,
        fees=10_000, client_order_id="c", created_ts_ms=1, updated_ts_ms=2, expiration_ts_ms=3,
        last_update_reason="fill",
    )


def test_order_group_update() -> None:
    message = p.parse(frame("order_group_updates", {
        "event_type": "limit_updated", "order_group_id": "g", "contracts_limit_fp": "150.50",
    }, sid=8, seq=2))
    assert message == p.OrderGroupUpdate(
        sid=8, seq=2, event_type="limit_updated", order_group_id="g", contracts_limit=15_050
    )


# -- one fact, three wire forms ---------------------------------------------------------------------

FORMS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    # kind: (type, cent/integer-only body, dollars/fixed-point-only body); "both" is their union.
    "snapshot": (
        "orderbook_snapshot",
        {"market_ticker": "M", "yes": [[8, 300], [22, 333]], "no": [[54, 20]]},
        {"market_ticker": "M", "yes_dollars_fp": [["0.0800", "300.00"], ["0.2200", "333.00"]],
         "no_dollars_fp": [["0.5400", "20.00"]]},
    ),
    "delta": (
        "orderbook_delta",
        {"market_ticker": "M", "side": "no", "price": 96, "delta": -54},
        {"market_ticker": "M", "side": "no", "price_dollars": "0.9600", "delta_fp": "-54.00"},
    ),
    "ticker": (
        "ticker",
        {"market_ticker": "M", "price": 48, "yes_bid": 45, "yes_ask": 53, "volume": 33896, "open_interest": 20422,
         "ts": 1669149841},
        {"market_ticker": "M", "price_dollars": "0.4800", "yes_bid_dollars": "0.4500", "yes_ask_dollars": "0.5300",
         "volume_fp": "33896.00", "open_interest_fp": "20422.00", "ts_ms": 1669149841000},
    ),
    "trade": (
        "trade",
        {"market_ticker": "M", "yes_price": 36, "no_price": 64, "count": 136, "taker_side": "no"},
        {"market_ticker": "M", "yes_price_dollars": "0.3600", "no_price_dollars": "0.6400", "count_fp": "136.00",
         "taker_outcome_side": "no"},
    ),
    "fill": (
        "fill",
        {"market_ticker": "M", "side": "yes", "action": "buy", "yes_price": 75, "count": 278, "post_position": 500},
        {"market_ticker": "M", "outcome_side": "yes", "yes_price_dollars": "0.7500", "count_fp": "278.00",
         "post_position_fp": "500.00"},
    ),
    "position": (
        "market_position",
        {"market_ticker": "M", "position": 100, "position_cost": 500000, "realized_pnl": -100000, "fees_paid": 10000,
         "volume": 15},
        {"market_ticker": "M", "position_fp": "100.00", "position_cost_dollars": "50.000000",
         "realized_pnl_dollars": "-10.0000", "fees_paid_dollars": "1.00", "volume_fp": "15.00"},
    ),
    "rfq": (
        "rfq_created",
        {"id": "r", "contracts": 100, "target_cost": 3500},
        {"id": "r", "contracts_fp": "100.00", "target_cost_dollars": "0.350000"},
    ),
    "quote": (
        "quote_created",
        {"quote_id": "q", "rfq_id": "r", "yes_bid": 35, "no_bid": 65, "yes_contracts_offered": 100,
         "no_contracts_offered": 200, "rfq_target_cost": 3500},
        {"quote_id": "q", "rfq_id": "r", "yes_bid_dollars": "0.35", "no_bid_dollars": "0.6500",
         "yes_contracts_offered_fp": "100.00", "no_contracts_offered_fp": "200", "rfq_target_cost_dollars": "0.35"},
    ),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_cent_only_dollars_only_and_both_forms_are_identical(name: str) -> None:
    kind, cents, dollars = FORMS[name]
    from_cents = p.parse(frame(kind, cents, sid=1, seq=5))
    from_dollars = p.parse(frame(kind, dollars, sid=1, seq=5))
    from_both = p.parse(frame(kind, {**cents, **dollars}, sid=1, seq=5))
    assert from_cents == from_dollars == from_both
    assert not isinstance(from_cents, p.UnknownMessage)


def test_reference_snapshot_dollars_form_with_integer_counts() -> None:
    cents = p.parse(frame("orderbook_snapshot", {"market_ticker": "M", "yes": [[8, 300]]}))
    dollars = p.parse(frame("orderbook_snapshot", {"market_ticker": "M", "yes_dollars": [["0.08", 300]]}))
    assert cents == dollars


def test_string_form_wins_when_both_disagree() -> None:
    message = p.parse(frame("orderbook_delta", {
        "market_ticker": "M", "side": "yes", "price": 41, "price_dollars": "0.4150", "delta": 1, "delta_fp": "0.16",
    }))
    assert isinstance(message, p.OrderbookDelta)
    assert (message.price, message.delta) == (4150, 16)


@pytest.mark.parametrize(
    ("price", "count", "expected"),
    [("0.0001", "0.01", (1, 1)), ("0.9999", "99999999.99", (9999, 9_999_999_999)),
     ("0.4150", "2230.99", (4150, 223_099))],
)
def test_fractional_counts_and_sub_cent_prices_stay_exact(price: str, count: str, expected: tuple[int, int]) -> None:
    message = p.parse(frame("orderbook_snapshot", {"market_ticker": "M", "no_dollars_fp": [[price, count]]}))
    assert isinstance(message, p.OrderbookSnapshot)
    assert message.no == (expected,)
    assert all(type(value) is int for level in message.no for value in level)


# -- envelope -----------------------------------------------------------------------------------------


def test_payload_under_data_equals_payload_under_msg() -> None:
    body = json.loads(REF_DELTA)["msg"]
    assert p.parse(frame("orderbook_delta", body, key="data", sid=2, seq=3)) == p.parse(REF_DELTA)


def test_msg_wins_over_data() -> None:
    data = {"type": "subscribed", "msg": {"channel": "ticker", "sid": 1}, "data": {"channel": "fill", "sid": 2}}
    assert p.parse(json.dumps(data)) == p.Subscribed(sid=1, channel="ticker")


def test_unknown_extra_fields_are_ignored() -> None:
    data = json.loads(REF_TRADE)
    data["msg"]["mystery"] = {"deep": [1, "x", None]}
    data["envelope_extra"] = 5
    assert p.parse(json.dumps(data)) == p.parse(REF_TRADE)


def test_bytes_and_str_frames_parse_the_same() -> None:
    assert p.parse(REF_TICKER) == p.parse(REF_TICKER.encode())


def test_unknown_type_keeps_the_raw_dict() -> None:
    raw = {"type": "cfbenchmarks_value", "sid": 4, "seq": 9, "id": 0, "msg": {"index": "BRTI", "value": "1.5"}}
    message = p.parse(json.dumps(raw))
    assert message == p.UnknownMessage(sid=4, seq=9, id=0, type="cfbenchmarks_value", raw=raw)


def test_unknown_type_with_odd_envelope_keeps_the_raw_dict() -> None:
    raw = {"type": "future_thing", "sid": "x", "seq": True, "id": 1.5}
    message = p.parse(json.dumps(raw))
    assert message == p.UnknownMessage(type="future_thing", raw=raw)


# -- malformed frames ---------------------------------------------------------------------------------

DELTA_OK = {"market_ticker": "M", "side": "yes", "price_dollars": "0.5000", "delta_fp": "1.00"}

MALFORMED: list[tuple[str, str | bytes, str, str]] = [
    # (case, frame, type named, field named)
    ("missing market_ticker", frame("orderbook_delta", {k: v for k, v in DELTA_OK.items() if k != "market_ticker"}),
     "orderbook_delta", "market_ticker"),
    ("missing price", frame("orderbook_delta", {k: v for k, v in DELTA_OK.items() if k != "price_dollars"}),
     "orderbook_delta", "price_dollars"),
    ("missing delta", frame("orderbook_delta", {k: v for k, v in DELTA_OK.items() if k != "delta_fp"}),
     "orderbook_delta", "delta_fp"),
    ("missing msg", frame("trade", None), "trade", "msg"),
    ("msg null", b'{"type":"fill","msg":null}', "fill", "msg"),
    ("msg not an object", frame("ticker", [1, 2]), "ticker", "msg"),
    ("wrong type string for int", frame("error", {"code": "6", "msg": "x"}), "error", "code"),
    ("wrong type float price", frame("orderbook_delta", {**DELTA_OK, "price_dollars": 0.5}), "orderbook_delta",
     "price_dollars"),
    ("wrong type int count_fp", frame("orderbook_delta", {**DELTA_OK, "delta_fp": 1}), "orderbook_delta", "delta_fp"),
    ("bool for int", frame("orderbook_delta", {**DELTA_OK, "price": True, "price_dollars": None}), "orderbook_delta",
     "price"),
    ("envelope sid string", frame("orderbook_delta", DELTA_OK, sid="2"), "orderbook_delta", "sid"),
    ("bad price string", frame("orderbook_delta", {**DELTA_OK, "price_dollars": "0.5x"}), "orderbook_delta",
     "price_dollars"),
    ("price with 5 decimals", frame("orderbook_delta", {**DELTA_OK, "price_dollars": "0.41505"}), "orderbook_delta",
     "price_dollars"),
    ("price over a dollar", frame("orderbook_delta", {**DELTA_OK, "price_dollars": "1.0100"}), "orderbook_delta",
     "price_dollars"),
    ("cent price over 100", frame("orderbook_delta", {"market_ticker": "M", "side": "yes", "price": 101, "delta": 1}),
     "orderbook_delta", "price"),
    ("negative price", frame("trade", {"market_ticker": "M", "yes_price_dollars": "-0.10", "count_fp": "1"}), "trade",
     "yes_price_dollars"),
    ("bad count string", frame("trade", {"market_ticker": "M", "yes_price_dollars": "0.1", "count_fp": "1.001"}),
     "trade", "count_fp"),
    ("bad side", frame("orderbook_delta", {**DELTA_OK, "side": "maybe"}), "orderbook_delta", "side"),
    ("bad settlement", frame("market_lifecycle_v2", {"market_ticker": "M", "event_type": "settled",
                                                    "settlement_value": "1.5"}), "market_lifecycle_v2",
     "settlement_value"),
    ("bad snapshot level price", frame("orderbook_snapshot", {"market_ticker": "M", "yes_dollars_fp": [["x", "1"]]}),
     "orderbook_snapshot", "yes_dollars_fp"),
    ("negative snapshot size", frame("orderbook_snapshot", {"market_ticker": "M", "no_dollars_fp": [["0.1", "-1"]]}),
     "orderbook_snapshot", "no_dollars_fp"),
    ("snapshot level of three", frame("orderbook_snapshot", {"market_ticker": "M", "yes": [[1, 2, 3]]}),
     "orderbook_snapshot", "yes"),
    ("cent level with a string price", frame("orderbook_snapshot", {"market_ticker": "M", "yes": [["0.1", 2]]}),
     "orderbook_snapshot", "yes"),
    ("rfq without id", frame("rfq_created", {"market_ticker": "M"}), "rfq_created", "id"),
    ("subscribed without channel", frame("subscribed", {"sid": 1}), "subscribed", "channel"),
    ("non-UTF-8 bytes in a string", b'{"type":"ticker","msg":{"market_ticker":"M\xff"}}', "ticker",
     "market_ticker"),
    ("lone surrogate in a str frame", '{"type":"ticker","msg":{"market_ticker":"M\ud800"}}', "ticker",
     "market_ticker"),
]


# What the user owns is never refused: each field that cannot be read is named in ``problems``.
OWNED_WITH_PROBLEMS = [
    ("bad book_side", frame("fill", {"market_ticker": "M", "yes_price_dollars": "0.1", "count_fp": "1",
                                     "book_side": "buy"}), "fill", "book_side"),
    ("bad action", frame("fill", {"market_ticker": "M", "yes_price_dollars": "0.1", "count_fp": "1", "side": "yes",
                                  "action": "hold"}), "fill", "action"),
    ("bad fee", frame("fill", {"market_ticker": "M", "yes_price_dollars": "0.1", "count_fp": "1", "fee_cost": "$1"}),
     "fill", "fee_cost"),
    ("bad position money", frame("market_position", {"market_ticker": "M", "position_fp": "1",
                                                    "position_cost_dollars": "1.0000001"}), "market_position",
     "position_cost_dollars"),
    ("missing position", frame("market_position", {"market_ticker": "M"}), "market_position", "position_fp"),
    ("user order without ticker", frame("user_order", {"order_id": "o", "status": "resting"}), "user_order",
     "ticker"),
]


@pytest.mark.parametrize(("frame_data", "kind", "field"), [case[1:] for case in OWNED_WITH_PROBLEMS],
                         ids=[case[0] for case in OWNED_WITH_PROBLEMS])
def test_what_the_user_owns_is_kept_with_its_problems_named(frame_data: bytes, kind: str, field: str) -> None:
    message = p.parse(frame_data)
    assert message.type_name == kind
    assert any(f"`{field}`" in problem for problem in message.problems), message.problems


@pytest.mark.parametrize(("frame_data", "kind", "field"), [case[1:] for case in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
def test_malformed_frame_raises_protocol_error_naming_type_and_field(
    frame_data: str | bytes, kind: str, field: str
) -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.parse(frame_data)
    text = str(info.value)
    assert text.startswith(f"{kind}: ")
    assert re.search(rf"`{field}`|\.{field}[`\[]", text), text
    assert "\n" not in text



@pytest.mark.parametrize("kind", sorted(p.KNOWN_TYPES - {"ok", "unsubscribed"}))
def test_a_known_type_without_its_body_names_the_type_and_msg(kind: str) -> None:
    with pytest.raises(p.ProtocolError, match=rf"^{kind}: missing field `msg`$"):
        p.parse(frame(kind, sid=1, seq=2, id=3))


def test_bodiless_acks_keep_their_envelope() -> None:
    assert p.parse(frame("unsubscribed", sid=1, seq=2, id=3)) == p.Unsubscribed(sid=1, seq=2, id=3)
    assert p.parse(frame("ok", sid=4, seq=5, id=6)) == p.Ok(sid=4, seq=5, id=6)

@pytest.mark.parametrize(
    ("frame_data", "words"),
    [
        (b"not json", "not valid JSON"),
        (b'{"type": "ticker", ', "not valid JSON"),
        (b"", "not valid JSON"),
        (b'[{"type": "ticker"}]', "JSON list"),
        (b'"ticker"', "JSON str"),
        (b"42", "JSON int"),
        (b"null", "JSON NoneType"),
        (b'{"msg": {"market_ticker": "M"}}', "`type`"),
        (b'{"type": 5, "msg": {}}', "`type`"),
        (b'{"type": null}', "`type`"),
        (b"\xff\xfe\x00{", "not valid JSON"),
        (b'{"type": "tick\xffer"}', "not valid UTF-8"),
    ],
)
def test_frames_that_are_not_messages(frame_data: bytes, words: str) -> None:
    with pytest.raises(p.ProtocolError, match=words):
        p.parse(frame_data)


def test_protocol_error_is_not_a_builtin_lookup_or_value_error() -> None:
    assert not issubclass(p.ProtocolError, (KeyError, TypeError, ValueError))


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a JSON value."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, path + (index,))
    return found


VALID_FRAMES = [
    json.loads(text) for text in (
        REF_ERROR, REF_SNAPSHOT, REF_DELTA, REF_TICKER, REF_TRADE, REF_FILL, REF_POSITION, REF_MARKET_LIFECYCLE,
        REF_EVENT_LIFECYCLE, REF_MULTIVARIATE, REF_RFQ_CREATED, REF_QUOTE_CREATED, REF_QUOTE_ACCEPTED,
        CUR_SUBSCRIBED, CUR_UNSUBSCRIBED, CUR_OK_UPDATE, CUR_OK_LIST,
    )
] + [{"type": kind, "msg": {**cents, **dollars}} for kind, cents, dollars in FORMS.values()]

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_any_corruption_of_a_valid_frame_parses_or_raises_protocol_error(data: st.DataObject) -> None:
    original = data.draw(st.sampled_from(VALID_FRAMES))
    mutated = copy.deepcopy(original)
    path = data.draw(st.sampled_from([path for path in _paths(mutated) if path]))
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(JSON_VALUES)
    try:
        message = p.parse(json.dumps(mutated).encode("utf-8", "surrogatepass"))
    except p.ProtocolError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(message, p.Message)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_arbitrary_bytes_parse_or_raise_protocol_error(data: bytes) -> None:
    try:
        message = p.parse(data)
    except p.ProtocolError:
        return
    assert isinstance(message, p.Message)


# -- commands -------------------------------------------------------------------------------------------


def test_subscribe_single_market_matches_the_reference() -> None:
    command = p.subscribe(1, ["orderbook_delta"], ["CPI-22DEC-TN0.1"])
    assert command == {
        "id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_ticker": "CPI-22DEC-TN0.1"}
    }


def test_subscribe_several_markets_and_passthrough_params() -> None:
    command = p.subscribe(
        2, ["orderbook_delta", "ticker"], ["A", "B"], use_yes_price=False, send_initial_snapshot=True,
        skip_ticker_ack=True, shard_factor=None,
    )
    assert command == {
        "id": 2, "cmd": "subscribe",
        "params": {"channels": ["orderbook_delta", "ticker"], "market_tickers": ["A", "B"], "use_yes_price": False,
                   "send_initial_snapshot": True, "skip_ticker_ack": True},
    }


def test_subscribe_without_markets_has_no_filter() -> None:
    assert p.subscribe(3, ["fill"]) == {"id": 3, "cmd": "subscribe", "params": {"channels": ["fill"]}}
    assert p.subscribe(3, ["fill"], []) == {"id": 3, "cmd": "subscribe", "params": {"channels": ["fill"]}}


def test_subscribe_sends_channel_names_as_given() -> None:
    command = p.subscribe(4, ["trades", "orderbook_delta", "ticker"])
    assert command["params"]["channels"] == ["trades", "orderbook_delta", "ticker"]


def test_unsubscribe_and_list_subscriptions_match_the_reference() -> None:
    assert p.unsubscribe(124, [1, 2]) == {"id": 124, "cmd": "unsubscribe", "params": {"sids": [1, 2]}}
    assert p.list_subscriptions(3) == {"id": 3, "cmd": "list_subscriptions"}


def test_update_subscription_matches_the_reference() -> None:
    command = p.update_subscription(124, "add_markets", sids=[456], market_tickers=["NEW-MARKET-1", "NEW-MARKET-2"])
    assert command == {
        "id": 124, "cmd": "update_subscription",
        "params": {"sids": [456], "market_tickers": ["NEW-MARKET-1", "NEW-MARKET-2"], "action": "add_markets"},
    }


@pytest.mark.parametrize("action", ["add_markets", "delete_markets", "get_snapshot"])
def test_update_subscription_single_sid(action: str) -> None:
    command = p.update_subscription(9, action, sid=456, market_tickers=["M"])
    assert command == {
        "id": 9, "cmd": "update_subscription", "params": {"action": action, "sid": 456, "market_tickers": ["M"]}
    }


def test_update_subscription_rejects_an_unknown_action() -> None:
    with pytest.raises(ValueError, match="unknown update_subscription action"):
        p.update_subscription(1, "replace_markets", sid=1)


def test_encode_command_is_compact_json_of_the_command() -> None:
    command = p.subscribe(1, ["ticker"], ["A"], send_initial_snapshot=True)
    text = p.encode_command(command)
    assert json.loads(text) == command
    assert text == (
        '{"id":1,"cmd":"subscribe","params":{"channels":["ticker"],"market_ticker":"A","send_initial_snapshot":true}}'
    )


# -- error codes and channels ---------------------------------------------------------------------------


def test_error_code_table_covers_1_to_29_with_retired_codes_marked() -> None:
    assert sorted(p.ERROR_MEANINGS) == list(range(1, 30))
    assert p.RETIRED_ERROR_CODES == {6, 16, 17}
    for code, meaning in p.ERROR_MEANINGS.items():
        assert meaning
        assert ("retired" in meaning) == (code in p.RETIRED_ERROR_CODES)
    assert p.TERMINAL_ERROR_CODES == {10, 25}


@pytest.mark.parametrize(("code", "retired"), [(8, False), (16, True), (17, True), (25, False), (29, False)])
def test_error_message_carries_meaning_and_retired_flag(code: int, retired: bool) -> None:
    message = p.parse(frame("error", {"code": code, "msg": "server text"}, id=5))
    assert message == p.ErrorMessage(
        id=5, code=code, message="server text", meaning=p.ERROR_MEANINGS[code], retired=retired
    )


def test_error_with_an_unknown_code() -> None:
    message = p.parse(frame("error", {"code": 99}))
    assert isinstance(message, p.ErrorMessage)
    assert (message.meaning, message.retired, message.message) == ("unknown error code 99", False, "")


def test_channel_aliases() -> None:
    assert p.canonical_channel("trades") == p.TRADE == "trade"
    assert p.canonical_channel("orderbook") == p.ORDERBOOK_DELTA == "orderbook_delta"
    assert p.canonical_channel("ticker") == "ticker"
    assert p.canonical_channel("multivariate") == p.MULTIVARIATE


def test_channel_names_read_from_the_server_are_canonical() -> None:
    assert p.parse(frame("subscribed", {"channel": "trades", "sid": 3})) == p.Subscribed(sid=3, channel="trade")
    listed = p.parse(frame("ok", [{"channel": "orderbook", "sid": 1, "market_tickers": ["A"]}]))
    assert listed == p.Ok(subscriptions=(p.SubscriptionInfo("orderbook_delta", 1, ("A",)),))


def test_channel_sets() -> None:
    assert p.PUBLIC_CHANNELS.isdisjoint(p.PRIVATE_CHANNELS)
    assert p.ALL_CHANNELS == {
        "orderbook_delta", "ticker", "trade", "fill", "market_positions", "market_lifecycle_v2", "multivariate",
        "multivariate_market_lifecycle", "communications", "order_group_updates", "user_orders",
    }


def test_every_known_type_has_a_message_class() -> None:
    classes = {
        cls.type_name for cls in (
            p.Subscribed, p.Unsubscribed, p.Ok, p.ErrorMessage, p.OrderbookSnapshot, p.OrderbookDelta, p.Ticker,
            p.Trade, p.Fill, p.MarketPosition, p.MarketLifecycle, p.EventLifecycle, p.EventFeeUpdate,
            p.MultivariateLookup, p.MultivariateMarketLifecycle, p.RfqCreated, p.RfqDeleted, p.QuoteCreated,
            p.QuoteAccepted, p.QuoteExecuted, p.UserOrder, p.OrderGroupUpdate,
        )
    }
    assert classes == set(p.KNOWN_TYPES)
