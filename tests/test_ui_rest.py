"""The dashboard beside the REST API, against the simulator on loopback: what existed before it
started is shown, and what happened while it was disconnected is merged in exactly once."""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from app.core import protocol as p
from app.core.event_view import summarize
from app.core.fixed import format_count
from app.core.state import PRIMARY, RESTING, MarketState
from app.feed.feed import Feed, FeedConfig
from app.feed.recording import RecordingFile
from app.rest.client import RestClient, rest_base_url
from app.simulator import SimConfig, Simulator
from app.tui.main import KalshiDashApp
from tests.test_finder import found_in_finder
from tests.test_simulator_support import CREDENTIALS, KEY, KEY_ID
from tests.ui_states import until
from widgets.account.event_positions_table import EventPositionsTable
from widgets.account.orders_table import OrdersTable
from widgets.account.positions_table import PositionsTable
from widgets.account.settlements_table import SettlementsTable
from widgets.health.integrity_panel import IntegrityPanel
from widgets.market.event_strip import EventStrip
from widgets.market.ticker_grid import TickerGrid

SIZE = (140, 40)
TIMEOUT = 15.0


@contextlib.asynccontextmanager
async def exchange(
    events: int = 12, markets: int = 96, steps: int = 3_000, settle_every: int = 0
) -> AsyncIterator[Simulator]:
    """A simulator whose market has been running for ``steps`` actions before anyone connects."""
    sim = Simulator(SimConfig(seed=11, events=events, markets=markets, rate=0.0, settle_every=settle_every))
    sim.register_key(KEY_ID, KEY.public_key())
    await sim.start()
    sim.step(steps)
    try:
        yield sim
    finally:
        await sim.stop()


def dashboard(sim: Simulator, cache: Path | None = None) -> KalshiDashApp:
    """The dashboard with a feed and a REST client on ``sim``, as ``kalshi-dash --url`` makes them."""
    assert sim.url is not None
    state = MarketState()
    feed = Feed(FeedConfig(url=sim.url, credentials=CREDENTIALS, environment="SIM", jitter_seed=1,
                           backoff_initial=0.05, backoff_max=0.2), state)
    rest = RestClient(rest_base_url(sim.url), CREDENTIALS, backoff_initial=0.01, backoff_max=0.05)
    app = KalshiDashApp(state, feed, rest=rest, catalog_cache=cache)
    app.animation_level = "none"
    return app


async def eventually(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    """Let the app and the sockets run until ``condition`` holds (fails after TIMEOUT s)."""
    await until(pilot, condition, TIMEOUT)


async def test_markets_listed_before_start_show_their_titles(tmp_path: Path) -> None:
    async with exchange() as sim:
        app = dashboard(sim, tmp_path / "catalog.json")
        async with app.run_test(size=SIZE) as pilot:
            state = app.market_state
            await eventually(pilot, lambda: state.catalog.complete)
            titles = {t: sim.exchange.universe.markets[t].title for t in sim.market_tickers()}
            assert {t: state.markets[t].title for t in titles} == titles
            grid = app.dashboard.query_one(TickerGrid)
            await eventually(pilot, lambda: len(grid.visible_tickers()) == len(titles))
            await pilot.press("slash", *"nyc")
            await eventually(pilot, lambda: grid.filter_text == "nyc")
            nyc = [t for t, title in titles.items() if "NYC" in title]
            assert nyc and sorted(grid.visible_tickers()) == sorted(nyc)
            # the status bar shows the feed's status once a second, with the catalog's progress
            counters = app.dashboard.query_one("#feed-counters")
            await eventually(pilot, lambda: "catalog 96 markets" in str(counters.render()))
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]
        assert (tmp_path / "catalog.json").stat().st_size > 0
        cached = dashboard(sim, tmp_path / "catalog.json")
        sim.rest.faults.fail_next(503, 100)  # the exchange is down: the cache still names every market
        async with cached.run_test(size=SIZE) as pilot:
            await eventually(pilot, lambda: cached.market_state.catalog.error is not None)
            assert {t: cached.market_state.markets[t].title for t in titles} == titles
            await cached.action_quit()
        await cached.rest.aclose()  # type: ignore[union-attr]


async def test_positions_and_resting_orders_held_before_start_appear() -> None:
    async with exchange() as sim:
        account = sim.exchange.account
        held = {t: h.position for t, h in account.holdings.items() if h.position}
        resting = set(account.orders)
        assert held and resting
        app = dashboard(sim)
        async with app.run_test(size=SIZE) as pilot:
            state = app.market_state
            await eventually(pilot, lambda: state.portfolio.reconciled_at is not None)
            assert {t: state.positions[t, PRIMARY].position for t in held} == held
            assert {t: sim.position(t)["position_cost"] for t in held} == {
                t: state.positions[t, PRIMARY].position_cost for t in held}
            assert {o for o, order in state.orders.items() if order.status == RESTING} == resting
            assert state.portfolio.balance is not None and state.portfolio.balance > 0
            await pilot.press("2")
            positions = app.dashboard.query_one(PositionsTable)
            orders = app.dashboard.query_one(OrdersTable)
            await eventually(pilot, lambda: set(held) <= {str(k.value) for k in positions.rows})
            assert resting <= {str(k.value) for k in orders.rows}
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]


async def test_fills_made_while_disconnected_appear_exactly_once() -> None:
    async with exchange(steps=500) as sim:
        app = dashboard(sim)
        async with app.run_test(size=SIZE) as pilot:
            state = app.market_state
            feed = app.feed
            assert feed is not None
            await eventually(pilot, lambda: state.portfolio.reconciliations == 1)
            before = feed.handshakes
            shown_before = {(f.trade_id, f.order_id) for f in state.fills}
            added_before = state.portfolio.added_fills
            sim.drop_all()
            sim.step(3_000)  # no await since the drop: nothing of this reaches the client's socket
            missed = [(f.trade_id, f.order_id) for f in sim.exchange.account.fills]
            await eventually(pilot, lambda: feed.handshakes > before and state.portfolio.reconciliations == 2)
            assert state.portfolio.added_fills - added_before == len(set(missed) - shown_before) > 0
            sim.step(1_000)  # and the socket's fills after the reconnect are not counted twice
            everything = [(f.trade_id, f.order_id) for f in sim.exchange.account.fills]
            assert len(everything) > len(missed) > 0
            await eventually(pilot, lambda: len(state.fills) >= len(everything))
            shown = Counter((f.trade_id, f.order_id) for f in state.fills)
            assert set(shown) == set(everything) and set(shown.values()) == {1}
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]


async def test_a_replay_shows_the_titles_and_account_the_session_loaded(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    async with exchange() as sim:
        live = dashboard(sim)
        live.record_path = str(path)
        async with live.run_test(size=SIZE) as pilot:
            state = live.market_state
            await eventually(pilot, lambda: state.catalog.complete and state.portfolio.reconciled_at is not None)
            titles = {t: info.title for t, info in state.markets.items()}
            positions = {t: (m.position, m.position_cost) for t, m in state.positions.items()}
            balance = state.portfolio.balance
            assert live.feed is not None
            recorder = live.feed.stop_recording()
            assert recorder is not None and recorder.responses > 0
            await live.action_quit()
        await live.rest.aclose()  # type: ignore[union-attr]
    recording = RecordingFile.load(path)
    assert {r.path for r in recording.responses} >= {"/events", "/portfolio/balance", "/portfolio/fills"}
    text = path.read_text()
    assert "KALSHI-ACCESS" not in text and "PRIVATE KEY" not in text
    replay = KalshiDashApp(MarketState(), environment="REPLAY", replay=recording, replay_speed=0)
    async with replay.run_test(size=SIZE) as pilot:
        state = replay.market_state
        await eventually(pilot, lambda: state.portfolio.reconciled_at is not None)
        assert {t: state.markets[t].title for t in titles} == titles
        assert state.portfolio.balance == balance
        assert {t: (state.positions[t].position, state.positions[t].position_cost) for t in positions} == positions
        await replay.action_quit()


async def test_an_event_listed_after_start_is_fetched_and_judged() -> None:
    """The lifecycle channel announces a new event; the dashboard fetches it from REST, so the
    event view knows all its strikes and whether they exclude each other."""
    async with exchange(steps=0, settle_every=100) as sim:
        app = dashboard(sim)
        async with app.run_test(size=SIZE) as pilot:
            state = app.market_state
            await eventually(pilot, lambda: state.catalog.complete and app.feed is not None
                             and len(app.feed.subscriptions()) >= 3)
            before = set(sim.event_tickers())
            sim.step(100)  # an event settles and a new one is listed in its place
            (new,) = set(sim.event_tickers()) - before
            await eventually(pilot, lambda: new in state.catalog.events)
            info = sim.exchange.universe.events[new]
            listed = state.catalog.events[new]
            assert listed.mutually_exclusive is info.mutually_exclusive
            assert list(listed.markets) == info.markets
            summary = summarize(state, new)
            assert summary.strikes_known and summary.exclusive is info.mutually_exclusive
            assert sim.rest.requests[f"/events/{new}"] == 1
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]


async def test_a_position_the_socket_sets_during_a_slow_account_load_is_kept() -> None:
    async with exchange(steps=500) as sim:
        sim.rest.faults.slow = 0.4  # each answer is made, then held back: the account load takes seconds
        app = dashboard(sim)
        async with app.run_test(size=SIZE) as pilot:
            state = app.market_state
            await eventually(pilot, lambda: sim.rest.requests["/portfolio/positions"] == 1)
            holdings = sim.exchange.account.holdings
            listed = {t: h.position for t, h in holdings.items() if h.position}  # what REST will say
            moved: dict[str, int] = {}
            while not moved:  # until a position REST lists moves
                sim.step(50)
                moved = {t: holdings[t].position for t, n in listed.items() if holdings[t].position != n}
            await eventually(pilot, lambda: all(
                (t, PRIMARY) in state.positions and state.positions[t, PRIMARY].position == n
                for t, n in moved.items()))
            assert state.portfolio.reconciliations == 0  # the socket's news came while REST was loading
            await eventually(pilot, lambda: state.portfolio.reconciliations == 1)
            assert {t: state.positions[t, PRIMARY].position for t in moved} == moved
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]


async def test_settlements_and_event_positions_are_shown_in_the_account_pane() -> None:
    """What settled before the dashboard started, and the account's positions per event, come
    from REST and are shown in the Account pane, the side held as in Positions."""
    async with exchange(steps=3_000, settle_every=250) as sim:
        account = sim.exchange.account
        settled = {s.ticker: s for s in account.settlements}
        assert settled
        app = dashboard(sim)
        async with app.run_test(size=SIZE) as pilot:
            state = app.market_state
            await eventually(pilot, lambda: state.portfolio.reconciled_at is not None)
            await pilot.press("2")
            settlements = app.dashboard.query_one(SettlementsTable)
            events = app.dashboard.query_one(EventPositionsTable)
            await eventually(pilot, lambda: settlements.row_count == len(settled) and events.row_count > 0)
            rows = [[cell.plain for cell in settlements.get_row_at(i)] for i in range(settlements.row_count)]
            assert {row[1]: (row[2], row[3]) for row in rows} == {
                t: (("YES " if s.position > 0 else "NO ") + format_count(abs(s.position)), s.result.upper())
                for t, s in settled.items()}
            titles = {t: sim.exchange.universe.markets[t].title for t in settled}
            assert not set(titles) & set(state.catalog.markets)  # settled: the catalog lists open events only
            await eventually(pilot, lambda: {
                str(settlements.get_row_at(i)[1]): str(settlements.get_row_at(i)[-1])
                for i in range(settlements.row_count)} == titles)  # asked by ticker
            held_events = {sim.exchange.universe.markets[t].event_ticker for t in account.holdings}
            assert {str(key.value) for key in events.rows} == held_events
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]


async def test_the_integrity_pane_says_when_the_account_was_last_reconciled() -> None:
    async with exchange(steps=500) as sim:
        app = dashboard(sim)
        async with app.run_test(size=SIZE) as pilot:
            state = app.market_state
            await eventually(pilot, lambda: state.portfolio.reconciliations == 1)
            await pilot.press("8")
            verdict = app.dashboard.query_one(IntegrityPanel).query_one("#integrity-verdict")
            assert state.portfolio.reconciled_at is not None
            moment = time.strftime("%H:%M:%S", time.gmtime(state.portfolio.reconciled_at))
            await eventually(pilot, lambda: f"account reconciled {moment} UTC (1 load, " in str(verdict.content))
            assert verdict.has_class("-healthy")
            sim.rest.faults.fail_next(500, 6)  # the reload after the next reconnect fails for good
            sim.drop_all()
            await eventually(pilot, lambda: "⚠ account not reconciled: GET /portfolio/balance: HTTP 500"
                             in str(verdict.content))
            assert verdict.has_class("-unhealthy") and state.portfolio.reconciliations == 1
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]


async def test_the_event_view_gives_no_verdict_for_an_event_the_catalog_says_is_not_exclusive() -> None:
    async with exchange() as sim:
        events = sim.exchange.universe.events
        loose = next(info for info in events.values() if info.mutually_exclusive is False)
        app = dashboard(sim)
        async with app.run_test(size=SIZE) as pilot:
            await eventually(pilot, lambda: app.market_state.catalog.complete)
            app.dashboard.show_event(loose.markets[0])
            verdict = app.dashboard.query_one(EventStrip).query_one("#event-verdict")
            await eventually(pilot, lambda: "not mutually exclusive" in str(verdict.content))
            assert "ARBITRAGE" not in str(verdict.content) and not verdict.has_class("-arbitrage")
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]


async def test_the_dashboard_backs_off_on_429s_and_still_loads_everything() -> None:
    async with exchange() as sim:
        sim.rest.faults.every_429 = 3  # every third request is refused as too many
        app = dashboard(sim)
        async with app.run_test(size=SIZE) as pilot:
            state = app.market_state
            await eventually(pilot, lambda: state.catalog.complete and state.portfolio.reconciled_at is not None)
            rest = app.rest
            assert rest is not None and rest.throttled >= sim.rest.faults.injected[429] > 0
            assert rest.retries >= rest.throttled and state.catalog.error is None and state.portfolio.error is None
            assert len(state.catalog.markets) == len(sim.market_tickers())
            assert not [n for n in app._notifications if n.severity == "error"]
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]


async def test_t_in_the_finder_subscribes_the_ticker_and_trades_of_the_market_found() -> None:
    async with exchange() as sim:
        app = dashboard(sim)
        async with app.run_test(size=SIZE) as pilot:
            feed = app.feed
            assert feed is not None
            await eventually(pilot, lambda: app.market_state.catalog.complete and len(feed.subscriptions()) >= 3)
            for channel in (p.TICKER, p.TRADE):  # none of every market's: a market is asked for by name
                await feed.unsubscribe(channel)
            ticker = sim.market_tickers()[0]
            finder = await found_in_finder(pilot, ticker.lower())
            assert finder.hits()[0] == ticker
            await pilot.press("down", "t")
            await eventually(pilot, lambda: all(
                any(s.channel == c and s.markets is not None and ticker in s.markets for s in feed.subscriptions())
                for c in (p.TICKER, p.TRADE)))
            await app.action_quit()
        await app.rest.aclose()  # type: ignore[union-attr]
