"""The small chart under a ladder: one market's last price, yes bid and yes ask since start.

A legend line (the current values and how much history the chart holds), then the chart: the ask
and the bid as dotted lines with the spread shaded between them and the last price as a line over
them, the newest at the right edge, the highest and lowest price on the left. Drawn from ``MarketState.history``
(see :mod:`app.core.history`); redrawn only when that market's history changed, and at most ``REDRAW_HZ``
times a second (the busiest market's history changes at every frame, and a chart costs a few ms).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from app.core.history import PriceHistory
from app.core.state import Kind
from widgets.base import StateView
from widgets.formatting import price_text
from widgets.market.chart_model import Mark, chart
from widgets.painted import Paint, PaintedCell, Palette, painted_strip
from widgets.throttle import Throttle

AXIS_W = 7
REDRAW_HZ = 4.0
PAINT: dict[Mark, Paint] = {
    Mark.EMPTY: (), Mark.BID: ("bid",), Mark.ASK: ("ask",), Mark.BOTH: ("ask",), Mark.BAND: ("band",),
    Mark.LAST: ("last",),
}


def _last(values: list[int | None]) -> int | None:
    return values[-1] if values else None


class PriceChart(Widget, StateView):
    """Last, bid and ask of one market over the changes since start."""

    SHOWS: ClassVar[Kind] = Kind.TICKER | Kind.TRADE

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "price-chart--last",
        "price-chart--bid",
        "price-chart--ask",
        "price-chart--band",
        "price-chart--axis",
    }
    DEFAULT_CSS = """
    PriceChart {
        height: 7;
        border: round $panel;
        & > .price-chart--last {
            color: $text-accent;
            text-style: bold;
        }
        & > .price-chart--bid {
            color: $text-success;
        }
        & > .price-chart--ask {
            color: $text-error;
        }
        & > .price-chart--band {
            color: $text-muted;
        }
        & > .price-chart--axis {
            color: $text-muted;
        }
    }
    """

    def __init__(self, ticker: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ticker = ticker
        self._drawn_changes = -1
        self._throttle = Throttle(self, REDRAW_HZ, self._redraw)
        self._palette: Palette | None = None
        self._lines: list[Strip] = []
        self._lines_key: tuple[object, ...] | None = None

    @property
    def history(self) -> PriceHistory | None:
        """The market's history, if anything was recorded yet."""
        state = self.market_state
        return None if state is None else state.history.get(self.ticker)

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Redraw when this market's history grew: now, or at the next slot (``REDRAW_HZ``)."""
        if self._changes() != self._drawn_changes:
            self._throttle.request()

    @property
    def redraw_pending(self) -> bool:
        """True while a change waits for the next redraw slot."""
        return self._throttle.pending

    def _changes(self) -> int:
        history = self.history
        return history.changes if history is not None else 0

    def _redraw(self) -> None:
        self._drawn_changes = self._changes()
        self.refresh()

    def _component(self, role: str) -> Style:
        return self.get_component_rich_style(f"price-chart--{role}", partial=True)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines of ``crop``; the whole chart is drawn again only after a redraw or a resize."""
        width, height = self.content_region.size
        key = (self._drawn_changes, width, height, self.rich_style)
        if key != self._lines_key:
            base = key[-1]
            palette = self._palette
            if palette is None or palette.base != base:
                palette = self._palette = Palette(self._component, base)
            self._lines = [painted_strip(cells, palette, width) for cells in self._cells(width, height)]
            self._lines_key = key
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """Line ``y``: the legend, then the chart's rows."""
        lines = self._lines
        if y < len(lines):
            return lines[y]
        return Strip.blank(self.content_region.width, self.rich_style)

    def _cells(self, width: int, height: int) -> list[list[PaintedCell]]:
        """The legend and the chart, as wide and high as the widget's content."""
        history = self.history
        if history is None or not len(history):
            return [[(" no prices yet", ("axis",))]]
        last, bid, ask = history.last, history.bid, history.ask
        legend: list[PaintedCell] = []
        for glyph, role, value in (("─", "last", _last(last)), ("┄", "bid", _last(bid)),
                                   ("┄", "ask", _last(ask))):
            legend += [(f" {glyph} ", (role,)), (f"{role} {price_text(value)} ", ())]
        per = f" · {history.stride} per column" if history.stride > 1 else ""
        legend.append((f"  {history.changes:,} changes since start{per}", ("axis",)))
        drawn = chart(last, bid, ask, max(1, width - AXIS_W - 1), max(1, height - 1))
        lines = [legend]
        for index, row in enumerate(drawn.rows):
            label = ""
            if index == 0:
                label = price_text(drawn.high)
            elif index == len(drawn.rows) - 1:
                label = price_text(drawn.low)
            line: list[PaintedCell] = [(label.rjust(AXIS_W) + " ", ("axis",))]
            line += [(glyph, PAINT[mark]) for glyph, mark in row]
            lines.append(line)
        return lines
