"""The simulator's REST API over aiohttp's HTTP server, order writes included.

Reads are answered by :class:`~app.simulator.rest.RestApi`, writes by
:class:`~app.simulator.rest_orders.OrderDesk`, signed over ``timestamp + METHOD + path``. It has no
port of its own: the simulator's front door (:mod:`app.simulator.front_door`) hands it each
connection whose request is under ``/trade-api/v2``, on the socket's own port, as Kalshi's hosts
serve both.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from app.simulator.rest import REST_PREFIX, RestApi, Verifier
from app.simulator.rest_orders import AFTER, OrderDesk

TOO_MANY = {"error": "too many requests"}


class TradeHttp:
    """Serves ``rest`` and ``desk`` on the connections it is handed once :meth:`setup` ran."""

    def __init__(self, rest: RestApi, desk: OrderDesk, verify: Verifier) -> None:
        self.rest = rest
        self.desk = desk
        self.verify = verify
        self.url: str | None = None  # the REST base, set by the simulator when it listens
        self.writes: dict[int, int] = {}  # answers to writes by status
        self._runner: web.AppRunner | None = None

    async def setup(self) -> web.Server:
        """Make the HTTP server; calling it gives the protocol that serves one connection."""
        app = web.Application()
        app.router.add_route("*", REST_PREFIX + "/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        assert self._runner.server is not None
        return self._runner.server

    async def stop(self) -> None:
        """Close every connection it serves (a second call, even while the first is closing, does
        nothing)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        if request.method == "GET":
            status, body, extra = await self.rest.answer(request.path_qs, request.headers)
            return web.json_response(body, status=status, headers=extra)
        path = request.path.removeprefix(REST_PREFIX)
        headers = request.headers
        problem = self.verify(headers.get("KALSHI-ACCESS-KEY"), headers.get("KALSHI-ACCESS-TIMESTAMP"),
                              headers.get("KALSHI-ACCESS-SIGNATURE"), request.method, request.path)
        if problem is not None:
            return self._answer(401, {"error": {"code": "authentication_error", "message": f"Unauthorized: {problem}"}})
        try:
            written: object = json.loads(await request.read() or b"{}")
        except ValueError:
            written = None
        if not isinstance(written, dict):
            return self._answer(400, {"error": {"code": "invalid_parameters",
                                                "message": "the body is not a JSON object"}})
        fault = self.desk.faults.next()
        if fault == "429" or self.desk.throttled(headers.get("KALSHI-ACCESS-KEY", ""),
                                                 self.desk.batch_size(request.method, path, written)):
            return self._answer(429, TOO_MANY)
        status, answer = self.desk.handle(request.method, path, written)
        if fault in AFTER:
            return await self._after(fault, request)
        return self._answer(status, answer)

    async def _after(self, fault: str, request: web.Request) -> web.StreamResponse:
        """The write was carried out; now fail to say so."""
        if fault == "timeout":
            await asyncio.sleep(self.desk.faults.hang)
        elif fault == "drop" and request.transport is not None:
            request.transport.close()
        return self._answer(503, {"error": {"code": "internal_error", "message": "internal server error"}})

    def _answer(self, status: int, body: dict[str, Any]) -> web.Response:
        self.writes[status] = self.writes.get(status, 0) + 1
        return web.json_response(body, status=status)

