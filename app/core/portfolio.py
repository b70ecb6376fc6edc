"""The account as the REST API reports it: what one load returned, and what the state keeps of it.

The socket's ``fill``, ``user_orders`` and ``market_positions`` channels send changes only: what
was held before the dashboard connected, and what happened while it was disconnected, comes from
REST (merged by :mod:`app.core.portfolio_state`). Pure data: no I/O, no Textual.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from app.core import protocol as p


@dataclass(slots=True)
class EventPosition:
    """An event's positions added up (money in app.core.fixed money units)."""

    event_ticker: str
    exposure: int
    realized_pnl: int
    total_cost: int
    fees_paid: int


@dataclass(slots=True)
class Settlement:
    """A market that settled while the account held it: what was held and what it paid.

    Counts in app.core.fixed count units, money in money units; a field the record did not carry is
    None (a table shows it as unknown, never as zero).
    """

    ticker: str
    result: str | None  # "yes", "no", "scalar" or "void"
    revenue: int  # what the settlement paid
    settled_ts: int | None  # epoch seconds
    event_ticker: str | None = None
    yes_count: int | None = None  # contracts held at settlement
    no_count: int | None = None
    cost: int | None = None  # their cost basis, both sides
    fees: int | None = None

    @property
    def held(self) -> int | None:
        """The position settled, signed as a market position (positive yes, negative no)."""
        if self.yes_count is None and self.no_count is None:
            return None
        return (self.yes_count or 0) - (self.no_count or 0)

    @property
    def pnl(self) -> int | None:
        """What the position made: the revenue less its cost and fees (None when either is unknown)."""
        if self.cost is None or self.fees is None:
            return None
        return self.revenue - self.cost - self.fees


@dataclass(slots=True)
class PortfolioSnapshot:
    """Everything one REST load returned."""

    balance: int | None = None  # money units
    portfolio_value: int | None = None
    positions: list[p.MarketPosition] = field(default_factory=list)
    event_positions: list[EventPosition] = field(default_factory=list)
    resting: list[p.UserOrder] = field(default_factory=list)  # every resting order
    recent_orders: list[p.UserOrder] = field(default_factory=list)  # changed since the last load
    fills: list[p.Fill] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)


@dataclass(slots=True)
class Portfolio:
    """The account facts the socket never sends, and when they were last reconciled."""

    balance: int | None = None
    portfolio_value: int | None = None
    event_positions: dict[str, EventPosition] = field(default_factory=dict)
    settlements: deque[Settlement] = field(default_factory=lambda: deque(maxlen=1_000))
    # Titles of settled markets the catalog no longer lists (it lists open events), by ticker.
    settled_titles: dict[str, str] = field(default_factory=dict)
    reconciled_at: float | None = None  # epoch seconds of the last complete load
    reconciliations: int = 0
    added_fills: int = 0  # fills the socket had not shown, over every load
    error: str | None = None  # the last load's failure, in one line
