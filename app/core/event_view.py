"""One event's markets side by side: the numbers behind the event view (``e`` on the grid).

An event's markets are its strikes (``KXHIGHNY-25NOV27-B49``, ``-B51``, ...). The REST catalog
lists every strike of an event, with its sub-title and strike value; otherwise membership comes
from the lifecycle channel's ``event_ticker`` when known, else from the ticker itself
(``SERIES-EVENT-STRIKE``: the event is the ticker up to its last ``-``), and is only what has been
seen so far. For mutually exclusive strikes (the catalog's ``mutually_exclusive``, or the
collateral return type ``MECNET``) the yes prices are probabilities that should add up to one
dollar: the sum of the yes asks is what buying every yes costs (above $1 the book's over-round;
below $1 an arbitrage: one of them pays $1), and the sum of the yes bids is what selling every yes
brings (above $1 an arbitrage: at most one of them is owed). Before fees. The sums say nothing
until exclusivity is known and every strike of the event is present: the summary then says which
of the two is missing. Pure data: no I/O, no Textual.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from fractions import Fraction

from app.core.fixed import ONE_DOLLAR
from app.core.market_status import is_finished, result_of
from app.core.state import MarketState

# A strike number: ASCII digits (`\d` also matches "٣"), at most 30 of them on each side of the
# point (a longer one, from a hostile ticker, is not a strike: reading it could exceed int limits).
_NUMBERED = re.compile(r"^([A-Z]*)(-?[0-9]{1,30}(?:\.[0-9]{1,30})?)$")
# Letters of a strike counted below zero: a Fed decision's cut (``C25``, 25 bp) lies below its hold
# (``H0``) and hikes (``H25``).
BELOW_ZERO = frozenset({"C"})
EXCLUSIVE_TYPES = {"MECNET": True, "DIRECNET": False}


def event_of(state: MarketState, ticker: str) -> str:
    """The event of market ``ticker``: from lifecycle metadata, else the ticker up to its last ``-``."""
    info = state.markets.get(ticker)
    if info is not None and info.event_ticker:
        return info.event_ticker
    head, dash, _strike = ticker.rpartition("-")
    return head if dash else ticker


def strike_label(event_ticker: str, ticker: str) -> str:
    """What tells ``ticker`` apart within its event (``B51`` of ``KXHIGHNY-25NOV27-B51``)."""
    prefix = f"{event_ticker}-"
    return ticker[len(prefix):] if ticker.startswith(prefix) and len(ticker) > len(prefix) else ticker


def order_strikes(labels: list[str]) -> list[str]:
    """Strikes by strike value: those that read ``LETTERS NUMBER`` (``B49``, ``T51.5``, ``T48``)
    by their number whatever their letters (negative for :data:`BELOW_ZERO`; then by label), the
    others after them in the order given (the order the markets were first seen)."""
    def key(label: str) -> tuple[int, Fraction, str]:
        match = _NUMBERED.match(label)
        if match is None:
            return (1, Fraction(0), "")
        letters, number = match.groups()
        return (0, -Fraction(number) if letters in BELOW_ZERO else Fraction(number), label)

    return sorted(labels, key=key)


class Verdict(enum.Enum):
    """What the sums across the strikes say."""

    BUY_ARBITRAGE = "buy arbitrage"  # every yes bought for less than $1
    SELL_ARBITRAGE = "sell arbitrage"  # yes sold for more than $1 in all
    OVER_ROUND = "over-round"  # every yes costs more than $1: the usual case
    FAIR = "fair"  # every yes costs exactly $1
    INCOMPLETE = "incomplete"  # some strike has no ask: buying every yes is not possible
    SETTLED = "settled"  # no strike trades any more: no sums, only the result
    NOT_EXCLUSIVE = "not exclusive"  # the strikes can all resolve yes: sums mean nothing
    EXCLUSIVITY_UNKNOWN = "exclusivity unknown"  # whether they can is not known yet
    STRIKES_UNKNOWN = "strikes unknown"  # the event's full list of strikes is not known


@dataclass(frozen=True, slots=True)
class StrikeRow:
    """One market of the event: its prices (exact units), volume, lifecycle status and result.

    A market that no longer trades (closed, determined, settled) has no bid or ask: its last
    quotes are history.
    """

    ticker: str
    label: str
    yes_bid: int | None
    yes_ask: int | None
    last: int | None
    volume: int | None
    status: str | None
    result: str | None = None  # YES, NO, or what a scalar market paid (see app.core.market_status)
    settlement: int | None = None  # what a yes contract paid, in price units, once determined

    @property
    def finished(self) -> bool:
        """True once the market no longer trades."""
        return is_finished(self.status)

    @property
    def implied(self) -> Fraction | None:
        """The yes probability the market implies, in price units: what a yes paid once
        determined; the mid of bid and ask; else the last price moved within whichever of the
        bid and ask is known (never outside them)."""
        if self.settlement is not None:
            return Fraction(self.settlement)
        bid, ask = self.yes_bid, self.yes_ask
        if bid is not None and ask is not None:
            return Fraction(bid + ask, 2)
        if self.last is None:
            return None
        last = self.last if bid is None else max(self.last, bid)
        return Fraction(last if ask is None else min(last, ask))


@dataclass(frozen=True, slots=True)
class EventSummary:
    """An event's strikes in order, and the sums of their yes asks and yes bids."""

    event_ticker: str
    title: str | None
    exclusive: bool | None  # from the catalog or the collateral return type; None while not known
    rows: tuple[StrikeRow, ...]
    strikes_known: bool = False  # True when the catalog lists the event: every strike is a row

    @property
    def ask_sum(self) -> int:
        """The sum of the yes asks known."""
        return sum(row.yes_ask for row in self.rows if row.yes_ask is not None)

    @property
    def asks_missing(self) -> int:
        """How many strikes have no yes ask."""
        return sum(1 for row in self.rows if row.yes_ask is None)

    @property
    def bid_sum(self) -> int:
        """The sum of the yes bids known."""
        return sum(row.yes_bid for row in self.rows if row.yes_bid is not None)

    @property
    def bids_missing(self) -> int:
        """How many strikes have no yes bid."""
        return sum(1 for row in self.rows if row.yes_bid is None)

    @property
    def over_round(self) -> int | None:
        """The sum of the yes asks minus $1 (None unless every strike has an ask)."""
        return None if self.asks_missing or not self.rows else self.ask_sum - ONE_DOLLAR

    @property
    def finished(self) -> bool:
        """True when no strike of the event trades any more."""
        return bool(self.rows) and all(row.finished for row in self.rows)

    @property
    def winners(self) -> list[str]:
        """The labels of the strikes that resolved yes."""
        return [row.label for row in self.rows if row.result == "YES"]

    def verdicts(self) -> list[Verdict]:
        """What the sums say: arbitrage (either side), over-round, fair, incomplete, settled (no
        strike trades), or nothing."""
        if not self.rows:
            return []
        if self.finished:
            return [Verdict.SETTLED]
        if self.exclusive is False:
            return [Verdict.NOT_EXCLUSIVE]
        if self.exclusive is None:
            return [Verdict.EXCLUSIVITY_UNKNOWN]
        if not self.strikes_known:
            return [Verdict.STRIKES_UNKNOWN]
        found = []
        over = self.over_round
        if over is None:
            found.append(Verdict.INCOMPLETE)
        elif over < 0:
            found.append(Verdict.BUY_ARBITRAGE)
        elif over > 0:
            found.append(Verdict.OVER_ROUND)
        else:
            found.append(Verdict.FAIR)
        if self.bid_sum > ONE_DOLLAR:  # selling any set of exclusive yes owes at most $1
            found.append(Verdict.SELL_ARBITRAGE)
        return found

    @property
    def arbitrage(self) -> bool:
        """True when the sums show an arbitrage on either side (before fees)."""
        return bool({Verdict.BUY_ARBITRAGE, Verdict.SELL_ARBITRAGE} & set(self.verdicts()))


def event_members(state: MarketState, event_ticker: str) -> list[str]:
    """Every market of ``event_ticker`` (the catalog's, and any other seen), in strike order:
    by strike value when every one has one, else by the ticker's strike suffix."""
    listed = state.catalog.event(event_ticker)
    members = list(listed.markets) if listed is not None else []
    known = set(members)
    members += [t for t in state.market_tickers() if t not in known and event_of(state, t) == event_ticker]
    values = [record.strike_value if (record := state.catalog.markets.get(t)) else None for t in members]
    if members and all(value is not None for value in values):
        return [t for _, t in sorted(zip(values, members), key=lambda pair: pair[0])]  # type: ignore[arg-type, return-value]
    labels = {strike_label(event_ticker, t): t for t in members}
    return [labels[label] for label in order_strikes(list(labels))]


def summarize(state: MarketState, event_ticker: str, members: list[str] | None = None) -> EventSummary:
    """The summary of ``event_ticker`` from the state now (``members``: its markets, if known)."""
    rows = []
    for ticker in members if members is not None else event_members(state, event_ticker):
        msg = state.tickers.get(ticker)
        info = state.markets.get(ticker)
        stats = state.trade_stats.get(ticker)
        last = msg.price if msg is not None and msg.price is not None else (stats.last_price if stats else None)
        status = info.status if info else None
        quoted = msg is not None and not is_finished(status)
        rows.append(StrikeRow(
            ticker=ticker,
            label=(info.subtitle if info is not None and info.subtitle else strike_label(event_ticker, ticker)),
            yes_bid=msg.yes_bid if msg is not None and quoted else None,
            yes_ask=msg.yes_ask if msg is not None and quoted else None,
            last=last,
            volume=msg.volume if msg else None,
            status=status,
            result=result_of(info),
            settlement=_settlement(info.result, info.settlement_value) if info else None,
        ))
    event = state.events.get(event_ticker)
    listed = state.catalog.event(event_ticker)
    exclusive = EXCLUSIVE_TYPES.get(event.collateral_return_type or "") if event is not None else None
    if listed is not None and listed.mutually_exclusive is not None:
        exclusive = listed.mutually_exclusive
    title = event_title(state, event_ticker)
    strikes_known = listed is not None and set(listed.markets) <= {row.ticker for row in rows}
    return EventSummary(event_ticker, title, exclusive, tuple(rows), strikes_known)


def event_title(state: MarketState, event_ticker: str) -> str | None:
    """The event's title: the catalog's, else the one its lifecycle message gave."""
    listed = state.catalog.event(event_ticker)
    event = state.events.get(event_ticker)
    return (listed.title if listed is not None else None) or (event.title if event is not None else None)


def _settlement(result: str | None, value: int | None) -> int | None:
    """What a yes contract paid, in price units: the settlement value, else $1 or nothing by the
    result; None before the market is determined."""
    if value is not None and 0 <= value <= ONE_DOLLAR:
        return value
    return {"yes": ONE_DOLLAR, "no": 0}.get(result or "")
