"""The event view: every market of one event side by side as a probability strip.

One column per strike (in strike order): bars of the implied yes probability (what a yes paid once
determined, the mid of bid and ask, else the last price within them), then the implied probability,
yes bid, yes ask, last price, volume and status. Under the table, the sums of the yes asks and of
the yes bids across the strikes and what they say: the over-round, or an arbitrage when the strikes
are mutually exclusive (see :mod:`app.core.event_view`). ``enter`` opens the ladder of the strike
under the cursor.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from app.core.event_view import EventSummary, StrikeRow, Verdict, event_members, summarize
from app.core.fixed import ONE_DOLLAR
from app.core.sanitize import printable
from app.core.state import Kind
from widgets._textual.data_table import LeanDataTable
from widgets.base import StateView
from widgets.formatting import EMPTY, count_text, percent_text, price_text
from widgets.messages import MarketMessage
from widgets.tables.list_keys import DATA_TABLE_KEYS

BAR_ROWS = 8
BLOCKS = " ▁▂▃▄▅▆▇█"
MIN_COLUMN = 10
# (row key, label): the bar rows first, top to bottom, then the numbers
ROWS: tuple[tuple[str, str], ...] = (
    *((f"bar{i}", "P(yes)" if i == 0 else "") for i in range(BAR_ROWS)),
    ("implied", "Implied"),
    ("bid", "Yes bid"),
    ("ask", "Yes ask"),
    ("last", "Last"),
    ("volume", "Volume"),
    ("status", "Status"),
)


def bar_cell(row: StrikeRow, band: int, width: int) -> str:
    """Band ``band`` (0 = top) of the strike's probability bar, in eighths of a cell."""
    implied = row.implied
    if implied is None:
        return ""
    eighths = round(implied * BAR_ROWS * 8 / ONE_DOLLAR)
    fill = max(0, min(8, eighths - (BAR_ROWS - 1 - band) * 8))
    return (BLOCKS[fill] * max(1, width - 4)).center(width) if fill else ""


def strike_cells(row: StrikeRow, width: int) -> dict[str, str]:
    """Every cell of one strike's column, by row key."""
    out = {f"bar{band}": bar_cell(row, band, width) for band in range(BAR_ROWS)}
    out.update(
        implied=percent_text(row.implied),
        bid=price_text(row.yes_bid),
        ask=price_text(row.yes_ask),
        last=price_text(row.last),
        volume=count_text(row.volume),
        status=_status(row),
    )
    return out


def _status(row: StrikeRow) -> str:
    """A strike's status, or once it no longer trades its result (``YES won``, ``paid 37¢``)."""
    if row.finished and row.result is not None:
        return f"{row.result} won" if row.result in ("YES", "NO") else f"paid {row.result}"
    return row.status or EMPTY


def verdict_lines(summary: EventSummary) -> list[tuple[str, str]]:
    """What the sums say, as ``(text, tone)`` lines; tone ``alarm`` for an arbitrage."""
    if not summary.rows:
        return [("no markets of this event seen yet", "muted")]
    if summary.finished:
        won = ", ".join(summary.winners) or "none of the strikes shown"
        return [(f"settled: {won} won · no strike trades any more, so no quotes and no sums", "plain")]
    n = len(summary.rows)
    asks = f"Σ yes ask {price_text(summary.ask_sum)}"
    if summary.asks_missing:
        asks += f" ({summary.asks_missing} of {n} strikes have no ask)"
    bids = f"Σ yes bid {price_text(summary.bid_sum)}"
    if summary.bids_missing:
        bids += f" ({summary.bids_missing} of {n} strikes have no bid)"
    lines = [(f"{asks} · {bids}", "plain")]
    for verdict in summary.verdicts():
        over = summary.over_round or 0
        if verdict is Verdict.OVER_ROUND:
            lines.append((f"over-round {price_text(over)}: buying every yes costs more than the $1 one of "
                          "them pays", "plain"))
        elif verdict is Verdict.FAIR:
            lines.append(("every yes costs exactly $1 together: no over-round", "plain"))
        elif verdict is Verdict.BUY_ARBITRAGE:
            lines.append((f"⚠ ARBITRAGE: every yes costs {price_text(summary.ask_sum)} together and one of "
                          f"them pays $1 ({price_text(-over)} before fees)", "alarm"))
        elif verdict is Verdict.SELL_ARBITRAGE:
            lines.append((f"⚠ ARBITRAGE: selling every yes brings {price_text(summary.bid_sum)} and at most "
                          f"one is owed $1 ({price_text(summary.bid_sum - ONE_DOLLAR)} before fees)", "alarm"))
        elif verdict is Verdict.INCOMPLETE:
            lines.append(("not every strike has an ask: every yes cannot be bought now", "muted"))
        elif verdict is Verdict.NOT_EXCLUSIVE:
            lines.append(("no verdict: the strikes are not mutually exclusive, so the sums are not a "
                          "probability", "muted"))
        elif verdict is Verdict.EXCLUSIVITY_UNKNOWN:
            lines.append(("no verdict: whether the strikes are mutually exclusive is not known yet "
                          "(the event is not in the catalog and no event lifecycle was seen)", "muted"))
        elif verdict is Verdict.STRIKES_UNKNOWN:
            lines.append((f"no verdict: the event's full list of strikes is not known yet ({n} seen; "
                          "the event is not in the catalog)", "muted"))
    return lines


class StrikeTable(LeanDataTable[Text]):
    """The strikes side by side, a column each: ``h`` / ``l`` (as the arrows) move between them."""

    BINDINGS: ClassVar[list[BindingType]] = [*DATA_TABLE_KEYS]


class EventStrip(Vertical, StateView):
    """One event's strikes side by side, and what the sums of their yes prices say."""

    SHOWS: ClassVar[Kind] = Kind.TICKER | Kind.TRADE | Kind.LIFECYCLE

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_strike", "Ladder of the strike"),
        Binding("escape", "back", "Back to markets"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-strip--bar",
        "event-strip--implied",
        "event-strip--alarm",
        "event-strip--muted",
    }
    # The strike table is as tall as its rows (the dashboard lets it fill a narrow screen); its
    # verdict's border turns red on an arbitrage.
    DEFAULT_CSS = """
    EventStrip {
        #event-title {
            height: 1;
            color: $text-accent;
        }
        #event-table {
            height: auto;
            border: round $panel;
        }
        #event-table:focus {
            border: round $accent;
        }
        #event-verdict {
            height: auto;
            min-height: 3;
            border: round $panel;
        }
        #event-verdict.-arbitrage {
            border: round $error;
        }
        & > .event-strip--bar {
            color: $text-accent;
        }
        & > .event-strip--implied {
            text-style: bold;
        }
        & > .event-strip--alarm {
            color: $text-error;
            text-style: bold reverse;
        }
        & > .event-strip--muted {
            text-style: dim;
        }
    }
    """

    class StrikeChosen(MarketMessage):
        """The user chose a strike (Enter on its column)."""

    class BackRequested(MarketMessage):
        """The user asked to go back to the markets (``ticker``: the strike under the cursor)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.event_ticker: str | None = None
        self.summary: EventSummary | None = None
        self._members: list[str] = []
        self._known = -1  # markets seen when the members were last worked out
        self._shown: dict[tuple[str, str], str] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text("e on a market of the grid shows its event here"), id="event-title")
        yield StrikeTable(id="event-table", cursor_type="column", zebra_stripes=False, cell_padding=0)
        yield Static(Text(""), id="event-verdict")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

    def _restyle(self) -> None:
        """Draw every cell again, in the new theme's colours."""
        self._shown.clear()
        self.state_changed(self.SHOWS, frozenset())

    @property
    def table(self) -> DataTable[Text]:
        """The strike table."""
        return self.query_one("#event-table", LeanDataTable)

    def show_event(self, event_ticker: str, strike: str | None = None) -> None:
        """Show ``event_ticker`` (the cursor on ``strike``, when given)."""
        if event_ticker != self.event_ticker:
            self.event_ticker = event_ticker
            self._known = -1
        self.state_changed(self.SHOWS, frozenset())
        if strike is not None and strike in self._members:
            self.table.move_cursor(column=self._members.index(strike))

    # -- StateView ------------------------------------------------------------------------------

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Bring the strikes' columns and the sums up to date."""
        state = self.market_state
        if state is None or self.event_ticker is None or not self.is_mounted:
            return
        known = len(state.tickers) + len(state.markets)
        if known != self._known or kinds & Kind.LIFECYCLE:
            self._known = known
            members = event_members(state, self.event_ticker)
            if members != self._members:
                self._members = members
                self._rebuild_columns()
        self.summary = summarize(state, self.event_ticker, self._members)
        self._fill(self.summary)
        self._describe(self.summary)

    def _width(self, label: str) -> int:
        return max(MIN_COLUMN, len(printable(label)) + 2)

    def _rebuild_columns(self) -> None:
        table = self.table
        cursor = table.cursor_column
        table.clear(columns=True)
        self._shown.clear()
        assert self.event_ticker is not None and self.market_state is not None
        labels = [row.label for row in summarize(self.market_state, self.event_ticker, self._members).rows]
        for ticker, label in zip(self._members, labels):
            table.add_column(Text(printable(label), justify="center"), width=self._width(label), key=ticker)
        for key, label in ROWS:
            table.add_row(*(Text("") for _ in self._members), key=key, label=Text(label))
        if self._members:
            table.move_cursor(column=min(cursor, len(self._members) - 1))

    def _fill(self, summary: EventSummary) -> None:
        table = self.table
        bar, implied = self._style("bar"), self._style("implied")
        for row in summary.rows:
            width = self._width(row.label)
            for key, value in strike_cells(row, width).items():
                if self._shown.get((key, row.ticker)) == value:
                    continue
                self._shown[(key, row.ticker)] = value
                is_bar = key.startswith("bar")
                style = bar if is_bar else implied if key == "implied" else Style()
                justify: Literal["left", "center"] = "left" if is_bar else "center"
                table.update_cell(key, row.ticker, Text(printable(value), justify=justify, style=style))

    def _describe(self, summary: EventSummary) -> None:
        title = Text()
        title.append(f" {printable(summary.event_ticker)}", style="bold")
        if summary.title:
            title.append(f" · {printable(summary.title)}")
        title.append(f" · {len(summary.rows)} strike{'s' if len(summary.rows) != 1 else ''}")
        if summary.exclusive is not None:
            title.append(" · mutually exclusive" if summary.exclusive else " · not mutually exclusive")
        self.query_one("#event-title", Static).update(title)
        verdict = Text()
        for index, (line, tone) in enumerate(verdict_lines(summary)):
            if index:
                verdict.append("\n")
            verdict.append(f" {line}", style=self._style(tone) if tone != "plain" else Style())
        static = self.query_one("#event-verdict", Static)
        static.update(verdict)
        static.set_class(summary.arbitrage, "-arbitrage")

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"event-strip--{name}", partial=True)

    # -- keys -----------------------------------------------------------------------------------

    def cursor_ticker(self) -> str | None:
        """The market of the strike under the cursor."""
        try:
            return str(self.table.coordinate_to_cell_key(self.table.cursor_coordinate).column_key.value)
        except CellDoesNotExist:
            return None

    def action_open_strike(self) -> None:
        """Open the ladder of the strike under the cursor."""
        ticker = self.cursor_ticker()
        if ticker is not None:
            self.post_message(self.StrikeChosen(ticker))

    def action_back(self) -> None:
        """Go back to the markets."""
        self.post_message(self.BackRequested(self.cursor_ticker() or ""))

    def on_data_table_column_selected(self, event: DataTable.ColumnSelected) -> None:
        event.stop()
        self.post_message(self.StrikeChosen(str(event.column_key.value)))
