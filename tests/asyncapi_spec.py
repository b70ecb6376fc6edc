"""Kalshi's WebSocket messages as its AsyncAPI file describes them, written down by this project.

Facts only (field names, JSON types, whether a field may be left out, the values an enumeration
lists, the envelope keys a frame must carry), in a compact form of our own: one :class:`Spec` per
message ``type`` and direction. Each field also says what kalshi-dash does with it: the attribute
of the parsed message that carries it (``to``), the attribute it is read into by way of other
fields (``via``), or why it is deliberately left unread (``ignored``; listed in
docs/protocol-coverage.md).

From a spec, :func:`frames` makes frames with every optional field absent, present, empty (the
numbers sent as strings) and null (where nullable), and each enumeration value; :func:`problems`
checks a frame against it (the simulator's frames go through the same check).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# Field types: JSON types, and the strings whose text has a form of its own.
STR, INT, BOOL, NUMBER, OBJECT = "str", "int", "bool", "number", "object"
PRICE = "price"  # dollars, 4 decimals: "0.4150"
COUNT = "count"  # contracts, 2 decimals, may be signed: "-12.50"
MONEY = "money"  # dollars, up to 6 decimals, may be signed: "0.012345"
TIME = "time"  # RFC 3339: "2026-12-01T10:00:00Z"
STRS = "list[str]"
LEVELS = "levels"  # [[price, count], ...]
RANGES = "ranges"  # [{"start": price, "end": price, "step": price}, ...]
LEGS = "legs"  # [{"event_ticker", "market_ticker", "side", "yes_settlement_value_dollars"?}, ...]
SUBSCRIPTIONS = "subscriptions"  # [{"channel", "sid"}, ...]
ERROR_BODY = "error"  # {"code", "msg", "market_ticker"?, "market_tickers"?}

SIDES = ("yes", "no")
BOOK_SIDES = ("bid", "ask")
NUMBER_TEXTS = (PRICE, COUNT, MONEY)

_FORMS = {
    PRICE: re.compile(r"^(0\.\d{4}|1\.0000)$"),
    COUNT: re.compile(r"^-?\d+\.\d{2}$"),
    MONEY: re.compile(r"^-?\d+\.\d{1,6}$"),
    TIME: re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"),
}
SAMPLES: dict[str, Any] = {
    STR: "KX-SAMPLE-1", INT: 7, BOOL: True, NUMBER: 1.5, OBJECT: {"note": "sample"},
    PRICE: "0.4150", COUNT: "12.50", MONEY: "0.012345", TIME: "2026-12-01T10:00:00Z",
    STRS: ["KX-SAMPLE-1", "KX-SAMPLE-2"], LEVELS: [["0.4100", "5.00"], ["0.4200", "0.16"]],
    RANGES: [{"start": "0.0000", "end": "1.0000", "step": "0.0100"}],
    LEGS: [{"event_ticker": "KXE", "market_ticker": "KXE-A", "side": "yes",
            "yes_settlement_value_dollars": "1.0000"},
           {"event_ticker": "KXF", "market_ticker": "KXF-B", "side": "no"}],
    SUBSCRIPTIONS: [{"channel": "orderbook_delta", "sid": 1}, {"channel": "fill", "sid": 2}],
    ERROR_BODY: {"code": 8, "msg": "Unknown channel name"},
}


@dataclass(frozen=True)
class Field:
    """One field of a message body."""

    name: str
    type: str
    optional: bool = False
    nullable: bool = False
    enum: tuple[Any, ...] = ()
    to: str | None = None  # the parsed message's attribute ("metadata.key": a key of that dict)
    via: str | None = None  # read into this attribute by way of other fields
    ignored: str | None = None  # why kalshi-dash leaves it unread
    # what kalshi-dash does with "" in a number sent as a string: "none" (no value), "problem"
    # (the user's message is shown and counted as read in part), "refused" (a book change or a
    # print without its price or size is not a message: for a book, a resync)
    empty: str = "none"

    def sample(self) -> Any:
        """A value the spec allows: the first listed one, else one of the type's form."""
        listed = [value for value in self.enum if value not in ("", None)]
        return listed[0] if listed else SAMPLES[self.type]


@dataclass(frozen=True)
class Spec:
    """One message: its ``type``, the envelope keys it must carry, and its body's fields."""

    type: str
    envelope: tuple[str, ...]  # required beside "type": "sid", "seq", "id", "msg"
    fields: tuple[Field, ...] = ()
    parsed_as: str | None = None  # the parsed message's type_name (None: not read, see ignored)
    ignored: str | None = None  # why the whole message is left unread
    body: str | None = None  # a body that is not an object of fields: "subscriptions" or "error"
    variant: str = ""  # for a type sent in two shapes (metadata_updated)
    direction: str = "receive"  # "send": a command kalshi-dash sends


def F(name: str, type_: str, *, opt: bool = False, null: bool = False, enum: tuple[Any, ...] = (),
      to: str | None = None, via: str | None = None, ignored: str | None = None, empty: str = "none") -> Field:
    """A field; ``to`` defaults to the field's own name unless ``via`` or ``ignored`` is given."""
    if to is None and via is None and ignored is None:
        to = name
    return Field(name, type_, opt, null, enum, to, via, ignored, empty)


SHARD = "the exchange shard; one connection sees every shard alike"
DEPRECATED_TIME = "a deprecated timestamp; the millisecond field beside it is read"
LIFECYCLE_EVENTS = ("created", "deactivated", "activated", "close_date_updated", "determined", "settled")
PRICE_STRUCTURES = (
    "banded_centi_cent", "", "linear_cent", "deci_cent", "tapered_deci_cent", "center_whole_edge_half_cent",
    "center_whole_edge_quint_cent", "center_half_edge_half_cent", "center_half_edge_quint_cent",
    "center_half_edge_deci_cent", "center_quint_edge_quint_cent", "center_quint_edge_deci_cent",
    "center_centi_edge_centi_cent", "center_deci_edge_centi_cent",
)
UPDATE_REASONS = ("Decrease", "Amend", "MarginCancel", "SelfTradeCancel", "ExpiryCancel", "CloseCancel",
                  "HaltCancel", "Trade", "PostOnlyCrossCancel", "ReduceOnlyCancel")
FEE_TYPES = ("quadratic", "quadratic_with_maker_fees", "quadratic_with_combo_maker_fees", "flat",
             "margin_market_maker_program_fees", None)
ERROR_CODES = (1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28)
CHANNELS = ("orderbook_delta", "ticker", "trade", "fill", "market_positions", "market_lifecycle_v2",
            "multivariate_market_lifecycle", "communications", "order_group_updates", "user_orders",
            "cfbenchmarks_value", "cfbenchmarks_value_5hz", "pyth_value")
INDEX_FEEDS = "paid index feeds (CF Benchmarks, Pyth): kalshi-dash never subscribes to them"

_LIFECYCLE_FIELDS = (
    F("market_ticker", STR),
    F("exchange_index", INT, opt=True, ignored=SHARD),
    F("open_ts", INT, opt=True),
    F("close_ts", INT, opt=True),
    F("determination_ts", INT, opt=True),
    F("settled_ts", INT, opt=True),
    F("result", STR, opt=True),
    F("settlement_value", PRICE, opt=True),
    F("is_deactivated", BOOL, opt=True),
    F("additional_metadata", OBJECT, opt=True, to="metadata"),
)
_QUOTE_HEAD = (
    F("quote_id", STR),
    F("rfq_id", STR),
    F("quote_creator_id", STR),
    F("rfq_creator_id", STR),
    F("market_ticker", STR),
)
_QUOTE_TERMS = (
    F("event_ticker", STR, opt=True),
    F("yes_bid_dollars", PRICE, to="yes_bid"),
    F("no_bid_dollars", PRICE, to="no_bid"),
    F("yes_contracts_offered_fp", COUNT, opt=True, to="yes_contracts_offered"),
    F("no_contracts_offered_fp", COUNT, opt=True, to="no_contracts_offered"),
    F("rfq_target_cost_dollars", MONEY, opt=True, to="rfq_target_cost"),
)
_SUBACCOUNT = F("subaccount", INT, opt=True)
_RFQ_HEAD = (
    F("id", STR, to="rfq_id"),
    F("creator_id", STR),
    F("market_ticker", STR),
    F("event_ticker", STR, opt=True),
    F("contracts_fp", COUNT, opt=True, to="contracts"),
    F("target_cost_dollars", MONEY, opt=True, to="target_cost"),
)
_INDEX_LIST = (F("index_ids", STRS, ignored=INDEX_FEEDS),)

SPECS: tuple[Spec, ...] = (
    # -- answers to commands ----------------------------------------------------------------------
    Spec("subscribed", ("msg",), (F("channel", STR), F("sid", INT)), parsed_as="subscribed"),
    Spec("unsubscribed", ("sid", "seq"), parsed_as="unsubscribed"),
    Spec("ok", (), (
        F("market_tickers", STRS, opt=True),
        F("market_ids", STRS, opt=True),
    ), parsed_as="ok"),
    Spec("ok", ("msg",), body=SUBSCRIPTIONS, parsed_as="ok", variant="list_subscriptions"),
    Spec("ok", ("sid", "seq", "msg"), (F("index_ids", STRS, ignored=INDEX_FEEDS),), parsed_as="ok",
         variant="indices"),
    Spec("ok", ("sid", "seq", "msg"), (F("underlying_tickers", STRS, ignored=INDEX_FEEDS),), parsed_as="ok",
         variant="underlyings"),
    Spec("error", ("msg",), body=ERROR_BODY, parsed_as="error"),
    # -- market data ------------------------------------------------------------------------------
    Spec("orderbook_snapshot", ("sid", "seq", "msg"), (
        F("market_ticker", STR),
        F("market_id", STR),
        F("yes_dollars_fp", LEVELS, opt=True, to="yes"),
        F("no_dollars_fp", LEVELS, opt=True, to="no"),
    ), parsed_as="orderbook_snapshot"),
    Spec("orderbook_delta", ("sid", "seq", "msg"), (
        F("market_ticker", STR),
        F("market_id", STR),
        F("price_dollars", PRICE, to="price", empty="refused"),
        F("delta_fp", COUNT, to="delta", empty="refused"),
        F("side", STR, enum=SIDES),
        F("client_order_id", STR, opt=True),
        F("ts", TIME, opt=True, ignored=DEPRECATED_TIME),
        F("ts_ms", INT, opt=True),
        _SUBACCOUNT,
    ), parsed_as="orderbook_delta"),
    Spec("ticker", ("sid", "msg"), (
        F("market_id", STR),
        F("market_ticker", STR),
        F("price_dollars", PRICE, to="price"),
        F("yes_bid_dollars", PRICE, to="yes_bid"),
        F("yes_ask_dollars", PRICE, to="yes_ask"),
        F("volume_fp", COUNT, to="volume"),
        F("open_interest_fp", COUNT, to="open_interest"),
        F("dollar_volume", INT, via="dollar_volume"),
        F("dollar_open_interest", INT, via="dollar_open_interest"),
        F("yes_bid_size_fp", COUNT, to="yes_bid_size"),
        F("yes_ask_size_fp", COUNT, to="yes_ask_size"),
        F("last_trade_size_fp", COUNT, to="last_trade_size"),
        F("ts", INT, via="ts_ms"),
        F("ts_ms", INT),
        F("time", TIME, ignored=DEPRECATED_TIME),
    ), parsed_as="ticker"),
    Spec("trade", ("sid", "seq", "msg"), (
        F("trade_id", STR),
        F("market_ticker", STR),
        F("yes_price_dollars", PRICE, to="yes_price", empty="refused"),
        F("no_price_dollars", PRICE, to="no_price"),
        F("count_fp", COUNT, to="count", empty="refused"),
        F("taker_side", STR, enum=SIDES, via="taker_side"),
        F("taker_outcome_side", STR, enum=SIDES, to="taker_side"),
        F("taker_book_side", STR, enum=BOOK_SIDES, via="taker_side"),
        F("is_block_trade", BOOL),
        F("ts", INT, via="ts_ms"),
        F("ts_ms", INT),
    ), parsed_as="trade"),
    # -- the user's own -------------------------------------------------------------------------
    Spec("fill", ("sid", "msg"), (
        F("trade_id", STR),
        F("order_id", STR),
        F("client_order_id", STR, opt=True),
        F("market_ticker", STR),
        F("exchange_index", INT, ignored=SHARD),
        F("is_taker", BOOL),
        F("side", STR, enum=SIDES),
        F("ts", INT, via="ts_ms"),
        F("ts_ms", INT),
        F("yes_price_dollars", PRICE, to="yes_price", empty="problem"),
        F("count_fp", COUNT, to="count", empty="problem"),
        F("fee_cost", MONEY),
        F("action", STR, enum=("buy", "sell", "sell_partial", "sell_to_close", "")),
        F("post_position_fp", COUNT, to="post_position"),
        F("purchased_side", STR, enum=SIDES, via="outcome_side"),
        F("outcome_side", STR, enum=SIDES),
        F("book_side", STR, enum=BOOK_SIDES, via="outcome_side"),
        _SUBACCOUNT,
    ), parsed_as="fill"),
    Spec("market_position", ("sid", "msg"), (
        F("user_id", STR, ignored="always the connected user"),
        F("market_ticker", STR),
        F("position_fp", COUNT, to="position", empty="problem"),
        F("position_cost_dollars", MONEY, to="position_cost"),
        F("realized_pnl_dollars", MONEY, to="realized_pnl"),
        F("fees_paid_dollars", MONEY, to="fees_paid"),
        F("position_fee_cost_dollars", MONEY, to="position_fee_cost"),
        F("volume_fp", COUNT, to="volume"),
        _SUBACCOUNT,
    ), parsed_as="market_position"),
    Spec("user_order", ("sid", "msg"), (
        F("order_id", STR),
        F("user_id", STR, ignored="always the connected user"),
        F("ticker", STR, to="market_ticker"),
        F("exchange_index", INT, ignored=SHARD),
        F("status", STR, enum=("resting", "canceled", "executed", "unknown")),
        F("side", STR, enum=SIDES),
        F("is_yes", BOOL, via="side"),
        F("outcome_side", STR, enum=SIDES),
        F("book_side", STR, enum=BOOK_SIDES, via="outcome_side"),
        F("yes_price_dollars", PRICE, to="yes_price"),
        F("fill_count_fp", COUNT, to="fill_count"),
        F("remaining_count_fp", COUNT, to="remaining_count"),
        F("initial_count_fp", COUNT, to="initial_count"),
        F("taker_fill_cost_dollars", MONEY, via="fill_cost"),
        F("maker_fill_cost_dollars", MONEY, via="fill_cost"),
        F("taker_fees_dollars", MONEY, via="fees"),
        F("maker_fees_dollars", MONEY, via="fees"),
        F("client_order_id", STR),
        F("order_group_id", STR, opt=True),
        F("self_trade_prevention_type", STR, opt=True, enum=("taker_at_cross", "maker")),
        F("created_time", TIME, null=True, ignored=DEPRECATED_TIME),
        F("last_update_time", TIME, opt=True, ignored=DEPRECATED_TIME),
        F("expiration_time", TIME, opt=True, ignored=DEPRECATED_TIME),
        F("expiration_ts_ms", INT, opt=True),
        F("created_ts_ms", INT, null=True),
        F("last_updated_ts_ms", INT, opt=True, to="updated_ts_ms"),
        F("last_update_reason", STR, opt=True, enum=UPDATE_REASONS),
        F("subaccount_number", INT, opt=True, to="subaccount"),
    ), parsed_as="user_order"),
    Spec("order_group_updates", ("sid", "seq", "msg"), (
        F("event_type", STR, enum=("created", "triggered", "reset", "deleted", "limit_updated")),
        F("order_group_id", STR),
        F("contracts_limit_fp", COUNT, opt=True, to="contracts_limit"),
        F("ts_ms", INT),
    ), parsed_as="order_group_updates"),
    # -- lifecycle ------------------------------------------------------------------------------
    Spec("market_lifecycle_v2", ("sid", "seq", "msg"), (
        *_LIFECYCLE_FIELDS,
        F("event_type", STR, enum=(*LIFECYCLE_EVENTS, "price_level_structure_updated")),
        F("price_level_structure", STR, opt=True, enum=PRICE_STRUCTURES),
        F("price_ranges", RANGES, opt=True),
    ), parsed_as="market_lifecycle_v2"),
    Spec("market_lifecycle_v2", ("sid", "seq", "msg"), (
        F("event_type", STR, enum=("metadata_updated",)),
        F("market_ticker", STR),
        F("strike_type", STR, opt=True, to="metadata.strike_type"),
        F("floor_strike", NUMBER, opt=True, to="metadata.floor_strike"),
        F("cap_strike", NUMBER, opt=True, to="metadata.cap_strike"),
        F("custom_strike", OBJECT, opt=True, to="metadata.custom_strike"),
        F("yes_sub_title", STR, opt=True, to="metadata.yes_sub_title"),
    ), parsed_as="market_lifecycle_v2", variant="metadata_updated"),
    Spec("multivariate_market_lifecycle", ("sid", "seq", "msg"), (
        *_LIFECYCLE_FIELDS,
        F("event_type", STR, enum=LIFECYCLE_EVENTS),
        F("price_level_structure", STR, opt=True, enum=PRICE_STRUCTURES),
    ), parsed_as="multivariate_market_lifecycle"),
    Spec("event_lifecycle", ("sid", "seq", "msg"), (
        F("event_ticker", STR),
        F("exchange_index", INT, ignored=SHARD),
        F("title", STR),
        F("subtitle", STR, to="sub_title"),
        F("collateral_return_type", STR, enum=("MECNET", "DIRECNET", "")),
        F("series_ticker", STR),
        F("strike_date", INT, opt=True),
        F("strike_period", STR, opt=True),
    ), parsed_as="event_lifecycle"),
    Spec("event_fee_update", ("sid", "seq", "msg"), (
        F("event_ticker", STR),
        F("fee_type_override", STR, null=True, enum=FEE_TYPES),
        F("fee_multiplier_override", NUMBER, null=True),
    ), parsed_as="event_fee_update"),
    # -- communications -------------------------------------------------------------------------
    Spec("rfq_created", ("sid", "seq", "msg"), (
        *_RFQ_HEAD,
        F("created_ts", TIME),
        F("mve_collection_ticker", STR, opt=True),
        F("mve_selected_legs", LEGS, opt=True),
    ), parsed_as="rfq_created"),
    Spec("rfq_deleted", ("sid", "seq", "msg"), (*_RFQ_HEAD, F("deleted_ts", TIME)), parsed_as="rfq_deleted"),
    Spec("quote_created", ("sid", "seq", "msg"), (
        *_QUOTE_HEAD, *_QUOTE_TERMS, F("created_ts", TIME), _SUBACCOUNT,
    ), parsed_as="quote_created"),
    Spec("quote_accepted", ("sid", "seq", "msg"), (
        *_QUOTE_HEAD, *_QUOTE_TERMS,
        F("accepted_side", STR, opt=True, enum=SIDES),
        F("contracts_accepted_fp", COUNT, opt=True, to="contracts_accepted"),
        _SUBACCOUNT,
    ), parsed_as="quote_accepted"),
    Spec("quote_executed", ("sid", "seq", "msg"), (
        *_QUOTE_HEAD,
        F("order_id", STR),
        F("client_order_id", STR),
        F("executed_ts", TIME),
        _SUBACCOUNT,
    ), parsed_as="quote_executed"),
    # -- paid index feeds -------------------------------------------------------------------------
    Spec("cfbenchmarks_value", ("sid", "seq", "msg"), ignored=INDEX_FEEDS),
    Spec("cfbenchmarks_value_indexlist", ("sid", "seq", "msg"), _INDEX_LIST, ignored=INDEX_FEEDS),
    Spec("cfbenchmarks_value_5hz", ("sid", "seq", "msg"), ignored=INDEX_FEEDS),
    Spec("cfbenchmarks_value_5hz_indexlist", ("sid", "seq", "msg"), _INDEX_LIST, ignored=INDEX_FEEDS),
    Spec("pyth_value", ("sid", "seq", "msg"), ignored=INDEX_FEEDS),
    Spec("pyth_value_underlying_list", ("sid", "seq", "msg"), ignored=INDEX_FEEDS),
    # -- commands -------------------------------------------------------------------------------
    Spec("subscribe", ("id", "params"), (
        F("channels", STRS),
        F("market_ticker", STR, opt=True),
        F("market_tickers", STRS, opt=True),
        F("market_id", STR, opt=True),
        F("market_ids", STRS, opt=True),
        F("send_initial_snapshot", BOOL, opt=True),
        F("skip_ticker_ack", BOOL, opt=True),
        F("use_yes_price", BOOL, opt=True),
        F("user_filter", STR, opt=True, enum=("", "self")),
        F("shard_factor", INT, opt=True),
        F("shard_key", INT, opt=True),
        F("index_ids", STRS, opt=True, ignored=INDEX_FEEDS),
        F("underlying_tickers", STRS, opt=True, ignored=INDEX_FEEDS),
    ), direction="send"),
    Spec("unsubscribe", ("id", "params"), (F("sids", STRS),), direction="send"),
    Spec("update_subscription", ("id", "params"), (
        F("sid", INT, opt=True),
        F("sids", STRS, opt=True),
        F("market_ticker", STR, opt=True),
        F("market_tickers", STRS, opt=True),
        F("market_id", STR, opt=True),
        F("market_ids", STRS, opt=True),
        F("send_initial_snapshot", BOOL, opt=True),
        F("action", STR, enum=("add_markets", "delete_markets", "get_snapshot")),
    ), direction="send"),
    Spec("list_subscriptions", ("id",), direction="send"),
)

RECEIVED = tuple(spec for spec in SPECS if spec.direction == "receive")
SENT = {spec.type: spec for spec in SPECS if spec.direction == "send"}
# the specs a frame of each type may match (market_lifecycle_v2 and ok come in several shapes)
BY_TYPE: dict[str, list[Spec]] = {}
for _spec in RECEIVED:
    BY_TYPE.setdefault(_spec.type, []).append(_spec)


@dataclass
class Case:
    """A frame made from a spec: what was varied, and the body sent."""

    spec: Spec
    what: str
    body: Any
    frame: dict[str, Any] = field(default_factory=dict)


def _envelope(spec: Spec, body: Any) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": spec.type}
    for key in ("id", "sid", "seq"):
        if key in spec.envelope:
            frame[key] = {"id": 5, "sid": 3, "seq": 4}[key]
    if body is not None:
        frame["msg"] = body
    return frame


def frames(spec: Spec) -> Iterator[Case]:
    """Frames of ``spec``: required fields only; every field; each optional field alone; each
    number-as-string field empty; each nullable field null; each enumeration value."""
    if spec.body is not None:
        yield Case(spec, "body", SAMPLES[spec.body], _envelope(spec, SAMPLES[spec.body]))
        return
    if not spec.fields:
        yield Case(spec, "bare", None, _envelope(spec, {} if "msg" in spec.envelope else None))
        return
    required = {f.name: f.sample() for f in spec.fields if not f.optional}
    full = {f.name: f.sample() for f in spec.fields}
    variants: list[tuple[str, dict[str, Any]]] = [("required only", required), ("every field", full)]
    for f in spec.fields:
        if f.optional:
            variants.append((f"only optional {f.name}", {**required, f.name: f.sample()}))
        if f.type in NUMBER_TEXTS:
            variants.append((f"{f.name} empty", {**full, f.name: ""}))
        if f.nullable:
            variants.append((f"{f.name} null", {**full, f.name: None}))
        for value in f.enum:
            variants.append((f"{f.name} = {value!r}", {**full, f.name: value}))
    for what, body in variants:
        yield Case(spec, what, body, _envelope(spec, body))


def _type_problem(f: Field, value: Any) -> str | None:
    """Why ``value`` is not of ``f``'s type, or None."""
    if value is None:
        return None if f.nullable else f"`{f.name}` is null"
    if f.enum and value not in f.enum:
        return f"`{f.name}` = {value!r} is not one of {f.enum}"
    checks = {
        STR: lambda v: isinstance(v, str), INT: lambda v: isinstance(v, int) and not isinstance(v, bool),
        BOOL: lambda v: isinstance(v, bool), OBJECT: lambda v: isinstance(v, dict),
        NUMBER: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        STRS: lambda v: isinstance(v, list),
        LEVELS: lambda v: isinstance(v, list) and all(
            isinstance(level, list) and len(level) == 2 and _FORMS[PRICE].match(level[0])
            and _FORMS[COUNT].match(level[1]) for level in v),
        RANGES: lambda v: isinstance(v, list) and all(isinstance(r, dict) and set(r) == {"start", "end", "step"}
                                                      for r in v),
        LEGS: lambda v: isinstance(v, list) and all(isinstance(leg, dict) and leg.get("side") in SIDES for leg in v),
    }
    if f.type in _FORMS:
        if not isinstance(value, str):
            return f"`{f.name}` = {value!r} is not a string"
        if value == "" and f.type in NUMBER_TEXTS:
            return None  # no value
        return None if _FORMS[f.type].match(value) else f"`{f.name}` = {value!r} is not of the form of a {f.type}"
    return None if checks[f.type](value) else f"`{f.name}` = {value!r} is not a {f.type}"


def problems(frame: dict[str, Any]) -> list[str]:
    """What in ``frame`` the spec does not allow: an unknown type, a missing envelope key, a field
    it does not list, a missing required field, a value of the wrong type or form."""
    specs = BY_TYPE.get(frame.get("type", ""))
    if not specs:
        return [f"type {frame.get('type')!r} is not in the spec"]
    best: list[str] | None = None
    for spec in specs:
        found = _problems_against(spec, frame)
        if not found:
            return []
        best = found if best is None or len(found) < len(best) else best
    return best or []


def _problems_against(spec: Spec, frame: dict[str, Any]) -> list[str]:
    found = [f"{spec.type}: no `{key}`" for key in spec.envelope if key not in frame]
    extra = set(frame) - {"type", "id", "sid", "seq", "msg"}
    found += [f"{spec.type}: `{key}` is not an envelope key" for key in sorted(extra)]
    body = frame.get("msg")
    if spec.body == SUBSCRIPTIONS:
        return found + ([] if isinstance(body, list) else [f"{spec.type}: msg is not a list"])
    if spec.body == ERROR_BODY:
        allowed = {"code", "msg", "market_ticker", "market_tickers"}
        if not isinstance(body, dict) or not {"code", "msg"} <= set(body) or set(body) - allowed:
            found.append(f"error: msg {body!r} is not an error body")
        elif body["code"] not in ERROR_CODES:
            found.append(f"error: code {body['code']} is not listed")
        return found
    if spec.ignored is not None:
        return found
    if body is None:
        return found + [f"{spec.type}: no msg"] if "msg" in spec.envelope else found
    if not isinstance(body, dict):
        return found + [f"{spec.type}: msg is not an object"]
    listed = {f.name: f for f in spec.fields}
    found += [f"{spec.type}: `{name}` is not in the spec" for name in sorted(set(body) - set(listed))]
    for f in spec.fields:
        if f.name not in body:
            if not f.optional:
                found.append(f"{spec.type}: no `{f.name}`")
            continue
        problem = _type_problem(f, body[f.name])
        if problem:
            found.append(f"{spec.type}: {problem}")
    return found
