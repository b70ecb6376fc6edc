"""The fills table: the user's own fills, newest first."""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from textual.binding import Binding, BindingType

from app.core.protocol import Fill
from app.core.sides import side_price
from app.core.state import Kind
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.state_table import Cells, ColumnSpec, FeedTable
from widgets.tables.subaccount_column import SubaccountColumn


class FillsTable(SubaccountColumn, FeedTable[Fill]):
    """The user's fills newest first: time, market, side, action, prices, count, fee, role, position,
    the market's title (as known when the fill arrived), and the subaccount once there is more than
    one."""

    SHOWS = Kind.FILL
    BORDER_TITLE = "Fills"
    RECORD_NAME = "Fill"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "Exact values")]
    COLUMNS = (
        ColumnSpec("time", "UTC", 8),
        ColumnSpec("market", "Market", 24),
        ColumnSpec("side", "Side", 4),
        ColumnSpec("action", "Action", 13),
        ColumnSpec("price", "Price", 7, numeric=True),
        ColumnSpec("count", "Count", 10, numeric=True),
        ColumnSpec("fee", "Fee", 10, numeric=True),
        ColumnSpec("role", "Role", 5),
        ColumnSpec("position", "Position", 14, numeric=True),
        ColumnSpec("title", "Title", 40),
    )

    def source(self) -> deque[Fill]:
        """The state's fill ring."""
        assert self.market_state is not None
        return self.market_state.fills

    def record(self, key: str) -> Fill | None:
        """The fill of the row ``key`` (for the detail view)."""
        return self.item(key)

    def cells(self, item: Fill) -> Cells:
        """One fill; the price is that of the side filled (a no fill at yes 60¢ shows 40¢), and the
        position after it the side held (``NO 913.54``)."""
        return self.with_subaccount((
            cells.clock(item.ts_ms),
            cells.text(item.market_ticker),
            cells.side(item.side),
            cells.action(item.action),
            cells.price(side_price(item.side, item.yes_price)),
            cells.count(item.count),
            cells.money(item.fee_cost),
            _role(item.is_taker),
            cells.holding(item.post_position),
            cells.text(self.market_state.title(item.market_ticker) if self.market_state is not None else None),
        ), item)


def _role(is_taker: bool | None) -> Cell:
    if is_taker is None:
        return cells.UNKNOWN
    return Cell("taker" if is_taker else "maker", Tone.MUTED)
