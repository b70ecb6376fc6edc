"""Recording files: header, frames, gzip, corrupt and truncated lines, files that are not recordings."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from app.core import protocol as p
from app.core.state import Kind, MarketState
from app.feed.feed import Feed, FeedConfig, NotConnected
from app.feed.recording import Recorder, RecordingError, RecordingFile, Replay

SNAPSHOT = json.dumps({"type": "orderbook_snapshot", "sid": 1, "seq": 1, "msg": {
    "market_ticker": "KX-1", "yes_dollars_fp": [["0.4100", "10.00"]], "no_dollars_fp": [["0.5500", "3.50"]]}})
SUBSCRIBED = json.dumps({"id": 1, "type": "subscribed", "msg": {"channel": "orderbook_delta", "sid": 1}})
DELTA = json.dumps({"type": "orderbook_delta", "sid": 1, "seq": 2, "msg": {
    "market_ticker": "KX-1", "price_dollars": "0.4100", "delta_fp": "-2.25", "side": "yes"}})


def _write(path: Path, frames: list[str]) -> None:
    recorder = Recorder(path, {"endpoint": "SIM", "channels": ["orderbook_delta"], "markets": ["KX-1"]})
    for index, frame in enumerate(frames):
        recorder(frame, 1000.0 + index)
    recorder.close()


@pytest.mark.parametrize("name", ["session.jsonl", "session.jsonl.gz"])
def test_round_trip_plain_and_gzip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _write(path, [SUBSCRIBED, SNAPSHOT, DELTA])
    loaded = RecordingFile.load(path)
    assert loaded.header["endpoint"] == "SIM"
    assert loaded.header["markets"] == ["KX-1"]
    assert [f.frame for f in loaded.frames()] == [SUBSCRIBED, SNAPSHOT, DELTA]
    assert [f.received for f in loaded.frames()] == [1000.0, 1001.0, 1002.0]
    assert loaded.skipped == 0
    if name.endswith(".gz"):
        assert path.read_bytes()[:2] == b"\x1f\x8b"


def test_truncated_and_corrupt_lines_are_counted_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    _write(path, [SUBSCRIBED, SNAPSHOT, DELTA])
    text = path.read_text()
    lines = text.splitlines()
    lines.insert(2, "{not json")
    path.write_text("\n".join(lines)[:-15])  # cut the last line short
    loaded = RecordingFile.load(path)
    assert [f.frame for f in loaded.frames()] == [SUBSCRIBED, SNAPSHOT]
    assert loaded.skipped == 2


def test_truncated_gzip_stream_keeps_what_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    _write(path, [SUBSCRIBED, SNAPSHOT, DELTA] * 50)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 20])
    loaded = RecordingFile.load(path)
    assert 0 < loaded.total <= 150
    assert next(loaded.frames()).frame == SUBSCRIBED


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "recording not found"),
        ("", "is empty"),
        ('{"type": "ticker"}\n', "is not a kalshi-dash recording"),
        ("hello world\n", "is not a kalshi-dash recording"),
    ],
)
def test_files_that_are_not_recordings(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "file.jsonl"
    if content is not None:
        path.write_text(content)
    with pytest.raises(RecordingError, match=message) as info:
        RecordingFile.load(path)
    assert "\n" not in str(info.value)


def test_plain_file_named_gz_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.jsonl.gz"
    path.write_text("not gzip at all\n")
    with pytest.raises(RecordingError, match="not a kalshi-dash recording"):
        RecordingFile.load(path)


def test_recorder_flushes_before_close(tmp_path: Path) -> None:
    path = tmp_path / "live.jsonl"
    recorder = Recorder(path, {"endpoint": "SIM"})
    recorder(SUBSCRIBED, 1.0)
    recorder._last_flush -= 2  # a second has passed since the last flush
    recorder(SNAPSHOT, 2.0)
    assert len(recorder.partial_path.read_text().splitlines()) == 3  # header and both frames on disk while open
    assert not path.exists()  # the name is taken when the recording is complete
    recorder.close()
    assert len(path.read_text().splitlines()) == 3 and not recorder.partial_path.exists()


async def test_replay_rebuilds_the_book_and_refuses_commands(tmp_path: Path) -> None:
    path = tmp_path / "book.jsonl.gz"
    _write(path, [SUBSCRIBED, SNAPSHOT, DELTA])
    state = MarketState()
    feed = Feed(FeedConfig(url="ws://127.0.0.1:1/trade-api/ws/v2", environment="REPLAY"), state)
    replay = Replay(RecordingFile.load(path), feed, speed=0)
    await feed.replay(replay)
    assert replay.position == replay.total == 3
    assert state.books["KX-1"].levels("yes") == {4100: 775}
    assert state.books["KX-1"].levels("no") == {5500: 350}
    assert "frame 3/3" in feed.status().detail
    with pytest.raises(NotConnected, match="replay"):
        await feed.subscribe("ticker")


async def test_replay_pause_and_step(tmp_path: Path) -> None:
    path = tmp_path / "steps.jsonl"
    _write(path, [SUBSCRIBED, SNAPSHOT, DELTA])
    feed = Feed(FeedConfig(url="ws://127.0.0.1:1/trade-api/ws/v2"), MarketState())
    replay = Replay(RecordingFile.load(path), feed, speed=0)
    replay.pause()
    task = asyncio.create_task(feed.replay(replay))
    await asyncio.sleep(0)
    assert replay.position == 0
    replay.step()
    await feed.wait_for(lambda: replay.position == 1, 2)
    assert replay.paused
    replay.resume()
    await asyncio.wait_for(task, 2)
    assert replay.position == 3


class _BrokenState(MarketState):
    """A state with a bug on one market (fault injection: our own code failing on a frame)."""

    def _on_ticker(self, m: p.Ticker) -> Kind:  # what the feed calls for a ticker (MarketState.appliers)
        if m.market_ticker == "KX-BUG":
            raise ZeroDivisionError("a bug of ours")
        return super()._on_ticker(m)


def test_a_bug_on_one_frame_is_counted_and_the_feed_goes_on() -> None:
    state = _BrokenState()
    feed = Feed(FeedConfig(url="ws://127.0.0.1:1/trade-api/ws/v2"), state)
    ticker = '{"type":"ticker","msg":{"market_ticker":"%s","price_dollars":"0.5000"}}'
    feed.process_frame(ticker % "KX-BUG")
    feed.process_frame(ticker % "KX-OK")
    assert feed.internal_errors == 1
    assert "KX-OK" in state.tickers
    assert "ZeroDivisionError" in feed.errors[-1].summary


def test_a_failing_recording_stops_recording_not_the_feed(tmp_path: Path) -> None:
    feed = Feed(FeedConfig(url="ws://127.0.0.1:1/trade-api/ws/v2"), MarketState())
    recorder = Recorder(tmp_path / "r.jsonl", {"endpoint": "SIM"})
    feed.start_recording(recorder)
    feed.process_frame(SUBSCRIBED)
    recorder._file.close()  # the file is gone from under the recorder (as on a failing disk)
    feed.process_frame(SNAPSHOT)
    assert feed.recorder is None
    assert feed.status().recording is None
    assert "stopped" in feed.errors[-1].summary
    assert feed.internal_errors == 0
