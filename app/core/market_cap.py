"""A bound on the markets :class:`~app.core.state.MarketState` remembers: idle ones nobody looks at go.

Every market seen on the ticker, trade or lifecycle channels keeps its latest ticker, a price
history, trade statistics and lifecycle facts: about 1 KB. A session that sees every market, or
a server that invents them, would grow without end. When more than ``cap`` markets are known, the
least recently active ones that are not *pinned* are forgotten until a tenth of the cap is free
again, so a pass happens at most once per ``cap / 10`` new markets. Events (from
``event_lifecycle``) are bounded by the same cap: over it, those of no remaining market go.

Pinned: markets with an order book (an open ladder or book subscription), the user's positions,
orders and fills, and whatever the caller names (starred, named in a subscription, in the event
shown). Activity is the latest server time of a market's ticker or trade messages; a market
known only from lifecycle messages counts as the oldest. The check is O(1) (the sizes of a few
dicts), so it can run on a timer; nothing is done per frame.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.event_view import event_of
from app.core.state import MarketState

# 50,000 markets hold about 50 MB of state (and as much again in the grid's rows): far more
# markets than trade on Kalshi in a day, outside generated combinations, so a session that
# watches the exchange normally never loses a row, while one that is flooded stays bounded.
DEFAULT_MARKET_CAP = 50_000
KEEP_FRACTION = 0.9  # a pass leaves this much of the cap in use


def over_cap(state: MarketState, cap: int) -> bool:
    """True when one of the per-market stores (or the events) holds more than ``cap``."""
    return max(len(state.tickers), len(state.markets), len(state.history.markets),
               len(state.trade_stats), len(state.events)) > cap


def pinned(state: MarketState) -> set[str]:
    """The markets the state itself must keep: books, and the user's positions, orders and fills."""
    keep = set(state.books)
    keep.update(state.position_markets())
    keep.update(order.market_ticker for order in state.orders.values())
    keep.update(fill.market_ticker for fill in state.fills)
    return keep


def _activity(state: MarketState, ticker: str) -> int:
    """When the market last moved (server epoch ms); 0 when no message said."""
    message = state.tickers.get(ticker)
    history = state.history.get(ticker)
    ticker_ts = message.ts_ms if message is not None else None
    history_ts = history.last_ts if history is not None else None
    return max(ticker_ts or 0, history_ts or 0)


def evict_idle_markets(state: MarketState, cap: int, keep: Iterable[str]) -> int:
    """Over ``cap`` markets, forget the least recently active ones not pinned and not in ``keep``
    until ``KEEP_FRACTION`` of the cap is left (or only kept ones are), and over ``cap`` events,
    those of no market left; return how many markets and events were forgotten."""
    if not over_cap(state, cap):
        return 0
    known = set(state.tickers) | set(state.markets) | set(state.history.markets) | set(state.trade_stats)
    kept = pinned(state)
    kept.update(keep)
    idle = sorted(known - kept, key=lambda ticker: _activity(state, ticker))
    evicted = idle[:max(0, len(known) - int(cap * KEEP_FRACTION))]
    for ticker in evicted:
        state.forget_market(ticker)
    events: list[str] = []
    if len(state.events) > cap:
        used = {event_of(state, ticker) for ticker in known.difference(evicted)}
        events = [event for event in state.events if event not in used]
        for event in events:
            del state.events[event]
    forgotten = len(evicted) + len(events)
    if forgotten:
        state.evictions += 1
    return forgotten
