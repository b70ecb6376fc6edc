"""No value the exchange can send ends the app: every time and number formatter takes any value.

A trade or fill time far in the future or negative, an RFQ time of ``9999-12-31T23:59:59-23:59``,
a close time past the calendar, a count of hundreds of digits: each is shown as ``invalid``, and
the invalid times and the messages with such numbers are counted in the integrity pane. The
frames go through the real parser.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import protocol as p
from app.core.event_view import order_strikes
from app.core.fixed import (
    INVALID,
    SHOWN_LIMIT,
    format_count,
    format_money,
    format_price_cents,
    format_price_dollars,
)
from app.core.integrity import IntegrityReport, SubscriptionHealth
from app.core.state import MarketState
from app.core.timestamps import MAX_EPOCH_MS, MAX_EPOCH_S, utc_of_iso, utc_of_ms, valid_epoch_ms, valid_epoch_s
from app.feed.feed import Feed, FeedConfig
from tests.ui_states import NOW, NOW_MS
from widgets.formatting import change_text, count_text, countdown_to, price_text
from widgets.health.integrity_panel import verdict_text
from widgets.tables import cells

# Every int the wire can carry (msgspec reads up to ~4,300 digits) and the edges of the calendar.
EXTREME_INTS = [
    0, -1, 1, -(2**63), 2**63 - 1, 2**64, -(2**64), 10**30, -(10**30), 10**4000, -(10**4000),
    MAX_EPOCH_MS, MAX_EPOCH_MS + 1, MAX_EPOCH_S, MAX_EPOCH_S + 1, SHOWN_LIMIT - 1, SHOWN_LIMIT, -SHOWN_LIMIT,
]
any_int = st.one_of(st.integers(), st.sampled_from(EXTREME_INTS), st.integers(-(10**4200), 10**4200))
BAD_ISO = [
    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59.999999-00:01",
    "1969-12-31T23:59:59Z", "not a time", "", "2025-13-01T00:00:00Z", "2025-11-26T09:40:00Z\x1b[2J",
]


@pytest.mark.parametrize(("ts_ms", "shown"), [
    (NOW_MS, "09:40:00"), (0, "00:00:00"), (MAX_EPOCH_MS, "23:59:59"),
    (MAX_EPOCH_MS + 1, INVALID), (-1, INVALID), (-(2**63), INVALID), (2**64, INVALID), (10**4000, INVALID),
])
def test_clock_of_a_millisecond_time(ts_ms: int, shown: str) -> None:
    assert cells.clock(ts_ms).text == shown
    assert valid_epoch_ms(ts_ms) == (shown != INVALID)


@pytest.mark.parametrize("timestamp", BAD_ISO)
def test_clock_of_an_unusable_rfc3339_time_is_invalid(timestamp: str) -> None:
    assert cells.iso_clock(timestamp).text == INVALID
    assert utc_of_iso(timestamp) is None


@pytest.mark.parametrize(("timestamp", "shown"), [
    ("2025-11-26T09:40:00Z", "09:40:00"), ("2025-11-26T10:40:00+01:00", "09:40:00"),
    ("2025-11-26T09:40:00", "09:40:00"), ("9999-12-31T23:59:59+00:00", "23:59:59"),
])
def test_clock_of_a_good_rfc3339_time(timestamp: str, shown: str) -> None:
    assert cells.iso_clock(timestamp).text == shown


@pytest.mark.parametrize(("close_ts", "shown"), [
    (int(NOW) + 3_600, "1h 00m"), (int(NOW) - 5, "closed"), (MAX_EPOCH_S, "2912478d 14h"),
    (MAX_EPOCH_S + 1, INVALID), (-1, INVALID), (2**63, INVALID), (10**4000, INVALID), (None, "—"),
])
def test_countdown_to_a_close_time(close_ts: int | None, shown: str) -> None:
    assert countdown_to(close_ts, NOW) == shown
    assert close_ts is None or valid_epoch_s(close_ts) == (shown != INVALID)


@given(any_int)
def test_time_formatters_take_any_int(value: int) -> None:
    assert isinstance(cells.clock(value).text, str)
    assert isinstance(countdown_to(value, NOW), str)
    assert (utc_of_ms(value) is None) == (cells.clock(value).text == INVALID)


@given(st.text())
def test_rfc3339_formatter_takes_any_text(text: str) -> None:
    assert isinstance(cells.iso_clock(text).text, str)


@given(any_int)
def test_number_formatters_take_any_int(value: int) -> None:
    texts = [
        format_count(value), format_money(value), format_price_cents(value), format_price_dollars(value),
        price_text(value), count_text(value), change_text(value), cells.money(value).text, cells.pnl(value).text,
    ]
    assert all(isinstance(text, str) and len(text) < 60 for text in texts)
    if abs(value) >= SHOWN_LIMIT:
        assert format_count(value) == format_money(value) == format_price_cents(value) == INVALID


def test_numbers_below_the_limit_stay_exact() -> None:
    assert format_count(SHOWN_LIMIT - 1) == f"{(SHOWN_LIMIT - 1) // 100:,}.99"
    assert format_money(-(SHOWN_LIMIT - 1)) == f"-${(SHOWN_LIMIT - 1) // 10**6:,}.999999"


def frame(kind: str, **msg: object) -> p.Message:
    return p.parse(json.dumps({"type": kind, "sid": 1, "seq": 1, "msg": msg}))


def test_invalid_times_are_kept_with_their_messages_and_counted() -> None:
    state = MarketState()
    far, negative = 10**30, -5
    state.apply(frame("trade", market_ticker="M", yes_price_dollars="0.4100", no_price_dollars="0.5900",
                      count_fp="1.00", taker_side="yes", ts_ms=far))
    state.apply(frame("trade", market_ticker="M", yes_price_dollars="0.4100", no_price_dollars="0.5900",
                      count_fp="1.00", taker_side="yes", ts_ms=NOW_MS))
    state.apply(frame("fill", market_ticker="M", side="yes", action="buy", yes_price_dollars="0.4100",
                      count_fp="1.00", ts_ms=negative))
    state.apply(frame("user_order", order_id="o1", market_ticker="M", status="resting", created_ts_ms=far))
    state.apply(frame("rfq_created", id="r1", market_ticker="M", created_ts="9999-12-31T23:59:59-23:59"))
    state.apply(frame("quote_created", quote_id="q1", rfq_id="r1", created_ts="9999-12-31T23:59:59-23:59"))
    state.apply(frame("market_lifecycle_v2", market_ticker="M", event_type="activated", close_ts=far))
    assert [trade.ts_ms for trade in state.trades] == [far, NOW_MS]  # nothing dropped
    assert state.fills[0].ts_ms == negative and state.orders["o1"].created_ts_ms == far
    assert state.markets["M"].close_ts == far
    assert dict(state.invalid_times) == {"trade": 1, "fill": 1, "order": 1, "RFQ": 1, "quote": 1, "close": 1}


def test_the_integrity_verdict_counts_invalid_times() -> None:
    sub = SubscriptionHealth(1, "trade", None, 1, 0, 0, False, 1, None, None, 0)
    line, healthy = verdict_text(IntegrityReport((sub,), (), invalid_times=(("RFQ", 1), ("trade", 2))))
    assert not healthy
    assert line == ("✔ every order book is live (0) · 0 seq gaps on the live subscriptions · "
                    "⚠ 3 invalid times shown as invalid (RFQ 1, trade 2)")
    assert verdict_text(IntegrityReport((sub,), ())) == (
        "✔ every order book is live (0) · 0 seq gaps on the live subscriptions", True)


def test_numbers_too_large_to_be_real_are_kept_with_their_messages_and_counted() -> None:
    state = MarketState()
    huge, normal = "1" + "0" * 30 + ".00", "1.00"
    state.apply(frame("orderbook_snapshot", market_ticker="M", yes_dollars_fp=[["0.4000", huge]]))
    state.apply(frame("orderbook_delta", market_ticker="M", price_dollars="0.4000", delta_fp=huge, side="no"))
    state.apply(frame("orderbook_delta", market_ticker="M", price_dollars="0.4100", delta_fp=normal, side="yes"))
    state.apply(frame("ticker", market_ticker="M", price_dollars="0.4100", volume_fp=huge))
    state.apply(frame("ticker", market_ticker="M", price_dollars="0.4100", volume_fp=normal))
    for count in (huge, normal):
        state.apply(frame("trade", market_ticker="M", yes_price_dollars="0.4100", no_price_dollars="0.5900",
                          count_fp=count, taker_side="yes"))
    state.apply(frame("fill", market_ticker="M", side="yes", action="buy", yes_price_dollars="0.4100",
                      count_fp=normal, fee_cost=huge))
    state.apply(frame("market_position", market_ticker="M", position_fp=huge))
    state.apply(frame("user_order", order_id="o1", market_ticker="M", status="resting", remaining_count_fp=huge))
    state.apply(frame("rfq_created", id="r1", market_ticker="M", contracts_fp=huge))
    state.apply(frame("quote_created", quote_id="q1", rfq_id="r1", yes_contracts_offered_fp=huge))
    assert state.trades[0].count == state.books["M"].levels("yes")[4000] == 10**32  # kept
    assert dict(state.invalid_numbers) == {
        "book": 2, "ticker": 1, "trade": 1, "fill": 1, "position": 1, "order": 1, "RFQ": 1, "quote": 1}


def test_the_integrity_verdict_counts_numbers_too_large_to_be_real_beside_invalid_times() -> None:
    sub = SubscriptionHealth(1, "trade", None, 1, 0, 0, False, 1, None, None, 0)
    report = IntegrityReport((sub,), (), invalid_times=(("RFQ", 1),), invalid_numbers=(("fill", 1), ("trade", 2)))
    assert verdict_text(report) == (
        "✔ every order book is live (0) · 0 seq gaps on the live subscriptions · "
        "⚠ 1 invalid times shown as invalid (RFQ 1) · "
        "⚠ 3 messages with a number too large to be real shown as invalid (fill 1, trade 2)", False)


def test_strikes_with_numbers_too_long_to_read_come_after_the_numbered_ones() -> None:
    huge = "B" + "9" * 5000  # more digits than Python reads as an int
    assert order_strikes([huge, "B5"]) == ["B5", huge]
    assert order_strikes([huge + "1", "B5", huge]) == ["B5", huge + "1", huge]  # in the order given
    assert order_strikes(["B" + "9" * 30, "B5"]) == ["B5", "B" + "9" * 30]
    assert order_strikes(["B٣", "B5"]) == ["B5", "B٣"]  # not ASCII digits: not a strike number


@given(st.lists(st.one_of(st.text(), st.from_regex(r"\AB-?[0-9]{1,40}(\.[0-9]{1,40})?\Z")), max_size=6))
def test_strike_ordering_takes_any_labels(labels: list[str]) -> None:
    assert sorted(order_strikes(labels)) == sorted(labels)


def test_the_feed_keeps_trades_from_past_the_calendar_and_takes_no_latency_from_them() -> None:
    feed = Feed(FeedConfig(url="ws://127.0.0.1:1/trade-api/ws/v2"), MarketState())
    for ts_ms in (10**400, -(10**400), MAX_EPOCH_MS + 1):
        feed.process_frame(json.dumps({"type": "trade", "msg": {
            "market_ticker": "M", "yes_price_dollars": "0.4100", "no_price_dollars": "0.5900", "count_fp": "1.00",
            "taker_side": "yes", "ts_ms": ts_ms}}))
    assert feed.internal_errors == 0 and feed.parse_errors == 0
    assert len(feed.state.trades) == 3 and feed.state.invalid_times["trade"] == 3
    assert feed.status().latency_ms is None
