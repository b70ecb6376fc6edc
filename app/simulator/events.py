"""What the exchange engine reports after each step: immutable facts, in app.core.fixed units.

Each event names the channel that carries it and, for market-filtered channels, its market. The
wire module turns an event into a message body; the session decides who receives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from app.core import protocol as p


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every engine event."""

    channel: ClassVar[str] = ""
    type: ClassVar[str] = ""

    @property
    def market(self) -> str | None:
        """The market a market-filtered subscription matches this event on (None: not filtered)."""
        return None


@dataclass(frozen=True, slots=True)
class BookChange(Event):
    """The resting size at one price on one side of a book changed by ``delta``."""

    channel: ClassVar[str] = p.ORDERBOOK_DELTA
    type: ClassVar[str] = "orderbook_delta"
    market_ticker: str
    market_id: str
    side: str
    price: int
    delta: int
    ts_ms: int
    client_order_id: str | None = None

    @property
    def market(self) -> str:
        return self.market_ticker


@dataclass(frozen=True, slots=True)
class TradePrint(Event):
    """A public trade: ``taker_side`` bought ``count`` at ``yes_price`` (or its no complement)."""

    channel: ClassVar[str] = p.TRADE
    type: ClassVar[str] = "trade"
    trade_id: str
    market_ticker: str
    yes_price: int
    count: int
    taker_side: str
    ts_ms: int
    is_block_trade: bool = False

    @property
    def market(self) -> str:
        return self.market_ticker


@dataclass(frozen=True, slots=True)
class TickerUpdate(Event):
    """A market's price (None: it has never traded), top of book, sizes, volume and open interest
    after a change."""

    channel: ClassVar[str] = p.TICKER
    type: ClassVar[str] = "ticker"
    market_ticker: str
    market_id: str
    price: int | None
    yes_bid: int
    yes_ask: int
    yes_bid_size: int
    yes_ask_size: int
    last_trade_size: int
    volume: int
    open_interest: int
    dollar_volume: int
    dollar_open_interest: int
    ts_ms: int

    @property
    def market(self) -> str:
        return self.market_ticker


@dataclass(frozen=True, slots=True)
class FillEvent(Event):
    """One of the account's orders traded ``count`` at ``yes_price``; ``side`` is what it bought.

    ``legacy_side`` and ``action`` say the same in the legacy words: buying the side held is
    ``buy``; buying against the other side held sells that side (``sell_partial`` when some of it
    is left, ``sell_to_close`` when none, ``sell`` when the position crosses zero); ``action`` is
    ``""`` when the exchange does not know it.
    """

    channel: ClassVar[str] = p.FILL
    type: ClassVar[str] = "fill"
    trade_id: str
    order_id: str
    client_order_id: str
    market_ticker: str
    is_taker: bool
    side: str
    yes_price: int
    count: int
    fee: int
    post_position: int
    ts_ms: int
    legacy_side: str = ""
    action: str = "buy"
    order_action: str = "buy"  # what the order said: ``sell`` for a sale of the other side

    @property
    def market(self) -> str:
        return self.market_ticker


@dataclass(frozen=True, slots=True)
class UserOrderEvent(Event):
    """The state of one of the account's orders after it was placed, filled or canceled."""

    channel: ClassVar[str] = p.USER_ORDERS
    type: ClassVar[str] = "user_order"
    order_id: str
    client_order_id: str
    market_ticker: str
    status: str
    side: str
    yes_price: int
    initial_count: int
    fill_count: int
    remaining_count: int
    taker_fill_cost: int
    maker_fill_cost: int
    taker_fees: int
    maker_fees: int
    created_ts_ms: int
    updated_ts_ms: int
    last_update_reason: str
    order_group_id: str | None = None
    action: str = "buy"  # ``side`` is the outcome bid on; a sale of the other side says ``sell``

    @property
    def market(self) -> str:
        return self.market_ticker


@dataclass(frozen=True, slots=True)
class PositionEvent(Event):
    """The account's position in one market (signed: yes > 0, no < 0) with its money."""

    channel: ClassVar[str] = p.MARKET_POSITIONS
    type: ClassVar[str] = "market_position"
    user_id: str
    market_ticker: str
    position: int
    position_cost: int
    realized_pnl: int
    fees_paid: int
    position_fee_cost: int
    volume: int

    @property
    def market(self) -> str:
        return self.market_ticker


@dataclass(frozen=True, slots=True)
class MarketLifecycleEvent(Event):
    """A market was created, (de)activated, re-timed, determined or settled."""

    channel: ClassVar[str] = p.MARKET_LIFECYCLE_V2
    type: ClassVar[str] = "market_lifecycle_v2"
    market_ticker: str
    event_type: str
    open_ts: int | None = None
    close_ts: int | None = None
    determination_ts: int | None = None
    settled_ts: int | None = None
    result: str | None = None
    settlement_value: int | None = None
    is_deactivated: bool | None = None
    additional_metadata: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class EventLifecycleEvent(Event):
    """An event was created or changed (carried on the market_lifecycle_v2 channel)."""

    channel: ClassVar[str] = p.MARKET_LIFECYCLE_V2
    type: ClassVar[str] = "event_lifecycle"
    event_ticker: str
    title: str
    sub_title: str
    collateral_return_type: str
    series_ticker: str
    strike_date: int


@dataclass(frozen=True, slots=True)
class EventFeeUpdateEvent(Event):
    """An event's fee override was set, or cleared (None), (today's form only; on the
    market_lifecycle_v2 channel). The multiplier is a decimal string."""

    channel: ClassVar[str] = p.MARKET_LIFECYCLE_V2
    type: ClassVar[str] = "event_fee_update"
    event_ticker: str
    series_ticker: str
    fee_type: str | None
    fee_multiplier: str | None


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg of a multivariate combination."""

    event_ticker: str
    market_ticker: str
    side: str


@dataclass(frozen=True, slots=True)
class MultivariateEvent(Event):
    """A multivariate combination market was looked up / created in a collection."""

    channel: ClassVar[str] = p.MULTIVARIATE_MARKET_LIFECYCLE
    type: ClassVar[str] = "multivariate_market_lifecycle"
    collection_ticker: str
    event_ticker: str
    market_ticker: str
    legs: tuple[Leg, ...]
    open_ts: int = 0
    close_ts: int = 0  # when the first of its legs' markets closes


@dataclass(frozen=True, slots=True)
class RfqEvent(Event):
    """A request for quote was created or deleted (``kind`` is the message type)."""

    channel: ClassVar[str] = p.COMMUNICATIONS
    type: ClassVar[str] = "rfq"
    kind: str
    rfq_id: str
    creator_id: str
    market_ticker: str
    event_ticker: str
    contracts: int
    target_cost: int
    ts_ms: int


@dataclass(frozen=True, slots=True)
class QuoteEvent(Event):
    """A quote on an RFQ was created, accepted or executed (``kind`` is the message type)."""

    channel: ClassVar[str] = p.COMMUNICATIONS
    type: ClassVar[str] = "quote"
    kind: str
    quote_id: str
    rfq_id: str
    quote_creator_id: str
    rfq_creator_id: str
    market_ticker: str
    event_ticker: str
    yes_bid: int
    no_bid: int
    yes_contracts_offered: int
    no_contracts_offered: int
    rfq_target_cost: int
    ts_ms: int
    accepted_side: str | None = None
    order_id: str | None = None  # quote_executed: the user's order from the quote
    client_order_id: str | None = None


@dataclass(frozen=True, slots=True)
class OrderGroupEvent(Event):
    """One of the account's order groups changed."""

    channel: ClassVar[str] = p.ORDER_GROUP_UPDATES
    type: ClassVar[str] = "order_group_updates"
    event_type: str
    order_group_id: str
    contracts_limit: int
    ts_ms: int
