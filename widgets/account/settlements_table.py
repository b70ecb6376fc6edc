"""The settlements table: markets that settled while the account held them, newest first."""

from __future__ import annotations

from app.core.portfolio import Settlement
from app.core.state import Kind
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.state_table import Cells, ColumnSpec, Row, StateTable

# A result that names no side: a voided market (positions returned at cost) or a scalar one.
OTHER_RESULTS = {"void": "VOID", "scalar": "SCALAR"}


class SettlementsTable(StateTable):
    """One row per settlement from the REST API, newest first: when, market, the side held as in
    Positions (``NO 12.00``), the side that won, the position's cost and fees, what it paid, the
    profit or loss (payout less cost and fees), and the market's title."""

    SHOWS = Kind.POSITION | Kind.LIFECYCLE
    PINNED_TOP = True
    BORDER_TITLE = "Settlements"
    # Often empty, and narrower than its columns: with no vertical scrollbar to keep room for,
    # Textual sizes the horizontal one two ways under a stable gutter (its thumb changed with
    # timing); without the gutter both ways agree.
    DEFAULT_CSS = """
    SettlementsTable {
        scrollbar-gutter: auto;
    }
    """
    COLUMNS = (
        ColumnSpec("settled", "Settled UTC", 11),
        ColumnSpec("market", "Market", 24),
        ColumnSpec("held", "Held", 13, numeric=True),
        ColumnSpec("result", "Won", 6),
        ColumnSpec("cost", "Cost", 11, numeric=True),
        ColumnSpec("fees", "Fees", 9, numeric=True),
        ColumnSpec("payout", "Payout", 11, numeric=True),
        ColumnSpec("pnl", "P&L", 12, numeric=True),
        ColumnSpec("title", "Title", 40),
    )

    def table_rows(self) -> list[Row]:
        """The state's settlements, the most recently settled first."""
        assert self.market_state is not None
        settled = sorted(self.market_state.portfolio.settlements, key=lambda s: s.settled_ts or 0, reverse=True)
        return [(f"{s.ticker}\x00{s.settled_ts}", self._settlement_cells(s)) for s in settled]

    def _settlement_cells(self, s: Settlement) -> Cells:
        assert self.market_state is not None
        return (
            cells.day_clock(s.settled_ts),
            cells.text(s.ticker),
            cells.holding(s.held),
            _result(s.result),
            cells.money(s.cost),
            cells.money(s.fees),
            cells.money(s.revenue),
            cells.pnl(s.pnl),
            cells.text(self.market_state.title(s.ticker) or self.market_state.portfolio.settled_titles.get(s.ticker)),
        )


def _result(result: str | None) -> Cell:
    """The side that won (``YES`` / ``NO``), or ``VOID`` / ``SCALAR``."""
    if result in OTHER_RESULTS:
        return Cell(OTHER_RESULTS[result], Tone.MUTED)
    return cells.side(result)
