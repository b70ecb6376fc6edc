"""The ladder's order keys with Pilot against the simulator on loopback: digits set the quantity,
a sale sells what is held (and says when it sells more), a smaller amend keeps the order's place,
an accepted answer shows the order at once, and a lost answer still ends in one order."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from app.core.fixed import CENT, COUNT_SCALE
from app.core.state import PRIMARY
from app.trading.audit import AuditLog
from app.trading.ticket import OrderTicket
from app.tui.screens.order_ticket import OrderTicketDialog
from tests.test_ui_orders import SIZE, TIMEOUT, ladder_ready, resting_ids, trading_app
from tests.ui_states import until


async def test_digits_set_the_quantity_which_keeps_its_last_value(tmp_path: Path) -> None:
    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            assert ladder.quantity == COUNT_SCALE and "qty 1" in ladder._title_tail()
            await pilot.press("down", "0", "2", "5")  # a leading zero is no digit of the number
            assert ladder.quantity == 25 * COUNT_SCALE and "qty 25_" in ladder._title_tail()
            await pilot.press("b")  # a priority binding: it ends the number itself (on_key never sees it)
            price = ladder.cursor
            assert price is not None
            await until(pilot, lambda: ladder.mine.get(price) == 25 * COUNT_SCALE, TIMEOUT)
            assert ladder.quantity == 25 * COUNT_SCALE and "qty 25 " in ladder._title_tail() + " "
            await pilot.press("down", "b")  # the same quantity again
            await until(pilot, lambda: ladder.mine.get(ladder.cursor or 0) == 25 * COUNT_SCALE, TIMEOUT)
            await pilot.press("3")  # digits after another key start a new number
            assert ladder.quantity == 3 * COUNT_SCALE
            assert [sim.exchange.account.orders[i].initial for i in resting_ids(sim, ticker)] == [25 * COUNT_SCALE] * 2
            await app.action_quit()


async def test_a_sale_from_the_ladder_reduces_the_position_and_flags_selling_more(tmp_path: Path) -> None:
    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            await ladder_ready(pilot, app, ticker)
            assert app.order_entry is not None
            service = app.order_entry.service
            bought = await service.place(OrderTicket(ticker, "yes", "buy", 2 * COUNT_SCALE, 99 * CENT,
                                                     "immediate_or_cancel"), 0)
            assert bought.outcome == "accepted"
            positions = app.market_state.positions
            held = lambda: positions[ticker, PRIMARY].position if (ticker, PRIMARY) in positions else None  # noqa: E731
            await until(pilot, lambda: held() == 2 * COUNT_SCALE, TIMEOUT)
            await pilot.press("v")  # sell 1 yes at the best bid: it trades at once
            await until(pilot, lambda: held() == COUNT_SCALE, TIMEOUT)
            assert sim.position(ticker)["position"] == COUNT_SCALE
            notes = lambda: [n.message for n in app._notifications]  # noqa: E731
            assert not any("open a no position" in n for n in notes())
            await pilot.press("4", "v")  # 4 with 1 held: 3 open a no position
            await until(pilot, lambda: any("selling 4 yes with 1 held: 3 open a no position" in n for n in notes()),
                        TIMEOUT)
            await until(pilot, lambda: (held() or 0) < 0, TIMEOUT)
            sales = [r for r in AuditLog(tmp_path / "audit.jsonl").records()
                     if r["event"] == "send" and r["action"] == "sell"]
            assert [(r["closes"], r["opens"]) for r in sales] == [("1.00", "0.00"), ("1.00", "3.00")]
            await app.action_quit()


async def test_an_amend_that_only_lowers_the_count_keeps_the_queue_place(tmp_path: Path) -> None:
    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            await pilot.press("down", "5", "b", "b")
            price = ladder.cursor
            assert price is not None
            await until(pilot, lambda: ladder.mine.get(price) == 10 * COUNT_SCALE, TIMEOUT)
            book = sim.exchange.markets[ticker].book
            first, second = sorted(resting_ids(sim, ticker), key=book.queue("yes", price).index)
            await pilot.press("e")  # amends the first of ours at the cursor
            await until(pilot, lambda: isinstance(app.screen, OrderTicketDialog), TIMEOUT)
            app.screen.query_one("#ticket-count", Input).value = "2"
            await pilot.press("enter")
            await until(pilot, lambda: ladder.mine.get(price) == 7 * COUNT_SCALE, TIMEOUT)
            assert sim.exchange.account.orders[first].remaining == 2 * COUNT_SCALE
            queue = book.queue("yes", price)
            assert queue.index(first) < queue.index(second)  # still ahead of the order placed after it
            await app.action_quit()


async def test_the_accepted_answer_shows_the_order_without_waiting_for_the_socket(tmp_path: Path) -> None:
    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            assert app.feed is not None
            await app.feed.stop()  # no user_order will come: only the REST answer can show it
            await pilot.press("down", "b")
            price = ladder.cursor
            await until(pilot, lambda: ladder.mine.get(price or 0) == COUNT_SCALE, TIMEOUT)
            assert len(resting_ids(sim, ticker)) == 1
            await app.action_quit()


def test_an_answer_never_hides_a_newer_copy_from_the_socket() -> None:
    from app.core import protocol as p
    from app.core.portfolio_state import merge_order
    from app.core.state import Kind, MarketState

    def order(status: str, updated: int) -> p.UserOrder:
        made = p.UserOrder(order_id="o1", market_ticker="T", status=status, remaining_count=COUNT_SCALE)
        made.updated_ts_ms = updated
        return made

    state = MarketState()
    assert merge_order(state, order("resting", 10), replace_equal=False) != Kind.NONE
    assert merge_order(state, order("executed", 12), replace_equal=False) != Kind.NONE  # the socket's, newer
    assert merge_order(state, order("resting", 10), replace_equal=False) == Kind.NONE  # a late answer
    assert merge_order(state, order("canceled", 12), replace_equal=False) == Kind.NONE  # as old: kept
    assert merge_order(state, order("canceled", 12), replace_equal=True) != Kind.NONE  # a REST load replaces it
    assert state.orders["o1"].status == "canceled"


async def test_a_cursor_price_no_order_can_have_is_refused_in_words(tmp_path: Path) -> None:
    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            ladder.cursor = 0
            await pilot.press("b")
            notes = lambda: [n.message for n in app._notifications]  # noqa: E731
            await until(pilot, lambda: any("order not sent: the price must be between" in n for n in notes()), TIMEOUT)
            assert sim.orders.created == 0 and app.is_running
            await app.action_quit()


@pytest.mark.parametrize("fault", ["timeout", "drop", "503", "429"])
async def test_a_lost_answer_ends_with_one_order_shown_and_at_the_exchange(tmp_path: Path, fault: str) -> None:
    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            sim.orders.faults.hang = 0.5
            sim.orders.faults.fail_next(fault)
            await pilot.press("down", "b")
            price = ladder.cursor
            await until(pilot, lambda: ladder.mine.get(price or 0) == COUNT_SCALE, TIMEOUT)
            notes = lambda: [n.message for n in app._notifications]  # noqa: E731
            await until(pilot, lambda: any(n.startswith("order accepted") for n in notes()), TIMEOUT)
            assert sim.orders.created == 1 and len(resting_ids(sim, ticker)) == 1
            assert ladder.mine == {price: COUNT_SCALE}
            await app.action_quit()
