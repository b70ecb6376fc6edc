"""The depth ladder of one market: a Line API widget drawing only the lines in view.

Two lines stay on top: the market (ticker, title, lifecycle status, close countdown, which side is
shown, and whether the book is live) and the column headings. Below them every price of the book
from the highest down: traded volume since the ladder opened, the last trade's size, bid depth,
bid size with its bar, the price, ask size with its bar, ask depth. A line between the best ask and
the best bid gives the spread and mid. While the book is not live (awaiting its snapshot,
resyncing after a gap, or stale) the ladder says so on top and dims the levels. Once the market no longer
trades (closed, determined, settled) or while it is paused, the badge says that instead of the
book's state, and a market that no longer trades shows its result instead of its stale book.

Under a firehose the book of the ladder's market moves at every frame, mostly at a few prices.
After each change the ladder works out what every line in view shows (a :class:`RowLook` for a
price, a small tuple for the other lines) and refreshes only the lines whose look changed; each
rendered ``Strip`` is kept under its look, width and style, so a line that looks as it did (after a
scroll, a shift of the rows, or a repaint asked by Textual) is not rendered again. A line is built
straight from ``Segment``s: each cell's text already laid out in its column and its drawn style
(the base style plus the cell's components, dimmed or not) looked up in a :class:`Palette` worked
out once per base style and dimming.

Trading from the ladder: a price cursor (up/down, drawn ``▸``) and keys post an :class:`OrderAction`
(buy or sell at the cursor with the quantity, the ticket, cancel, amend, cancel all) that the
app carries out; in a session that trades, digits typed set that quantity
(:class:`~widgets.market.quantity_field.QuantityField`, shown in the title). Rows where the user has
resting orders show their size (``●``) in the Traded column.

``p`` switches to the price ladder and back: a row at every tick of the market's scale (sub-cent
where its price ranges allow) from ``BEYOND`` ticks under the best bid to ``BEYOND`` above the best
ask, centred on the touch, with the user's position (``YES 10`` at its average price), their resting
orders among the bids and among the asks, bars on a capped scale no wider than ``MAX_BAR_W``. The
cursor steps tick by tick there, past the rows shown, and the order keys act at its price.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, NamedTuple

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from app.core.book import YES
from app.core.fixed import format_count
from app.core.holding import Holding, holding
from app.core.market_status import PAUSED, is_finished, market_status, status_text
from app.core.sanitize import printable
from app.core.state import BookStatus, Kind, MarketState
from app.core.ticks import TickScale
from app.core.working_orders import sizes_by_book_side
from widgets._textual.direct_lines import DirectLines
from widgets.base import StateView
from widgets.flashes import Flashes
from widgets.formatting import (
    NO_GLYPH,
    YES_GLYPH,
    count_text,
    countdown_to,
    fraction_cents,
    price_text,
)
from widgets.line_runs import refresh_lines
from widgets.market.ladder_model import (
    ASK,
    BID,
    Ladder,
    LadderRow,
    build_ladder,
    other,
    price_ladder,
    size_changes,
    with_rows_at,
)
from widgets.market.quantity_field import QuantityField
from widgets.messages import MarketMessage
from widgets.painted import Paint, Palette, painted_strip
from widgets.painted import PaintedCell as Cell
from widgets.tables.compact import fit_number

HEADER_LINES = 2
HEIGHT_STEP = 8
FLASH_SECONDS = 1.0
VOL_W, LAST_W, CUM_W, SIZE_W, PRICE_W, HELD_W = 8, 7, 8, 8, 8, 10
MAX_BAR_W = 16  # the price ladder's widest bar: the ladder stops growing on a wide terminal
# (width, justification, blank cells before) of each column; a width of None is a size bar
# sharing what is left. A size that just changed flashes by colour alone.
Columns = tuple[tuple[int | None, str, int], ...]
COLUMNS: Columns = (
    (VOL_W, "right", 0), (LAST_W, "right", 1), (CUM_W, "right", 1),
    (SIZE_W, "right", 2), (None, "right", 1), (PRICE_W, "center", 0), (None, "left", 0),
    (SIZE_W, "left", 1), (CUM_W, "left", 2),
)
# The price ladder's: position, traded, the user's bids, bid, bar, price, bar, ask, the user's asks.
PRICE_COLUMNS: Columns = (
    (HELD_W, "right", 0), (VOL_W, "right", 1), (SIZE_W, "right", 1),
    (SIZE_W, "right", 2), (None, "right", 1), (PRICE_W, "center", 0), (None, "left", 0),
    (SIZE_W, "left", 1), (SIZE_W, "left", 2),
)


def fixed_width(columns: Columns) -> int:
    """The cells of ``columns`` other than the bars: their widths and the blanks between them."""
    return sum(width or 0 for width, _, _ in columns) + sum(gap for _, _, gap in columns)


FIXED_W, PRICE_FIXED_W = fixed_width(COLUMNS), fixed_width(PRICE_COLUMNS)
BLOCKS = " ▏▎▍▌▋▊▉█"

TITLE, HEADER, SPREAD = "depth-ladder--title", "depth-ladder--header", "depth-ladder--spread"
BID_STYLE, ASK_STYLE, BEST = "depth-ladder--bid", "depth-ladder--ask", "depth-ladder--best"
LAST, TRADED, UP_STYLE, DOWN_STYLE = (
    "depth-ladder--last", "depth-ladder--traded", "depth-ladder--up", "depth-ladder--down"
)
LIVE, NOT_LIVE, DIM = "depth-ladder--live", "depth-ladder--not-live", "depth-ladder--dim"
MODIFIERS = frozenset({BEST, DIM})
REPLAY_BADGE = "▶ REPLAY"
STATUS_BADGE = {
    None: "◌ AWAITING SNAPSHOT",
    BookStatus.AWAITING_SNAPSHOT: "◌ AWAITING SNAPSHOT",
    BookStatus.LIVE: "● LIVE",
    BookStatus.RESYNCING: "◌ RESYNCING",
    BookStatus.STALE: "◌ STALE",
}


def bar(size: int, max_size: int, width: int) -> str:
    """A horizontal bar of ``size`` against ``max_size`` in ``width`` cells, in eighths; a size
    over ``max_size`` (a capped scale) fills the width and no more."""
    if width <= 0 or max_size <= 0 or size <= 0:
        return ""
    eighths = min(width * 8, max(1, size * width * 8 // max_size))
    full, part = divmod(eighths, 8)
    return "█" * full + (BLOCKS[part] if part else "")


PAD: dict[str, Callable[[str, int], str]] = {"right": str.rjust, "center": str.center, "left": str.ljust}
Layout = tuple[tuple[int | None, Callable[[str, int], str], Cell | None], ...]


def layout(columns: Columns) -> Layout:
    """(width, padding, gap cell or None) of each of ``columns``."""
    return tuple((width, PAD[justify], (" " * gap, ()) if gap else None) for width, justify, gap in columns)


LAYOUTS: dict[bool, Layout] = {False: layout(COLUMNS), True: layout(PRICE_COLUMNS)}  # by price mode


def _laid_out(cells: Iterable[Cell], bar_width: int, price_mode: bool = False) -> list[Cell]:
    """``cells`` (one per column of the mode) padded to their columns, each after its gap; a
    number too wide for its column in a compact form (``126.85K``), so columns never touch."""
    laid: list[Cell] = []
    for (value, paint), (width, pad, gap) in zip(cells, LAYOUTS[price_mode]):
        if gap:
            laid.append(gap)
        if width is None:
            width = bar_width
        elif len(value) > width:
            value = fit_number(value, width)
        laid.append((pad(value, width), paint))
    return laid


class RowLook(NamedTuple):
    """Everything the line of one price shows but the width: its rendered strip is kept under it."""

    row: LadderRow
    bid_flash: int
    ask_flash: int
    best_bid: bool
    best_ask: bool
    last: bool
    max_size: int
    mine: int = 0  # contracts left in the user's resting orders at this price (price mode: bids)
    cursor: bool = False
    price_mode: bool = False
    mine_ask: int = 0  # price mode: contracts left in the user's resting orders among the asks
    held: str = ""  # price mode: the user's position, on the row of its average price


# What a line shows: a RowLook, or ("title", status, side, tail), ("header", side, price mode),
# ("spread", label) or ("text", value); a line's key adds its width and dimming.
Look = tuple[Any, ...]
LineKey = tuple[Look, int, bool]


class DepthLadder(DirectLines, ScrollView, StateView, can_focus=True):
    """A price ladder of one market's book, yes side or no side."""

    SHOWS: ClassVar[Kind] = Kind.BOOK | Kind.TRADE | Kind.LIFECYCLE | Kind.ORDER | Kind.POSITION

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "flip", "Flip yes/no"),
        Binding("c", "center", "Center on spread"),
        Binding("p", "toggle_price_ladder", "Price ladder"),
        Binding("x", "close", "Close ladder"),
        Binding("up", "cursor(-1)", "Price up", show=False),
        Binding("down", "cursor(1)", "Price down", show=False),
        # priority: run by the app as it takes the key in, not after the key has bubbled from the
        # ladder up to the app through each container's queue (tens of ms under a firehose)
        Binding("b", "trade('buy')", "Buy at cursor", show=False, priority=True),
        Binding("v", "trade('sell')", "Sell at cursor", show=False, priority=True),
        Binding("o", "ticket", "Order ticket", show=False),
        Binding("delete,backspace", "cancel", "Cancel at cursor", show=False),
        Binding("K", "cancel_all", "Cancel all", show=False),
        Binding("e", "amend", "Amend at cursor"),  # Event on the grid: the footer says what it does here
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "depth-ladder--title",
        "depth-ladder--header",
        "depth-ladder--bid",
        "depth-ladder--ask",
        "depth-ladder--best",
        "depth-ladder--spread",
        "depth-ladder--last",
        "depth-ladder--traded",
        "depth-ladder--up",
        "depth-ladder--down",
        "depth-ladder--live",
        "depth-ladder--not-live",
        "depth-ladder--dim",
    }
    # Up/down and yes/no carry a glyph as well as a colour.
    DEFAULT_CSS = """
    DepthLadder {
        height: 1fr;
        border: round $panel;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        &:focus {
            border: round $accent;
        }
        & > .depth-ladder--title {
            text-style: bold;
            color: $text-accent;
        }
        & > .depth-ladder--header {
            color: $text-muted;
            text-style: bold;
        }
        & > .depth-ladder--bid {
            color: $text-success;
        }
        & > .depth-ladder--ask {
            color: $text-error;
        }
        & > .depth-ladder--best {
            text-style: bold underline;
        }
        & > .depth-ladder--spread {
            color: $text-warning;
            text-style: bold;
        }
        & > .depth-ladder--last {
            color: $text-accent;
            text-style: bold;
        }
        & > .depth-ladder--traded {
            color: $text-muted;
        }
        & > .depth-ladder--up {
            background: $success-muted;
            text-style: bold;
        }
        & > .depth-ladder--down {
            background: $error-muted;
            text-style: bold;
        }
        & > .depth-ladder--live {
            color: $text-success;
            text-style: bold;
        }
        & > .depth-ladder--not-live {
            color: $text-warning;
            text-style: bold reverse;
        }
        & > .depth-ladder--dim {
            text-style: dim;
        }
    }
    """

    class CloseRequested(MarketMessage):
        """The user asked to close this ladder."""

    class OrderAction(MarketMessage):
        """An order action at the cursor: ``verb`` is ``buy``/``sell`` (at once, ``count``
        contracts), ``ticket``, ``cancel``, ``amend`` or ``cancel_all``; ``price`` on ``side``."""

        def __init__(self, ticker: str, verb: str, side: str, price: int | None, count: int) -> None:
            super().__init__(ticker)
            self.verb, self.side, self.price, self.count = verb, side, price, count

    def __init__(
        self, ticker: str, *, side: str = YES, flash_seconds: float = FLASH_SECONDS,
        replaying: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.ticker = ticker
        self.replaying = replaying  # a recording played back: live books are marked REPLAY
        self.trades = False  # the session can trade: digits set the quantity (the screen sets it)
        self.side = side
        self.flash_seconds = flash_seconds
        self.ladder = Ladder(side)
        self._baseline: dict[int, int] | None = None
        self._flashes: Flashes[tuple[str, int]] = Flashes(
            self, flash_seconds, lambda _keys: self._refresh_changed(), self.now
        )
        self._centered = False
        self._built = False
        self._styles: dict[str, Style] = {}
        self._palettes: dict[bool, Palette] = {}
        self._strips: dict[tuple[LineKey, Style], Strip] = {}
        self._keys: list[LineKey] = []
        self._view: tuple[int, int, int] | None = None
        self._status: str | None = None  # the market's status (app.core.market_status)
        self._ended: str | None = None  # its status and result once it no longer trades
        self.cursor: int | None = None  # the price at the cursor, on ``side``
        self.quantity_field = QuantityField()  # contracts of the buy/sell keys: digits typed, or the ticket's count
        self.mine: dict[int, int] = {}  # the user's resting contracts at each price
        self.price_mode = False  # a row at every tick around the touch (``p``)
        self._mine_bids: dict[int, int] = {}
        self._mine_asks: dict[int, int] = {}
        self._holding: Holding | None = None
        self._account_read: int | None = None  # the state's account_mark when they were read
        self._trades_read: int | None = None  # the state's trade_mark at the last rebuild
        self._held: tuple[int, str] | None = None  # the row of the position's average, and its text
        self._scale: tuple[tuple[Any, str], TickScale] | None = None  # kept under (ranges, side)
        self._spread: tuple[tuple[int | None, int | None], str] | None = None  # the divider's text, by quote

    @property
    def quantity(self) -> int:
        """Contracts the buy and sell keys send (app.core.fixed counts)."""
        return self.quantity_field.quantity

    @quantity.setter
    def quantity(self, value: int) -> None:
        self.quantity_field.set(value)
        self._refresh_changed()

    def on_key(self, event: events.Key) -> None:
        """Digits set the quantity while the session can trade (they would switch tabs otherwise)."""
        if not self.trades:
            return
        if event.character is not None and event.character.isdecimal() and event.character.isascii():
            event.stop()
            event.prevent_default()
            if self.quantity_field.digit(event.character):
                self._refresh_changed()
        else:
            self.quantity_field.end()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._refresh_changed)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    # -- StateView ------------------------------------------------------------------------------

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Rebuild the ladder when this market's book or trades, or the trader's orders at its
        rows, changed; else refresh the lines whose look moved (the status, the clock)."""
        state = self.market_state
        if state is None:
            return
        if self._baseline is None:
            stats = state.trade_stats.get(self.ticker)
            self._baseline = dict(stats.volume_by_price) if stats else {}
        book_moved = bool(kinds & Kind.BOOK) and (not books or self.ticker in books)
        # the account's news is read when it is about this market
        account = bool(kinds & (Kind.ORDER | Kind.POSITION)) and state.account_mark(self.ticker) != self._account_read
        rows_moved = False  # the rows kept for the trader moved (their orders; the position on the price ladder)
        if account:
            prices = set(self.mine)
            self._read_account(state)
            rows_moved = self.price_mode or prices != set(self.mine)
        traded = bool(kinds & Kind.TRADE) and state.trade_mark(self.ticker) != self._trades_read
        if book_moved or traded or rows_moved:
            self._rebuild(state, flash=book_moved)
        else:
            self._refresh_changed()

    @property
    def book_status(self) -> BookStatus | None:
        """The status of the book shown (None before the market's first snapshot)."""
        state = self.market_state
        return None if state is None else state.book_status.get(self.ticker)

    @property
    def live(self) -> bool:
        """True when the book shown is built from a snapshot and every delta since."""
        return self.book_status is BookStatus.LIVE

    def _read_account(self, state: MarketState) -> None:
        """The user's resting orders (among the bids and the asks of the side shown) and position."""
        self._account_read = state.account_mark(self.ticker)
        self._mine_bids, self._mine_asks = sizes_by_book_side(state.market_orders(self.ticker), self.ticker, self.side)
        self.mine = {price: self._mine_bids.get(price, 0) + self._mine_asks.get(price, 0)
                     for price in {*self._mine_bids, *self._mine_asks}}
        self._holding = holding(state.market_positions(self.ticker), self.ticker, self.side)

    def tick_scale(self) -> TickScale:
        """The valid prices of the market on the side shown (1¢ ticks until its ranges are known)."""
        state = self.market_state
        info = state.markets.get(self.ticker) if state is not None else None
        key = (info.price_ranges if info is not None else (), self.side)
        if self._scale is None or self._scale[0] != key:
            scale = TickScale(key[0])
            self._scale = key, scale if self.side == YES else scale.mirrored()
        return self._scale[1]

    def _rebuild(self, state: MarketState, flash: bool) -> None:
        before = self.ladder if self._built else None
        cursor_line = self._cursor_line_in_view()
        self._built = True
        self._trades_read = state.trade_mark(self.ticker)
        ladder = build_ladder(
            state.books.get(self.ticker), self.side, state.trade_stats.get(self.ticker),
            self._baseline,
        )
        self._held = None
        kept = [*self.mine, *([self.cursor] if self.cursor is not None else [])]  # rows the trader needs
        if self.price_mode:
            scale = self.tick_scale()
            held = self._holding
            if held is not None and held.price is not None:
                self._held = scale.nearest(round(held.price)), f"{held.side.upper()} {count_text(held.count)}"
            ladder = price_ladder(ladder, scale, keep=[*kept, *([self._held[0]] if self._held else [])])
        else:  # the trader's orders and the cursor have a row even where the book has no level (yet)
            ladder = with_rows_at(ladder, kept)
        self.ladder = ladder
        if flash and self.live and before is not None:
            for key, direction in size_changes(before, self.ladder).items():
                self._flashes.mark(key, direction)
        self._fit_virtual_size()
        if cursor_line is not None:
            self._keep_cursor_at(cursor_line)
        if not self._centered and self.ladder.rows and self.size.height:
            self._centered = True
            self.call_after_refresh(self.action_center)
        self._refresh_changed()

    def _read_status(self) -> None:
        """Read the market's status (once per refresh, with the clock: a close time passes
        without a message) and whether it no longer trades."""
        state = self.market_state
        info = state.markets.get(self.ticker) if state is not None else None
        now = self.now()
        self._status = market_status(info, now)
        ended = status_text(info, now) if is_finished(self._status) else None
        if ended != self._ended:
            self._ended = ended
            self._fit_virtual_size()

    def flashing(self) -> dict[tuple[str, int], int]:
        """Sizes flashing now, as ``{(bid|ask, price): +1 or -1}``."""
        return self._flashes.current()

    # -- actions --------------------------------------------------------------------------------

    def action_flip(self) -> None:
        """Show the book from the other side (a yes bid at p is a no ask at $1 - p)."""
        self.side = other(self.side)
        self.cursor = None
        if self.market_state is not None:
            self._read_account(self.market_state)
        self._flashes.clear()
        self._built = False
        self._recentre()

    def action_toggle_price_ladder(self) -> None:
        """``p``: the price ladder (every tick around the touch) or the depth ladder (every level)."""
        self.price_mode = not self.price_mode
        if not self.price_mode and self.cursor not in self.mine and not any(
                row.price == self.cursor and (row.bid or row.ask or row.traded) for row in self.ladder.rows):
            self.cursor = None  # an empty tick is no row of the depth ladder: start again at the best bid
        self._recentre()

    def _recentre(self) -> None:
        """Rebuild what is shown and centre it on the spread again."""
        self._centered = False
        if self.market_state is not None:
            self._rebuild(self.market_state, flash=False)

    def action_center(self) -> None:
        """Scroll so that the spread line sits in the middle of the view."""
        body = max(1, self.size.height - HEADER_LINES)
        self.scroll_to(y=max(0, self.ladder.separator_index - body // 2), animate=False)

    def action_close(self) -> None:
        """Ask the screen to close this ladder."""
        self.post_message(self.CloseRequested(self.ticker))

    def action_cursor(self, step: int) -> None:
        """Move the price cursor one row (it starts at the best bid) and keep it in view; on the
        price ladder one tick, past the rows shown if need be (they stretch to it)."""
        prices = [row.price for row in self.ladder.rows]
        if not prices:
            return
        start = self.cursor if self.cursor is not None else self.ladder.best_bid
        if self.price_mode and self.market_state is not None:
            start = start if start is not None else prices[len(prices) // 2]
            self.cursor = self.tick_scale().step(start, -step)  # up (a negative step) is a higher price
            self._rebuild(self.market_state, flash=False)
            prices = [row.price for row in self.ladder.rows]
        else:
            index = prices.index(start) + step if start in prices else 0
            self.cursor = prices[max(0, min(len(prices) - 1, index))]
        line = self._line_of(prices.index(self.cursor))
        body = max(1, self.size.height - HEADER_LINES)
        if not self.scroll_y <= line < self.scroll_y + body:
            self.scroll_to(y=max(0, line - body // 2), animate=False)
        self._refresh_changed()

    def action_trade(self, action: str) -> None:
        """``b`` / ``v``: buy or sell the shown side at the cursor, the last quantity."""
        self._order_action(action)

    def action_ticket(self) -> None:
        """``o``: the order ticket at the cursor price."""
        self._order_action("ticket")

    def action_cancel(self) -> None:
        """``delete``: cancel the user's orders at the cursor price (``k`` moves, as in every list)."""
        self._order_action("cancel")

    def action_amend(self) -> None:
        """``e``: amend the user's order at the cursor price."""
        self._order_action("amend")

    def action_cancel_all(self) -> None:
        """``K``: cancel every order of the user in this market."""
        self._order_action("cancel_all")

    def _order_action(self, verb: str) -> None:
        self.quantity_field.end()  # a priority key never reaches on_key: the next digit starts anew
        price = self.cursor if self.cursor is not None else self.ladder.best_bid
        # straight to the app, which carries it out: bubbling through every container on the way
        # waits once in each one's queue (tens of ms under a firehose)
        self.app.post_message(self.OrderAction(self.ticker, verb, self.side, price, self.quantity))

    # -- rendering ------------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._fit_virtual_size()
        self._refresh_changed()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._refresh_changed()

    def _fit_virtual_size(self) -> None:
        height = self._virtual_height()
        if height != self.virtual_size.height:
            self.virtual_size = Size(0, height)

    def _virtual_height(self) -> int:
        """The scrollable height: the view's while the rows fit, else the rows' in steps.

        A new virtual size makes Textual lay out and repaint the whole screen, so the height only
        moves when the rows outgrow the view, and then in steps of ``HEIGHT_STEP`` lines.
        """
        needed = self._line_count() + HEADER_LINES
        view = self.scrollable_content_region.height
        if needed <= view:
            return view
        return -(-needed // HEIGHT_STEP) * HEIGHT_STEP

    def _line_count(self) -> int:
        rows = len(self.ladder.rows)
        return rows + self._divided() if rows and self._ended is None else 1

    def _divided(self) -> bool:
        """Whether a line divides the bids from the asks: not over a book without either (its rows
        are prices traded at, with nothing quoted to divide)."""
        return self.ladder.best_bid is not None or self.ladder.best_ask is not None

    def _cursor_line(self) -> int | None:
        """The ladder line of the cursor's row (None without a cursor or a row at it)."""
        if self.cursor is None:
            return None
        rows = self.ladder.rows
        return next((self._line_of(index) for index in range(len(rows)) if rows[index].price == self.cursor), None)

    def _cursor_line_in_view(self) -> int | None:
        """The ladder line of the cursor's row while it is in view, else None."""
        line = self._cursor_line()
        if line is None:
            return None
        top, body = int(self.scroll_offset.y), max(1, self.size.height - HEADER_LINES)
        return line if top <= line < top + body else None

    def _keep_cursor_at(self, line_before: int) -> None:
        """Scroll by as many lines as rows came or went above the cursor, so that the row a trader
        is about to act on stays where the eye is."""
        line = self._cursor_line()
        if line is not None and line != line_before:
            self.scroll_to(y=max(0, int(self.scroll_offset.y) + line - line_before), animate=False)

    def _line_of(self, row_index: int) -> int:
        """The ladder line (below the two fixed lines) of row ``row_index``."""
        return row_index + (self._divided() and row_index >= self.ladder.separator_index)

    def _style(self, component: str) -> Style:
        """A component's whole style (colours blended against the background, alpha included);
        the text-style-only modifiers (best, dim) are taken partially so they keep the colour."""
        style = self._styles.get(component)
        if style is None:
            style = self.get_component_rich_style(component, partial=component in MODIFIERS)
            self._styles[component] = style
        return style

    def _theme_changed(self, _theme: object) -> None:
        self._styles.clear()
        self._palettes.clear()
        self._strips.clear()
        self.refresh()

    def _refresh_changed(self) -> None:
        """Refresh the lines in view whose key changed since the last call (all when the view
        scrolled or was resized), and keep only the strips of the lines in view."""
        self._read_status()
        width = self.scrollable_content_region.width
        scroll_y = int(self.scroll_offset.y)
        dim = not self.live
        height = self.size.height
        keys = [self._line_key(y, width, dim, scroll_y) for y in range(min(height, HEADER_LINES))]
        keys += [(look, width, dim) for look in self._body_looks(scroll_y, scroll_y + height - HEADER_LINES)]
        view = (scroll_y, width, len(keys))
        if view != self._view:
            if keys:  # off screen (its pane hidden) it has no line to repaint: shown again, it is resized
                self.refresh()
        else:
            refresh_lines(self, [y + scroll_y for y, (old, new) in enumerate(zip(self._keys, keys)) if old != new])
        self._view, self._keys = view, keys
        shown = set(keys)
        self._strips = {key: strip for key, strip in self._strips.items() if key[0] in shown}

    def drawing_context(self) -> tuple[int, bool, Style, int]:
        """The width, the dimming, the base style and the scroll offset of the lines drawn in one call."""
        return self.scrollable_content_region.width, not self.live, self.base_style, int(self.scroll_offset.y)

    def render_line(self, y: int) -> Strip:
        """The strip of line ``y`` of the view: two fixed lines, then the scrolled ladder."""
        width, dim, base, scroll_y = self._drawing or self.drawing_context()
        keys = self._keys
        if HEADER_LINES <= y < len(keys) and keys[y][1:] == (width, dim) and self._view and self._view[0] == scroll_y:
            key = keys[y]  # what the last pass over the lines found there (each change of what they show ends in one)
        else:
            key = self._line_key(y, width, dim, scroll_y)
        strip = self._strips.get((key, base))
        if strip is None:
            strip = self._strips[key, base] = self._render_strip(*key, base)
        return strip

    def _line_key(self, y: int, width: int, dim: bool, scroll_y: int) -> LineKey:
        """What line ``y`` of the view (scrolled by ``scroll_y``) shows, with its width and dimming."""
        if y == 0:
            return ("title", *self._badge(), self.side, self._title_tail()), width, False
        if y == 1:
            return ("header", self.side, self.price_mode), width, False
        return self._body_look(y - HEADER_LINES + scroll_y), width, dim

    def _render_strip(self, look: Look, width: int, dim: bool, base: Style) -> Strip:
        palette = self._palettes.get(dim)
        if palette is None or palette.base != base:
            palette = self._palettes[dim] = Palette(self._style, base, (DIM,) if dim else ())
        return painted_strip(self._look_cells(look, width), palette, width)

    def _look_cells(self, look: Look, width: int) -> Iterable[Cell]:
        if isinstance(look, RowLook):
            return self._row_cells(look, width)
        kind = look[0]
        if kind == "title":
            return self._title_cells(*look[1:])
        if kind == "header":
            return self._header_cells(look[1], look[2], width)
        if kind == "spread":
            return [(look[1].center(width, "─"), (SPREAD,))]
        return [(look[1], ())]

    def _badge(self) -> tuple[str, bool]:
        """The badge first in the title and whether it says live: the market's state once it no
        longer trades or is paused (its book is history, whatever the feed says), else the book's."""
        if self._ended is not None:
            return f"■ {self._ended.upper()}", False
        if self._status == PAUSED:
            return "‖ PAUSED", False
        status = self.book_status
        if status is BookStatus.LIVE and self.replaying:
            return REPLAY_BADGE, True  # built from a recording, not from the exchange now
        return STATUS_BADGE[status], status is BookStatus.LIVE

    def _title_tail(self) -> str:
        """What the title says after the ticker: the quantity of the buy and sell keys (in a
        session that trades; ``_`` while digits are typed), the market's lifecycle and close
        (while it trades) and title."""
        state = self.market_state
        info = state.markets.get(self.ticker) if state else None
        tail = ""
        if self.trades:
            tail = f" · qty {format_count(self.quantity)}{'_' if self.quantity_field.typing else ''}"
        if info is None:
            return tail
        if self._status and self._ended is None and self._status != PAUSED:
            tail += f" · {self._status}"
        if info.close_ts is not None and self._ended is None:
            tail += f" · closes in {countdown_to(info.close_ts, self.now())}"
        if info.title:
            tail += f" · {info.title}"
        return tail

    def _title_cells(self, badge: str, live: bool, side: str, tail: str) -> list[Cell]:
        """The badge first (always in view), then the side, the market and ``tail``."""
        glyph = YES_GLYPH if side == YES else NO_GLYPH
        return [
            (f" {badge} ", (LIVE if live else NOT_LIVE,)),
            (f" {glyph} {side.upper()}  ", ()),
            (printable(self.ticker), (TITLE,)),
            (printable(tail), ()),
        ]

    @staticmethod
    def _bar_width(width: int, price_mode: bool = False) -> int:
        """Each bar's cells at ``width``: half what the other columns leave (on the price ladder at
        most ``MAX_BAR_W``)."""
        if price_mode:
            return max(0, min(MAX_BAR_W, (width - PRICE_FIXED_W) // 2))
        return max(0, (width - FIXED_W) // 2)

    def _header_cells(self, side: str, price_mode: bool, width: int) -> list[Cell]:
        side = side.capitalize()
        if price_mode:
            labels = ("Position", "Traded", "My bids", f"{side} bid", "", "Price", "", f"{side} ask", "My asks")
        else:
            labels = ("Traded", "Last", "Cum", f"{side} bid", "", "Price", "", f"{side} ask", "Cum")
        return _laid_out([(label, (HEADER,)) for label in labels], self._bar_width(width, price_mode), price_mode)

    def _body_look(self, index: int) -> Look:
        """What line ``index`` of the ladder (below the two fixed lines) shows."""
        return self._body_looks(index, index + 1)[0]

    def _body_looks(self, start: int, end: int) -> list[Look]:
        """What lines ``start`` to ``end`` (excluded) of the ladder show, in one pass: what every
        row's look reads is looked up once."""
        ladder = self.ladder
        if self._ended is not None:  # its book is history: no quotes, no spread
            return [("text", f"  {self._ended}: the market no longer trades" if index == 0 else "")
                    for index in range(start, end)]
        rows = ladder.rows
        if not rows:
            return [("text", "  no levels" if index == 0 else "") for index in range(start, end)]
        separator = ladder.separator_index if self._divided() else len(rows) + 1
        flashing = self._flashes.direction
        best_bid, best_ask, last_price, max_size = ladder.best_bid, ladder.best_ask, ladder.last_price, ladder.max_size
        cursor, price_mode = self.cursor, self.price_mode
        mine = self._mine_bids if price_mode else self.mine
        held_price, held = self._held if self._held is not None else (None, "")
        looks: list[Look] = []
        for index in range(start, end):
            if index == separator:
                looks.append(("spread", self._spread_label()))
                continue
            row_index = index if index < separator else index - 1
            if not 0 <= row_index < len(rows):
                looks.append(("text", ""))
                continue
            row = rows[row_index]
            price = row.price
            flashes = flashing((BID, price)), flashing((ASK, price))
            best = price == best_bid, price == best_ask, price == last_price
            if not price_mode:
                looks.append(RowLook(row, *flashes, *best, max_size, mine.get(price, 0), price == cursor))
            else:
                looks.append(RowLook(row, *flashes, *best, max_size, mine.get(price, 0), price == cursor,
                                     True, self._mine_asks.get(price, 0), held if price == held_price else ""))
        return looks

    def _spread_label(self) -> str:
        """The divider's text: the spread and the mid (worked out once per quote)."""
        ladder = self.ladder
        quote = ladder.best_bid, ladder.best_ask
        if self._spread is not None and self._spread[0] == quote:
            return self._spread[1]
        parts = []
        if ladder.spread is not None:
            parts.append(f"spread {price_text(ladder.spread)}")
        if ladder.mid is not None:
            parts.append(f"mid {fraction_cents(ladder.mid)}")
        if not parts:  # one side quoted (a book with neither has no divider)
            parts.append("one-sided book")
        label = f" {' · '.join(parts)} "
        self._spread = quote, label
        return label

    def _row_cells(self, look: RowLook, width: int) -> list[Cell]:
        row = look.row
        bar_w = self._bar_width(width, look.price_mode)
        bid: Paint = (BID_STYLE, BEST) if look.best_bid else (BID_STYLE,)
        ask: Paint = (ASK_STYLE, BEST) if look.best_ask else (ASK_STYLE,)
        traded = (count_text(row.traded) if row.traded else "", (TRADED,))
        book = [
            _size_cell(look.bid_flash, row.bid, bid),
            (bar(row.bid, look.max_size, bar_w), bid),
            (("▸" if look.cursor else "") + price_text(row.price), (LAST,) if look.last or look.cursor else ()),
            (bar(row.ask, look.max_size, bar_w), ask),
            _size_cell(look.ask_flash, row.ask, ask),
        ]
        if look.price_mode:
            cells = [
                (look.held, (LAST,)), traded, _mine_cell(look.mine), *book, _mine_cell(look.mine_ask),
            ]
        else:
            cells = [
                _mine_cell(look.mine) if look.mine else traded,
                (f"◆{count_text(row.last_size)}" if row.last_size is not None else "", (LAST,)),
                (count_text(row.bid_cumulative) if row.bid else "", bid),
                *book,
                (count_text(row.ask_cumulative) if row.ask else "", ask),
            ]
        return _laid_out(cells, bar_w, look.price_mode)


def _mine_cell(size: int) -> Cell:
    """The user's resting contracts at a price (``●12``), blank without any."""
    return (f"●{count_text(size)}" if size else "", (LAST,))


def _size_cell(direction: int, size: int, paint: Paint) -> Cell:
    """The size cell of one side of a row, in the flash's colour while it flashes (``direction``)."""
    if not direction:
        return (count_text(size) if size else "", paint)
    return (count_text(size), (*paint, UP_STYLE if direction > 0 else DOWN_STYLE))
