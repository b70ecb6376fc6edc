"""The dashboard on a real feed to the built-in simulator: keys send commands, widgets follow.

Each app opens its endpoint exactly as ``kalshi-dash`` does without a key (a simulator on loopback
with a fresh key), so the assertions are on what the simulator received and holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from app.config import ConnectionSettings
from app.core import protocol as p
from app.core.book import NO, YES
from app.core.feed_status import ConnectionState
from app.core.state import PRIMARY, MarketState
from app.endpoint import Endpoint, open_endpoint
from app.tui.main import KalshiDashApp
from app.tui.screens.confirm_dialog import ConfirmDialog
from app.tui.screens.subscribe import SubscribeDialog, SubscriptionRequest
from widgets.health.status_bar import StatusBar
from widgets.health.subscriptions_table import SubscriptionsTable
from widgets.market.depth_ladder import DepthLadder
from widgets.market.ladder_model import ASK, BID
from widgets.market.ticker_grid import TickerGrid

SIZE = (120, 40)
SIM_OPTIONS = {"seed": 5, "events": 3, "markets": 12, "rate": 300.0}
TIMEOUT = 10.0
HANG = 60.0  # where the simulator's own pace decides (a loaded machine), the limit only catches a hang


def sim_app(markets: tuple[str, ...] = ()) -> KalshiDashApp:
    """The dashboard connecting the way ``kalshi-dash`` does with no key."""

    async def connect() -> Endpoint:
        return await open_endpoint(ConnectionSettings("SIM", None, None, None), SIM_OPTIONS)

    app = KalshiDashApp(MarketState(), environment="SIM", markets=markets, connect=connect)
    app.animation_level = "none"
    return app


async def eventually(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    """Let the app and the sockets run until ``condition`` holds (fails after TIMEOUT s)."""
    async with asyncio.timeout(TIMEOUT):
        while not condition():
            await pilot.pause()


async def connected(pilot: Pilot[Any]) -> Any:
    """Wait for the feed to be live with its start-up subscriptions; the simulator.

    Typing waits for the app to be idle between keys, so tests pause the market (``frozen``)
    before typing: under a running market Pilot waits out its idle timeout at every key.
    """
    app = pilot.app
    await eventually(pilot, lambda: app.feed is not None and app.endpoint is not None)
    await app.feed.wait_connected(TIMEOUT)
    await eventually(pilot, lambda: len(app.feed.subscriptions()) >= 5)
    return app.endpoint.simulator


def commands(sim: Any, cmd: str) -> list[dict[str, Any]]:
    return [c for c in sim.received_commands if c.get("cmd") == cmd]


def markets_of(command: dict[str, Any]) -> list[str]:
    """The markets a command names (one goes as ``market_ticker``, several as ``market_tickers``)."""
    params = command.get("params", {})
    return list(params.get("market_tickers") or ([params["market_ticker"]] if "market_ticker" in params else []))


def ladder_matches(ladder: DepthLadder, sim: Any) -> bool:
    yes, no = sim.book_levels(ladder.ticker)
    bids, asks = (yes, no) if ladder.side == YES else (no, yes)
    derived = {10_000 - price: size for price, size in asks.items()}
    return ladder.live and ladder.ladder.levels(BID) == bids and ladder.ladder.levels(ASK) == derived


async def frozen(pilot: Pilot[Any], sim: Any) -> None:
    """Pause the market and wait until the feed has processed everything sent before."""
    sim.pause()
    await pilot.app.feed.settle()
    await pilot.pause()


async def test_status_bar_says_sim_and_live() -> None:
    app = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        bar = app.dashboard.query_one(StatusBar)
        await eventually(pilot, lambda: bar.status is not None and bar.status.state is ConnectionState.LIVE)
        assert bar.feed_label == "● LIVE"
        assert app.dashboard.query_one("#env-badge").has_class("env-sim")


async def test_enter_on_a_grid_row_subscribes_the_book_and_shows_the_simulators_levels() -> None:
    app = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        grid = app.dashboard.query_one(TickerGrid)
        await eventually(pilot, lambda: grid.row_count >= 3)
        await frozen(pilot, sim)
        grid.focus()
        target = grid.cursor_ticker()
        await pilot.press("enter")
        await eventually(pilot, lambda: target in app.dashboard.ladders())
        ladder = app.dashboard.ladders()[target]
        await eventually(pilot, lambda: ladder.live)
        assert any(target in markets_of(c)
                   for c in commands(sim, "subscribe") + commands(sim, "update_subscription"))
        await app.feed.settle()
        await eventually(pilot, lambda: ladder_matches(ladder, sim))
        ladder.focus()
        await pilot.press("f")
        assert ladder_matches(ladder, sim) and ladder.side == NO


async def test_subscribe_from_the_keyboard_then_unsubscribe_the_focused_ladder() -> None:
    app = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        ticker = sim.exchange.active_tickers()[2]
        await frozen(pilot, sim)
        await pilot.press("s")
        await eventually(pilot, lambda: isinstance(app.screen, SubscribeDialog))
        app.screen.query_one("#markets", Input).value = ""
        await pilot.press(*ticker.lower(), "enter")
        await eventually(pilot, lambda: ticker in app.dashboard.ladders())
        sent = commands(sim, "subscribe")[-1]
        assert sent["params"]["channels"] == [p.ORDERBOOK_DELTA]
        assert markets_of(sent) == [ticker]
        ladder = app.dashboard.ladders()[ticker]
        await app.feed.settle()
        await eventually(pilot, lambda: ladder_matches(ladder, sim))

        ladder.focus()
        await pilot.press("u")  # asks first: Esc keeps the subscription
        await eventually(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")
        await eventually(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        assert ticker in app.dashboard.ladders() and not commands(sim, "unsubscribe")
        await pilot.press("u")
        await eventually(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await eventually(pilot, lambda: ticker not in app.dashboard.ladders())
        await eventually(pilot, lambda: bool(commands(sim, "unsubscribe")))
        assert ticker not in (app.feed.desired().get(p.ORDERBOOK_DELTA) or set())
        assert ticker not in app.market_state.books  # the data is no longer shown anywhere


async def test_closing_a_ladder_tab_releases_its_book() -> None:
    app = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        ticker = sim.exchange.active_tickers()[2]
        await frozen(pilot, sim)
        await app.dashboard.open_ladder(ticker)
        await app.want_book(ticker)
        assert ticker in app.feed.desired()[p.ORDERBOOK_DELTA]
        assert not commands(sim, "unsubscribe")
        app.dashboard.ladders()[ticker].focus()
        await pilot.press("x")
        await eventually(pilot, lambda: ticker not in app.dashboard.ladders())
        await eventually(pilot, lambda: ticker not in (app.feed.desired().get(p.ORDERBOOK_DELTA) or set()))
        await eventually(pilot, lambda: bool(commands(sim, "unsubscribe")))  # the exchange was told


async def test_subscriptions_screen_lists_the_live_sids_and_u_ends_the_focused_one() -> None:
    app = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        await frozen(pilot, sim)
        await pilot.press("5")
        table = app.dashboard.query_one(SubscriptionsTable)
        live = [sub.sid for sub in app.feed.subscriptions()]
        await eventually(pilot, lambda: table.sids == [s.sid for s in app.feed.subscriptions()])
        assert app.focused is table and table.sids == live
        sid, channel = table.cursor_sid(), table.cursor_channel()
        await pilot.press("u")  # asks first, saying what stops
        await eventually(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert str(app.screen.query_one("#dialog-title").content) == f"Unsubscribe {channel}?"
        if channel == p.TICKER:  # the cursor starts on it: the whole grid would freeze
            assert "market grid stops updating" in str(app.screen.query_one("#confirm-consequence").content)
        await pilot.press("enter")
        await eventually(pilot, lambda: sid not in table.sids)
        (sent,) = commands(sim, "unsubscribe")
        assert sent["params"]["sids"] == [sid]
        assert channel not in app.feed.desired()


async def test_a_and_d_add_and_remove_a_market_on_the_focused_subscription() -> None:
    app = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        await frozen(pilot, sim)
        first, second = sim.exchange.active_tickers()[:2]
        assert await app.apply_request(SubscriptionRequest(p.ORDERBOOK_DELTA, (first,)))
        await pilot.press("5")
        table = app.dashboard.query_one(SubscriptionsTable)
        await eventually(pilot, lambda: any(
            s.channel == p.ORDERBOOK_DELTA for s in app.feed.subscriptions()) and table.row_count >= 6)
        book_sid = next(s.sid for s in app.feed.subscriptions() if s.channel == p.ORDERBOOK_DELTA)
        table.move_cursor(row=table.sids.index(book_sid))
        await pilot.press("a")
        await eventually(pilot, lambda: isinstance(app.screen, SubscribeDialog))
        app.screen.query_one("#markets", Input).value = second
        await pilot.press("enter")
        await eventually(pilot, lambda: second in (app.feed.desired().get(p.ORDERBOOK_DELTA) or set()))
        await eventually(pilot, lambda: bool(commands(sim, "update_subscription")))
        added = commands(sim, "update_subscription")[-1]["params"]
        assert added["action"] == "add_markets" and markets_of({"params": added}) == [second]

        table.focus()
        await pilot.press("d")
        await eventually(pilot, lambda: isinstance(app.screen, SubscribeDialog))
        app.screen.query_one("#markets", Input).value = second
        await pilot.press("enter")
        await eventually(pilot, lambda: len(commands(sim, "update_subscription")) == 2)
        removed = commands(sim, "update_subscription")[-1]["params"]
        assert removed["action"] == "delete_markets" and markets_of({"params": removed}) == [second]
        assert app.feed.desired()[p.ORDERBOOK_DELTA] == {first}


async def test_removing_a_market_from_the_ticker_channel_that_streams_every_market_asks_first() -> None:
    app = sim_app()
    async with app.run_test(size=SIZE) as pilot:
        sim = await connected(pilot)
        await frozen(pilot, sim)
        assert app.feed.desired()[p.TICKER] is None  # every market: the grid's one feed
        await pilot.press("5")
        table = app.dashboard.query_one(SubscriptionsTable)
        await eventually(pilot, lambda: p.TICKER in {s.channel for s in app.feed.subscriptions()}
                         and table.sids == [s.sid for s in app.feed.subscriptions()])
        ticker_sid = next(s.sid for s in app.feed.subscriptions() if s.channel == p.TICKER)
        for answer in ("n", "y"):
            table.focus()
            table.move_cursor(row=table.sids.index(ticker_sid))
            await pilot.press("d")
            await eventually(pilot, lambda: isinstance(app.screen, SubscribeDialog))
            app.screen.query_one("#markets", Input).value = sim.exchange.active_tickers()[0]
            await pilot.press("enter")
            await eventually(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            assert str(app.screen.query_one("#dialog-title").content) == f"Stop {p.TICKER}?"
            assert "market grid stops updating" in str(app.screen.query_one("#confirm-consequence").content)
            await pilot.press(answer)
            await eventually(pilot, lambda: app.screen is app.dashboard)
            if answer == "n":  # nothing was sent: the grid still streams
                await pilot.pause()
                assert not commands(sim, "unsubscribe") and app.feed.desired()[p.TICKER] is None
        await eventually(pilot, lambda: bool(commands(sim, "unsubscribe")))
        assert p.TICKER not in app.feed.desired()


async def test_keys_are_answered_while_the_simulator_runs_in_firehose_mode() -> None:
    async def connect() -> Endpoint:
        options = {**SIM_OPTIONS, "firehose": True}
        return await open_endpoint(ConnectionSettings("SIM", None, None, None), options)

    app = KalshiDashApp(MarketState(), environment="SIM", connect=connect)
    async with app.run_test(size=SIZE) as pilot:
        await connected(pilot)
        # the firehose is flowing (a loaded CI machine reaches a few thousand a second)
        await app.feed.wait_for(lambda: app.feed.status().messages_total > 5_000, HANG)
        before = app.feed.status().messages_total
        for key, pane in (("6", "feed"), ("1", "markets"), ("5", "subscriptions"), ("1", "markets")):
            app.post_message(events.Key(key, key))
            # not Pilot's pause: it waits for the CPU to go idle, which a firehose never lets.
            # How fast keys are answered is measured by `make bench`; here the key must be
            # answered while the firehose keeps flowing (the timeout only guards a hang).
            async with asyncio.timeout(HANG):
                while app.dashboard.current_pane != pane:
                    await asyncio.sleep(0)
        assert app.feed.status().messages_total > before  # the feed kept flowing meanwhile


async def test_a_market_that_never_traded_gets_its_grid_row_with_no_last_price() -> None:
    async def connect() -> Endpoint:  # the default universe: a few new listings have not traded
        return await open_endpoint(ConnectionSettings("SIM", None, None, None), {"rate": 0.0})

    app = KalshiDashApp(MarketState(), environment="SIM", connect=connect)
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await eventually(pilot, lambda: any(t.price is None for t in app.market_state.tickers.values()))
        never = next(ticker for ticker, t in app.market_state.tickers.items() if t.price is None)
        grid = app.dashboard.query_one(TickerGrid)
        await eventually(pilot, lambda: never in grid.row_keys)
        assert grid.get_cell(never, "last") == "—"
        assert grid.get_cell(never, "yes_bid") not in ("", "—")  # the rest of its ticker is shown
        assert app.feed is not None and app.feed.parse_errors == 0


async def test_fills_with_every_legacy_action_reach_the_fills_table_and_the_positions() -> None:
    from widgets.account.fills_table import FillsTable
    from widgets.account.positions_table import PositionsTable

    async def connect() -> Endpoint:  # an account that buys, sells part, closes and crosses
        return await open_endpoint(ConnectionSettings("SIM", None, None, None),
                                   {"seed": 11, "events": 4, "markets": 60, "rate": 4_000.0})

    app = KalshiDashApp(MarketState(), environment="SIM", connect=connect)
    app.animation_level = "none"
    words = {"buy", "sell", "sell_partial", "sell_to_close"}
    async with app.run_test(size=SIZE) as pilot:
        state = app.market_state
        async with asyncio.timeout(2 * HANG):
            while {fill.action for fill in state.fills} < words:
                await pilot.pause(0.05)
        assert app.endpoint is not None and app.endpoint.simulator is not None
        app.endpoint.simulator.pause()
        assert app.feed is not None
        await app.feed.settle()
        await pilot.press("2")  # the Account pane
        fills, positions = app.dashboard.query_one(FillsTable), app.dashboard.query_one(PositionsTable)
        await eventually(pilot, lambda: fills.row_count == min(len(state.fills), fills.max_rows))
        shown = {fills.get_row_at(i)[3].plain for i in range(fills.row_count)}
        assert {"BUY", "SELL", "SELL PARTIAL", "SELL TO CLOSE"} <= shown
        # each market's latest fill by time (a reload after a reconnect on a loaded machine adds
        # the fills made meanwhile, which carry no post_position, among the socket's)
        latest = sorted(state.fills, key=lambda fill: fill.ts_ms or 0)
        last = {fill.market_ticker: fill.post_position for fill in latest}
        settled = {ticker for ticker, info in state.markets.items() if info.status in ("determined", "settled")}
        flat = p.MarketPosition(market_ticker="", position=0)  # no position listed: none held
        assert [ticker for ticker, held in last.items()
                if ticker not in settled and held is not None
                and state.positions.get((ticker, PRIMARY), flat).position != held] == []
        listed = {ticker for ticker, _sub in state.positions}
        await eventually(pilot, lambda: set(positions.row_keys) >= listed & set(last) != set())
        assert app.feed.parse_errors == 0 and app.feed.partly_read == 0
