"""The firehose source: the simulator's frames, pre-generated, served over loopback as fast as asked.

The built-in simulator makes each frame when it sends it (engine step, wire body, JSON, one
``send`` per frame): it tops out well below what a Python client can read (its own rate is one of
the figures), so it cannot show where a client's ceiling is, nor hold a paced 20,000 msg/s. This
source runs the simulator's socket-free engine ahead of time instead: ``Exchange.step()`` events,
rendered by ``app.simulator.wire`` into exactly the JSON the simulator sends, are kept as frame
templates; a connection then gets them with its own sids and ``seq`` numbers, framed by hand and
written to the socket in batches, so the source costs little next to the client it feeds.

Commands go to a real :class:`app.simulator.session.Session` (acks, errors, snapshots, ``seq``
taken by acks). Its exchange is a mirror of the books at the connection's place in the recording,
so a snapshot asked for at any time fits the deltas that follow. The recording loops; at each
wrap the books jump back to their first state and every subscribed book gets a fresh snapshot
(a subscriber sees a snapshot, never a gap).

The URL picks the pace: ``...?rate=20000`` sends 20,000 frames a second, no ``rate`` sends as fast
as the client reads (the socket's flow control holds the source back).

Run as ``python -m benchmarks.source [--steps N]``: prints the URL, serves until stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import hashlib
import pickle
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
import platformdirs
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from app.feed.auth import WS_PATH
from app.simulator import wire
from app.simulator.engine import Exchange
from app.simulator.events import BookChange
from app.simulator.session import UNSEQUENCED, Session

SEED = 7
EVENTS = 100
MARKETS = 1_000
BATCH = 256  # frames per socket write
PACED_TICK = 0.002

# (channel, market, head, tail, delta): the frame is head + sid [+ ,"seq":n] + tail
Record = tuple[str, "str | None", bytes, bytes, "tuple[str, str, int, int] | None"]
_encode = msgspec.json.Encoder().encode


def ws_frame(payload: bytes) -> bytes:
    """An unmasked, unfragmented WebSocket text frame (a server's frame) holding ``payload``."""
    size = len(payload)
    if size < 126:
        return bytes((0x81, size)) + payload
    if size < 65_536:
        return b"\x81\x7e" + size.to_bytes(2, "big") + payload
    return b"\x81\x7f" + size.to_bytes(8, "big") + payload


def _cache_path(steps: int) -> Path:
    """Where the recording for ``steps`` is kept, named by the simulator's source and settings."""
    digest = hashlib.sha256(f"{SEED} {EVENTS} {MARKETS} {steps}".encode())
    for path in sorted(Path(wire.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return Path(platformdirs.user_cache_dir("kalshi-dash-bench")) / f"records-{steps}-{digest.hexdigest()[:16]}.pickle"


def new_exchange() -> Exchange:
    """The benchmark's exchange: 1,000 markets, no settlements (the set of markets stays put)."""
    return Exchange(SEED, EVENTS, MARKETS, settle_every=0)


def generate(steps: int) -> list[Record]:
    """``steps`` engine steps as frame templates (cached on disk: generating takes a while)."""
    path = _cache_path(steps)
    if path.exists():
        try:
            return pickle.loads(path.read_bytes())
        except Exception:  # a torn or stale cache file: make it again
            pass
    exchange = new_exchange()
    records: list[Record] = []
    for _ in range(steps):
        for event in exchange.step():
            kind = wire.type_of(event, False)
            if kind is None:
                continue
            channel = wire.channel_of(event, False)
            head = b'{"type":"' + kind.encode() + b'","sid":'
            tail = b',"msg":' + _encode(wire.body(event, legacy=False)) + b"}"
            delta = None
            if isinstance(event, BookChange):
                delta = (event.market_ticker, event.side, event.price, event.delta)
            records.append((channel, event.market, head, tail, delta))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
    temporary.replace(path)
    for stale in path.parent.glob(f"records-{steps}-*.pickle"):  # made from older simulator code
        if stale != path:
            stale.unlink(missing_ok=True)
    return records


class MirrorExchange:
    """What a :class:`Session` asks of its exchange, answered from the recording at ``position``.

    A snapshot replays the market's recorded book changes before ``position`` onto its first
    state, so it fits exactly the frames that follow.
    """

    legacy = False

    def __init__(self, source: Source) -> None:
        self._source = source
        self.markets = source.base.markets
        self.position = 0

    def snapshot_levels(self, ticker: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]] | None:
        first = self._source.first_books.get(ticker)
        if first is None:
            return None
        sides = {"yes": dict(first[0]), "no": dict(first[1])}
        changes = self._source.book_changes.get(ticker, [])
        for _index, side, price, delta in changes[: bisect.bisect_left(changes, (self.position,))]:
            size = sides[side].get(price, 0) + delta
            if size:
                sides[side][price] = size
            else:
                del sides[side][price]
        return self.markets[ticker].market.market_id, sorted(sides["yes"].items()), sorted(sides["no"].items())

    def active_tickers(self) -> list[str]:
        return list(self._source.first_books)

    def ticker_event(self, ticker: str) -> Any:
        return None  # initial ticker snapshots are not part of the benchmark

    def tickers_by_id(self) -> dict[str, str]:
        return self._source.base.tickers_by_id()


class Source:
    """Serves the recording to every connection, each from its start."""

    def __init__(self, steps: int) -> None:
        self.records = generate(steps)
        self.base = new_exchange()
        self.first_books = {t: self.base.book_levels(t) for t in self.base.market_tickers()}
        self.book_changes: dict[str, list[tuple[int, str, int, int]]] = {}
        for index, (_channel, _market, _head, _tail, delta) in enumerate(self.records):
            if delta is not None:
                ticker, side, price, size = delta
                self.book_changes.setdefault(ticker, []).append((index, side, price, size))

    async def serve(self, host: str = "127.0.0.1") -> str:
        """Listen on a free port; the ``ws://`` URL."""
        self.server = await serve(self._handle, host, 0, ping_interval=None, max_size=2**20)
        port = self.server.sockets[0].getsockname()[1]
        return f"ws://{host}:{port}{WS_PATH}"

    async def _handle(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path).query) if ws.request else {}
        rate = float(query["rate"][0]) if "rate" in query else None
        mirror = MirrorExchange(self)
        session = Session(mirror, legacy=False)  # type: ignore[arg-type]
        transport = ws.transport
        streamer = asyncio.get_running_loop().create_task(self._stream(ws, session, mirror, rate))
        try:
            async for text in ws:
                frames = session.handle(text)
                if frames:
                    transport.write(b"".join(ws_frame(f.encode()) for f in frames))
        except ConnectionClosed:
            pass
        finally:
            streamer.cancel()
            await asyncio.gather(streamer, return_exceptions=True)

    async def _stream(self, ws: ServerConnection, session: Session, mirror: MirrorExchange,
                      rate: float | None) -> None:
        """Write the recording's frames this session subscribes to, paced or as fast as read."""
        records, total = self.records, len(self.records)
        by_channel = session._by_channel  # the live subscriptions by channel (sid, markets, seq)
        transport = ws.transport
        loop = asyncio.get_running_loop()
        position = sent = 0
        start = loop.time()
        try:
            while True:
                if not session.subscriptions:
                    await asyncio.sleep(0.01)
                    start, sent = loop.time(), 0
                    continue
                if rate is None:
                    budget = BATCH
                else:
                    await asyncio.sleep(PACED_TICK)
                    due = int((loop.time() - start) * rate) - sent
                    if due > rate * 0.05:  # never burst to catch up more than 50 ms
                        start = loop.time() - sent / rate
                        due = int(rate * 0.05)
                    budget = min(due, 4 * BATCH)
                    if budget <= 0:
                        continue
                out: list[bytes] = []
                scanned = 0
                while len(out) < budget and scanned < 32 * BATCH:
                    if position == total:  # the books go back to their first state
                        position = mirror.position = 0
                        out += [f.encode() for f in self._resnapshot(session)]
                    channel, market, head, tail, _delta = records[position]
                    position += 1
                    scanned += 1
                    sub = by_channel.get(channel)
                    if sub is None or (sub.markets is not None and market is not None
                                       and market not in sub.markets):
                        continue
                    if channel in UNSEQUENCED:
                        out.append(b"%b%d%b" % (head, sub.sid, tail))
                    else:
                        sub.seq += 1
                        out.append(b'%b%d,"seq":%d%b' % (head, sub.sid, sub.seq, tail))
                mirror.position = position
                if out:
                    transport.write(b"".join([ws_frame(payload) for payload in out]))
                    sent += len(out)
                    await ws.drain()
                if rate is None:
                    await asyncio.sleep(0)
        except (ConnectionClosed, ConnectionError):
            return

    @staticmethod
    def _resnapshot(session: Session) -> list[str]:
        """Snapshots of every subscribed book (the books just went back to the first step)."""
        frames: list[str] = []
        for sub in session.subscriptions.values():
            if sub.channel == "orderbook_delta" and sub.markets:
                frames += session._snapshots(sub, sub.markets)
        return frames


def market_tickers() -> list[str]:
    """The benchmark's 1,000 markets in creation order (the first ones are the busiest)."""
    return new_exchange().market_tickers()


async def _main(steps: int) -> None:
    source = Source(steps)
    url = await source.serve()
    print(url, flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # serve until the parent closes our stdin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=150_000, help="engine steps in the recording")
    args = parser.parse_args()
    try:
        asyncio.run(_main(args.steps))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
