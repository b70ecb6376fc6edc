"""A ``DataTable`` for tables updated many times a second: caches sized for a screen, and cells
rendered again only when they change.

Textual's ``DataTable`` keys every render cache on a counter that moves with each update, so one
changed cell under a firehose makes it render every visible cell again, every frame; and its caches
(10,000 cells, 1,000 lines and rows, each line a ``Strip`` with seven small caches of its own) then
hold mostly stale renders, which the cyclic garbage collector scans on every full collection.
:class:`LeanDataTable` keeps the last render of each cell with the value it showed and everything
its look depends on, and reuses it while those are unchanged; and sizes the caches for a screen.

It reads ``DataTable`` internals (``_render_cell``, ``_row_locations``, ``_data``): Textual is
pinned exactly in ``pyproject.toml``, and the snapshot tests would show any drift.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.widgets import DataTable
from textual.widgets.data_table import CellType

CELLS_KEPT = 4_000  # renders kept: several screens of cells, however many rows the table has
LINES_KEPT = 200  # rendered lines (and rows) kept: a few screens


class LeanDataTable(DataTable[CellType]):
    """A ``DataTable`` that re-renders only the cells that changed (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._row_render_cache = LRUCache(LINES_KEPT)
        self._cell_render_cache = LRUCache(LINES_KEPT)  # only headers and labels go through it now
        self._line_cache = LRUCache(LINES_KEPT)
        # a plain dict: Textual's LRUCache.set keeps the first value of a key, never a newer one
        self._cells_shown: dict[Any, tuple[tuple[Any, ...], Any, list[list[Segment]]]] = {}

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        if row_index < 0 or column_index < 0:  # the header row and row labels, as DataTable does
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        value = self._data[row_key][column_key]
        look = (row_index, column_index, base_style, width, cursor, hover, self._show_hover_cursor,
                self.show_cursor, self._pseudo_class_state, self.app.theme)
        shown = self._cells_shown.get((row_key, column_key))
        if shown is not None and shown[1] is value and shown[0] == look:
            return shown[2]
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        shown_cells = self._cells_shown
        if shown is None and len(shown_cells) >= CELLS_KEPT:
            del shown_cells[next(iter(shown_cells))]  # the oldest first
        shown_cells[(row_key, column_key)] = (look, value, lines)
        return lines
