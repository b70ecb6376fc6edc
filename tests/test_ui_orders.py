"""Trading from the ladder with Pilot, against the simulator on loopback: keys place, amend and
cancel real orders through its REST API; the socket's user_orders, fill and market_positions
bring the answers back to the ladder, Orders and Positions."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from app.core.fixed import COUNT_SCALE, ONE_DOLLAR
from app.core.state import PRIMARY, MarketState
from app.core.working_orders import working
from app.feed.feed import Feed, FeedConfig
from app.rest.client import RestClient
from app.simulator import SimConfig, Simulator
from app.trading.audit import AuditLog
from app.trading.orders import OrderService
from app.trading.rails import SIMULATOR, Rails
from app.tui.main import KalshiDashApp
from app.tui.screens.confirm_dialog import ConfirmDialog
from app.tui.screens.order_ticket import OrderTicketDialog
from tests.test_simulator_support import CREDENTIALS, KEY, KEY_ID
from tests.ui_states import until
from widgets.market.depth_ladder import DepthLadder

SIZE = (140, 40)
TIMEOUT = 15.0


@contextlib.asynccontextmanager
async def trading_app(
    tmp_path: Path, rails: Rails | None = None
) -> AsyncIterator[tuple[Simulator, KalshiDashApp, str]]:
    """The dashboard with a ladder open on one market of a started simulator, able to trade."""
    sim = Simulator(SimConfig(seed=11, events=4, markets=24, rate=0.0, settle_every=0))
    sim.register_key(KEY_ID, KEY.public_key())
    await sim.start()
    sim.step(2_000)
    assert sim.url is not None and sim.trade.url is not None
    account = sim.exchange.account  # the simulated account trades a few markets on its own: not this one
    ticker = next(t for t in sim.market_tickers()
                  if all(sim.book_levels(t)) and not account.resting_in(t) and t not in account.holdings)
    state = MarketState()
    feed = Feed(FeedConfig(url=sim.url, credentials=CREDENTIALS, environment="SIM", jitter_seed=1,
                           backoff_initial=0.05, backoff_max=0.2), state)
    client = RestClient(sim.trade.url, CREDENTIALS, backoff_initial=0.01, backoff_max=0.05)
    service = OrderService(client, rails or Rails(SIMULATOR), AuditLog(tmp_path / "audit.jsonl"),
                           backoff_initial=0.01, backoff_max=0.02, rng=random.Random(1))
    app = KalshiDashApp(state, feed, markets=[ticker], orders=service)
    app.animation_level = "none"
    try:
        yield sim, app, ticker
    finally:
        await client.aclose()
        await sim.stop()


async def ladder_ready(pilot: Pilot[Any], app: KalshiDashApp, ticker: str) -> DepthLadder:
    await until(pilot, lambda: ticker in app.dashboard.ladders() and app.dashboard.ladders()[ticker].live, TIMEOUT)
    ladder = app.dashboard.ladders()[ticker]
    ladder.focus()
    return ladder


def resting_ids(sim: Simulator, ticker: str) -> list[str]:
    return sim.exchange.account.resting_in(ticker)


async def test_place_rest_get_crossed_and_fill_into_account(tmp_path: Path) -> None:
    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            await pilot.press("down")  # the cursor starts at the best bid: one row below it
            price = ladder.cursor
            assert price is not None and price < (ladder.ladder.best_bid or 0)
            await pilot.press("b")
            await until(pilot, lambda: ladder.mine.get(price) == COUNT_SCALE, TIMEOUT)
            assert len(resting_ids(sim, ticker)) == 1
            assert any(o.status == "resting" and o.market_ticker == ticker for o in app.market_state.orders.values())
            # the market crosses it: a buyer of no sweeps every yes bid down to our price
            yes_bids = sim.book_levels(ticker)[0]
            sweep = sum(size for p, size in yes_bids.items() if p >= price)
            out: list[Any] = []
            sim.exchange._execute(sim.exchange.markets[ticker], "no", ONE_DOLLAR - price, sweep, None, out)
            sim._publish(out)
            await until(pilot, lambda: not ladder.mine, TIMEOUT)
            await until(pilot, lambda: any(f.market_ticker == ticker for f in app.market_state.fills), TIMEOUT)
            await until(pilot, lambda: (ticker, PRIMARY) in app.market_state.positions, TIMEOUT)
            assert (app.market_state.positions[ticker, PRIMARY].position == COUNT_SCALE
                    == sim.position(ticker)["position"])
            await app.action_quit()


async def test_ticket_shows_the_sums_then_amend_cancel_and_cancel_all(tmp_path: Path) -> None:
    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            await pilot.press("down", "down")
            price = ladder.cursor
            assert price is not None
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, OrderTicketDialog), TIMEOUT)
            dialog = app.screen
            dialog.query_one("#ticket-count", Input).value = "4"
            await pilot.pause()
            sums = str(dialog.query_one("#ticket-sums").render())
            assert "max payout $4.00" in sums and "cost $" in sums and "max loss" in sums
            await pilot.press("enter")
            await until(pilot, lambda: ladder.mine.get(price) == 4 * COUNT_SCALE, TIMEOUT)
            assert ladder.quantity == 4 * COUNT_SCALE  # the quantity keeps the ticket's last value
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, OrderTicketDialog), TIMEOUT)
            app.screen.query_one("#ticket-count", Input).value = "6"
            await pilot.press("enter")
            await until(pilot, lambda: ladder.mine.get(price) == 6 * COUNT_SCALE, TIMEOUT)
            assert sim.exchange.account.orders[resting_ids(sim, ticker)[0]].remaining == 6 * COUNT_SCALE
            await pilot.press("k", "j")  # a vim user's up and down: they move, they never cancel
            await pilot.pause()
            assert len(resting_ids(sim, ticker)) == 1 and app.order_entry is not None
            await pilot.press("delete")
            await until(pilot, lambda: not ladder.mine, TIMEOUT)
            assert resting_ids(sim, ticker) == []
            await pilot.press("b", "down", "b")
            await until(pilot, lambda: len(ladder.mine) == 2, TIMEOUT)
            assert len(resting_ids(sim, ticker)) == 2
            await pilot.press("K")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), TIMEOUT)
            await pilot.press("n")  # not confirmed: nothing is canceled
            await pilot.pause()
            assert len(resting_ids(sim, ticker)) == 2 and len(ladder.mine) == 2
            await pilot.press("K")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), TIMEOUT)
            assert "2 resting orders of yours" in str(app.screen.query_one("#confirm-consequence").render())
            await pilot.press("y")
            await until(pilot, lambda: not ladder.mine, TIMEOUT)
            assert resting_ids(sim, ticker) == []
            await app.action_quit()


async def test_a_replay_session_refuses_ladder_orders(tmp_path: Path) -> None:
    rails = Rails(SIMULATOR)
    async with trading_app(tmp_path, rails) as (sim, app, ticker):
        rails.replay = True
        async with app.run_test(size=SIZE) as pilot:
            await ladder_ready(pilot, app, ticker)
            await pilot.press("b")
            await until(pilot, lambda: any("replay" in n.message for n in app._notifications), TIMEOUT)
            assert sim.orders.created == 0
            await app.action_quit()


async def test_the_built_in_simulator_session_trades_from_its_settings(tmp_path: Path) -> None:
    """As ``kalshi-dash`` without a key: the endpoint starts the simulator and the settings build
    the order service on its REST port; the order is audited."""
    from app.config import ConnectionSettings
    from app.endpoint import open_endpoint
    from app.trading.settings import TradingSettings

    settings = TradingSettings(audit_path=tmp_path / "orders.jsonl")
    same = Simulator(SimConfig(seed=5, rate=0.0))  # the universe the endpoint's simulator will have
    ticker = next(t for t in same.market_tickers() if all(same.book_levels(t)))
    app = KalshiDashApp(MarketState(), markets=[ticker],
                        connect=lambda: open_endpoint(ConnectionSettings("SIM", None, None, None),
                                                      {"seed": 5, "rate": 0.0}),
                        trading=settings)
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.order_entry is not None and ticker in app.dashboard.ladders(), TIMEOUT)
        ladder = app.dashboard.ladders()[ticker]
        await until(pilot, lambda: ladder.live and ladder.ladder.best_bid is not None, TIMEOUT)
        ladder.focus()
        await pilot.press("down", "b")
        await until(pilot, lambda: bool(ladder.mine), TIMEOUT)
        assert app.order_entry is not None and app.order_entry.service.rails.environment == SIMULATOR
        events = [r["event"] for r in AuditLog(tmp_path / "orders.jsonl").records()]
        assert events == ["send", "accepted"]
        await app.action_quit()


async def test_the_orders_table_cancels_amends_and_cancels_all(tmp_path: Path) -> None:
    from widgets.account.orders_table import OrdersTable

    async with trading_app(tmp_path) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            await pilot.press("down", "b", "down", "b", "down", "b")
            await until(pilot, lambda: len(ladder.mine) == 3, TIMEOUT)
            await pilot.press("tab", "2")  # off the ladder (where digits are the quantity), then the Account tab
            table = app.dashboard.query_one(OrdersTable)
            await until(pilot, lambda: table.row_count >= 3, TIMEOUT)
            table.focus()
            table.move_cursor(row=0)
            first = table.selected_order()
            assert first is not None and first.market_ticker == ticker
            await pilot.press("delete")
            await until(pilot, lambda: first.order_id not in resting_ids(sim, ticker), TIMEOUT)
            shown = app.market_state.orders  # the ladder is hidden behind the Account tab: read the state
            await until(pilot, lambda: shown[first.order_id].status == "canceled", TIMEOUT)
            table.move_cursor(row=table.row_keys.index(resting_ids(sim, ticker)[0]))
            chosen = table.selected_order()
            assert chosen is not None
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, OrderTicketDialog), TIMEOUT)
            app.screen.query_one("#ticket-count", Input).value = "5"
            await pilot.press("enter")
            await until(pilot, lambda: sim.exchange.account.orders[chosen.order_id].remaining == 5 * COUNT_SCALE,
                        TIMEOUT)
            await pilot.press("K")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog), TIMEOUT)
            await pilot.press("enter")
            await until(pilot, lambda: resting_ids(sim, ticker) == [] and not working(shown.values(), ticker), TIMEOUT)
            await app.action_quit()


async def test_answers_are_shown_in_plain_words(tmp_path: Path) -> None:
    """A rejection carries Kalshi's reason in plain words; production without its switches refuses."""
    from app.trading.rails import PRODUCTION

    rails = Rails(SIMULATOR)
    async with trading_app(tmp_path, rails) as (sim, app, ticker):
        async with app.run_test(size=SIZE) as pilot:
            ladder = await ladder_ready(pilot, app, ticker)
            notes = lambda: [n.message for n in app._notifications]  # noqa: E731
            await pilot.press("down", "o")
            await until(pilot, lambda: isinstance(app.screen, OrderTicketDialog), TIMEOUT)
            app.screen.query_one("#ticket-count", Input).value = "99000000"
            await pilot.press("enter")
            await until(pilot, lambda: any("rejected: not enough cash" in n for n in notes()), TIMEOUT)
            assert ladder.quantity == 99_000_000 * COUNT_SCALE  # the ticket's count, kept even when refused
            await pilot.press("o")
            await until(pilot, lambda: isinstance(app.screen, OrderTicketDialog), TIMEOUT)
            app.screen.query_one("#ticket-count", Input).value = "1"
            await pilot.press("enter")  # a count that fits: accepted and resting
            await until(pilot, lambda: any(n.startswith("order accepted") and "resting" in n for n in notes()), TIMEOUT)
            rails.environment = PRODUCTION
            await pilot.press("b")
            await until(pilot, lambda: any("trading on production is off" in n for n in notes()), TIMEOUT)
            assert sim.orders.created == 1 and bool(ladder.mine)
            await app.action_quit()
