"""The integrity screen's per-subscription table: seq, gaps, resyncs, rate, data age, notices,
and how many markets it covers (the subscriptions pane, ``5``, names them)."""

from __future__ import annotations

from app.core.integrity import SubscriptionHealth
from widgets.formatting import age_text
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.pushed_table import PushedTable
from widgets.tables.state_table import Cells, ColumnSpec


def health_cells(row: SubscriptionHealth) -> Cells:
    """The cells of one subscription: problems toned, every number exact."""
    return (
        Cell(str(row.sid)),
        cells.text(row.channel),
        Cell("◌ resyncing", Tone.DOWN) if row.resyncing else Cell("● live", Tone.UP),
        Cell(f"{row.last_seq:,}"),
        Cell(f"{row.gaps:,}", Tone.DOWN if row.gaps else None),
        Cell(f"{row.resyncs:,}", Tone.DOWN if row.resyncs else None),
        Cell("—" if row.per_second is None else f"{row.per_second:,.1f}"),
        Cell(age_text(row.data_age), Tone.MUTED if row.data_age is None else None),
        Cell(f"{row.messages:,}"),
        Cell(f"{row.notifications:,}"),
        Cell("all" if row.markets is None else f"{len(row.markets):,}"),
    )


class SubscriptionHealthTable(PushedTable):
    """One row per live subscription, keyed by sid (see :mod:`app.core.integrity`)."""

    BORDER_TITLE = "Subscriptions"
    BORDER_SUBTITLE = "Notices: coalesced screen updates for the kind of data the channel carries"
    COLUMNS = (
        ColumnSpec("sid", "SID", 3, numeric=True),
        ColumnSpec("channel", "Channel", 20),
        ColumnSpec("state", "State", 11),
        ColumnSpec("seq", "Last seq", 8, numeric=True),
        ColumnSpec("gaps", "Gaps", 4, numeric=True),
        ColumnSpec("resyncs", "Resyncs", 7, numeric=True),
        ColumnSpec("rate", "Msg/s", 7, numeric=True),
        ColumnSpec("age", "Data age", 8, numeric=True),
        ColumnSpec("messages", "Messages", 8, numeric=True),
        ColumnSpec("notices", "Notices", 7, numeric=True),
        ColumnSpec("markets", "Markets", 7, numeric=True),
    )

    def show(self, rows: list[SubscriptionHealth]) -> None:
        """Show the subscriptions' rows."""
        self.show_rows((str(row.sid), health_cells(row)) for row in rows)
