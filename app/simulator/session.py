"""One connection's side of the protocol: commands, acks, errors, subscriptions, per-sid ``seq``.

A :class:`Session` has no socket. ``handle(text)`` answers one command with the frames to send;
``publish(events)`` turns engine events into the data frames this connection's subscriptions
receive. Both return JSON text frames, so the exact bytes a subscriber sees can be produced
without a server (snapshot tests, benchmarks).

Today's behaviour by default; ``legacy`` follows the reference instead (integer fields beside the
strings, the ``multivariate`` channel, ``trades`` accepted, error 6 on a repeated subscribe, error
16 for an unknown market, ``seq`` on every data message and none on acks).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec

from app.core import protocol as p
from app.simulator import hostile, wire
from app.simulator.account import COMM_ID
from app.simulator.engine import Exchange
from app.simulator.events import Event, RfqEvent

CURRENT_CHANNELS = frozenset({
    p.ORDERBOOK_DELTA, p.TICKER, p.TRADE, p.FILL, p.MARKET_POSITIONS, p.MARKET_LIFECYCLE_V2,
    p.MULTIVARIATE_MARKET_LIFECYCLE, p.COMMUNICATIONS, p.ORDER_GROUP_UPDATES, p.USER_ORDERS,
})
LEGACY_CHANNELS = (CURRENT_CHANNELS - {p.MULTIVARIATE_MARKET_LIFECYCLE}) | {p.MULTIVARIATE}
LEGACY_ALIASES = {"trades": p.TRADE}
# today these carry no seq; in the reference every data message does
UNSEQUENCED = frozenset({p.TICKER, p.FILL, p.MARKET_POSITIONS, p.USER_ORDERS})
# channel -> the fault that withholds its data frames (of a book's, the deltas only)
WITHHOLDING_FAULTS = {
    p.ORDERBOOK_DELTA: "drop_book", p.FILL: "drop_private", p.MARKET_POSITIONS: "drop_private",
    p.USER_ORDERS: "drop_private",
}
UPDATE_ACTIONS = frozenset(p.UPDATE_ACTIONS)
SUBSCRIBE_FLAGS = ("use_yes_price", "send_initial_snapshot", "skip_ticker_ack")
MAX_SHARD_FACTOR = 100
DEFAULT_MARKET_LIMIT = 500_000
DEFAULT_COMMAND_RATE = 10_000  # commands per second per connection

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


def error_text(code: int) -> str:
    """The server's text for an error code (from the protocol's code table)."""
    meaning = p.ERROR_MEANINGS[code].split(" (")[0]
    return meaning[0].upper() + meaning[1:]


class CommandError(Exception):
    """A command the server refuses with an error ``code``."""

    def __init__(self, code: int) -> None:
        super().__init__(error_text(code))
        self.code = code


class SessionHooks(Protocol):
    """Where a session asks for injected faults (see :class:`app.simulator.faults.Faults`)."""

    def take(self, name: str) -> bool:
        """True when one fault of that kind must be injected now (and counts it)."""
        ...

    def payload_key(self) -> str:
        """``msg``, or ``data`` when payloads must go under ``data`` (counts it)."""
        ...

    def command_error(self) -> int | None:
        """An error code to answer the next command with instead of executing it."""
        ...

    def count(self, name: str) -> None:
        """Count one ``name`` (a fact about the stream that the client must act on)."""
        ...


class NoFaults:
    """Hooks that never inject anything."""

    def take(self, name: str) -> bool:
        return False

    def payload_key(self) -> str:
        return "msg"

    def command_error(self) -> int | None:
        return None

    def count(self, name: str) -> None:
        pass


@dataclass(slots=True)
class Subscription:
    """One sid: its channel (and the name the client used), markets (None = all) and options."""

    sid: int
    channel: str
    label: str
    markets: dict[str, None] | None = None  # an ordered set
    use_yes_price: bool = False
    shard: tuple[int, int] | None = None
    seq: int = 0
    # a frame was withheld and no frame on this sid has shown its gap yet (another gap would merge)
    gap_unseen: bool = False
    # a gap was made on this book sid and no get_snapshot has been answered since (or one is
    # being answered now)
    snapshot_due: bool = False
    skip_ticker_ack: bool = False  # its ok answers leave out the market list
    own_rfqs_only: bool = False  # user_filter "self": RFQs the account created, not every user's
    last_delta: str | None = None  # the last order book delta sent on it (``backwards_seq`` resends it)

    def wants(self, event: Event) -> bool:
        """True when this subscription's market filter and shard let ``event`` through."""
        if self.markets is not None and event.market is not None and event.market not in self.markets:
            return False
        if self.own_rfqs_only and isinstance(event, RfqEvent) and event.creator_id != COMM_ID:
            return False
        rfq_id: str | None = getattr(event, "rfq_id", None)
        if self.shard is not None and rfq_id is not None:
            factor, key = self.shard
            return zlib.crc32(rfq_id.encode()) % factor == key
        return True


class Session:
    """The protocol state of one connection; see the module docstring."""

    def __init__(
        self,
        exchange: Exchange,
        *,
        legacy: bool | None = None,
        authenticated: bool = True,
        hooks: SessionHooks | None = None,
        market_limit: int = DEFAULT_MARKET_LIMIT,
        command_rate: int = DEFAULT_COMMAND_RATE,
        clock: Callable[[], float] = time.monotonic,
        command_log: list[dict[str, Any]] | None = None,
        yes_price_only: bool = False,
    ) -> None:
        self.exchange = exchange
        self.yes_price_only = yes_price_only  # use_yes_price as if always true
        self.legacy = exchange.legacy if legacy is None else legacy
        self.authenticated = authenticated
        self.hooks: SessionHooks = hooks or NoFaults()
        self.market_limit = market_limit
        self.command_rate = command_rate
        self.command_log = command_log if command_log is not None else []
        self.subscriptions: dict[int, Subscription] = {}
        self._by_channel: dict[str, Subscription] = {}
        self._next_sid = 1
        self._clock = clock
        self._window = (0.0, 0)  # (start, commands in this one-second window)
        self._channels = LEGACY_CHANNELS if self.legacy else CURRENT_CHANNELS
        self._commands: dict[str, Callable[[int | None, dict[str, Any]], list[str]]] = {
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "update_subscription": self._update,
            "list_subscriptions": self._list,
        }

    # -- frames ---------------------------------------------------------------------------------

    def _frame(self, kind: str, *, id_: int | None = None, sid: int | None = None,
               seq: int | None = None, payload: Any = None) -> str:
        parts = ['{"type":"', kind, '"']
        if id_:
            parts.append(f',"id":{id_}')
        if sid is not None:
            parts.append(f',"sid":{sid}')
        if seq is not None:
            parts.append(f',"seq":{seq}')
        if payload is not None:
            parts += [',"', self.hooks.payload_key(), '":', _encode(payload).decode()]
        parts.append("}")
        return "".join(parts)

    def _error(self, code: int, id_: int | None = None, sid: int | None = None) -> str:
        text = error_text(code)
        if self.hooks.take("hostile_text"):
            text = hostile.poisoned_text(text)
        return self._frame("error", id_=id_, sid=sid, payload={"code": code, "msg": text})

    def _ack(self, kind: str, sub: Subscription, id_: int | None, payload: Any = None) -> str:
        """``ok`` or ``unsubscribed`` on a sid: it consumes a seq today, carries none in legacy."""
        seq = None
        if not self.legacy:
            sub.seq += 1
            seq = sub.seq
            sub.gap_unseen = False
        return self._frame(kind, id_=id_, sid=sub.sid, seq=seq, payload=payload)

    def _data(self, sub: Subscription, kind: str, payload: Any, id_: int | None = None) -> list[str]:
        """The frame(s) of one data message: seq gaps, withheld and duplicate frames injected.

        Two gaps in a row on one sid would reach the client as one, so while a gap is unseen no
        other gap is made on that sid.
        """
        seq = None
        skipped = False
        if self.legacy or sub.channel not in UNSEQUENCED:
            if not sub.gap_unseen and self.hooks.take("skip_seq"):
                sub.seq += 1
                skipped = True
            sub.seq += 1
            seq = sub.seq
        withholding = WITHHOLDING_FAULTS.get(sub.channel)
        if (withholding is not None and not skipped and not sub.gap_unseen and kind != "orderbook_snapshot"
                and self.hooks.take(withholding)):
            if seq is not None:
                sub.gap_unseen = True
                self._gap(sub)
            return []
        sub.gap_unseen = False
        if skipped:
            self._gap(sub)
        if kind in hostile.POISONED_FIELDS and self.hooks.take("hostile_text"):
            payload = hostile.poisoned(kind, payload)
        if kind in hostile.BAD_TIMES and self.hooks.take("bad_time"):
            payload = hostile.with_bad_time(kind, payload)
        frame = self._frame(kind, id_=id_, sid=sub.sid, seq=seq, payload=payload)
        frames = [frame, frame] if seq is not None and self.hooks.take("duplicate") else [frame]
        if kind == "orderbook_delta":
            frames += self._after_delta(sub, frame, payload)
        elif kind == "ticker":
            frames += self._stray(p.ORDERBOOK_DELTA, kind, payload)
        return frames

    def _after_delta(self, sub: Subscription, frame: str, payload: Any) -> list[str]:
        """The hostile frames a book delta may bring: its copy on the ticker sid, the sid's
        previous delta again, its copy with a malformed seq."""
        frames = self._stray(p.TICKER, "orderbook_delta", payload)
        if sub.last_delta is not None and self.hooks.take("backwards_seq"):
            frames.append(sub.last_delta)
        sub.last_delta = frame
        if self.hooks.take("malformed_seq"):
            frames.append(frame.replace(f',"seq":{sub.seq},', ',"seq":"x",', 1))
        return frames

    def _stray(self, channel: str, kind: str, payload: Any) -> list[str]:
        """A ``kind`` frame, without seq, on this connection's ``channel`` sid (a book delta with
        a huge size), when the ``wrong_sid`` fault asks for one and there is such a sid."""
        other = self._by_channel.get(channel)
        if other is None or not self.hooks.take("wrong_sid"):
            return []
        if kind == "orderbook_delta":
            payload = hostile.enlarged(payload)
        return [self._frame(kind, sid=other.sid, payload=payload)]

    def _gap(self, sub: Subscription) -> None:
        """A gap made on ``sub``: on a book sid, one more ``resync_due`` unless one is unanswered."""
        if sub.channel == p.ORDERBOOK_DELTA and not sub.snapshot_due:
            sub.snapshot_due = True
            self.hooks.count("resync_due")

    def _snapshot(self, sub: Subscription, ticker: str, id_: int | None = None) -> list[str]:
        levels = self.exchange.snapshot_levels(ticker)
        if levels is None:  # unknown or expired
            return self._data(sub, "orderbook_snapshot", {"market_ticker": ticker, "market_id": ""}, id_)
        market_id, yes, no = levels
        body = wire.snapshot(ticker, market_id, yes, no, legacy=self.legacy, use_yes_price=sub.use_yes_price)
        return self._data(sub, "orderbook_snapshot", body, id_)

    def _snapshots(self, sub: Subscription, tickers: Iterable[str], id_: int | None = None) -> list[str]:
        return [frame for ticker in tickers for frame in self._snapshot(sub, ticker, id_)]

    # -- commands -------------------------------------------------------------------------------

    def handle(self, text: str | bytes) -> list[str]:
        """Answer one command frame."""
        try:
            command = _decode(text)
        except msgspec.DecodeError:
            return [self._error(1)]
        if not isinstance(command, dict):
            return [self._error(1)]
        self.command_log.append(command)
        cmd_id = command.get("id")
        if cmd_id is not None and (not isinstance(cmd_id, int) or isinstance(cmd_id, bool)):
            return [self._error(11)]
        if not self._within_rate():
            return [self._error(27, cmd_id)]
        injected = self.hooks.command_error()
        if injected is not None:
            return [self._error(injected, cmd_id)]
        name = command.get("cmd")
        handler = self._commands.get(name) if isinstance(name, str) else None
        try:
            if handler is None:
                raise CommandError(5)
            return handler(cmd_id, command)
        except CommandError as exc:
            return [self._error(exc.code, cmd_id)]

    def _within_rate(self) -> bool:
        now = self._clock()
        start, count = self._window
        if now - start >= 1.0:
            start, count = now, 0
        self._window = (start, count + 1)
        return count < self.command_rate

    @staticmethod
    def _params(command: dict[str, Any]) -> dict[str, Any]:
        params = command.get("params")
        if params is None:
            raise CommandError(2)
        if not isinstance(params, dict):
            raise CommandError(11)
        return params

    def _subscribe(self, cmd_id: int | None, command: dict[str, Any]) -> list[str]:
        params = self._params(command)
        labels = params.get("channels")
        if not labels:
            raise CommandError(3)
        if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
            raise CommandError(11)
        channels = {self._channel(label): label for label in labels}
        if not self.authenticated and any(channel in p.PRIVATE_CHANNELS for channel in channels):
            raise CommandError(9)
        markets = self._markets(params)
        options = {name: _flag(params, name) for name in SUBSCRIBE_FLAGS}
        options["own_rfqs_only"] = _user_filter(params) == "self"
        shard = _shard(params)
        if p.ORDERBOOK_DELTA in channels and not markets:
            raise CommandError(14)
        self._check_limit(sum(
            self._added(self._by_channel.get(channel), markets)
            for channel in channels if channel in p.MARKET_FILTERED_CHANNELS
        ))
        frames: list[str] = []
        for channel, label in channels.items():
            existing = self._by_channel.get(channel)
            if existing is None:
                frames += self._new_subscription(cmd_id, channel, label, markets, shard, options)
            elif self.legacy:
                frames.append(self._error(6, cmd_id))
            else:
                frames += self._merge(cmd_id, existing, markets)
        return frames

    def _channel(self, label: str) -> str:
        channel = LEGACY_ALIASES.get(label, label) if self.legacy else label
        if channel not in self._channels:
            raise CommandError(8)
        return channel

    def _new_subscription(
        self, cmd_id: int | None, channel: str, label: str, markets: list[str] | None,
        shard: tuple[int, int] | None, options: dict[str, bool],
    ) -> list[str]:
        filtered = channel in p.MARKET_FILTERED_CHANNELS and markets is not None
        sub = Subscription(
            self._next_sid, channel, label, dict.fromkeys(markets) if filtered and markets is not None else None,
            use_yes_price=options["use_yes_price"] or self.yes_price_only, shard=shard,
            skip_ticker_ack=options["skip_ticker_ack"], own_rfqs_only=options["own_rfqs_only"],
        )
        self._next_sid += 1
        self.subscriptions[sub.sid] = sub
        self._by_channel[channel] = sub
        frames = []
        frames.append(self._frame("subscribed", id_=cmd_id, payload={"channel": label, "sid": sub.sid}))
        if channel == p.ORDERBOOK_DELTA:
            frames += self._snapshots(sub, sub.markets or ())
        elif channel == p.TICKER and options["send_initial_snapshot"] and sub.markets is not None:
            # as production: the initial values only for markets named (all markets: REST's job)
            for ticker in sub.markets:
                event = self.exchange.ticker_event(ticker)
                if event is not None:
                    frames += self._data(sub, "ticker", wire.body(event, legacy=self.legacy))
        return frames

    def _merge(self, cmd_id: int | None, sub: Subscription, markets: list[str] | None) -> list[str]:
        """A repeated subscribe (today): add any new markets, answer ``ok``, snapshot only those."""
        if sub.channel in p.MARKET_FILTERED_CHANNELS and sub.markets is not None:
            if markets is not None:
                return self._add_markets(cmd_id, sub, markets)
            sub.markets = None
        return [self._ack("ok", sub, cmd_id, self._market_list(sub))]

    def _add_markets(self, cmd_id: int | None, sub: Subscription, markets: list[str]) -> list[str]:
        """Add markets to a filtered sid: ``ok`` with the whole list, then the new books' snapshots."""
        assert sub.markets is not None
        new = [ticker for ticker in markets if ticker not in sub.markets]
        sub.markets.update(dict.fromkeys(new))
        frames = [self._ack("ok", sub, cmd_id, self._market_list(sub))]
        if sub.channel == p.ORDERBOOK_DELTA:
            frames += self._snapshots(sub, new)
        return frames

    @staticmethod
    def _market_list(sub: Subscription) -> dict[str, list[str]] | None:
        if sub.markets is None or sub.skip_ticker_ack:
            return None
        return {"market_tickers": list(sub.markets)}

    def _unsubscribe(self, cmd_id: int | None, command: dict[str, Any]) -> list[str]:
        sids = self._params(command).get("sids")
        if not sids:
            raise CommandError(4)
        if not isinstance(sids, list) or not all(_is_int(sid) for sid in sids):
            raise CommandError(11)
        frames = []
        for sid in sids:
            sub = self.subscriptions.pop(sid, None)
            if sub is None:
                frames.append(self._error(7, cmd_id))
                continue
            del self._by_channel[sub.channel]
            frames.append(self._ack("unsubscribed", sub, cmd_id))
        return frames

    def _update(self, cmd_id: int | None, command: dict[str, Any]) -> list[str]:
        params = self._params(command)
        action = params.get("action")
        if action is None:
            raise CommandError(15)
        if not isinstance(action, str):
            raise CommandError(11)
        if action not in UPDATE_ACTIONS:
            raise CommandError(13)
        sub = self._one_subscription(params)
        markets = self._markets(params)
        if action == "get_snapshot":
            if self.legacy or sub.channel != p.ORDERBOOK_DELTA:  # the reference has no get_snapshot
                raise CommandError(13)
            tickers = markets if markets else list(sub.markets or ())
            if any(ticker not in (sub.markets or ()) for ticker in tickers):
                raise CommandError(11)
            # a gap among these snapshots needs no resync of its own: they are the resync
            sub.snapshot_due = True
            frames = self._snapshots(sub, tickers, cmd_id)
            sub.snapshot_due = False
            return frames
        if sub.channel not in p.MARKET_FILTERED_CHANNELS:
            raise CommandError(13)
        if not markets:
            raise CommandError(14)
        if sub.markets is None:  # already every market
            return [self._ack("ok", sub, cmd_id)]
        if action == "delete_markets":
            for ticker in markets:
                sub.markets.pop(ticker, None)
            return [self._ack("ok", sub, cmd_id, self._market_list(sub))]
        self._check_limit(self._added(sub, markets))
        return self._add_markets(cmd_id, sub, markets)

    def _one_subscription(self, params: dict[str, Any]) -> Subscription:
        if "sid" in params:
            sid = params["sid"]
        else:
            sids = params.get("sids")
            if not isinstance(sids, list) or len(sids) != 1:
                raise CommandError(12)
            sid = sids[0]
        if not _is_int(sid):
            raise CommandError(11)
        sub = self.subscriptions.get(sid)
        if sub is None:
            raise CommandError(7)
        return sub

    def _list(self, cmd_id: int | None, command: dict[str, Any]) -> list[str]:
        rows = [{"channel": sub.label, "sid": sub.sid} for sub in self.subscriptions.values()]
        return [self._frame("ok", id_=cmd_id, payload=rows)]

    # -- parameters -----------------------------------------------------------------------------

    def _markets(self, params: dict[str, Any]) -> list[str] | None:
        """Tickers named by ``market_ticker(s)`` / ``market_id(s)``; None when none is given."""
        tickers: list[str] = []
        ids: list[str] = []
        given = False
        for name, into in (("market_ticker", tickers), ("market_id", ids)):
            for key, many in ((name, False), (name + "s", True)):
                if key not in params:
                    continue
                given = True
                value = params[key]
                values = value if many else [value]
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise CommandError(11)
                into.extend(values)
        if not given:
            return None
        if ids:
            by_id = self.exchange.tickers_by_id()
            tickers += [by_id.get(market_id, market_id) for market_id in ids]
        if self.legacy and any(ticker not in self.exchange.markets for ticker in tickers):
            raise CommandError(16)
        return list(dict.fromkeys(tickers))

    def _added(self, sub: Subscription | None, markets: list[str] | None) -> int:
        if not markets or (sub is not None and sub.markets is None):
            return 0
        existing = sub.markets if sub is not None and sub.markets is not None else {}
        return sum(1 for ticker in markets if ticker not in existing)

    def _check_limit(self, added: int) -> None:
        total = sum(len(sub.markets) for sub in self.subscriptions.values() if sub.markets is not None)
        if added and total + added > self.market_limit:
            raise CommandError(26)

    # -- data -----------------------------------------------------------------------------------

    def publish(self, events: Iterable[Event]) -> list[str]:
        """The data frames this connection receives for ``events``."""
        frames: list[str] = []
        for event in events:
            sub = self._by_channel.get(wire.channel_of(event, self.legacy))
            if sub is None or not sub.wants(event):
                continue
            kind = wire.type_of(event, self.legacy)
            if kind is not None:
                body = wire.body(event, legacy=self.legacy, use_yes_price=sub.use_yes_price)
                frames += self._data(sub, kind, body)
        return frames

    def end_subscription(self, sid: int, code: int) -> list[str]:
        """Terminate a subscription with a channel error (10 or 25); [] for an unknown sid."""
        sub = self.subscriptions.pop(sid, None)
        if sub is None:
            return []
        del self._by_channel[sub.channel]
        return [self._error(code, sid=sid)]

    def end_all(self, code: int) -> list[str]:
        """Terminate every subscription with a channel error (a send buffer overflow: 25)."""
        return [frame for sid in list(self.subscriptions) for frame in self.end_subscription(sid, code)]


def subscriber_frames(
    exchange: Exchange, channels: list[str], market_tickers: list[str] | None = None, steps: int = 0,
    **params: Any,
) -> list[str]:
    """Every frame one subscriber to ``channels`` receives: the acks and snapshots, then the data
    of ``steps`` engine steps (today's form, or the reference's when the exchange is ``legacy``).
    """
    session = Session(exchange)
    frames = session.handle(_encode(p.subscribe(1, channels, market_tickers, **params)))
    for _ in range(steps):
        frames += session.publish(exchange.step())
    return frames


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _flag(params: dict[str, Any], name: str) -> bool:
    value = params.get(name, False)
    if not isinstance(value, bool):
        raise CommandError(11)
    return value


def _user_filter(params: dict[str, Any]) -> str:
    """The communications ``user_filter``: ``""`` (every user's RFQs) or ``"self"``; else error 11."""
    value = params.get("user_filter", "")
    if value not in ("", "self"):
        raise CommandError(11)
    return value


def _shard(params: dict[str, Any]) -> tuple[int, int] | None:
    """``(shard_factor, shard_key)`` from the params, checked as production does (19-22)."""
    factor, key = params.get("shard_factor"), params.get("shard_key")
    if factor is None:
        if key is not None:
            raise CommandError(20)
        return None
    if not _is_int(factor) or (key is not None and not _is_int(key)):
        raise CommandError(11)
    if factor <= 0:
        raise CommandError(19)
    if factor > MAX_SHARD_FACTOR:
        raise CommandError(22)
    key = 0 if key is None else key
    if not 0 <= key < factor:
        raise CommandError(21)
    return factor, key
