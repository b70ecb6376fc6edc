"""Every screen of the dashboard as a reproducible shot: the snapshot tests and ``make screenshots``
both take exactly these.

A shot is a dashboard over a fresh :func:`tests.ui_states.scenario` (fixed seed, frozen clock),
a little live market activity after start (so the ladder has traded volume and frozen flashes), a
fixed feed status, then the keys or actions that bring up the screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from app.core import protocol as p
from app.core.alerts import Rule, RuleKind
from app.core.feed_status import ConnectionState, FeedErrorInfo, FeedStatusSnapshot
from app.core.integrity import IntegrityReport, NotificationCounts, RateMeter, market_health, subscription_health
from app.core.state import BookStatus, Kind
from app.feed.feed import LiveSubscription
from app.tui.feed_bridge import MessageSink
from app.tui.main import DARK_THEME, LIGHT_THEME, KalshiDashApp
from app.tui.messages import FeedError, FeedStatus, StateChanged
from app.tui.screens.alert_dialog import AlertDialog
from app.tui.screens.detail_dialog import DetailDialog
from app.tui.screens.finder import FinderScreen
from app.tui.screens.order_ticket import OrderTicketDialog
from app.tui.screens.subscribe import SubscribeDialog
from tests import table_states as ts
from tests.ui_states import LADDER_TICKER, NOW, Scenario, advance, dashboard_app, scenario, status, until
from widgets.account.positions_table import PositionsTable
from widgets.health.integrity_panel import IntegrityPanel
from widgets.health.subscriptions_table import SubscriptionsTable
from widgets.market.price_chart import PriceChart
from widgets.market.ticker_grid import TickerGrid
from widgets.market.trade_tape import TradeTape

SIZE = (120, 40)
LIVE_STEPS = 120
Step = Callable[[Pilot[Any]], Awaitable[None]]
Prepare = Callable[[KalshiDashApp], None]
EVENT_TICKER = "KXHIGHNY-25NOV27-B51"
MONOTONIC_NOW = 5_000.0  # the feed's clock in the integrity shot

SUBSCRIPTIONS = [
    LiveSubscription(1, "ticker", None, last_seq=5_120, messages=5_120, last_data=MONOTONIC_NOW - 0.2),
    LiveSubscription(2, "trade", None, last_seq=2_301, messages=2_301, gaps=1, resyncs=0,
                     last_data=MONOTONIC_NOW - 0.4),
    LiveSubscription(3, "orderbook_delta", {LADDER_TICKER, "KXHIGHNY-25NOV27-B51"},
                     last_seq=812, messages=812, resyncs=1, resyncing=True, last_data=MONOTONIC_NOW - 1.7),
    LiveSubscription(4, "market_lifecycle_v2", None, last_seq=40, messages=40, last_data=MONOTONIC_NOW - 75.0),
]
ALERT_RULES = (
    Rule(RuleKind.PRINT_AT_LEAST, None, 9_000),
    Rule(RuleKind.SPREAD_BELOW, LADDER_TICKER, 200),
    Rule(RuleKind.LAST_CROSSES, LADDER_TICKER, 8_250),
    Rule(RuleKind.LIFECYCLE, None, event_type="settled"),
    Rule(RuleKind.FILL),
)


def set_alert_rules(app: KalshiDashApp) -> None:
    """The alert rules of the alerts shot (before the live activity, which fires some)."""
    for rule in ALERT_RULES:
        app.dashboard.alerts.add(rule)


async def show_integrity(pilot: Pilot[Any]) -> None:
    """The integrity pane with fixed counters: rates from two looks a second apart, one book
    resyncing for 1.7 s, notifications counted as the dashboard counted them."""
    app = pilot.app
    app.market_state.set_book_status(LADDER_TICKER, BookStatus.RESYNCING)
    meter, notices = RateMeter(), NotificationCounts()
    for kinds, times in ((Kind.TICKER, 412), (Kind.TRADE, 380), (Kind.BOOK, 96), (Kind.LIFECYCLE, 12)):
        for _ in range(times):
            notices.count(kinds)
    earlier = [(sub.sid, sub.messages - sub.sid * 150) for sub in SUBSCRIPTIONS]
    for sid, messages in earlier:
        meter.rate(sid, messages, MONOTONIC_NOW - 1.0)
    report = IntegrityReport(
        tuple(subscription_health(SUBSCRIPTIONS, meter, notices, MONOTONIC_NOW)),
        tuple(market_health(app.market_state, {LADDER_TICKER: MONOTONIC_NOW - 1.7},
                            {LADDER_TICKER: 1}, MONOTONIC_NOW)),
    )
    app.dashboard.query_one(IntegrityPanel).show(report)


async def open_event_view(pilot: Pilot[Any]) -> None:
    """``e`` on a market of a three-strike event."""
    grid = pilot.app.dashboard.query_one(TickerGrid)
    grid.focus()
    grid.show_ticker(EVENT_TICKER)
    await pilot.press("e")


def settle(app: KalshiDashApp, results: dict[str, str]) -> None:
    """Settle markets (``{ticker: "yes" or "no"}``) as the lifecycle channel would."""
    for ticker, result in results.items():
        app.market_state.apply(p.MarketLifecycle(market_ticker=ticker, event_type="settled", result=result,
                                                 settlement_value=10_000 if result == "yes" else 0))
    MessageSink(app.dashboard).on_changes(Kind.LIFECYCLE, frozenset())


def settle_the_ladder_market(app: KalshiDashApp) -> None:
    """The open ladder's market settles YES: the grid sinks it, the ladder shows its result."""
    settle(app, {LADDER_TICKER: "yes"})


async def settle_two_long_ago(pilot: Pilot[Any]) -> None:
    """Two markets the user neither shows, holds nor ordered in settled ten minutes ago: they
    leave the grid, which says how many it hides."""
    app = pilot.app
    kept = app.dashboard.kept_markets()
    gone = [ticker for ticker in app.market_state.market_tickers() if ticker not in kept][-2:]
    for ticker in gone:
        app.market_state.apply(p.MarketLifecycle(market_ticker=ticker, event_type="settled", result="no",
                                                 settlement_value=0, settled_ts=int(NOW) - 600))
    MessageSink(app.dashboard).on_changes(Kind.LIFECYCLE, frozenset())
    grid = app.dashboard.query_one(TickerGrid)
    await until(pilot, lambda: grid.resolved_hidden == 2)


def settle_the_event(app: KalshiDashApp) -> None:
    """Every strike of the three-strike event settles, the middle one YES."""
    head = EVENT_TICKER.rpartition("-")[0]
    settle(app, {f"{head}-B49": "no", EVENT_TICKER: "yes", f"{head}-B53": "no"})


async def open_position_details(pilot: Pilot[Any]) -> None:
    """The Account pane, Enter on the first position: its exact values."""
    await pilot.press("2")
    pilot.app.dashboard.query_one(PositionsTable).focus()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, DetailDialog))


async def filter_out_every_market(pilot: Pilot[Any]) -> None:
    """A grid filter nothing matches: the grid says why it is empty."""
    await pilot.press("slash", *"zzz", "enter")


async def star_two_and_show_the_watchlist(pilot: Pilot[Any]) -> None:
    """Star the first and the third market, then show the watchlist only."""
    pilot.app.dashboard.query_one(TickerGrid).focus()
    await pilot.press("f", "down", "down", "f", "w")


async def open_alert_dialog(pilot: Pilot[Any]) -> None:
    """The alert dialog for the ladder's market with a level typed in, cursor steady."""
    app = pilot.app
    dialog = AlertDialog(app.dashboard.known_tickers(), LADDER_TICKER)
    await app.push_screen(dialog)
    await pilot.pause()
    for box in dialog.query(Input):
        box.cursor_blink = False
    await pilot.press(*"82.5")


async def log_an_error(pilot: Pilot[Any]) -> None:
    """A server error whose text holds markup-like brackets."""
    error = FeedErrorInfo("server error 8: unknown channel name", 8, "unknown channel name",
                          "unknown channel [multivariate]")
    pilot.app.dashboard.post_message(FeedError(error))


async def flip_ladder(pilot: Pilot[Any]) -> None:
    """Focus the ladder and show its no side."""
    pilot.app.dashboard.ladders()[LADDER_TICKER].focus()
    await pilot.press("f")


def order_frame(order_id: str, side: str, yes_price: str, remaining: str) -> str:
    """A resting buy of ``side`` in the ladder's market, as the socket's user_orders sends it."""
    return ts.frame("user_order", {
        "order_id": order_id, "ticker": LADDER_TICKER, "status": "resting", "side": side, "action": "buy",
        "yes_price_dollars": yes_price, "fill_count_fp": "0.00", "remaining_count_fp": remaining,
        "initial_count_fp": remaining, "created_ts_ms": ts.T0_MS})


def add_orders_and_position(app: KalshiDashApp) -> None:
    """Two resting orders of the user (a yes buy at 3¢: a bid; a no buy at 92¢: a yes ask at 8¢)
    and a position of 40 yes bought for $1.68 (4.2¢ each), applied and announced."""
    ts.apply(app.market_state, order_frame("mine-1", "yes", "0.0300", "25.00"),
             order_frame("mine-2", "no", "0.0800", "10.00"),
             ts.position_current(LADDER_TICKER, "40.00", "1.680000", "0.000000", "0.020000"))
    MessageSink(app.dashboard).on_changes(Kind.ORDER | Kind.POSITION, frozenset())


async def show_price_ladder(pilot: Pilot[Any]) -> None:
    """Focus the ladder, switch it to the price ladder, and move the cursor one tick up."""
    pilot.app.dashboard.ladders()[LADDER_TICKER].focus()
    await pilot.press("p", "up")


async def zoom_price_ladder(pilot: Pilot[Any]) -> None:
    """The price ladder filling the screen (``z``)."""
    await show_price_ladder(pilot)
    await pilot.press("z")


async def focus_ladder_on_an_order(pilot: Pilot[Any]) -> None:
    """Focus the depth ladder with the user's two resting orders and put its cursor on a row."""
    pilot.app.dashboard.ladders()[LADDER_TICKER].focus()
    await pilot.press("down", "down")


async def open_order_ticket(pilot: Pilot[Any]) -> None:
    """The order ticket for a buy of 25 yes at 41¢, as the session's first order asks it: with
    the typed confirmation, cursor steady."""
    app = pilot.app
    dialog = OrderTicketDialog(LADDER_TICKER, "yes", "buy", 4_100, 2_500, confirm=True)
    await app.push_screen(dialog)
    await pilot.pause()
    for box in dialog.query(Input):
        box.cursor_blink = False


async def open_subscribe_dialog(pilot: Pilot[Any]) -> None:
    """The subscribe dialog with the ladder's market filled in, cursor steady."""
    app = pilot.app
    dialog = SubscribeDialog.subscribe(app.dashboard.known_tickers(), LADDER_TICKER)
    await app.push_screen(dialog)
    await pilot.pause()
    dialog.query_one(Input).cursor_blink = False


async def find_a_market(pilot: Pilot[Any]) -> None:
    """Open the market finder, type two words of titles, move to the results."""
    await pilot.press("m")
    await until(pilot, lambda: isinstance(pilot.app.screen, FinderScreen))
    await pilot.press(*"nyc 27", "down")


@dataclass(frozen=True)
class Shot:
    """One screen: how to bring it up, and at which size and theme."""

    name: str
    keys: tuple[str, ...] = ()
    feed: FeedStatusSnapshot = field(default_factory=status)
    book_status: BookStatus | None = None
    environment: str = "SIM"
    theme: str = DARK_THEME
    size: tuple[int, int] = SIZE
    then: Step | None = None
    prepare: Prepare | None = None

    def app(self) -> tuple[KalshiDashApp, Step]:
        """The app for this shot, and what to run on it before the picture is taken."""
        sim = scenario()
        app = dashboard_app(sim, environment=self.environment, theme=self.theme)
        return app, self._run_before(sim)

    def _run_before(self, sim: Scenario) -> Step:
        async def run_before(pilot: Pilot[Any]) -> None:
            app = pilot.app
            dashboard = app.dashboard
            await until(pilot, lambda: bool(dashboard.is_mounted and dashboard.ladders()))
            if self.prepare is not None:
                self.prepare(app)
            advance(app, sim, LIVE_STEPS)
            dashboard.post_message(FeedStatus(self.feed))
            dashboard.query_one(SubscriptionsTable).show(SUBSCRIPTIONS)
            if self.book_status is not None:
                app.market_state.set_book_status(LADDER_TICKER, self.book_status)
                dashboard.post_message(StateChanged(Kind.BOOK, frozenset({LADDER_TICKER})))
            grid = dashboard.query_one(TickerGrid)
            tape = dashboard.query_one(TradeTape)
            charts = dashboard.query(PriceChart)
            await until(pilot, lambda: not grid.redraw_pending and not tape.intake_pending
                        and not any(chart.redraw_pending for chart in charts))
            await pilot.pause()  # the frame with what they took in (a modal screen keeps it behind)
            await pilot.press(*self.keys)
            if self.then is not None:
                await self.then(pilot)
            await pilot.pause()

        return run_before


SHOTS: tuple[Shot, ...] = (
    Shot("markets"),
    Shot("account", keys=("2",)),
    Shot("rfqs", keys=("3",)),
    Shot("lifecycle", keys=("4",)),
    Shot("subscriptions", keys=("5",)),
    Shot("feed", keys=("6",), then=log_an_error),
    Shot("help", keys=("question_mark",)),
    Shot("subscribe-dialog", then=open_subscribe_dialog),
    Shot("ladder-no-side", then=flip_ladder),
    Shot("light-theme", environment="DEMO", theme=LIGHT_THEME),
    Shot("narrow-80x24", size=(80, 24)),
    Shot("stale", environment="PROD", feed=status(last_data_age=14.2)),
    Shot("resyncing", environment="PROD", book_status=BookStatus.RESYNCING),
    Shot("auth-rejected", environment="PROD", feed=status(
        ConnectionState.AUTH_REJECTED, messages_per_second=0.0, last_data_age=None,
        detail="authentication rejected: check the key id")),
    Shot("reconnecting", environment="PROD", book_status=BookStatus.STALE, feed=status(
        ConnectionState.RECONNECTING, reconnect_in=2.4, reconnects=3, messages_per_second=0.0,
        last_data_age=3.1)),
    Shot("event-view", then=open_event_view),
    Shot("integrity", keys=("8",), then=show_integrity),
    Shot("alerts", keys=("9",), prepare=set_alert_rules),
    Shot("alert-dialog", then=open_alert_dialog),
    Shot("watchlist", then=star_two_and_show_the_watchlist),
    Shot("finder", then=find_a_market),
    Shot("settled-80x24", size=(80, 24), prepare=settle_the_ladder_market),
    Shot("settled-160x48", size=(160, 48), prepare=settle_the_ladder_market),
    Shot("event-settled-160x48", size=(160, 48), prepare=settle_the_event, then=open_event_view),
    # the trader's read (issue 19) at the smallest and a large terminal
    Shot("event-settled-80x24", size=(80, 24), prepare=settle_the_event, then=open_event_view),
    Shot("account-80x24", size=(80, 24), keys=("2",)),
    Shot("account-160x48", size=(160, 48), keys=("2",)),
    Shot("event-view-80x24", size=(80, 24), then=open_event_view),
    Shot("event-view-160x48", size=(160, 48), then=open_event_view),
    Shot("markets-160x48", size=(160, 48)),
    Shot("price-ladder-80x24", size=(80, 24), prepare=add_orders_and_position, then=zoom_price_ladder),
    Shot("price-ladder-160x48", size=(160, 48), prepare=add_orders_and_position, then=show_price_ladder),
    Shot("ladder-orders", prepare=add_orders_and_position, then=focus_ladder_on_an_order),
    Shot("order-ticket", then=open_order_ticket),
    *(shot for size in ((80, 24), (160, 48)) for shot in (
        Shot(f"detail-{size[0]}x{size[1]}", size=size, then=open_position_details),
        Shot(f"confirm-quit-{size[0]}x{size[1]}", size=size, keys=("q",)),
        Shot(f"sorted-{size[0]}x{size[1]}", size=size, keys=("greater_than_sign", "greater_than_sign")),
        Shot(f"empty-filter-{size[0]}x{size[1]}", size=size, then=filter_out_every_market),
        Shot(f"resolved-hidden-{size[0]}x{size[1]}", size=size, then=settle_two_long_ago),
    )),
)
