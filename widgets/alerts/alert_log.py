"""Every alert that fired, newest first, with whether it was notified or held back."""

from __future__ import annotations

from collections import deque

from app.core.alerts import AlertCenter, FiredAlert
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.state_table import Cells, ColumnSpec, FeedTable

NOTIFIED = Cell("● shown", Tone.ACCENT)
HELD = Cell("○ held", Tone.MUTED)


class AlertLog(FeedTable[FiredAlert]):
    """The alert center's log (bounded), newest first; rate-limited alerts say ``held``."""

    BORDER_TITLE = "Alerts"
    COLUMNS = (
        ColumnSpec("time", "UTC", 8),
        ColumnSpec("shown", "Shown", 8),
        ColumnSpec("alert", "Alert", 70),
        ColumnSpec("rule", "Rule", 4, numeric=True),
    )

    def __init__(self, center: AlertCenter, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.center = center

    def source(self) -> deque[FiredAlert]:
        """The center's log, oldest first."""
        return self.center.log

    def cells(self, item: FiredAlert) -> Cells:
        """Time, shown or held, what happened, and the rule's number."""
        return (
            cells.clock(int(item.at * 1000)),
            NOTIFIED if item.notified else HELD,
            cells.text(item.text),
            Cell(str(item.rule_id)),
        )
