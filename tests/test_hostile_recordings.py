"""Hostile recordings: a replay streams with bounded memory and never freezes.

A 4 MB gzip file expanding to 4 GB once took 4.3 GB of memory (read whole); a line with
``"t": 1e400`` froze the replay for good.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from app.core.state import MarketState
from app.feed.feed import Feed, FeedConfig
from app.feed.recording import MAX_LINE_BYTES, RecordingError, RecordingFile, Replay
from tests.cli_support import assert_one_line_error, run_cli

HEADER = json.dumps({"kalshi_dash_recording": 1, "endpoint": "SIM"}) + "\n"
TICKER = json.dumps({"type": "ticker", "sid": 1, "msg": {"market_ticker": "KX-1", "price_dollars": "0.4100"}})


def _line(t: object) -> str:
    return f'{{"t": {t}, "frame": {json.dumps(TICKER)}}}\n'


def _feed() -> Feed:
    return Feed(FeedConfig(url="ws://127.0.0.1:1/trade-api/ws/v2", environment="REPLAY"), MarketState())


def test_a_gzip_bomb_line_is_an_error_naming_the_line_not_a_memory_blow_up(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    expanded = 8 * MAX_LINE_BYTES  # 256 MiB of one line, a few hundred KB on disk
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(HEADER.encode() + _line(1000.0).encode() + b'{"t": 1001, "frame": "')
        chunk = b"A" * 2**20
        for _ in range(expanded // len(chunk)):
            out.write(chunk)
    assert path.stat().st_size < expanded // 100
    tracemalloc.start()
    try:
        with pytest.raises(RecordingError, match="line 3 is longer than 32 MiB"):
            RecordingFile.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * MAX_LINE_BYTES  # one line at most, never the whole expansion


def test_a_long_recording_is_streamed_not_held(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl.gz"
    lines = 40_000
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(HEADER)
        out.writelines(_line(1000.0 + n / 1000) for n in range(lines))
    tracemalloc.start()
    try:
        recording = RecordingFile.load(path)
        count = sum(1 for _ in recording.frames())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert recording.total == count == lines
    assert peak < 2_000_000  # held whole, 40,000 frames take well over 10 MB


@pytest.mark.parametrize("bad", ["1e400", "-1e400", "NaN", "Infinity", "-5", "1e15", "true", '"1000"'])
async def test_a_bad_receive_time_is_skipped_and_counted_never_a_freeze(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "bad-time.jsonl"
    path.write_text(HEADER + _line(1000.0) + _line(bad) + _line(1000.01))
    recording = RecordingFile.load(path)
    assert (recording.total, recording.skipped) == (2, 1)
    replay = Replay(recording, _feed(), speed=1)
    async with asyncio.timeout(5):
        await replay.run()
    assert replay.position == 2


async def test_a_long_silence_gives_way_to_a_speed_change(tmp_path: Path) -> None:
    """A year between two frames at 1x: the keys (here ``set_speed``) still move the replay on."""
    path = tmp_path / "silence.jsonl"
    path.write_text(HEADER + _line(1000.0) + _line(1000.0 + 365 * 86_400))
    replay = Replay(RecordingFile.load(path), _feed(), speed=1)
    task = asyncio.create_task(replay.run())
    async with asyncio.timeout(5):
        while replay.position < 1:
            await asyncio.sleep(0)
        replay.set_speed(0)
        await task
    assert replay.position == 2 and replay.finished.is_set()


async def test_pause_and_step_also_interrupt_a_long_wait(tmp_path: Path) -> None:
    path = tmp_path / "silence.jsonl"
    path.write_text(HEADER + _line(1000.0) + _line(1000.0 + 365 * 86_400) + _line(1000.0 + 366 * 86_400))
    replay = Replay(RecordingFile.load(path), _feed(), speed=1)
    task = asyncio.create_task(replay.run())
    async with asyncio.timeout(5):
        while replay.position < 1:
            await asyncio.sleep(0)
        replay.pause()
        replay.step()
        while replay.position < 2:
            await asyncio.sleep(0)
        assert replay.paused and replay.position == 2  # one step: one frame, still paused
        replay.resume()
        replay.set_speed(0)
        await task
    assert replay.position == 3


@pytest.mark.parametrize("name, says", [("fifo", "a FIFO"), ("/dev/zero", "a device")])
def test_a_replay_of_a_fifo_or_device_is_one_line(tmp_path: Path, name: str, says: str) -> None:
    path = tmp_path / name
    if name == "fifo":
        os.mkfifo(path)
    assert_one_line_error(run_cli(tmp_path, "--replay", str(path)), "cannot replay", says)


@pytest.mark.parametrize("header, says", [
    ('{"kalshi_dash_recording": 1, "subscriptions": [{"sid": "1", "channel": "ticker"}]}', "subscriptions"),
    ('{"kalshi_dash_recording": 1, "subscriptions": [{"sid": 1}]}', "subscriptions"),
    ('{"kalshi_dash_recording": 1, "subscriptions": [{"sid": 1, "channel": "x", "markets": [1]}]}', "subscriptions"),
    ('{"kalshi_dash_recording": 1, "subscriptions": {"sid": 1}}', "subscriptions"),
    ('{"kalshi_dash_recording": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "no header line"),
], ids=["sid-text", "no-channel", "markets-numbers", "not-a-list", "nested-deep"])
def test_a_header_the_replay_cannot_use_is_one_line(tmp_path: Path, header: str, says: str) -> None:
    path = tmp_path / "header.jsonl"
    path.write_text(header + "\n" + _line(1000.0))
    assert_one_line_error(run_cli(tmp_path, "--replay", str(path)), "header.jsonl", says)
