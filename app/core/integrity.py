"""Can I trust what I see? The numbers of the feed-integrity screen, from the feed's counters.

Per subscription: sid, channel, markets, last seq, gaps, resyncs, messages per second (from two
looks at its message count), the age of its last message, and how many coalesced notifications
the screen received for the kind of data it carries. Per market with an order book: whether the
book is live, awaiting a snapshot, resyncing or stale, when it last started a resync and how
often. Pure data: no I/O, no Textual; times are passed in (monotonic seconds, as the feed's).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from app.core import protocol as p
from app.core.state import BookStatus, Kind, MarketState

# The kind of state each channel's messages change (the notifications that announce them).
CHANNEL_KIND: dict[str, Kind] = {
    p.TICKER: Kind.TICKER,
    p.TRADE: Kind.TRADE,
    p.ORDERBOOK_DELTA: Kind.BOOK,
    p.FILL: Kind.FILL,
    p.MARKET_POSITIONS: Kind.POSITION,
    p.MARKET_LIFECYCLE_V2: Kind.LIFECYCLE,
    p.MULTIVARIATE_MARKET_LIFECYCLE: Kind.LIFECYCLE,
    p.COMMUNICATIONS: Kind.RFQ,
    p.USER_ORDERS: Kind.ORDER,
    p.ORDER_GROUP_UPDATES: Kind.ORDER,
}


class SubscriptionCounters(Protocol):
    """What the report (and the subscriptions table) need of a live subscription
    (``app.feed.feed.LiveSubscription`` fits)."""

    sid: int
    channel: str
    markets: set[str] | None
    last_seq: int
    messages: int
    gaps: int
    resyncs: int
    resyncing: bool
    last_data: float | None


class NotificationCounts:
    """How many coalesced state notifications arrived, per kind."""

    def __init__(self) -> None:
        self.counts: Counter[Kind] = Counter()

    def count(self, kinds: Kind) -> None:
        """One notification announcing ``kinds``."""
        for kind in Kind:
            if kind and kinds & kind:
                self.counts[kind] += 1

    def of(self, kind: Kind) -> int:
        """Notifications that announced ``kind``."""
        return self.counts[kind]


class RateMeter:
    """Rates of growing counters, from one look to the next (``None`` until two looks)."""

    def __init__(self) -> None:
        self._seen: dict[object, tuple[float, int, float | None]] = {}

    def rate(self, key: object, count: int, now: float) -> float | None:
        """Per-second growth of ``key``'s ``count`` since the previous look (the same answer
        again when no time has passed)."""
        before = self._seen.get(key)
        if before is None:
            self._seen[key] = (now, count, None)
            return None
        then, count_then, rate_then = before
        if now <= then:
            return rate_then
        rate = max(0, count - count_then) / (now - then)
        self._seen[key] = (now, count, rate)
        return rate


@dataclass(frozen=True, slots=True)
class SubscriptionHealth:
    """One subscription's row of the integrity screen."""

    sid: int
    channel: str
    markets: frozenset[str] | None
    last_seq: int
    gaps: int
    resyncs: int
    resyncing: bool
    messages: int
    per_second: float | None
    data_age: float | None
    notifications: int


@dataclass(frozen=True, slots=True)
class MarketHealth:
    """One order book's row: its status and its resyncs."""

    ticker: str
    status: BookStatus | None
    resyncs: int
    since_resync: float | None


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """Everything the integrity screen shows at one moment."""

    subscriptions: tuple[SubscriptionHealth, ...]
    markets: tuple[MarketHealth, ...]
    anomalies: Mapping[str, int] = field(default_factory=dict)  # impossible frames by kind (resynced)
    account: str = ""  # when the account was last reconciled with the exchange (REST)
    account_failed: bool = False  # the last reconciliation failed (``account`` says why)
    partly_read: int = 0  # messages shown with a field or word that could not be read
    invalid_times: tuple[tuple[str, int], ...] = ()
    """Times outside 1970 .. 9999 the exchange sent, per what carried them (``MarketState``)."""
    invalid_numbers: tuple[tuple[str, int], ...] = ()
    """Messages with a number too large to be real, per what they were (``MarketState``)."""

    @property
    def invalid_time_count(self) -> int:
        """How many invalid times the exchange sent."""
        return sum(count for _what, count in self.invalid_times)

    @property
    def invalid_number_count(self) -> int:
        """How many messages carried a number shown as invalid."""
        return sum(count for _what, count in self.invalid_numbers)

    @property
    def books_not_live(self) -> int:
        """Books that are not live (awaiting a snapshot, resyncing or stale)."""
        return sum(1 for market in self.markets if market.status is not BookStatus.LIVE)

    @property
    def gaps(self) -> int:
        """Seq gaps seen on the live subscriptions."""
        return sum(sub.gaps for sub in self.subscriptions)


def subscription_health(
    subs: Iterable[SubscriptionCounters], meter: RateMeter, notifications: NotificationCounts, now: float
) -> list[SubscriptionHealth]:
    """The subscriptions' rows, by sid."""
    rows = []
    for sub in sorted(subs, key=lambda s: s.sid):
        kind = CHANNEL_KIND.get(sub.channel, Kind.NONE)
        rows.append(SubscriptionHealth(
            sid=sub.sid,
            channel=sub.channel,
            markets=frozenset(sub.markets) if sub.markets is not None else None,
            last_seq=sub.last_seq,
            gaps=sub.gaps,
            resyncs=sub.resyncs,
            resyncing=sub.resyncing,
            messages=sub.messages,
            per_second=meter.rate(sub.sid, sub.messages, now),
            data_age=None if sub.last_data is None else max(0.0, now - sub.last_data),
            notifications=notifications.of(kind) if kind else 0,
        ))
    return rows


def market_health(
    state: MarketState, resynced_at: Mapping[str, float], resyncs: Mapping[str, int], now: float
) -> list[MarketHealth]:
    """The order books' rows: those that are not live first, then by ticker."""
    rows = [
        MarketHealth(ticker, status, resyncs.get(ticker, 0),
                     None if ticker not in resynced_at else max(0.0, now - resynced_at[ticker]))
        for ticker, status in state.book_status.items()
    ]
    rows.sort(key=lambda row: (row.status is BookStatus.LIVE, row.ticker))
    return rows
