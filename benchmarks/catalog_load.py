"""The catalog at exchange scale: the real dashboard headless while 20,000 markets in 2,000 events
load from the simulator's REST API (``benchmarks.catalog_sim``, another process).

A frame rate means something only on a screen that changes at least as often as the target: the
dashboard draws a frame when something on screen changes, and the catalog simulator's own market
(200 actions a second over 20,000 markets, no ladder open) changes the screen 5–20 times a second
whatever the load costs. So the socket is the paced firehose of the app benchmark
(``benchmarks.source`` at ``--rate``, order books of its first 100 markets, one ladder open), as a
trader's screen is while the market moves; the catalog comes from the catalog simulator's REST API
beside it, started once the screen is busy.

Figures:

* frames drawn per second and the frame interval p99 on that screen: ``busy_*`` for a window
  before the load starts, once the app's start has settled (what the screen draws without the
  load), ``load_*`` while the catalog streams into the state;
* the seconds the load took and the process's CPU seconds meanwhile (the paced market's included);
* resident memory once the catalog is loaded;
* filter-as-you-type, per keystroke from the key sent to the frame that shows its result, p50 / p95
  (the paced market still running): the grid's ``/`` filter and the market finder (``m``), each
  typing a word of titles once the field is open and what opening it set off is done (the footer
  rebuilds itself for the field's keys, a layout of the screen: a person's first letter comes
  100 ms or more after the ``/``, the bench's at the frame that showed the field);
* a second start with the catalog cached on disk (the catalog simulator's socket only): seconds
  from the app's start (imports done) to the first frame with every title known.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.widgets import Input

from app.core.state import MarketState
from app.feed.feed import Feed, FeedConfig
from app.rest.client import RestClient, rest_base_url
from app.rest.sync import ExchangeSync
from app.tui.main import KalshiDashApp
from app.tui.screens.finder import FinderScreen
from benchmarks.app_load import PROBE, install_hooks, press, wait_until
from benchmarks.catalog_sim import MARKETS
from benchmarks.common import PACED_RATE, book_markets, emit, percentile, rss_mb, source_url
from widgets.market.ticker_grid import TickerGrid

SIZE = (160, 50)
SETTLE_S = 1.0  # seconds between the screen's first live rows and the window before the load
TYPED = "bitcoin 1"  # words of titles: each keystroke narrows the 20,000 markets


def dashboard(url: str, cache: Path) -> KalshiDashApp:
    """The dashboard on the catalog simulator alone: a feed without a key and the REST client."""
    state = MarketState()
    feed = Feed(FeedConfig(url=url, environment="SIM"), state)
    app = KalshiDashApp(state, feed, rest=RestClient(rest_base_url(url)), catalog_cache=cache)
    app.animation_level = "none"
    return app


def ms(values: list[float], q: float) -> float:
    return round((percentile(values, q) or 0) * 1000, 1)


def frame_figures(since: int, elapsed: float) -> tuple[float, float]:
    """Frames per second and the frame interval p99 (ms) of the frames drawn since ``since``."""
    frames = PROBE.frames[since:]
    intervals = [b - a for a, b in zip(frames, frames[1:])]
    return round(len(frames) / max(elapsed, 1e-3), 1), ms(intervals, 99)


async def typing(app: KalshiDashApp, shown_for: Any) -> list[float]:
    """Type :data:`TYPED` a key at a time; each key's latency to the frame that shows it."""
    latencies = []
    for count in range(1, len(TYPED) + 1):
        key = TYPED[count - 1]
        name = "space" if key == " " else key
        latencies.append(await press(app, name, shown_for(TYPED[:count]), character=key))
    return latencies


async def load(url: str, feed_url: str, cache: Path, markets: int, busy_seconds: float) -> dict[str, Any]:
    """The catalog loaded while the paced market runs; then filter-as-you-type over it."""
    books = book_markets()
    state = MarketState()
    feed = Feed(FeedConfig(url=feed_url), state)
    await feed.subscribe("orderbook_delta", books)
    app = KalshiDashApp(state, feed, markets=[books[0]], catalog_cache=cache)
    app.animation_level = "none"
    async with app.run_test(size=SIZE, headless=True) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        await wait_until(lambda: all(state.is_live(t) for t in books) and grid.row_count > 100,
                         30, "live books and grid rows")
        # the app's start settles first (two or three full layouts of the screen, 19-38 ms each,
        # in the next 0.3 s): the window before the load measures the busy screen, not its start
        await asyncio.sleep(SETTLE_S)
        started, first = time.perf_counter(), len(PROBE.frames)
        await asyncio.sleep(busy_seconds)
        busy_fps, busy_p99 = frame_figures(first, time.perf_counter() - started)
        app.start_exchange_sync(RestClient(rest_base_url(url)))
        await wait_until(lambda: state.catalog.loading or state.catalog.complete, 30, "the catalog load to start")
        started, first, cpu = time.perf_counter(), len(PROBE.frames), time.process_time()
        await wait_until(lambda: state.catalog.complete, 120, "the catalog")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        load_fps, load_p99 = frame_figures(first, elapsed)
        assert len(state.catalog.markets) == markets, len(state.catalog.markets)
        await pilot.pause()
        memory = rss_mb()
        await press(app, "slash", lambda: app.focused is not None and app.focused.id == "grid-filter", character="/")
        await pilot.pause()  # what opening the field set off (the footer rebuilt for its keys) is not a key's
        field = app.dashboard.query_one("#grid-filter", Input)
        grid_keys = await typing(app, lambda text: lambda: field.value == text and grid.filter_text == text.strip())
        await press(app, "escape", lambda: app.focused is grid and not grid.filter_text)
        await press(app, "m", lambda: isinstance(app.screen, FinderScreen), character="m")
        finder = app.screen
        assert isinstance(finder, FinderScreen)
        await pilot.pause()
        finder_keys = await typing(app, lambda text: lambda: str(finder.query_one("#finder-count").render())
                                   .startswith(tuple("0123456789")) and finder.query_one("Input").value == text)
        await app.action_quit()
    return {
        "catalog_markets": len(state.catalog.markets),
        "catalog_seconds": round(elapsed, 2),
        "catalog_cpu_seconds": round(cpu, 2),  # the whole process's: the paced market's share too
        "busy_frames_per_second": busy_fps, "busy_frame_interval_p99_ms": busy_p99,
        "load_frames_per_second": load_fps, "load_frame_interval_p99_ms": load_p99,
        "rss_mb": round(memory, 1),
        "grid_key_p50_ms": ms(grid_keys, 50), "grid_key_p95_ms": ms(grid_keys, 95),
        "finder_key_p50_ms": ms(finder_keys, 50), "finder_key_p95_ms": ms(finder_keys, 95),
    }


async def cached_start(url: str, cache: Path, markets: int) -> float:
    """Seconds from the app's start to the first frame drawn with every title known (from the cache).

    Each frame is checked as it is drawn (the probe's pending press, sent at the start), so the
    figure is that frame's, not the next one after a poll.
    """
    app = dashboard(url, cache)
    state = app.market_state

    def titled() -> bool:
        return sum(1 for info in state.markets.values() if info.title) >= markets

    shown: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    PROBE.press = (time.perf_counter(), titled, shown)
    async with app.run_test(size=SIZE, headless=True):
        seconds = await asyncio.wait_for(shown, 30)
        await app.action_quit()
    return round(seconds, 2)


async def save_catalog(url: str, cache: Path) -> None:
    """The cache file a first start leaves behind, without the app (for ``--part cached``)."""
    async with RestClient(rest_base_url(url)) as client:
        sync = ExchangeSync(client, MarketState(), lambda kinds: None, lambda line: None, cache=cache)
        assert await sync.load_catalog()


async def measure(url: str, feed_url: str, markets: int, busy_seconds: float, part: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "catalog.json"
        if part in ("all", "load"):
            result = await load(url, feed_url, cache, markets, busy_seconds)
        else:
            await save_catalog(url, cache)
        if part in ("all", "cached"):
            result["cached_titles_s"] = await cached_start(url, cache, markets)
    result["load_average"] = round(os.getloadavg()[0], 2)  # the machine's, at the end (2 cores shared)
    return result


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the catalog simulator's ws:// URL")
    parser.add_argument("--feed", required=True, help="the paced source's ws:// URL (benchmarks.source)")
    parser.add_argument("--rate", type=float, default=PACED_RATE, help="messages a second from the source")
    parser.add_argument("--markets", type=int, default=MARKETS, help="markets the simulator lists")
    parser.add_argument("--busy-seconds", type=float, default=2.0, help="the window before the load")
    parser.add_argument("--part", choices=("all", "load", "cached"), default="all",
                        help="only the load while the app runs (then the typing), or only the cached start")
    args = parser.parse_args()
    install_hooks()
    emit(asyncio.run(measure(args.url, source_url(args.feed, args.rate), args.markets, args.busy_seconds, args.part)))


if __name__ == "__main__":
    main()
