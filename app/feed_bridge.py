"""The bridge from the feed to Textual: a sink that posts the feed's news as messages."""

from __future__ import annotations

from textual.message_pump import MessagePump

from app.feed_status import FeedErrorInfo, FeedStatusSnapshot
from app.messages import FeedError, FeedStatus, SubscriptionsChanged, state_messages
from app.state import Kind


class MessageSink:
    """A :class:`app.feed.FeedSink` that posts :mod:`app.messages` messages to ``target``.

    The feed already coalesces, so this posts at most one message per kind per frame interval.
    """

    def __init__(self, target: MessagePump) -> None:
        self.target = target

    def on_changes(self, kinds: Kind, books: frozenset[str]) -> None:
        """Post one message per changed kind."""
        for message in state_messages(kinds, books):
            self.target.post_message(message)

    def on_status(self, status: FeedStatusSnapshot) -> None:
        """Post the status snapshot."""
        self.target.post_message(FeedStatus(status))

    def on_subscriptions(self) -> None:
        """Post that subscriptions changed."""
        self.target.post_message(SubscriptionsChanged())

    def on_error(self, error: FeedErrorInfo) -> None:
        """Post the error for a notification."""
        self.target.post_message(FeedError(error))
