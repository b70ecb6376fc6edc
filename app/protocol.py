"""Kalshi WS v2 commands and server messages, typed.

Parsing has two layers. ``msgspec`` decodes a frame into a *wire* struct that mirrors the JSON
exactly (both the reference's integer fields and today's string fields are optional there); then
``to_message`` normalises it into one public message type with every price, count and amount in
the exact integer units of :mod:`app.fixed`. A reference-style and a current-style frame for the
same fact give equal messages.

Anything wrong with a frame (not JSON, not an object, a known type with a missing or mistyped
required field) raises exactly one :class:`ProtocolError` naming the type and the field. A frame of
an unknown type becomes an :class:`UnknownMessage` carrying the raw dict.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Union

import msgspec

from app import fixed

# --------------------------------------------------------------------------------------------
# Channels
# --------------------------------------------------------------------------------------------

ORDERBOOK_DELTA = "orderbook_delta"
TICKER = "ticker"
TRADE = "trade"
FILL = "fill"
MARKET_POSITIONS = "market_positions"
MARKET_LIFECYCLE_V2 = "market_lifecycle_v2"
MULTIVARIATE = "multivariate"
MULTIVARIATE_MARKET_LIFECYCLE = "multivariate_market_lifecycle"
COMMUNICATIONS = "communications"
ORDER_GROUP_UPDATES = "order_group_updates"
USER_ORDERS = "user_orders"

# Names the reference uses for a channel that today has another name.
CHANNEL_ALIASES = {"trades": TRADE, "orderbook": ORDERBOOK_DELTA}

PUBLIC_CHANNELS = frozenset(
    {ORDERBOOK_DELTA, TICKER, TRADE, MARKET_LIFECYCLE_V2, MULTIVARIATE, MULTIVARIATE_MARKET_LIFECYCLE}
)
PRIVATE_CHANNELS = frozenset(
    {FILL, MARKET_POSITIONS, COMMUNICATIONS, ORDER_GROUP_UPDATES, USER_ORDERS}
)
ALL_CHANNELS = PUBLIC_CHANNELS | PRIVATE_CHANNELS
# Channels whose subscription takes a market filter that update_subscription can change.
MARKET_FILTERED_CHANNELS = frozenset({ORDERBOOK_DELTA, TICKER, TRADE, MARKET_POSITIONS})
# Channels that must name at least one market.
MARKET_REQUIRED_CHANNELS = frozenset({ORDERBOOK_DELTA})


def canonical_channel(name: str) -> str:
    """The channel name kalshi-dash uses internally for ``name`` (``trades`` -> ``trade``)."""
    return CHANNEL_ALIASES.get(name, name)


# --------------------------------------------------------------------------------------------
# Error codes
# --------------------------------------------------------------------------------------------

ERROR_MEANINGS: dict[int, str] = {
    1: "unable to process message",
    2: "params required",
    3: "channels required",
    4: "subscription ids required",
    5: "unknown command",
    6: "already subscribed (retired)",
    7: "unknown subscription id",
    8: "unknown channel name",
    9: "authentication required",
    10: "channel error (subscription ended: resubscribe)",
    11: "invalid parameter",
    12: "exactly one subscription id is required",
    13: "unsupported action",
    14: "market ticker required",
    15: "action required",
    16: "market not found (retired)",
    17: "internal error (retired)",
    18: "command timeout",
    19: "shard_factor must be > 0",
    20: "shard_factor is required with shard_key",
    21: "shard_key must be >= 0 and < shard_factor",
    22: "shard_factor must be <= 100",
    23: "match ids required",
    24: "index ids required",
    25: "subscription buffer overflow (subscription ended: resubscribe)",
    26: "subscription market limit exceeded",
    27: "too many requests",
    28: "underlying tickers required",
    29: "invalid update interval",
}
RETIRED_ERROR_CODES = frozenset({6, 16, 17})
TERMINAL_ERROR_CODES = frozenset({10, 25})


def error_meaning(code: int) -> str:
    """The meaning of an error code from the code table, or a note that the code is unknown."""
    return ERROR_MEANINGS.get(code, f"unknown error code {code}")


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def subscribe(
    cmd_id: int,
    channels: list[str],
    market_tickers: list[str] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """A ``subscribe`` command. One ticker goes as ``market_ticker``, several as ``market_tickers``.

    Channel names are sent as given (the feed chooses the spelling the server speaks). Other params
    (``use_yes_price``, ``send_initial_snapshot``, ``skip_ticker_ack``, ``market_id(s)``,
    ``shard_factor``…) pass through unchanged.
    """
    body: dict[str, Any] = {"channels": list(channels)}
    if market_tickers:
        if len(market_tickers) == 1:
            body["market_ticker"] = market_tickers[0]
        else:
            body["market_tickers"] = list(market_tickers)
    body.update({key: value for key, value in params.items() if value is not None})
    return {"id": cmd_id, "cmd": "subscribe", "params": body}


def unsubscribe(cmd_id: int, sids: list[int]) -> dict[str, Any]:
    """An ``unsubscribe`` command for the given subscription ids."""
    return {"id": cmd_id, "cmd": "unsubscribe", "params": {"sids": list(sids)}}


def list_subscriptions(cmd_id: int) -> dict[str, Any]:
    """A ``list_subscriptions`` command."""
    return {"id": cmd_id, "cmd": "list_subscriptions"}


UPDATE_ACTIONS = ("add_markets", "delete_markets", "get_snapshot")


def update_subscription(
    cmd_id: int,
    action: str,
    sid: int | None = None,
    sids: list[int] | None = None,
    market_tickers: list[str] | None = None,
) -> dict[str, Any]:
    """An ``update_subscription`` command: ``add_markets``, ``delete_markets`` or ``get_snapshot``."""
    if action not in UPDATE_ACTIONS:
        raise ValueError(f"unknown update_subscription action {action!r}")
    body: dict[str, Any] = {"action": action}
    if sid is not None:
        body["sid"] = sid
    if sids is not None:
        body["sids"] = list(sids)
    if market_tickers:
        body["market_tickers"] = list(market_tickers)
    return {"id": cmd_id, "cmd": "update_subscription", "params": body}


_command_encoder = msgspec.json.Encoder()


def encode_command(command: dict[str, Any]) -> str:
    """JSON text of a command, ready to send."""
    return _command_encoder.encode(command).decode()


# --------------------------------------------------------------------------------------------
# Public message types (normalised; exact integer units from app.fixed)
# --------------------------------------------------------------------------------------------


class ProtocolError(Exception):
    """A frame that cannot be understood: not JSON, or a required field missing or mistyped.

    ``sid`` is the frame's subscription when its envelope names one as an integer (the feed
    resyncs the books of that subscription: the frame may have been one of their deltas).
    """

    def __init__(self, message: str, sid: int | None = None) -> None:
        super().__init__(message)
        self.sid = sid


class Message(msgspec.Struct, kw_only=True, gc=False):
    """Base of every server message: the envelope's ``sid``, ``seq`` and command ``id``."""

    sid: int | None = None
    seq: int | None = None
    id: int | None = None

    type_name = ""  # the wire ``type``; set on each subclass


class Subscribed(Message, kw_only=True):
    """A new subscription: its ``sid`` and ``channel``."""

    type_name = "subscribed"
    channel: str


class Unsubscribed(Message, kw_only=True):
    """A subscription removed (consumes a ``seq`` on its sid)."""

    type_name = "unsubscribed"


class SubscriptionInfo(msgspec.Struct, frozen=True, gc=False):
    """One row of a ``list_subscriptions`` answer."""

    channel: str
    sid: int
    market_tickers: tuple[str, ...] | None = None


class Ok(Message, kw_only=True):
    """A generic success: an update's market list, or the subscription list, or nothing."""

    type_name = "ok"
    market_tickers: tuple[str, ...] | None = None
    subscriptions: tuple[SubscriptionInfo, ...] | None = None


class ErrorMessage(Message, kw_only=True):
    """An error answer: ``code``, the server's text, and the meaning from the code table."""

    type_name = "error"
    code: int
    message: str
    meaning: str
    retired: bool = False


PriceLevel = tuple[int, int]  # (price, count)


class OrderbookSnapshot(Message, kw_only=True):
    """A whole order book for one market; an absent side is empty."""

    type_name = "orderbook_snapshot"
    market_ticker: str
    market_id: str | None = None
    yes: tuple[PriceLevel, ...] = ()
    no: tuple[PriceLevel, ...] = ()


class OrderbookDelta(Message, kw_only=True):
    """A signed change of size at one price on one side of one market's book."""

    type_name = "orderbook_delta"
    market_ticker: str
    market_id: str | None = None
    side: str
    price: int
    delta: int
    client_order_id: str | None = None
    ts_ms: int | None = None


class Ticker(Message, kw_only=True):
    """A market's latest price, bid, ask, sizes, volume and open interest.

    ``yes_bid`` / ``yes_ask`` are None when that side of the book is empty (sent as size 0).
    """

    type_name = "ticker"
    market_ticker: str
    market_id: str | None = None
    price: int | None = None
    yes_bid: int | None = None
    yes_ask: int | None = None
    yes_bid_size: int | None = None
    yes_ask_size: int | None = None
    last_trade_size: int | None = None
    volume: int | None = None
    open_interest: int | None = None
    dollar_volume: int | None = None
    dollar_open_interest: int | None = None
    ts_ms: int | None = None


class Trade(Message, kw_only=True):
    """A public trade print."""

    type_name = "trade"
    trade_id: str | None = None
    market_ticker: str
    yes_price: int
    no_price: int
    count: int
    taker_side: str | None = None
    is_block_trade: bool = False
    ts_ms: int | None = None


class Fill(Message, kw_only=True):
    """One of the user's own fills."""

    type_name = "fill"
    trade_id: str | None = None
    order_id: str | None = None
    client_order_id: str | None = None
    market_ticker: str
    is_taker: bool | None = None
    side: str | None = None
    action: str | None = None
    yes_price: int
    count: int
    fee_cost: int | None = None
    post_position: int | None = None
    ts_ms: int | None = None
    outcome_side: str | None = None  # the outcome this fill made the user long: buy yes = sell no


class MarketPosition(Message, kw_only=True):
    """The user's position in one market with its cost, realized P&L and fees (money units)."""

    type_name = "market_position"
    market_ticker: str
    position: int
    position_cost: int = 0
    realized_pnl: int = 0
    fees_paid: int = 0
    position_fee_cost: int | None = None
    volume: int | None = None


class MarketLifecycle(Message, kw_only=True):
    """A market lifecycle event (created, activated, close_date_updated, determined, settled…)."""

    type_name = "market_lifecycle_v2"
    market_ticker: str
    event_type: str
    open_ts: int | None = None
    close_ts: int | None = None
    determination_ts: int | None = None
    settled_ts: int | None = None
    result: str | None = None
    settlement_value: int | None = None
    is_deactivated: bool | None = None
    metadata: dict[str, Any] | None = None


class EventLifecycle(Message, kw_only=True):
    """An event was created or changed."""

    type_name = "event_lifecycle"
    event_ticker: str
    title: str | None = None
    sub_title: str | None = None
    collateral_return_type: str | None = None
    series_ticker: str | None = None
    strike_date: int | None = None


class EventFeeUpdate(Message, kw_only=True):
    """An event's fee schedule changed; the details are kept as sent."""

    type_name = "event_fee_update"
    event_ticker: str | None = None
    series_ticker: str | None = None
    details: dict[str, Any] | None = None


class SelectedMarket(msgspec.Struct, frozen=True, gc=False):
    """One leg of a multivariate combination."""

    event_ticker: str
    market_ticker: str
    side: str


class MultivariateLookup(Message, kw_only=True):
    """A multivariate combination was looked up (reference's ``multivariate`` channel)."""

    type_name = "multivariate_lookup"
    collection_ticker: str
    event_ticker: str | None = None
    market_ticker: str
    selected_markets: tuple[SelectedMarket, ...] = ()


class MultivariateMarketLifecycle(Message, kw_only=True):
    """A lifecycle event of a multivariate market (today's successor of ``multivariate``)."""

    type_name = "multivariate_market_lifecycle"
    market_ticker: str
    event_type: str | None = None
    collection_ticker: str | None = None
    event_ticker: str | None = None
    selected_markets: tuple[SelectedMarket, ...] = ()


class RfqCreated(Message, kw_only=True):
    """A request for quote was created."""

    type_name = "rfq_created"
    rfq_id: str
    creator_id: str | None = None
    market_ticker: str | None = None
    event_ticker: str | None = None
    contracts: int | None = None
    target_cost: int | None = None
    created_ts: str | None = None


class RfqDeleted(Message, kw_only=True):
    """A request for quote was deleted."""

    type_name = "rfq_deleted"
    rfq_id: str
    creator_id: str | None = None
    market_ticker: str | None = None
    event_ticker: str | None = None
    deleted_ts: str | None = None


class QuoteEvent(Message, kw_only=True):
    """Base of the quote messages: a quote on an RFQ with its prices and sizes."""

    quote_id: str
    rfq_id: str
    quote_creator_id: str | None = None
    rfq_creator_id: str | None = None
    market_ticker: str | None = None
    event_ticker: str | None = None
    yes_bid: int | None = None
    no_bid: int | None = None
    yes_contracts_offered: int | None = None
    no_contracts_offered: int | None = None
    rfq_target_cost: int | None = None
    accepted_side: str | None = None
    created_ts: str | None = None


class QuoteCreated(QuoteEvent, kw_only=True):
    """A quote was made on an RFQ."""

    type_name = "quote_created"


class QuoteAccepted(QuoteEvent, kw_only=True):
    """A quote was accepted."""

    type_name = "quote_accepted"


class QuoteExecuted(QuoteEvent, kw_only=True):
    """An accepted quote was executed."""

    type_name = "quote_executed"


class UserOrder(Message, kw_only=True):
    """One of the user's orders changed (resting, canceled, executed)."""

    type_name = "user_order"
    order_id: str
    market_ticker: str
    status: str
    side: str | None = None
    action: str | None = None
    outcome_side: str | None = None  # the outcome the order buys: buy yes = sell no
    yes_price: int | None = None
    fill_count: int | None = None
    remaining_count: int | None = None
    initial_count: int | None = None
    fill_cost: int | None = None
    fees: int | None = None
    client_order_id: str | None = None
    created_ts_ms: int | None = None
    updated_ts_ms: int | None = None
    expiration_ts_ms: int | None = None
    last_update_reason: str | None = None


class OrderGroupUpdate(Message, kw_only=True):
    """An order group changed (created, triggered, reset, deleted, limit_updated)."""

    type_name = "order_group_updates"
    event_type: str
    order_group_id: str
    contracts_limit: int | None = None


class UnknownMessage(Message, kw_only=True):
    """A frame of a type this version does not know; kept whole for the log."""

    type_name = "unknown"
    type: str
    raw: dict[str, Any]


ServerMessage = Union[
    Subscribed, Unsubscribed, Ok, ErrorMessage, OrderbookSnapshot, OrderbookDelta, Ticker, Trade,
    Fill, MarketPosition, MarketLifecycle, EventLifecycle, EventFeeUpdate, MultivariateLookup,
    MultivariateMarketLifecycle, RfqCreated, RfqDeleted, QuoteCreated, QuoteAccepted,
    QuoteExecuted, UserOrder, OrderGroupUpdate, UnknownMessage,
]

# --------------------------------------------------------------------------------------------
# Wire structs: the JSON as sent, every version's fields optional
# --------------------------------------------------------------------------------------------

_Count = Union[int, str]
_WireLevel = tuple[Union[int, str], Union[int, str]]


class _Body(msgspec.Struct, kw_only=True, gc=False):
    pass


class _SubscribedBody(_Body, kw_only=True):
    channel: str
    sid: int


class _ErrorBody(_Body, kw_only=True):
    code: int
    msg: str = ""


class _OkBody(_Body, kw_only=True):
    market_tickers: list[str] | None = None


class _SubscriptionRow(_Body, kw_only=True):
    channel: str
    sid: int
    market_tickers: list[str] | None = None


class _SnapshotBody(_Body, kw_only=True):
    market_ticker: str
    market_id: str | None = None
    yes: list[_WireLevel] | None = None
    no: list[_WireLevel] | None = None
    yes_dollars: list[_WireLevel] | None = None
    no_dollars: list[_WireLevel] | None = None
    yes_dollars_fp: list[_WireLevel] | None = None
    no_dollars_fp: list[_WireLevel] | None = None


class _DeltaBody(_Body, kw_only=True):
    market_ticker: str
    market_id: str | None = None
    side: str
    price: int | None = None
    price_dollars: str | None = None
    delta: int | None = None
    delta_fp: str | None = None
    client_order_id: str | None = None
    ts_ms: int | None = None


class _TickerBody(_Body, kw_only=True):
    market_ticker: str
    market_id: str | None = None
    price: int | None = None
    price_dollars: str | None = None
    yes_bid: int | None = None
    yes_bid_dollars: str | None = None
    yes_ask: int | None = None
    yes_ask_dollars: str | None = None
    no_bid_dollars: str | None = None
    yes_bid_size_fp: str | None = None
    yes_ask_size_fp: str | None = None
    last_trade_size_fp: str | None = None
    volume: int | None = None
    volume_fp: str | None = None
    open_interest: int | None = None
    open_interest_fp: str | None = None
    dollar_volume: Union[int, str, None] = None
    dollar_open_interest: Union[int, str, None] = None
    ts: int | None = None
    ts_ms: int | None = None


class _TradeBody(_Body, kw_only=True):
    trade_id: str | None = None
    market_ticker: str
    yes_price: int | None = None
    yes_price_dollars: str | None = None
    no_price: int | None = None
    no_price_dollars: str | None = None
    count: int | None = None
    count_fp: str | None = None
    taker_side: str | None = None
    taker_outcome_side: str | None = None
    taker_book_side: str | None = None
    is_block_trade: bool = False
    ts: int | None = None
    ts_ms: int | None = None


class _FillBody(_Body, kw_only=True):
    trade_id: str | None = None
    order_id: str | None = None
    client_order_id: str | None = None
    market_ticker: str
    is_taker: bool | None = None
    side: str | None = None
    outcome_side: str | None = None
    purchased_side: str | None = None
    action: str | None = None
    book_side: str | None = None
    yes_price: int | None = None
    yes_price_dollars: str | None = None
    count: int | None = None
    count_fp: str | None = None
    fee_cost: Union[str, int, None] = None
    post_position: int | None = None
    post_position_fp: str | None = None
    ts: int | None = None
    ts_ms: int | None = None


class _PositionBody(_Body, kw_only=True):
    market_ticker: str
    position: int | None = None
    position_fp: str | None = None
    position_cost: int | None = None
    position_cost_dollars: str | None = None
    realized_pnl: int | None = None
    realized_pnl_dollars: str | None = None
    fees_paid: int | None = None
    fees_paid_dollars: str | None = None
    position_fee_cost_dollars: str | None = None
    volume: int | None = None
    volume_fp: str | None = None


class _MarketLifecycleBody(_Body, kw_only=True):
    market_ticker: str
    event_type: str
    open_ts: int | None = None
    close_ts: int | None = None
    determination_ts: int | None = None
    settled_ts: int | None = None
    result: str | None = None
    settlement_value: Union[str, int, None] = None
    is_deactivated: bool | None = None
    additional_metadata: dict[str, Any] | None = None


class _EventLifecycleBody(_Body, kw_only=True):
    event_ticker: str
    title: str | None = None
    sub_title: str | None = None
    collateral_return_type: str | None = None
    series_ticker: str | None = None
    strike_date: int | None = None


class _SelectedMarketBody(_Body, kw_only=True):
    event_ticker: str
    market_ticker: str
    side: str


class _MultivariateLookupBody(_Body, kw_only=True):
    collection_ticker: str
    event_ticker: str | None = None
    market_ticker: str
    selected_markets: list[_SelectedMarketBody] = []


class _MultivariateLifecycleBody(_Body, kw_only=True):
    market_ticker: str
    event_type: str | None = None
    collection_ticker: str | None = None
    event_ticker: str | None = None
    selected_markets: list[_SelectedMarketBody] = []


class _RfqBody(_Body, kw_only=True):
    id: str
    creator_id: str | None = None
    market_ticker: str | None = None
    event_ticker: str | None = None
    contracts: int | None = None
    contracts_fp: str | None = None
    target_cost: int | None = None
    target_cost_dollars: str | None = None
    created_ts: str | None = None
    deleted_ts: str | None = None


class _QuoteBody(_Body, kw_only=True):
    quote_id: str
    rfq_id: str
    quote_creator_id: str | None = None
    rfq_creator_id: str | None = None
    market_ticker: str | None = None
    event_ticker: str | None = None
    yes_bid: int | None = None
    yes_bid_dollars: str | None = None
    no_bid: int | None = None
    no_bid_dollars: str | None = None
    yes_contracts_offered: int | None = None
    yes_contracts_offered_fp: str | None = None
    no_contracts_offered: int | None = None
    no_contracts_offered_fp: str | None = None
    rfq_target_cost: int | None = None
    rfq_target_cost_dollars: str | None = None
    accepted_side: str | None = None
    created_ts: str | None = None


class _UserOrderBody(_Body, kw_only=True):
    order_id: str
    ticker: str | None = None
    market_ticker: str | None = None
    status: str
    side: str | None = None
    action: str | None = None
    outcome_side: str | None = None
    book_side: str | None = None
    purchased_side: str | None = None
    yes_price: int | None = None
    yes_price_dollars: str | None = None
    fill_count_fp: str | None = None
    remaining_count_fp: str | None = None
    initial_count_fp: str | None = None
    fill_count: int | None = None
    remaining_count: int | None = None
    initial_count: int | None = None
    taker_fill_cost_dollars: str | None = None
    maker_fill_cost_dollars: str | None = None
    taker_fees_dollars: str | None = None
    maker_fees_dollars: str | None = None
    client_order_id: str | None = None
    created_ts_ms: int | None = None
    updated_ts_ms: int | None = None
    expiration_ts_ms: int | None = None
    last_update_reason: str | None = None


class _OrderGroupBody(_Body, kw_only=True):
    event_type: str
    order_group_id: str
    contracts_limit_fp: str | None = None
    contracts_limit: int | None = None


class _Frame(msgspec.Struct, tag_field="type", kw_only=True, gc=False):
    sid: int | None = None
    seq: int | None = None
    id: int | None = None


def _frame(tag: str, body: Any) -> type[_Frame]:
    """A tagged wire frame class whose payload of type ``body`` sits under ``msg`` or ``data``."""
    return msgspec.defstruct(
        f"_Frame_{tag}",
        [("msg", body | None, None), ("data", body | None, None)],
        bases=(_Frame,),
        tag=tag,
        kw_only=True,
    )


# --------------------------------------------------------------------------------------------
# Normalisation helpers
# --------------------------------------------------------------------------------------------


class _FieldError(Exception):
    """Internal: a field is missing or holds a bad value; turned into ProtocolError with the type."""


# the memos' own lookups: no Python call on a hit
_parse_price, _parse_count = fixed.PRICES.__getitem__, fixed.COUNTS.__getitem__
_parse_money = fixed.MONEY.__getitem__
# for values that seldom repeat (running totals): a cache miss costs more than the parse
_parse_count_uncached, _parse_money_uncached = fixed.parse_count_uncached, fixed.parse_money_uncached


def _parsed(parse: Callable[[Any], int], value: Any, field: str) -> int:
    """``parse(value)``, with a ValueError turned into a _FieldError naming the wire ``field``."""
    try:
        return parse(value)
    except ValueError as exc:
        raise _FieldError(f"bad `{field}`: {exc}") from None


def _price(dollars: str | None, cents: int | None, name: str) -> int:
    """A required price from ``{name}_dollars`` or, failing that, integer cents in ``{name}``."""
    if dollars is not None:  # inline as in _price_or_none: one call fewer on every delta and trade
        try:
            return _parse_price(dollars)
        except ValueError as exc:
            raise _FieldError(f"bad `{name}_dollars`: {exc}") from None
    value = _price_or_none(None, cents, name)
    if value is None:
        raise _FieldError(f"missing field `{name}_dollars`")
    return value


def _price_or_none(dollars: str | None, cents: int | None, name: str) -> int | None:
    """A price from ``{name}_dollars`` or integer cents in ``{name}``; None when neither is sent."""
    # The hot path of every frame: the field's name is only put together for an error.
    if dollars is not None:
        try:
            return _parse_price(dollars)
        except ValueError as exc:
            raise _FieldError(f"bad `{name}_dollars`: {exc}") from None
    if cents is not None:
        return _parsed(fixed.price_from_cents, cents, name)
    return None


def _count(fp: str | None, whole: int | None, name: str, parse: Callable[[str], int] = _parse_count) -> int:
    """A required count from ``{name}_fp`` (read by ``parse``) or, failing that, the integer
    ``{name}``."""
    if fp is not None:  # inline as in _count_or_none: one call fewer on every delta and trade
        try:
            return parse(fp)
        except ValueError as exc:
            raise _FieldError(f"bad `{name}_fp`: {exc}") from None
    value = _count_or_none(None, whole, name)
    if value is None:
        raise _FieldError(f"missing field `{name}_fp`")
    return value


def _count_or_none(
    fp: str | None, whole: int | None, name: str, parse: Callable[[str], int] = _parse_count
) -> int | None:
    """A count from ``{name}_fp`` (read by ``parse``) or the integer ``{name}``; None when neither
    is sent."""
    if fp is not None:
        try:
            return parse(fp)
        except ValueError as exc:
            raise _FieldError(f"bad `{name}_fp`: {exc}") from None
    if whole is not None:
        return fixed.count_from_int(whole)
    return None


def _any_count(value: int | str, name: str) -> int:
    """A count that may be an integer (reference) or a fixed-point string (current)."""
    if isinstance(value, int):
        return fixed.count_from_int(value)
    return _parsed(fixed.parse_count, value, name)


def _money_or_none(
    dollars: str | None, centi_cents: int | None, name: str, parse: Callable[[str], int] = _parse_money
) -> int | None:
    """Money from ``{name}_dollars`` (read by ``parse``) or centi-cents in ``{name}``; None when
    neither is sent."""
    if dollars is not None:
        try:
            return parse(dollars)
        except ValueError as exc:
            raise _FieldError(f"bad `{name}_dollars`: {exc}") from None
    if centi_cents is not None:
        return fixed.money_from_centi_cents(centi_cents)
    return None


def _dollars_or_int(value: int | str | None, name: str) -> int | None:
    """Money given as a dollar string, or as a plain integer number of dollars."""
    if type(value) is str:  # a market's running total: seldom repeats, so read uncached
        try:
            return _parse_money_uncached(value)
        except ValueError as exc:
            raise _FieldError(f"bad `{name}`: {exc}") from None
    return None if value is None else value * fixed.MONEY_SCALE


def _ts_ms(ts_ms: int | None, ts_seconds: int | None) -> int | None:
    if ts_ms is not None:
        return ts_ms
    return ts_seconds * 1000 if ts_seconds is not None else None


def _side(value: str | None, name: str = "side") -> str | None:
    if value is None or value in ("yes", "no"):
        return value
    raise _FieldError(f"bad `{name}`: {value!r} is neither 'yes' nor 'no'")


# Kalshi's book vocabulary for direction: a bid is always the yes outcome, an ask the no outcome.
_OUTCOME_OF_BOOK_SIDE = {"bid": "yes", "ask": "no"}


def _book_side_outcome(value: str | None, name: str) -> str | None:
    """The outcome side (``yes``/``no``) a ``book_side`` (``bid``/``ask``) stands for."""
    if value is None:
        return None
    if value not in _OUTCOME_OF_BOOK_SIDE:
        raise _FieldError(f"bad `{name}`: {value!r} is neither 'bid' nor 'ask'")
    return _OUTCOME_OF_BOOK_SIDE[value]


def _direction(b: Any) -> tuple[str | None, str | None, str | None]:
    """``(side, action, outcome_side)`` of a fill or an order, from whichever fields were sent.

    Today's ``outcome_side`` / ``book_side`` say which outcome the user is now long; the legacy
    ``side`` + ``action`` pair says the same bit differently (sell no = buy yes). The legacy pair is
    kept as sent; without it the direction is expressed as buying the outcome side.
    """
    outcome = (
        _side(b.outcome_side, "outcome_side")
        or _book_side_outcome(b.book_side, "book_side")
        or _side(b.purchased_side, "purchased_side")
    )
    side = _side(b.side)
    action = b.action
    if action is not None and action not in ("buy", "sell"):
        raise _FieldError(f"bad `action`: {action!r} is neither 'buy' nor 'sell'")
    if side is not None and action is not None:
        if outcome is None:
            outcome = side if action == "buy" else ("no" if side == "yes" else "yes")
        return side, action, outcome
    if outcome is not None:
        return outcome, "buy", outcome
    return side, action, None


def _levels(
    fp: list[_WireLevel] | None,
    dollars: list[_WireLevel] | None,
    cents: list[_WireLevel] | None,
    side: str,
) -> tuple[PriceLevel, ...]:
    """Book levels from whichever form is present: ``*_dollars_fp``, ``*_dollars``, integer cents."""
    if fp is not None:
        source, price_in_cents, name = fp, False, f"{side}_dollars_fp"
    elif dollars is not None:
        source, price_in_cents, name = dollars, False, f"{side}_dollars"
    elif cents is not None:
        source, price_in_cents, name = cents, True, side
    else:
        return ()
    levels = []
    for raw_price, raw_count in source:
        try:
            if price_in_cents:
                if not isinstance(raw_price, int):
                    raise ValueError(f"price {raw_price!r} is not an integer cent price")
                price = fixed.price_from_cents(raw_price)
            else:
                if not isinstance(raw_price, str):
                    raise ValueError(f"price {raw_price!r} is not a dollar string")
                price = fixed.parse_price(raw_price)
        except ValueError as exc:
            raise _FieldError(f"bad `{name}`: {exc}") from None
        count = _any_count(raw_count, name)
        if count < 0:
            raise _FieldError(f"bad `{name}`: negative size {raw_count!r}")
        levels.append((price, count))
    return tuple(levels)


def _selected(rows: list[_SelectedMarketBody]) -> tuple[SelectedMarket, ...]:
    return tuple(SelectedMarket(r.event_ticker, r.market_ticker, r.side) for r in rows)


# Every converter takes a wire body and the envelope's ``sid`` and ``seq`` (``parse`` sets ``id``
# afterwards, when sent: data messages carry none). Each builds its message with at most 15
# keyword arguments and no ``**``: either makes CPython pass them through a dict (~0.5-0.8 µs).
_Converter = Callable[[Any, Union[int, None], Union[int, None]], Message]


def _subscribed(b: _SubscribedBody, sid: int | None, seq: int | None) -> Subscribed:
    return Subscribed(sid=b.sid, seq=seq, channel=canonical_channel(b.channel))


def _unsubscribed(b: Any, sid: int | None, seq: int | None) -> Unsubscribed:
    return Unsubscribed(sid=sid, seq=seq)


def _ok(b: _OkBody | list[_SubscriptionRow] | None, sid: int | None, seq: int | None) -> Ok:
    if isinstance(b, list):
        rows = tuple(
            SubscriptionInfo(
                canonical_channel(r.channel), r.sid, tuple(r.market_tickers) if r.market_tickers else None
            )
            for r in b
        )
        return Ok(sid=sid, seq=seq, subscriptions=rows)
    tickers = tuple(b.market_tickers) if b is not None and b.market_tickers is not None else None
    return Ok(sid=sid, seq=seq, market_tickers=tickers)


def _error(b: _ErrorBody, sid: int | None, seq: int | None) -> ErrorMessage:
    return ErrorMessage(
        sid=sid, seq=seq, code=b.code, message=b.msg, meaning=error_meaning(b.code),
        retired=b.code in RETIRED_ERROR_CODES,
    )


def _orderbook_delta(b: _DeltaBody, sid: int | None, seq: int | None) -> OrderbookDelta:
    if b.side not in ("yes", "no"):
        raise _FieldError(f"bad `side`: {b.side!r} is neither 'yes' nor 'no'")
    delta = _count(b.delta_fp, b.delta, "delta")
    return OrderbookDelta(
        sid=sid, seq=seq, market_ticker=b.market_ticker, market_id=b.market_id, side=b.side,
        price=_price(b.price_dollars, b.price, "price"), delta=delta,
        client_order_id=b.client_order_id, ts_ms=b.ts_ms,
    )


def _ticker(b: _TickerBody, sid: int | None, seq: int | None) -> Ticker:
    yes_bid = _price_or_none(b.yes_bid_dollars, b.yes_bid, "yes_bid")
    yes_ask = _price_or_none(b.yes_ask_dollars, b.yes_ask, "yes_ask")
    if yes_ask is None and b.no_bid_dollars is not None:
        yes_ask = fixed.ONE_DOLLAR - _parsed(fixed.parse_price, b.no_bid_dollars, "no_bid_dollars")
    yes_bid_size = _count_or_none(b.yes_bid_size_fp, None, "yes_bid_size")
    yes_ask_size = _count_or_none(b.yes_ask_size_fp, None, "yes_ask_size")
    return Ticker(
        sid=sid, seq=seq, market_ticker=b.market_ticker, market_id=b.market_id,
        price=_price_or_none(b.price_dollars, b.price, "price"),
        # An empty side is sent as a price with size "0.00" (the ask as "1.0000"): no quote.
        yes_bid=None if yes_bid_size == 0 else yes_bid,
        yes_ask=None if yes_ask_size == 0 else yes_ask,
        yes_bid_size=yes_bid_size,
        yes_ask_size=yes_ask_size,
        last_trade_size=_count_or_none(b.last_trade_size_fp, None, "last_trade_size"),
        volume=_count_or_none(b.volume_fp, b.volume, "volume", _parse_count_uncached),
        open_interest=_count_or_none(
            b.open_interest_fp, b.open_interest, "open_interest", _parse_count_uncached
        ),
        dollar_volume=_dollars_or_int(b.dollar_volume, "dollar_volume"),
        dollar_open_interest=_dollars_or_int(b.dollar_open_interest, "dollar_open_interest"),
        ts_ms=_ts_ms(b.ts_ms, b.ts),
    )


def _orderbook_snapshot(b: _SnapshotBody, sid: int | None, seq: int | None) -> OrderbookSnapshot:
    return OrderbookSnapshot(
        sid=sid, seq=seq, market_ticker=b.market_ticker, market_id=b.market_id,
        yes=_levels(b.yes_dollars_fp, b.yes_dollars, b.yes, "yes"),
        no=_levels(b.no_dollars_fp, b.no_dollars, b.no, "no"),
    )


def _trade(b: _TradeBody, sid: int | None, seq: int | None) -> Trade:
    yes_price = _price(b.yes_price_dollars, b.yes_price, "yes_price")
    no_price = _price_or_none(b.no_price_dollars, b.no_price, "no_price")
    return Trade(
        sid=sid, seq=seq, trade_id=b.trade_id, market_ticker=b.market_ticker, yes_price=yes_price,
        no_price=fixed.ONE_DOLLAR - yes_price if no_price is None else no_price,
        count=_count(b.count_fp, b.count, "count"),
        taker_side=_side(b.taker_outcome_side, "taker_outcome_side")
        or _side(b.taker_side, "taker_side")
        or _book_side_outcome(b.taker_book_side, "taker_book_side"),
        is_block_trade=b.is_block_trade, ts_ms=_ts_ms(b.ts_ms, b.ts),
    )


def _fill(b: _FillBody, sid: int | None, seq: int | None) -> Fill:
    side, action, outcome = _direction(b)
    fee = b.fee_cost
    return Fill(
        sid=sid, seq=seq, trade_id=b.trade_id, order_id=b.order_id, client_order_id=b.client_order_id,
        market_ticker=b.market_ticker, is_taker=b.is_taker,
        side=side, action=action, outcome_side=outcome,
        yes_price=_price(b.yes_price_dollars, b.yes_price, "yes_price"),
        count=_count(b.count_fp, b.count, "count"),
        fee_cost=_parsed(fixed.parse_money, fee, "fee_cost") if isinstance(fee, str)
        else (fixed.money_from_centi_cents(fee) if fee is not None else None),
        post_position=_count_or_none(
            b.post_position_fp, b.post_position, "post_position", _parse_count_uncached
        ),
        ts_ms=_ts_ms(b.ts_ms, b.ts),
    )


def _market_position(b: _PositionBody, sid: int | None, seq: int | None) -> MarketPosition:
    once = _parse_money_uncached  # running totals all
    return MarketPosition(
        sid=sid, seq=seq, market_ticker=b.market_ticker,
        position=_count(b.position_fp, b.position, "position", _parse_count_uncached),
        position_cost=_money_or_none(b.position_cost_dollars, b.position_cost, "position_cost", once) or 0,
        realized_pnl=_money_or_none(b.realized_pnl_dollars, b.realized_pnl, "realized_pnl", once) or 0,
        fees_paid=_money_or_none(b.fees_paid_dollars, b.fees_paid, "fees_paid", once) or 0,
        position_fee_cost=_money_or_none(b.position_fee_cost_dollars, None, "position_fee_cost", once),
        volume=_count_or_none(b.volume_fp, b.volume, "volume", _parse_count_uncached),
    )


def _market_lifecycle(b: _MarketLifecycleBody, sid: int | None, seq: int | None) -> MarketLifecycle:
    settlement = b.settlement_value
    return MarketLifecycle(
        sid=sid, seq=seq, market_ticker=b.market_ticker, event_type=b.event_type,
        open_ts=b.open_ts, close_ts=b.close_ts, determination_ts=b.determination_ts,
        settled_ts=b.settled_ts, result=b.result,
        settlement_value=_parsed(fixed.parse_price, settlement, "settlement_value")
        if isinstance(settlement, str) else _price_or_none(None, settlement, "settlement_value"),
        is_deactivated=b.is_deactivated, metadata=b.additional_metadata,
    )


def _event_lifecycle(b: _EventLifecycleBody, sid: int | None, seq: int | None) -> EventLifecycle:
    return EventLifecycle(
        sid=sid, seq=seq, event_ticker=b.event_ticker, title=b.title, sub_title=b.sub_title,
        collateral_return_type=b.collateral_return_type, series_ticker=b.series_ticker,
        strike_date=b.strike_date,
    )


def _event_fee_update(b: dict[str, Any], sid: int | None, seq: int | None) -> EventFeeUpdate:
    event_ticker = b.get("event_ticker")
    series_ticker = b.get("series_ticker")
    return EventFeeUpdate(
        sid=sid, seq=seq,
        event_ticker=event_ticker if isinstance(event_ticker, str) else None,
        series_ticker=series_ticker if isinstance(series_ticker, str) else None,
        details=b,
    )


def _multivariate_lookup(b: _MultivariateLookupBody, sid: int | None, seq: int | None) -> MultivariateLookup:
    return MultivariateLookup(
        sid=sid, seq=seq, collection_ticker=b.collection_ticker, event_ticker=b.event_ticker,
        market_ticker=b.market_ticker, selected_markets=_selected(b.selected_markets),
    )


def _multivariate_lifecycle(
    b: _MultivariateLifecycleBody, sid: int | None, seq: int | None
) -> MultivariateMarketLifecycle:
    return MultivariateMarketLifecycle(
        sid=sid, seq=seq, market_ticker=b.market_ticker, event_type=b.event_type,
        collection_ticker=b.collection_ticker, event_ticker=b.event_ticker,
        selected_markets=_selected(b.selected_markets),
    )


def _rfq_created(b: _RfqBody, sid: int | None, seq: int | None) -> RfqCreated:
    return RfqCreated(
        sid=sid, seq=seq, rfq_id=b.id, creator_id=b.creator_id, market_ticker=b.market_ticker,
        event_ticker=b.event_ticker,
        contracts=_count_or_none(b.contracts_fp, b.contracts, "contracts"),
        target_cost=_money_or_none(b.target_cost_dollars, b.target_cost, "target_cost"),
        created_ts=b.created_ts,
    )


def _rfq_deleted(b: _RfqBody, sid: int | None, seq: int | None) -> RfqDeleted:
    return RfqDeleted(
        sid=sid, seq=seq, rfq_id=b.id, creator_id=b.creator_id, market_ticker=b.market_ticker,
        event_ticker=b.event_ticker, deleted_ts=b.deleted_ts,
    )


def _quote(cls: type[QuoteEvent], b: _QuoteBody, sid: int | None, seq: int | None) -> QuoteEvent:
    return cls(
        sid=sid,
        seq=seq,
        quote_id=b.quote_id,
        rfq_id=b.rfq_id,
        quote_creator_id=b.quote_creator_id,
        rfq_creator_id=b.rfq_creator_id,
        market_ticker=b.market_ticker,
        event_ticker=b.event_ticker,
        yes_bid=_price_or_none(b.yes_bid_dollars, b.yes_bid, "yes_bid"),
        no_bid=_price_or_none(b.no_bid_dollars, b.no_bid, "no_bid"),
        yes_contracts_offered=_count_or_none(
            b.yes_contracts_offered_fp, b.yes_contracts_offered, "yes_contracts_offered"
        ),
        no_contracts_offered=_count_or_none(
            b.no_contracts_offered_fp, b.no_contracts_offered, "no_contracts_offered"
        ),
        rfq_target_cost=_money_or_none(b.rfq_target_cost_dollars, b.rfq_target_cost, "rfq_target_cost"),
        accepted_side=_side(b.accepted_side, "accepted_side"),
        created_ts=b.created_ts,
    )


def _sum_or_none(a: int | None, b: int | None) -> int | None:
    """``a + b`` counting an absent one as nothing; None when both are absent."""
    if a is None:
        return b
    return a if b is None else a + b


def _user_order(b: _UserOrderBody, sid: int | None, seq: int | None) -> UserOrder:
    ticker = b.ticker or b.market_ticker
    if ticker is None:
        raise _FieldError("missing field `ticker`")
    fill_cost = _sum_or_none(
        _money_or_none(b.taker_fill_cost_dollars, None, "taker_fill_cost"),
        _money_or_none(b.maker_fill_cost_dollars, None, "maker_fill_cost"),
    )
    fees = _sum_or_none(
        _money_or_none(b.taker_fees_dollars, None, "taker_fees"),
        _money_or_none(b.maker_fees_dollars, None, "maker_fees"),
    )
    side, action, outcome = _direction(b)
    order = UserOrder(
        sid=sid, seq=seq, order_id=b.order_id, market_ticker=ticker, status=b.status,
        side=side, action=action, outcome_side=outcome,
        yes_price=_price_or_none(b.yes_price_dollars, b.yes_price, "yes_price"),
        fill_count=_count_or_none(b.fill_count_fp, b.fill_count, "fill_count"),
        remaining_count=_count_or_none(b.remaining_count_fp, b.remaining_count, "remaining_count"),
        initial_count=_count_or_none(b.initial_count_fp, b.initial_count, "initial_count"),
        fill_cost=fill_cost, fees=fees, client_order_id=b.client_order_id,
    )
    # the rest set one by one, to stay within 15 keyword arguments (see _Converter)
    order.created_ts_ms, order.updated_ts_ms = b.created_ts_ms, b.updated_ts_ms
    order.expiration_ts_ms, order.last_update_reason = b.expiration_ts_ms, b.last_update_reason
    return order


def _order_group(b: _OrderGroupBody, sid: int | None, seq: int | None) -> OrderGroupUpdate:
    return OrderGroupUpdate(
        sid=sid, seq=seq, event_type=b.event_type, order_group_id=b.order_group_id,
        contracts_limit=_count_or_none(b.contracts_limit_fp, b.contracts_limit, "contracts_limit"),
    )


# Each known ``type``: the wire body under ``msg`` (or ``data``), and its converter.
_KINDS: dict[str, tuple[Any, _Converter]] = {
    "subscribed": (_SubscribedBody, _subscribed),
    "unsubscribed": (Any, _unsubscribed),
    "ok": (Union[_OkBody, list[_SubscriptionRow]], _ok),
    "error": (_ErrorBody, _error),
    "orderbook_snapshot": (_SnapshotBody, _orderbook_snapshot),
    "orderbook_delta": (_DeltaBody, _orderbook_delta),
    "ticker": (_TickerBody, _ticker),
    "trade": (_TradeBody, _trade),
    "fill": (_FillBody, _fill),
    "market_position": (_PositionBody, _market_position),
    "market_lifecycle_v2": (_MarketLifecycleBody, _market_lifecycle),
    "event_lifecycle": (_EventLifecycleBody, _event_lifecycle),
    "event_fee_update": (dict[str, Any], _event_fee_update),
    "multivariate_lookup": (_MultivariateLookupBody, _multivariate_lookup),
    "multivariate_market_lifecycle": (_MultivariateLifecycleBody, _multivariate_lifecycle),
    "rfq_created": (_RfqBody, _rfq_created),
    "rfq_deleted": (_RfqBody, _rfq_deleted),
    "quote_created": (_QuoteBody, partial(_quote, QuoteCreated)),
    "quote_accepted": (_QuoteBody, partial(_quote, QuoteAccepted)),
    "quote_executed": (_QuoteBody, partial(_quote, QuoteExecuted)),
    "user_order": (_UserOrderBody, _user_order),
    "order_group_updates": (_OrderGroupBody, _order_group),
}
KNOWN_TYPES = frozenset(_KINDS)
_CONVERTER_BY_FRAME: dict[type[_Frame], _Converter] = {
    _frame(kind, body): convert for kind, (body, convert) in _KINDS.items()
}
# the frames whose ``msg`` may be left out
_BODY_OPTIONAL = frozenset(
    frame for frame in _CONVERTER_BY_FRAME if frame.__struct_config__.tag in ("unsubscribed", "ok")
)
_frame_decoder = msgspec.json.Decoder(Union[tuple(_CONVERTER_BY_FRAME)])
_generic_decoder = msgspec.json.Decoder()

TOO_DEEP = "frame is nested too deeply"


def parse(frame: str | bytes) -> ServerMessage:
    """Parse one frame's text into its typed message.

    Raises :class:`ProtocolError` (naming the type and the field) for anything malformed.
    """
    try:
        wire = _frame_decoder.decode(frame)
    except msgspec.DecodeError as exc:
        return _parse_fallback(frame, exc)
    except UnicodeError:
        raise _utf8_error(frame) from None
    except RecursionError:  # msgspec's nesting limit: raised as is, not as a DecodeError
        raise ProtocolError(TOO_DEEP) from None
    body = wire.msg if wire.msg is not None else wire.data  # type: ignore[attr-defined]
    try:
        if body is None and type(wire) not in _BODY_OPTIONAL:
            raise _FieldError("missing field `msg`")
        message = _CONVERTER_BY_FRAME[type(wire)](body, wire.sid, wire.seq)
    except _FieldError as exc:
        raise ProtocolError(f"{type(wire).__struct_config__.tag}: {exc}", wire.sid) from None
    if wire.id is not None:
        message.id = wire.id
    return message


def _utf8_error(frame: str | bytes) -> ProtocolError:
    """The error for a frame with bytes that are not UTF-8, naming its type and field when it can."""
    return _utf8_error_in_json(frame) or ProtocolError("frame is not valid UTF-8")


def _utf8_error_in_json(frame: str | bytes) -> ProtocolError | None:
    """The error naming the type and field of a JSON frame with bytes that are not UTF-8 in a string.

    None when the frame is not JSON even with those bytes replaced.
    """
    if isinstance(frame, bytes):
        text = frame.decode("utf-8", "replace")
    else:  # lone surrogates: encode them as they are, then let decoding replace them
        text = frame.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    try:
        raw = _generic_decoder.decode(text)
        field = _first_replaced(raw, "$")
    except (msgspec.DecodeError, RecursionError):
        return None
    kind = raw.get("type") if isinstance(raw, dict) else None
    where = f" at `{field}`" if field else ""
    prefix = f"{kind}: " if isinstance(kind, str) and "\ufffd" not in kind else ""
    return ProtocolError(f"{prefix}text is not valid UTF-8{where}")


def _is_utf8(frame: str | bytes) -> bool:
    """Whether the frame's text is well-formed UTF-8 (a str: no lone surrogates)."""
    try:
        if isinstance(frame, bytes):
            frame.decode("utf-8")
        else:
            frame.encode("utf-8")
    except UnicodeError:
        return False
    return True


def _first_replaced(value: Any, path: str) -> str | None:
    """The JSON path of the first key or string holding U+FFFD (where undecodable bytes were)."""
    if isinstance(value, str):
        return path if "\ufffd" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = path + "." + key if "\ufffd" in key else _first_replaced(item, f"{path}.{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _first_replaced(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _parse_fallback(frame: str | bytes, error: msgspec.DecodeError) -> ServerMessage:
    """The typed decode failed: tell an unknown type from a malformed frame."""
    try:
        raw = _generic_decoder.decode(frame)
    except UnicodeError:
        raise _utf8_error(frame) from None
    except msgspec.DecodeError:
        # msgspec 0.23 reports bad UTF-8 in a string as a DecodeError, older releases as a UnicodeError
        located = None if _is_utf8(frame) else _utf8_error_in_json(frame)
        raise located or ProtocolError(f"not valid JSON: {error}") from None
    except RecursionError:
        raise ProtocolError(TOO_DEEP) from None
    if not isinstance(raw, dict):
        raise ProtocolError(f"frame is a JSON {type(raw).__name__}, not an object")
    kind = raw.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("frame has no string field `type`")
    env = {key: raw.get(key) for key in ("sid", "seq", "id")}
    env = {key: value if isinstance(value, int) and not isinstance(value, bool) else None
           for key, value in env.items()}
    if kind in KNOWN_TYPES:
        raise ProtocolError(f"{kind}: {error}", env["sid"])
    return UnknownMessage(**env, type=kind, raw=raw)
