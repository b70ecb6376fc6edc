"""The catalog from the REST API: open events with their nested markets, page by page.

:func:`page_events` turns one ``GET /events?with_nested_markets=true`` page into catalog records,
an event at a time as they are asked for (today's ``*_dollars`` / ``*_fp`` strings, or the older
integer cents where a server sends only those); :func:`load_catalog` walks every page and hands
each to a callback as it arrives, so the screen fills while the rest is still on its way and the
callback decides how much of a page to take between two frames.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from app.core.catalog import CatalogEvent, CatalogMarket
from app.core.fixed import CENT, parse_count, parse_price, price_from_cents
from app.core.protocol import PriceRange
from app.rest.client import RestClient

# Events asked per page (/events allows 200): with nested markets a page of 50 events is ~500
# markets, ~0.5 MB, decoded in a few milliseconds, so no page holds up a frame.
EVENTS_PAGE = 50
ParsedEvent = tuple[CatalogEvent, list[CatalogMarket]]
PageSink = Callable[[Iterator[ParsedEvent]], Awaitable[None]]


def epoch_seconds(text: Any) -> int | None:
    """An RFC 3339 time (``2026-10-27T08:53:20Z``) in epoch seconds; None when absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp())


def _price(body: dict[str, Any], name: str) -> int | None:
    """``name_dollars`` as a price, else the integer-cent ``name``; None when neither is usable."""
    text = body.get(f"{name}_dollars")
    try:
        if isinstance(text, str):
            return parse_price(text)
        cents = body.get(name)
        if isinstance(cents, int) and not isinstance(cents, bool):
            return price_from_cents(cents)
    except ValueError:
        return None
    return None


def _count(body: dict[str, Any], name: str) -> int | None:
    text = body.get(f"{name}_fp")
    try:
        if isinstance(text, str):
            return parse_count(text)
    except ValueError:
        return None
    whole = body.get(name)
    return whole * 100 if isinstance(whole, int) and not isinstance(whole, bool) else None


def _strike(value: Any) -> str | None:
    """A strike as exact decimal text (JSON numbers arrive as floats: ``6400.0`` -> ``"6400"``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    text = repr(value) if isinstance(value, float) else str(value)
    return text.removesuffix(".0")


def _price_ranges(value: Any) -> tuple[PriceRange, ...]:
    """``price_ranges`` (``start``, ``end``, ``step`` in dollars) as price bands; none when any
    band is unreadable (the market's tick size then stands)."""
    try:
        return tuple(PriceRange(parse_price(band["start"]), parse_price(band["end"]), parse_price(band["step"]))
                     for band in value)
    except (TypeError, KeyError, ValueError):
        return ()


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) and value else None


def parse_market(body: dict[str, Any], event_ticker: str | None = None) -> CatalogMarket | None:
    """One market of a REST answer; None without a ticker."""
    ticker = _text(body, "ticker")
    if ticker is None:
        return None
    tick = body.get("tick_size")
    last, volume = _price(body, "last_price"), _count(body, "volume")
    return CatalogMarket(
        ticker=ticker,
        event_ticker=_text(body, "event_ticker") or event_ticker or ticker.rpartition("-")[0],
        title=_text(body, "title"),
        yes_sub_title=_text(body, "yes_sub_title") or _text(body, "subtitle"),
        status=_text(body, "status"),
        open_ts=epoch_seconds(body.get("open_time")),
        close_ts=epoch_seconds(body.get("close_time")),
        expiration_ts=epoch_seconds(body.get("expected_expiration_time") or body.get("expiration_time")),
        strike_type=_text(body, "strike_type"),
        floor_strike=_strike(body.get("floor_strike")),
        cap_strike=_strike(body.get("cap_strike")),
        tick=tick * CENT if isinstance(tick, int) and not isinstance(tick, bool) and tick > 0 else None,
        price_ranges=_price_ranges(body.get("price_ranges") or ()),
        yes_bid=_price(body, "yes_bid"),
        yes_ask=_price(body, "yes_ask"),
        last=None if last == 0 and not volume else last,  # zero with no volume: it never traded
        volume=volume,
        open_interest=_count(body, "open_interest"),
    )


def parse_event(body: dict[str, Any], categories: dict[str, str]) -> tuple[CatalogEvent, list[CatalogMarket]] | None:
    """One event (with its nested markets) of a REST answer; None without an event ticker."""
    event_ticker = _text(body, "event_ticker")
    if event_ticker is None:
        return None
    markets = [m for m in (parse_market(item, event_ticker) for item in body.get("markets") or ()
                           if isinstance(item, dict)) if m is not None]
    series = _text(body, "series_ticker")
    exclusive = body.get("mutually_exclusive")
    event = CatalogEvent(
        event_ticker=event_ticker,
        series_ticker=series,
        title=_text(body, "title"),
        sub_title=_text(body, "sub_title"),
        category=_text(body, "category") or (categories.get(series) if series else None),
        mutually_exclusive=exclusive if isinstance(exclusive, bool) else None,
        markets=tuple(m.ticker for m in markets),
    )
    return event, markets


def page_events(page: dict[str, Any], categories: dict[str, str]) -> Iterator[ParsedEvent]:
    """Each event of one ``/events`` page with its markets, parsed when it is asked for."""
    for body in page.get("events") or ():
        parsed = parse_event(body, categories) if isinstance(body, dict) else None
        if parsed is not None:
            yield parsed


def parse_events_page(
    page: dict[str, Any], categories: dict[str, str]
) -> tuple[list[CatalogEvent], list[CatalogMarket]]:
    """Every event and market of one ``/events`` page."""
    events: list[CatalogEvent] = []
    markets: list[CatalogMarket] = []
    for event, its_markets in page_events(page, categories):
        events.append(event)
        markets.extend(its_markets)
    return events, markets


async def series_categories(client: RestClient) -> dict[str, str]:
    """Series ticker -> category, from ``GET /series``."""
    body = await client.get("/series")
    return {
        s["ticker"]: s["category"] for s in body.get("series") or ()
        if isinstance(s, dict) and isinstance(s.get("ticker"), str) and isinstance(s.get("category"), str)
    }


async def load_catalog(client: RestClient, on_page: PageSink, *, page_size: int = EVENTS_PAGE) -> None:
    """Hand every page of open events (markets nested) to ``on_page`` as its events, parsed as
    ``on_page`` takes them; the next page is asked for meanwhile (its cursor is known once a page
    is decoded), so the load waits for the exchange and applies pages at the same time."""
    categories = await series_categories(client)
    params = {"with_nested_markets": "true", "status": "open", "limit": page_size}
    pages = client.pages("/events", params)
    ahead = asyncio.ensure_future(anext(pages))
    try:
        while True:
            try:
                page = await ahead
            except StopAsyncIteration:
                return
            ahead = asyncio.ensure_future(anext(pages))
            await on_page(page_events(page, categories))
    finally:
        if not ahead.done():
            ahead.cancel()
        await asyncio.gather(ahead, return_exceptions=True)
        await pages.aclose()
