"""The dashboard screen: nine panes switched with 1–9, the status bar, and the one fan-out.

The feed's messages are posted to this screen. State messages go through :class:`FanOut` to the
widgets that show their kind (and are counted for the integrity pane, and looked at by the alert
rules); status, subscription and error messages go to the status bar, the subscriptions table,
the feed and integrity panes and notifications. Panes:

1 Markets (ticker grid, ladder tabs each with its price chart, trade tape) · 2 Account
(positions, fills, orders; event positions and settlements side by side) · 3 RFQs · 4 Lifecycle
· 5 Subscriptions · 6 Feed · 7 Event (one event's strikes side by side) · 8 Integrity (per
subscription and per book) · 9 Alerts
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane

from app.config import ConfigError, save_watchlist
from app.core.alerts import AlertCenter, Rule
from app.core.event_view import event_members, event_of
from app.core.exact_fields import exact_fields, position_extras
from app.core.exchange_status import exchange_line, reconciled_line
from app.core.integrity import IntegrityReport, NotificationCounts, RateMeter, market_health, subscription_health
from app.core.protocol import MarketPosition
from app.core.sanitize import printable
from app.core.state import Kind, MarketState
from app.core.watchlist import BackgroundSaver, Watchlist
from app.feed.feed import Feed
from app.tui.fanout import FanOut
from app.tui.messages import FeedError, FeedStatus, StateChanged, SubscriptionsChanged
from app.tui.requests import NotifyError, OpenMarket, ReleaseBook
from app.tui.screens.alert_dialog import AlertDialog
from app.tui.screens.detail_dialog import DetailDialog
from widgets._textual.compositor import draw_partial_updates_by_span
from widgets.account.event_positions_table import EventPositionsTable
from widgets.account.fills_table import FillsTable
from widgets.account.orders_table import OrdersTable
from widgets.account.positions_table import PositionsTable
from widgets.account.rfq_inbox import RfqInbox
from widgets.account.settlements_table import SettlementsTable
from widgets.alerts.alert_rules_table import AlertRulesTable
from widgets.alerts.alerts_panel import AlertsPanel
from widgets.health.feed_panel import FeedPanel
from widgets.health.integrity_panel import IntegrityPanel
from widgets.health.lifecycle_log import LifecycleLog
from widgets.health.status_bar import StatusBar
from widgets.health.subscriptions_table import SubscriptionsTable
from widgets.market.depth_ladder import DepthLadder
from widgets.market.event_strip import EventStrip
from widgets.market.price_chart import PriceChart
from widgets.market.ticker_grid import TickerGrid
from widgets.market.trade_tape import TradeTape
from widgets.search_input import SearchInput

# (pane id, tab title); the number key of a pane is its position.
PANES: tuple[tuple[str, str], ...] = (
    ("markets", "Markets"),
    ("account", "Account"),
    ("rfqs", "RFQs"),
    ("lifecycle", "Lifecycle"),
    ("subscriptions", "Subscriptions"),
    ("feed", "Feed"),
    ("event", "Event"),
    ("integrity", "Integrity"),
    ("alerts", "Alerts"),
)


def pane_bindings() -> list[Binding]:
    """``1``–``9``: one binding per pane, generated from :data:`PANES`."""
    return [
        Binding(str(n), f"show_pane('{pane}')", title, show=False)
        for n, (pane, title) in enumerate(PANES, start=1)
    ]


class DashboardScreen(Screen[None]):
    """The main screen: status bar, the nine panes, and the footer."""

    # The look of the stock widgets this screen composes; where the panes go is in styles/dashboard.tcss.
    DEFAULT_CSS = """
    DashboardScreen {
        #grid-filter {
            border: round $accent;
        }
        #ladder-hint {
            content-align: center middle;
            color: $text-muted;
            border: round $panel;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *pane_bindings(),
        Binding("slash", "filter", "Filter"),
        Binding("exclamation_mark", "new_alert", "New alert", show=False),
        # not b: on a ladder b buys
        Binding("B", "toggle_bell", "Alert bell on/off", show=False),
        Binding("escape", "close_filter", "Clear filter", show=False),
        Binding("left_square_bracket", "cycle_ladder(-1)", "Previous ladder", show=False),
        Binding("right_square_bracket", "cycle_ladder(1)", "Next ladder", show=False),
        Binding("z", "zoom", "Zoom pane", show=False),
    ]

    def __init__(
        self,
        state: MarketState,
        environment: str,
        markets: Iterable[str] = (),
        *,
        watchlist: Watchlist | None = None,
        alerts: AlertCenter | None = None,
        watchlist_path: Path | None = None,
        clock: Callable[[], float] = time.time,
        replaying: bool = False,
    ) -> None:
        super().__init__(id="dashboard")
        self.feed: Feed | None = None
        """The feed whose subscriptions and integrity figures the screen shows (the app sets it)."""
        self.watchlist_path = watchlist_path  # where a star is saved (None: not saved)
        self.clock = clock
        self.replaying = replaying  # showing a recording, not the exchange now
        self.trades = False  # the session can trade (the app says so once its order service is up)
        draw_partial_updates_by_span(self)
        self.state = state
        self.environment = environment
        self.initial_markets = list(markets)
        self.watchlist = watchlist if watchlist is not None else Watchlist()
        self._watchlist_saver = BackgroundSaver()
        self.alerts = alerts if alerts is not None else AlertCenter(state)
        self.fanout = FanOut(self, state, clock)
        self._changed_kinds = Kind.NONE
        self._changed_books: frozenset[str] | None = frozenset()  # None: every book
        self._hand_on_due = False
        self.notifications = NotificationCounts()
        self.rates = RateMeter()
        self._ladder_ids = itertools.count(1)
        self._ladder_panes: dict[str, str] = {}

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(self.environment, id="status-bar")
        with TabbedContent(id="panes", initial="markets"):
            with TabPane(f"1 {PANES[0][1]}", id="markets"):
                yield SearchInput(placeholder="filter markets by ticker or title", id="grid-filter")
                grid = TickerGrid(id="grid", watchlist=self.watchlist)
                grid.keep = self.kept_markets
                yield grid
                with Horizontal(id="markets-lower"):
                    with Container(id="ladders-box"):
                        yield Static(
                            Text("Enter on a market opens its depth ladder here."), id="ladder-hint"
                        )
                        yield TabbedContent(id="ladders")
                    yield TradeTape(id="tape")
            with TabPane(f"2 {PANES[1][1]}", id="account"):
                with Vertical(id="account-box"):
                    yield PositionsTable(id="positions")
                    yield FillsTable(id="fills")
                    yield OrdersTable(id="orders")
                    with Horizontal(id="account-history"):
                        yield EventPositionsTable(id="event-positions")
                        yield SettlementsTable(id="settlements")
            with TabPane(f"3 {PANES[2][1]}", id="rfqs"):
                yield RfqInbox(id="rfq-inbox")
            with TabPane(f"4 {PANES[3][1]}", id="lifecycle"):
                yield LifecycleLog(id="lifecycle-log")
            with TabPane(f"5 {PANES[4][1]}", id="subscriptions"):
                yield SubscriptionsTable(id="subscriptions-table")
            with TabPane(f"6 {PANES[5][1]}", id="feed"):
                yield FeedPanel(clock=self.clock, id="feed-panel")
            with TabPane(f"7 {PANES[6][1]}", id="event"):
                yield EventStrip(id="event-strip")
            with TabPane(f"8 {PANES[7][1]}", id="integrity"):
                yield IntegrityPanel(id="integrity-panel")
            with TabPane(f"9 {PANES[8][1]}", id="alerts"):
                yield AlertsPanel(self.alerts, id="alerts-panel")
        yield Footer()

    async def on_mount(self) -> None:
        field = self.query_one("#grid-filter", Input)
        field.display = False
        # The grid follows the field's value as the key that changed it is handled; its Changed
        # message would reach this screen through four more queues (the panes' containers), each
        # a turn of the event loop behind the paced market's reads.
        self.watch(field, "value", self._filter_changed, init=False)
        self.query_one("#grid", TickerGrid).border_title = "Markets"
        self.fanout.bind_all()
        self._show_hint()
        for ticker in self.initial_markets:
            await self.open_ladder(ticker)
        self.query_one("#grid", TickerGrid).focus()

    # -- feed messages: the one fan-out ----------------------------------------------------------

    @on(StateChanged)
    def _state_changed(self, message: StateChanged) -> None:
        """Count the notice and hand it on: at once when no other message waits for this screen,
        else merged with any other notice and handed on once, after the messages queued.

        State notices from other posters (the catalog and account sync, tests) can arrive between
        the feed's, and the views' repaint requests queue here too when the screen falls behind;
        the merged kinds then go to the views and the alert rules once. With nothing queued (the
        paced feed's usual case) a scheduled hand-on would run next anyway, one message later.
        """
        self.notifications.count(message.kinds)
        self._changed_kinds |= message.kinds
        if message.every_book:
            self._changed_books = None
        elif self._changed_books is not None:
            self._changed_books = self._changed_books | message.books
        if self._hand_on_due:
            return
        if self.message_queue_size == 0:
            self._hand_on()
        else:
            self._hand_on_due = True
            self.call_later(self._hand_on)

    def _hand_on(self) -> None:
        """Hand the views and the alert rules what changed since the last time, at once."""
        kinds, books = self._changed_kinds, self._changed_books
        self._changed_kinds, self._changed_books, self._hand_on_due = Kind.NONE, frozenset(), False
        self.fanout.dispatch(kinds, books if books is not None else frozenset())
        self.check_alerts(kinds)

    def on_feed_status(self, message: FeedStatus) -> None:
        self.query_one(StatusBar).show(message.status, exchange_line(self.state))
        self.query_one(FeedPanel).show(message.status)
        if self.current_pane == "integrity":
            self.refresh_integrity()

    def on_subscriptions_changed(self, _message: SubscriptionsChanged) -> None:
        self.refresh_subscriptions()

    def on_feed_error(self, message: FeedError) -> None:
        self.query_one(FeedPanel).log_error(message.error)
        self.post_message(NotifyError(message.error))

    def refresh_integrity(self, now: float | None = None) -> IntegrityReport | None:
        """Show the feed's integrity numbers now (``now``: the feed's monotonic clock)."""
        feed = self.feed
        if feed is None:
            return None
        now = time.monotonic() if now is None else now
        report = IntegrityReport(
            tuple(subscription_health(feed.subscriptions(), self.rates, self.notifications, now)),
            tuple(market_health(self.state, feed.resynced_at, feed.market_resyncs, now)),
            anomalies=dict(feed.anomalies),
            account=reconciled_line(self.state),
            account_failed=self.state.portfolio.error is not None,
            partly_read=feed.partly_read,
            invalid_times=tuple(sorted(self.state.invalid_times.items())),
            invalid_numbers=tuple(sorted(self.state.invalid_numbers.items())),
        )
        self.query_one(IntegrityPanel).show(report)
        return report

    def refresh_subscriptions(self) -> None:
        """Show the feed's live subscriptions in the subscriptions table."""
        feed = self.feed
        if feed is not None:
            self.query_one(SubscriptionsTable).show(feed.subscriptions())

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.fanout.catch_up()
        if event.tabbed_content.id == "ladders":
            ladder = self.active_ladder()
            self.query_one(TradeTape).focus_market(ladder.ticker if ladder else None)

    # -- panes ----------------------------------------------------------------------------------

    def action_show_pane(self, pane: str) -> None:
        """Switch to ``pane`` (one of :data:`PANES`) and focus its first widget that takes keys."""
        if pane == "event" and self.query_one(EventStrip).event_ticker is None:
            market = self.focused_market()
            if market is not None:
                self.query_one(EventStrip).show_event(event_of(self.state, market), market)
        tabs = self.query_one("#panes", TabbedContent)
        tabs.active = pane
        self.call_after_refresh(self.fanout.catch_up)
        if pane == "subscriptions":
            self.refresh_subscriptions()
        if pane == "integrity":
            self.refresh_integrity()
        focusable = [w for w in tabs.get_pane(pane).query("*") if w.focusable and w.display]
        if focusable:
            focusable[0].focus()

    @property
    def current_pane(self) -> str:
        """The id of the pane shown."""
        return self.query_one("#panes", TabbedContent).active

    # -- filter ---------------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the markets filter and type into it (the grid follows each keystroke)."""
        self.action_show_pane("markets")
        field = self.query_one("#grid-filter", Input)
        field.display = True
        field.focus()

    def action_close_filter(self) -> None:
        """Esc: clear the filter, hide it, and go back to the grid (every market shown again)."""
        field = self.query_one("#grid-filter", Input)
        field.value = ""  # the grid follows (_filter_changed)
        self._leave_filter()

    def _leave_filter(self) -> None:
        """Go back to the grid, the filter hidden when empty."""
        field = self.query_one("#grid-filter", Input)
        if not field.value:
            field.display = False
        self.query_one(TickerGrid).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_filter":  # from the filter, or from the grid while a filter is on
            field = self.query_one("#grid-filter", Input)
            return self.focused is field or (self.focused is self.query_one(TickerGrid) and bool(field.value))
        return True

    def _filter_changed(self, value: str) -> None:
        self.query_one(TickerGrid).set_filter(value.strip())

    @on(Input.Submitted, "#grid-filter")
    def _filter_submitted(self, _event: Input.Submitted) -> None:
        self._leave_filter()  # Enter keeps the filter

    # -- ladders --------------------------------------------------------------------------------

    @on(TickerGrid.MarketChosen)
    @on(EventStrip.StrikeChosen)
    def _market_chosen(self, event: TickerGrid.MarketChosen | EventStrip.StrikeChosen) -> None:
        self.post_message(OpenMarket(event.ticker))

    # -- the exact values of an account row -------------------------------------------------------

    @on(DataTable.RowSelected, "#positions, #fills, #orders")
    def _show_details(self, event: DataTable.RowSelected) -> None:
        """Enter on a position, fill or order: every field of it at full precision."""
        table = event.data_table
        assert isinstance(table, (PositionsTable, FillsTable, OrdersTable))
        key = event.row_key.value
        record = table.record(key) if key is not None else None
        if record is None:
            return
        ticker = record.market_ticker
        fields = [("title", self.state.title(ticker) or "—"), *exact_fields(record)]
        if isinstance(record, MarketPosition):
            fields += position_extras(self.state, record)
        self.app.push_screen(DetailDialog(f"{table.RECORD_NAME} · {ticker}", fields))

    # -- event view, watchlist ------------------------------------------------------------------

    @on(TickerGrid.EventChosen)
    def _event_chosen(self, event: TickerGrid.EventChosen) -> None:
        self.show_event(event.ticker)

    def show_event(self, ticker: str) -> None:
        """Show the event of market ``ticker`` in the event pane, the cursor on its strike."""
        self.query_one(EventStrip).show_event(event_of(self.state, ticker), ticker)
        self.action_show_pane("event")

    @on(EventStrip.BackRequested)
    def _back_to_markets(self, event: EventStrip.BackRequested) -> None:
        self.action_show_pane("markets")
        if event.ticker:
            self.query_one(TickerGrid).show_ticker(event.ticker)

    def toggle_star(self, ticker: str) -> bool:
        """Star ``ticker`` or unstar it, as ``f`` on the grid does; True when starred now."""
        return self.query_one(TickerGrid).toggle_star(ticker)

    @on(TickerGrid.StarToggled)
    def _star_toggled(self, event: TickerGrid.StarToggled) -> None:
        path = self.watchlist_path
        if path is not None:
            self.run_worker(self._save_watchlist(path, list(self.watchlist)), group="watchlist")

    async def _save_watchlist(self, path: Path, tickers: list[str]) -> None:
        """Save the watchlist in a thread: a large config file never holds the screen up."""
        try:
            await self._watchlist_saver.save(functools.partial(save_watchlist, path, tickers))
        except ConfigError as exc:
            self.notify(str(exc), title="watchlist not saved", severity="warning", markup=False)

    # -- alerts ---------------------------------------------------------------------------------

    def check_alerts(self, kinds: Kind) -> None:
        """Let the alert rules look at what changed; notify what fired (rate-limited)."""
        fired = self.alerts.evaluate(kinds, self.clock())
        if not fired:
            return
        shown = [alert for alert in fired if alert.notified]
        for alert in shown:
            self.notify(alert.text, title="alert", severity="warning", timeout=8, markup=False)
        if shown and self.alerts.bell:
            self.app.bell()
        self.query_one(AlertsPanel).refresh_alerts()

    def action_new_alert(self) -> None:
        """``!``: set an alert rule (the focused market filled in)."""
        self.app.push_screen(AlertDialog(self.known_tickers(), self.focused_market()), self.add_alert)

    def add_alert(self, rule: Rule | None) -> None:
        """Start watching ``rule`` (None: the dialog was cancelled)."""
        if rule is None:
            return
        self.alerts.add(rule)
        self.query_one(AlertsPanel).refresh_alerts()
        self.notify(rule.describe(), title="alert set", markup=False)

    @on(AlertRulesTable.RemoveRequested)
    def _remove_rule(self, event: AlertRulesTable.RemoveRequested) -> None:
        text = self.alerts.rule_text(event.rule_id)
        self.alerts.remove(event.rule_id)
        self.query_one(AlertsPanel).refresh_alerts()
        self.notify(text, title="alert removed", markup=False)

    def action_toggle_bell(self) -> None:
        """``B``: ring the terminal bell with each alert shown, or not."""
        self.alerts.bell = not self.alerts.bell
        self.query_one(AlertsPanel).refresh_alerts()
        self.notify(f"alert bell {'on' if self.alerts.bell else 'off'}", markup=False)

    async def open_ladder(self, ticker: str) -> DepthLadder:
        """Open ``ticker``'s ladder in a tab (or show it if it is open) and return it."""
        tabs = self.query_one("#ladders", TabbedContent)
        pane_id = self._ladder_panes.get(ticker)
        if pane_id is None:
            pane_id = f"ladder-{next(self._ladder_ids)}"
            self._ladder_panes[ticker] = pane_id
            ladder = DepthLadder(ticker, replaying=self.replaying)
            ladder.trades = self.trades
            chart = PriceChart(ticker, classes="ladder-chart")
            await tabs.add_pane(TabPane(Content(printable(ticker)), ladder, chart, id=pane_id))
            self.fanout.forget()
            ladder.bind_state(self.state, self.clock)
            chart.bind_state(self.state, self.clock)
            self._show_hint()
        tabs.active = pane_id
        self.query_one(TradeTape).focus_market(ticker)
        return tabs.get_pane(pane_id).query_one(DepthLadder)

    def action_zoom(self) -> None:
        """``z``: the focused pane fills the screen, or back to the layout."""
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            self.maximize(self.focused, container=False)

    def action_cycle_ladder(self, step: int) -> None:
        """``[`` / ``]``: show the previous / next ladder tab (round the ends)."""
        panes = list(self._ladder_panes.values())
        if not panes:
            return
        tabs = self.query_one("#ladders", TabbedContent)
        index = panes.index(tabs.active) if tabs.active in panes else -1
        tabs.active = panes[(index + step) % len(panes)]

    async def close_ladder(self, ticker: str) -> None:
        """Close ``ticker``'s ladder tab, if open."""
        pane_id = self._ladder_panes.pop(ticker, None)
        if pane_id is not None:
            await self.query_one("#ladders", TabbedContent).remove_pane(pane_id)
            self.fanout.forget()
            self._show_hint()

    @on(DepthLadder.CloseRequested)
    async def _close_requested(self, event: DepthLadder.CloseRequested) -> None:
        """``x`` on a ladder: close its tab and release its book."""
        await self.close_ladder(event.ticker)
        self.post_message(ReleaseBook(event.ticker))

    def set_trading(self, trades: bool) -> None:
        """Say whether the session can trade, to this screen's ladders now and to those it opens."""
        self.trades = trades
        for ladder in self.query(DepthLadder):
            ladder.trades = trades
            ladder.refresh()

    def ladders(self) -> dict[str, DepthLadder]:
        """The open ladders by market ticker."""
        return {ladder.ticker: ladder for ladder in self.query(DepthLadder)}

    def active_ladder(self) -> DepthLadder | None:
        """The ladder of the active tab, if any."""
        pane = self.query_one("#ladders", TabbedContent).active_pane
        return None if pane is None else pane.query_one(DepthLadder)

    def _show_hint(self) -> None:
        """The hint while no ladder is open (on a short, narrow screen the grid takes its room)."""
        self.query_one("#ladder-hint", Static).display = not self._ladder_panes
        self.query_one("#ladders", TabbedContent).display = bool(self._ladder_panes)
        self.query_one("#markets-lower").set_class(not self._ladder_panes, "-no-ladder")

    # -- what the keys act on -------------------------------------------------------------------

    def focused_market(self) -> str | None:
        """The market the user is looking at: grid cursor, focused ladder, or active ladder tab."""
        focused = self.focused
        if isinstance(focused, TickerGrid):
            return focused.cursor_ticker()
        if isinstance(focused, DepthLadder):
            return focused.ticker
        strip = self.query_one(EventStrip)
        if focused is not None and strip in focused.ancestors_with_self:
            return strip.cursor_ticker()
        ladder = self.active_ladder()
        return ladder.ticker if ladder is not None else None

    def key_target(self, cls: type[Widget]) -> Widget | None:
        """The widget of kind ``cls`` a key of that kind acts on from the palette: the focused
        one (or the one holding the focus), else the active ladder, else the first mounted."""
        focused = self.focused
        if focused is not None:
            for node in focused.ancestors_with_self:
                if isinstance(node, cls):
                    return node
        if cls is DepthLadder:
            return self.active_ladder()
        found = self.query(cls)
        return found.first() if found else None

    def focused_subscription(self) -> tuple[int, str] | None:
        """``(sid, channel)`` of the subscriptions-table row under the cursor, when focused."""
        table = self.query_one(SubscriptionsTable)
        if self.focused is not table:
            return None
        sid, channel = table.cursor_sid(), table.cursor_channel()
        return None if sid is None or channel is None else (sid, channel)

    def known_tickers(self) -> list[str]:
        """Every market seen, for completion."""
        return self.state.market_tickers()

    def open_tickers(self) -> Iterable[str]:
        """Markets with an open ladder."""
        return list(self._ladder_panes)

    def kept_markets(self) -> set[str]:
        """The markets the grid keeps however long ago they resolved: those the user shows, holds
        or has ordered in."""
        kept = self.shown_markets()
        kept.update(self.state.position_markets())
        kept.update(order.market_ticker for order in self.state.orders.values())
        return kept

    def shown_markets(self) -> set[str]:
        """The markets the user chose to see: starred, with a ladder, or in the event shown."""
        shown = set(self.watchlist)
        shown.update(self._ladder_panes)
        strips = self.query(EventStrip)
        event = strips.first().event_ticker if strips else None
        if event is not None:
            shown.update(event_members(self.state, event))
        return shown
