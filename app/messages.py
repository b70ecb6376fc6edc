"""Textual messages the feed posts for the widgets: coalesced, at most one per kind per frame.

The feed applies every frame to :class:`app.state.MarketState`, then, once per frame interval,
posts one message for each :class:`~app.state.Kind` that changed (``BookChanged`` names every
market whose book moved). Messages say *what* changed, never carry the data: widgets read it from
``MarketState``. Each widget declares the kinds it shows in one place (its ``SHOWS`` attribute).
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from app.feed_status import FeedErrorInfo, FeedStatusSnapshot
from app.state import Kind


class FeedMessage(Message, bubble=False):
    """Base of every message the feed posts (to the dashboard screen, which handles them all:
    they do not bubble on to the app, which would only dispatch them to no handler)."""

    def __init_subclass__(cls, bubble: bool | None = False, **kwargs: Any) -> None:
        super().__init_subclass__(bubble=bubble, **kwargs)


class StateChanged(FeedMessage):
    """Base of the state-change messages; ``KIND`` is the :class:`Kind` each one stands for."""

    KIND = Kind.NONE


class BookChanged(StateChanged):
    """Order books changed: ``tickers`` names the markets."""

    KIND = Kind.BOOK

    def __init__(self, tickers: frozenset[str]) -> None:
        super().__init__()
        self.tickers = tickers


class TickerChanged(StateChanged):
    """Ticker values changed."""

    KIND = Kind.TICKER


class TradePrinted(StateChanged):
    """New public trades."""

    KIND = Kind.TRADE


class FillReceived(StateChanged):
    """New fills of the user's orders."""

    KIND = Kind.FILL


class PositionChanged(StateChanged):
    """The user's positions changed."""

    KIND = Kind.POSITION


class RfqEvent(StateChanged):
    """RFQs or quotes were created, accepted, executed or deleted."""

    KIND = Kind.RFQ


class LifecycleEvent(StateChanged):
    """Market or event lifecycle news, multivariate lookups, order-group updates."""

    KIND = Kind.LIFECYCLE


class OrdersChanged(StateChanged):
    """The user's orders changed."""

    KIND = Kind.ORDER


MESSAGE_FOR_KIND: dict[Kind, type[StateChanged]] = {
    cls.KIND: cls
    for cls in (TickerChanged, TradePrinted, FillReceived, PositionChanged, RfqEvent,
                LifecycleEvent, OrdersChanged)
}


def state_messages(kinds: Kind, books: frozenset[str]) -> list[StateChanged]:
    """The messages that announce ``kinds`` (and the books of ``books``) changing."""
    out: list[StateChanged] = [BookChanged(books)] if kinds & Kind.BOOK else []
    out.extend(cls() for kind, cls in MESSAGE_FOR_KIND.items() if kinds & kind)
    return out


class FeedStatus(FeedMessage):
    """The feed's counters and connection state, posted about once a second."""

    def __init__(self, status: FeedStatusSnapshot) -> None:
        super().__init__()
        self.status = status


class SubscriptionsChanged(FeedMessage):
    """A subscription was made, changed or ended."""


class FeedError(FeedMessage):
    """Something the user should know: a server error code, a rejected key, a bad frame."""

    def __init__(self, error: FeedErrorInfo) -> None:
        super().__init__()
        self.error = error
