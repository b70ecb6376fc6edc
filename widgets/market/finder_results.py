"""The market finder's hits, grouped by event: a line table that draws only the lines on screen.

Each event is a header row (its title and category in bold, its ticker dimmed), each market a
row under it (its sub-title or title, ticker, status and time to close). The cursor moves over the
markets only, and starts on the first one, so the field's ``enter`` and the highlighted row agree.
A new list of hits costs a list of keys and the rows on screen, whatever their number: Textual's
``OptionList`` measured and drew every option at each key of the search.
"""

from __future__ import annotations

from typing import ClassVar

from app.core.finder import EventHits
from widgets.formatting import countdown_text
from widgets.tables.cells import Cell, ColumnSpec, Tone, shown_width
from widgets.tables.line_table import Cells, LineTable

EVENT_KEY = "\0"  # an event row's key starts with it (no market ticker does)


class FinderResults(LineTable):
    """The finder's hits (see the module docstring); :meth:`show` sets them."""

    COLUMNS: ClassVar[tuple[ColumnSpec, ...]] = (
        ColumnSpec("market", "Market", 44),
        ColumnSpec("ticker", "Ticker", None),
        ColumnSpec("status", "Status", 14),
        ColumnSpec("closes", "Closes in", 10),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: dict[str, Cells] = {}

    def show(self, groups: list[EventHits], now: float) -> None:
        """List ``groups`` (the time to close counted from ``now``), the cursor on the first market."""
        rows: dict[str, Cells] = {}
        for group in groups:
            title = group.title or group.event_ticker
            rows[EVENT_KEY + group.event_ticker] = (
                Cell(f"{title} · {group.category}" if group.category else title, Tone.TOTAL),
                Cell(group.event_ticker, Tone.MUTED),
                Cell(""),  # the status and time to close are each market's
                Cell(""),
            )
            for hit in group.markets:
                closes = "" if hit.close_ts is None else countdown_text(hit.close_ts - now)
                rows[hit.ticker] = (Cell(f"  {hit.subtitle or hit.title or hit.ticker}"), Cell(hit.ticker, Tone.MUTED),
                                    Cell(hit.status or "status unknown"), Cell(closes))
        self._rows = rows
        self.widen("ticker", max((shown_width(key.removeprefix(EVENT_KEY)) for key in rows), default=0))
        self.set_rows(rows)
        self.invalidate_all()  # a market listed again may show another status or time to close
        self.cursor_row = 0
        self.move_cursor(0, scroll=False)
        self.scroll_to(y=0, animate=False)

    def row_cells(self, key: str) -> Cells:
        return self._rows[key]

    def hits(self) -> list[str]:
        """The tickers listed, top to bottom."""
        return [key for key in self.row_keys if not key.startswith(EVENT_KEY)]

    def highlighted(self) -> str | None:
        """The ticker under the cursor, if any."""
        key = self.cursor_key()
        return None if key is None or key.startswith(EVENT_KEY) else key

    def move_cursor(self, row: int, scroll: bool = True) -> None:
        """Put the cursor on the market at ``row``, or on the nearest one the way it moves (an
        event's header is passed over), else the other way."""
        keys = self.row_keys
        row = max(0, min(row, len(keys) - 1))
        step = -1 if row < self.cursor_row else 1
        for direction in (step, -step):
            market = row
            while 0 <= market < len(keys) and keys[market].startswith(EVENT_KEY):
                market += direction
            if 0 <= market < len(keys):
                super().move_cursor(market, scroll)
                return
