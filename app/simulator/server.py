"""The simulator as a real Kalshi WS v2 server on loopback (``websockets``' Sans-I/O layer).

The handshake is checked before the upgrade: a registered ``KALSHI-ACCESS-KEY``, a
``KALSHI-ACCESS-TIMESTAMP`` within the clock skew and an RSA-PSS ``KALSHI-ACCESS-SIGNATURE`` over
``timestamp + "GET" + "/trade-api/ws/v2"``; anything else is an HTTP 401. Each connection gets a
:class:`~app.simulator.session.Session`; one market task steps the shared
:class:`~app.simulator.engine.Exchange` and hands every step's events to every connection.

HTTP requests under ``/trade-api/v2`` on the same port are the REST API, reads and order writes
(:mod:`app.simulator.trade_http`); the front door (:mod:`app.simulator.front_door`) sends each
connection its way by the request's target.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import deque
from http import HTTPStatus
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request, Response

from app.feed.auth import HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, WS_PATH, verify
from app.simulator.config import SimConfig
from app.simulator.engine import Exchange
from app.simulator.events import Event
from app.simulator.faults import Faults
from app.simulator.front_door import FrontDoor
from app.simulator.rest import REST_PREFIX, RestApi, RestFaults
from app.simulator.rest_orders import OrderDesk
from app.simulator.session import Session
from app.simulator.trade_http import TradeHttp
from app.simulator.ws_server import SimSocket

LOG = logging.getLogger(__name__)
HEARTBEAT = b"heartbeat"
FIREHOSE_BATCH = 64
LOW_WATER_FRACTION = 4  # a firehose resumes once a connection's buffer is down to a quarter
MAX_TICK = 0.05
MAX_COMMAND = 2**20  # bytes: a larger message from a client fails its connection (1009)


def wall_clock_ms() -> int:
    """Now, in epoch milliseconds."""
    return time.time_ns() // 1_000_000


class Connection:
    """One client: its session, a bounded outbox drained by a writer task, and its heartbeat."""

    def __init__(self, sim: Simulator, ws: SimSocket, session: Session) -> None:
        self.sim = sim
        self.ws = ws
        self.session = session
        self._outbox: deque[str] = deque()
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()

    @property
    def pending(self) -> int:
        """Frames queued and not yet handed to the socket."""
        return len(self._outbox)

    def send(self, frames: list[str]) -> None:
        """Queue frames for the writer."""
        if frames:
            self._outbox.extend(frames)
            self._drained.clear()
            self._wake.set()

    def publish(self, events: list[Event]) -> None:
        """Queue this connection's data frames for ``events`` (with stream faults injected)."""
        frames = self.session.publish(events)
        if not frames:
            return
        self.send(self.sim.faults.stream_frames(frames))
        if not self.sim.config.firehose and self.pending > self.sim.config.send_buffer:
            self.send(self.session.end_all(25))

    async def wait_drained(self) -> None:
        """Return once the outbox is down to the low-water mark."""
        await self._drained.wait()

    def drop(self) -> None:
        """Abort the TCP connection (no close frame)."""
        transport = self.ws.transport
        if transport is not None:
            transport.abort()

    async def write_loop(self) -> None:
        """Hand queued frames to the socket, one at a time, honouring stalls and backpressure."""
        low_water = self.sim.config.send_buffer // LOW_WATER_FRACTION
        faults = self.sim.faults
        try:
            while True:
                if not self._outbox:
                    self._drained.set()
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                await faults.wait_unstalled()
                await self.ws.send(self._outbox.popleft())
                if len(self._outbox) <= low_water:
                    self._drained.set()
        except ConnectionClosed:
            pass
        finally:  # never leave a firehose waiting on a connection that is gone
            self._drained.set()

    async def ping_loop(self) -> None:
        """Ping with body ``heartbeat`` every interval; drop a client that stops answering."""
        config = self.sim.config
        timeout = config.ping_timeout or config.ping_interval
        faults = self.sim.faults
        try:
            while True:
                await asyncio.sleep(config.ping_interval)
                await faults.wait_unstalled()
                pong = await self.ws.ping(HEARTBEAT)
                while True:
                    generation = faults.stall_generation
                    try:
                        await asyncio.wait_for(asyncio.shield(pong), timeout)
                        break
                    except TimeoutError:
                        if generation == faults.stall_generation and not faults.stalled:
                            self.drop()
                            return
        except ConnectionClosed:
            return


class Simulator:
    """The built-in exchange simulator: a Kalshi WS v2 server with a simulated exchange behind it.

    Truth for tests is read from it in app.core.fixed units: :meth:`book_levels`, :meth:`ticker_state`
    (ticker fields and ``status``), :meth:`position` (``position``, ``position_cost``,
    ``realized_pnl``, ``fees_paid``, ``position_fee_cost``, ``volume``).
    """

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        frozen = self.config.frozen_time_ms
        self.exchange = Exchange(
            self.config.seed, self.config.events, self.config.markets, legacy=self.config.legacy,
            clock_ms=(lambda: frozen) if frozen is not None else wall_clock_ms,
            settle_every=self.config.settle_every,
        )
        self.faults = Faults(self)
        self.rest = RestApi(
            self.exchange, self._credential_problem, legacy=self.config.legacy,
            read_limit=self.config.rest_read_limit,
            faults=RestFaults(self.config.rest_429_every, self.config.rest_5xx_every, self.config.rest_slow),
        )
        self.orders = OrderDesk(self.exchange, self._publish, legacy=self.config.legacy)
        self.trade = TradeHttp(self.rest, self.orders, self._credential_problem)
        self.received_commands: list[dict[str, Any]] = []
        self.handshakes_accepted = 0
        self.handshakes_rejected = 0
        self.url: str | None = None
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        self._identities: weakref.WeakKeyDictionary[SimSocket, str] = weakref.WeakKeyDictionary()
        self._sockets: weakref.WeakSet[SimSocket] = weakref.WeakSet()
        self._connections: dict[Connection, None] = {}
        self._server: asyncio.Server | None = None
        self._rest_protocol: Any = None  # aiohttp's protocol factory, once started
        self._market_task: asyncio.Task[None] | None = None
        self._running: asyncio.Event | None = None
        self._paused = False
        self.firehose_waiting = False  # True while the firehose waits for a slow connection

    # -- lifecycle ------------------------------------------------------------------------------

    def register_key(self, key_id: str, public_key: rsa.RSAPublicKey) -> None:
        """Accept handshakes signed by ``public_key`` under ``key_id``."""
        self._keys[key_id] = public_key

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen (port 0: any free port) and start market activity; returns the ``ws://`` URL."""
        loop = asyncio.get_running_loop()
        self._rest_protocol = await self.trade.setup()
        self._server = await loop.create_server(lambda: FrontDoor(self._route), host, port)
        bound_port = self._server.sockets[0].getsockname()[1]
        self.url = f"ws://{host}:{bound_port}{WS_PATH}"
        self.trade.url = f"http://{host}:{bound_port}{REST_PREFIX}"
        self._running = asyncio.Event()
        if not self._paused:
            self._running.set()
        self._market_task = loop.create_task(self._market_loop())
        return self.url

    async def stop(self) -> None:
        """Stop market activity and faults, close every connection and the listener.

        Re-raises whatever made market activity fail, so a broken engine cannot go unnoticed.
        """
        self.faults.stop()
        task, self._market_task = self._market_task, None
        try:
            if task is not None:
                task.cancel()
                await asyncio.wait([task])
                if not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        finally:
            server, self._server = self._server, None  # a second stop, even during this one, does nothing
            if server is not None:
                server.close()
                await asyncio.gather(*(socket.close(CloseCode.GOING_AWAY) for socket in list(self._sockets)))
                await self.trade.stop()
                await server.wait_closed()

    def pause(self) -> None:
        """Stop market activity (commands are still answered)."""
        self._paused = True
        if self._running is not None:
            self._running.clear()

    def resume(self) -> None:
        """Restart market activity (a ``rate`` of 0 without ``firehose`` has none to restart)."""
        self._paused = False
        if self._running is not None:
            self._running.set()

    def step(self, n: int = 1) -> None:
        """Advance the exchange ``n`` steps now and send the resulting frames."""
        for _ in range(n):
            self._publish(self.exchange.step())

    def _publish(self, events: list[Event]) -> None:
        """Send ``events`` (the exchange's or an order's) to every connection."""
        if events:
            for connection in list(self._connections):
                connection.publish(events)

    # -- truth ----------------------------------------------------------------------------------

    def book_levels(self, ticker: str) -> tuple[dict[int, int], dict[int, int]]:
        """(yes bids, no bids) of a market as ``{price: size}``."""
        return self.exchange.book_levels(ticker)

    def ticker_state(self, ticker: str) -> dict[str, object]:
        """A market's ticker fields (price, yes_bid, yes_ask, sizes, volume, ...) and ``status``."""
        return self.exchange.ticker_state(ticker)

    def position(self, ticker: str) -> dict[str, int]:
        """The account's position in a market and its money (zeros when never traded)."""
        event = self.exchange.account.position_event(ticker)
        return {
            "position": event.position, "position_cost": event.position_cost,
            "realized_pnl": event.realized_pnl, "fees_paid": event.fees_paid,
            "position_fee_cost": event.position_fee_cost, "volume": event.volume,
        }

    def market_tickers(self) -> list[str]:
        """Every market listed so far, in creation order (settled ones included)."""
        return self.exchange.market_tickers()

    def event_tickers(self) -> list[str]:
        """Every event listed so far, in creation order."""
        return self.exchange.event_tickers()

    @property
    def connection_count(self) -> int:
        """Connections open now."""
        return len(self._connections)

    @property
    def pending_frames(self) -> int:
        """The most frames any connection has queued and not yet written to its socket."""
        return max((connection.pending for connection in self._connections), default=0)

    # -- used by faults -------------------------------------------------------------------------

    def drop_all(self) -> int:
        """Abort every open connection; how many there were."""
        connections = list(self._connections)
        for connection in connections:
            connection.drop()
        return len(connections)

    def end_subscription(self, sid: int, code: int) -> int:
        """End ``sid`` with a channel error on every connection that has it; how many did."""
        ended = 0
        for connection in self._connections:
            frames = connection.session.end_subscription(sid, code)
            if frames:
                connection.send(frames)
                ended += 1
        return ended

    def pause_reading(self, seconds: float) -> None:
        """Stop reading from every connection for ``seconds`` (so no pong and no command)."""
        loop = asyncio.get_running_loop()
        for connection in self._connections:
            transport = connection.ws.transport
            if transport is not None and not transport.is_closing():
                transport.pause_reading()
                loop.call_later(seconds, _resume_reading, transport)

    # -- server internals -----------------------------------------------------------------------

    def _route(self, target: str) -> asyncio.Protocol:
        """The protocol for a request to ``target``: REST under its prefix, else the socket's."""
        if target.startswith(REST_PREFIX + "/") or target.startswith(REST_PREFIX + "?"):
            return self._rest_protocol()
        socket = SimSocket(self._check_handshake, self._handle, max_size=MAX_COMMAND)
        self._sockets.add(socket)
        return socket

    def _check_handshake(self, connection: SimSocket, request: Request) -> Response | None:
        if request.path.split("?", 1)[0] != WS_PATH:
            self.handshakes_rejected += 1
            return connection.respond(HTTPStatus.NOT_FOUND, "Not Found\n")
        status = self.faults.handshake_rejection()
        if status is not None:
            self.handshakes_rejected += 1
            return connection.respond(HTTPStatus(status), f"{HTTPStatus(status).phrase}\n")
        headers = request.headers
        values = [headers.get(name) for name in (HEADER_KEY, HEADER_TIMESTAMP, HEADER_SIGNATURE)]
        if self.config.allow_anonymous and not any(values):
            self._identities[connection] = ""
        else:
            problem = self._credential_problem(values[0], values[1], values[2])
            if problem is not None:
                self.handshakes_rejected += 1
                return connection.respond(HTTPStatus.UNAUTHORIZED, f"Unauthorized: {problem}\n")
            self._identities[connection] = values[0] or ""
        self.handshakes_accepted += 1
        return None

    def _credential_problem(
        self, key_id: str | None, timestamp: str | None, signature: str | None,
        method: str = "GET", path: str = WS_PATH,
    ) -> str | None:
        headers = ((HEADER_KEY, key_id), (HEADER_TIMESTAMP, timestamp), (HEADER_SIGNATURE, signature))
        for name, value in headers:
            if not value:
                return f"missing {name} header"
        assert key_id is not None and timestamp is not None and signature is not None
        public_key = self._keys.get(key_id)
        if public_key is None:
            return "unknown API key id"
        if not timestamp.isdigit():
            return "timestamp is not epoch milliseconds"
        if abs(wall_clock_ms() - int(timestamp)) > self.config.clock_skew * 1000:
            return "timestamp outside the allowed clock skew"
        if not verify(public_key, signature, timestamp, method, path):
            return "signature does not match"
        return None

    async def _handle(self, ws: SimSocket) -> None:
        key_id = self._identities.pop(ws, "")
        session = Session(
            self.exchange, legacy=self.config.legacy, authenticated=bool(key_id), hooks=self.faults,
            yes_price_only=self.config.yes_price_only,
            market_limit=self.config.market_limit, command_rate=self.config.command_rate,
            command_log=self.received_commands,
        )
        connection = Connection(self, ws, session)
        self._connections[connection] = None
        loop = asyncio.get_running_loop()
        tasks = [loop.create_task(connection.write_loop()), loop.create_task(connection.ping_loop())]
        try:
            async for text in ws:
                connection.send(session.handle(text))
        except ConnectionClosed:
            pass
        finally:
            del self._connections[connection]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _market_loop(self) -> None:
        assert self._running is not None
        try:
            while True:
                await self._running.wait()
                if self.config.firehose:
                    await self._firehose()
                elif self.config.rate > 0:
                    await self._paced()
                else:
                    self.pause()
        except Exception:
            LOG.exception("simulator market activity stopped")
            raise

    async def _paced(self) -> None:
        """Step ``rate`` times a second until paused, never bursting to catch up."""
        loop = asyncio.get_running_loop()
        rate = self.config.rate
        tick = min(MAX_TICK, 1 / rate)
        start, done = loop.time(), 0
        while not self._paused:
            due = int((loop.time() - start) * rate) - done
            if due > 0:
                self.step(min(due, max(1, int(rate * MAX_TICK * 2))))
                done += due
            await asyncio.sleep(tick)

    async def _firehose(self) -> None:
        """Step as fast as the sockets take frames, waiting for any connection that falls behind."""
        high_water = self.config.send_buffer
        while not self._paused:
            if not any(connection.session.subscriptions for connection in self._connections):
                await asyncio.sleep(MAX_TICK)
                continue
            self.step(FIREHOSE_BATCH)
            for connection in list(self._connections):
                if connection.pending > high_water:
                    self.firehose_waiting = True
                    await connection.wait_drained()
                    self.firehose_waiting = False
            await asyncio.sleep(0)


def _resume_reading(transport: asyncio.Transport) -> None:
    if not transport.is_closing():
        transport.resume_reading()
