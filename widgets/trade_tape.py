"""The trade tape: public trades, newest first, for all markets or only the focused one."""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from app.protocol import Trade
from app.state import Kind
from widgets import cells
from widgets.state_table import Cells, ColumnSpec, FeedTable


class TradeTape(FeedTable[Trade]):
    """Public trades newest first: time, market, yes and no price, count, taker side.

    ``f`` toggles between every market and the market the app focused with :meth:`focus_market`.
    The rows come from ``MarketState.trades`` (bounded) and are at most ``max_rows``; new trades
    are taken in at most ``INTAKE_HZ`` times a second, only the newest ``max_rows`` of them.
    """

    SHOWS = Kind.TRADE
    # Under a firehose every visible row is a new trade at each intake, and a new row costs its
    # cells' rendering: the tape takes trades in at most 5 times a second, as the ticker grid.
    INTAKE_HZ = 5.0
    BORDER_TITLE = "Trades · all markets"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "toggle_scope", "All/focused market"),
    ]
    # What a trader reads first comes first: a narrow tape still shows price, size and side.
    COLUMNS = (
        ColumnSpec("time", "UTC", 8),
        ColumnSpec("yes", "Yes", 7, numeric=True),
        ColumnSpec("no", "No", 7, numeric=True),
        ColumnSpec("count", "Count", 10, numeric=True),
        ColumnSpec("taker", "Taker", 6),
        ColumnSpec("market", "Market", 24),
    )

    focused_market: str | None = None
    """The market shown when the tape is not showing all markets."""
    show_all: bool = True
    """True while the tape shows every market."""

    def focus_market(self, ticker: str | None) -> None:
        """Make ``ticker`` the focused market (shown when the tape is toggled to it)."""
        self.focused_market = ticker
        self._retitle()
        if not self.show_all:
            self.refill()

    def action_toggle_scope(self) -> None:
        """Switch between all markets and the focused market."""
        self.show_all = not self.show_all
        self._retitle()
        self.refill()

    def _retitle(self) -> None:
        if self.show_all:
            self.border_title = Content("Trades · all markets")
        else:
            market = self.focused_market or "no market focused"
            self.border_title = Content.assemble("Trades · ", market)

    def source(self) -> deque[Trade]:
        """The state's trade ring."""
        assert self.market_state is not None
        return self.market_state.trades

    def matches(self, item: Trade) -> bool:
        """Every trade, or only the focused market's."""
        return self.show_all or item.market_ticker == self.focused_market

    def cells(self, item: Trade) -> Cells:
        """Time, yes and no price, count, taker side and market of one trade."""
        return (
            cells.clock(item.ts_ms),
            cells.price(item.yes_price),
            cells.price(item.no_price),
            cells.count(item.count),
            cells.taker(item.taker_side),
            cells.text(item.market_ticker),
        )
