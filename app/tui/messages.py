"""Textual messages the feed posts for the widgets: one state notice per frame interval at most.

The feed applies every frame to :class:`app.core.state.MarketState`, then, once per frame interval,
posts one :class:`StateChanged` naming every :class:`~app.core.state.Kind` that changed and every
market whose book moved. Messages say *what* changed, never carry the data: widgets read it from
``MarketState``. Each widget declares the kinds it shows in one place (its ``SHOWS`` attribute).
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from app.core.feed_status import FeedErrorInfo, FeedStatusSnapshot
from app.core.state import Kind


class FeedMessage(Message, bubble=False):
    """Base of every message the feed posts (to the dashboard screen, which handles them all:
    they do not bubble on to the app, which would only dispatch them to no handler)."""

    def __init_subclass__(cls, bubble: bool | None = False, **kwargs: Any) -> None:
        super().__init_subclass__(bubble=bubble, **kwargs)


class StateChanged(FeedMessage):
    """The state changed: ``kinds`` says what, ``books`` which order books moved.

    A book change naming no market (``kinds`` has :attr:`Kind.BOOK`, ``books`` is empty) means
    every book. One message per flush carries every kind that changed; when the screen falls
    behind, a newer message waiting in its queue takes the older one's kinds and books
    (:meth:`can_replace`), so the screen handles one merged notice instead of a backlog.
    """

    def __init__(self, kinds: Kind, books: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.kinds = kinds
        self.books = books

    @property
    def every_book(self) -> bool:
        """True when every order book is to be read again."""
        return bool(self.kinds & Kind.BOOK) and not self.books

    def absorb(self, older: StateChanged) -> None:
        """Stand for ``older`` too: the union of both messages' kinds and books."""
        every_book = self.every_book or older.every_book
        self.kinds |= older.kinds
        self.books = frozenset() if every_book else self.books | older.books

    def can_replace(self, message: Message) -> bool:
        """True when ``message`` (queued after this one) can stand for both; it absorbs this one."""
        if not isinstance(message, StateChanged):
            return False
        message.absorb(self)
        return True


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
