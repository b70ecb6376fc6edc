"""The subaccount column of the account tables: shown once the user's messages name a subaccount
other than the primary account."""

from __future__ import annotations

from typing import ClassVar

from app.core import protocol as p
from app.core.state import MarketState, subaccount_of
from widgets.tables.cells import Cell, ColumnSpec, Tone

SUBACCOUNT_COLUMN = ColumnSpec("subaccount", "Sub", 4, numeric=True)


def subaccount_cell(subaccount: int) -> Cell:
    """A subaccount's number; the primary account (0) muted."""
    return Cell(str(subaccount), Tone.MUTED if subaccount == 0 else None)


class SubaccountColumn:
    """For a :class:`~widgets.tables.state_table.StateTable`: a ``Sub`` column after ``COLUMNS`` when
    the state has seen more than the primary account."""

    COLUMNS: ClassVar[tuple[ColumnSpec, ...]]
    market_state: MarketState | None

    def wanted_columns(self) -> tuple[ColumnSpec, ...]:
        """``COLUMNS``, and the subaccount column once more than the primary account was seen."""
        if self.market_state is not None and self.market_state.has_subaccounts:
            return (*self.COLUMNS, SUBACCOUNT_COLUMN)
        return self.COLUMNS

    def with_subaccount(self, cells: tuple[Cell, ...], message: p.Message) -> tuple[Cell, ...]:
        """``cells`` and, when the column is shown, the subaccount ``message`` is about."""
        if self.market_state is not None and self.market_state.has_subaccounts:
            return (*cells, subaccount_cell(subaccount_of(message)))
        return cells
