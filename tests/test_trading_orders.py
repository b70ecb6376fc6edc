"""Orders end to end on the simulator on loopback: its order endpoints, the order service, the rails.

Real RSA keys sign every write; the simulator's matching engine is the truth each test reads.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from app.core import protocol as p
from app.core.fixed import CENT, COUNT_SCALE, ONE_DOLLAR, parse_count
from app.rest.client import RestClient, rest_base_url
from app.rest.limiter import TokenBucket
from app.simulator import Simulator
from app.trading.audit import AuditLog
from app.trading.orders import OrderService
from app.trading.rails import CONFIRM_WORD, DEMO, PRODUCTION, SIMULATOR, Limits, Rails, environment_of
from app.trading.ticket import OrderTicket
from tests.test_simulator_support import CREDENTIALS, KEY_ID, connected, running, small_config

TWO_CENTS = 2 * CENT


@asynccontextmanager
async def trading(
    tmp_path: Path, rails: Rails | None = None, *, timeout: float = 15.0
) -> AsyncIterator[tuple[Simulator, OrderService]]:
    """A started simulator and an order service on its REST API, audited to ``tmp_path``."""
    async with running(small_config()) as sim:
        assert sim.url is not None
        url = rest_base_url(sim.url)  # beside the socket, as on Kalshi's hosts
        client = RestClient(url, CREDENTIALS, timeout=timeout, backoff_initial=0.01,
                            backoff_max=0.02, rng=random.Random(2))
        service = OrderService(client, rails or Rails(environment_of(url)),
                               AuditLog(tmp_path / "audit.jsonl"), backoff_initial=0.01, backoff_max=0.02,
                               rng=random.Random(3))
        try:
            yield sim, service
        finally:
            await client.aclose()


def first_ticker(sim: Simulator) -> str:
    return sim.market_tickers()[0]


def with_client_id(sim: Simulator, client_order_id: str | None) -> list[str]:
    """Ids of every order the exchange holds (resting or finished) with that client order id."""
    return [o.order_id for o in sim.exchange.account.all_orders() if o.client_order_id == client_order_id]


def bid(ticker: str, count: int = 3, price: int = TWO_CENTS, **options: object) -> OrderTicket:
    return OrderTicket(ticker, "yes", "buy", count * COUNT_SCALE, price, **options)  # type: ignore[arg-type]


def test_ticket_maths_is_exact() -> None:
    buy = OrderTicket("T", "yes", "buy", 10 * COUNT_SCALE, 4150)
    assert buy.cost == buy.max_loss == 4_150_000  # $4.15
    assert buy.max_payout == 10_000_000
    sell = OrderTicket("T", "yes", "sell", 10 * COUNT_SCALE, 4150)
    assert sell.cost == 5_850_000 and sell.max_payout == 10_000_000
    assert buy.wire("c1")["yes_price_dollars"] == "0.4150" and buy.wire("c1")["count_fp"] == "10.00"
    with pytest.raises(ValueError):
        OrderTicket("T", "yes", "buy", 0, 4150)
    with pytest.raises(ValueError):
        OrderTicket("T", "yes", "buy", 100, ONE_DOLLAR)


def test_environment_from_the_rest_url() -> None:
    assert environment_of("http://127.0.0.1:9/trade-api/v2") == SIMULATOR
    assert environment_of("https://demo-api.kalshi.co/trade-api/v2") == DEMO
    assert environment_of("https://api.elections.kalshi.com/trade-api/v2") == PRODUCTION
    assert environment_of("https://unknown.example/trade-api/v2") == PRODUCTION


async def test_place_rests_in_the_book_and_is_audited_without_secrets(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        before = sim.book_levels(ticker)[0].get(TWO_CENTS, 0)
        answer = await service.place(bid(ticker), open_in_market=0)
        assert answer.outcome == "accepted" and answer.order is not None
        assert answer.order["status"] == "resting" and answer.order["client_order_id"] == answer.client_order_id
        assert sim.book_levels(ticker)[0][TWO_CENTS] == before + 3 * COUNT_SCALE
        assert with_client_id(sim, answer.client_order_id) == [answer.order_id]
        resting = await service.resting(ticker)
        assert [o["order_id"] for o in resting] == [answer.order_id]
    text = (tmp_path / "audit.jsonl").read_text()
    events = [r["event"] for r in AuditLog(tmp_path / "audit.jsonl").records()]
    assert events == ["send", "accepted"]
    assert KEY_ID not in text and "SIGNATURE" not in text.upper()


async def test_an_order_and_the_socket_share_the_port_a_socket_client_stays_served(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service), connected(sim) as client:
        assert sim.trade.url == rest_base_url(sim.url or "")
        answer = await service.place(bid(first_ticker(sim)), open_in_market=0)
        assert answer.outcome == "accepted" and sim.orders.created == 1
        command_id = client.next_id()
        listed = await client.command({"id": command_id, "cmd": "list_subscriptions"})
        assert isinstance(listed[0], p.Ok) and listed[0].id == command_id


async def test_a_marketable_order_fills_and_moves_the_position(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        answer = await service.place(bid(ticker, 1, 99 * CENT, time_in_force="immediate_or_cancel"), 0)
        assert answer.outcome == "accepted" and answer.order is not None
        assert answer.order["status"] == "executed"
        assert parse_count(answer.order["fill_count_fp"]) == COUNT_SCALE
        assert sim.position(ticker)["position"] == COUNT_SCALE


@pytest.mark.parametrize(
    ("setup", "ticket_options", "words"),
    [
        ("none", {"count": 10_000_000}, "not enough cash"),
        ("closed", {}, "market is closed"),
        ("none", {"price": TWO_CENTS + 1}, "price is not one this market allows"),
        ("none", {"price": 99 * CENT, "post_only": True}, "post-only"),
    ],
)
async def test_rejections_in_plain_words(tmp_path: Path, setup: str, ticket_options: dict, words: str) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        if setup == "closed":
            sim.exchange.markets[ticker].status = "deactivated"
        answer = await service.place(bid(ticker, **ticket_options), 0)
        assert answer.outcome == "rejected" and words in answer.reason
        assert sim.orders.created == 0
        assert AuditLog(tmp_path / "audit.jsonl").records()[-1]["event"] == "rejected"


async def test_a_reused_client_order_id_is_refused(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        body = bid(first_ticker(sim)).wire("same-id")
        first = await service.client.write("POST", "/portfolio/orders", body)
        second = await service.client.write("POST", "/portfolio/orders", body)
        assert first[0] == 201 and second[0] == 409
        assert second[1]["error"]["code"] == "order_already_exists"
        assert len(with_client_id(sim, "same-id")) == 1


@pytest.mark.parametrize("fault", ["timeout", "drop", "503", "429"])
async def test_a_lost_answer_ends_in_one_order_never_two(tmp_path: Path, fault: str) -> None:
    async with trading(tmp_path, timeout=0.5) as (sim, service):
        sim.orders.faults.hang = 1.0
        sim.orders.faults.fail_next(fault)
        ticker = first_ticker(sim)
        answer = await service.place(bid(ticker), 0)
        assert answer.outcome == "accepted" and answer.order is not None
        assert with_client_id(sim, answer.client_order_id) == [answer.order_id]
        assert sim.orders.created == 1
        assert answer.reason == ("answered" if fault == "429" else "reconciled")
        assert [o["order_id"] for o in await service.resting(ticker)] == [answer.order_id]


async def test_cancel_amend_decrease_and_cancel_all(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        orders = [await service.place(bid(ticker, 2 + n), n) for n in range(3)]
        ids = [a.order_id for a in orders]
        assert all(a.outcome == "accepted" for a in orders)
        amended = await service.amend(ticker, ids[0], "yes", "buy", 3 * CENT, 7 * COUNT_SCALE)
        assert amended.outcome == "accepted" and amended.order is not None
        assert sim.book_levels(ticker)[0].get(3 * CENT) == 7 * COUNT_SCALE
        status, body = await service.client.write("POST", f"/portfolio/orders/{ids[1]}/decrease", {"reduce_by": 1})
        assert status == 200 and parse_count(body["order"]["remaining_count_fp"]) == 2 * COUNT_SCALE
        canceled = await service.cancel(ticker, ids[1])
        assert canceled.outcome == "accepted" and canceled.order is not None and canceled.order["status"] == "canceled"
        again = await service.cancel(ticker, ids[1])
        assert again.outcome == "rejected" and "no longer resting" in again.reason
        answers = await service.cancel_all(ticker)
        assert sorted(a.order["order_id"] for a in answers if a.order) == sorted([ids[0], ids[2]])
        assert await service.resting(ticker) == [] and sim.exchange.account.resting_in(ticker) == []


async def test_batched_create_and_the_write_rate_limit(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        orders = [bid(ticker).wire(f"b{n}") for n in range(3)] + [bid(ticker, price=TWO_CENTS + 1).wire("bad")]
        status, body = await service.client.write("POST", "/portfolio/orders/batched", {"orders": orders})
        assert status == 201
        assert [bool(item.get("error")) for item in body["orders"]] == [False, False, False, True]
        assert body["orders"][3]["error"]["code"] == "invalid_price"
        # 4 items were billed of the 10 writes a second; unpaced, the next 7 single writes meet a 429.
        service.client.write_bucket = TokenBucket(10_000)
        statuses = [(await service.client.write("POST", "/portfolio/orders", bid(ticker).wire(f"r{n}")))[0]
                    for n in range(7)]
        assert 429 in statuses and statuses[0] == 201


@pytest.mark.parametrize(
    ("limits", "ticket", "open_orders", "words"),
    [
        (Limits(max_contracts=5 * COUNT_SCALE), {"count": 6}, 0, "over the limit of 5 per order"),
        (Limits(max_dollars=10 * 1_000_000), {"count": 11, "price": ONE_DOLLAR - CENT}, 0, "over the limit of $10.00"),
        (Limits(max_open_orders_per_market=2), {}, 2, "the limit is 2 per market"),
    ],
)
async def test_each_limit_refuses_before_sending(
    tmp_path: Path, limits: Limits, ticket: dict, open_orders: int, words: str
) -> None:
    async with trading(tmp_path, Rails(SIMULATOR, limits)) as (sim, service):
        answer = await service.place(bid(first_ticker(sim), **ticket), open_orders)
        assert answer.outcome == "refused" and words in answer.reason
        assert sim.orders.created == 0 and sum(sim.rest.requests.values()) == 0
        assert AuditLog(tmp_path / "audit.jsonl").records()[-1]["event"] == "refused"


@pytest.mark.parametrize(("trade_flag", "config_enabled"), [(False, False), (True, False), (False, True)])
async def test_production_refuses_without_both_switches(tmp_path: Path, trade_flag: bool, config_enabled: bool) -> None:
    rails = Rails(PRODUCTION, trade_flag=trade_flag, config_enabled=config_enabled)
    async with trading(tmp_path, rails) as (sim, service):
        answer = await service.place(bid(first_ticker(sim)), 0)
        assert answer.outcome == "refused" and "trading on production is off" in answer.reason
        assert ("--trade" in answer.reason) != trade_flag
        assert sim.orders.created == 0


async def test_production_with_both_switches_needs_the_typed_word_once(tmp_path: Path) -> None:
    rails = Rails(PRODUCTION, trade_flag=True, config_enabled=True)
    async with trading(tmp_path, rails) as (sim, service):
        ticker = first_ticker(sim)
        first = await service.place(bid(ticker), 0)
        assert first.outcome == "refused" and CONFIRM_WORD in first.reason
        assert not rails.confirm("trade ") and rails.needs_confirmation
        assert rails.confirm(CONFIRM_WORD)
        assert (await service.place(bid(ticker), 0)).outcome == "accepted"
        assert (await service.place(bid(ticker), 1)).outcome == "accepted"
        assert sim.orders.created == 2


async def test_a_replay_never_trades(tmp_path: Path) -> None:
    async with trading(tmp_path, Rails(SIMULATOR, replay=True)) as (sim, service):
        ticker = first_ticker(sim)
        answer = await service.place(bid(ticker), 0)
        assert answer.outcome == "refused" and "replay" in answer.reason
        assert (await service.cancel(ticker, "any")).outcome == "refused"
        assert sim.orders.created == 0 and sim.trade.writes == {}
