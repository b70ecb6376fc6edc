"""The orders table: the user's orders, the most recently first seen first.

Keys on the selected order: ``delete`` cancel it (``j``/``k`` move, as in every list), ``e`` amend
it, ``K`` cancel all of its market's (an :class:`OrdersTable.OrderAction` the app carries out, as
the ladder's keys).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from app.core.protocol import UserOrder
from app.core.sides import side_price
from app.core.state import Kind
from widgets.messages import MarketMessage
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.state_table import Cells, ColumnSpec, Row, StateTable
from widgets.tables.subaccount_column import SubaccountColumn

STATUS_TONES = {"resting": Tone.ACCENT, "executed": Tone.UP, "canceled": Tone.MUTED}


class OrdersTable(SubaccountColumn, StateTable):
    """The user's orders: market, side, action, the price of the side named (a no bid at yes 76.4¢
    shows 23.6¢), filled and remaining, fees, status, title, and the subaccount once there is more
    than one."""

    SHOWS = Kind.ORDER | Kind.LIFECYCLE
    PINNED_TOP = True
    BORDER_TITLE = "Orders"
    RECORD_NAME = "Order"
    COLUMNS = (
        ColumnSpec("time", "UTC", 8),
        ColumnSpec("order", "Order", 12),
        ColumnSpec("market", "Market", 22),
        ColumnSpec("side", "Side", 4),
        ColumnSpec("action", "Action", 6),
        ColumnSpec("price", "Price", 7, numeric=True),
        ColumnSpec("filled", "Filled", 9, numeric=True),
        ColumnSpec("remaining", "Left", 9, numeric=True),
        ColumnSpec("fees", "Fees", 9, numeric=True),
        ColumnSpec("status", "Status", 9),
        ColumnSpec("title", "Title", 40),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Exact values"),
        Binding("delete,backspace", "order('cancel')", "Cancel order", show=False),
        # e means Event on the grid: the footer says what it does here
        Binding("e", "order('amend')", "Amend order"),
        Binding("K", "order('cancel_all')", "Cancel all", show=False),
    ]

    class OrderAction(MarketMessage):
        """``verb`` (``cancel``, ``amend``, ``cancel_all``) on the order ``order``."""

        def __init__(self, verb: str, order: UserOrder) -> None:
            super().__init__(order.market_ticker)
            self.verb, self.order = verb, order

    def record(self, key: str) -> UserOrder | None:
        """The order of the row ``key`` (for the detail view)."""
        return self.market_state.orders.get(key) if self.market_state is not None else None

    def selected_order(self) -> UserOrder | None:
        """The order on the cursor's row, if any."""
        keys = self.row_keys
        if self.market_state is None or not 0 <= self.cursor_row < len(keys):
            return None
        return self.market_state.orders.get(keys[self.cursor_row])

    def action_order(self, verb: str) -> None:
        """Ask the app to act on the selected order."""
        order = self.selected_order()
        if order is not None:
            self.post_message(self.OrderAction(verb, order))

    def table_rows(self) -> list[Row]:
        """One row per order, newest first (in the order the orders were first seen)."""
        assert self.market_state is not None
        state = self.market_state
        orders = reversed(state.orders.items())
        return [(order_id, self.with_subaccount(_order_cells(order, state.title(order.market_ticker)), order))
                for order_id, order in orders]


def _order_cells(o: UserOrder, title: str | None) -> Cells:
    return (
        cells.clock(o.created_ts_ms),
        Cell(o.order_id),
        cells.text(o.market_ticker),
        cells.side(o.side),
        cells.action(o.action),
        cells.price(side_price(o.side, o.yes_price)),
        cells.count(o.fill_count),
        cells.count(o.remaining_count),
        cells.money(o.fees),
        Cell(o.status, STATUS_TONES.get(o.status)),
        cells.text(title),
    )
