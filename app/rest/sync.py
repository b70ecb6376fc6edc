"""Keeps the state in step with what the exchange knows: the catalog at start, the account at start
and after every reconnect.

:class:`ExchangeSync` runs beside the feed (its own task; the Textual app runs it in a worker).
The catalog comes first from the disk cache (titles at once), then page by page from the REST API,
parsed and applied in slices of a few milliseconds that leave the event loop free to draw between
them (:class:`~app.core.time_slices.TimeSlices`); it is saved for the next start. An event the
lifecycle channel announces later is fetched on its own (``/events/{event_ticker}``), so its
strikes and exclusivity are known too. The portfolio is loaded once the feed is live and again
each time the feed has connected anew (its handshake count moved on): the fills, orders and
positions of the disconnected time are merged in without double counting
(:mod:`app.core.portfolio_state`). Every failure is one line, given to ``report`` and logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from app.core.catalog_state import apply_catalog
from app.core.feed_status import ConnectionState
from app.core.portfolio_state import Reconciled, reconcile
from app.core.state import Kind, MarketState
from app.core.time_slices import TimeSlices
from app.rest.catalog import ParsedEvent, load_catalog, parse_event, parse_market
from app.rest.catalog_cache import encode_cache, read_cache, write_cache
from app.rest.client import RestClient, RestError
from app.rest.portfolio import load_portfolio
from app.rest.recorded import NotRecorded

log = logging.getLogger("kalshi_dash.rest")

# Seconds of parsing and applying the catalog between two yields to the event loop: a slice that
# runs just before a frame delays it by as much.
APPLY_SLICE_S = 0.0025
# Seconds left to the event loop after each slice. A bare yield is not enough: the feed yields
# after every 32 messages, so one turn of the loop between 4 ms slices let it read ~8,000 msg/s of
# a 20,000 msg/s market, and the screen fell behind the market for as long as the load ran. With
# the screen's frames known, the loop also has to itself the time from the window's end (below)
# to the next frame: two slices a frame interval at most.
APPLY_REST_S = 0.004
# With the screen's frames known (``after_frame``), a slice starts only this long after a frame: a
# frame interval is ~33 ms under a busy market, so no slice runs just before the next frame.
FRAME_WINDOW_S = 0.012
FILL_OVERLAP_S = 60  # a reload asks for fills from this long before the last one
TICKERS_PER_ASK = 100  # settled markets named in one /markets request
WATCH_INTERVAL = 0.25  # seconds between two looks at the feed's connection


class ExchangeSync:
    """Catalog and portfolio from REST into ``state``; ``notify(kinds)`` says what changed."""

    def __init__(
        self,
        client: RestClient,
        state: MarketState,
        notify: Callable[[Kind], None],
        report: Callable[[str], None],
        *,
        cache: Path | None = None,
        clock: Callable[[], float] = time.time,
        apply_slice: float = APPLY_SLICE_S,
        apply_rest: float = APPLY_REST_S,
        after_frame: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.client = client
        self.state = state
        self.notify = notify
        self.report = report
        self.cache = cache
        self.clock = clock
        self.apply_slice = apply_slice  # seconds of catalog work between two yields
        self.apply_rest = apply_rest  # seconds left to the event loop after each
        self.after_frame = after_frame  # awaits until just after the screen's next frame (TimeSlices)
        self.last_reconciled: Reconciled | None = None
        self._reconciled_handshake = 0
        self._relabel_cursor = 0  # how far the state's relabel log was read for new events
        self._events_asked: set[str] = set()
        self._titles_asked: set[str] = set()  # settled markets whose titles were asked

    # -- catalog --------------------------------------------------------------------------------

    def load_cached(self) -> int:
        """Apply the disk cache (fills only what is unknown); the markets it held."""
        if self.cache is None:
            return 0
        cached = read_cache(self.cache)
        if cached is None:
            return 0
        self.state.catalog.source = "cache"
        self.notify(apply_catalog(self.state, cached.events, cached.markets, fresh=False))
        return len(cached.markets)

    async def _apply_page(self, events: Iterator[ParsedEvent]) -> None:
        """Parse and apply a page an event at a time, yielding to the event loop (and telling the
        screen what changed) each time a slice's time is spent."""
        slices = TimeSlices(self.apply_slice, self.apply_rest, after_frame=self.after_frame, window=FRAME_WINDOW_S)
        # the page's JSON was decoded in the callback that received it (~1-2 ms for 50 events):
        # the first slice too waits for its turn, so the two are not one long callback
        await slices.pause()
        changed = Kind.NONE
        for event, markets in events:
            changed |= apply_catalog(self.state, [event], markets)
            if slices.spent():
                self.notify(changed)
                changed = Kind.NONE
                await slices.pause()
        self.notify(changed)

    async def load_catalog(self) -> bool:
        """The whole catalog from the exchange, saved back to the cache; False when it failed."""
        catalog = self.state.catalog
        catalog.loading = True
        try:
            await load_catalog(self.client, self._apply_page)
        except RestError as exc:
            catalog.error = f"not loaded ({exc})"
            self._report(f"catalog not loaded: {exc}")
            return False
        finally:
            catalog.loading = False
            self.notify(Kind.LIFECYCLE)
        catalog.source, catalog.complete, catalog.error = "exchange", True, None
        if self.cache is not None:
            await self._save(self.cache)
        return True

    async def _save(self, path: Path) -> None:
        """Save the catalog for the next start: encoded a part at a time, the event loop left its
        rest after each (as between the load's slices), written by a thread (the disk never holds
        up a frame)."""
        data = await encode_cache(self.state.catalog, lambda: asyncio.sleep(self.apply_rest))
        try:
            await asyncio.to_thread(write_cache, path, data)
        except OSError as exc:
            self._report(f"catalog cache not saved to {path}: {exc.strerror or exc}")

    def _unlisted_events(self) -> set[str]:
        """Events the socket has named since the last look that the catalog does not list."""
        state = self.state
        listed = state.catalog.events
        logged, self._relabel_cursor = state.relabeled_since(self._relabel_cursor)
        markets = state.markets
        named = {info.event_ticker for t in (logged if logged is not None else list(markets))
                 if (info := markets.get(t)) is not None and info.event_ticker}
        named.update(state.events)
        return {e for e in named if e not in listed and e not in self._events_asked}

    async def refresh_new_events(self) -> int:
        """Fetch the events announced since the catalog was loaded; how many were added."""
        added = 0
        for event_ticker in sorted(self._unlisted_events()):
            self._events_asked.add(event_ticker)
            try:
                body = await self.client.get(f"/events/{event_ticker}")
            except RestError as exc:
                self._report(f"event {event_ticker} not loaded: {exc}")
                continue
            event = body.get("event")
            if not isinstance(event, dict):
                continue
            parsed = parse_event({**event, "markets": body.get("markets") or []}, {})
            if parsed is not None:
                self.notify(apply_catalog(self.state, [parsed[0]], parsed[1]))
                added += 1
        return added

    # -- portfolio ------------------------------------------------------------------------------

    async def reconcile_portfolio(self) -> Reconciled | None:
        """Load the account and merge it into the state; None when the load failed."""
        if not self.client.signed:
            return None
        portfolio = self.state.portfolio
        since = None if portfolio.reconciled_at is None else int(portfolio.reconciled_at) - FILL_OVERLAP_S
        started, positions_from = self.clock(), self.state.position_count
        try:
            snapshot = await load_portfolio(self.client, since)
        except RestError as exc:
            portfolio.error = str(exc)
            self._report(f"account not reconciled: {exc}")
            self.notify(Kind.POSITION)
            return None
        result = reconcile(self.state, snapshot, started, positions_from)
        self.last_reconciled = result
        self.notify(result.kinds | Kind.POSITION)
        log.info("account reconciled: %d fills added, %d orders updated, %d no longer resting",
                 result.fills_added, result.orders_updated, result.orders_closed)
        await self.title_settlements()
        return result

    async def title_settlements(self) -> None:
        """Ask the titles of the settled markets whose title is not known (the catalog lists open
        events only), :data:`TICKERS_PER_ASK` tickers a request; each ticker is asked once."""
        state = self.state
        portfolio = state.portfolio
        unknown = sorted({s.ticker for s in portfolio.settlements if state.title(s.ticker) is None
                          and s.ticker not in portfolio.settled_titles} - self._titles_asked)
        for start in range(0, len(unknown), TICKERS_PER_ASK):
            tickers = unknown[start:start + TICKERS_PER_ASK]
            self._titles_asked.update(tickers)
            try:
                body = await self.client.get("/markets", {"tickers": ",".join(tickers), "limit": len(tickers)})
            except NotRecorded:  # a replay of a session that did not ask: it showed no titles either
                return
            except RestError as exc:
                self._report(f"titles of settled markets not loaded: {exc}")
                return
            for market in map(parse_market, [m for m in body.get("markets") or () if isinstance(m, dict)]):
                if market is not None and market.title and market.ticker in tickers:
                    portfolio.settled_titles[market.ticker] = market.title
            self.notify(Kind.POSITION)

    async def follow(self, feed: Any) -> None:
        """Reconcile the account each time ``feed`` is live on a connection not reconciled yet;
        once the catalog is loaded, fetch the events announced since."""
        while True:
            handshakes = feed.handshakes
            if feed.status().state is ConnectionState.LIVE and handshakes != self._reconciled_handshake:
                self._reconciled_handshake = handshakes
                await self.reconcile_portfolio()
            if self.state.catalog.complete:
                await self.refresh_new_events()
            await asyncio.sleep(WATCH_INTERVAL)

    async def run(self, feed: Any) -> None:
        """The cached catalog at once; then the rate limit from the account's tier, the catalog from
        the exchange, and the account, for good."""
        self.state.catalog.loading = True
        self.load_cached()
        try:
            await self.client.use_account_limits()
        except RestError as exc:
            self._report(f"rate limits not read, using the basic tier's: {exc}")
        follow = asyncio.create_task(self.follow(feed), name="rest-portfolio")
        try:
            await self.load_catalog()
            await follow
        finally:
            follow.cancel()
            await asyncio.gather(follow, return_exceptions=True)

    async def replay(self) -> None:
        """From a recording's responses (:class:`~app.rest.recorded.RecordedRest`): the catalog,
        then every account load the session made, in order."""
        self.state.catalog.loading = True
        await self.load_catalog()
        while self.client.signed:
            if await self.reconcile_portfolio() is None:
                return

    def _report(self, line: str) -> None:
        log.warning("%s", line)
        self.report(line)
