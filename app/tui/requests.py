"""What the screens ask of the app: messages up, each about one market, handled by the app.

Screens and widgets never call the app; they post one of these and the app, which owns the feed,
the REST client and the preferences, does the work.
"""

from __future__ import annotations

from textual.message import Message

from app.core.feed_status import FeedErrorInfo


class MarketRequest(Message):
    """A request about the market ``ticker``."""

    def __init__(self, ticker: str) -> None:
        super().__init__()
        self.ticker = ticker


class OpenMarket(MarketRequest):
    """Show the market's ladder on the markets pane, its book and trades subscribed."""


class ReleaseBook(MarketRequest):
    """The market's ladder closed: stop its book and trades where only it wanted them."""


class WantMarketData(MarketRequest):
    """Subscribe the market's ticker and trades (unless every market's are wanted already)."""


class ToggleStar(MarketRequest):
    """Star the market on the watchlist, or unstar it, and say which."""


class NotifyError(Message):
    """Tell the user about ``error`` (at most once while it recurs)."""

    def __init__(self, error: FeedErrorInfo) -> None:
        super().__init__()
        self.error = error
