"""The ticker grid: one row per market seen on the ``ticker`` channel.

Rows are keyed by market ticker and updated cell by cell (``update_cell(update_width=False)``);
the table is never cleared and rebuilt on an update. A cell whose value moved flashes briefly,
green with ``▲`` when up and red with ``▼`` when down. Sort by any column from the keyboard
(``o`` picks the next column, ``r`` reverses); a filter keeps the rows whose ticker or title
contains the text. Enter posts :class:`TickerGrid.MarketChosen`, ``e`` :class:`TickerGrid.EventChosen`.

``f`` stars the market under the cursor (the ★ column; the app saves the watchlist) and ``w``
shows the watchlist only. The Trend column is a sparkline of the last price since start (from
``MarketState.history``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowKey

from app.state import Kind, MarketState
from app.watchlist import Watchlist
from widgets.base import StateView
from widgets.chart_model import sparkline
from widgets.flashes import Flashes
from widgets.throttle import Throttle
from widgets.messages import MarketMessage
from widgets.lean_table import LeanDataTable
from widgets.formatting import (
    DOWN,
    EMPTY,
    UP,
    change_text,
    clock_of,
    count_text,
    countdown_text,
    price_text,
)

FLASH_SECONDS = 1.0
RESORT_SECONDS = 0.5
# A DataTable redraws every visible cell when any cell changes, so the grid takes in changes at
# most this often (the feed may announce them 30 times a second); flashes last longer than a slot.
REDRAW_HZ = 5.0
TREND_WIDTH = 10
STAR = "★"


class RowValues(NamedTuple):
    """What one grid row shows, in exact units; ``None`` where unknown."""

    ticker: str
    last: int | None
    yes_bid: int | None
    yes_ask: int | None
    spread: int | None
    change: int | None
    volume: int | None
    open_interest: int | None
    status: str | None
    close_ts: int | None
    title: str | None
    starred: bool = False
    trend: str = ""


@dataclass(frozen=True, slots=True)
class GridColumn:
    """One column: its key (a ``RowValues`` field), label, width and how to show a value."""

    key: str
    label: str
    width: int | None
    render: Callable[[Any], str]
    numeric: bool = False
    flashes: bool = False
    sortable: bool = True


def _star(starred: bool) -> str:
    return STAR if starred else " "


def _plain(value: str | None) -> str:
    return EMPTY if value is None else value


# Widths include the one blank cell that separates a column from the previous one (the table's
# own cell padding is 0, which halves the room separators take).
COLUMNS: tuple[GridColumn, ...] = (
    GridColumn("starred", STAR, 2, _star),
    GridColumn("ticker", "Ticker", None, _plain),
    GridColumn("last", "Last", 9, price_text, numeric=True, flashes=True),
    GridColumn("trend", "Trend", TREND_WIDTH + 1, _plain, sortable=False),
    GridColumn("yes_bid", "Yes bid", 9, price_text, numeric=True, flashes=True),
    GridColumn("yes_ask", "Yes ask", 9, price_text, numeric=True, flashes=True),
    GridColumn("spread", "Spread", 8, price_text, numeric=True, flashes=True),
    GridColumn("change", "Change", 9, change_text, numeric=True),
    GridColumn("volume", "Volume", 11, count_text, numeric=True, flashes=True),
    GridColumn("open_interest", "Open int", 11, count_text, numeric=True, flashes=True),
    GridColumn("status", "Status", 11, _plain),
    GridColumn("close_ts", "Closes in", 10, str),  # rendered by the grid against its clock
    GridColumn("title", "Title", None, _plain),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
FIELD_INDEX = {name: i for i, name in enumerate(RowValues._fields)}


def row_values(state: MarketState, ticker: str, starred: bool = False) -> RowValues:
    """The grid row of ``ticker`` from the current state (``starred``: in the watchlist)."""
    msg = state.tickers.get(ticker)
    info = state.markets.get(ticker)
    history = state.history.get(ticker)
    bid = msg.yes_bid if msg else None
    ask = msg.yes_ask if msg else None
    return RowValues(
        ticker=ticker,
        last=msg.price if msg else None,
        yes_bid=bid,
        yes_ask=ask,
        spread=None if bid is None or ask is None else ask - bid,
        change=state.price_change(ticker),
        volume=msg.volume if msg else None,
        open_interest=msg.open_interest if msg else None,
        status=info.status if info else None,
        close_ts=info.close_ts if info else None,
        title=info.title if info else None,
        starred=starred,
        trend=sparkline(history.last_points(TREND_WIDTH), TREND_WIDTH) if history is not None else "",
    )


def sort_key(value: Any, reverse: bool = False) -> tuple[bool, Any]:
    """The key of ``value`` in a sort; unknown values come last in either direction."""
    return ((value is None) != reverse, value if value is not None else 0)


class TickerGrid(LeanDataTable, StateView):
    """Every market seen on ``ticker``: prices, volume, change, lifecycle status and countdown."""

    SHOWS: ClassVar[Kind] = Kind.TICKER | Kind.LIFECYCLE

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Ladder"),
        Binding("e", "event", "Event"),
        Binding("f", "toggle_star", "Star"),
        Binding("w", "toggle_watch_only", "Watchlist only", show=False),
        Binding("o", "next_sort", "Sort"),
        Binding("r", "reverse_sort", "Reverse"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ticker-grid--up",
        "ticker-grid--down",
        "ticker-grid--star",
        "ticker-grid--trend",
    }

    class MarketChosen(MarketMessage):
        """The user chose a market (Enter on its row)."""

    class EventChosen(MarketMessage):
        """The user asked for the event view of a market's event (``e`` on its row)."""

    class StarToggled(MarketMessage):
        """The user starred or unstarred a market (``f``): the watchlist changed."""

    def __init__(
        self,
        *,
        flash_seconds: float = FLASH_SECONDS,
        redraw_hz: float = REDRAW_HZ,
        watchlist: Watchlist | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=0, **kwargs)
        self.watchlist = watchlist if watchlist is not None else Watchlist()
        self.watch_only = False
        self.flash_seconds = flash_seconds
        self.redraw_hz = redraw_hz
        self._pending = Kind.NONE
        self._throttle = Throttle(self, redraw_hz, self._apply)
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.filter_text = ""
        self._values: dict[str, RowValues] = {}
        self._seen_messages: dict[str, object] = {}
        self._flashes: Flashes[tuple[str, str]] = Flashes(self, flash_seconds, self._unflash)
        self._resort_timer: Timer | None = None
        self._countdowns: dict[str, str] = {}
        self._styles: dict[str, Style] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        for column in COLUMNS:
            label = Text(f" {column.label}", justify="right" if column.numeric else "left")
            self.add_column(label, width=column.width, key=column.key)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle_all())
        self.set_interval(1.0, self._tick_countdowns)
        if self._pending:
            self._throttle.run_now()

    # -- StateView ------------------------------------------------------------------------------

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Note what changed; take it in now, or at the next slot (at most ``redraw_hz`` a second)."""
        self._pending |= kinds
        if self.market_state is not None and self.columns:
            self._throttle.request()

    @property
    def redraw_pending(self) -> bool:
        """True while changes wait for the next redraw slot."""
        return bool(self._pending)

    def _apply(self) -> None:
        """Bring changed rows up to date; on lifecycle news re-read every row's lifecycle."""
        kinds, self._pending = self._pending, Kind.NONE
        state = self.market_state
        if state is None:
            return
        everything = bool(kinds & Kind.LIFECYCLE)
        sort_dirty = False
        for ticker, msg in state.tickers.items():
            if not everything and self._seen_messages.get(ticker) is msg:
                continue
            self._seen_messages[ticker] = msg
            sort_dirty |= self._update_row(row_values(state, ticker, ticker in self.watchlist))
        if sort_dirty:
            self._schedule_resort()
        self._describe()

    # -- rows -----------------------------------------------------------------------------------

    def _update_row(self, values: RowValues) -> bool:
        """Store and show one row; True when the sort column's value changed or a row was added."""
        old = self._values.get(values.ticker)
        self._values[values.ticker] = values
        if not self._matches(values):
            if old is not None and self._has_row(values.ticker):
                self.remove_row(values.ticker)
            return False
        if not self._has_row(values.ticker):
            self._add(values)
            return self.sort_column is not None
        if old is None or old == values:
            return False
        for column in COLUMNS:
            index = FIELD_INDEX[column.key]
            before, after = old[index], values[index]
            if before == after:
                continue
            direction = 0
            if column.flashes and before is not None and after is not None:
                direction = 1 if after > before else -1
                self._flashes.mark((values.ticker, column.key), direction)
            self.update_cell(values.ticker, column.key, self._cell(values, column, direction))
        return self.sort_column is not None and old[FIELD_INDEX[self.sort_column]] != values[
            FIELD_INDEX[self.sort_column]
        ]

    def _add(self, values: RowValues) -> None:
        self.add_row(*(self._cell(values, column) for column in COLUMNS), key=values.ticker)

    def _has_row(self, ticker: str) -> bool:
        return RowKey(ticker) in self.rows

    def _cell(self, values: RowValues, column: GridColumn, direction: int = 0) -> Text:
        value = values[FIELD_INDEX[column.key]]
        if column.key == "close_ts":
            text = self._countdown(value)
        else:
            text = column.render(value)
        style: Style | str = ""
        if direction:
            text = f"{UP if direction > 0 else DOWN} {text}"
            style = self._style("ticker-grid--up" if direction > 0 else "ticker-grid--down")
        elif column.key == "change" and value:
            style = self._style("ticker-grid--up" if value > 0 else "ticker-grid--down")
        elif column.key in ("starred", "trend"):
            style = self._style(f"ticker-grid--{'star' if column.key == 'starred' else 'trend'}")
        if column.numeric:
            return Text(text, style=style, justify="right")
        return Text(f" {text}", style=style)

    def _style(self, component: str) -> Style:
        style = self._styles.get(component)
        if style is None:
            style = self._styles[component] = self.get_component_rich_style(component, partial=True)
        return style

    def _countdown(self, close_ts: int | None) -> str:
        if close_ts is None:
            return EMPTY
        return countdown_text(close_ts - clock_of(self)())

    def _tick_countdowns(self) -> None:
        column = COLUMN_BY_KEY["close_ts"]
        for ticker, values in self._values.items():
            if values.close_ts is None or not self._has_row(ticker):
                continue
            text = self._countdown(values.close_ts)
            if self._countdowns.get(ticker) != text:
                self._countdowns[ticker] = text
                self.update_cell(ticker, column.key, self._cell(values, column))

    # -- flashes --------------------------------------------------------------------------------

    def _unflash(self, cells: list[tuple[str, str]]) -> None:
        """Show the cells whose flash ended plainly again."""
        for ticker, key in cells:
            values = self._values.get(ticker)
            if values is not None and self._has_row(ticker):
                self.update_cell(ticker, key, self._cell(values, COLUMN_BY_KEY[key]))

    def flashing(self) -> dict[tuple[str, str], int]:
        """The cells flashing now, as ``{(ticker, column): +1 or -1}``."""
        return self._flashes.current()

    def _restyle_all(self) -> None:
        """Rebuild every cell's text so its colours follow the new theme."""
        self._styles.clear()
        for ticker in list(self._values):
            if self._has_row(ticker):
                for column in COLUMNS:
                    direction = self._flashes.direction((ticker, column.key))
                    self.update_cell(ticker, column.key, self._cell(self._values[ticker], column, direction))

    # -- filter ---------------------------------------------------------------------------------

    def _matches(self, values: RowValues) -> bool:
        if self.watch_only and not values.starred:
            return False
        needle = self.filter_text.casefold()
        if not needle:
            return True
        return needle in values.ticker.casefold() or needle in (values.title or "").casefold()

    def set_filter(self, text: str) -> None:
        """Show only the markets whose ticker or title contains ``text`` (any case)."""
        if text == self.filter_text:
            return
        self.filter_text = text
        self._refilter()

    def _refilter(self) -> None:
        """Add the rows that match now and remove those that do not."""
        for ticker, values in self._values.items():
            shown = self._has_row(ticker)
            if self._matches(values) and not shown:
                self._add(values)
            elif not self._matches(values) and shown:
                self.remove_row(ticker)
        self._resort()

    # -- watchlist ------------------------------------------------------------------------------

    def action_toggle_star(self) -> None:
        """Star the market under the cursor, or unstar it (the app saves the watchlist)."""
        ticker = self._cursor_ticker()
        if ticker is None:
            return
        starred = self.watchlist.toggle(ticker)
        values = self._values[ticker]._replace(starred=starred)
        self._update_row(values)
        self._describe()
        self.post_message(self.StarToggled(ticker))

    def action_toggle_watch_only(self) -> None:
        """Show only the starred markets, or every market again."""
        self.set_watch_only(not self.watch_only)

    def set_watch_only(self, on: bool) -> None:
        """Show only the starred markets (``on``) or every market."""
        if on != self.watch_only:
            self.watch_only = on
            self._refilter()

    def action_event(self) -> None:
        """Ask for the event view of the market under the cursor."""
        ticker = self._cursor_ticker()
        if ticker is not None:
            self.post_message(self.EventChosen(ticker))

    def visible_tickers(self) -> list[str]:
        """The tickers of the rows shown, top to bottom."""
        return [str(row.key.value) for row in self.ordered_rows]

    # -- sorting --------------------------------------------------------------------------------

    def action_next_sort(self) -> None:
        """Sort by the next column (the first press sorts by ticker)."""
        keys = [column.key for column in COLUMNS if column.sortable]
        if self.sort_column is None:
            self.sort_column = "ticker"
        else:
            self.sort_column = keys[(keys.index(self.sort_column) + 1) % len(keys)]
        self.sort_reverse = COLUMN_BY_KEY[self.sort_column].numeric
        self._resort()

    def action_reverse_sort(self) -> None:
        """Reverse the sort order (sorting by ticker first when unsorted)."""
        if self.sort_column is None:
            self.sort_column = "ticker"
        else:
            self.sort_reverse = not self.sort_reverse
        self._resort()

    def sort_by(self, column: str, reverse: bool = False) -> None:
        """Sort by ``column`` (a :class:`RowValues` field)."""
        self.sort_column = column
        self.sort_reverse = reverse
        self._resort()

    def _schedule_resort(self) -> None:
        if self._resort_timer is None:
            self._resort_timer = self.set_timer(RESORT_SECONDS, self._resort)

    def _resort(self) -> None:
        if self._resort_timer is not None:
            self._resort_timer.stop()
            self._resort_timer = None
        self._describe()
        if not self.row_count:
            return
        current = self._cursor_ticker()
        key: Callable[[Text], Any]
        if self.sort_column is None:  # rows a filter added back: in the order first seen
            seen = {ticker: position for position, ticker in enumerate(self._values)}
            key = lambda cell: seen[cell.plain.strip()]  # noqa: E731
        else:
            index = FIELD_INDEX[self.sort_column]
            key = lambda cell: sort_key(self._values[cell.plain.strip()][index], self.sort_reverse)  # noqa: E731
        # the ticker cell is the ticker after one blank (tickers hold no blanks)
        self.sort("ticker", key=key, reverse=self.sort_column is not None and self.sort_reverse)
        if current is not None:
            self.move_cursor(row=self.get_row_index(current), scroll=False)

    def _describe(self) -> None:
        """Say in the border how the rows are sorted and filtered (plain text, never markup)."""
        parts = [f"{self.row_count}/{len(self._values)} markets"]
        if self.sort_column is not None:
            glyph = DOWN if self.sort_reverse else UP
            parts.append(f"sorted by {COLUMN_BY_KEY[self.sort_column].label} {glyph}")
        if self.filter_text:
            parts.append(f"filter “{self.filter_text}”")
        if self.watch_only:
            parts.append(f"{STAR} watchlist only")
        self.border_subtitle = Text(" · ".join(parts))

    def _cursor_ticker(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return str(key.value)

    def cursor_ticker(self) -> str | None:
        """The market under the cursor, if any."""
        return self._cursor_ticker()

    def show_ticker(self, ticker: str) -> None:
        """Put the cursor on ``ticker``'s row, if it is shown."""
        if self._has_row(ticker):
            self.move_cursor(row=self.get_row_index(ticker))

    # -- selection ------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.MarketChosen(str(event.row_key.value)))
