"""One market's order book: snapshot and deltas, derived prices, depth, and a brute-force property test."""

from __future__ import annotations

from fractions import Fraction
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.book import NO, YES, BookInconsistency, DepthLevel, OrderBook
from app.core.fixed import ONE_DOLLAR


@pytest.fixture
def book() -> OrderBook:
    """Yes bids 8¢×300, 22¢×333; no bids 54¢×20, 56¢×146 (the reference's snapshot, in exact units)."""
    book = OrderBook("FED-23DEC-T3.00")
    book.load_snapshot(yes=[(800, 30_000), (2200, 33_300)], no=[(5400, 2000), (5600, 14_600)])
    return book


def test_snapshot_loads_both_sides(book: OrderBook) -> None:
    assert book.levels(YES) == {800: 30_000, 2200: 33_300}
    assert book.levels(NO) == {5400: 2000, 5600: 14_600}


def test_snapshot_replaces_and_drops_empty_levels(book: OrderBook) -> None:
    book.load_snapshot(yes=[(4150, 16), (4200, 0)], no=[])
    assert book.levels(YES) == {4150: 16}
    assert book.levels(NO) == {}


def test_levels_is_a_copy(book: OrderBook) -> None:
    book.levels(YES)[800] = 1
    assert book.size_at(YES, 800) == 30_000


def test_delta_adds_a_new_level_and_changes_an_existing_one(book: OrderBook) -> None:
    assert book.apply_delta(YES, 4150, 16) == 16
    assert book.apply_delta(NO, 5600, -4600) == 10_000
    assert book.size_at(YES, 4150) == 16
    assert book.size_at(NO, 5600) == 10_000


def test_delta_to_zero_removes_the_level(book: OrderBook) -> None:
    assert book.apply_delta(YES, 2200, -33_300) == 0
    assert 2200 not in book.levels(YES)
    assert book.best_yes_bid == 800


@pytest.mark.parametrize(("side", "price", "delta"), [(YES, 2200, -33_301), (NO, 100, -1), (NO, 5400, -2001)])
def test_negative_result_raises_and_leaves_the_book_unchanged(
    book: OrderBook, side: str, price: int, delta: int
) -> None:
    before = (book.levels(YES), book.levels(NO))
    with pytest.raises(BookInconsistency, match=f"{side} {price}"):
        book.apply_delta(side, price, delta)
    assert (book.levels(YES), book.levels(NO)) == before


def test_best_prices_on_both_sides(book: OrderBook) -> None:
    assert book.best_yes_bid == 2200
    assert book.best_no_bid == 5600
    assert book.best_yes_ask == ONE_DOLLAR - 5600 == 4400
    assert book.best_no_ask == ONE_DOLLAR - 2200 == 7800
    assert book.best_bid(YES) == book.best_yes_bid and book.best_ask(NO) == book.best_no_ask


def test_spread_and_exact_mid(book: OrderBook) -> None:
    assert book.spread == 4400 - 2200
    assert book.mid == Fraction(2200 + 4400, 2) == 3300
    book.load_snapshot(yes=[(4150, 1)], no=[(5849, 1)])  # ask 4151: mid falls between two units
    assert book.spread == 1
    assert book.mid == Fraction(8301, 2)
    assert book.mid.denominator == 2


def test_empty_sides_have_no_prices() -> None:
    book = OrderBook("M")
    assert (book.best_yes_bid, book.best_yes_ask, book.best_no_bid, book.best_no_ask) == (None, None, None, None)
    assert (book.spread, book.mid) == (None, None)
    book.apply_delta(YES, 4000, 100)
    assert (book.best_yes_bid, book.best_no_ask, book.best_yes_ask, book.spread, book.mid) == (
        4000, 6000, None, None, None)


def test_yes_bid_at_p_is_a_no_ask_at_one_minus_p(book: OrderBook) -> None:
    yes_bids = book.bids(YES)
    no_asks = book.asks(NO)
    assert [level.price for level in no_asks] == [ONE_DOLLAR - level.price for level in yes_bids]
    assert [level.size for level in no_asks] == [level.size for level in yes_bids]
    assert [level.price for level in book.asks(YES)] == [ONE_DOLLAR - 5600, ONE_DOLLAR - 5400]


def test_bids_best_first_with_cumulative_size(book: OrderBook) -> None:
    assert book.bids(YES) == [DepthLevel(2200, 33_300, 33_300), DepthLevel(800, 30_000, 63_300)]
    assert book.bids(NO, depth=1) == [DepthLevel(5600, 14_600, 14_600)]
    assert book.bids(NO, depth=0) == []


def test_asks_best_first_with_cumulative_size(book: OrderBook) -> None:
    assert book.asks(YES) == [DepthLevel(4400, 14_600, 14_600), DepthLevel(4600, 2000, 16_600)]
    assert book.asks(NO, depth=1) == [DepthLevel(7800, 33_300, 33_300)]


def test_total_depth(book: OrderBook) -> None:
    assert book.total_depth(YES) == 63_300
    assert book.total_depth(NO) == 16_600


def test_crossed() -> None:
    book = OrderBook("M")
    book.load_snapshot(yes=[(5000, 1)], no=[(4999, 1)])
    assert not book.crossed
    book.apply_delta(NO, 5000, 1)
    assert book.crossed


def test_clear(book: OrderBook) -> None:
    book.clear()
    assert book.levels(YES) == book.levels(NO) == {}


def test_equality_and_repr(book: OrderBook) -> None:
    other = OrderBook("FED-23DEC-T3.00")
    other.load_snapshot(yes=[(2200, 33_300), (800, 30_000)], no=[(5600, 14_600), (5400, 2000)])
    assert book == other
    other.apply_delta(NO, 5400, 1)
    assert book != other
    assert repr(book) == "OrderBook('FED-23DEC-T3.00', yes={800: 30000, 2200: 33300}, no={5400: 2000, 5600: 14600})"


# -- property: the book equals a brute-force recomputation -------------------------------------------

CENT_PRICES = st.integers(min_value=1, max_value=99).map(lambda cents: cents * 100)
SUB_CENT_PRICES = st.integers(min_value=1, max_value=ONE_DOLLAR - 1)
SIZES = st.integers(min_value=1, max_value=10**9)


def brute_force_check(book: OrderBook, model: dict[str, dict[int, int]]) -> None:
    """Every read of ``book`` equals the same read computed naively from plain dicts."""
    for side, other in ((YES, NO), (NO, YES)):
        levels = {price: size for price, size in model[side].items() if size}
        assert book.levels(side) == levels
        prices = sorted(levels, reverse=True)
        cumulative = list(accumulate(levels[price] for price in prices))
        assert book.bids(side) == [DepthLevel(p, levels[p], c) for p, c in zip(prices, cumulative)]
        assert book.bids(side, 3) == book.bids(side)[:3]
        assert book.best_bid(side) == (max(levels) if levels else None)
        other_levels = {price: size for price, size in model[other].items() if size}
        assert book.best_ask(side) == (ONE_DOLLAR - max(other_levels) if other_levels else None)
        other_prices = sorted(other_levels, reverse=True)
        assert [level.price for level in book.asks(side)] == [ONE_DOLLAR - p for p in other_prices]
        assert book.total_depth(side) == sum(levels.values())
    yes_bid = max((p for p, s in model[YES].items() if s), default=None)
    no_bid = max((p for p, s in model[NO].items() if s), default=None)
    if yes_bid is None or no_bid is None:
        assert book.spread is None and book.mid is None
    else:
        assert book.spread == ONE_DOLLAR - no_bid - yes_bid
        assert book.mid == Fraction(yes_bid + ONE_DOLLAR - no_bid, 2)


@pytest.mark.parametrize("prices", [CENT_PRICES, SUB_CENT_PRICES], ids=["cent", "sub-cent"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_snapshot_plus_valid_deltas_equals_brute_force(prices: st.SearchStrategy[int], data: st.DataObject) -> None:
    snapshot = {
        side: data.draw(st.dictionaries(prices, SIZES, max_size=12), label=f"{side} snapshot") for side in (YES, NO)
    }
    book = OrderBook("M")
    book.load_snapshot(yes=list(snapshot[YES].items()), no=list(snapshot[NO].items()))
    model = {side: dict(levels) for side, levels in snapshot.items()}
    brute_force_check(book, model)
    for _ in range(data.draw(st.integers(min_value=0, max_value=40), label="deltas")):
        side = data.draw(st.sampled_from([YES, NO]))
        known = sorted(price for price, size in model[side].items() if size)
        price = data.draw(st.sampled_from(known) | prices if known else prices)
        current = model[side].get(price, 0)
        delta = data.draw(st.integers(min_value=-current, max_value=10**6))
        assert book.apply_delta(side, price, delta) == current + delta
        model[side][price] = current + delta
        brute_force_check(book, model)


@settings(max_examples=100, deadline=None)
@given(
    levels=st.dictionaries(SUB_CENT_PRICES, SIZES, max_size=8),
    price=SUB_CENT_PRICES,
    overshoot=st.integers(min_value=1, max_value=10**6),
)
def test_any_delta_below_zero_raises_and_changes_nothing(levels: dict[int, int], price: int, overshoot: int) -> None:
    book = OrderBook("M")
    book.load_snapshot(yes=list(levels.items()), no=list(levels.items()))
    before = OrderBook("M")
    before.load_snapshot(yes=list(levels.items()), no=list(levels.items()))
    with pytest.raises(BookInconsistency):
        book.apply_delta(NO, price, -(levels.get(price, 0) + overshoot))
    assert book == before
