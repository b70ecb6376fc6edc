"""What a market's lifecycle says a trader can do with it: trade it, wait, or read its result.

Kalshi's lifecycle channel says when a market opens, pauses, is determined and settles; its close
time passes without a message. Once a market no longer trades (closed, determined, settled) its last
quotes are history, not quotes: views show its state and result instead of a two-sided quote, a
countdown, a LIVE badge or an over-round. Pure: no I/O, no Textual.
"""

from __future__ import annotations

from app.core.fixed import ONE_DOLLAR, format_price_cents
from app.core.state import MarketInfo

OPEN, PAUSED, CLOSED, DETERMINED, SETTLED = "open", "paused", "closed", "determined", "settled"
# Statuses of a market that no longer trades (``finalized``: Kalshi's REST word for settled).
FINISHED = frozenset({CLOSED, DETERMINED, SETTLED, "finalized"})
# Statuses of a market whose result is known: nothing more will happen to it.
RESOLVED = frozenset({DETERMINED, SETTLED, "finalized"})


def market_status(info: MarketInfo | None, now: float | None = None) -> str | None:
    """The market's status: its lifecycle status, and ``closed`` once an open market's close time
    has passed at epoch second ``now`` (when given); None when nothing is known."""
    if info is None:
        return None
    status = info.status
    closing = status in (None, OPEN, "created") and info.close_ts is not None
    if closing and now is not None and info.close_ts <= now:  # type: ignore[operator]
        return CLOSED
    return status


def is_finished(status: str | None) -> bool:
    """True for the status of a market that no longer trades (its quotes are stale)."""
    return status in FINISHED


def finished_at(info: MarketInfo) -> int | None:
    """The epoch second a market stopped trading: when it was determined or settled, else its
    close time; None when neither is known."""
    return info.finished_ts if info.finished_ts is not None else info.close_ts


def result_of(info: MarketInfo | None) -> str | None:
    """The side that won (``YES``, ``NO``), or what a scalar market paid per yes contract
    (``37¢``); None before the market is determined."""
    if info is None:
        return None
    if info.result in ("yes", "no"):
        return info.result.upper()
    if info.settlement_value is not None and 0 <= info.settlement_value <= ONE_DOLLAR:
        return f"{format_price_cents(info.settlement_value)}¢"
    return None


def status_text(info: MarketInfo | None, now: float | None = None) -> str | None:
    """The status a view shows, with the result once there is one: ``settled YES``, ``closed``,
    ``paused``, ``open``."""
    status = market_status(info, now)
    result = result_of(info) if is_finished(status) else None
    return f"{status} {result}" if status and result else status
