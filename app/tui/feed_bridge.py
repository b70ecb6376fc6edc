"""The bridge from the feed to Textual: a sink that posts the feed's news as messages."""

from __future__ import annotations

from textual.message_pump import MessagePump

from app.core.feed_status import FeedErrorInfo, FeedStatusSnapshot
from app.core.state import Kind
from app.tui.messages import FeedError, FeedStatus, StateChanged, SubscriptionsChanged


class MessageSink:
    """A :class:`app.feed.feed.FeedSink` that posts :mod:`app.tui.messages` messages to ``target``.

    The feed already coalesces, so this posts at most one state message per frame interval.
    """

    def __init__(self, target: MessagePump) -> None:
        self.target = target

    def on_changes(self, kinds: Kind, books: frozenset[str]) -> None:
        """Post what changed, if anything did."""
        if kinds:
            self.target.post_message(StateChanged(kinds, books))

    def on_status(self, status: FeedStatusSnapshot) -> None:
        """Post the status snapshot."""
        self.target.post_message(FeedStatus(status))

    def on_subscriptions(self) -> None:
        """Post that subscriptions changed."""
        self.target.post_message(SubscriptionsChanged())

    def on_error(self, error: FeedErrorInfo) -> None:
        """Post the error for a notification."""
        self.target.post_message(FeedError(error))
