"""A table drawn line by line (Textual's Line API), for rows that change many times a second.

``DataTable`` keeps every row as renderables and does its bookkeeping for each row added,
updated or removed, whether or not the row is on screen: under a firehose the ticker grid spent
~30 ms and the trade tape ~20 ms taking in each batch of changes, and as much again drawing them.
:class:`LineTable` keeps only the order of the row keys. A row's cells are asked of the subclass
(:meth:`LineTable.row_cells`) when the row is drawn, and its line is kept (one for each look: odd
or even stripe, under the cursor) until the row changes (:meth:`LineTable.invalidate`, which keeps
it when the cells come out the same); a new order of keys costs a list, and repaints only the lines
whose row, stripe or cursor moved. So a tape taking in 500 trades turns only the twenty on screen
into lines, and a grid of 1,000 markets draws only the changed rows that are in view. Rows added
on top (a feed, newest first) move the stripes down with the rows below them, so those keep their
lines whatever the number added: an intake draws the new rows' lines only. A line is put together
from its cells' segments, each padded and styled once for all rows (a price or a status repeats
down a column), and only the columns in view are drawn.

It looks like a ``DataTable`` with a row cursor and zebra stripes: a fixed header, cells padded
by ``CELL_PADDING`` blanks, numbers right-justified, text cut with an ellipsis, the cursor row
highlighted (dimmer while the table has no focus). Up/Down/PageUp/PageDown/Home/End move the
cursor, Enter or a click posts :class:`LineTable.RowSelected`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from app.core.sanitize import printable
from widgets._textual.direct_lines import DirectLines
from widgets._textual.virtual_size import set_virtual_size
from widgets.line_runs import refresh_lines
from widgets.tables.cells import Cell, ColumnSpec, Tone, tone_css
from widgets.tables.compact import cut, fit_number

Cells = tuple[Cell, ...]
LINES_KEPT = 2_000  # rendered rows kept (several screens); past that the cache starts again
PIECES_KEPT = 10_000  # drawn cells kept a look (a few hundred screens); past that it starts again
PLAIN = Style()  # the look of a row on the odd stripe: the widget's own style
# A row's looks (the component class it is drawn in): the odd stripe (the widget's own style), the
# even stripe, under the cursor.
ODD_LOOK, EVEN_LOOK, CURSOR_LOOK = "", "line-table--even-row", "line-table--cursor"
LOOKS = (ODD_LOOK, EVEN_LOOK, CURSOR_LOOK)


class LineTable(DirectLines, ScrollView, can_focus=True):
    """Rows of :class:`~widgets.tables.cells.Cell` under a fixed header, drawn only when on screen.

    Subclasses set ``COLUMNS`` (``width=None``: as wide as the widest text given to
    :meth:`widen`), implement :meth:`row_cells`, and call :meth:`set_rows` with the keys in
    display order and :meth:`invalidate` with the keys whose cells changed. With ``PINNED_TOP``
    a cursor on the top row stays on top as rows arrive above it; otherwise the cursor stays on
    its row's key.
    """

    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = ()
    CELL_PADDING: ClassVar[int] = 1
    # Blank cells a number keeps on its left inside its column (a table without cell padding keeps
    # its columns apart so); a number too wide for the rest takes a compact form (12.35M).
    NUMERIC_GAP: ClassVar[int] = 0
    PINNED_TOP: ClassVar[bool] = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-table--header",
        "line-table--cursor",
        "line-table--even-row",
    } | {tone.component for tone in Tone}

    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .line-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .line-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .line-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """ + tone_css("LineTable")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up,k", "cursor_up", "Cursor up", show=False),
        Binding("down,j", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home,g", "first_row", "First row", show=False),
        Binding("end,ctrl+end,G", "last_row", "Last row", show=False),
        Binding("left,h", "scroll_left", "Scroll left", show=False),
        Binding("right,l", "scroll_right", "Scroll right", show=False),
    ]

    class RowSelected(Message):
        """The user chose the row under the cursor (Enter, or a click on it)."""

        def __init__(self, table: LineTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> LineTable:
            """The table the row is in."""
            return self.table

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.cursor_row = 0
        self._keys: list[str] = []
        self._index: dict[str, int] | None = {}  # the row of each key; None: not built since set_rows
        self._cells: dict[str, Cells] = {}
        self._lines: dict[tuple[str, str], Strip] = {}  # by key and look (see _draw)
        self._stripe = 0  # 0: the top row is on the even stripe; 1: on the other one
        self._header: Strip | None = None
        self._widths = [column.width if column.width is not None else cell_len(self.header_label(column))
                        for column in self.COLUMNS]
        self._styles: dict[str, Style] = {}
        # Each look's cells as drawn, by column, text and tone: a row that changed is put together
        # from the segments of its cells, and only a cell not seen before is padded and styled.
        self._pieces: dict[str, dict[tuple[int, str, Tone | None], Segment]] = {}
        self._line_width = sum(self._widths) + 2 * self.CELL_PADDING * len(self._widths)
        self._window = (0, 0)  # the columns the kept lines show: from the scroll offset x to its end

    def on_mount(self) -> None:
        """Follow theme changes (the cached lines carry the theme's colours)."""
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.restyle())
        self._fit_virtual_size()

    # -- rows -----------------------------------------------------------------------------------

    def row_cells(self, key: str) -> Cells:
        """The cells of the row of ``key``, one per column (asked when the row is drawn)."""
        raise NotImplementedError

    @property
    def row_keys(self) -> list[str]:
        """The keys of the rows, top to bottom."""
        return list(self._keys)

    @property
    def row_count(self) -> int:
        """How many rows the table has."""
        return len(self._keys)

    def header_label(self, column: ColumnSpec) -> str:
        """The header text of ``column`` (its label)."""
        return column.label

    def get_cell(self, key: str, column: str) -> str:
        """The text of one cell (the row of ``key``, the column keyed ``column``)."""
        index = [spec.key for spec in self.COLUMNS].index(column)
        return self._row(key)[index].text

    def index_of(self, key: str) -> int | None:
        """The row number of ``key``, or None when it has no row."""
        index = self._index
        if index is None:  # built at the first question after a new order, not for every order
            index = self._index = dict(zip(self._keys, range(len(self._keys))))
        return index.get(key)

    def set_rows(self, keys: Iterable[str], *, added_on_top: int = 0) -> None:
        """Show the rows of ``keys`` in this order; the cursor stays on its row (or on top).

        ``added_on_top``: how many of the first keys are new rows above those shown before; the
        stripes move down with the rows, so each row shown before keeps its stripe (and its line).
        A new order costs a copy of the keys: the cells kept are those of the rows on screen in
        it (the others are asked for again when drawn), and the index of every row is built only
        when asked for (:meth:`index_of`): a filter's key over 20,000 markets draws a screenful.
        Rows added under those shown (a catalog coming in, in the order its markets were seen)
        keep every row drawn as it is: only the new ones are indexed, and drawn as they come into
        view.
        """
        keys, shown = list(keys), self._keys
        if keys == shown:
            return
        before = self._lines_in_view()
        self._stripe = (self._stripe + added_on_top) % 2
        anchor = self._cursor_anchor()
        appended = bool(shown) and len(keys) > len(shown) and keys[:len(shown)] == shown
        if appended:
            if self._index is not None:
                self._index.update(zip(keys[len(shown):], range(len(shown), len(keys))))
        else:
            self._index = None
            if self._cells:
                top, bottom = self._visible_rows()
                on_screen = set(keys[top:bottom + 1])  # and the row a horizontal scrollbar covers: Textual draws it
                for gone in [key for key in self._cells if key not in on_screen]:
                    del self._cells[gone]
                    self._forget_lines(gone)
        self._keys = keys
        if anchor is not None and not appended:
            row = self._row_of(anchor)
            if row is not None:
                self.cursor_row = row
        self.cursor_row = max(0, min(self.cursor_row, len(keys) - 1))
        if len(self._lines) > LINES_KEPT:
            self._lines.clear()
        self._fit_virtual_size(repaint=False)
        if appended:
            top, bottom = self._visible_rows()
            refresh_lines(self, range(max(top, len(shown)) + 1, min(bottom, len(keys)) + 1))  # the header is line 0
            return
        top, after = self._lines_in_view()
        if top != before[0] or len(after) != len(before[1]):  # scrolled (fewer rows) or resized
            self.refresh()
        else:  # the lines whose row, stripe or cursor moved: not the header, the border or the others
            refresh_lines(self, [top + line for line, (was, now) in enumerate(zip(before[1], after), 1) if was != now])

    def invalidate(self, keys: Iterable[str]) -> None:
        """The cells of ``keys`` changed: draw their rows again (those on screen, at once, when
        their cells differ from those drawn: a row whose shown values did not move keeps its line)."""
        cells = self._cells
        changed = keys if isinstance(keys, (set, frozenset, dict)) else set(keys)
        # Only rows drawn since they last changed hold cells and lines to drop: the fewer side is
        # walked (a grid's intake names most of 1,000 markets; a few dozen rows were drawn).
        if len(changed) > len(cells):
            drawn = [key for key in cells if key in changed]
        else:
            drawn = [key for key in changed if key in cells]
        top, bottom = self._visible_rows()
        on_screen = dict(zip(self._keys[top:bottom], range(top + 1, bottom + 1)))  # virtual lines: the header is 0
        shown = []
        for key in drawn:
            old = cells.pop(key)
            line = on_screen.get(key)
            if line is not None and self._row(key) == old:
                continue  # on screen and drawn as it is: its line stays
            self._forget_lines(key)
            if line is not None:
                shown.append(line)
        refresh_lines(self, shown)

    def invalidate_all(self) -> None:
        """Every row's cells changed (a theme, a clock, a column width): draw them all again."""
        self._cells.clear()
        self._lines.clear()
        self._pieces.clear()
        self._header = None
        self.refresh()

    def widen(self, column: str, width: int) -> None:
        """Make an auto-width column at least ``width`` cells wide (it never narrows)."""
        index = [spec.key for spec in self.COLUMNS].index(column)
        if self.COLUMNS[index].width is None and width > self._widths[index]:
            self._widths[index] = width
            self._line_width = sum(self._widths) + 2 * self.CELL_PADDING * len(self._widths)
            self._fit_virtual_size()
            self.invalidate_all()

    def relabel(self) -> None:
        """The header's labels changed (:meth:`header_label`): draw the header again."""
        self._header = None
        self.refresh()

    def restyle(self) -> None:
        """Look up the component styles again (theme or focus changed) and redraw."""
        self._styles.clear()
        self._lines.clear()
        self._pieces.clear()
        self._header = None
        self.refresh()

    def visible_keys(self) -> list[str]:
        """The keys of the rows on screen, top to bottom."""
        top, bottom = self._visible_rows()
        return self._keys[top:bottom]

    def _row(self, key: str) -> Cells:
        """The row's cells as drawn, kept until the row changes: their text made printable."""
        cells = self._cells.get(key)
        if cells is None:
            cells = self._cells[key] = tuple(
                cell if cell.text.isprintable() else Cell(printable(cell.text), cell.tone)
                for cell in self.row_cells(key)
            )
        return cells

    def _lines_in_view(self) -> tuple[int, list[tuple[str, bool, bool] | None]]:
        """The first row in view, and what each row line in view shows (its key, whether on the
        even stripe, whether under the cursor; None below the last row)."""
        top, bottom = self._visible_rows()
        keys, stripe, cursor = self._keys, self._stripe, self.cursor_row
        end = min(bottom + 1, len(keys))  # and the row a horizontal scrollbar covers: Textual draws it
        return top, [(keys[row], (row + stripe) % 2 == 0, row == cursor) for row in range(top, end)] + [
            None] * (bottom + 1 - max(top, end))

    def _forget_lines(self, key: str) -> None:
        """Drop the lines kept for the row of ``key`` (its cells changed, or it left)."""
        for look in LOOKS:
            self._lines.pop((key, look), None)

    def _cursor_anchor(self) -> str | None:
        row = self.cursor_row
        if not self._keys or (self.PINNED_TOP and row == 0) or row >= len(self._keys):
            return None
        return self._keys[row]

    def _row_of(self, key: str) -> int | None:
        """The row of ``key`` without building the index (one scan of the keys in C)."""
        if self._index is not None:
            return self._index.get(key)
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    def _visible_rows(self) -> tuple[int, int]:
        top = int(self.scroll_offset.y)
        return top, top + max(0, self.scrollable_content_region.height - 1)

    def _fit_virtual_size(self, repaint: bool = True) -> None:
        set_virtual_size(self, Size(self._line_width, len(self._keys) + 1), repaint=repaint)

    # -- cursor ---------------------------------------------------------------------------------

    def move_cursor(self, row: int, scroll: bool = True) -> None:
        """Put the cursor on row ``row`` (clamped to the rows), scrolling it into view."""
        row = max(0, min(row, len(self._keys) - 1))
        if row != self.cursor_row:
            top, bottom = self._visible_rows()
            for line in (self.cursor_row, row):
                if top <= line < bottom:
                    self.refresh_line(line + 1)
            self.cursor_row = row
        if scroll:
            self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        top, bottom = self._visible_rows()
        body = max(1, bottom - top)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= bottom:
            self.scroll_to(y=self.cursor_row - body + 1, animate=False)

    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        return self._keys[self.cursor_row] if 0 <= self.cursor_row < len(self._keys) else None

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        top, bottom = self._visible_rows()
        self.move_cursor(self.cursor_row - max(1, bottom - top))

    def action_page_down(self) -> None:
        top, bottom = self._visible_rows()
        self.move_cursor(self.cursor_row + max(1, bottom - top))

    def action_first_row(self) -> None:
        self.move_cursor(0)

    def action_last_row(self) -> None:
        self.move_cursor(len(self._keys) - 1)

    def action_select_cursor(self) -> None:
        """Post :class:`RowSelected` for the row under the cursor."""
        key = self.cursor_key()
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def on_click(self, event: events.Click) -> None:
        """A click on a row puts the cursor there and selects it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = offset.y - 1 + int(self.scroll_offset.y)
        if row < len(self._keys):
            self.move_cursor(row, scroll=False)
            self.action_select_cursor()

    def on_focus(self) -> None:
        self.restyle()

    def on_blur(self) -> None:
        self.restyle()

    # -- drawing --------------------------------------------------------------------------------

    def drawing_context(self) -> tuple[int, int, int]:
        """The view's width and scroll offset (x, y) for the lines drawn in one call."""
        offset = self.scroll_offset
        return self.scrollable_content_region.width, int(offset.x), int(offset.y)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the view: the header, a row, or blank below the last row."""
        width, scroll_x, scroll_y = self._drawing or self.drawing_context()
        start, end = scroll_x, scroll_x + width
        if (start, end) != self._window:  # lines are kept as the view shows them
            self._window = (start, end)
            self._lines.clear()
            self._header = None
        if y == 0:
            if self._header is None:
                header = tuple(Cell(self.header_label(spec)) for spec in self.COLUMNS)
                self._header = self._draw(header, "line-table--header", start, end)
            return self._header
        index = scroll_y + y - 1
        if index >= len(self._keys):
            empty = self.empty_text() if index == 0 else ""
            if empty:
                return Strip([Segment(f" {empty}", self._style("state-table--muted"))]).extend_cell_length(width)
            return Strip.blank(width)
        key = self._keys[index]
        if index == self.cursor_row:
            look = CURSOR_LOOK
        else:
            look = EVEN_LOOK if (index + self._stripe) % 2 == 0 else ODD_LOOK
        line = self._lines.get((key, look))
        if line is None:
            line = self._lines[key, look] = self._draw(self._row(key), look, start, end)
        return line

    def empty_text(self) -> str:
        """What the first line says when there are no rows (nothing by default); plain text."""
        return ""

    def _draw(self, cells: Cells, look: str, start: int = 0, end: int | None = None) -> Strip:
        """One row's line in ``look`` (the component class of the header, the cursor or the even
        stripe, or ``""`` for the odd stripe: the widget's own style), its cells ``start`` to
        ``end`` (None: the whole row) padded in the look's style past the row's end: what
        ``Strip.crop_extend`` makes of the whole row, without making the whole row first."""
        pieces = self._pieces.get(look)
        if pieces is None or len(pieces) > PIECES_KEPT:
            pieces = self._pieces[look] = {}
        end = self._line_width if end is None else end
        if end <= start:
            return Strip([], 0)
        pad = 2 * self.CELL_PADDING
        segments = []
        left = 0
        for column, cell in zip(range(len(self.COLUMNS)), cells):
            right = left + self._widths[column] + pad
            if right > start:
                if left >= end:
                    break
                key = (column, cell.text, cell.tone)
                segment = pieces.get(key)
                if segment is None:
                    segment = pieces[key] = self._piece(column, cell, look)
                if left < start:
                    segment = segment.split_cells(start - left)[1]
                if right > end:
                    segment = segment.split_cells(end - max(left, start))[0]
                segments.append(segment)
            left = right
        if end > max(left, start):
            segments.append(Segment(" " * (end - max(left, start)), self._style(look) if look else PLAIN))
        return Strip(segments, end - start)

    def _piece(self, column: int, cell: Cell, look: str) -> Segment:
        """One cell in ``look``: padded, cut or compacted to its column; the tone's colour shows
        over the look's style, or under it on the cursor row."""
        spec, width, gap = self.COLUMNS[column], self._widths[column], self.NUMERIC_GAP
        text = cell.text
        size = cell_len(text)
        if spec.numeric and size > width - gap:
            text = fit_number(text, width - gap)
            size = cell_len(text)
        if size > width:
            text = cut(text, width)
        elif size < width:
            text = " " * (width - size) + text if spec.numeric else text + " " * (width - size)
        base = self._style(look) if look else PLAIN
        style = base
        if cell.tone is not None:
            tone = self._style(cell.tone.component)
            style = tone + base if look == CURSOR_LOOK else base + tone
        pad = " " * self.CELL_PADDING
        return Segment(pad + text + pad, style)

    def _style(self, component: str) -> Style:
        style = self._styles.get(component)
        if style is None:
            partial = component.startswith("state-table--")
            style = self._styles[component] = self.get_component_rich_style(component, partial=partial)
        return style
