"""Snapshots of every dashboard screen at 120×40 (and one 80×24), from the deterministic state.

The clock is frozen, there is no feed (statuses are posted as fixed snapshots), animations are
off and the one text cursor does not blink. ``--snapshot-update`` rewrites them after review.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from app.feed import LiveSubscription
from app.feed_status import ConnectionState, FeedErrorInfo
from app.main import LIGHT_THEME
from app.messages import BookChanged, FeedError, FeedStatus
from app.screens.subscribe import SubscribeDialog
from app.state import BookStatus
from tests.ui_states import LADDER_TICKER, Scenario, advance, dashboard_app, scenario, status, until
from widgets.subscriptions_table import SubscriptionsTable
from widgets.ticker_grid import TickerGrid

SIZE = (120, 40)
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]

SUBSCRIPTIONS = [
    LiveSubscription(1, "ticker", None, last_seq=5_120, messages=5_120),
    LiveSubscription(2, "trade", None, last_seq=2_301, messages=2_301, gaps=1, resyncs=0),
    LiveSubscription(3, "orderbook_delta", {LADDER_TICKER, "KXHIGHNY-25NOV26-B53.5"},
                     last_seq=812, messages=812, resyncs=1, resyncing=True),
    LiveSubscription(4, "market_lifecycle_v2", None, last_seq=40, messages=40),
]


LIVE_STEPS = 120


def prepare(
    sim: Scenario,
    keys: tuple[str, ...] = (),
    feed: Any = None,
    book_status: BookStatus | None = None,
) -> RunBefore:
    """Let the market run a little (trades since the ladder opened, flashes frozen in time), post
    a feed status (live by default), set a book status, then press ``keys``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        dashboard = app.dashboard
        await until(pilot, lambda: bool(dashboard.is_mounted and dashboard.ladders()))
        advance(app, sim, LIVE_STEPS)
        dashboard.post_message(FeedStatus(feed if feed is not None else status()))
        grid = dashboard.query_one(TickerGrid)
        await until(pilot, lambda: not grid.redraw_pending)
        dashboard.query_one(SubscriptionsTable).show(SUBSCRIPTIONS)
        if book_status is not None:
            app.market_state.set_book_status(LADDER_TICKER, book_status)
            dashboard.post_message(BookChanged(frozenset({LADDER_TICKER})))
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("keys", [(), ("2",), ("3",), ("4",), ("5",)],
                         ids=["markets", "account", "rfqs", "lifecycle", "subscriptions"])
def test_pane(snap_compare: Any, keys: tuple[str, ...]) -> None:
    sim = scenario()
    assert snap_compare(dashboard_app(sim), terminal_size=SIZE, run_before=prepare(sim, keys))


def test_feed_pane_with_an_error_logged(snap_compare: Any) -> None:
    sim = scenario()

    async def run_before(pilot: Pilot[Any]) -> None:
        await prepare(sim, ("6",))(pilot)
        error = FeedErrorInfo("server error 8: unknown channel name", 8, "unknown channel name",
                              "unknown channel [multivariate]")
        pilot.app.dashboard.post_message(FeedError(error))
        await pilot.pause()

    assert snap_compare(dashboard_app(sim), terminal_size=SIZE, run_before=run_before)


def test_markets_light_theme(snap_compare: Any) -> None:
    sim = scenario()
    app = dashboard_app(sim, theme=LIGHT_THEME, environment="DEMO")
    assert snap_compare(app, terminal_size=SIZE, run_before=prepare(sim))


def test_markets_narrow(snap_compare: Any) -> None:
    sim = scenario()
    assert snap_compare(dashboard_app(sim), terminal_size=(80, 24), run_before=prepare(sim))


def test_ladder_no_side(snap_compare: Any) -> None:
    sim = scenario()

    async def run_before(pilot: Pilot[Any]) -> None:
        await prepare(sim)(pilot)
        pilot.app.dashboard.ladders()[LADDER_TICKER].focus()
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(dashboard_app(sim), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize(
    "feed, book_status",
    [
        (status(last_data_age=14.2), None),
        (status(), BookStatus.RESYNCING),
        (status(ConnectionState.AUTH_REJECTED, messages_per_second=0.0, last_data_age=None,
                detail="authentication rejected: check the key id"), None),
        (status(ConnectionState.RECONNECTING, reconnect_in=2.4, reconnects=3,
                messages_per_second=0.0, last_data_age=3.1), BookStatus.STALE),
    ],
    ids=["stale", "resyncing", "auth-rejected", "reconnecting"],
)
def test_feed_states(snap_compare: Any, feed: Any, book_status: BookStatus | None) -> None:
    sim = scenario()
    app = dashboard_app(sim, environment="PROD")
    run_before = prepare(sim, feed=feed, book_status=book_status)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare: Any) -> None:
    sim = scenario()
    run_before = prepare(sim, ("question_mark",))
    assert snap_compare(dashboard_app(sim), terminal_size=SIZE, run_before=run_before)


def test_subscribe_dialog(snap_compare: Any) -> None:
    sim = scenario()

    async def run_before(pilot: Pilot[Any]) -> None:
        await prepare(sim)(pilot)
        app = pilot.app
        dialog = SubscribeDialog.subscribe(app.dashboard.known_tickers(), LADDER_TICKER)
        await app.push_screen(dialog)
        await pilot.pause()
        dialog.query_one(Input).cursor_blink = False
        await pilot.pause()

    assert snap_compare(dashboard_app(sim), terminal_size=SIZE, run_before=run_before)
