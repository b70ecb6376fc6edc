"""The keys every list answers as a vim user expects, for the tables built on Textual's DataTable
(the line tables, widgets/tables/line_table.py, bind the same keys to their own actions): ``j`` / ``k``
down / up, ``g`` / ``G`` first / last row, ``h`` / ``l`` scroll left / right."""

from __future__ import annotations

from textual.binding import Binding

DATA_TABLE_KEYS: list[Binding] = [
    Binding("k", "cursor_up", "Cursor up", show=False),
    Binding("j", "cursor_down", "Cursor down", show=False),
    Binding("g", "scroll_top", "First row", show=False),
    Binding("G", "scroll_bottom", "Last row", show=False),
    Binding("h", "cursor_left", "Scroll left", show=False),
    Binding("l", "cursor_right", "Scroll right", show=False),
]
