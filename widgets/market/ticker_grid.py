"""The ticker grid: one row per market seen on the ``ticker`` channel.

A :class:`~widgets.tables.line_table.LineTable` keyed by market ticker: taking in changes marks the
changed rows, and only those on screen are computed and drawn again (a grid of 1,000 markets
under a firehose draws its forty visible rows, not 1,000). A cell on screen whose value moved
flashes briefly, green when up and red when down (colour alone: an arrow beside a number would read
as part of it). Sort by picking a column from the keyboard (``>`` / ``<`` move the sort to the
next / previous column, ``r`` reverses): the sorted column's header starts with the direction
(``▼Volume``: highest first). A filter keeps the rows whose ticker or title contains the text
(``status:open`` or ``status:settled`` keeps the markets in that state, ``status:all`` every
market). Markets that no longer trade (closed, determined, settled) show no quote and no
countdown but their result, and sink below the others. Without a ``status:`` word, a market
determined or settled over ``RESOLVED_SHOWN_SECONDS`` ago leaves the grid (dead markets would
pile up), unless the user keeps it: starred, with a ladder, held or ordered in (``keep``). Enter
posts :class:`TickerGrid.MarketChosen`, ``e`` :class:`TickerGrid.EventChosen`.

``f`` stars the market under the cursor (the ★ column; the app saves the watchlist) and ``w``
shows the watchlist only. The Trend column is a sparkline of the last price since start (from
``MarketState.history``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.timer import Timer

from app.core.market_status import OPEN, RESOLVED, finished_at, is_finished, status_text
from app.core.sanitize import printable
from app.core.state import Kind, MarketState
from app.core.watchlist import Watchlist
from widgets._textual.border_title import set_border_subtitle
from widgets.base import StateView
from widgets.flashes import Flashes
from widgets.formatting import (
    DOWN,
    EMPTY,
    UP,
    change_text,
    count_text,
    countdown_to,
    price_text,
)
from widgets.market.chart_model import sparkline
from widgets.market.grid_filter import GridFilter
from widgets.market.grid_order import GridOrder, OrderKey, order_key
from widgets.messages import MarketMessage
from widgets.pane_css import focusable_pane_css
from widgets.tables.cells import Cell, ColumnSpec, Tone, shown_width
from widgets.tables.line_table import Cells, LineTable
from widgets.throttle import Throttle

FLASH_SECONDS = 1.0
RESORT_SECONDS = 0.5
# The grid takes in changes at most this often (the feed may announce them 30 times a second):
# a price moving 30 times a second cannot be read, and flashes last longer than a slot.
REDRAW_HZ = 5.0
# New markets taken in by one intake (a few us each: their place, filter text, status and widths);
# more waiting (a catalog page's thousands) are taken in the same way just after each frame.
INTAKE_MARKETS = 500
# A market determined or settled leaves the grid this long after (``status:all`` shows it again).
RESOLVED_SHOWN_SECONDS = 300
# The ``status:`` word that keeps every market, resolved ones long ago too.
ANY_STATUS = "all"
TREND_WIDTH = 10
CELLS_KEPT = 20_000  # cells made kept for the rows to come (past that the cache starts again)
STAR = "★"
# The change is measured from the first last price this session saw (the feed gives no earlier
# one): the header says so.
CHANGE_LABEL = "Chg sess"


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


@dataclass(frozen=True, slots=True, kw_only=True)
class GridColumn(ColumnSpec):
    """One column: its key (a ``RowValues`` field), label, width and how to show a value."""

    render: Callable[[Any], str]
    flashes: bool = False
    sortable: bool = True


def _star(starred: bool) -> str:
    return STAR if starred else " "


def _plain(value: str | None) -> str:
    return EMPTY if value is None else value


# Widths include the one blank cell that separates a column from the previous one (the table's
# own cell padding is 0, which halves the room separators take).
COLUMNS: tuple[GridColumn, ...] = (
    GridColumn("starred", STAR, 2, render=_star),
    GridColumn("ticker", "Ticker", None, render=_plain),
    GridColumn("last", "Last", 9, render=price_text, numeric=True, flashes=True),
    GridColumn("trend", "Trend", TREND_WIDTH + 1, render=_plain, sortable=False),
    GridColumn("yes_bid", "Yes bid", 9, render=price_text, numeric=True, flashes=True),
    GridColumn("yes_ask", "Yes ask", 9, render=price_text, numeric=True, flashes=True),
    GridColumn("spread", "Spread", 8, render=price_text, numeric=True, flashes=True),
    GridColumn("change", CHANGE_LABEL, 10, render=change_text, numeric=True),
    GridColumn("volume", "Volume", 11, render=count_text, numeric=True, flashes=True),
    GridColumn("open_interest", "Open int", 11, render=count_text, numeric=True, flashes=True),
    GridColumn("status", "Status", 15, render=_plain),
    GridColumn("close_ts", "Closes in", 10, render=str),  # rendered by the grid against its clock
    GridColumn("title", "Title", None, render=_plain),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
FIELD_INDEX = {name: i for i, name in enumerate(RowValues._fields)}


def row_values(state: MarketState, ticker: str, starred: bool = False, trend: bool = True) -> RowValues:
    """The grid row of ``ticker`` from the current state (``starred``: in the watchlist).

    ``trend=False`` leaves the sparkline out (sorting does not need it).
    """
    msg = state.tickers.get(ticker)
    info = state.markets.get(ticker)
    history = state.history.get(ticker)
    finished = info is not None and is_finished(info.status)
    bid = msg.yes_bid if msg and not finished else None  # a market that no longer trades: no quote
    ask = msg.yes_ask if msg and not finished else None
    return RowValues(
        ticker=ticker,
        last=msg.price if msg else None,
        yes_bid=bid,
        yes_ask=ask,
        spread=None if bid is None or ask is None else ask - bid,
        change=state.price_change(ticker),
        volume=msg.volume if msg else None,
        open_interest=msg.open_interest if msg else None,
        status=status_text(info),
        close_ts=info.close_ts if info and not finished else None,
        title=info.title if info else None,
        starred=starred,
        trend=sparkline(history.last_points(TREND_WIDTH), TREND_WIDTH) if trend and history is not None else "",
    )


def parse_filter(text: str) -> tuple[str, str | None]:
    """The grid filter's words: the text to find in a ticker or title (any case), and the status
    a ``status:WORD`` asks for (None: any)."""
    status: str | None = None
    words = []
    for word in text.split():
        key, colon, value = word.partition(":")
        if colon and key.casefold() == "status":
            status = value.casefold()
        else:
            words.append(word)
    return " ".join(words).casefold(), status


class TickerGrid(LineTable, StateView):
    """Every market seen on ``ticker``: prices, volume, change, lifecycle status and countdown."""

    SHOWS: ClassVar[Kind] = Kind.TICKER | Kind.LIFECYCLE
    COLUMNS = COLUMNS
    CELL_PADDING = 0
    NUMERIC_GAP = 1
    DEFAULT_CSS = focusable_pane_css("TickerGrid", "border-subtitle-color: $text-muted;")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Ladder"),
        Binding("e", "event", "Event"),
        Binding("f", "toggle_star", "Star"),
        Binding("w", "toggle_watch_only", "Watchlist only", show=False),
        Binding("greater_than_sign", "step_sort(1)", "Sort next col"),
        Binding("less_than_sign", "step_sort(-1)", "Sort prev col", show=False),
        Binding("r", "reverse_sort", "Reverse sort"),
    ]

    # (class defaults: the header labels are asked for while the table is built)
    sort_column: str | None = None
    """The :class:`RowValues` field the rows are sorted by; None: first seen first."""
    sort_reverse: bool = False
    """True: highest (or Z) first."""

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
        super().__init__(**kwargs)
        self.watchlist = watchlist if watchlist is not None else Watchlist()
        self.watch_only = False
        self.flash_seconds = flash_seconds
        self.redraw_hz = redraw_hz
        self._pending = Kind.NONE
        self._throttle = Throttle(self, redraw_hz, self._apply)
        self.filter_text = ""
        self._wanted: tuple[str, str | None] = ("", None)  # the filter's text and status word
        self._known: dict[str, int] = {}  # every market taken in: its place in the order first seen
        self._arriving: dict[str, None] = {}  # markets seen, waiting to be taken in (_admit)
        self._arrivals_due = False  # a call to _take_arrivals is scheduled
        self._rows_due = False  # markets taken in whose rows are not shown yet (_take_arrivals)
        self._seen_count = 0  # markets seen so far (the next one's place)
        self._order = GridOrder()  # every market seen, in the sort order (widgets.market.grid_order)
        self._resort: set[str] = set()  # markets whose sort value may have moved since placed
        self._values: dict[str, RowValues] = {}  # the values drawn (or about to be), by ticker
        self._ticker_cursor = 0  # where the state's ticker log was read up to (tickers_since)
        self._filter = GridFilter(self._title)
        self._seen_revisions: dict[str, int] = {}  # MarketInfo.revision of each row last read
        self._resolved: set[str] = set()  # every resolved market among the rows (_take_status)
        self._seen_evictions = 0  # MarketState.evictions when the rows were last pruned
        self._relabel_cursor = 0  # where the state's relabel log was read up to (relabeled_since)
        self._described: str | None = None  # the subtitle's text
        self._flashes: Flashes[tuple[str, str]] = Flashes(self, flash_seconds, self._unflash, self.now)
        self._resort_timer: Timer | None = None
        self.keep: Callable[[], Iterable[str]] = tuple
        """The markets the user keeps in sight however long ago they resolved (the app sets it)."""
        self.resolved_hidden = 0
        """How many markets resolved long ago the grid leaves out (no ``status:`` word)."""
        self._next_leaving: float | None = None  # when the next resolved market shown leaves
        self._made: dict[tuple[str, Any, int], Cell] = {}  # cells by column, value and flash (_cell)

    # -- lifecycle ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Follow the clock for the countdowns, and draw what the bound state holds."""
        super().on_mount()
        self.set_interval(1.0, self._tick_countdowns)
        self._describe()
        if self._pending:
            self._throttle.run_now()

    # -- StateView ------------------------------------------------------------------------------

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Note what changed; take it in now, or at the next slot (at most ``redraw_hz`` a second)."""
        self._pending |= kinds
        if self.market_state is not None and self.is_mounted:
            self._throttle.request()

    @property
    def redraw_pending(self) -> bool:
        """True while changes wait for the next redraw slot."""
        return bool(self._pending)

    def _apply(self) -> None:
        """Mark the changed rows; those on screen are computed now (and flash), the rest when shown.

        On lifecycle news the rows of the markets it changed are re-read (titles, status and close
        times), and put in order again when a filter or a sort may place them elsewhere.
        """
        kinds, self._pending = self._pending, Kind.NONE
        state = self.market_state
        if state is None:
            return
        logged, self._ticker_cursor = state.tickers_since(self._ticker_cursor)
        changed: dict[str, None] = {}
        tickers, known, arriving = state.tickers, self._known, self._arriving
        for ticker in dict.fromkeys(logged) if logged is not None else list(tickers):
            if ticker not in tickers:
                continue
            if ticker in known:
                changed[ticker] = None
            else:
                arriving[ticker] = None
        added = self._admit()
        changed.update(dict.fromkeys(added))
        relabeled = self._relabeled() if kinds & Kind.LIFECYCLE else []
        changed.update(dict.fromkeys(relabeled))
        # new markets, and relabelled ones (a title or status may move the row: settled rows sink)
        moved, refolded = self._place(list(dict.fromkeys(added + relabeled)), added)
        removed = state.evictions != self._seen_evictions and self._forget_evicted(state)
        if not changed:
            if removed or self._rows_due:
                self._reorder()
            return
        on_screen = set(self.visible_keys())
        for ticker in on_screen.intersection(changed):
            self._take(row_values(state, ticker, ticker in self.watchlist), flash=True)
        values = self._values  # the rest are computed when next drawn (the fewer side is walked)
        if len(changed) > len(values):
            stale = [ticker for ticker in values if ticker in changed and ticker not in on_screen]
        else:
            stale = [ticker for ticker in changed if ticker in values and ticker not in on_screen]
        for ticker in stale:
            del values[ticker]
        if self.sort_column is not None:
            self._resort.update(changed)
        if added or removed or moved or refolded or self._rows_due or not self._still_shown(relabeled):
            self._show_rows()  # a new market, or a title or status that may move or hide a row
        if self._resort:
            self._schedule_resort()
        self.invalidate(changed)
        self._describe()

    def _admit(self) -> list[str]:
        """Up to :data:`INTAKE_MARKETS` of the markets waiting, now known (in the order first
        seen); the rest are taken in just after the next frame (:meth:`_take_arrivals`)."""
        state, arriving, known = self.market_state, self._arriving, self._known
        taken = list(itertools.islice(arriving, INTAKE_MARKETS))
        for ticker in taken:
            del arriving[ticker]
        tickers = state.tickers if state is not None else {}
        added = [ticker for ticker in taken if ticker in tickers]  # not forgotten by the state meanwhile
        for ticker in added:
            known[ticker] = self._seen_count
            self._seen_count += 1
        if arriving and not self._arrivals_due:
            self._arrivals_due = True
            self.call_after_refresh(self._take_arrivals)
        return added

    def _take_arrivals(self) -> None:
        """Take in more of the markets waiting: their place, filter text, status and widths now;
        their rows are shown by the next intake (at most ``redraw_hz`` a second, with what
        changed on the markets shown): showing the rows costs a pass over all of them."""
        self._arrivals_due = False
        added = self._admit()
        if not added:
            return
        self._place(added, added)
        self._rows_due = True
        self._throttle.request()

    def _place(self, touched: list[str], added: list[str]) -> tuple[bool, bool]:
        """Put the markets ``touched`` (``added``: those new among them) in the sort order and the
        filter's index, with their status and the columns' widths; whether any moved in the
        order, and whether any filter text changed."""
        moved = False
        for ticker in touched:
            moved = self._order.place(ticker, self._order_key(ticker)) or moved
        refolded = self._filter.fold(touched)
        self._take_status(touched)
        self._widen(added, touched)
        return moved, refolded

    def _forget_evicted(self, state: MarketState) -> bool:
        """Drop the rows of markets the state forgot (idle ones over its cap); True if any."""
        self._seen_evictions = state.evictions
        gone = [ticker for ticker in self._known if ticker not in state.tickers]
        for ticker in gone:
            del self._known[ticker]
            self._order.remove(ticker)
            self._resort.discard(ticker)
            for cache in (self._values, self._seen_revisions):
                cache.pop(ticker, None)
            self._resolved.discard(ticker)
        self._filter.forget(gone)
        return bool(gone)

    def _relabeled(self) -> list[str]:
        """The shown markets whose lifecycle changed since they were last read."""
        state = self.market_state
        assert state is not None
        logged, self._relabel_cursor = state.relabeled_since(self._relabel_cursor)
        markets = state.markets
        relabeled = []
        seen = self._seen_revisions
        for ticker in dict.fromkeys(logged) if logged is not None else list(markets):
            info = markets.get(ticker)
            if info is not None and seen.get(ticker) != info.revision and ticker in self._known:
                seen[ticker] = info.revision
                relabeled.append(ticker)
        return relabeled

    def _widen(self, added: list[str], touched: list[str]) -> None:
        """Widen the ticker column to the widest of the ``added`` markets, the title column to the
        widest title of the ``touched`` ones (once a column: widening redraws every row)."""
        assert self.market_state is not None
        if added:
            self.widen("ticker", max(map(shown_width, added)) + 1)
        markets = self.market_state.markets
        titles = [info.title for ticker in touched if (info := markets.get(ticker)) is not None and info.title]
        if titles:
            self.widen("title", max(map(shown_width, titles)) + 1)

    # -- rows -----------------------------------------------------------------------------------

    def _take(self, values: RowValues, flash: bool) -> None:
        """Keep ``values`` as the row's; with ``flash``, cells that moved since the last flash."""
        old = self._values.get(values.ticker)
        self._values[values.ticker] = values
        if not flash or old is None:
            return
        for column in COLUMNS:
            if column.flashes:
                index = FIELD_INDEX[column.key]
                before: Any = old[index]  # the column's own type: every flashing column is a number
                after: Any = values[index]
                if before is not None and after is not None and before != after:
                    self._flashes.mark((values.ticker, column.key), 1 if after > before else -1)

    def _row_values(self, ticker: str) -> RowValues:
        values = self._values.get(ticker)
        if values is None:
            assert self.market_state is not None
            values = row_values(self.market_state, ticker, ticker in self.watchlist)
            self._values[ticker] = values
        return values

    def row_cells(self, key: str) -> Cells:
        """The cells of the market ``key``'s row, with its flashes."""
        values = self._row_values(key)
        direction = self._flashes.direction
        return tuple(self._cell(values, column, direction((key, column.key))) for column in COLUMNS)

    def header_label(self, column: ColumnSpec) -> str:
        """Labels start with the blank that separates a column from the one before; the sorted
        column's starts with its direction instead (``▲`` lowest first, ``▼`` highest first)."""
        if column.key == self.sort_column:
            return f"{DOWN if self.sort_reverse else UP}{column.label}"
        return f" {column.label}"

    def _cell(self, values: RowValues, column: GridColumn, direction: int = 0) -> Cell:
        """The cell of ``column`` in the row of ``values``; made once for each value and flash
        (grid rows repeat prices, counts and statuses), but the countdown, which the clock moves."""
        value: Any = values[FIELD_INDEX[column.key]]  # the column's own type
        if column.key == "close_ts":
            return Cell(f" {self._countdown(value)}")
        key = (column.key, value, direction)
        cell = self._made.get(key)
        if cell is None:
            if len(self._made) >= CELLS_KEPT:
                self._made.clear()
            cell = self._made[key] = self._new_cell(column, value, direction)
        return cell

    @staticmethod
    def _new_cell(column: GridColumn, value: Any, direction: int) -> Cell:
        text = column.render(value)
        tone: Tone | None = None
        if direction:
            tone = Tone.STRONG_UP if direction > 0 else Tone.STRONG_DOWN
        elif column.key == "change" and value:
            tone = Tone.STRONG_UP if value > 0 else Tone.STRONG_DOWN
        elif column.key == "starred":
            tone = Tone.STAR
        elif column.key == "trend":
            tone = Tone.TREND
        return Cell(text if column.numeric else f" {text}", tone)

    def _countdown(self, close_ts: int | None) -> str:
        return countdown_to(close_ts, self.now())

    def _tick_countdowns(self) -> None:
        """Draw again the rows on screen that count down to a close; let resolved markets whose
        time is up leave."""
        leaving = self._next_leaving
        if leaving is not None and self.now() >= leaving:
            self._reorder()
        self.invalidate([t for t in self.visible_keys() if self._row_values(t).close_ts is not None])

    # -- flashes --------------------------------------------------------------------------------

    def _unflash(self, cells: list[tuple[str, str]]) -> None:
        """Show the cells whose flash ended plainly again."""
        self.invalidate({ticker for ticker, _key in cells})

    def flashing(self) -> dict[tuple[str, str], int]:
        """The cells flashing now, as ``{(ticker, column): +1 or -1}``."""
        return self._flashes.current()

    # -- filter and order -----------------------------------------------------------------------

    def _status(self, ticker: str) -> str | None:
        info = self.market_state.markets.get(ticker) if self.market_state is not None else None
        return info.status if info is not None else None

    def _title(self, ticker: str) -> str | None:
        info = self.market_state.markets.get(ticker) if self.market_state is not None else None
        return info.title if info is not None else None

    def _has_status(self, ticker: str, status: str) -> bool:
        return (self._status(ticker) or OPEN).startswith(status)  # no lifecycle news: open

    def _finished(self, ticker: str) -> bool:
        return is_finished(self._status(ticker))

    def set_filter(self, text: str) -> None:
        """Show only the markets whose ticker or title contains ``text`` (any case); a word
        ``status:WORD`` keeps the markets whose status starts with it (``status:open``,
        ``status:settled``; a market with no lifecycle news counts as open)."""
        if text != self.filter_text:
            self.filter_text = text
            self._wanted = parse_filter(text)
            self._reorder()

    def _order_key(self, ticker: str) -> OrderKey:
        """Where ``ticker``'s row goes in the sort order now (see :func:`~widgets.market.grid_order.order_key`)."""
        column = self.sort_column
        value: Any = None
        if column == "ticker":
            value = ticker
        elif column is not None and self.market_state is not None:
            value = row_values(self.market_state, ticker, ticker in self.watchlist, trend=False)[FIELD_INDEX[column]]
        return order_key(self._finished(ticker), value, self.sort_reverse, self._known[ticker])

    def _reorder(self) -> None:
        """Place again the markets whose sort value may have moved, and show the rows."""
        if self._resort_timer is not None:
            self._resort_timer.stop()
            self._resort_timer = None
        moved = False
        for ticker in self._resort:
            if ticker in self._known:
                moved = self._order.place(ticker, self._order_key(ticker)) or moved
        self._resort.clear()
        if moved:
            self._filter.restart()
        self._show_rows()

    def _sort_all(self) -> None:
        """Every market placed afresh (the sort column or its direction changed), and shown."""
        self._resort.clear()
        self._order.rebuild({ticker: self._order_key(ticker) for ticker in self._known})
        self._filter.restart()
        self._reorder()

    def _show_rows(self) -> None:
        """Show the markets the filter and the watchlist keep, in the sort order."""
        rows: Iterable[str] = self._order
        if self.watch_only:
            rows = [ticker for ticker in rows if ticker in self.watchlist]
        needle, status = self._wanted
        if needle:
            rows = self._filter.select(needle, rows)
        self.resolved_hidden, self._next_leaving = 0, None
        if status is None:
            rows = self._without_long_resolved(rows)
        elif status != ANY_STATUS:
            rows = [ticker for ticker in rows if self._has_status(ticker, status)]
        self._rows_due = False
        self.set_rows(rows)
        self._describe()

    def _take_status(self, touched: list[str]) -> None:
        """Note which of the ``touched`` markets (new or relabelled) are resolved. Every status
        change is a relabel, so every resolved market is in the set; the filter then looks for
        long-resolved markets among those only, not in each of 20,000 rows at a key."""
        markets = self.market_state.markets if self.market_state is not None else {}
        resolved = self._resolved
        for ticker in touched:
            info = markets.get(ticker)
            if info is not None and info.status in RESOLVED:
                resolved.add(ticker)
            else:
                resolved.discard(ticker)

    def _still_shown(self, relabeled: list[str]) -> bool:
        """Whether the rows stay as shown after ``relabeled`` changed (their place and text did
        not): each is shown and still trading, and no ``status:`` word looks at its status. Under
        a live market most relabels are a new close time or a pause; showing the rows again walks
        every market (20,000 with the catalog), between the keys of a filter."""
        if self._wanted[1] is not None:
            return not relabeled
        markets = self.market_state.markets if self.market_state is not None else {}
        return all(self.index_of(ticker) is not None and (info := markets.get(ticker)) is not None
                   and info.status not in RESOLVED for ticker in relabeled)

    def _without_long_resolved(self, tickers: Iterable[str]) -> list[str]:
        """``tickers`` but the markets resolved over ``RESOLVED_SHOWN_SECONDS`` ago that the user
        does not keep; notes how many left and when the next one shown leaves (a market with no
        known time of its end stays)."""
        resolved = self._resolved
        if not resolved:  # nothing to hide: no walk over the rows (20,000 at a filter's first key)
            self.resolved_hidden, self._next_leaving = 0, None
            return tickers if isinstance(tickers, list) else list(tickers)
        state = self.market_state
        markets = state.markets if state is not None else {}
        now = self.now()
        kept: set[str] | None = None
        shown: list[str] = []
        hidden = 0
        next_leaving: float | None = None
        for ticker in tickers:
            if ticker not in resolved:
                shown.append(ticker)
                continue
            info = markets.get(ticker)
            since = finished_at(info) if info is not None and info.status in RESOLVED else None
            if since is None:
                shown.append(ticker)
                continue
            leaves = since + RESOLVED_SHOWN_SECONDS
            if leaves > now:
                next_leaving = leaves if next_leaving is None else min(next_leaving, leaves)
                shown.append(ticker)
                continue
            if kept is None:
                kept = set(self.keep())
            if ticker in kept or ticker in self.watchlist:
                shown.append(ticker)
            else:
                hidden += 1
        self.resolved_hidden, self._next_leaving = hidden, next_leaving
        return shown

    # -- watchlist ------------------------------------------------------------------------------

    def action_toggle_star(self) -> None:
        """Star the market under the cursor, or unstar it (the app saves the watchlist)."""
        ticker = self.cursor_ticker()
        if ticker is not None:
            self.toggle_star(ticker)

    def toggle_star(self, ticker: str) -> bool:
        """Star ``ticker``, or unstar it; True when it is starred now (the app saves the watchlist)."""
        starred = self.watchlist.toggle(ticker)
        self._values.pop(ticker, None)
        self.invalidate([ticker])
        if self.sort_column == "starred":
            self._resort.add(ticker)
            self._schedule_resort()
        if self.watch_only:
            self._filter.restart()
            self._reorder()
        self._describe()
        self.post_message(self.StarToggled(ticker))
        return starred

    def action_toggle_watch_only(self) -> None:
        """Show only the starred markets, or every market again."""
        self.set_watch_only(not self.watch_only)

    def set_watch_only(self, on: bool) -> None:
        """Show only the starred markets (``on``) or every market."""
        if on != self.watch_only:
            self.watch_only = on
            self._filter.restart()
            self._reorder()

    def action_event(self) -> None:
        """Ask for the event view of the market under the cursor."""
        ticker = self.cursor_ticker()
        if ticker is not None:
            self.post_message(self.EventChosen(ticker))

    def empty_text(self) -> str:
        """An empty grid says why: no market matches the filter or the watchlist, or none yet."""
        if not self._known:
            return "no markets yet: they appear as the ticker channel reports them"
        if self.filter_text:
            return f"no market matches “{printable(self.filter_text)}” · Esc clears the filter"
        if self.watch_only:
            return "no starred market · w shows every market, f stars the one under the cursor"
        if self.resolved_hidden:
            return (f"every market has resolved: {self.resolved_hidden:,} left the grid "
                    f"{RESOLVED_SHOWN_SECONDS // 60} minutes after · / status:all shows them")
        return ""

    def visible_tickers(self) -> list[str]:
        """The tickers of the rows shown (every row the filter keeps), top to bottom."""
        return self.row_keys

    # -- sorting --------------------------------------------------------------------------------

    def action_step_sort(self, step: int) -> None:
        """Move the sort ``step`` sortable columns right (left when negative), round the ends; the
        first press sorts by ticker. Numbers sort highest first, text A to Z (``r`` reverses)."""
        keys = [column.key for column in COLUMNS if column.sortable]
        if self.sort_column is None:
            column = "ticker"
        else:
            column = keys[(keys.index(self.sort_column) + step) % len(keys)]
        self.sort_by(column, COLUMN_BY_KEY[column].numeric)

    def action_reverse_sort(self) -> None:
        """Reverse the sort order (sorting by ticker first when unsorted)."""
        if self.sort_column is None:
            self.sort_by("ticker")
        else:
            self.sort_by(self.sort_column, not self.sort_reverse)

    def sort_by(self, column: str, reverse: bool = False) -> None:
        """Sort by ``column`` (a :class:`RowValues` field), its header marked."""
        self.sort_column = column
        self.sort_reverse = reverse
        self.relabel()
        self._sort_all()

    def _schedule_resort(self) -> None:
        if self._resort_timer is None:
            self._resort_timer = self.set_timer(RESORT_SECONDS, self._reorder)

    def _describe(self) -> None:
        """Say in the border how the rows are sorted and filtered (plain text, never markup)."""
        parts = [f"{self.row_count}/{len(self._known)} markets"]
        if self.sort_column is not None:
            glyph = DOWN if self.sort_reverse else UP
            parts.append(f"sorted by {COLUMN_BY_KEY[self.sort_column].label} {glyph}")
        if self.filter_text:
            parts.append(f"filter “{printable(self.filter_text)}”")
        if self.watch_only:
            parts.append(f"{STAR} watchlist only")
        if self.resolved_hidden:
            parts.append(f"{self.resolved_hidden:,} resolved hidden (status:all)")
        text = " · ".join(parts)
        if text != self._described:  # the border's bottom row repainted, not the rows
            self._described = text
            set_border_subtitle(self, Text(text))

    def cursor_ticker(self) -> str | None:
        """The market under the cursor, if any."""
        return self.cursor_key()

    def show_ticker(self, ticker: str) -> None:
        """Put the cursor on ``ticker``'s row, if it is shown."""
        index = self.index_of(ticker)
        if index is not None:
            self.move_cursor(index)

    # -- selection ------------------------------------------------------------------------------

    def on_line_table_row_selected(self, event: LineTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.MarketChosen(event.key))
