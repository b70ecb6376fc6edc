"""Record every received frame to a file, and replay a file through the same feed logic.

A recording is JSON Lines, gzip-compressed when the name ends in ``.gz``. The first line is a
header (``{"kalshi_dash_recording": 1, ...}``: endpoint name, URL, channels, markets, program
version, start time; never any key material); each further line is one received frame,
``{"t": receive_time, "frame": raw_text}``, or one REST response the session used (catalog,
account), ``{"t": receive_time, "rest": {"path": ..., "query": {...}, "body": {...}}}`` (the
response only: never the request's signed headers). The file is written beside its name, private
(mode 0600), and takes its name when the recording ends; it is flushed at least once a second, so
a recording killed mid-way loses at most a second (in the ``.NAME.*.part`` file beside the name).

A recording is read as a stream: checked once through when loaded, then read again frame by frame
as it plays, so its size never sets the memory used (only its REST responses are kept); a line
longer than :data:`MAX_LINE_BYTES` ends the reading with an error naming it.

:class:`Replay` feeds a recording's frames to :meth:`app.feed.feed.Feed.process_frame`, paced by the
receive times scaled by ``speed`` (0 = as fast as possible), with pause, step and speed changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import io
import json
import logging
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from app import __version__
from app.core.small_files import FileRefused, open_regular
from app.feed.private_output import OutputError, PrivateOutput
from app.feed.ws_url import without_credentials

log = logging.getLogger("kalshi_dash.recording")

FORMAT_KEY = "kalshi_dash_recording"
FORMAT_VERSION = 1
FLUSH_INTERVAL = 1.0
# The longest line read: a frame is at most 16 MiB (the feed's max_size), and its JSON escaping
# rarely more than doubles it. A longer line is an error, read no further.
MAX_LINE_BYTES = 2**25
MAX_SPEED = 1024.0  # the fastest paced replay (``--speed``, ``+``)
# Receive times are epoch seconds: anything outside [0, 2**32) (1970 to 2106) is not one.
MAX_RECEIVED = float(2**32)


class RecordingError(Exception):
    """A file that cannot be replayed (missing, empty, not a recording), or a recording that
    cannot be written, said in one line."""


class Recorder:
    """Writes frames with their receive times; use as the feed's ``recorder`` callback.

    The file is written beside ``path`` (mode 0600) and becomes ``path`` on :meth:`close`;
    :meth:`discard` removes it instead (see :class:`app.feed.private_output.PrivateOutput`).
    """

    def __init__(self, path: str | Path, header: dict[str, Any]) -> None:
        self.path = Path(path)
        self.frames = 0
        self.responses = 0
        self.bytes = 0
        try:
            self._output = PrivateOutput(self.path)
        except OutputError as exc:
            raise RecordingError(f"cannot write the recording to {self.path}: {exc}") from None
        raw: IO[bytes] = self._output.file
        if self.path.suffix == ".gz":
            raw = gzip.GzipFile(filename=self.path.name, mode="wb", fileobj=raw)  # type: ignore[assignment]
        self._file = io.TextIOWrapper(raw, encoding="utf-8")
        self._last_flush = time.monotonic()
        if "url" in header:
            header = {**header, "url": without_credentials(str(header["url"]))}
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

    @property
    def saved(self) -> bool:
        """True once the closed recording has taken its name (:attr:`path`)."""
        return self._output.committed

    @property
    def partial_path(self) -> Path:
        """Where the recording is written until it is closed (beside :attr:`path`)."""
        return self._output.temporary

    def describe(self) -> str:
        """``"session.jsonl.gz · 1,234 frames"``, for the status bar."""
        return f"{self.path.name} · {self.frames:,} frames"

    def close(self) -> None:
        """Flush and close the file, and rename it to :attr:`path`."""
        if not self._file.closed:
            self._file.close()
            self._output.commit()

    def discard(self) -> None:
        """Close the file and remove it: nothing is left at (or removed from) :attr:`path`."""
        if not self._file.closed:
            with contextlib.suppress(OSError, ValueError):
                self._file.close()
        self._output.discard()


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
    """A recording checked end to end: its header, how many frames it holds, its REST responses
    and how many lines were skipped. The frames are read from the file as they are played
    (:meth:`frames`), never held in memory all at once."""

    path: Path
    header: dict[str, Any]
    total: int
    skipped: int
    responses: list[RecordedResponse] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path) -> RecordingFile:
        """Read a recording through once; raise :class:`RecordingError` when it is not one."""
        path = Path(path)
        total = skipped = 0
        responses: list[RecordedResponse] = []
        with _reading(path) as lines:
            header = _header(path, next(lines, None))
            for number, line in lines:
                row = _row_from_line(line)
                if row is None:
                    skipped += 1
                    log.warning("%s line %d: corrupt or truncated, skipped", path, number)
                elif isinstance(row, RecordedFrame):
                    total += 1
                else:
                    responses.append(row)
        return cls(path, header, total, skipped, responses)

    def frames(self) -> Iterator[RecordedFrame]:
        """The frames, read from the file one line at a time (skipped lines left out)."""
        with _reading(self.path) as lines:
            next(lines, None)
            for _number, line in lines:
                row = _row_from_line(line)
                if isinstance(row, RecordedFrame):
                    yield row


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[Iterator[tuple[int, bytes]]]:
    """The numbered lines of the file at ``path`` (gunzipped when it ends in .gz); every problem
    reading it is a :class:`RecordingError`."""
    try:
        raw = open_regular(path)
    except FileNotFoundError:
        raise RecordingError(f"recording not found: {path}") from None
    except FileRefused as exc:
        raise RecordingError(f"cannot replay {path}: {exc}") from None
    except OSError as exc:
        raise RecordingError(f"cannot read {path}: {exc.strerror or exc}") from None
    with raw:
        handle: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if path.suffix == ".gz" else raw  # type: ignore[assignment]
        try:
            yield _lines(path, handle)
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise RecordingError(f"{path} is not a kalshi-dash recording ({exc})") from None
        except OSError as exc:
            raise RecordingError(f"cannot read {path}: {exc.strerror or exc}") from None


def _lines(path: Path, handle: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Numbered lines of ``handle``, each at most :data:`MAX_LINE_BYTES`; a gzip stream cut short
    ends the iteration instead of raising."""
    number = 0
    try:
        while line := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(line) > MAX_LINE_BYTES:
                raise RecordingError(f"{path} line {number} is longer than {MAX_LINE_BYTES // 2**20} MiB: "
                                     "not a kalshi-dash recording")
            yield number, line
    except EOFError:
        log.warning("%s ends in a truncated gzip stream", path)


def _header(path: Path, first: tuple[int, bytes] | None) -> dict[str, Any]:
    if first is None or not first[1].strip():
        raise RecordingError(f"{path} is empty")
    try:
        header = json.loads(first[1])
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get(FORMAT_KEY) != FORMAT_VERSION:
        raise RecordingError(f"{path} is not a kalshi-dash recording (no header line)")
    subscriptions = header.get("subscriptions", [])
    if not isinstance(subscriptions, list) or not all(map(_is_subscription, subscriptions)):
        raise RecordingError(f"{path}: the header's subscriptions are not a list of "
                             "{sid, channel, markets, last_seq}")
    if "url" in header:
        header["url"] = without_credentials(str(header["url"]))
    return header


def _is_subscription(row: object) -> bool:
    """True for a header's subscription row: whole sid and seq, a channel, markets or null."""
    if not isinstance(row, dict):
        return False
    sid, channel, markets, last_seq = row.get("sid"), row.get("channel"), row.get("markets"), row.get("last_seq", 0)
    return (type(sid) is int and type(last_seq) is int and isinstance(channel, str)
            and (markets is None or (isinstance(markets, list) and all(isinstance(m, str) for m in markets))))


def _row_from_line(line: bytes) -> RecordedFrame | RecordedResponse | None:
    """The frame or REST response of one line, or None for a line that is neither (not JSON, or a
    receive time that is not a finite epoch time)."""
    try:
        row = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(row, dict):
        return None
    received, frame, rest = row.get("t"), row.get("frame"), row.get("rest")
    if isinstance(received, bool) or not isinstance(received, (int, float)):
        return None
    if not 0 <= received < MAX_RECEIVED:  # NaN and infinities fail this too
        return None
    if isinstance(frame, str):
        return RecordedFrame(float(received), frame)
    if isinstance(rest, dict):
        path, query, body = rest.get("path"), rest.get("query"), rest.get("body")
        if isinstance(path, str) and isinstance(query, dict) and isinstance(body, dict):
            return RecordedResponse(float(received), path, {str(k): str(v) for k, v in query.items()}, body)
    return None


class Replay:
    """Plays a recording into a feed with real-time pacing scaled by ``speed``.

    A wait for the next frame's time ends early on a pause, a step or a speed change, so a long
    silence in a recording never holds the keys up.
    """

    def __init__(self, recording: RecordingFile, feed: Any, speed: float = 1.0) -> None:
        self.recording = recording
        self.feed = feed
        self.speed = speed
        self.position = 0
        self._running = asyncio.Event()
        self._running.set()
        self._step = asyncio.Event()
        self._wake = asyncio.Event()
        self._reanchor = False
        self.finished = asyncio.Event()

    @property
    def total(self) -> int:
        """Number of frames in the recording."""
        return self.recording.total

    @property
    def paused(self) -> bool:
        """True while paused."""
        return not self._running.is_set()

    def pause(self) -> None:
        """Stop playing after the current frame."""
        self._running.clear()
        self._wake.set()

    def resume(self) -> None:
        """Play on from where it stopped."""
        self._running.set()

    def step(self) -> None:
        """While paused, play exactly one more frame."""
        self._step.set()

    def set_speed(self, speed: float) -> None:
        """Play on at ``speed`` (0: as fast as possible; at most :data:`MAX_SPEED`), paced from the
        current frame."""
        self.speed = min(MAX_SPEED, max(0.0, speed))
        self._reanchor = True
        self._wake.set()

    async def run(self, yield_every: int = 200) -> None:
        """Play every frame, then set :attr:`finished`."""
        clock_start = time.monotonic()
        origin: float | None = None
        try:
            with contextlib.closing(self.recording.frames()) as frames:  # type: ignore[type-var]  # a generator
                item = next(frames, None)
                while item is not None:
                    if not self._running.is_set():
                        await self._wait_for_go()
                        self._reanchor = True
                    if self._reanchor or origin is None:
                        self._reanchor = False
                        clock_start = time.monotonic()
                        origin = item.received
                    if self.speed > 0:
                        due = clock_start + (item.received - origin) / self.speed
                        if due > time.monotonic():
                            await self._sleep_until(due)
                            continue  # on time, paused, stepped or at a new speed: look again
                    self.feed.process_frame(item.frame)
                    self.position += 1
                    if self.position % yield_every == 0:
                        await asyncio.sleep(0)
                    item = next(frames, None)
        except RecordingError as exc:  # the file changed since it was checked
            log.warning("replay stopped: %s", exc)
        self.feed.flush()
        self.finished.set()

    async def _sleep_until(self, due: float) -> None:
        """Wait until the monotonic time ``due``, or until a pause or a speed change."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), due - time.monotonic())

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
