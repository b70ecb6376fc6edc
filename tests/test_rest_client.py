"""The REST client against the simulator's REST API on loopback: pages, signatures, limits, faults."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.portfolio import EventPosition, Settlement
from app.core.state import MarketState
from app.feed.auth import HEADER_SIGNATURE, Credentials
from app.feed.recording import RecordedResponse
from app.rest.catalog import parse_events_page
from app.rest.client import (
    DEMO_REST_URL,
    MAX_RETRY_AFTER,
    PROD_REST_URL,
    RestClient,
    RestError,
    decode_json,
    rest_base_url,
)
from app.rest.limiter import TokenBucket
from app.rest.portfolio import parse_event_position, parse_fill, parse_order, parse_position, parse_settlement
from app.rest.recorded import RecordedRest
from app.rest.sync import ExchangeSync
from app.simulator import Simulator
from tests.test_simulator_support import CREDENTIALS, running, small_config


def client(sim: Simulator, credentials: Credentials | None = CREDENTIALS, **options: object) -> RestClient:
    """A client of the simulator's REST API with short backoffs (tests need not wait long)."""
    assert sim.url is not None
    defaults: dict[str, object] = {"backoff_initial": 0.01, "backoff_max": 0.05, "rng": random.Random(1)}
    return RestClient(rest_base_url(sim.url), credentials, **{**defaults, **options})  # type: ignore[arg-type]


def test_rest_base_follows_the_socket_url() -> None:
    assert rest_base_url("ws://127.0.0.1:8765/trade-api/ws/v2") == "http://127.0.0.1:8765/trade-api/v2"
    assert rest_base_url("wss://example.test/trade-api/ws/v2") == "https://example.test/trade-api/v2"
    assert rest_base_url("wss://external-api-ws.kalshi.com/trade-api/ws/v2") == PROD_REST_URL
    assert rest_base_url("wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2") == DEMO_REST_URL


async def test_token_bucket_paces_requests_to_its_rate() -> None:
    now = [0.0]

    async def advance(seconds: float) -> None:
        now[0] += seconds

    bucket = TokenBucket(100, clock=lambda: now[0], sleep=advance)
    for _ in range(30):  # 300 tokens: one second's worth held, two more seconds to accrue
        await bucket.acquire(10)
    assert now[0] == pytest.approx(2.0)
    bucket.set_rate(20)
    await bucket.acquire(10)
    assert now[0] == pytest.approx(2.5)
    assert not bucket.try_take(10) and bucket.rate == 20


async def test_every_page_of_events_with_nested_markets() -> None:
    async with running(small_config(events=30, markets=240)) as sim:
        async with client(sim, None) as rest:
            tickers = []
            pages = 0
            async for page in rest.pages("/events", {"with_nested_markets": "true", "status": "open", "limit": 7}):
                pages += 1
                tickers += [m["ticker"] for event in page["events"] for m in event["markets"]]
        assert pages == 5  # 30 events, 7 a page
        assert tickers == sim.market_tickers()
        assert sim.rest.requests["/events"] == 5


async def test_portfolio_needs_a_valid_signature() -> None:
    async with running() as sim:
        sim.step(400)
        async with client(sim) as rest:
            balance = await rest.get("/portfolio/balance")
            assert isinstance(balance["balance"], int) and balance["balance"] > 0
        async with client(sim, None) as anonymous:
            with pytest.raises(RestError, match="needs an API key"):
                await anonymous.get("/portfolio/balance")
        impostor = Credentials(CREDENTIALS.key_id, rsa.generate_private_key(public_exponent=65537, key_size=2048))
        async with client(sim, impostor) as rest:
            with pytest.raises(RestError) as caught:
                await rest.get("/portfolio/positions")
        assert caught.value.status == 401
        assert "authentication rejected" in str(caught.value) and "signature does not match" in str(caught.value)
        assert "\n" not in str(caught.value)
        assert sim.rest.statuses[401] == 1


async def test_429s_are_retried_with_backoff_and_counted() -> None:
    async with running() as sim:
        sim.rest.faults.fail_next(429, 3)
        async with client(sim) as rest:
            body = await rest.get("/markets", {"limit": 2})
        assert len(body["markets"]) == 2
        assert rest.throttled == 3 and rest.retries == 3
        assert sim.rest.statuses == {429: 3, 200: 1}


class Waits:
    """A client's ``sleep`` that records each delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


async def test_429s_back_off_exponentially_with_full_jitter() -> None:
    async with running() as sim:
        sim.rest.faults.fail_next(429, 5)
        waits = Waits()
        async with client(sim, sleep=waits, backoff_initial=1.0, backoff_max=8.0, rng=random.Random(5)) as rest:
            await rest.get("/exchange/status")
    caps = [1.0, 2.0, 4.0, 8.0, 8.0]  # initial * 2**attempt, capped
    assert len(waits.delays) == 5 and all(0 <= d <= cap for d, cap in zip(waits.delays, caps))
    assert waits.delays != caps and len(set(waits.delays)) == 5  # drawn, not the bare exponential


async def test_retry_after_is_honoured() -> None:
    async with running() as sim:
        sim.rest.faults.retry_after = "0.3"
        sim.rest.faults.fail_next(429, 2)
        waits = Waits()
        async with client(sim, sleep=waits) as rest:
            await rest.get("/exchange/status")
        assert waits.delays == [0.3, 0.3]
        sim.rest.faults.retry_after = "3600"  # a wait that long is cut to MAX_RETRY_AFTER
        sim.rest.faults.fail_next(429, 1)
        async with client(sim, sleep=waits) as rest:
            await rest.get("/exchange/status")
        assert waits.delays[-1] == MAX_RETRY_AFTER


async def test_server_errors_are_retried_then_reported_in_one_line() -> None:
    async with running() as sim:
        sim.rest.faults.fail_next(503, 2)
        async with client(sim) as rest:
            assert (await rest.get("/exchange/status"))["exchange_active"] is True
            assert rest.server_errors == 2
            sim.rest.faults.fail_next(503, 10)
            with pytest.raises(RestError) as caught:
                await rest.get("/exchange/status")
        assert str(caught.value) == "GET /exchange/status: HTTP 503 (internal server error) after 6 attempts"


async def test_a_slow_page_times_out_with_one_line() -> None:
    async with running() as sim:
        sim.rest.faults.slow = 0.5
        async with client(sim, timeout=0.1, attempts=2) as rest:
            with pytest.raises(RestError) as caught:
                await rest.get("/markets")
        assert str(caught.value).startswith("GET /markets: no answer (TimeoutError")
        assert "\n" not in str(caught.value)


async def test_a_client_at_the_tier_rate_is_never_throttled() -> None:
    """The simulator bills like production (200 tokens a second, 10 a request); a client whose
    bucket was sized from /account/limits makes 40 requests without one 429."""
    async with running() as sim:
        async with client(sim) as rest:
            assert await rest.use_account_limits() == "basic"
            assert rest.bucket.rate == 200
            for _ in range(40):
                await rest.get("/exchange/status")
        assert sim.rest.statuses[429] == 0
        assert rest.bucket.waited > 0  # it did have to wait: 410 tokens at 200 a second


async def test_an_unpaced_client_meets_429s_and_still_finishes() -> None:
    async with running() as sim:
        async with client(sim, bucket=TokenBucket(100_000)) as rest:
            for _ in range(40):
                await rest.get("/exchange/status")
        assert sim.rest.statuses[429] > 0 and rest.throttled == sim.rest.statuses[429]
        assert sim.rest.statuses[200] == 40


async def test_no_key_material_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    async with running() as sim:
        sim.rest.faults.fail_next(429, 1)
        signatures: list[str] = []
        original = CREDENTIALS.headers

        def spy(method: str = "GET", path: str = "", now_ms: int | None = None) -> dict[str, str]:
            headers = original(method, path, now_ms)
            signatures.append(headers[HEADER_SIGNATURE])
            return headers

        with caplog.at_level(logging.DEBUG):
            async with client(sim, Credentials(CREDENTIALS.key_id, CREDENTIALS.private_key)) as rest:
                rest.credentials.headers = spy  # type: ignore[method-assign, union-attr]
                await rest.get("/portfolio/balance")
        assert len(signatures) == 2 and "retrying" in caplog.text
        assert not any(signature in caplog.text for signature in signatures)
        assert "PRIVATE KEY" not in caplog.text and "PRIVATE KEY" not in repr(rest)


async def test_legacy_simulator_adds_integer_twins() -> None:
    async with running(small_config(legacy=True)) as sim:
        async with client(sim) as rest:
            market = (await rest.get("/markets", {"limit": 1}))["markets"][0]
        assert isinstance(market["yes_bid"], int) and market["yes_bid_dollars"].startswith("0.")


def older_form(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` without each ``*_fp`` / ``*_dollars`` field that has an integer twin."""
    def twin(key: str) -> str:
        return key.removesuffix("_fp").removesuffix("_dollars")

    return {k: v for k, v in record.items() if twin(k) == k or twin(k) not in record}


async def test_a_legacy_simulators_account_reads_the_same_from_its_integers() -> None:
    """``--legacy`` trades whole cents and contracts and adds the older integer twins: each record
    reads the same from the twins alone as from today's fields."""
    async with running(small_config(seed=7, events=6, markets=36, legacy=True, settle_every=300)) as sim:
        sim.step(3_000)
        async with client(sim) as rest:
            positions = await rest.get("/portfolio/positions")
            orders = await rest.get("/portfolio/orders")
            fills = await rest.get("/portfolio/fills")
            settlements = await rest.get("/portfolio/settlements")
    tables: list[tuple[Callable[[dict[str, Any]], object], list[dict[str, Any]]]] = [
        (parse_position, positions["market_positions"]), (parse_event_position, positions["event_positions"]),
        (parse_order, orders["orders"]), (parse_fill, fills["fills"]), (parse_settlement, settlements["settlements"]),
    ]
    for parse, records in tables:
        assert records, parse
        for record in records:
            older = older_form(record)
            assert len(older) < len(record)  # the twins were there, today's fields are gone
            today = parse(record)
            assert today is not None and parse(older) == today, (parse, record)


def test_records_in_the_older_integer_forms_read_as_todays() -> None:
    """A record with only the integers (cents, whole contracts) reads as the same record in
    today's ``_dollars`` / ``_fp`` strings."""
    position = {"ticker": "KXA-1", "position": -3, "market_exposure": 120, "realized_pnl": -15, "fees_paid": 2}
    assert parse_position(position) == parse_position(
        {"ticker": "KXA-1", "position_fp": "-3.00", "market_exposure_dollars": "1.20",
         "realized_pnl_dollars": "-0.15", "fees_paid_dollars": "0.02"})
    read = parse_position(position)
    assert read is not None and (read.position, read.position_cost, read.realized_pnl) == (-300, 1_200_000, -150_000)
    event = {"event_ticker": "KXA", "event_exposure": 120, "realized_pnl": -15, "total_cost": 300, "fees_paid": 2}
    assert parse_event_position(event) == EventPosition("KXA", 1_200_000, -150_000, 3_000_000, 20_000)
    settled = {"ticker": "KXA-1", "market_result": "no", "yes_count": 0, "no_count": 3, "yes_total_cost": 0,
               "no_total_cost": 120, "revenue": 300, "fee_cost": "0.02", "settled_time": "2026-01-02T03:04:05Z"}
    assert parse_settlement(settled) == parse_settlement(
        {**settled, "yes_count_fp": "0.00", "no_count_fp": "3.00", "yes_total_cost_dollars": "0.000000",
         "no_total_cost_dollars": "1.200000"})
    s = parse_settlement(settled)
    assert s is not None and (s.held, s.cost, s.pnl) == (-300, 1_200_000, 3_000_000 - 1_200_000 - 20_000)


# The fields Kalshi's OpenAPI file marks required in each account answer and record the client reads.
REQUIRED = {
    "balance": {"balance", "balance_dollars", "portfolio_value", "updated_ts"},
    "positions": {"market_positions", "event_positions"},
    "market_position": {"ticker", "total_traded_dollars", "position_fp", "market_exposure_dollars",
                        "realized_pnl_dollars", "resting_orders_count", "fees_paid_dollars", "last_updated_ts"},
    "event_position": {"event_ticker", "total_cost_dollars", "total_cost_shares_fp", "event_exposure_dollars",
                       "realized_pnl_dollars", "fees_paid_dollars"},
    "orders": {"orders", "cursor"},
    "order": {"order_id", "user_id", "client_order_id", "ticker", "side", "action", "outcome_side", "book_side",
              "type", "status", "yes_price_dollars", "no_price_dollars", "fill_count_fp", "remaining_count_fp",
              "initial_count_fp", "taker_fees_dollars", "maker_fees_dollars", "taker_fill_cost_dollars",
              "maker_fill_cost_dollars"},
    "fills": {"fills", "cursor"},
    "fill": {"fill_id", "trade_id", "order_id", "ticker", "market_ticker", "side", "action", "outcome_side",
             "book_side", "count_fp", "yes_price_dollars", "no_price_dollars", "is_taker", "fee_cost"},
    "settlements": {"settlements"},
    "settlement": {"ticker", "event_ticker", "market_result", "yes_count_fp", "yes_total_cost_dollars",
                   "no_count_fp", "no_total_cost_dollars", "revenue", "settled_time", "fee_cost"},
}


async def test_the_simulators_account_answers_carry_every_field_the_openapi_requires() -> None:
    async with running(small_config(seed=7, events=6, markets=36, settle_every=300)) as sim:
        sim.step(3_000)
        async with client(sim) as rest:
            answers = {
                "balance": await rest.get("/portfolio/balance"),
                "positions": await rest.get("/portfolio/positions"),
                "orders": await rest.get("/portfolio/orders"),
                "fills": await rest.get("/portfolio/fills"),
                "settlements": await rest.get("/portfolio/settlements"),
            }
    records = {
        "market_position": answers["positions"]["market_positions"],
        "event_position": answers["positions"]["event_positions"],
        "order": answers["orders"]["orders"], "fill": answers["fills"]["fills"],
        "settlement": answers["settlements"]["settlements"],
    }
    missing = {name: REQUIRED[name] - set(body) for name, body in answers.items()}
    for name, rows in records.items():
        assert rows, name
        missing[name] = set().union(*(REQUIRED[name] - set(row) for row in rows))
    assert {name: fields for name, fields in missing.items() if fields} == {}


async def test_settled_markets_titles_are_asked_once_by_ticker_and_replayed() -> None:
    state = MarketState()
    state.portfolio.settlements.append(Settlement("KXA-1", "yes", 0, 1))
    reports: list[str] = []
    answer = {"markets": [{"ticker": "KXA-1", "event_ticker": "KXA", "title": "Rain in NYC?"}]}
    replayed = ExchangeSync(RecordedRest([RecordedResponse(0.0, "/markets", {"tickers": "KXA-1"}, answer)]),
                            state, lambda _kinds: None, reports.append)
    await replayed.title_settlements()
    await replayed.title_settlements()  # asked once: the recording holds one answer
    assert state.portfolio.settled_titles == {"KXA-1": "Rain in NYC?"} and reports == []
    state.portfolio.settlements.append(Settlement("KXB-2", "no", 0, 2))
    await replayed.title_settlements()  # a session that never asked: nothing to say in its replay
    assert "KXB-2" not in state.portfolio.settled_titles and reports == []


def test_a_number_no_float_holds_loses_only_its_own_field_not_the_page() -> None:
    """msgspec refuses 1e400 where json.loads reads infinity: the page still decodes, and the value
    meets the parser's bounds (a count that is no whole number is unknown) while every market stays."""
    body = (b'{"events": [{"event_ticker": "EV-1", "title": "Rain", "markets": ['
            b'{"ticker": "EV-1-A", "title": "A", "volume": 1e400, "tick_size": 1},'
            b'{"ticker": "EV-1-B", "title": "B", "volume": 12}]}], "cursor": ""}')
    events, markets = parse_events_page(decode_json(body), {})
    assert [event.event_ticker for event in events] == ["EV-1"]
    assert [(market.ticker, market.volume) for market in markets] == [("EV-1-A", None), ("EV-1-B", 1200)]
    with pytest.raises(ValueError):
        decode_json(b"<html>busy</html>")
