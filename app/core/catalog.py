"""The exchange's catalog of events and markets, as the REST API lists them, applied to the state.

The socket tells titles, strikes and close times only for markets created while it listens; the
catalog fills them in for everything that already exists: titles, sub-titles, event and series,
category, strike type and values, tick and price ranges, open / close / expiration times, status, an event's
``mutually_exclusive`` and the markets it holds, and current prices for markets the ticker channel
has not spoken about yet. :mod:`app.core.catalog_state` applies it to the state; lifecycle messages
that arrive later keep it current. Pure data: no I/O, no Textual.
"""

from __future__ import annotations

from fractions import Fraction

import msgspec

from app.core.protocol import PriceRange


class CatalogMarket(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """One market as the catalog lists it (prices in app.core.fixed units; times in epoch seconds).

    Encoded as an array (in the disk cache): a field added, removed or moved needs a new
    ``CACHE_VERSION`` in :mod:`app.rest.catalog_cache`.
    """

    ticker: str
    event_ticker: str
    title: str | None = None
    yes_sub_title: str | None = None
    status: str | None = None
    open_ts: int | None = None
    close_ts: int | None = None
    expiration_ts: int | None = None
    strike_type: str | None = None
    floor_strike: str | None = None
    cap_strike: str | None = None
    tick: int | None = None
    price_ranges: tuple[PriceRange, ...] = ()
    yes_bid: int | None = None
    yes_ask: int | None = None
    last: int | None = None
    volume: int | None = None
    open_interest: int | None = None

    @property
    def strike_value(self) -> Fraction | None:
        """The number that orders the strikes of a ladder (floor, else cap); None for outcomes."""
        text = self.floor_strike if self.floor_strike is not None else self.cap_strike
        return Fraction(text) if text is not None else None


class CatalogEvent(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """One event: its text, category, whether its strikes exclude each other, and its markets
    (encoded as an array, as :class:`CatalogMarket` is)."""

    event_ticker: str
    series_ticker: str | None = None
    title: str | None = None
    sub_title: str | None = None
    category: str | None = None
    mutually_exclusive: bool | None = None
    markets: tuple[str, ...] = ()


class Catalog:
    """The events and markets listed, and how far the load has got (for the status bar)."""

    def __init__(self) -> None:
        self.events: dict[str, CatalogEvent] = {}
        self.markets: dict[str, CatalogMarket] = {}
        self.loading = False
        self.complete = False
        self.source = ""  # "cache" or "exchange": where the markets shown came from
        self.error: str | None = None
        self.cached_status: set[str] = set()  # markets whose status came from the disk cache

    def progress(self) -> str:
        """``"catalog 3,400 markets"`` (``…`` while loading); empty before anything is known."""
        if not self.markets and not self.loading:
            return f"catalog: {self.error}" if self.error else ""
        suffix = "…" if self.loading else ""
        cached = " (cached)" if self.source == "cache" and self.loading else ""
        return f"catalog {len(self.markets):,} markets{cached}{suffix}"

    def event(self, event_ticker: str) -> CatalogEvent | None:
        """The event when the catalog lists it."""
        return self.events.get(event_ticker)
