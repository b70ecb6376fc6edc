"""Kalshi WS v2 commands and server messages, typed.

Parsing has two layers. ``msgspec`` decodes a frame into a *wire* struct that mirrors the JSON
exactly (both the reference's integer fields and today's string fields are optional there); then
``to_message`` normalises it into one public message type with every price, count and amount in
the exact integer units of :mod:`app.core.fixed`. A reference-style and a current-style frame for the
same fact give equal messages.

Anything wrong with a frame (not JSON, not an object, a known type with a missing or mistyped
required field) raises exactly one :class:`ProtocolError` naming the type and the field, with one
exception: what the user owns (a fill, an order, a position, a quote) is never refused. Such a
message is built from the fields that can be read, and each field that cannot is named in its
``problems``. A direction word the protocol does not list (a ``side``, an ``action``) is kept as
unknown and named there too; an empty string where an optional number goes means "no value". A
frame of an unknown type becomes an :class:`UnknownMessage` carrying the raw dict.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import partial, reduce
from typing import Any, TypeVar, cast

import msgspec

from app.core import fixed

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
MARKET_FILTERED_CHANNELS = frozenset({ORDERBOOK_DELTA, TICKER, TRADE, MARKET_POSITIONS, FILL, USER_ORDERS})
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
# Public message types (normalised; exact integer units from app.core.fixed)
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
    # what could not be read (a field's value, an unlisted word); empty when everything was
    problems: tuple[str, ...] = ()

    type_name = ""  # the wire ``type``; set on each subclass


class Subscribed(Message, kw_only=True):
    """A new subscription: its ``sid`` and ``channel``."""

    type_name = "subscribed"
    sid: int  # always named (the body's own sid)
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
    market_ids: tuple[str, ...] | None = None
    subscriptions: tuple[SubscriptionInfo, ...] | None = None


class ErrorMessage(Message, kw_only=True):
    """An error answer: ``code``, the server's text, and the meaning from the code table."""

    type_name = "error"
    code: int
    message: str
    meaning: str
    retired: bool = False
    market_tickers: tuple[str, ...] = ()  # the markets the error is about, when the server says


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
    subaccount: int | None = None  # the user's subaccount whose order caused the change


class Ticker(Message, kw_only=True):
    """A market's latest price, bid, ask, sizes, volume and open interest.

    ``price`` is None for a market that has never traded (sent as ``""``); ``yes_bid`` /
    ``yes_ask`` are None when that side of the book is empty (sent as size 0).
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
    """One of the user's own fills; a price or count that could not be read is None.

    ``action`` is the legacy word as sent (``buy``, ``sell``, ``sell_partial``, ``sell_to_close``,
    or a newer one), None when the server did not know it.
    """

    type_name = "fill"
    trade_id: str | None = None
    order_id: str | None = None
    client_order_id: str | None = None
    market_ticker: str
    is_taker: bool | None = None
    side: str | None = None
    action: str | None = None
    yes_price: int | None = None
    count: int | None = None
    fee_cost: int | None = None
    post_position: int | None = None
    ts_ms: int | None = None
    outcome_side: str | None = None  # the outcome this fill made the user long: buy yes = sell no
    subaccount: int | None = None  # None or 0: the primary account


class MarketPosition(Message, kw_only=True):
    """The user's position in one market and subaccount with its cost, realized P&L and fees
    (money units); a position that could not be read is None."""

    type_name = "market_position"
    market_ticker: str
    position: int | None
    position_cost: int = 0
    realized_pnl: int = 0
    fees_paid: int = 0
    position_fee_cost: int | None = None
    volume: int | None = None
    subaccount: int | None = None  # None or 0: the primary account


class PriceRange(msgspec.Struct, frozen=True, gc=False):
    """A band of valid prices and its tick (price units)."""

    start: int
    end: int
    step: int


class MarketLifecycle(Message, kw_only=True):
    """A market lifecycle event (created, activated, close_date_updated, determined, settled…).

    ``metadata`` holds the creation metadata, and for ``metadata_updated`` the changed fields
    (``strike_type``, ``floor_strike``, ``cap_strike``, ``custom_strike``, ``yes_sub_title``).
    """

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
    price_level_structure: str | None = None
    price_ranges: tuple[PriceRange, ...] = ()


class EventLifecycle(Message, kw_only=True):
    """An event was created or changed."""

    type_name = "event_lifecycle"
    event_ticker: str
    title: str | None = None
    sub_title: str | None = None  # sent as ``subtitle`` (the reference: ``sub_title``)
    collateral_return_type: str | None = None  # MECNET, DIRECNET, or None for none ("")
    series_ticker: str | None = None
    strike_date: int | None = None
    strike_period: str | None = None


class EventFeeUpdate(Message, kw_only=True):
    """An event's fee override was set or cleared (None: cleared); the details are kept as sent."""

    type_name = "event_fee_update"
    event_ticker: str | None = None
    series_ticker: str | None = None
    fee_type_override: str | None = None
    fee_multiplier_override: int | float | None = None
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


class MultivariateMarketLifecycle(MarketLifecycle, kw_only=True):
    """A lifecycle event of a multivariate market (today's successor of ``multivariate``), read as
    for any market; ``event_ticker`` comes from the creation metadata (older frames: the top level).
    """

    type_name = "multivariate_market_lifecycle"
    collection_ticker: str | None = None
    event_ticker: str | None = None
    selected_markets: tuple[SelectedMarket, ...] = ()


class RfqLeg(msgspec.Struct, frozen=True, gc=False):
    """One selected leg of a multivariate RFQ; its yes settlement value when known (price units)."""

    event_ticker: str
    market_ticker: str
    side: str | None
    yes_settlement_value: int | None = None


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
    mve_collection_ticker: str | None = None
    mve_selected_legs: tuple[RfqLeg, ...] = ()


class RfqDeleted(Message, kw_only=True):
    """A request for quote was deleted."""

    type_name = "rfq_deleted"
    rfq_id: str
    creator_id: str | None = None
    market_ticker: str | None = None
    event_ticker: str | None = None
    contracts: int | None = None
    target_cost: int | None = None
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
    contracts_accepted: int | None = None
    subaccount: int | None = None  # the user's own subaccount on this quote (None or 0: primary)
    # quote_executed: the user's order from the quote, to match its fills
    order_id: str | None = None
    client_order_id: str | None = None
    executed_ts: str | None = None


class QuoteCreated(QuoteEvent, kw_only=True):
    """A quote was made on an RFQ."""

    type_name = "quote_created"


class QuoteAccepted(QuoteEvent, kw_only=True):
    """A quote was accepted."""

    type_name = "quote_accepted"


class QuoteExecuted(QuoteEvent, kw_only=True):
    """An accepted quote was executed: the user's ``order_id`` / ``client_order_id`` match fills."""

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
    order_group_id: str | None = None
    self_trade_prevention_type: str | None = None
    subaccount: int | None = None  # None or 0: the primary account


class OrderGroupUpdate(Message, kw_only=True):
    """An order group changed (created, triggered, reset, deleted, limit_updated)."""

    type_name = "order_group_updates"
    event_type: str
    order_group_id: str
    contracts_limit: int | None = None
    ts_ms: int | None = None


class UnknownMessage(Message, kw_only=True):
    """A frame of a type this version does not know; kept whole for the log."""

    type_name = "unknown"
    type: str
    raw: dict[str, Any]


ServerMessage = (
    Subscribed | Unsubscribed | Ok | ErrorMessage | OrderbookSnapshot | OrderbookDelta | Ticker | Trade
    | Fill | MarketPosition | MarketLifecycle | EventLifecycle | EventFeeUpdate | MultivariateLookup
    | MultivariateMarketLifecycle | RfqCreated | RfqDeleted | QuoteCreated | QuoteAccepted
    | QuoteExecuted | UserOrder | OrderGroupUpdate | UnknownMessage
)

# --------------------------------------------------------------------------------------------
# Wire structs: the JSON as sent, every version's fields optional
# --------------------------------------------------------------------------------------------

_Count = int | str
_WireLevel = tuple[int | str, int | str]


class _Body(msgspec.Struct, kw_only=True, gc=False):
    pass


class _SubscribedBody(_Body, kw_only=True):
    channel: str
    sid: int


class _ErrorBody(_Body, kw_only=True):
    code: int
    msg: str = ""
    market_ticker: str | None = None
    market_tickers: list[str] | None = None


class _OkBody(_Body, kw_only=True):
    market_tickers: list[str] | None = None
    market_ids: list[str] | None = None


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
    subaccount: int | None = None


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
    dollar_volume: int | str | None = None
    dollar_open_interest: int | str | None = None
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
    fee_cost: str | int | None = None
    post_position: int | None = None
    post_position_fp: str | None = None
    ts: int | None = None
    ts_ms: int | None = None
    subaccount: int | None = None


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
    subaccount: int | None = None


class _PriceRangeBody(_Body, kw_only=True):
    start: str
    end: str
    step: str


class _MarketLifecycleBody(_Body, kw_only=True):
    market_ticker: str
    event_type: str
    open_ts: int | None = None
    close_ts: int | None = None
    determination_ts: int | None = None
    settled_ts: int | None = None
    result: str | None = None
    settlement_value: str | int | None = None
    is_deactivated: bool | None = None
    additional_metadata: dict[str, Any] | None = None
    price_level_structure: str | None = None
    price_ranges: list[_PriceRangeBody] | None = None
    # metadata_updated: the changed fields at the top level
    strike_type: str | None = None
    floor_strike: int | float | None = None
    cap_strike: int | float | None = None
    custom_strike: dict[str, Any] | None = None
    yes_sub_title: str | None = None


_METADATA_UPDATE_FIELDS = ("strike_type", "floor_strike", "cap_strike", "custom_strike", "yes_sub_title")


class _EventLifecycleBody(_Body, kw_only=True):
    event_ticker: str
    title: str | None = None
    subtitle: str | None = None
    sub_title: str | None = None
    collateral_return_type: str | None = None
    series_ticker: str | None = None
    strike_date: int | None = None
    strike_period: str | None = None


class _EventFeeBody(_Body, kw_only=True):
    event_ticker: str | None = None
    series_ticker: str | None = None
    fee_type_override: str | None = None
    fee_multiplier_override: int | float | None = None


class _SelectedMarketBody(_Body, kw_only=True):
    event_ticker: str
    market_ticker: str
    side: str


class _MultivariateLookupBody(_Body, kw_only=True):
    collection_ticker: str
    event_ticker: str | None = None
    market_ticker: str
    selected_markets: list[_SelectedMarketBody] = []


class _MultivariateLifecycleBody(_MarketLifecycleBody, kw_only=True):
    event_type: str = ""
    collection_ticker: str | None = None
    event_ticker: str | None = None
    selected_markets: list[_SelectedMarketBody] = []


class _RfqLegBody(_Body, kw_only=True):
    event_ticker: str
    market_ticker: str
    side: str
    yes_settlement_value_dollars: str | None = None


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
    mve_collection_ticker: str | None = None
    mve_selected_legs: list[_RfqLegBody] | None = None


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
    contracts_accepted_fp: str | None = None
    subaccount: int | None = None
    order_id: str | None = None
    client_order_id: str | None = None
    executed_ts: str | None = None


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
    is_yes: bool | None = None
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
    last_updated_ts_ms: int | None = None
    updated_ts_ms: int | None = None
    expiration_ts_ms: int | None = None
    last_update_reason: str | None = None
    order_group_id: str | None = None
    self_trade_prevention_type: str | None = None
    subaccount_number: int | None = None


class _OrderGroupBody(_Body, kw_only=True):
    event_type: str
    order_group_id: str
    contracts_limit_fp: str | None = None
    contracts_limit: int | None = None
    ts_ms: int | None = None


class _Frame(msgspec.Struct, tag_field="type", kw_only=True, gc=False):
    sid: int | None = None
    seq: int | None = None
    id: int | None = None


def _frame(tag: str, body: Any) -> type[_Frame]:
    """A tagged wire frame class whose payload of type ``body`` sits under ``msg`` or ``data``."""
    return cast("type[_Frame]", msgspec.defstruct(  # defstruct is typed as making any Struct
        f"_Frame_{tag}",
        [("msg", body | None, None), ("data", body | None, None)],
        bases=(_Frame,),
        tag=tag,
        kw_only=True,
    ))


# --------------------------------------------------------------------------------------------
# Normalisation helpers
# --------------------------------------------------------------------------------------------


class _FieldError(Exception):
    """Internal: a field is missing or holds a bad value; turned into ProtocolError with the type."""


# the memos' own lookups: no Python call on a hit
_parse_price, _parse_count = fixed.PRICES.__getitem__, fixed.COUNTS.__getitem__
_parse_money = fixed.MONEY.__getitem__
# The memos themselves, for the fast paths below, which read a field as ``_PRICES[text]``: a hit
# is one subscript, with no call at all. Their shape: read every number of the current wire's
# form straight from its string, in one ``try``; a ValueError (a field absent, so read as None,
# or empty, malformed, out of range) sends the frame to the field-by-field readers, which take
# the older forms and name the field that cannot be read. Both give the same message or error.
# (typed to take any key: a field's None or int is refused with a ValueError like any bad text)
_PRICES: dict[Any, int] = fixed.PRICES
_COUNTS: dict[Any, int] = fixed.COUNTS
_TOTALS: dict[Any, int] = fixed.TOTALS
_MONEY: dict[Any, int] = fixed.MONEY
_parse_any_count: Callable[[Any], int] = fixed.parse_count_uncached
_parse_any_money: Callable[[Any], int] = fixed.parse_money_uncached
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
    # The hot path of every frame: the field's name is only put together for an error, and an
    # empty string ("no value") is told apart only there.
    if dollars is not None:
        try:
            return _parse_price(dollars)
        except ValueError as exc:
            if dollars == "":
                return None
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
    is sent, or ``{name}_fp`` is empty."""
    if fp is not None:
        try:
            return parse(fp)
        except ValueError as exc:
            if fp == "":
                return None
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
    neither is sent, or ``{name}_dollars`` is empty."""
    if dollars is not None:  # inline as in _price_or_none: the field's name is put together for an error only
        try:
            return parse(dollars)
        except ValueError as exc:
            if dollars == "":
                return None
            raise _FieldError(f"bad `{name}_dollars`: {exc}") from None
    return None if centi_cents is None else fixed.money_from_centi_cents(centi_cents)


def _money_text_or_none(text: str | None, field: str, parse: Callable[[str], int] = _parse_money) -> int | None:
    """Money from the dollar string in wire ``field``; None when absent or empty."""
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        if text == "":
            return None
        raise _FieldError(f"bad `{field}`: {exc}") from None


def _dollars_or_int(value: int | str | None, name: str) -> int | None:
    """Money given as a dollar string, or as a plain integer number of dollars."""
    if isinstance(value, str):  # a market's running total: seldom repeats, so read uncached
        try:  # inline as in _money_or_none: two of these on every ticker
            return _parse_money_uncached(value)
        except ValueError as exc:
            if value == "":
                return None
            raise _FieldError(f"bad `{name}`: {exc}") from None
    return None if value is None else value * fixed.MONEY_SCALE


def _ts_ms(ts_ms: int | None, ts_seconds: int | None) -> int | None:
    if ts_ms is not None:
        return ts_ms
    return ts_seconds * 1000 if ts_seconds is not None else None


SIDES = frozenset({"yes", "no"})
BOOK_SIDES = frozenset({"bid", "ask"})
# the legacy action words of a fill; "" is sent when the server does not know the action
ACTIONS = frozenset({"buy", "sell", "sell_partial", "sell_to_close"})
_OTHER_SIDE = {"yes": "no", "no": "yes"}
_BOOK_SIDE_OR_NONE = BOOK_SIDES | {None}
_ACTION_OR_NONE = ACTIONS | {None}
# Kalshi's book vocabulary for direction: a bid is always the yes outcome, an ask the no outcome.
_OUTCOME_OF_BOOK_SIDE = {"bid": "yes", "ask": "no"}


def _word(value: str | None, known: frozenset[str], name: str, problems: list[str]) -> str | None:
    """``value`` when the protocol lists it; None when absent or empty (the server does not know);
    an unlisted word is None too, and noted in ``problems``."""
    if value in known:
        return value
    if value:
        problems.append(f"unknown `{name}` {value!r}")
    return None


def _strict_side(value: str, name: str) -> str:
    """A side that must be ``yes`` or ``no`` (a book delta's: a guess would corrupt the book)."""
    if value in SIDES:
        return value
    raise _FieldError(f"bad `{name}`: {value!r} is neither 'yes' nor 'no'")


def _outcome(b: Any, problems: list[str]) -> str | None:
    """The outcome side a fill or order is positioned for, from whichever field says it."""
    book_side = _word(b.book_side, BOOK_SIDES, "book_side", problems)
    return (
        _word(b.outcome_side, SIDES, "outcome_side", problems)
        or (_OUTCOME_OF_BOOK_SIDE[book_side] if book_side else None)
        or _word(b.purchased_side, SIDES, "purchased_side", problems)
    )


def _direction(
    b: Any, problems: list[str], side_word: str | None = None
) -> tuple[str | None, str | None, str | None]:
    """``(side, action, outcome_side)`` of a fill or an order, from whichever fields were sent.

    Today's ``outcome_side`` / ``book_side`` say which outcome the user is now long; the legacy
    ``side`` + ``action`` pair says the same bit differently (buy yes and sell no both give yes).
    What was sent is kept; a missing part is worked out from the others when they determine it
    (an action from side and outcome: ``buy`` when they agree, ``sell`` when not), else None.
    """
    side, action, outcome = b.side if side_word is None else side_word, getattr(b, "action", None), b.outcome_side
    # The common shape, read without a call: today's outcome side and the legacy side both sent,
    # the book side and action listed words or absent (what _direction_by_word makes of it).
    if outcome in SIDES and side in SIDES and b.book_side in _BOOK_SIDE_OR_NONE and action in _ACTION_OR_NONE:
        return side, ("buy" if side == outcome else "sell") if action is None else action, outcome
    return _direction_by_word(b, problems, side, action)


def _direction_by_word(
    b: Any, problems: list[str], side_word: str | None, action_word: str | None
) -> tuple[str | None, str | None, str | None]:
    """:func:`_direction` of any words: each read by :func:`_word` (an unlisted one noted in
    ``problems``), the missing part worked out from the others."""
    outcome = _outcome(b, problems)
    side = _word(side_word, SIDES, "side", problems)
    action = _word(action_word, ACTIONS, "action", problems)
    if side is None and action is None:
        return outcome, ("buy" if outcome else None), outcome
    if outcome is None and side is not None and action is not None:
        outcome = side if action == "buy" else _OTHER_SIDE[side]
    elif side is None and outcome is not None and action is not None:
        side = outcome if action == "buy" else _OTHER_SIDE[outcome]
    elif action is None and side is not None and outcome is not None:
        action = "buy" if side == outcome else "sell"
    return side, action, outcome


def _taker_side(b: _TradeBody, problems: list[str]) -> str | None:
    """A trade's taker outcome side, from ``taker_outcome_side``, ``taker_side`` or ``taker_book_side``."""
    book_side = _word(b.taker_book_side, BOOK_SIDES, "taker_book_side", problems)
    return (
        _word(b.taker_outcome_side, SIDES, "taker_outcome_side", problems)
        or _word(b.taker_side, SIDES, "taker_side", problems)
        or (_OUTCOME_OF_BOOK_SIDE[book_side] if book_side else None)
    )


class _Reader:
    """Reads the fields of a message the user owns: a field that cannot be read is noted in
    ``problems`` and read as None, so the message is still shown with what is known."""

    __slots__ = ("problems",)

    def __init__(self, problems: list[str] | None = None) -> None:
        self.problems: list[str] = [] if problems is None else problems

    def __call__(self, read: Callable[..., Any], *args: Any) -> Any:
        try:
            return read(*args)
        except _FieldError as exc:
            self.problems.append(str(exc))
            return None


# A converter of a message the user owns takes, after the body, sid and seq, how to read a field
# that may fail (``read(reader, *args)``) and the list its unlisted words go to.
_OwnedConverter = Callable[[Any, int | None, int | None, Callable[..., Any], list[str]], Message]


def _owned(convert: _OwnedConverter) -> _Converter:
    """The converter of a message the user owns, which no field that cannot be read refuses.

    ``convert`` runs first with plain reads (``operator.call``: no Python call around each field,
    and every field reads in all but a hostile frame); only when a field does not is it run again
    with a :class:`_Reader`, which reads that field as None and names it in ``problems``.
    """

    def build(b: Any, sid: int | None, seq: int | None) -> Message:
        try:
            return convert(b, sid, seq, operator.call, [])
        except _FieldError:
            reader = _Reader()
            return convert(b, sid, seq, reader, reader.problems)

    return build


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
_Converter = Callable[[Any, int | None, int | None], Message]


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
    if b is None:
        return Ok(sid=sid, seq=seq)
    return Ok(
        sid=sid, seq=seq, market_tickers=None if b.market_tickers is None else tuple(b.market_tickers),
        market_ids=None if b.market_ids is None else tuple(b.market_ids),
    )


def _error(b: _ErrorBody, sid: int | None, seq: int | None) -> ErrorMessage:
    markets = [b.market_ticker] if b.market_ticker else []
    return ErrorMessage(
        sid=sid, seq=seq, code=b.code, message=b.msg, meaning=error_meaning(b.code),
        retired=b.code in RETIRED_ERROR_CODES, market_tickers=tuple(markets + (b.market_tickers or [])),
    )


def _orderbook_delta(b: _DeltaBody, sid: int | None, seq: int | None) -> OrderbookDelta:
    side = b.side
    if side not in SIDES:
        _strict_side(side, "side")
    try:  # the fast path (see _PRICES)
        delta, price = _COUNTS[b.delta_fp], _PRICES[b.price_dollars]
    except ValueError:
        delta, price = _count(b.delta_fp, b.delta, "delta"), _price(b.price_dollars, b.price, "price")
    return OrderbookDelta(
        sid=sid, seq=seq, market_ticker=b.market_ticker, market_id=b.market_id, side=side,
        price=price, delta=delta, client_order_id=b.client_order_id, ts_ms=b.ts_ms, subaccount=b.subaccount,
    )


def _ticker(b: _TickerBody, sid: int | None, seq: int | None) -> Ticker:
    try:  # the fast path (see _PRICES)
        yes_bid, yes_ask, price = _PRICES[b.yes_bid_dollars], _PRICES[b.yes_ask_dollars], _PRICES[b.price_dollars]
        yes_bid_size, yes_ask_size = _COUNTS[b.yes_bid_size_fp], _COUNTS[b.yes_ask_size_fp]
        last_trade_size = _COUNTS[b.last_trade_size_fp]
        volume, open_interest = _TOTALS[b.volume_fp], _TOTALS[b.open_interest_fp]
        dollar_volume, dollar_open_interest = b.dollar_volume, b.dollar_open_interest
        # a market's running totals: an integer number of dollars, or a dollar string read uncached
        dollar_volume = (dollar_volume * fixed.MONEY_SCALE if type(dollar_volume) is int
                         else _parse_any_money(dollar_volume))
        dollar_open_interest = (dollar_open_interest * fixed.MONEY_SCALE if type(dollar_open_interest) is int
                                else _parse_any_money(dollar_open_interest))
    except ValueError:
        return _ticker_by_field(b, sid, seq)
    return Ticker(
        sid=sid, seq=seq, market_ticker=b.market_ticker, market_id=b.market_id, price=price,
        # An empty side is sent as a price with size "0.00" (the ask as "1.0000"): no quote.
        yes_bid=None if yes_bid_size == 0 else yes_bid,
        yes_ask=None if yes_ask_size == 0 else yes_ask,
        yes_bid_size=yes_bid_size, yes_ask_size=yes_ask_size, last_trade_size=last_trade_size,
        volume=volume, open_interest=open_interest, dollar_volume=dollar_volume,
        dollar_open_interest=dollar_open_interest, ts_ms=b.ts_ms if b.ts_ms is not None else _ts_ms(None, b.ts),
    )


def _ticker_by_field(b: _TickerBody, sid: int | None, seq: int | None) -> Ticker:
    """:func:`_ticker` of any form: every field by its own reader (older forms, empty values)."""
    yes_bid = _price_or_none(b.yes_bid_dollars, b.yes_bid, "yes_bid")
    yes_ask = _price_or_none(b.yes_ask_dollars, b.yes_ask, "yes_ask")
    if yes_ask is None:
        no_bid = _price_or_none(b.no_bid_dollars, None, "no_bid")
        yes_ask = None if no_bid is None else fixed.ONE_DOLLAR - no_bid
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
        volume=_count_or_none(b.volume_fp, b.volume, "volume", _TOTALS.__getitem__),
        open_interest=_count_or_none(b.open_interest_fp, b.open_interest, "open_interest", _TOTALS.__getitem__),
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
    try:  # the fast path (see _PRICES)
        yes_price, no_price, count = _PRICES[b.yes_price_dollars], _PRICES[b.no_price_dollars], _COUNTS[b.count_fp]
    except ValueError:
        yes_price = _price(b.yes_price_dollars, b.yes_price, "yes_price")
        read_no_price = _price_or_none(b.no_price_dollars, b.no_price, "no_price")
        no_price = fixed.ONE_DOLLAR - yes_price if read_no_price is None else read_no_price
        count = _count(b.count_fp, b.count, "count")
    taker = b.taker_outcome_side
    problems: list[str] | None = None
    if taker not in SIDES:  # an older frame, or a word the protocol does not list
        problems = []
        taker = _taker_side(b, problems)
    trade = Trade(
        sid=sid, seq=seq, trade_id=b.trade_id, market_ticker=b.market_ticker, yes_price=yes_price,
        no_price=no_price, count=count, taker_side=taker,
        is_block_trade=b.is_block_trade, ts_ms=b.ts_ms if b.ts_ms is not None else _ts_ms(None, b.ts),
    )
    if problems:
        trade.problems = tuple(problems)
    return trade


def _fee_cost(fee: str | int | None) -> int | None:
    """A fill's fee: a dollar string today, centi-cents in the reference."""
    if isinstance(fee, str):
        return _money_text_or_none(fee, "fee_cost")
    return None if fee is None else fixed.money_from_centi_cents(fee)


def _fill(
    b: _FillBody, sid: int | None, seq: int | None, read: Callable[..., Any], problems: list[str]
) -> Fill:
    side, action, outcome = _direction(b, problems)
    try:  # the fast path (see _PRICES); a position after a fill seldom repeats: read uncached
        yes_price, count, fee_cost = _PRICES[b.yes_price_dollars], _COUNTS[b.count_fp], _MONEY[b.fee_cost]
        post_position = _parse_any_count(b.post_position_fp)
    except ValueError:
        yes_price = read(_price, b.yes_price_dollars, b.yes_price, "yes_price")
        count = read(_count, b.count_fp, b.count, "count")
        fee_cost = read(_fee_cost, b.fee_cost)
        post_position = read(
            _count_or_none, b.post_position_fp, b.post_position, "post_position", _parse_count_uncached
        )
    fill = Fill(
        sid=sid, seq=seq, trade_id=b.trade_id, order_id=b.order_id, client_order_id=b.client_order_id,
        market_ticker=b.market_ticker, is_taker=b.is_taker, side=side, action=action, outcome_side=outcome,
        yes_price=yes_price, count=count, fee_cost=fee_cost, post_position=post_position,
        ts_ms=b.ts_ms if b.ts_ms is not None else _ts_ms(None, b.ts),
    )
    fill.subaccount, fill.problems = b.subaccount, tuple(problems)
    return fill


def _market_position(
    b: _PositionBody, sid: int | None, seq: int | None, read: Callable[..., Any], problems: list[str]
) -> MarketPosition:
    once = _parse_money_uncached  # running totals all
    try:  # the fast path (see _PRICES), uncached
        position, volume = _parse_any_count(b.position_fp), _parse_any_count(b.volume_fp)
        position_cost = _parse_any_money(b.position_cost_dollars)
        realized_pnl, fees_paid = _parse_any_money(b.realized_pnl_dollars), _parse_any_money(b.fees_paid_dollars)
        fee_cost = _parse_any_money(b.position_fee_cost_dollars)
    except ValueError:
        position = read(_count, b.position_fp, b.position, "position", _parse_count_uncached)
        position_cost = read(_money_or_none, b.position_cost_dollars, b.position_cost, "position_cost", once) or 0
        realized_pnl = read(_money_or_none, b.realized_pnl_dollars, b.realized_pnl, "realized_pnl", once) or 0
        fees_paid = read(_money_or_none, b.fees_paid_dollars, b.fees_paid, "fees_paid", once) or 0
        fee_cost = read(_money_or_none, b.position_fee_cost_dollars, None, "position_fee_cost", once)
        volume = read(_count_or_none, b.volume_fp, b.volume, "volume", _parse_count_uncached)
    return MarketPosition(
        sid=sid, seq=seq, market_ticker=b.market_ticker, position=position, position_cost=position_cost,
        realized_pnl=realized_pnl, fees_paid=fees_paid, position_fee_cost=fee_cost, volume=volume,
        subaccount=b.subaccount, problems=tuple(problems),
    )


def _settlement_value(value: str | int | None) -> int | None:
    """A settlement value: a dollar string today, integer cents in the reference."""
    if isinstance(value, str):
        return _parsed(fixed.parse_price, value, "settlement_value") if value else None
    return _price_or_none(None, value, "settlement_value")


def _price_ranges(rows: list[_PriceRangeBody] | None) -> tuple[PriceRange, ...]:
    if not rows:
        return ()
    try:
        return tuple(PriceRange(fixed.parse_price(r.start), fixed.parse_price(r.end),
                                fixed.parse_price(r.step)) for r in rows)
    except ValueError as exc:
        raise _FieldError(f"bad `price_ranges`: {exc}") from None


_Lifecycle = TypeVar("_Lifecycle", bound=MarketLifecycle)


def _lifecycle(cls: type[_Lifecycle], b: _MarketLifecycleBody, sid: int | None, seq: int | None) -> _Lifecycle:
    """A ``cls`` with the fields every market lifecycle message has, normalised."""
    metadata = b.additional_metadata
    updated = {name: getattr(b, name) for name in _METADATA_UPDATE_FIELDS if getattr(b, name) is not None}
    if updated:
        metadata = {**(metadata or {}), **updated}
    return cls(
        sid=sid, seq=seq, market_ticker=b.market_ticker, event_type=b.event_type, open_ts=b.open_ts,
        close_ts=b.close_ts, determination_ts=b.determination_ts, settled_ts=b.settled_ts,
        result=b.result, settlement_value=_settlement_value(b.settlement_value),
        is_deactivated=b.is_deactivated, metadata=metadata,
        price_level_structure=b.price_level_structure, price_ranges=_price_ranges(b.price_ranges),
    )


def _event_lifecycle(b: _EventLifecycleBody, sid: int | None, seq: int | None) -> EventLifecycle:
    return EventLifecycle(
        sid=sid, seq=seq, event_ticker=b.event_ticker, title=b.title,
        sub_title=b.subtitle if b.subtitle is not None else b.sub_title,
        collateral_return_type=b.collateral_return_type or None, series_ticker=b.series_ticker,
        strike_date=b.strike_date, strike_period=b.strike_period,
    )


def _event_fee_update(b: dict[str, Any], sid: int | None, seq: int | None) -> EventFeeUpdate:
    try:
        fee = msgspec.convert(b, _EventFeeBody)
    except msgspec.ValidationError as exc:
        raise _FieldError(str(exc)) from None
    return EventFeeUpdate(
        sid=sid, seq=seq, event_ticker=fee.event_ticker, series_ticker=fee.series_ticker,
        fee_type_override=fee.fee_type_override, fee_multiplier_override=fee.fee_multiplier_override,
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
    message = _lifecycle(MultivariateMarketLifecycle, b, sid, seq)
    event_ticker = b.event_ticker or (message.metadata or {}).get("event_ticker")
    # the rest set one by one, to stay within 15 keyword arguments (see _Converter)
    message.collection_ticker = b.collection_ticker
    message.event_ticker = event_ticker if isinstance(event_ticker, str) else None
    message.selected_markets = _selected(b.selected_markets)
    return message


def _rfq_legs(rows: list[_RfqLegBody] | None, problems: list[str]) -> tuple[RfqLeg, ...]:
    if not rows:
        return ()
    return tuple(
        RfqLeg(r.event_ticker, r.market_ticker, _word(r.side, SIDES, "side", problems),
               _price_or_none(r.yes_settlement_value_dollars, None, "yes_settlement_value"))
        for r in rows
    )


def _rfq_created(b: _RfqBody, sid: int | None, seq: int | None) -> RfqCreated:
    rfq = RfqCreated(
        sid=sid, seq=seq, rfq_id=b.id, creator_id=b.creator_id, market_ticker=b.market_ticker,
        event_ticker=b.event_ticker,
        contracts=_count_or_none(b.contracts_fp, b.contracts, "contracts"),
        target_cost=_money_or_none(b.target_cost_dollars, b.target_cost, "target_cost"),
        created_ts=b.created_ts, mve_collection_ticker=b.mve_collection_ticker,
    )
    problems: list[str] = []
    rfq.mve_selected_legs = _rfq_legs(b.mve_selected_legs, problems)
    rfq.problems = tuple(problems)
    return rfq


def _rfq_deleted(b: _RfqBody, sid: int | None, seq: int | None) -> RfqDeleted:
    return RfqDeleted(
        sid=sid, seq=seq, rfq_id=b.id, creator_id=b.creator_id, market_ticker=b.market_ticker,
        event_ticker=b.event_ticker,
        contracts=_count_or_none(b.contracts_fp, b.contracts, "contracts"),
        target_cost=_money_or_none(b.target_cost_dollars, b.target_cost, "target_cost"),
        deleted_ts=b.deleted_ts,
    )


def _quote(
    cls: type[QuoteEvent], b: _QuoteBody, sid: int | None, seq: int | None, read: Callable[..., Any],
    problems: list[str],
) -> QuoteEvent:
    quote = cls(
        sid=sid,
        seq=seq,
        quote_id=b.quote_id,
        rfq_id=b.rfq_id,
        quote_creator_id=b.quote_creator_id,
        rfq_creator_id=b.rfq_creator_id,
        market_ticker=b.market_ticker,
        event_ticker=b.event_ticker,
        yes_bid=read(_price_or_none, b.yes_bid_dollars, b.yes_bid, "yes_bid"),
        no_bid=read(_price_or_none, b.no_bid_dollars, b.no_bid, "no_bid"),
        yes_contracts_offered=read(
            _count_or_none, b.yes_contracts_offered_fp, b.yes_contracts_offered, "yes_contracts_offered"
        ),
        no_contracts_offered=read(
            _count_or_none, b.no_contracts_offered_fp, b.no_contracts_offered, "no_contracts_offered"
        ),
        rfq_target_cost=read(_money_or_none, b.rfq_target_cost_dollars, b.rfq_target_cost, "rfq_target_cost"),
        accepted_side=_word(b.accepted_side, SIDES, "accepted_side", problems),
    )
    # the rest set one by one, to stay within 15 keyword arguments (see _Converter)
    quote.created_ts, quote.subaccount = b.created_ts, b.subaccount
    quote.contracts_accepted = read(_count_or_none, b.contracts_accepted_fp, None, "contracts_accepted")
    quote.order_id, quote.client_order_id, quote.executed_ts = b.order_id, b.client_order_id, b.executed_ts
    quote.problems = tuple(problems)
    return quote


def _sum_or_none(a: int | None, b: int | None) -> int | None:
    """``a + b`` counting an absent one as nothing; None when both are absent."""
    if a is None:
        return b
    return a if b is None else a + b


def _user_order(
    b: _UserOrderBody, sid: int | None, seq: int | None, read: Callable[..., Any], problems: list[str]
) -> UserOrder:
    ticker = b.ticker or b.market_ticker
    if not ticker:
        problems.append("missing field `ticker`")
    try:  # the fast path (see _PRICES)
        fill_cost: int | None = _MONEY[b.taker_fill_cost_dollars] + _MONEY[b.maker_fill_cost_dollars]
        fees: int | None = _MONEY[b.taker_fees_dollars] + _MONEY[b.maker_fees_dollars]
    except ValueError:
        fill_cost = _sum_or_none(
            read(_money_or_none, b.taker_fill_cost_dollars, None, "taker_fill_cost"),
            read(_money_or_none, b.maker_fill_cost_dollars, None, "maker_fill_cost"),
        )
        fees = _sum_or_none(
            read(_money_or_none, b.taker_fees_dollars, None, "taker_fees"),
            read(_money_or_none, b.maker_fees_dollars, None, "maker_fees"),
        )
    legacy_side = b.side if b.side is not None or b.is_yes is None else ("yes" if b.is_yes else "no")
    side, action, outcome = _direction(b, problems, legacy_side)
    try:  # the fast path (see _PRICES)
        yes_price, fill_count = _PRICES[b.yes_price_dollars], _COUNTS[b.fill_count_fp]
        remaining_count, initial_count = _COUNTS[b.remaining_count_fp], _COUNTS[b.initial_count_fp]
    except ValueError:
        yes_price = read(_price_or_none, b.yes_price_dollars, b.yes_price, "yes_price")
        fill_count = read(_count_or_none, b.fill_count_fp, b.fill_count, "fill_count")
        remaining_count = read(_count_or_none, b.remaining_count_fp, b.remaining_count, "remaining_count")
        initial_count = read(_count_or_none, b.initial_count_fp, b.initial_count, "initial_count")
    order = UserOrder(
        sid=sid, seq=seq, order_id=b.order_id, market_ticker=ticker or "", status=b.status,
        side=side, action=action, outcome_side=outcome, yes_price=yes_price, fill_count=fill_count,
        remaining_count=remaining_count, initial_count=initial_count,
        fill_cost=fill_cost, fees=fees, client_order_id=b.client_order_id,
    )
    # the rest set one by one, to stay within 15 keyword arguments (see _Converter)
    order.created_ts_ms = b.created_ts_ms
    order.updated_ts_ms = b.last_updated_ts_ms if b.last_updated_ts_ms is not None else b.updated_ts_ms
    order.expiration_ts_ms, order.last_update_reason = b.expiration_ts_ms, b.last_update_reason
    order.order_group_id, order.self_trade_prevention_type = b.order_group_id, b.self_trade_prevention_type
    order.subaccount, order.problems = b.subaccount_number, tuple(problems)
    return order


def _order_group(b: _OrderGroupBody, sid: int | None, seq: int | None) -> OrderGroupUpdate:
    return OrderGroupUpdate(
        sid=sid, seq=seq, event_type=b.event_type, order_group_id=b.order_group_id,
        contracts_limit=_count_or_none(b.contracts_limit_fp, b.contracts_limit, "contracts_limit"),
        ts_ms=b.ts_ms,
    )


# Each known ``type``: the wire body under ``msg`` (or ``data``), and its converter.
_KINDS: dict[str, tuple[Any, _Converter]] = {
    "subscribed": (_SubscribedBody, _subscribed),
    "unsubscribed": (Any, _unsubscribed),
    "ok": (_OkBody | list[_SubscriptionRow], _ok),
    "error": (_ErrorBody, _error),
    "orderbook_snapshot": (_SnapshotBody, _orderbook_snapshot),
    "orderbook_delta": (_DeltaBody, _orderbook_delta),
    "ticker": (_TickerBody, _ticker),
    "trade": (_TradeBody, _trade),
    "fill": (_FillBody, _owned(_fill)),
    "market_position": (_PositionBody, _owned(_market_position)),
    "market_lifecycle_v2": (_MarketLifecycleBody, partial(_lifecycle, MarketLifecycle)),
    "event_lifecycle": (_EventLifecycleBody, _event_lifecycle),
    "event_fee_update": (dict[str, Any], _event_fee_update),
    "multivariate_lookup": (_MultivariateLookupBody, _multivariate_lookup),
    "multivariate_market_lifecycle": (_MultivariateLifecycleBody, _multivariate_lifecycle),
    "rfq_created": (_RfqBody, _rfq_created),
    "rfq_deleted": (_RfqBody, _rfq_deleted),
    "quote_created": (_QuoteBody, _owned(partial(_quote, QuoteCreated))),
    "quote_accepted": (_QuoteBody, _owned(partial(_quote, QuoteAccepted))),
    "quote_executed": (_QuoteBody, _owned(partial(_quote, QuoteExecuted))),
    "user_order": (_UserOrderBody, _owned(_user_order)),
    "order_group_updates": (_OrderGroupBody, _order_group),
}
KNOWN_TYPES = frozenset(_KINDS)
# What the user owns: never refused, shown with what is known (see ``problems``)
USER_OWNED_TYPES = frozenset(
    {"fill", "user_order", "market_position", "quote_created", "quote_accepted", "quote_executed"}
)
_CONVERTER_BY_FRAME: dict[type[_Frame], _Converter] = {
    _frame(kind, body): convert for kind, (body, convert) in _KINDS.items()
}
# the frames whose ``msg`` may be left out
_BODY_OPTIONAL = frozenset(
    frame for frame in _CONVERTER_BY_FRAME if frame.__struct_config__.tag in ("unsubscribed", "ok")
)
# every frame class as one tagged union (each class has its payload under msg or data)
_frame_decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(reduce(operator.or_, _CONVERTER_BY_FRAME))
_generic_decoder = msgspec.json.Decoder()

TOO_DEEP = "frame is nested too deeply"


def parse(frame: str | bytes) -> Message:
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
    body = wire.msg if wire.msg is not None else wire.data
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


def _parse_fallback(frame: str | bytes, error: msgspec.DecodeError) -> Message:
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
    if kind in USER_OWNED_TYPES:
        return _read_what_is_known(kind, raw, env, error)
    if kind in KNOWN_TYPES:
        raise ProtocolError(f"{kind}: {error}", env["sid"])
    return UnknownMessage(sid=env["sid"], seq=env["seq"], id=env["id"], type=kind, raw=raw)


def _read_what_is_known(kind: str, raw: dict[str, Any], env: dict[str, Any], error: Exception) -> Message:
    """A message the user owns whose frame does not decode as typed: built from the fields that
    do, each field that does not named in its ``problems``.

    Raises :class:`ProtocolError` only when there is no body at all to read.
    """
    payload = raw.get("msg", raw.get("data"))
    if not isinstance(payload, dict):
        raise ProtocolError(f"{kind}: {error}", env["sid"])
    body_type, convert = _KINDS[kind]
    problems: list[str] = []
    readable: dict[str, Any] = {}
    for field in msgspec.structs.fields(body_type):
        name = field.encode_name
        if name in payload:
            try:
                readable[name] = msgspec.convert(payload[name], field.type)
                continue
            except msgspec.ValidationError as exc:
                problems.append(f"bad `{name}`: {exc}")
        elif field.required:
            problems.append(f"missing field `{name}`")
        if field.required:  # every required field of these bodies is an id or a ticker
            readable[name] = ""
    message = convert(msgspec.convert(readable, body_type), env["sid"], env["seq"])
    message.problems = (*problems, *message.problems)
    message.id = env["id"]
    return message
