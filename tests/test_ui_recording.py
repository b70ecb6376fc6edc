"""Recording from the dashboard: `R` starts and stops, the status bar says so, the file replays."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from textual.pilot import Pilot

from app.core import protocol as p
from app.core.state import MarketState
from app.feed.feed import Feed, FeedConfig
from app.feed.recording import RecordingFile, Replay
from app.tui.main import KalshiDashApp
from tests.test_ui_feed import SIZE, connected, eventually, sim_app


async def test_record_key_mid_session_gives_a_replayable_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # R names the file after the time, in the working directory
    app = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        tickers = sim.market_tickers()[:2]
        await app.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        await app.feed.wait_for(lambda: all(app.market_state.is_live(t) for t in tickers), 10)
        await pilot.press("R")
        assert app.feed.recorder is not None
        await eventually(pilot, lambda: app.feed.recorder.frames > 300
                         and all(app.market_state.is_live(t) for t in tickers))
        path = app.feed.recorder.path
        assert path.parent == Path(".") and path.name.startswith("kalshi-dash-") and path.suffix == ".gz"
        await eventually(pilot, lambda: f"● REC {path.name}" in str(app.dashboard.query_one("#feed-counters").content))
        sim.pause()
        await app.feed.settle()
        live_books = {t: (app.market_state.books[t].levels("yes"), app.market_state.books[t].levels("no"))
                      for t in tickers}
        await pilot.press("R")
        assert app.feed.recorder is None

    recording = RecordingFile.load(tmp_path / path)
    assert {row["channel"] for row in recording.header["subscriptions"]} >= {p.ORDERBOOK_DELTA, p.TICKER}
    state = MarketState()
    feed = Feed(FeedConfig(url="ws://replay", environment="REPLAY"), state)
    await feed.replay(Replay(recording, feed, speed=0))
    assert feed.gaps == 0 and feed.parse_errors == 0
    for ticker in tickers:
        assert state.is_live(ticker)
        assert (state.books[ticker].levels("yes"), state.books[ticker].levels("no")) == live_books[ticker]


@contextlib.asynccontextmanager
async def recording_to(target: Path, frames: int) -> AsyncIterator[tuple[KalshiDashApp, Pilot]]:
    """The dashboard on the simulator started with ``--record TARGET``, once it has recorded more
    than ``frames`` frames."""
    app = sim_app()
    app.record_path = str(target)
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        assert app.feed.recorder is not None
        await eventually(pilot, lambda: app.feed.recorder.frames > frames)
        yield app, pilot


async def test_quitting_while_recording_leaves_the_recording_under_its_name(tmp_path: Path) -> None:
    """The recording is written beside its name until it stops: leaving the app stops it."""
    target = tmp_path / "session.jsonl.gz"
    async with recording_to(target, 50) as (_app, pilot):
        await pilot.press("q")
    assert RecordingFile.load(target).total > 50
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


async def test_r_says_where_the_recording_is_when_its_name_was_taken_over(tmp_path: Path) -> None:
    """``R`` never claims a save that did not happen."""
    target = tmp_path / "swap.jsonl"
    async with recording_to(target, 10) as (app, pilot):
        recorder = app.feed.recorder
        target.symlink_to(tmp_path / "elsewhere")  # swapped in while recording
        await pilot.press("R")
        assert not recorder.saved and recorder.partial_path.exists() and target.is_symlink()
        (note,) = [n for n in app._notifications if n.title == "recording stopped"]
        assert note.severity == "error" and str(recorder.partial_path) in note.message
