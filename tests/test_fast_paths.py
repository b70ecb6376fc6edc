"""The hot paths' shortcuts give what the full reading gives, on every shape a field can take.

The converters of the commonest frames (ticker, trade, book delta) read the current wire's strings
straight from the memos and fall back to the field-by-field readers on any ValueError; a ticker's
numbers are range-checked together first and one by one only when that check fails. Each new
branch is checked here against the full reading, hostile values included.
"""

from __future__ import annotations

import json
import time
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import fixed
from app.core import protocol as p
from app.core.state import MarketState
from app.feed.feed import Feed, FeedConfig

# every shape a number field takes on the wire: today's strings, empty, absent (None), the
# reference's integers, and values the full reading refuses (out of range, malformed, too precise)
PRICE_TEXTS = ["0.4100", "1.0000", "0.0000", "", "1.0001", "-0.0100", "0.41", "0.41005", "4_1.00", " 0.4100",
               "٣.0000", "9" * 40 + ".0000"]
COUNT_TEXTS = ["12.50", "0.00", "-3.00", "", "1.234", "1_0.00", "1" + "0" * 30 + ".00", "+1.00", "12.5"]
WHOLE = [0, 41, 100, 101, -1, 10**30]
PRICES = st.none() | st.sampled_from(PRICE_TEXTS)
COUNTS = st.none() | st.sampled_from(COUNT_TEXTS)
WHOLES = st.none() | st.sampled_from(WHOLE)


def _outcome(convert: Any, body: Any) -> Any:
    """What a converter gives for ``body``: its message, or the text of the error it raises."""
    try:
        return convert(body, 1, 2)
    except p._FieldError as exc:
        return f"error: {exc}"


def _body(kind: type, fields: dict[str, Any]) -> Any:
    return msgspec.json.decode(json.dumps({k: v for k, v in fields.items() if v is not None}), type=kind)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({
    "yes_bid_dollars": PRICES, "yes_ask_dollars": PRICES, "price_dollars": PRICES, "no_bid_dollars": PRICES,
    "yes_bid": WHOLES, "yes_ask": WHOLES, "price": WHOLES,
    "yes_bid_size_fp": COUNTS, "yes_ask_size_fp": COUNTS, "last_trade_size_fp": COUNTS,
    "volume_fp": COUNTS, "open_interest_fp": COUNTS, "volume": WHOLES, "open_interest": WHOLES,
    "dollar_volume": WHOLES | COUNTS, "dollar_open_interest": WHOLES | COUNTS,
    "ts_ms": WHOLES, "ts": WHOLES,
}))
def test_the_ticker_fast_path_reads_as_every_field_read_by_its_own_reader(fields: dict[str, Any]) -> None:
    body = _body(p._TickerBody, {"market_ticker": "M", **fields})
    assert _outcome(p._ticker, body) == _outcome(p._ticker_by_field, body)


def _read_trade(b: p._TradeBody) -> tuple[int, int, int]:
    """A trade's prices and count, each field by its own reader (what the fast path must match)."""
    yes_price = p._price(b.yes_price_dollars, b.yes_price, "yes_price")
    no_price = p._price_or_none(b.no_price_dollars, b.no_price, "no_price")
    count = p._count(b.count_fp, b.count, "count")
    return yes_price, fixed.ONE_DOLLAR - yes_price if no_price is None else no_price, count


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({
    "yes_price_dollars": PRICES, "no_price_dollars": PRICES, "count_fp": COUNTS,
    "yes_price": WHOLES, "no_price": WHOLES, "count": WHOLES,
}))
def test_the_trade_fast_path_reads_as_every_field_read_by_its_own_reader(fields: dict[str, Any]) -> None:
    body = _body(p._TradeBody, {"market_ticker": "M", "taker_outcome_side": "yes", **fields})
    expected = _outcome(lambda b, sid, seq: _read_trade(b), body)
    trade = _outcome(p._trade, body)
    assert trade == expected if isinstance(trade, str) else (trade.yes_price, trade.no_price, trade.count) == expected


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({"price_dollars": PRICES, "delta_fp": COUNTS, "price": WHOLES, "delta": WHOLES}))
def test_the_delta_fast_path_reads_as_every_field_read_by_its_own_reader(fields: dict[str, Any]) -> None:
    body = _body(p._DeltaBody, {"market_ticker": "M", "side": "yes", **fields})

    def by_field(b: p._DeltaBody, sid: int, seq: int) -> tuple[int, int]:
        delta = p._count(b.delta_fp, b.delta, "delta")  # the delta is read (and refused) first
        return p._price(b.price_dollars, b.price, "price"), delta

    delta = _outcome(p._orderbook_delta, body)
    expected = _outcome(by_field, body)
    assert delta == expected if isinstance(delta, str) else (delta.price, delta.delta) == expected


def test_a_running_total_read_through_its_memo_is_the_uncached_reading() -> None:
    assert fixed.TOTALS["2230.99"] == fixed.parse_count_uncached("2230.99") == 223_099
    with pytest.raises(ValueError, match="not a decimal number"):
        fixed.TOTALS["1_000.00"]
    assert "1_000.00" not in fixed.TOTALS


def _ticker_frame(**numbers: str | int) -> p.Message:
    return p.parse(json.dumps({"type": "ticker", "msg": {"market_ticker": "M", "price_dollars": "0.4100", **numbers}}))


LIMIT = fixed.SHOWN_LIMIT  # 10**24 units: from here on a number is shown as invalid


@pytest.mark.parametrize(
    ("numbers", "counted"),
    [
        ({"volume": 2**79 // 100 + 1}, False),  # just over the combined check's bound: read one by one, shown
        ({"dollar_volume": LIMIT // fixed.MONEY_SCALE - 1}, False),
        ({"dollar_volume": LIMIT // fixed.MONEY_SCALE}, True),  # exactly the limit
        ({"volume_fp": "-1.00"}, False),  # negative: the combined check fails, the exact one passes
        ({"open_interest_fp": "-" + str(LIMIT // 100) + ".00"}, True),  # minus the limit: invalid
        ({"open_interest_fp": "-" + str(LIMIT // 100 - 1) + ".99"}, False),
        ({"volume_fp": "-1.00", "yes_bid_size_fp": str(LIMIT // 100) + ".00"}, True),
        ({"last_trade_size_fp": "0.00", "yes_ask_size_fp": "12.00"}, False),
    ],
)
def test_a_tickers_numbers_are_counted_invalid_exactly_from_the_limit_on(
    numbers: dict[str, str | int], counted: bool
) -> None:
    assert 2**79 < LIMIT  # the combined check's bound is below the limit
    state = MarketState()
    state.apply(_ticker_frame(**numbers))
    assert state.invalid_numbers["ticker"] == int(counted)


WORDS = st.sampled_from([None, "", "yes", "no", "bid", "ask", "buy", "sell", "sell_to_close", "maybe", "\x1b[2J"])


@settings(max_examples=400, deadline=None)
@given(outcome_side=WORDS, side=WORDS, book_side=WORDS, action=WORDS, purchased_side=WORDS)
def test_the_direction_fast_path_reads_as_every_word_read_by_itself(
    outcome_side: str | None, side: str | None, book_side: str | None, action: str | None,
    purchased_side: str | None,
) -> None:
    body = _body(p._FillBody, {"market_ticker": "M", "outcome_side": outcome_side, "side": side,
                               "book_side": book_side, "action": action, "purchased_side": purchased_side})
    fast: list[str] = []
    full: list[str] = []
    assert p._direction(body, fast) == p._direction_by_word(body, full, side, action)
    assert fast == full  # the same words noted as unknown, in the same order


MONEY_TEXTS = st.none() | st.sampled_from(["0.060000", "0.06", "", "-1.500000", "0.0000001", "1_0.00", "9" * 40])


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({
    "yes_price_dollars": PRICES, "count_fp": COUNTS, "fee_cost": MONEY_TEXTS | WHOLES, "post_position_fp": COUNTS,
    "yes_price": WHOLES, "count": WHOLES, "post_position": WHOLES,
}))
def test_a_fills_numbers_read_fast_are_what_each_reader_reads(fields: dict[str, Any]) -> None:
    body = _body(p._FillBody, {"market_ticker": "M", "outcome_side": "yes", "side": "yes", **fields})
    reader = p._Reader()
    expected = (
        reader(p._price, body.yes_price_dollars, body.yes_price, "yes_price"),
        reader(p._count, body.count_fp, body.count, "count"),
        reader(p._fee_cost, body.fee_cost),
        reader(p._count_or_none, body.post_position_fp, body.post_position, "post_position",
               fixed.parse_count_uncached),
    )
    fill = p._KINDS["fill"][1](body, 1, 2)
    assert (fill.yes_price, fill.count, fill.fee_cost, fill.post_position) == expected
    assert fill.problems == tuple(reader.problems)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({
    "taker_fill_cost_dollars": MONEY_TEXTS, "maker_fill_cost_dollars": MONEY_TEXTS,
    "taker_fees_dollars": MONEY_TEXTS, "maker_fees_dollars": MONEY_TEXTS, "yes_price_dollars": PRICES,
    "fill_count_fp": COUNTS, "remaining_count_fp": COUNTS, "initial_count_fp": COUNTS, "yes_price": WHOLES,
    "fill_count": WHOLES, "remaining_count": WHOLES, "initial_count": WHOLES, "action": WORDS,
}))
def test_an_orders_numbers_read_fast_are_what_each_reader_reads(fields: dict[str, Any]) -> None:
    body = _body(p._UserOrderBody, {"order_id": "o", "ticker": "M", "status": "resting", "side": "no",
                                    "outcome_side": "no", **fields})
    reader = p._Reader()
    costs = [reader(p._money_or_none, getattr(body, name), None, name.removesuffix("_dollars"))
             for name in ("taker_fill_cost_dollars", "maker_fill_cost_dollars", "taker_fees_dollars",
                          "maker_fees_dollars")]
    direction = p._direction_by_word(body, reader.problems, "no", body.action)
    expected = (
        p._sum_or_none(costs[0], costs[1]), p._sum_or_none(costs[2], costs[3]), *direction,
        reader(p._price_or_none, body.yes_price_dollars, body.yes_price, "yes_price"),
        *(reader(p._count_or_none, getattr(body, f"{name}_fp"), getattr(body, name), name)
          for name in ("fill_count", "remaining_count", "initial_count")),
    )
    order = p._KINDS["user_order"][1](body, 1, 2)
    assert (order.fill_cost, order.fees, order.side, order.action, order.outcome_side, order.yes_price,
            order.fill_count, order.remaining_count, order.initial_count) == expected
    assert order.problems == tuple(reader.problems)  # the same problems, in the same order


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({
    "position_fp": COUNTS, "volume_fp": COUNTS, "position_cost_dollars": MONEY_TEXTS,
    "realized_pnl_dollars": MONEY_TEXTS, "fees_paid_dollars": MONEY_TEXTS, "position_fee_cost_dollars": MONEY_TEXTS,
    "position": WHOLES, "volume": WHOLES, "position_cost": WHOLES, "realized_pnl": WHOLES, "fees_paid": WHOLES,
}))
def test_a_positions_numbers_read_fast_are_what_each_reader_reads(fields: dict[str, Any]) -> None:
    body = _body(p._PositionBody, {"market_ticker": "M", **fields})
    reader = p._Reader()
    money = fixed.parse_money_uncached
    expected = (
        reader(p._count, body.position_fp, body.position, "position", fixed.parse_count_uncached),
        *(reader(p._money_or_none, getattr(body, f"{name}_dollars"), getattr(body, name), name, money) or 0
          for name in ("position_cost", "realized_pnl", "fees_paid")),
        reader(p._money_or_none, body.position_fee_cost_dollars, None, "position_fee_cost", money),
        reader(p._count_or_none, body.volume_fp, body.volume, "volume", fixed.parse_count_uncached),
    )
    position = p._KINDS["market_position"][1](body, 1, 2)
    assert (position.position, position.position_cost, position.realized_pnl, position.fees_paid,
            position.position_fee_cost, position.volume) == expected
    assert position.problems == tuple(reader.problems)


def test_the_latency_is_worked_out_from_the_latest_valid_sent_time_and_its_arrival() -> None:
    feed = Feed(FeedConfig(url="ws://127.0.0.1:1/trade-api/ws/v2"), MarketState())
    assert feed.status().latency_ms is None
    sent = int(time.time() * 1000) - 3_600_000  # an hour before now
    for ts_ms in (sent, 10**400, -1):  # the hostile times after it leave it as it was
        feed.process_frame(json.dumps({"type": "trade", "msg": {
            "market_ticker": "M", "yes_price_dollars": "0.4100", "no_price_dollars": "0.5900", "count_fp": "1.00",
            "taker_outcome_side": "yes", "ts_ms": ts_ms}}))
    latency = feed.status().latency_ms
    assert latency is not None and 3_600_000 <= latency < 3_600_000 + 600_000
