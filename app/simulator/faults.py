"""Faults on demand: dropped connections, seq gaps, lost frames, duplicates, bad frames, stalls.

Frame faults (``skip_seq``, ``drop_book``, ``drop_private``, ``duplicate``, ``malformed``,
``unknown_type`` and the hostile ones below) apply to the next data frames the server sends, on
whichever connection sends them first, so where they land in the stream depends only on the seed
and the commands, not on timing. :attr:`Faults.counts` tells how many of each were actually
injected.

The hostile frame faults send what no honest server sends (:mod:`app.simulator.hostile`), each
beside the frames it rides on, never instead of them: ``wrong_sid`` a copy of a book delta,
without ``seq`` and with a huge size, on the connection's ticker sid, or a copy of a ticker on its
book sid, whichever comes first; ``backwards_seq`` a book sid's previous delta again after a newer
one (its ``seq`` one or more behind, never the last: that is ``duplicate``); ``malformed_seq`` a
copy of a book delta whose ``seq`` is ``"x"``; ``hostile_text`` terminal control sequences in an
event's title, an RFQ's market or an error's text; ``bad_time`` a trade from after the year 9999, a
fill from before 1970, or an RFQ created at ``9999-12-31T23:59:59-23:59``. None of them uses up a
``seq`` number.

``skip_seq`` loses nothing: the frame goes out with a ``seq`` one too far. ``drop_book`` loses
data: an order book delta is never sent though its ``seq`` is used, so the book stays wrong until
the client resyncs it. ``drop_private`` loses a fill, order or position update; those carry no
``seq`` today, so the client cannot see the loss on the stream at all. Two gaps in a row on one
sid would look like one to the client, so no gap is made on a sid whose last gap was a withheld
frame not yet followed by another: each counted ``skip_seq`` or sequenced ``drop_book`` is one
gap the client sees.

Beside the faults, ``counts["resync_due"]`` counts the gaps made on order book sids that each
need a resync of their own: a gap made while an earlier one on that sid is unanswered by a
``get_snapshot`` shares that earlier gap's resync, and one among the snapshots that answer a
``get_snapshot`` needs none (they are the resync).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Protocol

FRAME_FAULTS = (
    "skip_seq", "drop_book", "drop_private", "duplicate", "malformed", "unknown_type",
    "wrong_sid", "backwards_seq", "malformed_seq", "hostile_text", "bad_time",
)
FAULT_NAMES = FRAME_FAULTS + (
    "drop", "stall", "data_envelope", "reject_handshake", "channel_error", "error", "resync_due",
)
MALFORMED_FRAME = '{"type":"orderbook_delta","sid":1,"seq":'
UNKNOWN_TYPE_FRAME = '{"type":"sim_surprise","msg":{"note":"a message type no client knows"}}'
HANDSHAKE_STATUSES = (401, 503)
CHANNEL_ERROR_CODES = (10, 25)
COMMAND_ERROR_CODES = (1, 18)


class FaultTarget(Protocol):
    """What a fault does to the server's connections (the :class:`~app.simulator.server.Simulator`)."""

    def drop_all(self) -> int: ...

    def pause_reading(self, seconds: float) -> None: ...

    def end_subscription(self, sid: int, code: int) -> int: ...


class Faults:
    """Fault injection for one :class:`~app.simulator.server.Simulator` (``sim.faults``)."""

    def __init__(self, sim: FaultTarget) -> None:
        self._sim = sim
        self._counts = dict.fromkeys(FAULT_NAMES, 0)
        self._pending = dict.fromkeys(FRAME_FAULTS, 0)
        self._every: dict[str, int] = {}
        self._seen = dict.fromkeys(FRAME_FAULTS, 0)
        self._data_envelope = False
        self._rejections: deque[int] = deque()
        self._command_errors: deque[int] = deque()
        self._stalled_until = 0.0
        self.stall_generation = 0
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def counts(self) -> dict[str, int]:
        """How many of each fault were actually injected."""
        return dict(self._counts)

    # -- the API --------------------------------------------------------------------------------

    def drop_connections(self) -> int:
        """Abort every open connection now (no close frame, like a network failure)."""
        dropped = self._sim.drop_all()
        self._counts["drop"] += dropped
        return dropped

    def drop_every(self, seconds: float | None) -> None:
        """Drop every connection every ``seconds`` (None or 0 stops it)."""
        self._periodic("drop", seconds, self.drop_connections)

    def skip_seq(self, n: int = 1) -> None:
        """The next ``n`` sequenced data frames each skip one ``seq`` number (a gap)."""
        self._pending["skip_seq"] += n

    def drop_book(self, n: int = 1) -> None:
        """The next ``n`` order book deltas are never sent; each one's ``seq`` is used up."""
        self._pending["drop_book"] += n

    def drop_private(self, n: int = 1) -> None:
        """The next ``n`` fill, user order or market position frames are never sent."""
        self._pending["drop_private"] += n

    def duplicate(self, n: int = 1) -> None:
        """The next ``n`` sequenced data frames are each sent twice (same ``seq``)."""
        self._pending["duplicate"] += n

    def malformed(self, n: int = 1) -> None:
        """A frame of broken JSON goes out before each of the next ``n`` data frames."""
        self._pending["malformed"] += n

    def unknown_type(self, n: int = 1) -> None:
        """A frame of an unknown ``type`` goes out before each of the next ``n`` data frames."""
        self._pending["unknown_type"] += n

    def wrong_sid(self, n: int = 1) -> None:
        """The next ``n`` book deltas (or tickers) are also sent, without seq, on the other's sid."""
        self._pending["wrong_sid"] += n

    def backwards_seq(self, n: int = 1) -> None:
        """After each of the next ``n`` book deltas, its sid's previous delta is sent again."""
        self._pending["backwards_seq"] += n

    def malformed_seq(self, n: int = 1) -> None:
        """Each of the next ``n`` book deltas is followed by a copy whose ``seq`` is ``"x"``."""
        self._pending["malformed_seq"] += n

    def hostile_text(self, n: int = 1) -> None:
        """The next ``n`` event lifecycles, RFQs or errors carry terminal control sequences."""
        self._pending["hostile_text"] += n

    def bad_time(self, n: int = 1) -> None:
        """The next ``n`` trades, fills or RFQs carry a time outside 1970 .. 9999."""
        self._pending["bad_time"] += n

    def every(self, name: str, frames: int | None) -> None:
        """Inject frame fault ``name`` on every ``frames``-th data frame (None or 0 stops it)."""
        if name not in FRAME_FAULTS:
            raise ValueError(f"{name!r} is not one of {FRAME_FAULTS}")
        if frames:
            self._every[name] = frames
        else:
            self._every.pop(name, None)

    def stall(self, seconds: float) -> None:
        """Send nothing, read nothing (so answer no pings) on every connection for ``seconds``."""
        loop = asyncio.get_running_loop()
        self._stalled_until = max(self._stalled_until, loop.time() + seconds)
        self.stall_generation += 1
        self._counts["stall"] += 1
        self._sim.pause_reading(seconds)

    def stall_every(self, period: float | None, seconds: float) -> None:
        """Stall for ``seconds`` every ``period`` seconds (None or 0 stops it)."""
        self._periodic("stall", period, lambda: self.stall(seconds))

    def data_envelope(self, on: bool = True) -> None:
        """Put every payload under ``data`` instead of ``msg`` (the Quick Start's variant)."""
        self._data_envelope = on

    def reject_next_handshake(self, status: int = 401, count: int = 1) -> None:
        """Answer the next ``count`` handshakes with HTTP ``status`` (401 or 503)."""
        if status not in HANDSHAKE_STATUSES:
            raise ValueError(f"status must be one of {HANDSHAKE_STATUSES}")
        self._rejections.extend([status] * count)

    def channel_error(self, sid: int, code: int = 10) -> int:
        """End subscription ``sid`` on every connection that has it with error 10 or 25."""
        if code not in CHANNEL_ERROR_CODES:
            raise ValueError(f"code must be one of {CHANNEL_ERROR_CODES}")
        ended = self._sim.end_subscription(sid, code)
        self._counts["channel_error"] += ended
        return ended

    def error(self, code: int = 1) -> None:
        """Answer the next command (on any connection) with error 1 or 18 instead of running it."""
        if code not in COMMAND_ERROR_CODES:
            raise ValueError(f"code must be one of {COMMAND_ERROR_CODES}")
        self._command_errors.append(code)

    def stop(self) -> None:
        """Cancel the periodic faults."""
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()

    # -- hooks used by the server and the sessions -----------------------------------------------

    def take(self, name: str) -> bool:
        """True (and counted) when frame fault ``name`` must be injected on this data frame."""
        if self._pending[name]:
            self._pending[name] -= 1
        else:
            period = self._every.get(name)
            if not period:
                return False
            self._seen[name] += 1
            if self._seen[name] % period:
                return False
        self._counts[name] += 1
        return True

    def count(self, name: str) -> None:
        """Count one ``name`` (``resync_due``)."""
        self._counts[name] += 1

    def payload_key(self) -> str:
        """``data`` while the data-envelope fault is on (counted per frame), else ``msg``."""
        if not self._data_envelope:
            return "msg"
        self._counts["data_envelope"] += 1
        return "data"

    def command_error(self) -> int | None:
        """The injected error for this command, if one is pending (counted)."""
        if not self._command_errors:
            return None
        self._counts["error"] += 1
        return self._command_errors.popleft()

    def handshake_rejection(self) -> int | None:
        """The HTTP status to reject this handshake with, if one is pending (counted)."""
        if not self._rejections:
            return None
        self._counts["reject_handshake"] += 1
        return self._rejections.popleft()

    def stream_frames(self, frames: list[str]) -> list[str]:
        """Data frames with any malformed or unknown-type frames injected before them."""
        out: list[str] = []
        for frame in frames:
            if self.take("malformed"):
                out.append(MALFORMED_FRAME)
            if self.take("unknown_type"):
                out.append(UNKNOWN_TYPE_FRAME)
            out.append(frame)
        return out

    @property
    def stalled(self) -> bool:
        """True while a stall is in force."""
        return asyncio.get_running_loop().time() < self._stalled_until

    async def wait_unstalled(self) -> None:
        """Return once no stall is in force."""
        loop = asyncio.get_running_loop()
        while (remaining := self._stalled_until - loop.time()) > 0:
            await asyncio.sleep(remaining)

    def _periodic(self, name: str, period: float | None, action: Callable[[], object]) -> None:
        task = self._tasks.pop(name, None)
        if task is not None:
            task.cancel()
        if period:
            self._tasks[name] = asyncio.get_running_loop().create_task(_repeat(period, action))


async def _repeat(period: float, action: Callable[[], object]) -> None:
    while True:
        await asyncio.sleep(period)
        action()
