"""The pure parts of the dashboard: ladder model, formatting, dialog parsing, status texts."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import protocol as p
from app.core.book import NO, YES, OrderBook
from app.core.feed_status import ConnectionState
from app.core.fixed import ONE_DOLLAR
from app.core.state import TradeStats
from app.feed.feed import LiveSubscription
from app.tui.screens.subscribe import SubscriptionRequest, check_request, parse_markets
from tests.ui_states import status
from widgets.formatting import change_text, countdown_text, fraction_cents, price_text
from widgets.health.status_bar import counters_text, environment_class, feed_badge
from widgets.health.subscriptions_table import markets_text, row_cells
from widgets.market.grid_order import order_key
from widgets.market.ladder_model import ASK, BID, build_ladder, size_changes

levels = st.dictionaries(st.integers(1, ONE_DOLLAR - 1), st.integers(1, 10**7), max_size=20)


def book_of(yes: dict[int, int], no: dict[int, int]) -> OrderBook:
    book = OrderBook("KX-T")
    book.load_snapshot(yes.items(), no.items())
    return book


@given(levels, levels)
def test_ladder_levels_are_the_book_from_either_side(yes: dict[int, int], no: dict[int, int]) -> None:
    book = book_of(yes, no)
    for side, bids, other in ((YES, yes, no), (NO, no, yes)):
        ladder = build_ladder(book, side)
        assert ladder.levels(BID) == bids
        assert ladder.levels(ASK) == {ONE_DOLLAR - price: size for price, size in other.items()}
        prices = [row.price for row in ladder.rows]
        assert prices == sorted(prices, reverse=True) and len(set(prices)) == len(prices)
        assert ladder.max_size == max([*yes.values(), *no.values()], default=0)


def test_ladder_spread_mid_separator_and_cumulative_depth() -> None:
    ladder = build_ladder(book_of({4100: 500, 4150: 100, 4000: 300}, {5700: 200, 5500: 50}), YES)
    assert (ladder.best_bid, ladder.best_ask) == (4150, 4300)
    assert ladder.spread == 150 and ladder.mid == Fraction(8450, 2)
    assert [row.price for row in ladder.rows[: ladder.separator_index]] == [4500, 4300]
    by_price = {row.price: row for row in ladder.rows}
    assert by_price[4000].bid_cumulative == 900 and by_price[4500].ask_cumulative == 250


def test_ladder_trades_since_opened_and_last_trade_on_both_sides() -> None:
    stats = TradeStats(last_price=4200, last_size=700, volume_by_price={4200: 1700, 4100: 300})
    ladder = build_ladder(book_of({4100: 1}, {5700: 1}), YES, stats, baseline={4200: 1000, 4100: 300})
    by_price = {row.price: row for row in ladder.rows}
    assert by_price[4200].traded == 700 and by_price[4200].last_size == 700
    assert by_price[4100].traded == 0 and by_price[4100].last_size is None
    flipped = build_ladder(book_of({4100: 1}, {5700: 1}), NO, stats, baseline={})
    assert flipped.last_price == 5800
    assert {row.price: row.traded for row in flipped.rows if row.traded} == {5800: 1700, 5900: 300}


def test_size_changes_say_which_way_each_level_moved() -> None:
    before = build_ladder(book_of({4100: 500, 4000: 300}, {5700: 200}), YES)
    after = build_ladder(book_of({4100: 600, 3900: 10}, {5700: 100}), YES)
    assert size_changes(before, after) == {
        (BID, 4100): 1, (BID, 4000): -1, (BID, 3900): 1, (ASK, 4300): -1,
    }
    assert size_changes(None, after) == {}
    assert size_changes(before, build_ladder(book_of({}, {}), NO)) == {}


def test_empty_and_one_sided_books() -> None:
    assert build_ladder(None, YES).rows == ()
    only_bids = build_ladder(book_of({4100: 5}, {}), YES)
    assert only_bids.spread is None and only_bids.separator_index == 0
    only_asks = build_ladder(book_of({}, {5700: 5}), YES)
    assert only_asks.separator_index == 1


@pytest.mark.parametrize("price, text", [(4150, "41.5¢"), (4100, "41¢"), (1, "0.01¢"), (None, "—")])
def test_prices_are_exact_cents(price: int | None, text: str) -> None:
    assert price_text(price) == text


def test_mid_between_two_units_is_exact() -> None:
    assert fraction_cents(Fraction(4101 + 4102, 2)) == "41.015¢"
    assert fraction_cents(Fraction(8450, 2)) == "42.25¢"


@pytest.mark.parametrize("delta, text", [(200, "+2¢"), (-50, "-0.5¢"), (0, "0¢"), (None, "—")])
def test_changes_carry_a_sign(delta: int | None, text: str) -> None:
    assert change_text(delta) == text


@pytest.mark.parametrize(
    "seconds, text",
    [(2 * 86_400 + 4 * 3600, "2d 04h"), (3 * 3600 + 12 * 60, "3h 12m"), (725, "12m 05s"),
     (45.9, "45s"), (0, "closed"), (None, "—")],
)
def test_countdowns(seconds: float | None, text: str) -> None:
    assert countdown_text(seconds) == text


def test_unknown_values_sort_last_both_ways() -> None:
    values = [3, None, 1, 2]
    assert sorted(values, key=lambda v: order_key(False, v, False, 0)) == [1, 2, 3, None]
    assert sorted(values, key=lambda v: order_key(False, v, True, 0)) == [3, 2, 1, None]


def test_market_lists_from_the_dialog() -> None:
    assert parse_markets(" kxa-1, KXB-2 kxa-1,,") == ("KXA-1", "KXB-2")
    assert check_request(SubscriptionRequest(p.ORDERBOOK_DELTA)) == "orderbook_delta needs at least one market"
    assert check_request(SubscriptionRequest(p.FILL, ("KXA-1",))) is None  # fill and user_orders take filters
    assert check_request(SubscriptionRequest(p.USER_ORDERS, ("KXA-1",))) is None
    assert check_request(SubscriptionRequest(p.COMMUNICATIONS, ("KXA-1",))) == (
        "communications takes no market list: leave markets empty")
    assert check_request(SubscriptionRequest("bogus")) == "unknown channel bogus"
    assert check_request(SubscriptionRequest(p.TICKER, ("KXA-1",))) is None


def test_status_texts() -> None:
    assert environment_class("prod") == "env-prod" and environment_class("staging") == "env-custom"
    assert feed_badge(status(last_data_age=4.0), 5.0) == ("● LIVE", "live")
    assert feed_badge(status(last_data_age=6.0), 5.0) == ("⚠ STALE", "stale")
    reconnecting = status(ConnectionState.RECONNECTING, reconnect_in=1.25)
    assert feed_badge(reconnecting, 5.0) == ("↻ RECONNECTING in 1.2s", "reconnecting")
    text = counters_text(status())
    assert text.startswith("data 0.2s ago · 1,234 msg/s · latency 3 ms")
    assert text.endswith("127.0.0.1:8765")


def test_subscription_rows() -> None:
    sub = LiveSubscription(7, "orderbook_delta", {f"KX-{i}" for i in range(8)}, last_seq=1234, messages=99)
    cells = row_cells(sub)
    assert cells[:5] == ("7", "orderbook_delta", "● live", "1,234", "99")
    assert cells[-1] == "KX-0, KX-1, KX-2, KX-3, KX-4, KX-5 (+2)"
    assert markets_text(None) == "all markets" and markets_text(set()) == "—"
