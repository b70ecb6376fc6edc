"""The simulator's REST API: Kalshi's trade API v2 paths, answered on the socket's own port.

Market data (``/markets``, ``/events``, ``/series``, ``/exchange/status``) needs no key; paths
under ``/portfolio`` and ``/account`` need the same signed headers as the handshake, over
``timestamp + "GET" + path`` (path without the query). Every client (a key, or everyone
unsigned) is billed from a token bucket of the basic tier, 10 tokens a request, and answered 429
``{"error": "too many requests"}`` (no ``Retry-After``, as production) when it is empty.
:class:`RestFaults` injects 429s, 5xx and slow pages.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.core.fixed import parse_decimal
from app.rest.limiter import BASIC_READ_TOKENS, REQUEST_COST, TokenBucket
from app.simulator import rest_shapes as shape
from app.simulator.engine import Exchange
from app.simulator.universe import SERIES

REST_PREFIX = "/trade-api/v2"
SIGNED_PREFIXES = ("/portfolio", "/account")
DEFAULT_LIMIT = 100
MARKETS_MAX_LIMIT = 1000
EVENTS_MAX_LIMIT = 200
Body = dict[str, Any]
# (key id, timestamp, signature, method, path) -> None when valid, else what is wrong
Verifier = Callable[[str | None, str | None, str | None, str, str], str | None]


class HttpError(Exception):
    """An answer other than 200: its status and Kalshi-shaped error body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.body: Body = {"error": {"code": code, "message": message}}


@dataclass
class RestFaults:
    """Injected REST faults: every ``every_429``-th request a 429, every ``every_5xx``-th a 503,
    each answer delayed ``slow`` seconds; :meth:`fail_next` queues statuses for the next ones.
    ``retry_after`` (seconds, as text) is sent with injected 429s when set."""

    every_429: int = 0
    every_5xx: int = 0
    slow: float = 0.0
    retry_after: str | None = None
    injected: Counter[int] = field(default_factory=Counter)
    _queued: deque[int] = field(default_factory=deque)
    _seen: int = 0

    def fail_next(self, status: int, count: int = 1) -> None:
        """Answer the next ``count`` requests with ``status``."""
        self._queued.extend([status] * count)

    def status_for_next(self) -> int | None:
        """The fault status for the request arriving now, if any (and count it)."""
        self._seen += 1
        status = None
        if self._queued:
            status = self._queued.popleft()
        elif self.every_429 and self._seen % self.every_429 == 0:
            status = 429
        elif self.every_5xx and self._seen % self.every_5xx == 0:
            status = 503
        if status is not None:
            self.injected[status] += 1
        return status


class RestApi:
    """Answers REST requests from the simulated exchange (see the module docstring)."""

    def __init__(
        self, exchange: Exchange, verify: Verifier, *, legacy: bool = False,
        read_limit: int = BASIC_READ_TOKENS, faults: RestFaults | None = None,
    ) -> None:
        self.exchange = exchange
        self.verify = verify
        self.legacy = legacy
        self.read_limit = read_limit
        self.faults = faults or RestFaults()
        self.requests: Counter[str] = Counter()  # per path, without the query
        self.statuses: Counter[int] = Counter()
        self._buckets: dict[str, TokenBucket] = {}
        self._routes: tuple[tuple[str, bool, Callable[..., Body]], ...] = (
            ("/markets", False, self._markets), ("/markets/", True, self._market),
            ("/events", False, self._events), ("/events/", True, self._event),
            ("/series", False, self._series_list), ("/series/", True, self._series),
            ("/exchange/status", False, self._exchange_status),
            ("/portfolio/balance", False, self._balance), ("/portfolio/positions", False, self._positions),
            ("/portfolio/orders", False, self._orders), ("/portfolio/fills", False, self._fills),
            ("/portfolio/settlements", False, self._settlements), ("/account/limits", False, self._limits),
        )

    async def answer(self, target: str, headers: Any) -> tuple[int, Body, dict[str, str]]:
        """(status, JSON body, extra headers) for ``GET target`` with request ``headers``."""
        parts = urlsplit(target)
        path = parts.path.removeprefix(REST_PREFIX)
        self.requests[path] += 1
        status, body, extra = self._answer(path, parts.query, headers)
        self.statuses[status] += 1
        if self.faults.slow:
            await asyncio.sleep(self.faults.slow)
        return status, body, extra

    def _answer(self, path: str, query: str, headers: Any) -> tuple[int, Body, dict[str, str]]:
        identity = "public"
        try:
            if path.startswith(SIGNED_PREFIXES):
                key_id = headers.get("KALSHI-ACCESS-KEY")
                problem = self.verify(key_id, headers.get("KALSHI-ACCESS-TIMESTAMP"),
                                      headers.get("KALSHI-ACCESS-SIGNATURE"), "GET", REST_PREFIX + path)
                if problem is not None:
                    raise HttpError(401, "authentication_error", f"Unauthorized: {problem}")
                identity = key_id or identity
            fault = self.faults.status_for_next()
            if fault == 429 or not self._bucket(identity).try_take(REQUEST_COST):
                extra = {"Retry-After": self.faults.retry_after} if fault and self.faults.retry_after else {}
                return 429, {"error": "too many requests"}, extra
            if fault is not None:
                return fault, {"error": {"code": "internal_error", "message": "internal server error"}}, {}
            return 200, self._route(path, _query(query)), {}
        except HttpError as exc:
            return exc.status, exc.body, {}

    def _bucket(self, identity: str) -> TokenBucket:
        bucket = self._buckets.get(identity)
        if bucket is None:
            bucket = self._buckets[identity] = TokenBucket(self.read_limit)
        return bucket

    def _route(self, path: str, query: dict[str, str]) -> Body:
        for prefix, takes_name, handler in self._routes:
            if takes_name and path.startswith(prefix) and "/" not in path[len(prefix):] and path != prefix:
                return handler(path[len(prefix):], query)
            if not takes_name and path == prefix:
                return handler(query)
        raise HttpError(404, "not_found", f"no such path: {REST_PREFIX}{path}")

    # -- market data ----------------------------------------------------------------------------

    def _markets(self, query: dict[str, str]) -> Body:
        exchange = self.exchange
        wanted = _statuses(query)
        tickers = set(query["tickers"].split(",")) if query.get("tickers") else None
        rows = []
        for ticker, sim in exchange.markets.items():
            m = sim.market
            if tickers is not None and ticker not in tickers:
                continue
            if query.get("event_ticker") and m.event_ticker != query["event_ticker"]:
                continue
            if query.get("series_ticker") and m.series_ticker != query["series_ticker"]:
                continue
            if wanted is not None and shape.market_status(sim) not in wanted:
                continue
            rows.append(sim)
        page, cursor = _page(rows, query, MARKETS_MAX_LIMIT)
        return {"markets": [shape.market(exchange, sim, legacy=self.legacy) for sim in page], "cursor": cursor}

    def _market(self, ticker: str, query: dict[str, str]) -> Body:
        sim = self.exchange.markets.get(ticker)
        if sim is None:
            raise HttpError(404, "not_found", f"market {ticker} not found")
        return {"market": shape.market(self.exchange, sim, legacy=self.legacy)}

    def _events(self, query: dict[str, str]) -> Body:
        exchange = self.exchange
        wanted = _statuses(query)
        rows = [
            info for info in exchange.universe.events.values()
            if (not query.get("series_ticker") or info.series_ticker == query["series_ticker"])
            and (wanted is None or shape.event_status(exchange, info) & wanted)
        ]
        page, cursor = _page(rows, query, EVENTS_MAX_LIMIT)
        nested = query.get("with_nested_markets") == "true"
        return {"events": [shape.event(exchange, info, legacy=self.legacy, nested=nested) for info in page],
                "cursor": cursor}

    def _event(self, event_ticker: str, query: dict[str, str]) -> Body:
        info = self.exchange.universe.events.get(event_ticker)
        if info is None:
            raise HttpError(404, "not_found", f"event {event_ticker} not found")
        body = shape.event(self.exchange, info, legacy=self.legacy, nested=True)
        return {"event": {k: v for k, v in body.items() if k != "markets"}, "markets": body["markets"]}

    def _series_list(self, query: dict[str, str]) -> Body:
        category = query.get("category")
        return {"series": [shape.series(s) for s in SERIES if not category or s.category == category]}

    def _series(self, ticker: str, query: dict[str, str]) -> Body:
        for info in SERIES:
            if info.ticker == ticker:
                return {"series": shape.series(info)}
        raise HttpError(404, "not_found", f"series {ticker} not found")

    def _exchange_status(self, query: dict[str, str]) -> Body:
        return {"exchange_active": True, "trading_active": True}

    # -- portfolio ------------------------------------------------------------------------------

    def _balance(self, query: dict[str, str]) -> Body:
        return shape.balance(self.exchange, self.exchange.now_ms() // 1000)

    def _positions(self, query: dict[str, str]) -> Body:
        account = self.exchange.account
        universe = self.exchange.universe
        holdings = [
            (ticker, holding) for ticker, holding in account.holdings.items()
            if (not query.get("ticker") or ticker == query["ticker"])
            and (not query.get("event_ticker") or universe.markets[ticker].event_ticker == query["event_ticker"])
        ]
        page, cursor = _page(holdings, query, MARKETS_MAX_LIMIT)
        resting = Counter(order.ticker for order in account.orders.values())
        by_event: dict[str, list[Any]] = {}
        for ticker, holding in page:
            by_event.setdefault(universe.markets[ticker].event_ticker, []).append(holding)
        return {
            "market_positions": [shape.market_position(t, h, resting[t], legacy=self.legacy) for t, h in page],
            "event_positions": [shape.event_position(e, hs, legacy=self.legacy) for e, hs in by_event.items()],
            "cursor": cursor,
        }

    def _orders(self, query: dict[str, str]) -> Body:
        status = query.get("status")
        min_ms = _int(query, "min_ts") * 1000
        rows = [
            order for order in self.exchange.account.all_orders()
            if (not status or order.status == status)
            and (not query.get("ticker") or order.ticker == query["ticker"])
            and (order.updated_ms or order.created_ms) >= min_ms
        ]
        page, cursor = _page(rows, query, MARKETS_MAX_LIMIT)
        return {"orders": [shape.order(order, legacy=self.legacy) for order in page], "cursor": cursor}

    def _fills(self, query: dict[str, str]) -> Body:
        min_ms = _int(query, "min_ts") * 1000
        rows = [
            fill for fill in reversed(self.exchange.account.fills)
            if fill.ts_ms >= min_ms and (not query.get("ticker") or fill.market_ticker == query["ticker"])
        ]
        page, cursor = _page(rows, query, MARKETS_MAX_LIMIT)
        return {"fills": [shape.fill(fill, legacy=self.legacy) for fill in page], "cursor": cursor}

    def _settlements(self, query: dict[str, str]) -> Body:
        rows = list(reversed(self.exchange.account.settlements))
        page, cursor = _page(rows, query, MARKETS_MAX_LIMIT)
        return {"settlements": [shape.settlement(self.exchange, s, legacy=self.legacy) for s in page], "cursor": cursor}

    def _limits(self, query: dict[str, str]) -> Body:
        return {"usage_tier": "basic", "read_limit": self.read_limit, "write_limit": self.read_limit // 2}


def _query(text: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}


def _int(query: dict[str, str], name: str, default: int = 0) -> int:
    text = query.get(name)
    if not text:
        return default
    try:
        return parse_decimal(text, 0)
    except ValueError:
        raise HttpError(400, "bad_request", f"{name} must be a whole number, got {text!r}") from None


def _statuses(query: dict[str, str]) -> frozenset[str] | None:
    text = query.get("status")
    if not text:
        return None
    wanted: frozenset[str] = frozenset()
    for name in text.split(","):
        if name not in shape.STATUS_FILTER:
            raise HttpError(400, "bad_request", f"unknown status filter {name!r}")
        wanted |= shape.STATUS_FILTER[name]
    return wanted


def _page(rows: list[Any], query: dict[str, str], max_limit: int) -> tuple[Iterable[Any], str]:
    """The rows of this page and the cursor of the next ('' after the last page)."""
    limit = _int(query, "limit", DEFAULT_LIMIT)
    if not 1 <= limit <= max_limit:
        raise HttpError(400, "bad_request", f"limit must be between 1 and {max_limit}")
    cursor = query.get("cursor") or ""
    start = 0
    if cursor:
        if not cursor.startswith("p") or not cursor[1:].isdigit():
            raise HttpError(400, "bad_request", "invalid cursor")
        start = int(cursor[1:])
    end = start + limit
    return rows[start:end], f"p{end}" if end < len(rows) else ""
