"""The integrity screen's per-book table: live, awaiting a snapshot, resyncing or stale."""

from __future__ import annotations

from app.core.integrity import MarketHealth
from app.core.state import BookStatus
from widgets.formatting import age_text
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.pushed_table import PushedTable
from widgets.tables.state_table import Cells, ColumnSpec

BOOK_CELLS = {
    BookStatus.LIVE: Cell("● live", Tone.UP),
    BookStatus.AWAITING_SNAPSHOT: Cell("◌ awaiting snapshot", Tone.ACCENT),
    BookStatus.RESYNCING: Cell("◌ resyncing", Tone.DOWN),
    BookStatus.STALE: Cell("⚠ stale", Tone.DOWN),
    None: Cell("◌ no book", Tone.MUTED),
}


def market_cells(row: MarketHealth) -> Cells:
    """The cells of one book: its status, its resyncs, and how long since the last one began."""
    since = "never" if row.since_resync is None else f"{age_text(row.since_resync)} ago"
    return (
        cells.text(row.ticker),
        BOOK_CELLS[row.status],
        Cell(f"{row.resyncs:,}", Tone.DOWN if row.resyncs else None),
        Cell(since, Tone.MUTED if row.since_resync is None else None),
    )


class MarketHealthTable(PushedTable):
    """One row per order book, the books that are not live first."""

    BORDER_TITLE = "Order books"
    COLUMNS = (
        ColumnSpec("market", "Market", 30),
        ColumnSpec("book", "Book", 20),
        ColumnSpec("resyncs", "Resyncs", 8, numeric=True),
        ColumnSpec("since", "Last resync", 14, numeric=True),
    )

    def show(self, rows: list[MarketHealth]) -> None:
        """Show the books' rows."""
        self.show_rows((row.ticker, market_cells(row)) for row in rows)
