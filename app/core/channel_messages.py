"""Which message types each channel carries: a frame of any other type on a sid is out of place.

The feed checks every data frame's type against its subscription's channel (one set lookup).
A frame out of place is counted and never applied, except the user's own fills, positions and
orders, which are applied wherever they come (nothing the user owns is dropped). Acks, errors and
unknown types may come on any sid. Channels not listed here (paid index feeds, a name the
dashboard does not know) accept any type.
"""

from __future__ import annotations

from app.core import protocol as p

_ANY_CHANNEL: frozenset[type] = frozenset({p.Subscribed, p.Unsubscribed, p.Ok, p.ErrorMessage, p.UnknownMessage})
_MULTIVARIATE = frozenset({p.MultivariateLookup, p.MultivariateMarketLifecycle})

CHANNEL_MESSAGES: dict[str, frozenset[type]] = {
    channel: types | _ANY_CHANNEL
    for channel, types in {
        p.ORDERBOOK_DELTA: frozenset({p.OrderbookSnapshot, p.OrderbookDelta}),
        p.TICKER: frozenset({p.Ticker}),
        p.TRADE: frozenset({p.Trade}),
        p.FILL: frozenset({p.Fill}),
        p.MARKET_POSITIONS: frozenset({p.MarketPosition}),
        p.MARKET_LIFECYCLE_V2: frozenset({p.MarketLifecycle, p.EventLifecycle, p.EventFeeUpdate}),
        # one channel under either name: the feed falls back from one to the other
        p.MULTIVARIATE: _MULTIVARIATE,
        p.MULTIVARIATE_MARKET_LIFECYCLE: _MULTIVARIATE,
        p.COMMUNICATIONS: frozenset({p.RfqCreated, p.RfqDeleted, p.QuoteCreated, p.QuoteAccepted,
                                     p.QuoteExecuted}),
        p.ORDER_GROUP_UPDATES: frozenset({p.OrderGroupUpdate}),
        p.USER_ORDERS: frozenset({p.UserOrder}),
    }.items()
}
_EVERY_TYPE: frozenset[type] = frozenset().union(*CHANNEL_MESSAGES.values())
# The user's own data: applied even on another channel's sid (and counted there).
USER_OWNED: frozenset[type] = frozenset({p.Fill, p.MarketPosition, p.UserOrder, p.OrderGroupUpdate})


def accepted_messages(channel: str) -> frozenset[type]:
    """The message types a subscription of ``channel`` may carry (every type for an unknown channel)."""
    return CHANNEL_MESSAGES.get(p.canonical_channel(channel), _EVERY_TYPE)
