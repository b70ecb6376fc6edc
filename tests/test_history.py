"""Price history: bounded, reaching back to the first change, each sample the close of its span."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import protocol as p
from app.core.history import PriceHistory, downsample
from app.core.state import MarketState

prices = st.one_of(st.none(), st.integers(0, 10_000))
quotes = st.tuples(prices, prices, prices)


@given(st.lists(quotes, max_size=400), st.sampled_from([2, 4, 8, 16]))
def test_history_is_bounded_and_each_sample_closes_its_span_of_changes(
    values: list[tuple[int | None, int | None, int | None]], capacity: int
) -> None:
    history = PriceHistory(capacity)
    changes: list[tuple[int | None, int | None, int | None]] = []
    for ts, (last, bid, ask) in enumerate(values):
        changed = history.record(ts, last, bid, ask)
        assert changed == (not changes or changes[-1] != (last, bid, ask))
        if changed:
            changes.append((last, bid, ask))
    assert len(history) < capacity
    assert history.changes == len(changes)
    samples = list(zip(history.last, history.bid, history.ask))
    if not changes:
        assert samples == []
        return
    assert samples[-1] == changes[-1]  # the newest sample is always the current values
    stride = history.stride
    for i, sample in enumerate(samples[:-1]):  # the others each close a span of `stride` changes
        assert sample == changes[stride * (i + 1) - 1]
    assert stride * (len(samples) - 1) < len(changes) <= stride * len(samples)


def test_history_halves_its_resolution_when_full_and_keeps_the_start() -> None:
    history = PriceHistory(4)
    for price in range(1, 9):
        history.record(price * 1000, price, None, None)
    assert history.stride == 4 and history.last == [4, 8]
    assert (history.first_ts, history.last_ts) == (1000, 8000)


def test_a_trade_print_moves_the_last_price_and_keeps_bid_and_ask() -> None:
    history = PriceHistory()
    history.record_last(None, 4100)
    history.record(None, 4100, 4000, 4200)
    history.record_last(None, 4200)
    assert list(zip(history.last, history.bid, history.ask)) == [
        (4100, None, None), (4100, 4000, 4200), (4200, 4000, 4200)]



@given(st.lists(st.one_of(quotes, st.integers(0, 10_000)), max_size=200), st.sampled_from([2, 4, 8]))
def test_a_trade_print_is_a_record_of_the_bid_and_ask_as_they_were(
    events: list[tuple[int | None, int | None, int | None] | int], capacity: int
) -> None:
    history, reference = PriceHistory(capacity), PriceHistory(capacity)
    bid: int | None = None
    ask: int | None = None
    for ts, event in enumerate(events):
        if isinstance(event, int):
            assert history.record_last(ts, event) == reference.record(ts, event, bid, ask)
        else:
            _, bid, ask = event
            assert history.record(ts, *event) == reference.record(ts, *event)
    assert (history.last, history.bid, history.ask) == (reference.last, reference.bid, reference.ask)
    assert (history.changes, history.stride, history.first_ts, history.last_ts) == (
        reference.changes, reference.stride, reference.first_ts, reference.last_ts)


def test_looking_a_market_up_does_not_make_its_history() -> None:
    state = MarketState()
    assert state.history.get("KX-A") is None
    assert "KX-A" not in state.history.markets
    state.history.markets["KX-A"].record_last(None, 4100)  # as the state records a trade
    history = state.history.get("KX-A")
    assert history is not None and history.capacity == state.history.capacity

@given(st.lists(st.integers(0, 10_000), max_size=300), st.integers(1, 40))
def test_last_points_are_the_downsampled_last_prices(prices: list[int], width: int) -> None:
    history = PriceHistory(64)
    for price in prices:
        history.record(None, price, None, None)
    assert history.last_points(width) == downsample(history.last, width)


def test_capacity_must_be_even() -> None:
    with pytest.raises(ValueError):
        PriceHistory(5)


def test_market_state_records_ticker_and_trade_messages() -> None:
    state = MarketState(history_capacity=8)
    state.apply(p.Ticker(market_ticker="KX-A", price=4100, yes_bid=4000, yes_ask=4200, ts_ms=1))
    state.apply(p.Trade(market_ticker="KX-A", yes_price=4200, no_price=5800, count=100, ts_ms=2))
    state.apply(p.Ticker(market_ticker="KX-A", price=4200, yes_bid=4000, yes_ask=4200, ts_ms=3))
    history = state.history.get("KX-A")
    assert history is not None and history.last == [4100, 4200]  # the ticker repeated the print
    assert state.history.get("KX-B") is None


def test_downsample_keeps_the_last_point_of_each_group_in_order() -> None:
    assert downsample(list(range(1, 11)), 5) == [2, 4, 6, 8, 10]
    assert downsample(list(range(1, 11)), 3) == [3, 6, 10]
    assert downsample([1, None, 3], 5) == [1, None, 3]
    assert downsample([1, 2], 0) == []
