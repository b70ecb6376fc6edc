"""The dashboard replaying a recording: REPLAY badge, the recorded data shown, pause and step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core import protocol as p
from app.core.feed_status import ConnectionState
from app.core.state import MarketState
from app.endpoint import DEFAULT_CHANNELS
from app.feed.recording import Recorder, RecordingFile
from app.tui.main import KalshiDashApp
from app.tui.messages import FeedStatus
from tests.ui_states import Scenario, status, until
from widgets.health.status_bar import StatusBar
from widgets.market.ticker_grid import TickerGrid

SIZE = (120, 40)


def record(path: Path, steps: int = 800) -> Scenario:
    """Record a simulator session (subscribed like the dashboard) to ``path``, frames 10 ms apart."""
    sim = Scenario()
    recorder = Recorder(path, {"endpoint": "SIM", "url": "ws://127.0.0.1:1/trade-api/ws/v2"})
    commands = [
        {"id": 1, "cmd": "subscribe", "params": {"channels": list(DEFAULT_CHANNELS), "send_initial_snapshot": True}},
        {"id": 2, "cmd": "subscribe", "params": {"channels": [p.ORDERBOOK_DELTA], "market_tickers": sim.tickers[:2]}},
    ]
    frames = [f for command in commands for f in sim.session.handle(json.dumps(command))]
    frames += sim.frames(steps)
    for n, frame in enumerate(frames):
        recorder(frame, 1_764_150_000 + n / 100)
        sim.apply([frame])
    recorder.close()
    return sim


async def test_a_replay_shows_the_recorded_markets_and_says_replay(tmp_path: Path) -> None:
    sim = record(tmp_path / "session.jsonl")
    app = KalshiDashApp(MarketState(), environment="REPLAY", markets=[sim.tickers[0]],
                        replay=RecordingFile.load(tmp_path / "session.jsonl"), replay_speed=0)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.replay is not None and app.replay.finished.is_set())
        grid = app.dashboard.query_one(TickerGrid)
        await until(pilot, lambda: set(grid.visible_tickers()) == set(sim.state.tickers))
        ladder = app.dashboard.ladders()[sim.tickers[0]]
        await until(pilot, lambda: ladder.live)
        assert app.market_state.books[sim.tickers[0]] == sim.state.books[sim.tickers[0]]
        assert str(app.dashboard.query_one("#env-badge").content).strip() == "REPLAY"
        assert "▶ REPLAY" in ladder.render_line(0).text and "LIVE" not in ladder.render_line(0).text
        # at the end of the file the bar says so, with no wall-clock age, rate or latency
        bar = app.dashboard.query_one(StatusBar)
        await until(pilot, lambda: bar.status is not None and bar.status.replay == "ended")
        assert bar.feed_label == "■ REPLAY ended"
        counters = str(bar.query_one("#feed-counters").content)
        assert "latency" not in counters and " ago" not in counters and "msg/s" not in counters


async def test_space_pauses_the_replay_and_n_steps_one_frame(tmp_path: Path) -> None:
    record(tmp_path / "session.jsonl", steps=400)
    app = KalshiDashApp(MarketState(), environment="REPLAY",
                        replay=RecordingFile.load(tmp_path / "session.jsonl"), replay_speed=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.replay is not None and app.replay.position > 0)
        await pilot.press("space")
        assert app.replay.paused
        bar = app.dashboard.query_one(StatusBar)
        await until(pilot, lambda: bar.feed_label == "‖ REPLAY paused")  # not ▶ while paused
        position = app.replay.position
        await pilot.press("n")
        await until(pilot, lambda: app.replay.position == position + 1)
        await pilot.press("space")
        assert not app.replay.paused
        await until(pilot, lambda: bar.feed_label == "▶ REPLAY")


async def test_replay_keys_are_off_and_out_of_the_palette_when_live() -> None:
    app = KalshiDashApp(MarketState())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.check_action("replay_pause", ()) is False
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Pause/play replay" not in titles and "Subscribe" in titles


DATA = Path(__file__).parent / "data" / "sim-session.jsonl.gz"
DATA_LADDER = "KXFEDDECISION-25DEC-H0"


def replay_app(speed: float) -> KalshiDashApp:
    """The dashboard replaying the committed recording ``tests/data/sim-session.jsonl.gz``."""
    return KalshiDashApp(MarketState(), environment="REPLAY", markets=[DATA_LADDER],
                         replay=RecordingFile.load(DATA), replay_speed=speed)


async def test_plus_and_minus_change_the_replay_speed() -> None:
    app = replay_app(speed=0.01)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.replay is not None and app.replay.position > 0)
        await pilot.press("plus", "plus")
        assert app.replay.speed == 0.04
        await pilot.press("minus")
        assert app.replay.speed == 0.02
        assert app.check_action("toggle_recording", ()) is False  # no recording of a replay


@pytest.mark.parametrize("size", [SIZE, (80, 24), (160, 48)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_replay_of_the_committed_recording_snapshot(snap_compare, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        app = pilot.app
        await until(pilot, lambda: app.replay is not None and app.replay.finished.is_set())
        await until(pilot, lambda: all(w.is_finished for w in app.workers if w.name == "feed"))
        app.dashboard.post_message(FeedStatus(status(
            ConnectionState.REPLAY, environment="REPLAY", messages_per_second=0.0, last_data_age=None,
            latency_ms=None, replay="ended", detail=f"frame {app.replay.total:,}/{app.replay.total:,} at 0x")))
        await until(pilot, lambda: app.dashboard.ladders()[DATA_LADDER].live)
        await until(pilot, lambda: not app.dashboard.query_one(TickerGrid).redraw_pending)
        await pilot.pause()

    assert snap_compare(replay_app(speed=0), terminal_size=size, run_before=run_before)
