"""The subscribe dialog (``s``), also used to add (``a``) and remove (``d``) markets.

A channel and a comma-separated list of markets; the market field completes the ticker being
typed from every market seen so far (→ accepts). It answers a :class:`SubscriptionRequest`, or
None when cancelled, and refuses combinations the server would refuse (an order book without a
market, a market filter on a channel that takes none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.suggester import Suggester
from textual.widgets import Input, Label, Select

from app.core import protocol as p
from app.core.sanitize import is_printable
from app.tui.screens.form_dialog import FormDialog

_SPLIT = re.compile(r"[,\s]+")


@dataclass(frozen=True)
class SubscriptionRequest:
    """What the dialog asks for: ``channel`` for ``markets`` (empty: every market / no filter)."""

    channel: str
    markets: tuple[str, ...] = ()
    remove: bool = False


def parse_markets(text: str) -> tuple[str, ...]:
    """Tickers from a comma- or space-separated list, upper-cased, duplicates dropped."""
    return tuple(dict.fromkeys(token.upper() for token in _SPLIT.split(text) if token))


def check_request(request: SubscriptionRequest) -> str | None:
    """Why the server would refuse ``request``, or None when it is fine."""
    if request.channel not in p.ALL_CHANNELS:
        return f"unknown channel {request.channel}"
    if request.markets and request.channel not in p.MARKET_FILTERED_CHANNELS:
        return f"{request.channel} takes no market list: leave markets empty"
    if not request.markets and request.channel in p.MARKET_REQUIRED_CHANNELS:
        return f"{request.channel} needs at least one market"
    return None


def field_market(market: str | None) -> str:
    """What a dialog's market field starts with for ``market``: nothing when ``market`` holds a
    control character (a field shows its text raw, and such a ticker cannot be typed anyway)."""
    return market if market and is_printable(market) else ""


class MarketSuggester(Suggester):
    """Completes the last ticker of a comma-separated list from the known tickers (those that
    can be shown as they are: see :func:`field_market`)."""

    def __init__(self, tickers: Iterable[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tickers = sorted({ticker for ticker in tickers if is_printable(ticker)})

    async def get_suggestion(self, value: str) -> str | None:
        """``value`` with its last, partly typed ticker completed (any case), or None."""
        last = _SPLIT.split(value)[-1]
        if not last:
            return None
        needle = last.upper()
        for ticker in self.tickers:
            if ticker.upper().startswith(needle) and len(ticker) > len(last):
                return value + ticker[len(last):]
        return None


class SubscribeDialog(FormDialog[SubscriptionRequest]):
    """Choose a channel and markets; answers a :class:`SubscriptionRequest` or None."""

    def __init__(
        self,
        title: str,
        action_label: str,
        channels: Iterable[str],
        tickers: Iterable[str],
        *,
        channel: str | None = None,
        market: str | None = None,
        remove: bool = False,
        needs_markets: bool = False,
    ) -> None:
        super().__init__(title, action_label, id="subscribe-dialog")
        self.channels = sorted(channels)
        self.tickers = list(tickers)
        self._known = frozenset(self.tickers)
        self._warned: list[str] = []  # the unknown markets already warned about
        self.initial_channel = channel if channel in self.channels else self.channels[0]
        self.initial_market = field_market(market)
        self.removing = remove
        self.needs_markets = needs_markets or remove

    @classmethod
    def subscribe(cls, tickers: Iterable[str], market: str | None = None) -> SubscribeDialog:
        """The ``s`` dialog: any channel, the focused market filled in."""
        return cls("Subscribe", "Subscribe", p.ALL_CHANNELS, tickers, channel=p.ORDERBOOK_DELTA,
                   market=market)

    @classmethod
    def add(cls, tickers: Iterable[str], channel: str, market: str | None) -> SubscribeDialog:
        """The ``a`` dialog: add markets to a per-market channel."""
        return cls("Add markets to a subscription", "Add", p.MARKET_FILTERED_CHANNELS, tickers,
                   channel=channel, market=market, needs_markets=True)

    @classmethod
    def remove_markets(cls, tickers: Iterable[str], channel: str, market: str | None) -> SubscribeDialog:
        """The ``d`` dialog: remove markets from a per-market channel."""
        return cls("Remove markets from a subscription", "Remove", p.MARKET_FILTERED_CHANNELS,
                   tickers, channel=channel, market=market, remove=True)

    def fields(self) -> ComposeResult:
        """The channel and the markets."""
        yield Label("Channel")
        yield Select(
            [(channel, channel) for channel in self.channels],
            value=self.initial_channel,
            allow_blank=False,
            id="channel",
        )
        yield Label("Markets (comma-separated; → completes; empty = every market)")
        yield Input(
            value=self.initial_market,
            placeholder="e.g. KXBTC-25DEC31-T100000",
            suggester=MarketSuggester(self.tickers),
            id="markets",
        )

    def request(self) -> SubscriptionRequest:
        """What the fields ask for now."""
        channel = self.query_one("#channel", Select).value
        markets = parse_markets(self.query_one("#markets", Input).value)
        return SubscriptionRequest(str(channel), markets, remove=self.removing)

    def answer(self) -> SubscriptionRequest | str:
        """The request, or why it cannot be sent."""
        request = self.request()
        problem = check_request(request)
        if problem is None and self.needs_markets and not request.markets:
            problem = f"name the markets to {self.action_label.lower()}"
        if problem is None and not self.removing:
            problem = self._unknown(request.markets)
        return request if problem is None else problem

    def _unknown(self, markets: tuple[str, ...]) -> str | None:
        """Markets the exchange never announced (a typo opens an empty ladder): said once; the
        same request submitted again is sent (the markets known may not be every market)."""
        unknown = [market for market in markets if market not in self._known] if self._known else []
        if not unknown or unknown == self._warned:
            return None
        self._warned = unknown
        return (f"{', '.join(unknown)}: no such market seen from the exchange; "
                f"{self.action_label} again to send anyway")
