"""Tables that render rows from ``MarketState`` and update them in place.

:class:`StateTable` is a ``DataTable`` whose subclasses describe their rows as keyed tuples of
:class:`~widgets.tables.cells.Cell`; :meth:`StateTable.sync` diffs them against what is shown and touches
only what changed: new keys become rows, gone keys are removed, changed cells are updated with
``update_width=False`` (columns have fixed widths), and rows move only when the order changed. The
table is never cleared and rebuilt, and the cursor stays on its row.

:class:`FeedTable` shows an append-only bounded feed (a ``deque`` in the state) newest first: on
each update it adds only the items that arrived since the last one (at most ``max_rows`` of
them, the newest) and trims the oldest rows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from typing import ClassVar, Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.theme import Theme

from app.core.sanitize import printable
from app.core.state import Kind
from widgets._textual.data_table import LeanDataTable
from widgets.base import StateView
from widgets.pane_css import focusable_pane_css
from widgets.tables.cells import Cell, ColumnSpec, Tone, tone_css
from widgets.tables.compact import fit_number
from widgets.tables.feed_intake import FeedIntake
from widgets.tables.list_keys import DATA_TABLE_KEYS

Cells = tuple[Cell, ...]
Row = tuple[str, Cells]
ItemT = TypeVar("ItemT")

DEFAULT_FEED_ROWS = 500


class StateTable(StateView, LeanDataTable[Text]):
    """A ``DataTable`` of keyed rows computed from ``MarketState``, updated in place.

    Subclasses set ``SHOWS`` and ``COLUMNS`` and implement :meth:`table_rows`; a subclass whose
    columns depend on the state (one that appears once it has something to show) answers
    :meth:`wanted_columns`, and the extra columns are added on the right. With ``PINNED_TOP`` (the
    newest-first tables) a cursor on the top row stays on top as new rows arrive above it;
    elsewhere the cursor stays on the row it is on.
    """

    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = ()
    PINNED_TOP: ClassVar[bool] = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {tone.component for tone in Tone}
    BINDINGS: ClassVar[list[BindingType]] = [*DATA_TABLE_KEYS]

    DEFAULT_CSS = focusable_pane_css("StateTable", "scrollbar-gutter: stable;") + tone_css("StateTable")

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, name=name, id=id, classes=classes)
        self._cells: dict[str, Cells] = {}
        self._order: list[str] = []
        self._tones: dict[Tone, Style] = {}
        self._specs: tuple[ColumnSpec, ...] = ()  # the columns shown

    def on_mount(self) -> None:
        """Add the columns, resolve the tone styles, and draw the bound state."""
        self._show_wanted_columns()
        self._tones = self._resolve_tones()
        self.app.theme_changed_signal.subscribe(self, self._retone)
        if self.market_state is not None:
            self.state_changed(self.SHOWS, frozenset())

    @property
    def ready(self) -> bool:
        """True once mounted (columns added) and bound to a state."""
        return bool(self.columns) and self.market_state is not None

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Show the rows the state holds now."""
        if self.ready:
            self.sync(self.table_rows())

    def wanted_columns(self) -> tuple[ColumnSpec, ...]:
        """The columns to show now: ``COLUMNS``, and after them any the state calls for."""
        return self.COLUMNS

    def _add_columns(self, specs: Sequence[ColumnSpec]) -> None:
        for spec in specs:
            label = Text(spec.label, justify="right" if spec.numeric else "left")
            self.add_column(label, width=spec.width, key=spec.key, default=Text(""))
        self._specs = (*self._specs, *specs)

    def _show_wanted_columns(self) -> None:
        """Add the columns the state now calls for; the rows shown get their cells at the next sync."""
        wanted = self.wanted_columns()
        if len(wanted) > len(self._specs):
            self._add_columns(wanted[len(self._specs):])

    def table_rows(self) -> list[Row]:
        """Every row to show, in display order, as ``(key, cells)``."""
        raise NotImplementedError

    @property
    def row_keys(self) -> list[str]:
        """The keys of the rows shown, top to bottom."""
        return list(self._order)

    # -- updating in place ----------------------------------------------------------------------

    def sync(self, rows: Sequence[Row]) -> None:
        """Show exactly ``rows`` in this order, touching only rows and cells that changed."""
        self._show_wanted_columns()
        anchor = self._anchor()
        wanted = dict(rows)
        self._remove_rows([key for key in self._cells if key not in wanted])
        for key, cells in rows:
            old = self._cells.get(key)
            if old is None:
                self._add(key, cells)
            elif old != cells:
                self._update(key, old, cells)
        self._place([key for key, _ in rows])
        self._restore(anchor)

    def _add(self, key: str, cells: Cells) -> None:
        rendered = (self._cell_text(spec, cell) for spec, cell in zip(self._specs, cells))
        self.add_row(*rendered, key=key)
        self._cells[key] = cells

    def _update(self, key: str, old: Cells, new: Cells) -> None:
        for index, (spec, after) in enumerate(zip(self._specs, new)):
            if index >= len(old) or old[index] != after:
                self.update_cell(key, spec.key, self._cell_text(spec, after), update_width=False)
        self._cells[key] = new

    def _remove_rows(self, keys: list[str]) -> None:
        """Drop the rows of ``keys`` at once; :meth:`_place` then numbers the rows left."""
        self.remove_rows(keys)
        for key in keys:
            del self._cells[key]

    def _place(self, order: list[str]) -> None:
        """Number the rows in ``order`` (every row shown, once)."""
        if order != self._order:
            self.place_rows(order)
        self._order = order

    def _anchor(self) -> str | None:
        """The key of the row the cursor should stay on, or ``None`` to keep its index."""
        row = self.cursor_row
        if not self._order or (self.PINNED_TOP and row == 0) or row >= len(self._order):
            return None
        return self._order[row]

    def _restore(self, anchor: str | None) -> None:
        if anchor is not None and anchor in self._cells:
            index = self.get_row_index(anchor)
            if index != self.cursor_row:
                self.move_cursor(row=index, scroll=False)

    # -- tones ----------------------------------------------------------------------------------

    def _cell_text(self, spec: ColumnSpec, cell: Cell) -> Text:
        """The cell as drawn (once per change): its text made printable, in its tone; a number too
        wide for its column in a compact form (``12.35M``), never cut."""
        text = printable(cell.text)
        if spec.numeric and spec.width is not None:
            text = fit_number(text, spec.width)
        return Text(
            text,
            style=self._tones.get(cell.tone, "") if cell.tone else "",
            justify="right" if spec.numeric else "left",
            no_wrap=True,
            overflow="ellipsis",
            end="",
        )

    def _resolve_tones(self) -> dict[Tone, Style]:
        return {tone: self.get_component_styles(tone.component).partial_rich_style for tone in Tone}

    def _retone(self, _theme: Theme) -> None:
        """Re-render the toned cells when a theme change gave the tones new styles."""
        tones = self._resolve_tones()
        if tones == self._tones:
            return
        self._tones = tones
        for key, cells in self._cells.items():
            for spec, cell in zip(self._specs, cells):
                if cell.tone is not None:
                    self.update_cell(key, spec.key, self._cell_text(spec, cell), update_width=False)


class FeedTable(StateTable, Generic[ItemT]):
    """A bounded feed shown newest first: only new items are added, the oldest rows trimmed.

    Subclasses implement :meth:`source` (the state's bounded ``deque``, oldest first) and
    :meth:`cells`; :meth:`matches` filters items. Each item gets a number in arrival order, so
    its row keeps one key however the filter changes.
    """

    PINNED_TOP = True

    def __init__(
        self,
        *,
        max_rows: int = DEFAULT_FEED_ROWS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_rows = max_rows
        self._numbers: FeedIntake[ItemT] = FeedIntake()
        self._items: dict[str, ItemT] = {}  # the item of each row shown, by row key

    def source(self) -> deque[ItemT]:
        """The state's feed, oldest first."""
        raise NotImplementedError

    def cells(self, item: ItemT) -> Cells:
        """The cells of one item's row."""
        raise NotImplementedError

    def matches(self, item: ItemT) -> bool:
        """Whether ``item`` is shown (all are, unless a subclass filters)."""
        return True

    def item(self, key: str) -> ItemT | None:
        """The item shown in the row of ``key``, if that row is shown."""
        return self._items.get(key)

    def _remove_rows(self, keys: list[str]) -> None:
        for key in keys:
            self._items.pop(key, None)
        super()._remove_rows(keys)

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Add the newest items that arrived since the last change at the top; trim the oldest."""
        if not self.ready:
            return
        fresh = self._catch_up()
        if fresh is None or len(self.wanted_columns()) > len(self._specs):  # new column: every row
            self._show_whole_feed()
        else:
            self._prepend(self._feed_rows(fresh))

    def refill(self) -> None:
        """Show the newest ``max_rows`` matching items of the whole feed (after a filter change)."""
        if self.ready:
            self._catch_up()
            self._show_whole_feed()

    def _catch_up(self) -> list[ItemT] | None:
        return self._numbers.catch_up(self.source())

    def _show_whole_feed(self) -> None:
        self.sync(self._feed_rows(reversed(self.source())))

    def _feed_rows(self, newest_first: Iterable[ItemT]) -> list[Row]:
        """Rows of the matching items, newest first; the first item is the newest numbered."""
        numbered = self._numbers.numbered(newest_first, self.matches, self.max_rows)
        self._items.update(numbered)
        return [(key, self.cells(item)) for key, item in numbered]

    def _prepend(self, rows: list[Row]) -> None:
        if not rows:
            return
        anchor = self._anchor()
        kept = self._order[: max(0, self.max_rows - len(rows))]
        self._remove_rows(self._order[len(kept):])
        for key, cells in rows:
            self._add(key, cells)
        self._place([key for key, _ in rows] + kept)
        self._restore(anchor)

