"""Enter on a position, fill or order opens its detail view: every field at full precision, where
the tables round money to the cent (the dashboard over a scenario's state, driven with Pilot)."""

from __future__ import annotations

from textual.widgets import DataTable

from app.core.exact_fields import exact_fields
from app.tui.screens.detail_dialog import DetailDialog
from tests import table_states as ts
from tests.ui_states import LADDER_TICKER, NOW_MS, dashboard_app, scenario, until
from widgets.account.fills_table import FillsTable
from widgets.account.orders_table import OrdersTable
from widgets.account.positions_table import PositionsTable

SIZE = (160, 48)


def detail_lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#detail-text").content).splitlines()


async def open_details(pilot, table: DataTable, key: str) -> None:  # type: ignore[no-untyped-def]
    table.focus()
    table.move_cursor(row=table.get_row_index(key))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, DetailDialog))


async def test_enter_on_a_fill_shows_its_money_to_the_millionth_where_the_table_shows_cents() -> None:
    sim = scenario()
    ts.apply(sim.state, ts.fill_current(LADDER_TICKER, "no", "0.7642", "913.54", "72.702420", NOW_MS + 1))
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        fills = app.dashboard.query_one(FillsTable)
        await until(pilot, lambda: fills.row_count > 0)
        key = fills.row_keys[0]  # the newest: ours
        row = [cell.plain for cell in fills.get_row(key)]
        assert "$72.70" in row and "23.58¢" in row  # the table: money to the cent, lined up
        await open_details(pilot, fills, key)
        lines = detail_lines(app)
        assert any(line.startswith("fee cost") and line.endswith("$72.70242") for line in lines)
        assert any(line.startswith("yes price") and line.endswith("76.42¢ ($0.7642)") for line in lines)
        assert any(line.startswith("no price") and line.endswith("23.58¢ ($0.2358)") for line in lines)
        assert any(line.startswith("count") and line.endswith("913.54") for line in lines)
        assert str(app.screen.query_one("#detail-title").content) == f"Fill · {LADDER_TICKER}"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.dashboard)


async def test_enter_on_a_position_and_an_order_shows_every_field_and_a_totals_row_shows_none() -> None:
    sim = scenario()
    ts.apply(sim.state, ts.position_current(LADDER_TICKER, "-913.54", "215.428517", "10.704999", "1.999999"))
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        positions = app.dashboard.query_one(PositionsTable)
        await until(pilot, lambda: LADDER_TICKER in positions.row_keys)
        await open_details(pilot, positions, LADDER_TICKER)
        record = positions.record(LADDER_TICKER)
        assert record is not None
        lines = detail_lines(app)
        assert len(lines) == 1 + len(exact_fields(record)) + 3  # the title, every field, what is computed
        average = next(line for line in lines if line.startswith("average price"))
        assert average.endswith("≈ 23.581727893688¢")  # $215.428517 for NO 913.54: the table shows 23.58¢
        pnl = next(line for line in lines if line.startswith("unrealized pnl"))
        assert "$" in pnl  # the ladder's market has a mid: marked
        for label, value in (("position cost", "$215.428517"), ("realized pnl", "$10.704999"),
                             ("fees paid", "$1.999999"), ("position", "NO 913.54")):
            assert any(line.startswith(label) and line.endswith(value) for line in lines), label
        await pilot.press("enter")  # Enter closes it too
        await until(pilot, lambda: app.screen is app.dashboard)
        total = positions.row_keys[-1]
        positions.move_cursor(row=positions.get_row_index(total))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.dashboard  # a totals row is no record: nothing opens

        orders = app.dashboard.query_one(OrdersTable)
        await until(pilot, lambda: orders.row_count > 0)
        key = orders.row_keys[0]
        await open_details(pilot, orders, key)
        order = sim.state.orders[key]
        assert str(app.screen.query_one("#detail-title").content) == f"Order · {order.market_ticker}"
        assert any(line.startswith("order id") and line.endswith(key) for line in detail_lines(app))
