"""The grid's row order kept as markets arrive and change (widgets.market.grid_order) is the order a full
sort gives, on its own and in the real grid while prices move."""

from __future__ import annotations

import random
from typing import Any

from app.core.market_status import is_finished
from tests.ui_states import advance, dashboard_app, scenario, until
from widgets.market.grid_order import GridOrder, OrderKey, order_key
from widgets.market.ticker_grid import FIELD_INDEX, TickerGrid, row_values


def test_unknown_values_and_finished_markets_come_last_in_either_direction() -> None:
    for reverse, expected in ((False, ["b", "a", "c", "d"]), (True, ["a", "b", "c", "d"])):
        order = GridOrder()
        order.place("d", order_key(True, "zz", reverse, 0))  # finished: last whatever its value
        order.place("c", order_key(False, None, reverse, 1))
        order.place("a", order_key(False, "y", reverse, 2))
        order.place("b", order_key(False, "x", reverse, 3))
        assert list(order) == expected


def test_placing_again_and_removing_keep_the_order_a_full_sort_gives() -> None:
    rng = random.Random(11)
    for values, reverse in (([None, 1, 2, 2, 50], False), ([None, 1, 2, 2, 50], True),
                            ([None, "Fed", "bitcoin", "rain", "rain"], True)):
        order, keys = GridOrder(), {}
        seen: dict[str, int] = {}
        for _step in range(1_500):
            ticker = f"KX-{rng.randrange(80)}"
            if rng.random() < 0.1:
                order.remove(ticker)
                keys.pop(ticker, None)
            else:
                key = order_key(rng.random() < 0.2, rng.choice(values), reverse, seen.setdefault(ticker, len(seen)))
                moved = order.place(ticker, key)
                assert moved == (keys.get(ticker) != key)
                keys[ticker] = key
            assert list(order) == sorted(keys, key=keys.__getitem__)
            assert len(order) == len(keys) and all(ticker in order for ticker in keys)
        rebuilt: dict[str, OrderKey] = {t: order_key(False, None, reverse, seen[t]) for t in keys}
        order.rebuild(rebuilt)
        assert list(order) == sorted(keys, key=seen.__getitem__)


async def test_a_sorted_grid_stays_in_order_while_prices_move_and_markets_settle() -> None:
    sim = scenario()
    app = dashboard_app(sim, markets=())
    async with app.run_test(size=(120, 40)) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        state = app.market_state

        def in_order(column: str, reverse: bool) -> bool:
            """Every market seen, trading ones first, each part by the column (unknown last)."""
            rows = grid.visible_tickers()
            if sorted(rows) != sorted(state.tickers) or grid.redraw_pending:
                return False

            def key(ticker: str) -> tuple[Any, ...]:
                value = row_values(state, ticker, trend=False)[FIELD_INDEX[column]]
                finished = is_finished(state.markets[ticker].status if ticker in state.markets else None)
                return (finished, value is None)

            keys = [key(t) for t in rows]
            if keys != sorted(keys):
                return False
            values = [row_values(state, t, trend=False)[FIELD_INDEX[column]] for t in rows]
            runs = [[v for v, k in zip(values, keys) if k == part] for part in dict.fromkeys(keys)]
            return all(run == sorted(run, reverse=reverse) for run in runs)

        for column, reverse in (("last", True), ("volume", False), ("title", True)):
            grid.sort_by(column, reverse)
            await until(pilot, lambda column=column, reverse=reverse: in_order(column, reverse))
            for _round in range(4):
                advance(app, sim, 400)  # prices move, markets settle (and sink)
                await until(pilot, lambda column=column, reverse=reverse: in_order(column, reverse))
        assert any(is_finished(info.status) for info in state.markets.values())
