"""A state table whose rows are handed to it by its screen instead of read from the state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from app.core.state import Kind
from widgets.tables.state_table import Row, StateTable


class PushedTable(StateTable):
    """Keyed rows updated in place like every :class:`StateTable`, from :meth:`show_rows`.

    For tables of things the state does not hold (the feed's counters, the alert rules): the
    screen computes the rows and pushes them; the fan-out never calls it (``SHOWS`` is empty).
    """

    SHOWS: ClassVar[Kind] = Kind.NONE

    _pushed: list[Row] = []

    def on_mount(self) -> None:
        """Show what was pushed before mounting (``StateTable.on_mount``, called first by
        Textual, added the columns)."""
        self.sync(self._pushed)

    def table_rows(self) -> list[Row]:
        """The rows pushed last."""
        return self._pushed

    def show_rows(self, rows: Iterable[Row]) -> None:
        """Show exactly ``rows``, in order (touching only what changed)."""
        self._pushed = list(rows)
        if self.columns:
            self.sync(self._pushed)
