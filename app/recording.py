"""Record every received frame to a file, and replay a file through the same feed logic.

A recording is JSON Lines, gzip-compressed when the name ends in ``.gz``. The first line is a
header (``{"kalshi_dash_recording": 1, ...}``: endpoint name, URL, channels, markets, program
version, start time; never any key material); each further line is one received frame,
``{"t": receive_time, "frame": raw_text}``, or one REST response the session used (catalog,
account), ``{"t": receive_time, "rest": {"path": ..., "query": {...}, "body": {...}}}`` (the
response only: never the request's signed headers). The file is flushed at least once a second, so
an interrupted recording loses at most a second.

:class:`Replay` feeds a recording's frames to :meth:`app.feed.Feed.process_frame`, paced by the
receive times scaled by ``speed`` (0 = as fast as possible), with pause, step and speed changes.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterator

from app import __version__

log = logging.getLogger("kalshi_dash.recording")

FORMAT_KEY = "kalshi_dash_recording"
FORMAT_VERSION = 1
FLUSH_INTERVAL = 1.0


class RecordingError(Exception):
    """A file that cannot be replayed (missing, empty, not a recording), said in one line."""


def _open(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return open(path, mode, encoding="utf-8")


class Recorder:
    """Writes frames with their receive times; use as the feed's ``recorder`` callback."""

    def __init__(self, path: str | Path, header: dict[str, Any]) -> None:
        self.path = Path(path)
        self.frames = 0
        self.responses = 0
        self.bytes = 0
        self._file = _open(self.path, "w")
        self._last_flush = time.monotonic()
        self._file.write(json.dumps({FORMAT_KEY: FORMAT_VERSION, "version": __version__,
                                     "started": time.time(), **header}) + "\n")
        self._file.flush()

    def __call__(self, frame: str | bytes, received: float) -> None:
        """Record one frame received at ``received`` (epoch seconds)."""
        text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
        line = json.dumps({"t": received, "frame": text}, ensure_ascii=False) + "\n"
        self._file.write(line)
        self.frames += 1
        self.bytes += len(line)
        self.flush_if_due()

    def rest(self, path: str, query: dict[str, str], body: dict[str, Any], received: float) -> None:
        """Record one REST response (``GET path?query`` answered ``body``) received at ``received``."""
        row = {"t": received, "rest": {"path": path, "query": query, "body": body}}
        line = json.dumps(row, ensure_ascii=False) + "\n"
        self._file.write(line)
        self.responses += 1
        self.bytes += len(line)
        self.flush_if_due()

    def flush_if_due(self) -> None:
        """Flush when the last flush is a second old (call it on a timer too, for quiet feeds)."""
        now = time.monotonic()
        if now - self._last_flush >= FLUSH_INTERVAL:
            self._file.flush()
            self._last_flush = now

    def describe(self) -> str:
        """``"session.jsonl.gz · 1,234 frames"``, for the status bar."""
        return f"{self.path.name} · {self.frames:,} frames"

    def close(self) -> None:
        """Flush and close the file."""
        if not self._file.closed:
            self._file.flush()
            self._file.close()


@dataclass(frozen=True, slots=True)
class RecordedFrame:
    """One frame of a recording and the time it was received."""

    received: float
    frame: str


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    """One REST response of a recording: the path and query asked, the JSON answered."""

    received: float
    path: str
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class RecordingFile:
    """A recording read into memory: its header, its frames, its REST responses, and how many
    lines were skipped."""

    header: dict[str, Any]
    frames: list[RecordedFrame]
    skipped: int
    responses: list[RecordedResponse] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> "RecordingFile":
        """Read a recording; raise :class:`RecordingError` when it is not one."""
        path = Path(path)
        if not path.is_file():
            raise RecordingError(f"recording not found: {path}")
        try:
            with _open(path, "r") as handle:
                return cls._parse(path, handle)
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            if isinstance(exc, (gzip.BadGzipFile, UnicodeDecodeError)):
                raise RecordingError(f"{path} is not a kalshi-dash recording ({exc})") from None
            if isinstance(exc, EOFError):
                raise RecordingError(f"{path} is a truncated gzip file") from None
            raise RecordingError(f"cannot read {path}: {exc}") from None

    @classmethod
    def _parse(cls, path: Path, handle: IO[str]) -> "RecordingFile":
        lines = _lines(handle)
        first = next(lines, None)
        if first is None or not first.strip():
            raise RecordingError(f"{path} is empty")
        try:
            header = json.loads(first)
        except json.JSONDecodeError:
            header = None
        if not isinstance(header, dict) or header.get(FORMAT_KEY) != FORMAT_VERSION:
            raise RecordingError(f"{path} is not a kalshi-dash recording (no header line)")
        frames: list[RecordedFrame] = []
        responses: list[RecordedResponse] = []
        skipped = 0
        for number, line in enumerate(lines, start=2):
            row = _row_from_line(line)
            if row is None:
                skipped += 1
                log.warning("%s line %d: corrupt or truncated, skipped", path, number)
            elif isinstance(row, RecordedFrame):
                frames.append(row)
            else:
                responses.append(row)
        return cls(header, frames, skipped, responses)


def _lines(handle: IO[str]) -> Iterator[str]:
    """Lines of ``handle``; a gzip stream cut short ends the iteration instead of raising."""
    try:
        yield from handle
    except EOFError:
        log.warning("recording ends in a truncated gzip stream")


def _row_from_line(line: str) -> RecordedFrame | RecordedResponse | None:
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(row, dict):
        return None
    received, frame, rest = row.get("t"), row.get("frame"), row.get("rest")
    if not isinstance(received, (int, float)):
        return None
    if isinstance(frame, str):
        return RecordedFrame(float(received), frame)
    if isinstance(rest, dict):
        path, query, body = rest.get("path"), rest.get("query"), rest.get("body")
        if isinstance(path, str) and isinstance(query, dict) and isinstance(body, dict):
            return RecordedResponse(float(received), path, {str(k): str(v) for k, v in query.items()}, body)
    return None


class Replay:
    """Plays a recording into a feed with real-time pacing scaled by ``speed``."""

    def __init__(self, recording: RecordingFile, feed: Any, speed: float = 1.0) -> None:
        self.recording = recording
        self.feed = feed
        self.speed = speed
        self.position = 0
        self._running = asyncio.Event()
        self._running.set()
        self._step = asyncio.Event()
        self._reanchor = False
        self.finished = asyncio.Event()

    @property
    def total(self) -> int:
        """Number of frames in the recording."""
        return len(self.recording.frames)

    @property
    def paused(self) -> bool:
        """True while paused."""
        return not self._running.is_set()

    def pause(self) -> None:
        """Stop playing after the current frame."""
        self._running.clear()

    def resume(self) -> None:
        """Play on from where it stopped."""
        self._running.set()

    def step(self) -> None:
        """While paused, play exactly one more frame."""
        self._step.set()

    def set_speed(self, speed: float) -> None:
        """Play on at ``speed`` (0: as fast as possible), paced from the current frame."""
        self.speed = max(0.0, speed)
        self._reanchor = True

    async def run(self, yield_every: int = 200) -> None:
        """Play every frame, then set :attr:`finished`."""
        frames = self.recording.frames
        clock_start = time.monotonic()
        origin = frames[0].received if frames else 0.0
        while self.position < len(frames):
            if not self._running.is_set():
                await self._wait_for_go()
                self._reanchor = True
            if self._reanchor:
                self._reanchor = False
                clock_start = time.monotonic()
                origin = frames[self.position].received
            item = frames[self.position]
            if self.speed > 0:
                due = clock_start + (item.received - origin) / self.speed
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            self.feed.process_frame(item.frame)
            self.position += 1
            if self.position % yield_every == 0:
                await asyncio.sleep(0)
        self.feed.flush()
        self.finished.set()

    async def _wait_for_go(self) -> None:
        """Wait while paused; a step lets one frame through and stays paused."""
        running = asyncio.ensure_future(self._running.wait())
        stepping = asyncio.ensure_future(self._step.wait())
        try:
            await asyncio.wait({running, stepping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            running.cancel()
            stepping.cancel()
        self._step.clear()
