"""The trade tape: public trades, newest first, for all markets or only the focused one.

A :class:`~widgets.tables.line_table.LineTable`: taking in a batch of trades costs the list of their
numbers; only the rows on screen are turned into cells and lines, once each.
"""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from app.core.protocol import Trade
from app.core.sanitize import printable
from app.core.state import Kind
from widgets.base import StateView
from widgets.pane_css import focusable_pane_css
from widgets.tables import cells
from widgets.tables.cells import ColumnSpec
from widgets.tables.feed_intake import FeedIntake
from widgets.tables.line_table import Cells, LineTable
from widgets.throttle import Throttle

DEFAULT_ROWS = 500


class TradeTape(LineTable, StateView):
    """Public trades newest first: time, yes and no price, count, taker side, market and its title.

    ``f`` toggles between every market and the market the app focused with :meth:`focus_market`.
    The rows come from ``MarketState.trades`` (bounded) and are at most ``max_rows``; new trades
    are taken in at most ``INTAKE_HZ`` times a second, only the newest ``max_rows`` of them.
    """

    SHOWS = Kind.TRADE
    # Every intake moves every row on screen (the rows below the new ones keep their lines; under
    # a firehose an intake brings more trades than the view holds, all drawn), and a tape moving
    # 30 times a second cannot be read: trades come in at most 5 times a second.
    INTAKE_HZ = 5.0
    PINNED_TOP = True
    BORDER_TITLE = "Trades · all markets"
    DEFAULT_CSS = focusable_pane_css("TradeTape", "scrollbar-gutter: stable;")
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
        ColumnSpec("title", "Title", 40),
    )

    focused_market: str | None = None
    """The market shown when the tape is not showing all markets."""
    show_all: bool = True
    """True while the tape shows every market."""

    def __init__(
        self, *, max_rows: int = DEFAULT_ROWS, name: str | None = None, id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_rows = max_rows
        self._numbers: FeedIntake[Trade] = FeedIntake()
        self._trades: dict[str, Trade] = {}
        self._intake = Throttle(self, self.INTAKE_HZ, self._take_in)

    def on_mount(self) -> None:
        """Show the trades the bound state already holds."""
        super().on_mount()
        self.refill()

    @property
    def intake_pending(self) -> bool:
        """True while new trades wait for the next intake."""
        return self._intake.pending

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Take in the trades that arrived since the last intake, now or at the next slot."""
        if self.is_mounted and self.market_state is not None:
            self._intake.request()

    def _take_in(self) -> None:
        """Put the newest trades since the last intake on top; drop the oldest past ``max_rows``."""
        if self.market_state is None:
            return
        fresh = self._numbers.catch_up(self.source())
        if fresh is None:
            self._show(self._numbers.numbered(reversed(self.source()), self.matches, self.max_rows))
            return
        rows = self._numbers.numbered(fresh, self.matches, self.max_rows)
        kept = self.row_keys[: max(0, self.max_rows - len(rows))]
        self._show(rows + [(key, self._trades[key]) for key in kept], added_on_top=len(rows))

    def refill(self) -> None:
        """Show the newest ``max_rows`` matching trades of the whole ring (after a scope change)."""
        if self.market_state is not None:
            self._numbers.catch_up(self.source())
            self._show(self._numbers.numbered(reversed(self.source()), self.matches, self.max_rows))

    def _show(self, rows: list[tuple[str, Trade]], added_on_top: int = 0) -> None:
        self._trades = dict(rows)
        self.set_rows([key for key, _ in rows], added_on_top=added_on_top)

    def row_cells(self, key: str) -> Cells:
        """The cells of the trade numbered ``key``."""
        return self.cells(self._trades[key])

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
            self.border_title = Content.assemble("Trades · ", printable(market))

    def source(self) -> deque[Trade]:
        """The state's trade ring."""
        assert self.market_state is not None
        return self.market_state.trades

    def matches(self, item: Trade) -> bool:
        """Every trade, or only the focused market's."""
        return self.show_all or item.market_ticker == self.focused_market

    def cells(self, item: Trade) -> Cells:
        """Time, yes and no price, count, taker side in words (``YES``/``NO``, in its colour: no
        arrow that would read as a price move), market and its title of one trade (computed once,
        when its row is first drawn)."""
        state = self.market_state
        return (
            cells.clock(item.ts_ms),
            cells.price(item.yes_price),
            cells.price(item.no_price),
            cells.count(item.count),
            cells.side(item.taker_side),
            cells.text(item.market_ticker),
            cells.text(state.title(item.market_ticker) if state is not None else None),
        )
