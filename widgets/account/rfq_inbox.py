"""The RFQ inbox: requests for quote, newest first, each with its quotes nested under it."""

from __future__ import annotations

from app.core.state import Kind, QuoteRecord, RfqRecord
from widgets.formatting import count_text, price_text
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.state_table import Cells, ColumnSpec, Row, StateTable

STATUS_CELLS: dict[str, Cell] = {
    "open": Cell("○ OPEN", Tone.ACCENT),
    "quoted": Cell("◐ QUOTED", Tone.ACCENT),
    "accepted": Cell("◉ ACCEPTED", Tone.UP),
    "executed": Cell("● EXECUTED", Tone.TOTAL),
    "deleted": Cell("✕ DELETED", Tone.MUTED),
}
QUOTE_INDENT = "└ "


class RfqInbox(StateTable):
    """RFQs newest first (the market's title last), each followed by its quotes (newest first,
    indented under it).

    Status: open, quoted, accepted, executed or deleted, each with its own glyph; an accepted or
    executed quote names the side accepted. A quote's bids show price × contracts offered.
    """

    SHOWS = Kind.RFQ | Kind.LIFECYCLE
    PINNED_TOP = True
    BORDER_TITLE = "RFQ inbox"
    COLUMNS = (
        ColumnSpec("time", "UTC", 8),
        ColumnSpec("id", "RFQ / quote", 16),
        ColumnSpec("market", "Market", 22),
        ColumnSpec("contracts", "Contracts", 9, numeric=True),
        ColumnSpec("target", "Target", 9, numeric=True),
        ColumnSpec("yes_bid", "Yes bid", 11, numeric=True),
        ColumnSpec("no_bid", "No bid", 11, numeric=True),
        ColumnSpec("status", "Status", 14),
        ColumnSpec("title", "Title", 40),
    )

    def table_rows(self) -> list[Row]:
        """Each RFQ's row, then its quotes' rows."""
        state = self.market_state
        assert state is not None
        rows: list[Row] = []
        for rfq in state.rfqs_newest_first():
            title = state.title(rfq.market_ticker) if rfq.market_ticker else None
            rows.append((f"rfq:{rfq.rfq_id}", _rfq_cells(rfq, title)))
            for quote in reversed(rfq.quotes.values()):
                rows.append((f"quote:{rfq.rfq_id}:{quote.quote.quote_id}", _quote_cells(quote)))
        return rows


def _status(status: str, side: str | None = None) -> Cell:
    cell = STATUS_CELLS.get(status, Cell(status.upper()))
    return cell if side is None else Cell(f"{cell.text} {side.upper()}", cell.tone)


def _bid(price: int | None, offered: int | None) -> Cell:
    if price is None:
        return cells.UNKNOWN
    if offered is None:
        return Cell(price_text(price))
    return Cell(f"{price_text(price)}×{count_text(offered)}")


def _rfq_cells(rfq: RfqRecord, title: str | None) -> Cells:
    return (
        cells.iso_clock(rfq.created_ts),
        Cell(rfq.rfq_id),
        cells.text(rfq.market_ticker),
        cells.count(rfq.contracts),
        cells.money(rfq.target_cost),
        cells.BLANK,
        cells.BLANK,
        _status(rfq.status),
        cells.text(title),
    )


def _quote_cells(record: QuoteRecord) -> Cells:
    quote = record.quote
    return (
        cells.iso_clock(record.created_ts),
        Cell(f"{QUOTE_INDENT}{quote.quote_id}", Tone.MUTED),
        cells.text(quote.market_ticker),
        cells.BLANK,
        cells.BLANK,
        _bid(quote.yes_bid, quote.yes_contracts_offered),
        _bid(quote.no_bid, quote.no_contracts_offered),
        _status(record.status, quote.accepted_side),
        cells.BLANK,  # the RFQ's row above names the market
    )
