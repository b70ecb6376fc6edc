"""Exchange text holding control characters and escape sequences never reaches the terminal raw.

Each case puts one hostile payload into every string the exchange sends (tickers, titles, ids,
statuses, RFQ fields, a server's error message) through the real parser (``app.core.protocol.parse``)
of JSON frames, applies them to the state as the feed does, announces the changes through the
real bridge, and shows every pane of the real app. On every pane the rendered screen (the strips
the terminal is sent, toasts included) holds no C0, DEL or C1 character, and the payload is shown
in its visible form (``␛]52;…``). Feed counters, subscriptions and the integrity report, which come
from the feed rather than the state, are handed to their widgets as the dashboard hands them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from app.config import Preferences
from app.core import protocol as p
from app.core.alerts import Rule, RuleKind
from app.core.feed_status import FeedErrorInfo
from app.core.integrity import IntegrityReport, MarketHealth, SubscriptionHealth
from app.core.sanitize import printable
from app.core.state import BookStatus, MarketState
from app.feed.feed import Feed, FeedConfig, LiveSubscription
from app.tui.feed_bridge import MessageSink
from app.tui.main import KalshiDashApp
from app.tui.messages import FeedError, FeedStatus
from app.tui.screen_text import screen_text, unsafe
from app.tui.screens.alert_dialog import AlertDialog
from app.tui.screens.subscribe import MarketSuggester
from tests.ui_states import NOW, NOW_MS, apply_frames, status, until
from widgets.account.fills_table import FillsTable
from widgets.account.rfq_inbox import RfqInbox
from widgets.health.integrity_panel import IntegrityPanel
from widgets.health.subscriptions_table import SubscriptionsTable
from widgets.market.ticker_grid import TickerGrid
from widgets.market.trade_tape import TradeTape

SIZE = (160, 50)
C0 = "".join(map(chr, range(0x00, 0x20)))
C1 = "".join(map(chr, range(0x80, 0xA0)))
PAYLOADS = {
    "osc-52-clipboard": "\x1b]52;c;SGVsbG8=\x07",
    "osc-window-title": "\x1b]0;pwned\x1b\\",
    "csi-clear-screen": "\x1b[2J\x1b[H",
    "dcs": "\x1bP1$r0m\x1b\\",
    "sos-pm-apc": "\x1bXs\x1b\\\x1b^p\x1b\\\x1b_a\x1b\\",
    "lone-esc": "\x1b",
    "c1-csi-osc-dcs": "\x9b2J\x9d0;t\x9c\x90q\x9c",
    "c0-first-half": C0[:16],
    "c0-second-half-and-del": C0[16:] + "\x7f",
    "c1-first-half": C1[:16],
    "c1-second-half": C1[16:],
}


def frame(kind: str, sid: int, seq: int, **msg: Any) -> str:
    return json.dumps({"type": kind, "sid": sid, "seq": seq, "msg": msg})


class Hostile:
    """Frames of every kind the screens show, each string field carrying ``payload``."""

    def __init__(self, payload: str) -> None:
        self.payload = payload
        self.event = f"EV{payload}"
        self.ticker = f"{self.event}-B5"
        self.visible = printable(payload)

    def frames(self) -> list[str]:
        t, h, ev = self.ticker, self.payload, self.event
        return [
            frame("market_lifecycle_v2", 1, 1, market_ticker=t, event_type="activated", result=f"r{h}",
                  close_ts=int(NOW) + 3600, additional_metadata={"title": f"Title{h}", "event_ticker": ev}),
            frame("event_lifecycle", 1, 2, event_ticker=ev, title=f"Event{h}", sub_title=f"Sub{h}",
                  collateral_return_type="MECNET"),
            frame("multivariate_lookup", 1, 3, collection_ticker=f"C{h}", market_ticker=t,
                  selected_markets=[{"event_ticker": ev, "market_ticker": t, "side": "yes"}]),
            frame("ticker", 2, 1, market_ticker=t, price_dollars="0.4100", yes_bid_dollars="0.4000",
                  yes_ask_dollars="0.4200", volume_fp="10.00", open_interest_fp="5.00", ts_ms=NOW_MS),
            frame("orderbook_snapshot", 3, 1, market_ticker=t, yes_dollars_fp=[["0.4000", "10.00"]],
                  no_dollars_fp=[["0.5800", "12.00"]]),
            frame("trade", 4, 1, trade_id=f"tr{h}", market_ticker=t, yes_price_dollars="0.4100",
                  no_price_dollars="0.5900", count_fp="3.00", taker_side="yes", ts_ms=NOW_MS),
            frame("fill", 5, 1, trade_id=f"tr{h}", order_id=f"o{h}", market_ticker=t, side="yes", action="buy",
                  yes_price_dollars="0.4100", count_fp="3.00", fee_cost="0.01", post_position_fp="3.00",
                  ts_ms=NOW_MS),
            frame("market_position", 6, 1, market_ticker=t, position_fp="3.00", position_cost_dollars="1.230000",
                  realized_pnl_dollars="0.000000", fees_paid_dollars="0.010000"),
            frame("user_order", 7, 1, order_id=f"o{h}", market_ticker=t, status=f"st{h}", side="yes",
                  action="buy", yes_price_dollars="0.4100", fill_count_fp="3.00", remaining_count_fp="0.00",
                  created_ts_ms=NOW_MS),
            frame("order_group_updates", 8, 1, event_type=f"e{h}", order_group_id=f"g{h}"),
            frame("rfq_created", 9, 1, id=f"rfq{h}", market_ticker=t, contracts_fp="10.00",
                  created_ts=f"2025-11-26T09:40:00Z{h}"),
            frame("quote_created", 9, 2, quote_id=f"q{h}", rfq_id=f"rfq{h}", market_ticker=t,
                  yes_bid_dollars="0.4000", no_bid_dollars="0.5800", created_ts="2025-11-26T09:40:00Z"),
        ]

    def error(self) -> FeedErrorInfo:
        """The feed's report of a server error frame carrying the payload."""
        message = p.parse(json.dumps({"type": "error", "id": 3, "msg": {"code": 6, "msg": f"bad{self.payload}"}}))
        assert isinstance(message, p.ErrorMessage)
        return FeedErrorInfo(f"subscribe failed{self.payload}", code=message.code, meaning=message.meaning,
                             server_message=message.message)


def hostile_app(hostile: Hostile) -> KalshiDashApp:
    """The dashboard with a fill alert on the hostile market, its ladder open."""
    prefs = Preferences(rules=(Rule(RuleKind.FILL, hostile.ticker),))
    app = KalshiDashApp(MarketState(), markets=(hostile.ticker,), clock=lambda: NOW, preferences=prefs)
    app.animation_level = "none"
    return app


def receive(app: KalshiDashApp, frames: list[str]) -> None:
    """Parse and apply ``frames`` as the feed does, and announce what changed through the bridge."""
    MessageSink(app.dashboard).on_changes(*apply_frames(app.market_state, frames))


async def shown_safely(pilot: Pilot[Any], pane: str, marker: str) -> str:
    """Show ``pane`` (its number key); the screen once ``marker`` is on it, with no control byte."""
    app = pilot.app
    assert isinstance(app, KalshiDashApp)
    await pilot.press(pane)
    await until(pilot, lambda: marker in screen_text(app))
    text = screen_text(app)
    assert unsafe(text) == [], (pane, sorted(set(unsafe(text))))
    return text


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
async def test_hostile_exchange_text_is_shown_visibly_on_every_pane(payload: str) -> None:
    hostile = Hostile(payload)
    seen = hostile.visible
    app = hostile_app(hostile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        dashboard = app.dashboard
        receive(app, hostile.frames())
        feed_status = status(endpoint=f"ws://127.0.0.1:1/{payload}", detail=f"detail{payload}",
                             per_channel={f"pc{payload}": 5})  # a channel name the server chose
        dashboard.post_message(FeedStatus(feed_status))
        dashboard.post_message(FeedError(hostile.error()))
        await until(pilot, lambda: len(app._notifications) >= 2)  # the fill alert and the error

        # grid, ladder title and tab, tape, status bar and toasts (the alert, the server error); a
        # long visible form is cut or wrapped by its column or box, so its start is looked for
        short = hostile.visible[:4]
        markets = await shown_safely(pilot, "1", f"EV{seen}-B5")
        assert f"bad{short}" in markets and "filled buy yes" in markets
        await shown_safely(pilot, "2", f"o{short}")  # positions, fills, orders
        await shown_safely(pilot, "3", f"rfq{short}")  # RFQ inbox and quotes
        lifecycle = await shown_safely(pilot, "4", f"Event{short}")
        assert f"g{short}" in lifecycle and f"C{short}" in lifecycle
        dashboard.query_one(SubscriptionsTable).show([LiveSubscription(1, p.TICKER, {hostile.ticker})])
        await shown_safely(pilot, "5", f"EV{short}")
        feed = await shown_safely(pilot, "6", f"bad{short}")  # the feed log and counters
        assert f"pc{short}" in feed
        await pilot.press("1")
        dashboard.show_event(hostile.ticker)
        await until(pilot, lambda: f"Event{short}" in screen_text(app))
        assert unsafe(screen_text(app)) == []
        report = IntegrityReport(
            (SubscriptionHealth(1, f"ch{payload}", frozenset({hostile.ticker}), 1, 0, 0, False, 1, None, None, 0),),
            (MarketHealth(hostile.ticker, BookStatus.LIVE, 0, None),),
        )
        dashboard.query_one(IntegrityPanel).show(report)
        await shown_safely(pilot, "8", f"ch{short}")
        await shown_safely(pilot, "9", f"EV{short}")  # the alert rule and the alert log


async def test_times_out_of_range_show_as_invalid_and_are_counted_in_the_integrity_pane() -> None:
    """A trade and a fill from the year 10**20, an RFQ created at 9999-12-31T23:59:59-23:59: the
    tape, the fills and the inbox say ``invalid``, the integrity verdict counts them, and the app
    keeps running (before, each of them ended it)."""
    app = hostile_app(Hostile(""))
    far = 10**30
    async with app.run_test(size=SIZE) as pilot:
        app.feed = Feed(FeedConfig(url="ws://127.0.0.1:1/trade-api/ws/v2"), app.market_state)  # never run
        receive(app, [
            frame("trade", 4, 1, market_ticker="M-1", yes_price_dollars="0.4100", no_price_dollars="0.5900",
                  count_fp="3.00", taker_side="yes", ts_ms=far),
            frame("fill", 5, 1, order_id="o1", market_ticker="M-1", side="yes", action="buy",
                  yes_price_dollars="0.4100", count_fp="3.00", ts_ms=-far),
            frame("rfq_created", 9, 1, id="rfq1", market_ticker="M-1", contracts_fp="10.00",
                  created_ts="9999-12-31T23:59:59-23:59"),
        ])
        tape = app.dashboard.query_one(TradeTape)
        await until(pilot, lambda: tape.row_count == 1)
        assert tape.get_cell(tape.row_keys[0], "time") == "invalid"
        await pilot.press("2")
        fills = app.dashboard.query_one(FillsTable)
        await until(pilot, lambda: fills.row_count == 1)
        assert str(fills.get_cell(fills.row_keys[0], "time")) == "invalid"
        await pilot.press("3")
        inbox = app.dashboard.query_one(RfqInbox)
        await until(pilot, lambda: inbox.row_count == 1)
        assert str(inbox.get_cell("rfq:rfq1", "time")) == "invalid"
        await pilot.press("8")
        verdict = app.dashboard.query_one(IntegrityPanel).query_one("#integrity-verdict", Static)
        await until(pilot, lambda: "invalid times" in str(verdict.content))
        assert str(verdict.content).endswith("⚠ 3 invalid times shown as invalid (RFQ 1, fill 1, trade 1)")
        assert app.is_running and app.crash is None


async def test_a_dialog_never_starts_with_or_suggests_a_ticker_holding_control_characters() -> None:
    """A text field shows its value raw and sends what it holds: a hostile ticker under the cursor
    is not put in the alert dialog's market field, nor offered as a completion."""
    hostile = Hostile(PAYLOADS["osc-52-clipboard"])
    app = hostile_app(hostile)
    async with app.run_test(size=SIZE) as pilot:
        receive(app, [*hostile.frames(), frame("ticker", 2, 2, market_ticker="EVX-B6", price_dollars="0.5000")])
        grid = app.dashboard.query_one(TickerGrid)
        await until(pilot, lambda: grid.row_count == 2)
        grid.focus()
        grid.move_cursor(grid.index_of(hostile.ticker) or 0)
        assert app.dashboard.focused_market() == hostile.ticker
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: isinstance(app.screen, AlertDialog) and bool(app.screen.query("#market")))
        market = app.screen.query_one("#market", Input)
        assert market.value == ""
        assert await MarketSuggester(app.dashboard.known_tickers()).get_suggestion("EV") == "EVX-B6"
        assert unsafe(screen_text(app)) == []
