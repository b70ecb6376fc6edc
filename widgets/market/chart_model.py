"""Pictures of a price history: the grid's sparkline and the small chart under the ladder.

Both are drawn from :class:`app.core.history.PriceHistory` samples (oldest first, one per change) as
plain characters with a role per cell, so the widgets only add colours. Pure functions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.core.history import downsample

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int | None], width: int) -> str:
    """``values`` as at most ``width`` block glyphs, lowest ``▁`` to highest ``█``; a blank where
    a value is unknown; a flat line in the middle when every value is the same."""
    points = downsample(values, width)
    known = [v for v in points if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    top = len(SPARKS) - 1
    out = []
    for value in points:
        if value is None:
            out.append(" ")
        elif high == low:
            out.append(SPARKS[top // 2])
        else:
            out.append(SPARKS[(value - low) * top // (high - low)])
    return "".join(out)


class Mark(enum.Enum):
    """What a chart cell shows; the widget styles each one."""

    EMPTY = "empty"
    BAND = "band"  # between the bid and the ask
    BID = "bid"
    ASK = "ask"
    BOTH = "both"  # bid and ask on one row (a spread narrower than the row's height)
    LAST = "last"  # a piece of the last price's line


# The last price is a line: flat ─, and on a move the corners of the step (as asciichart draws).
FLAT, VERTICAL = "─", "│"
UP_FROM, UP_TO, DOWN_FROM, DOWN_TO = "╯", "╭", "╮", "╰"
_GLYPHS = {Mark.EMPTY: " ", Mark.BAND: "░", Mark.BID: "┄", Mark.ASK: "┄", Mark.BOTH: "┄"}
ChartCell = tuple[str, Mark]


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of ``height`` rows (top first) by ``width`` columns, and the prices at its edges."""

    rows: tuple[tuple[ChartCell, ...], ...]
    low: int | None
    high: int | None

    @property
    def text(self) -> list[str]:
        """The rows as plain text."""
        return ["".join(glyph for glyph, _mark in row) for row in self.rows]


def chart(last: list[int | None], bid: list[int | None], ask: list[int | None], width: int,
          height: int) -> Chart:
    """The bid and the ask as dotted lines with the spread shaded between them, and the last
    price as a line over them: the whole history in at most ``width`` columns (each the latest
    sample of its span), the newest at the right edge."""
    last, bid, ask = (downsample(series, width) for series in (last, bid, ask))
    known = [v for series in (last, bid, ask) for v in series if v is not None]
    grid: list[list[ChartCell]] = [[(" ", Mark.EMPTY)] * width for _ in range(height)]
    if not known or height <= 0:
        return Chart(tuple(tuple(row) for row in grid), None, None)
    low, high = min(known), max(known)

    def row_of(value: int) -> int:
        """The grid row of a price (row 0 at the top, the highest price)."""
        if high == low:
            return height // 2
        return (height - 1) - (value - low) * (height - 1) // (high - low)

    def put(row: int, column: int, mark: Mark, glyph: str | None = None) -> None:
        grid[row][column] = (glyph if glyph is not None else _GLYPHS[mark], mark)

    offset = width - len(last)
    before: int | None = None  # the row of the last price in the previous column
    for index in range(len(last)):
        b, a, price = bid[index], ask[index], last[index]
        column = offset + index
        if b is not None and a is not None:
            for row in range(row_of(a) + 1, row_of(b)):
                put(row, column, Mark.BAND)
        if b is not None:
            put(row_of(b), column, Mark.BID)
        if a is not None:
            put(row_of(a), column, Mark.BOTH if b is not None and row_of(a) == row_of(b) else Mark.ASK)
        if price is None:
            before = None
            continue
        now = row_of(price)
        if before is None or before == now:
            put(now, column, Mark.LAST, FLAT)
        else:
            up = now < before
            put(before, column, Mark.LAST, UP_FROM if up else DOWN_FROM)
            put(now, column, Mark.LAST, UP_TO if up else DOWN_TO)
            for row in range(min(now, before) + 1, max(now, before)):
                put(row, column, Mark.LAST, VERTICAL)
        before = now
    return Chart(tuple(tuple(row) for row in grid), low, high)
