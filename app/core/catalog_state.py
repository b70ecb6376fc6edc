"""Catalog records into :class:`~app.core.state.MarketState`: titles, times, status, prices and ticks.

Pure data: no I/O, no Textual.
"""

from __future__ import annotations

from app.core import protocol as p
from app.core.catalog import CatalogEvent, CatalogMarket
from app.core.fixed import ONE_DOLLAR
from app.core.state import Kind, MarketInfo, MarketState

# The REST API's market status, in the words the lifecycle channel gives the state.
STATUS_NAMES = {
    "initialized": "unopened", "unopened": "unopened", "active": "open", "open": "open",
    "inactive": "paused", "closed": "closed", "determined": "determined", "disputed": "determined",
    "amended": "determined", "finalized": "settled", "settled": "settled",
}


def apply_catalog(
    state: MarketState, events: list[CatalogEvent], markets: list[CatalogMarket], *, fresh: bool = True
) -> Kind:
    """Put catalog records into ``state``; what changed.

    ``fresh`` records come from the exchange now and overwrite what a cached catalog said; a
    cached record (``fresh=False``) only fills what is still unknown, and its prices (old by now)
    are not shown. A market's status from a lifecycle message is newer than either and is kept.
    Current prices are taken only for markets the ticker channel has not spoken about.
    """
    catalog = state.catalog
    for event in events:
        catalog.events[event.event_ticker] = event
    changed = Kind.LIFECYCLE if events or markets else Kind.NONE
    for market in markets:
        catalog.markets[market.ticker] = market
        info = state.markets.get(market.ticker)
        if info is None:
            info = state.markets[market.ticker] = MarketInfo(market.ticker)
        _fill(info, market, fresh, catalog.cached_status)
        state.note_relabel(info)
        if fresh and market.ticker not in state.tickers and (market.yes_bid is not None or market.last is not None):
            changed |= state.apply(p.Ticker(
                market_ticker=market.ticker, price=market.last, yes_bid=market.yes_bid,
                yes_ask=market.yes_ask, volume=market.volume, open_interest=market.open_interest,
            ))
    return changed


def _fill(info: MarketInfo, market: CatalogMarket, fresh: bool, cached_status: set[str]) -> None:
    """Copy a record into ``info``: every field when fresh, else only the unknown ones."""
    # field by field rather than a loop over their names: this runs for every market of the cache at start
    if market.title is not None and (fresh or info.title is None):
        info.title = market.title
    if fresh or info.event_ticker is None:
        info.event_ticker = market.event_ticker
    if market.open_ts is not None and (fresh or info.open_ts is None):
        info.open_ts = market.open_ts
    if market.close_ts is not None and (fresh or info.close_ts is None):
        info.close_ts = market.close_ts
    # a status from a lifecycle message is newer than the catalog's; one from the cache is older
    if market.status is not None and (info.status is None or (fresh and market.ticker in cached_status)):
        info.status = STATUS_NAMES.get(market.status, market.status)
        if fresh:
            cached_status.discard(market.ticker)
        else:
            cached_status.add(market.ticker)
    if market.price_ranges and (fresh or not info.price_ranges):
        info.price_ranges = market.price_ranges
    elif market.tick is not None and not info.price_ranges:
        info.price_ranges = (p.PriceRange(0, ONE_DOLLAR, market.tick),)  # its tick size alone: one band
    if market.yes_sub_title and (fresh or info.subtitle is None):
        info.subtitle = market.yes_sub_title
