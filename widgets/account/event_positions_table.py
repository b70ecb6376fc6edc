"""The event positions table: the account's positions added up per event, as the REST API reports them."""

from __future__ import annotations

from app.core.event_view import event_title
from app.core.portfolio import EventPosition
from app.core.state import Kind, MarketState
from widgets.tables import cells
from widgets.tables.state_table import Cells, ColumnSpec, Row, StateTable


class EventPositionsTable(StateTable):
    """One row per event the account holds or traded, by event ticker: the cost of what is held
    now (exposure), realized P&L, all it spent on the event, fees, and the event's title."""

    SHOWS = Kind.POSITION | Kind.LIFECYCLE
    BORDER_TITLE = "Events"
    # Often empty, and narrower than its columns: with no vertical scrollbar to keep room for,
    # Textual sizes the horizontal one two ways under a stable gutter (its thumb changed with
    # timing); without the gutter both ways agree.
    DEFAULT_CSS = """
    EventPositionsTable {
        scrollbar-gutter: auto;
    }
    """
    COLUMNS = (
        ColumnSpec("event", "Event", 18),
        ColumnSpec("exposure", "Exposure", 11, numeric=True),
        ColumnSpec("realized", "Realized", 12, numeric=True),
        ColumnSpec("spent", "Spent", 11, numeric=True),
        ColumnSpec("fees", "Fees", 9, numeric=True),
        ColumnSpec("title", "Title", 36),
    )

    def table_rows(self) -> list[Row]:
        """The state's event positions, by event ticker."""
        assert self.market_state is not None
        state = self.market_state
        events = state.portfolio.event_positions
        return [(ticker, _cells(state, events[ticker])) for ticker in sorted(events)]


def _cells(state: MarketState, e: EventPosition) -> Cells:
    return (
        cells.text(e.event_ticker),
        cells.money(e.exposure),
        cells.pnl(e.realized_pnl),
        cells.money(e.total_cost),
        cells.money(e.fees_paid),
        cells.text(event_title(state, e.event_ticker)),
    )
