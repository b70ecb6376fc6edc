"""The Textual app: the dashboard screen, the feed worker, and the keys that talk to the feed.

:class:`KalshiDashApp` renders from a :class:`MarketState`. It either runs a :class:`Feed` it is
given, or opens one with ``connect`` (an awaitable that starts the simulator when needed), or,
with neither, shows the state as it is (tests and screenshots). The feed's messages are posted to
the :class:`DashboardScreen`, which hands them to the widgets. The dashboard is read-only: no key
places an order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

import styles
from app.config import Preferences
from app.core import protocol as p
from app.core.alerts import AlertCenter, RateLimit
from app.core.error_notices import ErrorNotices
from app.core.feed_status import FeedErrorInfo
from app.core.finder import MarketIndex
from app.core.sanitize import printable, printable_lines
from app.core.state import Kind, MarketState
from app.core.watchlist import Watchlist
from app.endpoint import Endpoint, want_defaults
from app.feed.auth import AuthError
from app.feed.feed import Feed, FeedCommandError, FeedConfig
from app.feed.recording import Recorder, RecordingError, RecordingFile, Replay
from app.rest.client import RestClient
from app.rest.recorded import RecordedRest
from app.rest.sync import ExchangeSync
from app.trading.orders import OrderService
from app.trading.settings import TradingSettings
from app.tui import gc_tuning
from app.tui.feed_bridge import MessageSink
from app.tui.requests import NotifyError, OpenMarket, ReleaseBook, ToggleStar, WantMarketData
from app.tui.screens.confirm_dialog import ConfirmDialog
from app.tui.screens.dashboard import DashboardScreen
from app.tui.screens.finder import FinderScreen
from app.tui.screens.help import HelpScreen, help_sections
from app.tui.screens.market_commands import MarketCommands
from app.tui.screens.order_entry import OrderEntry
from app.tui.screens.subscribe import SubscribeDialog, SubscriptionRequest
from widgets._textual import capability
from widgets._textual.crash import KeepsItsCrash
from widgets.account.orders_table import OrdersTable
from widgets.market.depth_ladder import DepthLadder

log = logging.getLogger("kalshi_dash.app")
STYLES_DIR = Path(styles.__file__).parent
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"
Connector = Callable[[], Awaitable[Endpoint]]


def stop_consequence(channel: str) -> str:
    """What stops when ``channel`` ends, in words without a full stop (the ticker channel feeds
    the grid)."""
    if channel == p.TICKER:
        return "The market grid stops updating: every price in it freezes"
    return f"Its data stops: whatever shows {channel} freezes"


def stylesheets() -> list[str | PurePath]:
    """Every ``.tcss`` file in ``styles/``, in name order."""
    return list(sorted(STYLES_DIR.glob("*.tcss")))


class KalshiDashApp(KeepsItsCrash[int]):
    """The kalshi-dash terminal dashboard."""

    TITLE = "kalshi-dash"
    CSS_PATH = stylesheets()
    COMMANDS = App.COMMANDS | {MarketCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "confirm_quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("s", "subscribe", "Subscribe"),
        Binding("m", "find_market", "Find market"),
        Binding("u", "unsubscribe", "Unsub"),
        Binding("a", "add_market", "Add market", show=False),
        Binding("d", "remove_market", "Remove market", show=False),
        Binding("t", "toggle_theme", "Light/dark", show=False),
        Binding("R", "toggle_recording", "Record", show=False),
        Binding("space", "replay_pause", "Pause/play replay"),
        Binding("n", "replay_step", "Step replay"),
        Binding("plus", "replay_speed(2)", "Replay faster", show=False),
        Binding("minus", "replay_speed(0.5)", "Replay slower", show=False),
    ]

    def __init__(
        self,
        state: MarketState,
        feed: Feed | None = None,
        *,
        environment: str = "SIM",
        markets: Sequence[str] = (),
        connect: Connector | None = None,
        clock: Callable[[], float] = time.time,
        theme: str = DARK_THEME,
        replay: RecordingFile | None = None,
        replay_speed: float = 1.0,
        record_path: str | None = None,
        preferences: Preferences | None = None,
        rest: RestClient | None = None,
        catalog_cache: Path | None = None,
        orders: OrderService | None = None,
        trading: TradingSettings | None = None,
    ) -> None:
        super().__init__()
        self.textual_warning = capability.start()
        """Why the app draws with Textual's stock paths (None when its fast paths run)."""
        self.market_state = state
        self._feed = feed
        self.environment = environment.upper()
        self.initial_markets = list(dict.fromkeys(markets))
        self.connect = connect
        self.clock = clock
        self.endpoint: Endpoint | None = None
        self.recording = replay
        self.replay_speed = replay_speed
        self.replay: Replay | None = None
        self.record_path = record_path
        self.error_notices = ErrorNotices()  # which feed errors are notified
        self.rest = rest
        self.catalog_cache = catalog_cache
        if orders is not None and replay is not None:
            orders.rails.replay = True  # a replay never trades, whatever the caller set up
        self.trading = trading  # builds the order service once the endpoint is open
        self.exchange_sync: ExchangeSync | None = None
        self.market_index = MarketIndex(state)
        self.preferences = preferences if preferences is not None else Preferences()
        prefs = self.preferences
        self.watchlist = Watchlist(prefs.watchlist)
        self.alerts = AlertCenter(state, prefs.rules, bell=prefs.bell,
                                  limit=RateLimit(prefs.cooldown, prefs.burst, prefs.window))
        self.dashboard = DashboardScreen(state, self.environment, self.initial_markets,
                                         watchlist=self.watchlist, alerts=self.alerts,
                                         watchlist_path=prefs.path, clock=clock,
                                         replaying=replay is not None)
        self.dashboard.feed = feed
        self._order_entry: OrderEntry | None = None
        self.order_entry = OrderEntry(self, orders) if orders is not None else None
        self.theme = theme

    @property
    def feed(self) -> Feed | None:
        """The feed (live or replaying); the dashboard is handed the same one."""
        return self._feed

    @feed.setter
    def feed(self, feed: Feed | None) -> None:
        self._feed = feed
        self.dashboard.feed = feed

    @property
    def order_entry(self) -> OrderEntry | None:
        """The order keys' service, once the session can trade; the dashboard is told."""
        return self._order_entry

    @order_entry.setter
    def order_entry(self, entry: OrderEntry | None) -> None:
        self._order_entry = entry
        self.dashboard.set_trading(entry is not None)

    def get_default_screen(self) -> Screen:
        return self.dashboard

    def on_mount(self) -> None:
        if self.textual_warning is not None:
            log.warning(self.textual_warning)
            self.notify(self.textual_warning, title="Textual", severity="warning", markup=False)
        # short and few GC pauses under a firehose: see app.tui.gc_tuning
        gc_tuning.start()
        self.set_interval(gc_tuning.FREEZE_EVERY, gc_tuning.freeze_survivors)
        if self.recording is not None:
            self.run_worker(self._run_replay(), name="feed", group="feed", exclusive=True)
        elif self.feed is not None or self.connect is not None:
            self.run_worker(self._run_feed(), name="feed", group="feed", exclusive=True)

    async def on_unmount(self) -> None:
        gc_tuning.thaw()
        # The feed worker closes these when its feed ends, but a worker cancelled at exit can be
        # stopped part way through: what it left open is closed here.
        await self._close_connections()

    # -- the feed -------------------------------------------------------------------------------

    async def _run_feed(self) -> None:
        """Open the endpoint if needed, want the start-up subscriptions, and run the feed."""
        try:
            if self.feed is None and self.connect is not None:
                try:
                    self.endpoint = await self.connect()
                except (ImportError, OSError, AuthError) as exc:
                    self.notify_error(FeedErrorInfo("cannot open the feed", server_message=str(exc), fatal=True))
                    return
                for note in self.endpoint.warnings:
                    self.notify(note, title="key file", severity="warning", markup=False)
                self.feed = Feed(self.endpoint.feed_config, self.market_state)
                self.rest = self.rest or self.endpoint.rest
                self._open_trading(self.endpoint)
            assert self.feed is not None
            self.feed.sink = MessageSink(self.dashboard)
            self.feed.retain = self.dashboard.shown_markets
            await want_defaults(self.feed, None, self.initial_markets)
            if self.record_path is not None:
                self._start_recording(self.feed, self.record_path)
            if self.rest is not None:
                self.start_exchange_sync(self.rest)
            await self.feed.run()
        finally:
            if self.feed is not None:  # a recording still running takes its name now
                self.feed.stop_recording()
            # The session is over (quit, or a key the exchange rejected): the REST sync asks no
            # more, so no request opens a connection again once the endpoint is closed.
            self.workers.cancel_group(self, "rest")
            await self._close_connections()

    async def _close_connections(self) -> None:
        """Close what this app opened: the order service's REST client (the one
        :meth:`_open_trading` made) and the endpoint (its REST client, its simulator). Closing
        twice is harmless."""
        if self.order_entry is not None and self.trading is not None:
            await self.order_entry.service.client.aclose()
        if self.endpoint is not None:
            await self.endpoint.aclose()

    def start_exchange_sync(self, rest: RestClient) -> None:
        """Load the catalog from ``rest`` and keep the account reconciled beside the feed (a
        worker; the responses go into the recording, if one is made)."""
        assert self.feed is not None
        self.rest = rest
        rest.observer = self.feed.record_rest
        sync = self._exchange_sync(rest)
        self.run_worker(sync.run(self.feed), name="rest", group="rest", exclusive=True)

    def _exchange_sync(self, rest: RestClient) -> ExchangeSync:
        """Catalog and account from ``rest`` into the state, the screen told what changed (run in a
        worker: it never delays the first frame)."""
        sink = MessageSink(self.dashboard)
        index_due = False

        def fold_index() -> None:
            nonlocal index_due
            index_due = False
            self.market_index.refresh()

        def notify(kinds: Kind) -> None:
            nonlocal index_due
            if kinds:
                # the finder's text folded as the catalog arrives, not at a key: once a frame, after it
                if not index_due:
                    index_due = True
                    self.call_after_refresh(fold_index)
                sink.on_changes(kinds, frozenset())

        def report(line: str) -> None:
            self.notify_error(FeedErrorInfo(line))

        self.exchange_sync = ExchangeSync(rest, self.market_state, notify, report, cache=self.catalog_cache,
                                          after_frame=self._after_frame)
        return self.exchange_sync

    async def _after_frame(self) -> None:
        """Return just after the screen's next frame (at once when the screen has nothing to
        draw): Textual runs the callbacks of ``call_after_refresh`` once its next update is done."""
        drawn = asyncio.Event()
        if self.call_after_refresh(drawn.set):  # False: the app is closing, no frame will come
            await drawn.wait()

    async def _run_replay(self) -> None:
        """Play the recording through a feed in replay mode (it sends no commands)."""
        assert self.recording is not None
        url = str(self.recording.header.get("url") or "recording")
        self.feed = Feed(FeedConfig(url=url, environment="REPLAY"), self.market_state,
                         MessageSink(self.dashboard))
        self.feed.retain = self.dashboard.shown_markets
        self.replay = Replay(self.recording, self.feed, self.replay_speed)
        if self.recording.responses:
            sync = self._exchange_sync(RecordedRest(self.recording.responses))
            self.run_worker(sync.replay(), name="rest", group="rest", exclusive=True)
        if self.recording.skipped:
            self.notify(f"{self.recording.skipped:,} corrupt or truncated lines of the recording were "
                        "skipped", title="recording", severity="warning", markup=False)
        await self.feed.replay(self.replay)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The replay keys work (and show) only while replaying; recording only while live."""
        if action in ("replay_pause", "replay_step", "replay_speed"):
            return self.replay is not None
        if action == "toggle_recording":
            return self.replay is None
        return True

    def _open_trading(self, endpoint: Endpoint) -> None:
        """The order service on the endpoint's REST API."""
        if self.trading is None or self.order_entry is not None or endpoint.rest is None:
            return
        service = self.trading.service(endpoint.rest.base_url, endpoint.feed_config.credentials)
        self.order_entry = OrderEntry(self, service)

    def on_depth_ladder_order_action(self, event: DepthLadder.OrderAction) -> None:
        """A ladder's order key: carried out by the order desk, or why trading is off."""
        ladder = self.dashboard.ladders().get(event.ticker)
        if self.order_entry is None or ladder is None:
            why = ("this is a replay: orders are never sent from a recording" if self.recording is not None
                   else "trading is off in this session")
            self.notify(why, severity="warning", markup=False)
            return
        self.order_entry.handle(ladder, event.verb, event.side, event.price)

    def on_orders_table_order_action(self, event: OrdersTable.OrderAction) -> None:
        """The Orders table's keys on its selected order."""
        if self.order_entry is None:
            self.notify("trading is off in this session", severity="warning", markup=False)
            return
        self.order_entry.handle_order(event.verb, event.ticker, event.order)

    def action_replay_speed(self, factor: float) -> None:
        """``+`` / ``-``: replay twice as fast / half as fast (from as-fast-as-possible: 1x)."""
        if self.replay is not None:
            speed = self.replay.speed * factor if self.replay.speed else 1.0
            self.replay.set_speed(max(1 / 64, speed))
            self.notify(f"replay at {self.replay.speed:g}x", markup=False)

    def action_toggle_recording(self) -> None:
        """``R``: start recording every frame to a file, or stop and say where it went."""
        feed = self._need_feed()
        if feed is None:
            return
        if feed.recorder is not None:
            recorder = feed.stop_recording()
            assert recorder is not None
            if recorder.saved:
                self.notify(f"saved {recorder.frames:,} frames to {recorder.path}", title="recording stopped",
                            markup=False)
            else:
                self.notify(f"could not save to {recorder.path}; what was recorded is in {recorder.partial_path}",
                            title="recording stopped", severity="error", markup=False)
            return
        path = self.record_path or time.strftime("kalshi-dash-%Y%m%d-%H%M%S.jsonl.gz")
        self._start_recording(feed, path)

    def _start_recording(self, feed: Feed, path: str) -> None:
        try:
            recorder = Recorder(path, feed.recording_header())
        except RecordingError as exc:
            self.notify(str(exc), title="recording failed", severity="error", markup=False)
            return
        feed.start_recording(recorder)
        self.notify(f"recording to {path}", title="recording", markup=False)

    def action_replay_pause(self) -> None:
        """``space``: pause or resume the replay."""
        if self.replay is not None:
            if self.replay.paused:
                self.replay.resume()
            else:
                self.replay.pause()

    def action_replay_step(self) -> None:
        """``n``: while paused, play one more frame."""
        if self.replay is not None:
            self.replay.step()

    def action_confirm_quit(self) -> None:
        """``q``: ask, then quit (``ctrl+q`` quits at once)."""
        self.confirm("Quit kalshi-dash?", "The feed stops and the screen closes.", "Quit", self.action_quit)

    def confirm(self, question: str, consequence: str, label: str, then: Callable[[], Awaitable[object]]) -> None:
        """Ask ``question`` (a :class:`ConfirmDialog`); run ``then`` once confirmed."""
        def answered(yes: bool | None) -> None:
            if yes:
                self.run_worker(then(), group="commands")

        self.push_screen(ConfirmDialog(question, consequence, label), answered)

    async def action_quit(self) -> None:
        """Stop the feed and leave."""
        if self.feed is not None:
            await self.feed.stop()
        self.exit(0)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification (the app's, a screen's, a widget's) with its text made printable:
        server words, tickers and file names never reach the terminal raw. A line break in the
        message stays one."""
        super().notify(printable_lines(message), title=printable(title), severity=severity, timeout=timeout,
                       markup=markup)

    def notify_error(self, error: FeedErrorInfo) -> None:
        """A notification for ``error``: what happened, the code's meaning, the server's words.

        The same error again while it recurs (a host still unreachable at every retry), or one
        of a flood, is not shown (:mod:`app.core.error_notices`): the feed pane's log and the status
        bar keep counting them.
        """
        held_back = self.error_notices.admit(error.summary, time.monotonic(), error.fatal)
        if held_back is None:
            return
        lines = []
        meaning = error.meaning or (p.error_meaning(error.code) if error.code is not None else "")
        if error.code is not None and meaning not in error.summary:
            lines.append(f"error {error.code}: {meaning}")
        if error.server_message:
            lines.append(f"server said: {error.server_message}")
        if held_back:
            lines.append(f"{held_back:,} more errors not shown here: see the feed pane")
        self.notify(
            "\n".join(lines) or error.summary,
            title=error.summary,
            severity="error" if error.fatal or error.code is not None else "warning",
            timeout=10 if error.fatal else 6,
            markup=False,
        )

    async def feed_command(self, what: str, command: Awaitable[None]) -> bool:
        """Await a feed command; notify how it went (server text is never read as markup)."""
        try:
            await command
        except FeedCommandError as exc:
            detail = f"error {exc.code}: {exc.meaning}" if exc.code is not None else exc.meaning
            if exc.message:
                detail += f"\nserver said: {exc.message}"
            self.notify(detail, title=f"{what} failed", severity="error", markup=False)
            return False
        self.notify(what, markup=False)
        return True

    def _need_feed(self) -> Feed | None:
        if self.feed is None:
            self.notify("there is no feed to send commands to", severity="warning")
        return self.feed

    async def release_book(self, ticker: str) -> None:
        """Unsubscribe the order book and trades of ``ticker`` where only it asked for them (its
        ladder closed): a closed ladder keeps no book streaming."""
        feed = self.feed
        if feed is None:
            return
        desired = feed.desired()
        for channel in (p.ORDERBOOK_DELTA, p.TRADE):
            wanted = desired.get(channel)
            if wanted is not None and ticker in wanted:
                await self.feed_command(f"unsubscribed {channel} {ticker}", feed.unsubscribe(channel, [ticker]))

    async def want_book(self, ticker: str) -> None:
        """Subscribe the order book (and trades) of ``ticker`` if not wanted yet."""
        feed = self.feed
        if feed is None:
            return
        desired = feed.desired()
        for channel in (p.ORDERBOOK_DELTA, p.TRADE):
            wanted = desired.get(channel, set())
            if wanted is not None and ticker not in wanted:
                await self.feed_command(f"subscribed {channel} {ticker}", feed.subscribe(channel, [ticker]))

    async def want_market_data(self, ticker: str) -> None:
        """Subscribe the ticker and trades of ``ticker`` unless every market's are wanted already."""
        feed = self._need_feed()
        if feed is None:
            return
        desired = feed.desired()
        for channel in (p.TICKER, p.TRADE):
            wanted = desired.get(channel, set())
            if wanted is None:
                self.notify(f"{channel}: every market is subscribed already", markup=False)
            elif ticker not in wanted:
                await self.feed_command(f"subscribed {channel} {ticker}", feed.subscribe(channel, [ticker]))

    # -- what screens ask (app.tui.requests) ----------------------------------------------------

    async def on_open_market(self, request: OpenMarket) -> None:
        await self.open_market(request.ticker)

    async def on_release_book(self, request: ReleaseBook) -> None:
        await self.release_book(request.ticker)

    async def on_want_market_data(self, request: WantMarketData) -> None:
        await self.want_market_data(request.ticker)

    def on_toggle_star(self, request: ToggleStar) -> None:
        starred = self.dashboard.toggle_star(request.ticker)
        self.notify(f"{'starred' if starred else 'unstarred'} {request.ticker}", markup=False)

    def on_notify_error(self, request: NotifyError) -> None:
        self.notify_error(request.error)

    async def open_market(self, ticker: str) -> None:
        """Show the markets pane with ``ticker``'s ladder open, its book and trades subscribed."""
        if self.dashboard.current_pane != "markets":
            self.dashboard.action_show_pane("markets")
        await self.dashboard.open_ladder(ticker)
        await self.want_book(ticker)

    def action_find_market(self) -> None:
        """``m``: the market finder, searching the whole catalog as you type."""
        self.push_screen(FinderScreen(self.market_index, self.clock))

    # -- subscription keys ----------------------------------------------------------------------

    def action_subscribe(self) -> None:
        """``s``: choose a channel and markets, then subscribe."""
        market = self.dashboard.focused_market()
        self._ask(SubscribeDialog.subscribe(self.dashboard.known_tickers(), market))

    def action_add_market(self) -> None:
        """``a``: add markets to a subscription (the focused one, else the order book)."""
        self._ask(SubscribeDialog.add(self.dashboard.known_tickers(), *self._target()))

    def action_remove_market(self) -> None:
        """``d``: remove markets from a subscription (the focused one, else the order book)."""
        self._ask(SubscribeDialog.remove_markets(self.dashboard.known_tickers(), *self._target()))

    def _target(self) -> tuple[str, str | None]:
        focused = self.dashboard.focused_subscription()
        channel = focused[1] if focused is not None else p.ORDERBOOK_DELTA
        return channel, self.dashboard.focused_market()

    def _ask(self, dialog: SubscribeDialog) -> None:
        if self._need_feed() is not None:
            self.push_screen(dialog, self._answered)

    def _answered(self, request: SubscriptionRequest | None) -> None:
        """Carry out a dialog's request; one that would end its channel asks first."""
        if request is None:
            return
        feed = self.feed
        wanted = feed.desired().get(request.channel, set()) if feed is not None else set()
        if request.remove and (wanted is None or wanted and wanted <= set(request.markets)):
            # the channel streams every market (removing some ends it) or only these: it stops
            consequence = (f"Removing {', '.join(request.markets)} ends the channel. "
                           f"{stop_consequence(request.channel)}.")
            self.confirm(f"Stop {request.channel}?", consequence, "Unsubscribe", lambda: self.apply_request(request))
            return
        self.run_worker(self.apply_request(request), group="commands")

    async def apply_request(self, request: SubscriptionRequest) -> bool:
        """Send what a subscribe / add / remove dialog asked for; open ladders of new books."""
        feed = self.feed
        if feed is None:
            return False
        markets = list(request.markets) if request.markets else None
        if request.remove:
            ok = await self.feed_command(
                f"removed {', '.join(request.markets)} from {request.channel}",
                feed.unsubscribe(request.channel, markets),
            )
            if ok and request.channel == p.ORDERBOOK_DELTA:
                for ticker in request.markets:
                    await self.dashboard.close_ladder(ticker)
            return ok
        ok = await self.feed_command(
            f"subscribed {request.channel}" + (f" {', '.join(request.markets)}" if markets else ""),
            feed.subscribe(request.channel, markets),
        )
        if ok and request.channel == p.ORDERBOOK_DELTA:
            for ticker in request.markets:
                await self.dashboard.open_ladder(ticker)
        return ok

    def action_unsubscribe(self) -> None:
        """``u``: end the focused subscription, or stop the focused market's market feeds, once
        confirmed (its data stops: what it showed freezes)."""
        feed = self._need_feed()
        if feed is None:
            return
        focused = self.dashboard.focused_subscription()
        if focused is not None:
            sid, channel = focused
            self.confirm(f"Unsubscribe {channel}?", f"{stop_consequence(channel)} (sid {sid}).", "Unsubscribe",
                         lambda: self.feed_command(f"unsubscribed {channel} (sid {sid})", feed.unsubscribe_sid(sid)))
            return
        market = self.dashboard.focused_market()
        if market is None:
            self.notify("nothing to unsubscribe: focus a market or a subscription", severity="warning")
            return
        channels = [ch for ch, wanted in feed.desired().items() if wanted is not None and market in wanted]
        if not channels:
            self.notify(f"{market} is in no per-market subscription", severity="warning", markup=False)
            return
        self.confirm(f"Unsubscribe {market}?", f"It leaves {', '.join(channels)}; its ladder closes.",
                     "Unsubscribe", lambda: self._unsubscribe_market(feed, market, channels))

    async def _unsubscribe_market(self, feed: Feed, market: str, channels: list[str]) -> None:
        for channel in channels:
            await self.feed_command(f"unsubscribed {channel} {market}", feed.unsubscribe(channel, [market]))
        await self.dashboard.close_ladder(market)

    # -- help, theme, palette -------------------------------------------------------------------

    def action_help(self) -> None:
        """``?``: every key, generated from the bindings."""
        self.push_screen(HelpScreen(help_sections(self, self.dashboard)))

    def action_toggle_theme(self) -> None:
        """``t``: switch between the dark and the light theme."""
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers every binding of the app, the dashboard and the widgets (those of a
        kind the dashboard shows now), and Textual's own."""
        yield from super().get_system_commands(screen)
        for section, rows in help_sections(self, self.dashboard):
            for row in rows:
                if row.widget is not None:
                    if self.dashboard.key_target(row.widget) is None:
                        continue
                    yield SystemCommand(row.description, f"key {row.key} · {section.lower()}", row.run)
                elif self.check_action(row.action, ()):
                    yield SystemCommand(row.description, f"key {row.key}", row.run)
