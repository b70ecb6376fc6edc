"""Everything the screens show, kept up to date from parsed server messages.

:class:`MarketState` is the one source of truth the widgets render from. ``apply`` takes any
message from :mod:`app.core.protocol` and returns the :class:`Kind` flags of what changed, so a UI can
redraw only those. Pure data: no I/O, no Textual.
"""

from __future__ import annotations

import enum
from collections import Counter, deque
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from app.core import protocol as p
from app.core.book import BookInconsistency, OrderBook
from app.core.catalog import Catalog
from app.core.change_log import ChangeLog
from app.core.fixed import ONE_DOLLAR, SHOWN_FLOOR, SHOWN_LIMIT, shown_invalid
from app.core.history import DEFAULT_CAPACITY, PriceHistories
from app.core.no_side import no_side_in_yes_prices, to_no_prices
from app.core.portfolio import Portfolio
from app.core.timestamps import MAX_EPOCH_MS, valid_epoch_ms, valid_epoch_s, valid_iso

DEFAULT_TRADE_CAPACITY = 5_000
DEFAULT_FILL_CAPACITY = 1_000
DEFAULT_LOG_CAPACITY = 2_000
DEFAULT_FINISHED_ORDER_CAPACITY = 1_000
DEFAULT_RFQ_CAPACITY = 500
CLOSED_RFQ = frozenset({"deleted", "executed"})
RELABEL_LOG = 100_000  # relabelled markets remembered for views that read them incrementally
TICKER_LOG = 100_000  # ticker messages' markets remembered for views that read them incrementally
RESTING = "resting"
PRIMARY = 0  # the subaccount number of the primary account (messages without one are about it)

PositionKey = tuple[str, int]  # (market ticker, subaccount)


def subaccount_of(message: p.Message) -> int:
    """The subaccount a message of the user's is about (the primary account when it names none)."""
    subaccount = getattr(message, "subaccount", None)
    return PRIMARY if subaccount is None else subaccount


class Kind(enum.IntFlag):
    """What a message changed; a widget redraws when a kind it shows is among them."""

    NONE = 0
    BOOK = enum.auto()
    TICKER = enum.auto()
    TRADE = enum.auto()
    FILL = enum.auto()
    POSITION = enum.auto()
    RFQ = enum.auto()
    LIFECYCLE = enum.auto()
    ORDER = enum.auto()


# What the handlers return, read once: an enum member read off its class costs ~90 ns and `|`
# between two flags ~800 ns, more than most handlers' own work.
_NONE, _BOOK, _TICKER, _TRADE, _FILL = Kind.NONE, Kind.BOOK, Kind.TICKER, Kind.TRADE, Kind.FILL
_POSITION, _RFQ, _LIFECYCLE, _ORDER = Kind.POSITION, Kind.RFQ, Kind.LIFECYCLE, Kind.ORDER
_ORDER_AND_LIFECYCLE = Kind.ORDER | Kind.LIFECYCLE


class BookStatus(enum.Enum):
    """Whether a book can be trusted: live, waiting for its snapshot, or known to be wrong."""

    AWAITING_SNAPSHOT = "awaiting snapshot"
    LIVE = "live"
    RESYNCING = "resyncing"
    STALE = "stale"


_LIVE = BookStatus.LIVE  # read once: every delta checks it (an enum member read costs ~90 ns)
# Below this, a value is surely shown (app.core.fixed.SHOWN_LIMIT is 10**24, a little above 2**79):
# the bound of the one combined range check of a ticker's numbers.
_SURELY_SHOWN = 2**79


@dataclass(slots=True)
class MarketInfo:
    """What the lifecycle channels (and the REST catalog) told us about one market."""

    ticker: str
    title: str | None = None
    subtitle: str | None = None  # the yes sub-title: what tells a strike apart within its event
    event_ticker: str | None = None
    status: str | None = None
    open_ts: int | None = None
    close_ts: int | None = None
    result: str | None = None
    settlement_value: int | None = None
    price_ranges: tuple[p.PriceRange, ...] = ()  # where its prices may lie and their ticks (app.core.ticks)
    finished_ts: int | None = None  # epoch s it was determined (or settled), as the lifecycle said
    revision: int = 0  # lifecycle messages applied: a view compares it with the one it last showed


@dataclass(slots=True)
class TradeStats:
    """Prints in one market since it was first seen: the last one and volume at each price."""

    last_price: int | None = None
    last_size: int | None = None
    volume_by_price: dict[int, int] = field(default_factory=dict)
    mark: int = 0  # the state's trades applied at this market's last one (MarketState.trade_mark)


@dataclass(slots=True)
class QuoteRecord:
    """One quote on an RFQ: its latest message with its terms, its status history, and the
    user's order from it once executed."""

    quote: p.QuoteEvent
    status: str
    history: list[str] = field(default_factory=list)
    created_ts: str | None = None  # from the first message that carried it (accepts do not)
    executed: p.QuoteExecuted | None = None  # the user's order_id / client_order_id from it


@dataclass(slots=True)
class RfqRecord:
    """One RFQ with its quotes nested and its status history."""

    rfq_id: str
    market_ticker: str | None
    contracts: int | None = None
    target_cost: int | None = None
    created_ts: str | None = None
    status: str = "open"
    history: list[str] = field(default_factory=list)
    quotes: dict[str, QuoteRecord] = field(default_factory=dict)
    order: int = 0

    def set_status(self, status: str) -> None:
        """Move to ``status`` and remember it."""
        self.status = status
        self.history.append(status)


_QUOTE_STATUS = {"quote_created": "quoted", "quote_accepted": "accepted", "quote_executed": "executed"}
_LIFECYCLE_STATUS = {
    "created": "created",
    "activated": "open",
    "close_date_updated": None,
    "determined": "determined",
    "settled": "settled",
}


class MarketState:
    """Books, tickers, trades, fills, positions, RFQs, lifecycle and orders, from messages."""

    def __init__(
        self,
        trade_capacity: int = DEFAULT_TRADE_CAPACITY,
        fill_capacity: int = DEFAULT_FILL_CAPACITY,
        log_capacity: int = DEFAULT_LOG_CAPACITY,
        history_capacity: int = DEFAULT_CAPACITY,
        finished_order_capacity: int = DEFAULT_FINISHED_ORDER_CAPACITY,
        rfq_capacity: int = DEFAULT_RFQ_CAPACITY,
    ) -> None:
        self.finished_order_capacity = finished_order_capacity
        self.rfq_capacity = rfq_capacity
        self._closed_rfqs: dict[str, None] = {}  # closed RFQ ids, the longest closed first
        self._finished: dict[str, None] = {}  # finished order ids, oldest finish first
        self.books: dict[str, OrderBook] = {}
        self.book_status: dict[str, BookStatus] = {}
        # Whether the server sends books' no sides in yes prices: told from the snapshots and
        # tickers (see app.core.no_side), whatever was asked; until one tells, no prices (what the feed
        # asks for). Told once, tickers are no longer looked at for it.
        self.no_side_in_yes_prices = False
        self.no_side_told = False
        self.tickers: dict[str, p.Ticker] = {}
        self.first_price: dict[str, int | None] = {}
        self.trades: deque[p.Trade] = deque(maxlen=trade_capacity)
        self.trade_stats: dict[str, TradeStats] = {}
        self._trades_applied = 0
        self.history = PriceHistories(history_capacity)
        self.fills: deque[p.Fill] = deque(maxlen=fill_capacity)
        self.positions: dict[PositionKey, p.MarketPosition] = {}
        self.position_count = 0  # position messages applied so far
        self._position_counts: dict[PositionKey, int] = {}  # position_count when each was last set
        self._account_changes = 0  # changes to the user's orders and positions so far
        self._account_marks: dict[str, int] = {}  # _account_changes at each market's last one
        # the same orders and positions by market (a ladder reads its own market's 30 times a second)
        self._market_orders: dict[str, dict[str, p.UserOrder]] = {}
        self._market_positions: dict[str, dict[int, p.MarketPosition]] = {}
        self.subaccounts: set[int] = set()  # every subaccount the user's messages named
        self.rfqs: dict[str, RfqRecord] = {}  # in the order first seen (the oldest first)
        self.markets: dict[str, MarketInfo] = {}
        self.events: dict[str, p.EventLifecycle] = {}
        self.lifecycle_log: deque[p.Message] = deque(maxlen=log_capacity)
        self.orders: dict[str, p.UserOrder] = {}
        self.order_groups: dict[str, p.OrderGroupUpdate] = {}
        # Times outside 1970 .. 9999 (app.core.timestamps), by what carried them ("trade", "RFQ"...):
        # kept with their messages, shown as invalid, counted for the integrity pane.
        self.invalid_times: Counter[str] = Counter()
        self.catalog = Catalog()  # the REST catalog of events and markets (app.core.catalog_state)
        self.portfolio = Portfolio()  # the account facts REST adds (app.core.portfolio_state)
        self._fill_keys: dict[tuple[str | None, str | None], None] = {}  # fills shown, oldest first
        self._relabels = ChangeLog(RELABEL_LOG)  # markets whose lifecycle info changed, in order
        self._ticker_log = ChangeLog(TICKER_LOG)  # markets a ticker message was applied to, in order
        # Numbers too large to be real (app.core.fixed.SHOWN_LIMIT), by what carried them: kept with
        # their messages, shown as invalid, counted for the integrity pane like invalid times.
        # Sizes and money only: the parser takes no price outside $0..$1.
        self.invalid_numbers: Counter[str] = Counter()
        self._rfq_counter = 0
        self.evictions = 0  # passes that forgot idle markets or events (app.core.market_cap); views compare it
        # What :meth:`apply` calls, by the message's exact type (each takes that type, hence Any);
        # a caller on a hot path (the feed) looks its handler up here itself, one call fewer.
        self.appliers: dict[type[p.Message], Callable[[Any], Kind]] = {
            p.OrderbookSnapshot: self._on_snapshot,
            p.OrderbookDelta: self.apply_delta,
            p.Ticker: self._on_ticker,
            p.Trade: self._on_trade,
            p.Fill: self._on_fill,
            p.MarketPosition: self._on_position,
            p.MarketLifecycle: self._on_market_lifecycle,
            p.EventLifecycle: self._on_event_lifecycle,
            p.EventFeeUpdate: self._log_only,
            p.MultivariateLookup: self._log_only,
            p.MultivariateMarketLifecycle: self._log_only,
            p.OrderGroupUpdate: self._on_order_group,
            p.RfqCreated: self._on_rfq_created,
            p.RfqDeleted: self._on_rfq_deleted,
            p.QuoteCreated: self._on_quote,
            p.QuoteAccepted: self._on_quote,
            p.QuoteExecuted: self._on_quote,
            p.UserOrder: self._on_user_order,
        }

    # -- entry point ----------------------------------------------------------------------------

    def apply(self, message: p.Message) -> Kind:
        """Update from one message; return what changed (``Kind.NONE`` for acks and unknowns).

        An ``orderbook_delta`` that does not fit its book (a negative size, or no snapshot yet)
        raises :class:`BookInconsistency` and changes nothing: the caller resyncs that book.
        """
        handler = self.appliers.get(type(message))
        return handler(message) if handler is not None else _NONE

    # -- books ----------------------------------------------------------------------------------

    def _on_snapshot(self, m: p.OrderbookSnapshot) -> Kind:
        ticker = self.tickers.get(m.market_ticker)
        self._tell_no_side(no_side_in_yes_prices(m.yes, m.no, ticker.yes_ask if ticker is not None else None))
        book = self.books.get(m.market_ticker)
        if book is None:
            book = self.books[m.market_ticker] = OrderBook(m.market_ticker)
        book.load_snapshot(m.yes, to_no_prices(m.no) if self.no_side_in_yes_prices else m.no)
        if any(not SHOWN_FLOOR < size < SHOWN_LIMIT for _price, size in (*m.yes, *m.no)):
            self.invalid_numbers["book"] += 1
        self.book_status[m.market_ticker] = _LIVE
        return _BOOK

    def _tell_no_side(self, in_yes_prices: bool | None) -> None:
        """Take what a snapshot or ticker told of the no side's prices (None: nothing)."""
        if in_yes_prices is None:
            return
        self.no_side_told = True
        if in_yes_prices == self.no_side_in_yes_prices:
            return
        # The server uses the other convention: the books already built read their no sides the
        # wrong way round, so turn them.
        self.no_side_in_yes_prices = in_yes_prices
        for book in self.books.values():
            book.load_snapshot(book.levels("yes").items(), to_no_prices(book.levels("no").items()))

    def apply_delta(self, m: p.OrderbookDelta) -> Kind:
        """:meth:`apply` of a book delta (the feed's commonest message), without the look-up by type."""
        ticker = m.market_ticker
        book = self.books.get(ticker)
        if book is None or self.book_status.get(ticker) is not _LIVE:
            raise BookInconsistency(f"{ticker}: delta before the book's snapshot")
        price = m.price
        if self.no_side_in_yes_prices and m.side == "no":
            price = ONE_DOLLAR - price
        book.apply_delta(m.side, price, m.delta)
        if not SHOWN_FLOOR < m.delta < SHOWN_LIMIT:  # shown_invalid, inline: on every delta
            self.invalid_numbers["book"] += 1
        return _BOOK

    def set_book_status(self, market_ticker: str, status: BookStatus) -> None:
        """Record whether ``market_ticker``'s book is live, awaiting a snapshot, or being resynced."""
        self.book_status[market_ticker] = status

    def forget_book(self, market_ticker: str) -> None:
        """Drop a book nobody subscribes to any more."""
        self.books.pop(market_ticker, None)
        self.book_status.pop(market_ticker, None)

    def is_live(self, market_ticker: str) -> bool:
        """True when the book is built from a snapshot and every delta since."""
        return self.book_status.get(market_ticker) is _LIVE

    def forget_market(self, market_ticker: str) -> None:
        """Drop what the market-data and lifecycle channels told about a market (not its book)."""
        self.tickers.pop(market_ticker, None)
        self.first_price.pop(market_ticker, None)
        self.trade_stats.pop(market_ticker, None)
        self.history.markets.pop(market_ticker, None)
        self.markets.pop(market_ticker, None)

    # -- market data ----------------------------------------------------------------------------

    def _on_ticker(self, m: p.Ticker) -> Kind:
        ticker = m.market_ticker
        if self.first_price.get(ticker) is None:  # not seen yet, or seen before its first trade
            self.first_price[ticker] = m.price
        self.tickers[ticker] = m
        volume, open_interest, bid_size, ask_size = m.volume, m.open_interest, m.yes_bid_size, m.yes_ask_size
        last_size, dollar_volume, dollar_open_interest = m.last_trade_size, m.dollar_volume, m.dollar_open_interest
        # One range check for all seven (an absent value, None, is 0 here): or-ed together, values
        # all in 0 .. 2**79 stay in it, and 2**79 < SHOWN_LIMIT. Any other (a negative one, one
        # from 2**79 on) takes the exact check, shown_invalid.
        if not 0 <= ((volume or 0) | (open_interest or 0) | (bid_size or 0) | (ask_size or 0) | (last_size or 0)
                     | (dollar_volume or 0) | (dollar_open_interest or 0)) < _SURELY_SHOWN and shown_invalid(
                volume, open_interest, bid_size, ask_size, last_size, dollar_volume, dollar_open_interest):
            self.invalid_numbers["ticker"] += 1
        noted = self._ticker_log.keys  # ChangeLog.note, inline: on every ticker
        noted.append(ticker)
        if len(noted) > TICKER_LOG:
            self._ticker_log.trim()
        self.history.markets[ticker].record(m.ts_ms, m.price, m.yes_bid, m.yes_ask)
        if not self.no_side_told and m.yes_ask is not None and self.book_status.get(ticker) is _LIVE:
            self._tell_no_side_from_book(self.books[ticker], m.yes_ask)
        return _TICKER

    def _tell_no_side_from_book(self, book: OrderBook, yes_ask: int) -> None:
        """Compare a live book's no side, as it was sent, with the ticker's best yes ask."""
        no = book.levels("no").items()
        sent = to_no_prices(no) if self.no_side_in_yes_prices else tuple(no)
        self._tell_no_side(no_side_in_yes_prices(book.levels("yes").items(), sent, yes_ask))

    def _on_trade(self, m: p.Trade) -> Kind:
        self.trades.append(m)
        ts = m.ts_ms
        if ts is not None and not 0 <= ts <= MAX_EPOCH_MS:  # valid_epoch_ms, without a call per trade
            self.invalid_times["trade"] += 1
        ticker, price, count = m.market_ticker, m.yes_price, m.count
        if not SHOWN_FLOOR < count < SHOWN_LIMIT:  # shown_invalid, inline: on every trade
            self.invalid_numbers["trade"] += 1
        stats = self.trade_stats.get(ticker)
        if stats is None:
            stats = self.trade_stats[ticker] = TradeStats()
        stats.last_price = price
        stats.last_size = count
        stats.mark = self._trades_applied = self._trades_applied + 1
        volume = stats.volume_by_price
        volume[price] = volume.get(price, 0) + count
        self.history.markets[ticker].record_last(m.ts_ms, price)
        return _TRADE

    def trade_mark(self, market_ticker: str) -> int:
        """A number that moves whenever a trade in ``market_ticker`` is applied (0 before any): a
        view that shows its trades compares it with the one it last read."""
        stats = self.trade_stats.get(market_ticker)
        return 0 if stats is None else stats.mark

    def price_change(self, market_ticker: str) -> int | None:
        """Last price now minus the last price when the market was first seen."""
        ticker = self.tickers.get(market_ticker)
        first = self.first_price.get(market_ticker)
        if ticker is None or ticker.price is None or first is None:
            return None
        return ticker.price - first

    def mid(self, market_ticker: str) -> Fraction | None:
        """Mid price from the live book, else from the latest ticker's bid and ask."""
        book = self.books.get(market_ticker)
        if book is not None and self.is_live(market_ticker) and book.mid is not None:
            return book.mid
        ticker = self.tickers.get(market_ticker)
        if ticker is None or ticker.yes_bid is None or ticker.yes_ask is None:
            return None
        return Fraction(ticker.yes_bid + ticker.yes_ask, 2)

    # -- account --------------------------------------------------------------------------------

    def _on_fill(self, m: p.Fill) -> Kind:
        if m.trade_id is not None:  # one fill, whether the socket or REST told it first
            key = (m.trade_id, m.order_id)
            if key in self._fill_keys:
                return _NONE
            self._remember_fill(key)
        self.fills.append(m)
        self._check_ms("fill", m.ts_ms)
        self._check_numbers("fill", m.count, m.fee_cost, m.post_position)
        self.subaccounts.add(subaccount_of(m))
        return _FILL

    def _remember_fill(self, key: tuple[str | None, str | None]) -> None:
        keys = self._fill_keys
        keys[key] = None
        if len(keys) > 4 * (self.fills.maxlen or DEFAULT_FILL_CAPACITY):
            del keys[next(iter(keys))]

    def merge_fills(self, fills: list[p.Fill]) -> int:
        """Add the fills not shown yet (by trade id and order id), in time order; how many."""
        new = []
        for fill in fills:
            key = (fill.trade_id, fill.order_id)
            if fill.trade_id is None or key in self._fill_keys:
                continue
            self._remember_fill(key)
            new.append(fill)
        if new:
            merged = sorted([*self.fills, *new], key=lambda f: f.ts_ms or 0)
            self.fills.clear()
            self.fills.extend(merged)
        return len(new)

    def _on_position(self, m: p.MarketPosition) -> Kind:
        subaccount = subaccount_of(m)
        self.subaccounts.add(subaccount)
        key = m.market_ticker, subaccount
        self.positions[key] = m
        self._market_positions.setdefault(m.market_ticker, {})[subaccount] = m
        self.position_count += 1
        self._position_counts[key] = self.position_count
        self._mark_account(m.market_ticker)
        self._check_numbers("position", m.position, m.position_cost, m.realized_pnl, m.fees_paid,
                            m.position_fee_cost, m.volume)
        return _POSITION

    def _mark_account(self, market_ticker: str) -> None:
        self._account_changes += 1
        self._account_marks[market_ticker] = self._account_changes

    def account_mark(self, market_ticker: str) -> int:
        """A number that moves whenever the user's orders or position in ``market_ticker`` change
        (0 before any): a view that shows them compares it with the one it last read."""
        return self._account_marks.get(market_ticker, 0)

    def market_orders(self, market_ticker: str) -> Collection[p.UserOrder]:
        """The user's orders in ``market_ticker`` among :attr:`orders` (resting and recently finished)."""
        return self._market_orders.get(market_ticker, {}).values()

    def market_positions(self, market_ticker: str) -> Collection[p.MarketPosition]:
        """The user's positions in ``market_ticker`` among :attr:`positions`, one a subaccount."""
        return self._market_positions.get(market_ticker, {}).values()

    def positions_changed_since(self, count: int) -> set[PositionKey]:
        """The positions set since :attr:`position_count` was ``count`` (positions carry no time:
        a load that started then must not overwrite these with what it read)."""
        return {key for key, at in self._position_counts.items() if at > count}

    @property
    def has_subaccounts(self) -> bool:
        """True once a message named a subaccount other than the primary account."""
        return bool(self.subaccounts) and self.subaccounts != {PRIMARY}

    def position_markets(self) -> set[str]:
        """The markets the user holds a position in, in any subaccount."""
        return {ticker for ticker, _ in self.positions}

    def unrealized_pnl(self, market_ticker: str, subaccount: int = PRIMARY) -> Fraction | None:
        """Mark-to-mid value of the position in one subaccount minus its cost, in money units
        (exact); None without a mid or a readable position.

        A positive position holds yes contracts (worth the mid); a negative one holds no contracts
        (worth $1 minus the mid).
        """
        position = self.positions.get((market_ticker, subaccount))
        mid = self.mid(market_ticker)
        if position is None or position.position is None or mid is None:
            return None
        if position.position >= 0:
            value = position.position * mid
        else:
            value = -position.position * (ONE_DOLLAR - mid)
        return value - position.position_cost

    def _on_user_order(self, m: p.UserOrder) -> Kind:
        """Keep every resting order and the most recently finished (canceled, executed) ones. A
        copy older than the one held (both timed: the socket's late copy of a state a REST answer
        already moved past) changes nothing; an untimed copy is always the latest word."""
        known = self.orders.get(m.order_id)
        if (known is not None and m.updated_ts_ms is not None and known.updated_ts_ms is not None
                and known.updated_ts_ms > m.updated_ts_ms):
            return Kind.NONE
        self._check_ms("order", m.created_ts_ms)
        self._check_numbers("order", m.fill_count, m.remaining_count, m.initial_count, m.fill_cost, m.fees)
        self.subaccounts.add(subaccount_of(m))
        if known is not None and known.market_ticker != m.market_ticker:
            self._unindex_order(known)  # the same order id said again of another market
        self.orders[m.order_id] = m  # an order keeps the place where it was first seen
        self._market_orders.setdefault(m.market_ticker, {})[m.order_id] = m
        self._mark_account(m.market_ticker)
        self._finished.pop(m.order_id, None)
        if m.status != RESTING:
            self._finished[m.order_id] = None  # in the order they finished
            if len(self._finished) > self.finished_order_capacity:
                oldest = next(iter(self._finished))
                del self._finished[oldest]
                self._unindex_order(self.orders.pop(oldest))
        return _ORDER

    def _unindex_order(self, order: p.UserOrder) -> None:
        """Take ``order`` out of its market's orders (it is forgotten, or now of another market)."""
        orders = self._market_orders[order.market_ticker]
        del orders[order.order_id]
        if not orders:
            del self._market_orders[order.market_ticker]
        self._mark_account(order.market_ticker)

    def _on_order_group(self, m: p.OrderGroupUpdate) -> Kind:
        self.order_groups[m.order_group_id] = m
        self.lifecycle_log.append(m)
        return _ORDER_AND_LIFECYCLE

    # -- times ----------------------------------------------------------------------------------

    def _check_ms(self, what: str, ts_ms: int | None) -> None:
        if ts_ms is not None and not valid_epoch_ms(ts_ms):
            self.invalid_times[what] += 1

    def _check_numbers(self, what: str, *values: int | None) -> None:
        if shown_invalid(*values):
            self.invalid_numbers[what] += 1

    def _check_iso(self, what: str, timestamp: str | None) -> None:
        if timestamp is not None and not valid_iso(timestamp):
            self.invalid_times[what] += 1

    # -- RFQs -----------------------------------------------------------------------------------

    def _rfq(self, rfq_id: str, market_ticker: str | None) -> RfqRecord:
        record = self.rfqs.get(rfq_id)
        if record is None:
            self._rfq_counter += 1
            record = self.rfqs[rfq_id] = RfqRecord(rfq_id, market_ticker, order=self._rfq_counter)
            if len(self.rfqs) > self.rfq_capacity:
                self._evict_rfq(keep=rfq_id)
        return record

    def _set_rfq_status(self, record: RfqRecord, status: str) -> None:
        record.set_status(status)
        if status in CLOSED_RFQ:
            self._closed_rfqs.pop(record.rfq_id, None)
            self._closed_rfqs[record.rfq_id] = None

    def _evict_rfq(self, keep: str) -> None:
        """Make room: forget the RFQ closed longest ago, else the oldest one without quotes (another
        user's request the user never quoted on). RFQs with the user's quotes are kept."""
        if self._closed_rfqs:
            oldest = next(iter(self._closed_rfqs))
            del self._closed_rfqs[oldest], self.rfqs[oldest]
            return
        for rfq_id, record in self.rfqs.items():
            if not record.quotes and rfq_id != keep:
                del self.rfqs[rfq_id]
                return

    def _on_rfq_created(self, m: p.RfqCreated) -> Kind:
        record = self._rfq(m.rfq_id, m.market_ticker)
        record.market_ticker = m.market_ticker
        record.contracts = m.contracts
        record.target_cost = m.target_cost
        record.created_ts = m.created_ts
        self._check_iso("RFQ", m.created_ts)
        self._check_numbers("RFQ", m.contracts, m.target_cost)
        self._set_rfq_status(record, "open")
        return _RFQ

    def _on_rfq_deleted(self, m: p.RfqDeleted) -> Kind:
        self._set_rfq_status(self._rfq(m.rfq_id, m.market_ticker), "deleted")
        return _RFQ

    def _on_quote(self, m: p.QuoteEvent) -> Kind:
        record = self._rfq(m.rfq_id, m.market_ticker)
        status = _QUOTE_STATUS[m.type_name]
        self.subaccounts.add(subaccount_of(m))
        quote = record.quotes.get(m.quote_id)
        if quote is None:
            quote = record.quotes[m.quote_id] = QuoteRecord(m, status)
        if isinstance(m, p.QuoteExecuted):
            quote.executed = m  # names the user's order, not the terms: the terms shown stay
        else:
            quote.quote = m
        quote.created_ts = quote.created_ts or m.created_ts
        self._check_iso("quote", m.created_ts)
        self._check_numbers("quote", m.yes_contracts_offered, m.no_contracts_offered, m.rfq_target_cost,
                            m.contracts_accepted)
        quote.status = status
        quote.history.append(status)
        if record.status != "deleted":
            self._set_rfq_status(record, status)
        return _RFQ

    def rfqs_newest_first(self) -> list[RfqRecord]:
        """RFQs, the most recently first seen first (kept in that order: nothing to sort)."""
        return list(reversed(self.rfqs.values()))

    # -- lifecycle ------------------------------------------------------------------------------

    def _market_info(self, ticker: str) -> MarketInfo:
        info = self.markets.get(ticker)
        if info is None:
            info = self.markets[ticker] = MarketInfo(ticker)
        return info

    def note_relabel(self, info: MarketInfo) -> None:
        """``info`` changed: count its revision and log it for :meth:`relabeled_since`."""
        info.revision += 1
        self._relabels.note(info.ticker)

    def relabeled_since(self, cursor: int) -> tuple[list[str] | None, int]:
        """Markets relabelled since ``cursor`` (0 at first) and the cursor to pass next time;
        None instead of the list when that is too long ago to say (read every market then)."""
        return self._relabels.since(cursor)

    def tickers_since(self, cursor: int) -> tuple[list[str] | None, int]:
        """Markets a ticker message was applied to since ``cursor`` (0 at first; repeats kept) and
        the cursor to pass next time; None instead of the list when that is too long ago to say."""
        return self._ticker_log.since(cursor)

    def _on_market_lifecycle(self, m: p.MarketLifecycle) -> Kind:
        info = self._market_info(m.market_ticker)
        self.note_relabel(info)
        if m.metadata:
            title = m.metadata.get("title")
            if isinstance(title, str):
                info.title = title
            event_ticker = m.metadata.get("event_ticker")
            if isinstance(event_ticker, str):
                info.event_ticker = event_ticker
        if m.open_ts is not None:
            info.open_ts = m.open_ts
        if m.close_ts is not None:
            info.close_ts = m.close_ts
            if not valid_epoch_s(m.close_ts):
                self.invalid_times["close"] += 1
        status = _LIFECYCLE_STATUS.get(m.event_type)
        if status:
            info.status = status
        # `is_deactivated` says pause (true) or unpause (false); a bare "deactivated" event pauses.
        paused = m.is_deactivated if m.is_deactivated is not None else (m.event_type == "deactivated" or None)
        if paused:
            info.status = "paused"
        elif paused is False and info.status == "paused":
            info.status = "open"
        if m.result is not None:
            info.result = m.result
        finished = m.determination_ts if m.determination_ts is not None else m.settled_ts
        if info.finished_ts is None and finished is not None:
            info.finished_ts = finished
        if m.settlement_value is not None:
            info.settlement_value = m.settlement_value
        if m.price_ranges:
            info.price_ranges = m.price_ranges
        self.lifecycle_log.append(m)
        return _LIFECYCLE

    def _on_event_lifecycle(self, m: p.EventLifecycle) -> Kind:
        self.events[m.event_ticker] = m
        self.lifecycle_log.append(m)
        return _LIFECYCLE

    def _log_only(self, m: p.Message) -> Kind:
        self.lifecycle_log.append(m)
        return _LIFECYCLE

    def title(self, market_ticker: str) -> str | None:
        """The market's title from lifecycle metadata, when known."""
        info = self.markets.get(market_ticker)
        return info.title if info is not None else None

    def market_tickers(self) -> list[str]:
        """Every market seen on any channel, in first-seen order of the ticker feed then others."""
        seen = dict.fromkeys(self.tickers)
        seen.update(dict.fromkeys(self.books))
        seen.update(dict.fromkeys(self.markets))
        return list(seen)
