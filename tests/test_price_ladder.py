"""The price ladder's pure parts: a market's tick scale from its price ranges (sub-cent where they
allow), the rows at every tick around the touch, the capped bar scale, the user's orders by book
side and position; and where the ranges come from (the REST catalog, lifecycle messages)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from app.core import protocol as p
from app.core.book import NO, YES, OrderBook
from app.core.catalog_state import apply_catalog
from app.core.fixed import CENT, COUNT_SCALE, ONE_DOLLAR
from app.core.holding import Holding, holding
from app.core.protocol import MarketPosition, PriceRange
from app.core.state import MarketState
from app.core.ticks import TickScale
from app.core.working_orders import sizes_by_book_side
from app.rest.catalog import parse_market
from tests import table_states as ts
from widgets.market.depth_ladder import bar
from widgets.market.ladder_model import BEYOND, build_ladder, capped_scale, price_ladder

DECI = CENT // 10
# Kalshi's tapered deci-cent structure: 0.1¢ under 10¢ and over 90¢, 1¢ between
TAPERED = TickScale([PriceRange(0, 10 * CENT, DECI), PriceRange(10 * CENT, 90 * CENT, CENT),
                     PriceRange(90 * CENT, ONE_DOLLAR, DECI)])


def test_a_linear_cent_scale_steps_a_cent_and_stays_strictly_inside_zero_and_a_dollar() -> None:
    scale = TickScale()
    assert scale.ticks(0, 3 * CENT) == [CENT, 2 * CENT, 3 * CENT]
    assert scale.next_tick(CENT, -1) is None and scale.next_tick(99 * CENT, 1) is None
    assert scale.step(50 * CENT, -3) == 47 * CENT and scale.step(2 * CENT, -5) == CENT
    assert scale.nearest(4_149) == 41 * CENT and scale.nearest(4_150) == 41 * CENT  # a tie: the lower
    assert scale.nearest(4_151) == 42 * CENT


def test_a_tapered_scale_is_sub_cent_only_where_its_ranges_allow() -> None:
    assert TAPERED.ticks(9 * CENT + 7 * DECI, 12 * CENT) == [970, 980, 990, 1000, 1100, 1200]
    assert TAPERED.ticks(89 * CENT, 90 * CENT + 2 * DECI) == [8900, 9000, 9010, 9020]
    assert TAPERED.next_tick(99 * CENT + 9 * DECI, 1) is None
    assert TAPERED.nearest(1049) == 1000 and TAPERED.nearest(1051) == 1100
    # the no side's scale is the yes side's mirrored: fine ticks under 10¢ are fine ticks over 90¢
    assert TAPERED.mirrored().ticks(89 * CENT, 90 * CENT + 2 * DECI) == [8900, 9000, 9010, 9020]
    assert TickScale([PriceRange(0, ONE_DOLLAR, 5 * CENT)]).ticks(CENT, 20 * CENT) == [500, 1000, 1500, 2000]


def test_the_catalog_carries_the_ranges_else_the_tick_size_into_the_state() -> None:
    ranges = [{"start": "0.0000", "end": "0.1000", "step": "0.0010"},
              {"start": "0.1000", "end": "1.0000", "step": "0.0100"}]
    banded = parse_market({"ticker": "KXA-1", "tick_size": 1, "price_ranges": ranges})
    sized = parse_market({"ticker": "KXA-2", "tick_size": 5, "price_ranges": [{"start": "x"}]})
    assert banded is not None and sized is not None and sized.price_ranges == ()
    state = MarketState()
    apply_catalog(state, [], [banded, sized])
    assert state.markets["KXA-1"].price_ranges == (PriceRange(0, 1000, 10), PriceRange(1000, ONE_DOLLAR, 100))
    assert state.markets["KXA-2"].price_ranges == (PriceRange(0, ONE_DOLLAR, 5 * CENT),)


def test_a_lifecycle_message_with_ranges_sets_them() -> None:
    state = MarketState()
    state.apply(p.MarketLifecycle(market_ticker="KXA-1", event_type="created",
                                  price_ranges=(PriceRange(0, ONE_DOLLAR, DECI),)))
    state.apply(p.MarketLifecycle(market_ticker="KXA-1", event_type="activated"))  # none: kept
    assert TickScale(state.markets["KXA-1"].price_ranges).ticks(4_995, 5_020) == [5_000, 5_010, 5_020]


def book(yes: list[tuple[int, int]], no: list[tuple[int, int]]) -> OrderBook:
    state = MarketState()
    ts.apply(state, ts.book_snapshot("KXA-1", yes, no))
    return state.books["KXA-1"]


def test_the_price_ladder_has_a_row_at_every_tick_around_the_touch() -> None:
    # yes bids at 40¢ and 30¢; a no bid at 55¢ is a yes ask at 45¢
    depth = build_ladder(book([(40, 100), (30, 5)], [(55, 7)]), YES)
    ladder = price_ladder(depth, TickScale(), beyond=2)
    assert [row.price // CENT for row in ladder.rows] == [47, 46, 45, 44, 43, 42, 41, 40, 39, 38]
    assert [(row.bid, row.ask) for row in ladder.rows if row.bid or row.ask] == [
        (0, 7 * COUNT_SCALE), (100 * COUNT_SCALE, 0)]
    assert ladder.separator_index == 5  # between 43¢ and 42¢: the mid is 42.5¢
    # stretched to a price to keep (the cursor, an order) far from the touch; on a sub-cent scale
    kept = price_ladder(depth, TAPERED, beyond=1, keep=[30 * CENT])
    assert kept.rows[0].price == 46 * CENT and kept.rows[-1].price == 30 * CENT and len(kept.rows) == 17
    assert kept.rows[-1].bid == 5 * COUNT_SCALE
    # the no side: the same book seen from the other side
    no = price_ladder(build_ladder(book([(40, 100)], [(55, 7)]), NO), TickScale(), beyond=1)
    assert [row.price // CENT for row in no.rows] == [61, 60, 59, 58, 57, 56, 55, 54]


def test_the_price_ladder_of_a_book_without_quotes() -> None:
    assert price_ladder(build_ladder(None, YES), TickScale()).rows == ()
    around = price_ladder(build_ladder(None, YES), TickScale(), beyond=1, keep=[50 * CENT])
    assert [row.price for row in around.rows] == [51 * CENT, 50 * CENT, 49 * CENT]
    assert BEYOND == 10


def test_the_bar_scale_is_capped_and_a_bar_never_outgrows_its_column() -> None:
    assert capped_scale([]) == 0
    assert capped_scale([10, 20, 30]) == 30
    assert capped_scale([10, 10, 20, 1_000_000]) == 80  # 4x the median: the whale does not flatten the rest
    assert bar(1_000_000, 80, 6) == "██████"  # over the scale: full, and no wider than its cells
    assert bar(40, 80, 6) == "███"


def order(order_id: str, side: str, action: str, yes_price: str, remaining: str) -> p.UserOrder:
    message = p.parse(ts.frame("user_order", {
        "order_id": order_id, "ticker": "KXA-1", "status": "resting", "side": side, "action": action,
        "yes_price_dollars": yes_price, "remaining_count_fp": remaining, "fill_count_fp": "0.00"}))
    assert isinstance(message, p.UserOrder)
    return message


def test_orders_rest_among_the_bids_or_the_asks_of_the_side_shown() -> None:
    orders = [order("a", "yes", "buy", "0.4000", "3.00"), order("b", "no", "buy", "0.4500", "2.00"),
              order("c", "yes", "sell", "0.4500", "1.00")]
    assert sizes_by_book_side(orders, "KXA-1", YES) == ({40 * CENT: 300}, {45 * CENT: 300})
    assert sizes_by_book_side(orders, "KXA-1", NO) == ({55 * CENT: 300}, {60 * CENT: 300})


@pytest.mark.parametrize(
    ("positions", "ladder_side", "held"),
    [
        ([MarketPosition(market_ticker="KXA-1", position=4_000, position_cost=1_680_000)], YES,
         Holding(YES, 4_000, Fraction(420))),  # 40 yes for $1.68: 4.2¢ each
        ([MarketPosition(market_ticker="KXA-1", position=-200, position_cost=1_200_000)], YES,
         Holding(NO, 200, Fraction(4_000))),  # 2 no at 60¢: at 40¢ on the yes scale
        ([MarketPosition(market_ticker="KXA-1", position=-200, position_cost=1_200_000)], NO,
         Holding(NO, 200, Fraction(6_000))),
        ([MarketPosition(market_ticker="KXA-1", position=300, position_cost=1),
          MarketPosition(market_ticker="KXA-1", position=-100, position_cost=1, subaccount=2)], YES,
         Holding(YES, 200, None)),  # both sides held: no single average
        ([MarketPosition(market_ticker="KXA-1", position=0)], YES, None),
        ([MarketPosition(market_ticker="KXA-2", position=100, position_cost=1)], YES, None),
    ],
)
def test_the_position_on_a_ladder(positions: list[MarketPosition], ladder_side: str, held: Holding | None) -> None:
    assert holding(positions, "KXA-1", ladder_side) == held
