"""The catalog at exchange scale: the real dashboard headless while 20,000 markets in 2,000 events
load from the simulator's REST API (``benchmarks.catalog_sim``, another process).

Figures:

* frames drawn per second and the frame interval p99 while the catalog streams into the state
  (the market runs meanwhile: the ticker channel keeps the screen busy);
* resident memory once the catalog is loaded;
* filter-as-you-type, per keystroke from the key sent to the frame that shows its result, p50 / p95:
  the grid's ``/`` filter and the market finder (``m``), each typing a word of titles;
* a second start with the catalog cached on disk: seconds from the app's start (imports done) to
  the first frame with every title known.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.widgets import Input

from app.feed.feed import Feed, FeedConfig
from app.tui.main import KalshiDashApp
from app.rest.client import RestClient, rest_base_url
from app.tui.screens.finder import FinderScreen
from app.core.state import MarketState
from benchmarks.app_load import PROBE, install_hooks, press, wait_until
from benchmarks.common import emit, percentile, rss_mb
from benchmarks.catalog_sim import MARKETS
from widgets.ticker_grid import TickerGrid

SIZE = (160, 50)
TYPED = "bitcoin 1"  # words of titles: each keystroke narrows the 20,000 markets


def dashboard(url: str, cache: Path) -> KalshiDashApp:
    """The dashboard on the simulator: a feed without a key and the REST client beside it."""
    state = MarketState()
    feed = Feed(FeedConfig(url=url, environment="SIM"), state)
    app = KalshiDashApp(state, feed, rest=RestClient(rest_base_url(url)), catalog_cache=cache)
    app.animation_level = "none"
    return app


def ms(values: list[float], q: float) -> float:
    return round((percentile(values, q) or 0) * 1000, 1)


async def typing(app: KalshiDashApp, shown_for: Any) -> list[float]:
    """Type :data:`TYPED` a key at a time; each key's latency to the frame that shows it."""
    latencies = []
    for count in range(1, len(TYPED) + 1):
        key = TYPED[count - 1]
        name = "space" if key == " " else key
        latencies.append(await press(app, name, shown_for(TYPED[:count]), character=key))
    return latencies


async def load(url: str, cache: Path, markets: int) -> dict[str, Any]:
    app = dashboard(url, cache)
    async with app.run_test(size=SIZE, headless=True) as pilot:
        state = app.market_state
        await wait_until(lambda: state.catalog.loading or state.catalog.complete, 30, "the catalog load to start")
        started, first = time.perf_counter(), len(PROBE.frames)
        await wait_until(lambda: state.catalog.complete, 120, "the catalog")
        elapsed = max(time.perf_counter() - started, 1e-3)
        frames = [t for t in PROBE.frames[first:]]
        intervals = [b - a for a, b in zip(frames, frames[1:])]
        assert len(state.catalog.markets) == markets, len(state.catalog.markets)
        await pilot.pause()
        memory = rss_mb()
        grid = app.dashboard.query_one(TickerGrid)
        await press(app, "slash", lambda: app.focused is not None and app.focused.id == "grid-filter", character="/")
        field = app.dashboard.query_one("#grid-filter", Input)
        grid_keys = await typing(app, lambda text: lambda: field.value == text and grid.filter_text == text.strip())
        await press(app, "escape", lambda: True)
        await press(app, "m", lambda: isinstance(app.screen, FinderScreen), character="m")
        finder = app.screen
        assert isinstance(finder, FinderScreen)
        finder_keys = await typing(app, lambda text: lambda: str(finder.query_one("#finder-count").render())
                                   .startswith(tuple("0123456789")) and finder.query_one("Input").value == text)
        await app.action_quit()
    return {
        "catalog_markets": len(state.catalog.markets),
        "catalog_seconds": round(elapsed, 2),
        "load_frames_per_second": round(len(frames) / elapsed, 1),
        "load_frame_interval_p99_ms": ms(intervals, 99),
        "rss_mb": round(memory, 1),
        "grid_key_p50_ms": ms(grid_keys, 50), "grid_key_p95_ms": ms(grid_keys, 95),
        "finder_key_p50_ms": ms(finder_keys, 50), "finder_key_p95_ms": ms(finder_keys, 95),
    }


async def cached_start(url: str, cache: Path, markets: int) -> float:
    """Seconds from the app's start to the first frame drawn with every title known (from the cache)."""
    app = dashboard(url, cache)
    started = time.perf_counter()
    async with app.run_test(size=SIZE, headless=True):
        state = app.market_state

        def titled() -> bool:
            return sum(1 for info in state.markets.values() if info.title) >= markets

        await wait_until(titled, 30, "titles from the cache")
        first = len(PROBE.frames)
        await wait_until(lambda: len(PROBE.frames) > first, 5, "a frame")
        shown = PROBE.frames[first] - started
        await app.action_quit()
    return round(shown, 2)


async def measure(url: str, markets: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "catalog.json"
        result = await load(url, cache, markets)
        result["cached_titles_s"] = await cached_start(url, cache, markets)
    return result


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the catalog simulator's ws:// URL")
    parser.add_argument("--markets", type=int, default=MARKETS, help="markets the simulator lists")
    args = parser.parse_args()
    install_hooks()
    emit(asyncio.run(measure(args.url, args.markets)))


if __name__ == "__main__":
    main()
