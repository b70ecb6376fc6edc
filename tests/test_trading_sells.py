"""Sales are sales, and a smaller order keeps its place: on the simulator on loopback, through the
order service, read back from the matching engine, the REST answers and the audit log."""

from __future__ import annotations

from pathlib import Path

from app.core.fixed import CENT, COUNT_SCALE, MONEY_SCALE, ONE_DOLLAR, parse_count
from app.simulator import Simulator
from app.trading.audit import AuditLog
from app.trading.orders import OrderService
from app.trading.rails import SIMULATOR, Limits, Rails
from app.trading.ticket import OrderTicket, oversold
from tests.test_trading_orders import bid, first_ticker, trading

IOC = "immediate_or_cancel"


async def buy_yes(service: OrderService, ticker: str, count: int) -> None:
    """Take ``count`` yes contracts from the book at once."""
    answer = await service.place(OrderTicket(ticker, "yes", "buy", count * COUNT_SCALE, 99 * CENT, IOC), 0)
    assert answer.outcome == "accepted" and answer.order is not None and answer.order["status"] == "executed"


def sell_yes(sim: Simulator, ticker: str, count: int, **options: object) -> OrderTicket:
    """A marketable sale of yes (1 cent) against the position the simulator holds now."""
    return OrderTicket(ticker, "yes", "sell", count * COUNT_SCALE, CENT, IOC,
                       position=sim.position(ticker)["position"], **options)  # type: ignore[arg-type]


def test_a_sale_closes_the_contracts_held_first() -> None:
    held = OrderTicket("T", "yes", "sell", 3 * COUNT_SCALE, 60 * CENT, position=5 * COUNT_SCALE)
    assert (held.outcome, held.closes, held.opens, held.cost) == ("no", 3 * COUNT_SCALE, 0, 0)
    assert held.proceeds == 1_800_000 and held.max_payout == 1_800_000 and not held.oversells
    over = OrderTicket("T", "yes", "sell", 5 * COUNT_SCALE, 60 * CENT, position=2 * COUNT_SCALE)
    assert (over.closes, over.opens) == (2 * COUNT_SCALE, 3 * COUNT_SCALE) and over.oversells
    assert over.cost == 3 * COUNT_SCALE * (ONE_DOLLAR - 60 * CENT) and over.proceeds == 1_200_000
    assert oversold(over) == "selling 5 yes with 2 held: 3 open a no position"
    against_no = OrderTicket("T", "yes", "buy", 2 * COUNT_SCALE, 30 * CENT, position=-5 * COUNT_SCALE)
    assert (against_no.closes, against_no.cost, against_no.proceeds) == (2 * COUNT_SCALE, 0, 1_400_000)


async def test_a_sale_reduces_the_position_and_says_sell_everywhere(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        await buy_yes(service, ticker, 3)
        assert sim.position(ticker)["position"] == 3 * COUNT_SCALE
        ticket = sell_yes(sim, ticker, 2)
        answer = await service.place(ticket, 0)
        assert answer.outcome == "accepted" and answer.order is not None
        order = answer.order
        assert (order["side"], order["action"], order["outcome_side"], order["book_side"]) == (
            "yes", "sell", "no", "ask")
        assert parse_count(order["fill_count_fp"]) == 2 * COUNT_SCALE
        assert sim.position(ticker)["position"] == COUNT_SCALE
        fills = (await service.client.get("/portfolio/fills", {"ticker": ticker}))["fills"]
        sold = [f for f in fills if f["order_id"] == answer.order_id]
        assert sold and all((f["side"], f["action"], f["outcome_side"]) == ("yes", "sell", "no") for f in sold)
    sent = [r for r in AuditLog(tmp_path / "audit.jsonl").records() if r["event"] == "send"][-1]
    assert (sent["action"], sent["position"], sent["closes"], sent["opens"]) == ("sell", "3.00", "2.00", "0.00")


async def test_a_closing_sale_needs_no_cash_and_an_opening_one_does(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        await buy_yes(service, ticker, 2)
        sim.exchange.account.balance = 0
        closing = await service.place(sell_yes(sim, ticker, 1), 0)
        assert closing.outcome == "accepted"
        opening = await service.place(sell_yes(sim, ticker, 5), 0)
        assert opening.outcome == "rejected" and "not enough cash" in opening.reason
        assert sim.position(ticker)["position"] == COUNT_SCALE


async def test_a_sale_beyond_the_position_opens_the_other_side_and_is_flagged(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        await buy_yes(service, ticker, 1)
        ticket = sell_yes(sim, ticker, 3)
        assert ticket.oversells and ticket.opens == 2 * COUNT_SCALE
        answer = await service.place(ticket, 0)
        assert answer.outcome == "accepted"
        assert sim.position(ticker)["position"] == -2 * COUNT_SCALE  # two no contracts


async def test_reduce_only_caps_at_the_position_and_refuses_when_flat(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        ticker = first_ticker(sim)
        flat = await service.place(sell_yes(sim, ticker, 1, reduce_only=True), 0)
        assert flat.outcome == "rejected" and "only reduce" in flat.reason
        await buy_yes(service, ticker, 2)
        capped = await service.place(sell_yes(sim, ticker, 5, reduce_only=True), 0)
        assert capped.outcome == "accepted" and capped.order is not None
        assert parse_count(capped.order["initial_count_fp"]) == 2 * COUNT_SCALE
        assert sim.position(ticker)["position"] == 0


async def test_a_decrease_and_a_smaller_amend_keep_the_queue_place(tmp_path: Path) -> None:
    async with trading(tmp_path) as (sim, service):
        sim.orders.write_limit = 10_000  # a tier with room for every write below at once
        ticker = first_ticker(sim)
        first, second = [(await service.place(bid(ticker, 5), 0)).order_id for _ in range(2)]
        assert first is not None and second is not None
        book = sim.exchange.markets[ticker].book

        def mine() -> list[str]:
            return [order_id for order_id in book.queue("yes", 2 * CENT) if order_id in (first, second)]

        assert mine() == [first, second]
        status, body = await service.client.write("POST", f"/portfolio/orders/{first}/decrease",
                                                  {"reduce_by_fp": "1.00"})
        assert status == 200 and parse_count(body["order"]["remaining_count_fp"]) == 4 * COUNT_SCALE
        assert mine() == [first, second] and book.size_at("yes", 2 * CENT) >= 9 * COUNT_SCALE
        smaller = await service.amend(ticker, first, "yes", "buy", 2 * CENT, 3 * COUNT_SCALE)
        assert smaller.outcome == "accepted" and mine() == [first, second]
        larger = await service.amend(ticker, first, "yes", "buy", 2 * CENT, 6 * COUNT_SCALE)
        assert larger.outcome == "accepted" and mine() == [second, first]
        status, body = await service.client.write("POST", f"/portfolio/orders/{second}/amend",
                                                  {"ticker": ticker, "side": "yes", "count_fp": "2.00"})
        assert status == 400 and body["error"]["code"] == "invalid_parameters"  # no action, no price


def test_the_dollar_limit_counts_what_opens_not_what_closes() -> None:
    rails = Rails(SIMULATOR, Limits(max_dollars=MONEY_SCALE))  # $1.00 per order
    closing = OrderTicket("T", "yes", "sell", 10 * COUNT_SCALE, 60 * CENT, position=10 * COUNT_SCALE)
    assert rails.check(closing, 0) is None
    opening = OrderTicket("T", "yes", "sell", 10 * COUNT_SCALE, 60 * CENT)
    assert "over the limit of $1.00" in (rails.check(opening, 0) or "")
