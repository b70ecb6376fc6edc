"""A ``DataTable`` for the tables that change often but not on every frame (fills, orders,
positions, RFQs, the lifecycle log, the event view): caches sized for a screen, and a cell
rendered once for each content and look, wherever it is shown. (The ticker grid and the trade
tape, which change on every frame under a firehose, are line tables: ``widgets/tables/line_table.py``.)

Textual's ``DataTable`` keys every render cache on a counter that moves with each update, so one
changed cell under a firehose makes it render every visible cell again, every frame (~130 µs a
cell through Rich's generic path); and its caches (10,000 cells, 1,000 lines and rows, each line a
``Strip`` with seven small caches of its own) then hold mostly stale renders, which the garbage
collector walks. :class:`LeanDataTable` keeps renders by what decides them: the cell's content
(text, styles, justification) and its look (column, width, base style, cursor, hover, focus,
theme). The same content in another row, a feed's rows moving down one at a time, or the same
ticker, price or side in many rows, reuses the render, with only the row number in its mouse
metadata changed, as ``DataTable`` itself would have produced it.

It also removes many rows at once and puts rows in any order (:meth:`LeanDataTable.remove_rows`,
:meth:`LeanDataTable.place_rows`), which ``DataTable`` offers only one row at a time, or by a sort.

All of it reads or sets ``DataTable`` internals (listed in ``COMPAT.md``); when the fast paths are
off (:mod:`widgets._textual.capability`) each method is ``DataTable``'s own, or its public API.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.cache import LRUCache
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, RowKey

from widgets._textual import capability

RENDERS_KEPT = 4_000  # cell renders kept: several screens of cells, however many rows the table has
LINES_KEPT = 200  # rendered lines (and rows) kept: a few screens

Lines = list[list[Segment]]


def content_key(value: object) -> Hashable | None:
    """What decides how ``value`` renders, as a dict key; None when it cannot be told cheaply."""
    if isinstance(value, Text):
        return (value.plain, value.style, tuple(value.spans), value.justify, value.overflow,
                value.no_wrap, value.end, value.tab_size)
    if isinstance(value, str):
        return value
    return None


def moved(lines: Lines, row_index: int, column_index: int) -> Lines:
    """``lines`` with the row number in their mouse metadata set to ``row_index``."""
    meta = Style.from_meta({"row": row_index, "column": column_index})
    return [
        [Segment(seg.text, seg.style + meta, seg.control) if seg.style is not None and seg.style._meta else seg
         for seg in line]
        for line in lines
    ]


class LeanDataTable(DataTable[CellType]):
    """A ``DataTable`` that renders a content once per look (see the module docstring)."""

    _columns_in_order: tuple[object, int, list[Any]] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not capability.active():
            return
        self._row_render_cache = LRUCache(LINES_KEPT)
        self._cell_render_cache = LRUCache(LINES_KEPT)  # only headers and labels go through it now
        self._line_cache = LRUCache(LINES_KEPT)
        # A plain dict, oldest evicted first: Textual's LRUCache.set never replaces a key's value.
        self._renders: dict[Hashable, tuple[int, Lines]] = {}

    @property
    def ordered_columns(self) -> list[Any]:
        """The columns as they appear on screen (``DataTable`` works them out on every call: for
        every row added and every line drawn). Columns only move when one is added or removed."""
        if not capability.active():
            return super().ordered_columns
        cached = self._columns_in_order
        locations, count = self._column_locations, len(self.columns)
        if cached is None or cached[0] is not locations or cached[1] != count:
            ordered = [self.columns[key] for index in range(count) if (key := locations.get_key(index)) is not None]
            cached = self._columns_in_order = (locations, count, ordered)
        return list(cached[2])

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Lines:
        # the header row and the row labels as DataTable draws them (and every cell on the stock path)
        if row_index < 0 or column_index < 0 or not capability.active():
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:  # not a cell of this table (Textual's answer)
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        content = content_key(self._data[row_key][column_key])
        if content is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (content, column_index, base_style, width, cursor, hover, self._show_hover_cursor,
               self.show_cursor, self._pseudo_class_state, self.app.theme,
               row_index < self.fixed_rows, self.rows[row_key].height)
        renders = self._renders
        rendered = renders.get(key)
        if rendered is not None:
            rendered_row, lines = rendered
            if rendered_row != row_index:
                lines = moved(lines, row_index, column_index)
                renders[key] = (row_index, lines)
            return lines
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        if len(renders) >= RENDERS_KEPT:
            del renders[next(iter(renders))]
        renders[key] = (row_index, lines)
        return lines

    def _update_dimensions(self, new_rows: Any) -> None:
        """The virtual size, without measuring new rows when no column or row sizes to content.

        ``DataTable`` measures every cell of every new row to widen auto-width columns; with
        fixed widths and heights (every column of a trade tape) that only costs time.
        """
        rows = self.rows
        if not capability.active() or any(column.auto_width for column in self.columns.values()) or any(
            row.label is not None or row.auto_height
            for row in (rows.get(key) for key in new_rows) if row is not None
        ):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width, self._total_row_height + header_height)

    def remove_rows(self, keys: list[str]) -> None:
        """Remove the rows of ``keys``; the rows left keep their places until :meth:`place_rows`
        numbers them (which must follow).

        ``DataTable.remove_row`` renumbers every row and repaints the hover cell on each call, so
        trimming a feed by k rows would cost k × rows per frame; this costs k.
        """
        if not capability.active():
            for key in keys:
                self.remove_row(key)
            return
        for key in keys:
            row_key = RowKey(key)
            del self.rows[row_key], self._data[row_key]
        if keys:
            self._require_update_dimensions = True
            self.check_idle()

    def place_rows(self, order: list[str]) -> None:
        """Number the rows in ``order`` (every row, once), as ``DataTable.sort`` does: it has no
        public way to put a row anywhere but at the bottom, except a sort by cell values."""
        if not capability.active():
            first_cells = {id(self.get_row(key)[0]): index for index, key in enumerate(order)}
            first_column = self.ordered_columns[0].key
            self.sort(first_column, key=lambda cell: first_cells[id(cell)])
        else:
            self._row_locations = TwoWayDict({RowKey(key): index for index, key in enumerate(order)})
            self._update_count += 1
            self.refresh()
        self.cursor_coordinate = self.cursor_coordinate  # clamped to the rows left
