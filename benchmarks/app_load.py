"""The whole app under load: the real Textual dashboard headless (``App.run_test()``), fed by the source.

The markets pane is on screen with the ticker grid, one depth ladder and the trade tape. Figures:

* messages ingested per second, and **frames actually drawn** per second: every call of
  ``App._display`` with an update is a frame the compositor rendered; headless Textual skips
  turning it into terminal bytes, so the hook does that too (``render_segments``), as a terminal
  would cost;
* frame lag: from the feed announcing a change (its coalesced flush) to the next frame drawn;
  and the frame interval (time between two frames);
* the longest garbage-collection pause (``gc.callbacks``) and CPU use;
* with ``--presses N``: N times, Down/Up moves the grid's cursor to the next market and Enter
  switches the ladder to it; the latency of each key is the time from the key event being sent
  to the first frame that shows its effect (cursor on the row, ladder of that market active);
* with ``--messages M``: keeps going to M messages and samples resident memory on the way.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.console import RenderableType
from textual import events
from textual.app import App
from textual.screen import Screen

from app.core.state import Kind, MarketState
from app.feed.feed import Feed, FeedConfig
from app.tui.feed_bridge import MessageSink
from app.tui.main import KalshiDashApp
from benchmarks.common import (
    GcPauses,
    Window,
    base_parser,
    book_markets,
    emit,
    percentile,
    source_url,
)
from benchmarks.feed_state import memory_until
from widgets._textual.compositor import CompositorUpdate
from widgets.market.ticker_grid import TickerGrid

SIZE = (160, 50)


@dataclass
class Probe:
    """Frames drawn, change-to-frame lags and pending key presses, fed by the hooks."""

    frames: list[float] = field(default_factory=list)
    frame_bytes: int = 0
    lags: list[float] = field(default_factory=list)
    pending_change: float | None = None
    press: tuple[float, Callable[[], bool], asyncio.Future[float]] | None = None

    def changed(self) -> None:
        if self.pending_change is None:
            self.pending_change = time.perf_counter()

    def drawn(self) -> None:
        now = time.perf_counter()
        self.frames.append(now)
        if self.pending_change is not None:
            self.lags.append(now - self.pending_change)
            self.pending_change = None
        if self.press is not None:
            sent, shown, future = self.press
            if shown():
                self.press = None
                if not future.done():
                    future.set_result(now - sent)


PROBE = Probe()


def install_hooks() -> None:
    """Count frames at ``App._display`` (and pay the terminal encoding); note feed flushes."""
    display = App._display

    def counted_display(self: App[Any], screen: Screen[Any], renderable: RenderableType | None) -> None:
        if renderable is not None and not self._batch_count:
            if self.is_headless and isinstance(renderable, CompositorUpdate):
                PROBE.frame_bytes += len(renderable.render_segments(self.console))
            PROBE.drawn()
        display(self, screen, renderable)

    App._display = counted_display  # type: ignore[method-assign]
    on_changes = MessageSink.on_changes

    def noted_changes(self: MessageSink, kinds: Kind, books: frozenset[str]) -> None:
        PROBE.changed()
        on_changes(self, kinds, books)

    MessageSink.on_changes = noted_changes  # type: ignore[method-assign]


async def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def press(app: KalshiDashApp, key: str, shown: Callable[[], bool], timeout: float = 5.0,
                character: str | None = None) -> float:
    """Send ``key`` (typing ``character``, if any) as a terminal would; seconds until a frame shows
    ``shown()``."""
    future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    event = events.Key(key, character)
    event.set_sender(app)
    PROBE.press = (time.perf_counter(), shown, future)
    assert app._driver is not None
    app._driver.send_message(event)
    try:
        return await asyncio.wait_for(future, timeout)
    except TimeoutError:
        PROBE.press = None
        return timeout


def window_figures(probe_from: int, lag_from: int, window: Window, feed: Feed, gc_pauses: GcPauses) -> dict[str, Any]:
    elapsed = window.elapsed
    frames = PROBE.frames[probe_from:]
    intervals = [b - a for a, b in zip(frames, frames[1:])]
    lags = PROBE.lags[lag_from:]
    return {
        "messages_per_second": round(window.rate(feed.status().messages_total)),
        "frames_per_second": round(len(frames) / elapsed, 1),
        "cpu_percent": round(window.cpu_percent, 1),
        "frame_lag_p50_ms": round((percentile(lags, 50) or 0) * 1000, 1),
        "frame_lag_p99_ms": round((percentile(lags, 99) or 0) * 1000, 1),
        "frame_interval_p99_ms": round((percentile(intervals, 99) or 0) * 1000, 1),
        **gc_pauses.summary(),
    }


async def measure(url: str, seconds: float, warmup: float, presses: int, messages: int,
                  memory_seconds: float) -> dict[str, Any]:
    install_hooks()
    gc_pauses = GcPauses()
    gc_pauses.install()
    books = book_markets()
    state = MarketState()
    feed = Feed(FeedConfig(url=url), state)
    await feed.subscribe("orderbook_delta", books)
    app = KalshiDashApp(state, feed=feed, markets=[books[0]])
    result: dict[str, Any] = {}
    async with app.run_test(headless=True, size=SIZE):
        grid = app.dashboard.query_one(TickerGrid)
        await wait_until(lambda: all(state.is_live(t) for t in books) and grid.row_count > 100,
                         30, "live books and grid rows")
        await asyncio.sleep(warmup)

        # (3) and (4): throughput, frames, lag and GC while nothing else happens
        gc_pauses.pauses.clear()
        gc_pauses.recording = True
        window = Window(count_started=feed.status().messages_total)
        frames_from, lags_from = len(PROBE.frames), len(PROBE.lags)
        bytes_from = PROBE.frame_bytes
        await asyncio.sleep(seconds)
        result.update(window_figures(frames_from, lags_from, window, feed, gc_pauses))
        drawn = len(PROBE.frames) - frames_from
        result["bytes_per_frame"] = round((PROBE.frame_bytes - bytes_from) / max(1, drawn))

        # (4): keys under load
        if presses:
            cursor: list[float] = []
            switch: list[float] = []
            for index in range(presses):
                row = 1 - index % 2
                key = "down" if row == 1 else "up"
                cursor.append(await press(app, key, lambda row=row: grid.cursor_row == row))
                ticker = grid.cursor_ticker()

                def ladder_shown(ticker: str | None = ticker) -> bool:
                    ladder = app.dashboard.active_ladder()
                    return ladder is not None and ladder.ticker == ticker

                switch.append(await press(app, "enter", ladder_shown))
            result["keys"] = {
                "presses": presses,
                "switch_p50_ms": round(percentile(switch, 50) * 1000, 1),
                "switch_p95_ms": round(percentile(switch, 95) * 1000, 1),
                "cursor_p50_ms": round(percentile(cursor, 50) * 1000, 1),
                "cursor_p95_ms": round(percentile(cursor, 95) * 1000, 1),
                "timeouts": sum(1 for value in switch + cursor if value >= 5.0),
            }
            result["keys"]["gc_max_pause_ms"] = gc_pauses.summary()["gc_max_pause_ms"]
        gc_pauses.recording = False

        # (6): memory on the way to ``messages`` (for ``memory_seconds`` at most)
        if messages:
            result["memory"] = await memory_until(feed, messages, memory_seconds)
        status = feed.status()
        result.update({"gaps": status.gaps, "resyncs": status.resyncs, "parse_errors": status.parse_errors})
        ws = feed._ws
        if ws is not None:
            ws.transport.abort()  # no closing handshake behind megabytes of unread frames
        await feed.stop()
    return result


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=0, help="key presses under load")
    parser.add_argument("--messages", type=int, default=0, help="go on to this many messages (memory)")
    parser.add_argument("--memory-seconds", type=float, default=150.0, help="at most this long for --messages")
    args = parser.parse_args()
    result = asyncio.run(measure(source_url(args.url, args.rate), args.seconds, args.warmup,
                                 args.presses, args.messages, args.memory_seconds))
    emit(result)


if __name__ == "__main__":
    main()
