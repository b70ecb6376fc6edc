"""Alert rules on market data, evaluated against :class:`app.core.state.MarketState`, rate-limited.

A :class:`Rule` watches one thing: a market's last price crossing a level, its spread narrower
than a width, a print of at least so many contracts (one market or any), a lifecycle event (one
market or any; one event type or any), or any fill of the user's orders. Rules come from the
config file (:func:`rule_from_table`) or the alert dialog (:func:`parse_rule`).

:class:`AlertCenter` evaluates the rules whenever the feed announces changes (at most once per kind
per frame): it reads the trades, fills and lifecycle messages that arrived since its last look
(each in order, so a print that crossed a level and came back between two frames still counts)
and the current ticker of each watched market (the last price from the prints when the market has
any: they give every last price in order, the ticker only the newest). Spread alerts fire when the spread becomes
narrower than the width and re-arm when it widens again. Every alert goes into a bounded log; only
some are notified: a rule at most once per ``cooldown`` seconds, and at most ``burst`` alerts in
any ``window`` seconds overall. Pure data: no I/O, no Textual; the time is passed in.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from app.core import protocol as p
from app.core.fixed import COUNT_PLACES, ONE_DOLLAR, format_count, format_price_cents, parse_decimal
from app.core.sides import NO, YES, side_price
from app.core.state import Kind, MarketState

DEFAULT_COOLDOWN = 10.0
DEFAULT_BURST = 5
DEFAULT_WINDOW = 10.0
DEFAULT_LOG = 500
LIFECYCLE_EVENTS = ("created", "activated", "deactivated", "close_date_updated", "determined", "settled")
ANY = "any"

T = TypeVar("T")


class RuleError(ValueError):
    """A rule that cannot be used, and why (one line)."""


class RuleKind(enum.Enum):
    """What a rule watches; the value is its key in the config file."""

    LAST_CROSSES = "last_crosses"
    SPREAD_BELOW = "spread_below"
    PRINT_AT_LEAST = "print_at_least"
    LIFECYCLE = "lifecycle"
    FILL = "fill"

    @property
    def label(self) -> str:
        """How the dialog names it."""
        return _LABELS[self]

    @property
    def needs_market(self) -> bool:
        """True for the kinds that watch one market's quotes."""
        return self in (RuleKind.LAST_CROSSES, RuleKind.SPREAD_BELOW)


_LABELS = {
    RuleKind.LAST_CROSSES: "last price crosses (¢)",
    RuleKind.SPREAD_BELOW: "spread narrower than (¢)",
    RuleKind.PRINT_AT_LEAST: "print of at least (contracts)",
    RuleKind.LIFECYCLE: "lifecycle event (type or any)",
    RuleKind.FILL: "any fill",
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One alert rule. ``level``: price units (last, spread) or count units (print)."""

    kind: RuleKind
    market: str | None = None
    level: int | None = None
    event_type: str | None = None  # lifecycle: one event type, None for any

    def describe(self) -> str:
        """The rule in words: ``KXA-1-B51 last crosses 45¢``."""
        where = self.market or "any market"
        if self.kind is RuleKind.LAST_CROSSES:
            return f"{where} last crosses {_cents(self.level)}"
        if self.kind is RuleKind.SPREAD_BELOW:
            return f"{where} spread narrower than {_cents(self.level)}"
        if self.kind is RuleKind.PRINT_AT_LEAST:
            return f"{where}: a print of at least {format_count(self.level or 0)} contracts"
        if self.kind is RuleKind.LIFECYCLE:
            return f"{where}: {self.event_type or 'any'} lifecycle event"
        return f"{where}: any fill"


def _cents(price: int | None) -> str:
    return "—" if price is None else f"{format_price_cents(price)}¢"


def _print_side(trade: p.Trade) -> str:
    """Who took and at what price of the side named: ``: taker bought NO at 60¢`` (the no price),
    or ``at YES 40¢`` when the taker's side is not known."""
    side = trade.taker_side
    if side not in (YES, NO):
        return f" at YES {_cents(trade.yes_price)}"
    return f": taker bought {side.upper()} at {_cents(side_price(side, trade.yes_price))}"


# -- building rules ----------------------------------------------------------------------------


def parse_rule(kind: RuleKind, market: str, value: str) -> Rule:
    """A rule from the dialog's fields (raises :class:`RuleError` saying what is wrong).

    ``market`` may be empty (any market) except for last-price and spread rules; ``value`` is a
    price in cents (``45``, ``41.5``), a number of contracts, or a lifecycle event type (or any).
    """
    ticker = market.strip().upper() or None
    if kind.needs_market and ticker is None:
        raise RuleError(f"{kind.label}: name the market")
    text = value.strip().removesuffix("¢").strip()
    if kind is RuleKind.LAST_CROSSES:
        return Rule(kind, ticker, _price(text, allow_zero=True))
    if kind is RuleKind.SPREAD_BELOW:
        return Rule(kind, ticker, _price(text, allow_zero=False))
    if kind is RuleKind.PRINT_AT_LEAST:
        return Rule(kind, ticker, _contracts(text))
    if kind is RuleKind.LIFECYCLE:
        event = text.lower() or ANY
        if event != ANY and event not in LIFECYCLE_EVENTS:
            raise RuleError(f"unknown lifecycle event {text!r}: one of {', '.join(LIFECYCLE_EVENTS)} or any")
        return Rule(kind, ticker, event_type=None if event == ANY else event)
    return Rule(kind, ticker)


def _price(text: str, allow_zero: bool) -> int:
    try:
        price = parse_decimal(text, 2)  # cents with up to two decimals: price units
    except ValueError:
        raise RuleError(f"{text!r} is not a price in cents (like 45 or 41.5)") from None
    if not (0 <= price <= ONE_DOLLAR) or (price == 0 and not allow_zero):
        raise RuleError(f"{text}¢ is outside {'0' if allow_zero else '0.01'}..100¢")
    return price


def _contracts(text: str) -> int:
    try:
        count = parse_decimal(text, COUNT_PLACES)
    except ValueError:
        raise RuleError(f"{text!r} is not a number of contracts") from None
    if count <= 0:
        raise RuleError("the number of contracts must be more than 0")
    return count


RULE_KEYS = frozenset({"market", *(kind.value for kind in RuleKind)})


def rule_from_table(table: dict[str, Any]) -> Rule:
    """A rule from a ``[[alerts.rules]]`` table of the config file (raises :class:`RuleError`).

    One key names the kind and holds its value (``last_crosses = 45``, ``spread_below = 2``,
    ``print_at_least = 500``, ``lifecycle = "settled"``, ``fill = true``); ``market`` is optional
    except for the first two.
    """
    unknown = set(table) - RULE_KEYS
    if unknown:
        raise RuleError(f"unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(RULE_KEYS))}")
    kinds = [kind for kind in RuleKind if kind.value in table]
    if len(kinds) != 1:
        raise RuleError(f"a rule needs exactly one of {', '.join(kind.value for kind in RuleKind)}")
    (kind,) = kinds
    value = table[kind.value]
    market = table.get("market", "")
    if not isinstance(market, str):
        raise RuleError("market must be a ticker string")
    if kind is RuleKind.FILL:
        if value is not True:
            raise RuleError("fill takes true")
        return Rule(kind, market.strip().upper() or None)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RuleError(f"{kind.value} takes a {'word' if kind is RuleKind.LIFECYCLE else 'number'}")
    return parse_rule(kind, market, str(value))


# -- alerts ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FiredAlert:
    """One time a rule fired: when, which rule, on which market, what happened, and whether it
    was notified (False when the rate limit held it back; it is listed all the same)."""

    number: int
    at: float
    rule_id: int
    market: str | None
    text: str
    notified: bool = True


class _Cursor(Generic[T]):
    """Reads a bounded ``deque`` from where it left off (by identity of the newest item seen)."""

    def __init__(self, items: deque[T]) -> None:
        self.items = items
        self.newest: T | None = items[-1] if items else None

    def fresh(self) -> list[T]:
        """Items appended since the last call, oldest first (all of them if the mark was dropped)."""
        out: list[T] = []
        for item in reversed(self.items):
            if item is self.newest:
                break
            out.append(item)
        if out:
            self.newest = out[0]
        out.reverse()
        return out

    def skip(self) -> None:
        """Take everything there is as seen, without reading it."""
        if self.items:
            self.newest = self.items[-1]


@dataclass
class RateLimit:
    """At most one notification per rule per ``cooldown`` s, and ``burst`` per ``window`` s overall."""

    cooldown: float = DEFAULT_COOLDOWN
    burst: int = DEFAULT_BURST
    window: float = DEFAULT_WINDOW
    _next: dict[int, float] = field(default_factory=dict)
    _recent: deque[float] = field(default_factory=deque)

    def allow(self, rule_id: int, now: float) -> bool:
        """Whether an alert of ``rule_id`` may be notified at ``now`` (and count it if so)."""
        while self._recent and self._recent[0] <= now - self.window:
            self._recent.popleft()
        if now < self._next.get(rule_id, float("-inf")) or len(self._recent) >= self.burst:
            return False
        self._next[rule_id] = now + self.cooldown
        self._recent.append(now)
        return True


class AlertCenter:
    """The rules, their evaluation against the state, the rate limit, and the log of alerts."""

    def __init__(
        self,
        state: MarketState,
        rules: Iterable[Rule] = (),
        *,
        bell: bool = False,
        limit: RateLimit | None = None,
        log_capacity: int = DEFAULT_LOG,
    ) -> None:
        self.state = state
        self.bell = bell
        self.limit = limit or RateLimit()
        self.rules: dict[int, Rule] = {}
        self.log: deque[FiredAlert] = deque(maxlen=log_capacity)
        self.fired = 0
        self.suppressed = 0
        self.fired_by_rule: dict[int, int] = {}
        self.last_fired: dict[int, float] = {}
        self._ids = 0
        self._trades = _Cursor(state.trades)
        self._fills = _Cursor(state.fills)
        self._lifecycle = _Cursor(state.lifecycle_log)
        self._last: dict[int, int | None] = {}  # last-price rules: the last price seen
        self._narrow: dict[int, bool] = {}  # spread rules: narrower now
        for rule in rules:
            self.add(rule)

    # -- rules ----------------------------------------------------------------------------------

    def add(self, rule: Rule) -> int:
        """Start watching ``rule``; its id."""
        self._ids += 1
        self.rules[self._ids] = rule
        if rule.kind is RuleKind.LAST_CROSSES and rule.market is not None:
            self._last[self._ids] = self._current_last(rule.market)
        if rule.kind is RuleKind.SPREAD_BELOW:
            self._narrow[self._ids] = False  # already narrow: said at the next look
        return self._ids

    def remove(self, rule_id: int) -> None:
        """Stop watching rule ``rule_id``."""
        self.rules.pop(rule_id, None)
        self._last.pop(rule_id, None)
        self._narrow.pop(rule_id, None)

    def _current_last(self, market: str) -> int | None:
        ticker = self.state.tickers.get(market)
        if ticker is not None and ticker.price is not None:
            return ticker.price
        stats = self.state.trade_stats.get(market)
        return stats.last_price if stats else None

    def _of(self, kind: RuleKind) -> list[tuple[int, Rule]]:
        return [(rule_id, rule) for rule_id, rule in self.rules.items() if rule.kind is kind]

    # -- evaluation -----------------------------------------------------------------------------

    def evaluate(self, kinds: Kind, now: float) -> list[FiredAlert]:
        """Look at what ``kinds`` changed; the alerts that fired, each marked notified or not."""
        hits: list[tuple[int, str | None, str]] = []
        if not self.rules:  # nothing to look for: what arrived is seen, at no cost
            for cursor in (self._trades, self._fills, self._lifecycle):
                cursor.skip()
            return []
        if kinds & Kind.TRADE:
            self._on_trades(self._trades.fresh(), hits)
        if kinds & Kind.TICKER:
            self._on_tickers(hits)
        if kinds & Kind.FILL:
            self._on_fills(self._fills.fresh(), hits)
        if kinds & Kind.LIFECYCLE:
            self._on_lifecycle(self._lifecycle.fresh(), hits)
        return [self._fire(rule_id, market, text, now) for rule_id, market, text in hits]

    def _fire(self, rule_id: int, market: str | None, text: str, now: float) -> FiredAlert:
        self.fired += 1
        self.fired_by_rule[rule_id] = self.fired_by_rule.get(rule_id, 0) + 1
        self.last_fired[rule_id] = now
        notified = self.limit.allow(rule_id, now)
        if not notified:
            self.suppressed += 1
        alert = FiredAlert(self.fired, now, rule_id, market, text, notified)
        self.log.append(alert)
        return alert

    def _on_trades(self, trades: list[p.Trade], hits: list[tuple[int, str | None, str]]) -> None:
        prints = self._of(RuleKind.PRINT_AT_LEAST)
        crosses = self._of(RuleKind.LAST_CROSSES)
        if not prints and not crosses:
            return
        for trade in trades:
            market = trade.market_ticker
            for rule_id, rule in prints:
                if (rule.market is None or rule.market == market) and trade.count >= (rule.level or 0):
                    hits.append((rule_id, market, f"{market}: print of {format_count(trade.count)}"
                                                  f"{_print_side(trade)}"))
            for rule_id, rule in crosses:
                if rule.market == market:
                    self._observe_last(rule_id, rule, trade.yes_price, hits)

    def _on_tickers(self, hits: list[tuple[int, str | None, str]]) -> None:
        for rule_id, rule in self._of(RuleKind.LAST_CROSSES):
            if rule.market in self.state.trade_stats:
                continue  # its prints say every last price in order; the ticker only the newest
            ticker = self.state.tickers.get(rule.market or "")
            if ticker is not None and ticker.price is not None:
                self._observe_last(rule_id, rule, ticker.price, hits)
        for rule_id, rule in self._of(RuleKind.SPREAD_BELOW):
            ticker = self.state.tickers.get(rule.market or "")
            if ticker is None:
                continue
            spread = None if ticker.yes_bid is None or ticker.yes_ask is None else ticker.yes_ask - ticker.yes_bid
            narrow = spread is not None and spread < (rule.level or 0)
            if narrow and not self._narrow.get(rule_id, False):
                hits.append((rule_id, rule.market, f"{rule.market}: spread {_cents(spread)} "
                                                   f"({_cents(ticker.yes_bid)} / {_cents(ticker.yes_ask)}), "
                                                   f"narrower than {_cents(rule.level)}"))
            self._narrow[rule_id] = narrow

    def _observe_last(self, rule_id: int, rule: Rule, price: int, hits: list[tuple[int, str | None, str]]) -> None:
        before = self._last.get(rule_id)
        self._last[rule_id] = price
        level = rule.level or 0
        if before is None:
            return
        if before < level <= price:
            hits.append((rule_id, rule.market, f"{rule.market}: last ▲ {_cents(price)} crossed "
                                               f"{_cents(level)} (from {_cents(before)})"))
        elif before > level >= price:
            hits.append((rule_id, rule.market, f"{rule.market}: last ▼ {_cents(price)} crossed "
                                               f"{_cents(level)} (from {_cents(before)})"))

    def _on_fills(self, fills: list[p.Fill], hits: list[tuple[int, str | None, str]]) -> None:
        rules = self._of(RuleKind.FILL)
        for fill in fills:
            for rule_id, rule in rules:
                if rule.market is None or rule.market == fill.market_ticker:
                    what = " ".join(x for x in (fill.action, fill.side) if x)
                    price = fill.yes_price
                    if price is not None and fill.side == "no":
                        price = ONE_DOLLAR - price
                    size = "?" if fill.count is None else format_count(fill.count)
                    at = "an unknown price" if price is None else _cents(price)
                    hits.append((rule_id, fill.market_ticker,
                                 f"{fill.market_ticker}: filled {what + ' ' if what else ''}{size} at {at}"))

    def _on_lifecycle(self, messages: list[p.Message], hits: list[tuple[int, str | None, str]]) -> None:
        rules = self._of(RuleKind.LIFECYCLE)
        if not rules:
            return
        for message in messages:
            if not isinstance(message, p.MarketLifecycle):
                continue
            market = message.market_ticker
            for rule_id, rule in rules:
                if (rule.market is None or rule.market == market) and rule.event_type in (None, message.event_type):
                    result = f" (result {message.result})" if message.result else ""
                    hits.append((rule_id, market, f"{market}: {message.event_type}{result}"))

    def rule_text(self, rule_id: int) -> str:
        """Rule ``rule_id`` in words (``removed rule`` once it is gone)."""
        rule = self.rules.get(rule_id)
        return rule.describe() if rule is not None else "removed rule"

