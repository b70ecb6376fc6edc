"""Keyboard flows of the dashboard, driven with Pilot over a deterministic state (no feed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import Footer, Input, TabbedContent

from app.core import protocol as p
from app.core.book import NO, YES
from app.core.error_notices import BURST, REMEMBERED
from app.core.feed_status import ConnectionState, FeedErrorInfo
from app.core.market_status import is_finished
from app.core.state import BookStatus, Kind
from app.tui.feed_bridge import MessageSink
from app.tui.main import DARK_THEME, LIGHT_THEME, KalshiDashApp
from app.tui.messages import FeedError, FeedStatus, StateChanged, SubscriptionsChanged
from app.tui.screens.confirm_dialog import ConfirmDialog
from app.tui.screens.dashboard import PANES, DashboardScreen
from app.tui.screens.help import WIDGET_SECTIONS, HelpScreen, help_sections, own_bindings
from app.tui.screens.subscribe import SubscribeDialog
from tests import table_states as ts
from tests.ui_states import LADDER_TICKER, advance, dashboard_app, scenario, status, until
from widgets.account.positions_table import PositionsTable
from widgets.health.status_bar import StatusBar
from widgets.health.subscriptions_table import SubscriptionsTable
from widgets.market.depth_ladder import DepthLadder
from widgets.market.ladder_model import ASK, BID
from widgets.market.ticker_grid import COLUMN_BY_KEY, COLUMNS, TickerGrid
from widgets.market.trade_tape import TradeTape
from widgets.tables.cells import Tone
from widgets.tables.line_table import LineTable
from widgets.tables.state_table import StateTable

SIZE = (120, 40)


def grid(app: KalshiDashApp) -> TickerGrid:
    return app.dashboard.query_one(TickerGrid)


async def settled_grid(pilot: Any, app: KalshiDashApp) -> TickerGrid:
    """The grid, once it has taken in everything pending."""
    table = grid(app)
    await until(pilot, lambda: not table.redraw_pending)
    return table


def ladder_levels(ladder: DepthLadder) -> tuple[dict[int, int], dict[int, int]]:
    return ladder.ladder.levels(BID), ladder.ladder.levels(ASK)


def as_asks(bids_of_other_side: dict[int, int]) -> dict[int, int]:
    """Asks derived from the other side's bids ($1 - p)."""
    return {10_000 - price: size for price, size in bids_of_other_side.items()}


async def test_enter_on_a_grid_row_opens_a_ladder_whose_levels_equal_the_simulators_book() -> None:
    sim = scenario()
    app = dashboard_app(sim, markets=())
    async with app.run_test(size=SIZE) as pilot:
        table = grid(app)
        target = sim.tickers[1]
        table.move_cursor(row=table.index_of(target) or 0)
        await pilot.press("enter")
        await until(pilot, lambda: target in app.dashboard.ladders())
        ladder = app.dashboard.ladders()[target]
        yes, no = sim.exchange.book_levels(target)
        assert yes and no
        assert ladder_levels(ladder) == (yes, as_asks(no))
        assert app.dashboard.active_ladder() is ladder


async def test_flip_shows_the_no_side_of_the_same_book() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        ladder.focus()
        await pilot.press("f")
        yes, no = sim.exchange.book_levels(LADDER_TICKER)
        assert ladder.side == NO
        assert ladder_levels(ladder) == (no, as_asks(yes))
        await pilot.press("f")
        assert ladder.side == YES
        assert ladder_levels(ladder) == (yes, as_asks(no))


async def test_sort_keys_order_the_rows() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        table = grid(app)
        table.focus()
        def groups() -> tuple[list[str], list[str]]:
            """The rows of markets that trade, then those that no longer do (they sink)."""
            visible = table.visible_tickers()
            infos = {t: app.market_state.markets.get(t) for t in visible}
            finished = [t for t, info in infos.items() if info is not None and is_finished(info.status)]
            assert finished and visible == [t for t in visible if t not in finished] + finished
            return visible[:len(visible) - len(finished)], finished

        def lasts(tickers: list[str]) -> list[int | None]:
            return [app.market_state.tickers[t].price for t in tickers]

        await pilot.press("greater_than_sign")
        assert table.sort_column == "ticker"
        assert all(tickers == sorted(tickers) for tickers in groups())
        assert header(table).startswith(" ★▲Ticker")  # the sorted column's header says the direction
        await pilot.press("greater_than_sign")  # last price, highest first
        assert table.sort_column == "last"
        assert all(lasts(tickers) == sorted(lasts(tickers), reverse=True) for tickers in groups())
        assert "▼Last" in header(table) and "▲Ticker" not in header(table)
        await pilot.press("r")
        assert all(lasts(tickers) == sorted(lasts(tickers)) for tickers in groups())
        assert "▲Last" in header(table)
        assert "sorted by Last ▲" in str(table.border_subtitle)
        await pilot.press("less_than_sign", "less_than_sign")  # back past ticker to the star column
        assert table.sort_column == "starred" and header(table).startswith("▲★ Ticker")
        await pilot.press("less_than_sign")  # round the end: the last sortable column
        assert table.sort_column == "title" and table.header_label(COLUMN_BY_KEY["title"]) == "▲Title"


def header(table: TickerGrid) -> str:
    """The grid's header line as shown."""
    return table.render_line(0).text


async def test_filter_keeps_matching_rows_as_you_type_and_escape_returns_to_the_grid() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        table = grid(app)
        everything = set(table.visible_tickers())
        titles = {t: (app.market_state.title(t) or "").casefold() for t in everything}
        await pilot.press("slash")
        field = app.dashboard.query_one("#grid-filter", Input)
        assert app.focused is field
        await pilot.press(*"fed")
        expected = {t for t in everything if "fed" in t.casefold() or "fed" in titles[t]}
        assert set(table.visible_tickers()) == expected and 0 < len(expected) < len(everything)
        word = "bitcoin"  # only in titles
        assert not any(word in t.casefold() for t in everything)
        await pilot.press("backspace", "backspace", "backspace", *word)
        expected = {t for t in everything if word in titles[t]}
        assert set(table.visible_tickers()) == expected and expected
        await pilot.press("enter")  # Enter keeps the filter and goes back to the grid
        assert app.focused is table and set(table.visible_tickers()) == expected
        await pilot.press("escape")  # Esc on the grid clears it
        assert set(table.visible_tickers()) == everything and not field.value and not field.display
        await pilot.press("slash", *"zzz")
        assert table.visible_tickers() == []
        assert "no market matches “zzz” · Esc clears the filter" in table.render_line(1).text
        await pilot.press("escape")  # Esc in the filter clears it too
        assert app.focused is table and set(table.visible_tickers()) == everything


async def test_the_grid_follows_the_filter_field_as_its_value_changes() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        table = grid(app)
        await pilot.press("slash")
        field = app.dashboard.query_one("#grid-filter", Input)
        field.value = " fed "
        assert table.filter_text == "fed"  # at once: no message travels up the panes to the screen
        field.value = ""
        assert table.filter_text == ""


async def test_vim_keys_move_the_grid_cursor() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        table = grid(app)
        table.focus()
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == len(table.visible_tickers()) - 1
        await pilot.press("g")
        assert table.cursor_row == 0


async def test_number_keys_switch_panes_and_h_l_scroll_a_list_as_left_right_do() -> None:
    app = dashboard_app()
    async with app.run_test(size=(80, 24)) as pilot:
        panes = app.dashboard.query_one("#panes", TabbedContent)
        for number, (pane, _title) in enumerate(PANES, start=1):
            grid(app).focus()
            await pilot.press(str(number))
            assert panes.active == pane
        await pilot.press("1")
        table = grid(app)
        assert app.focused is table and table.scroll_x == 0
        await pilot.press("l")  # right, as a vim user expects: not a pane switch
        assert panes.active == "markets" and table.scroll_x > 0
        await pilot.press("h")
        assert table.scroll_x == 0


async def test_vim_keys_move_the_cursor_in_the_account_tables_too() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        positions = app.dashboard.query_one(PositionsTable)
        assert app.focused is positions and positions.row_count > 3
        await pilot.press("j", "j")
        assert positions.cursor_row == 2
        await pilot.press("k")
        assert positions.cursor_row == 1
        await pilot.press("G")
        assert positions.cursor_row == positions.row_count - 1
        await pilot.press("g")
        assert positions.cursor_row == 0


def key_meanings() -> dict[str, dict[str, tuple[str, bool]]]:
    """Every letter key bound anywhere on the dashboard: where, what it does, whether the footer
    shows it."""
    meanings: dict[str, dict[str, tuple[str, bool]]] = {}
    for cls in (KalshiDashApp, DashboardScreen, LineTable, StateTable, SubscriptionsTable,
                *(cls for _title, cls in WIDGET_SECTIONS)):
        for binding in own_bindings(cls):
            for key in binding.key.split(","):
                if len(key) == 1 and key.isalpha():
                    meanings.setdefault(key, {})[cls.__name__] = (binding.description, binding.show)
    return meanings


def test_each_letter_means_one_thing_or_the_footer_says_what_it_does_there() -> None:
    meanings = key_meanings()
    assert {does for does, _shown in meanings["l"].values()} == {"Scroll right"}  # in every list, nothing else
    assert meanings["b"].keys() == {"DepthLadder"}  # b buys on a ladder: the bell is B
    for key, where in meanings.items():
        if len({does for does, _shown in where.values()}) > 1:
            hidden = [name for name, (_does, shown) in where.items() if not shown]
            assert not hidden, f"{key} means different things; the footer does not say so in {hidden}"
    assert len({does for does, _shown in meanings["f"].values()}) == 3  # star, flip, all/one market


async def test_the_footer_says_what_f_does_in_each_pane() -> None:
    app = dashboard_app(markets=(LADDER_TICKER,))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for widget, does in ((grid(app), "Star"), (app.dashboard.query_one(DepthLadder), "Flip yes/no"),
                             (app.dashboard.query_one(TradeTape), "All/focused market")):
            widget.focus()
            await pilot.pause()
            shown = {binding.key: binding.description for (_node, binding, _enabled, _tooltip)
                     in app.dashboard.active_bindings.values() if binding.show}
            assert shown.get("f") == does


async def test_help_lists_every_binding_and_every_binding_is_in_footer_or_palette() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        listed = app.screen.listed()
        classes = [type(app), DashboardScreen, *(cls for _title, cls in WIDGET_SECTIONS)]
        for cls in classes:
            for binding in own_bindings(cls):
                assert any(
                    key == app.get_key_display(binding) and does == binding.description
                    for _where, key, does in listed
                ), f"{cls.__name__}: {binding.key} missing from help"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.dashboard)
        # app and screen keys are in the palette; widget keys show in the footer when focused
        palette = {command.title for command in app.get_system_commands(app.screen)}
        for title, rows in help_sections(app, app.dashboard)[:2]:
            usable = {row.description for row in rows if app.check_action(row.action, ())}
            assert usable <= palette, title
        assert {"Pause/play replay", "Step replay"} & palette == set()  # replay keys: replay only
        footer_keys = {binding.key for (_node, binding, _enabled, _tooltip) in
                       app.dashboard.active_bindings.values() if binding.show}
        assert {"enter", "greater_than_sign", "r"} <= footer_keys  # the grid is focused
        assert app.dashboard.query_one(Footer).display


async def test_palette_command_runs_the_bound_action() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        (command,) = [c for c in app.get_system_commands(app.screen) if c.title == "Feed"]
        await command.callback()
        await pilot.pause()
        assert app.dashboard.current_pane == "feed"


async def test_book_changes_redraw_the_open_ladder_and_flash_the_changed_sizes() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        before = ladder.ladder
        advance(app, sim, 300)
        yes, no = sim.exchange.book_levels(LADDER_TICKER)
        await until(pilot, lambda: ladder_levels(ladder) == (yes, as_asks(no)))
        moved = {(BID, p_) for p_ in set(yes) | set(before.levels(BID))
                 if yes.get(p_, 0) != before.levels(BID).get(p_, 0)}
        assert moved and moved <= set(ladder.flashing())
        for (which, price), direction in ladder.flashing().items():
            old = before.levels(which).get(price, 0)
            new = ladder.ladder.levels(which).get(price, 0)
            assert direction == (1 if new > old else -1)


async def test_a_ladder_out_of_sight_catches_up_when_shown() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        before = ladder_levels(ladder)
        await pilot.press("2")
        advance(app, sim, 300)
        await until(pilot, lambda: ladder in app.dashboard.fanout._missed)
        assert ladder_levels(ladder) == before  # not redrawn while hidden
        await pilot.press("1")
        yes, no = sim.exchange.book_levels(LADDER_TICKER)
        await until(pilot, lambda: ladder_levels(ladder) == (yes, as_asks(no)))
        assert ladder not in app.dashboard.fanout._missed


async def test_resyncing_book_is_said_and_dimmed() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        app.market_state.set_book_status(LADDER_TICKER, BookStatus.RESYNCING)
        app.dashboard.post_message(StateChanged(Kind.BOOK, frozenset({LADDER_TICKER})))
        await pilot.pause()
        assert not ladder.live
        assert "RESYNCING" in ladder.render_line(0).text
        assert ladder.render_line(2).text.strip()  # the levels are still drawn, dimmed


async def test_grid_cells_flash_by_colour_alone_and_stop_after_the_flash() -> None:
    """A flash is a colour, never an arrow beside the number (``Spread ▼ 2¢`` read as data)."""
    now = [1_764_150_000.0]
    sim = scenario()
    app = dashboard_app(sim, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        table = grid(app)
        before = dict(table._values)
        advance(app, sim, 200)
        await until(pilot, lambda: bool(table.flashing()))
        for (ticker, column), direction in table.flashing().items():
            old = getattr(before[ticker], column)
            new = getattr(table._values[ticker], column)
            assert direction == (1 if new > old else -1)
            cell = table.row_cells(ticker)[[c.key for c in COLUMNS].index(column)]
            assert cell.text == COLUMN_BY_KEY[column].render(new)
            assert cell.tone is (Tone.STRONG_UP if direction > 0 else Tone.STRONG_DOWN)
        flashed = {ticker for ticker, _column in table.flashing()}
        now[0] += 2
        await until(pilot, lambda: not table.flashing())
        index = [c.key for c in COLUMNS].index("last")
        assert all(table.row_cells(t)[index].tone is None for t in flashed)


async def test_status_bar_turns_stale_and_keeps_the_environment_badge_apart() -> None:
    app = dashboard_app(environment="PROD")
    async with app.run_test(size=SIZE) as pilot:
        bar = app.dashboard.query_one(StatusBar)
        app.dashboard.post_message(FeedStatus(status(last_data_age=0.4)))
        await until(pilot, lambda: bar.status is not None)
        assert bar.feed_label == "● LIVE"
        app.dashboard.post_message(FeedStatus(status(last_data_age=12.0)))
        await until(pilot, lambda: bar.feed_label == "⚠ STALE")
        env = app.dashboard.query_one("#env-badge")
        assert env.has_class("env-prod") and str(env.content).strip() == "PROD"
        app.dashboard.post_message(FeedStatus(status(ConnectionState.AUTH_REJECTED)))
        await until(pilot, lambda: bar.feed_label == "✖ AUTH REJECTED")


async def test_server_error_with_brackets_is_a_notification_with_its_meaning() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        error = FeedErrorInfo("server error 11: invalid parameter", 11, p.error_meaning(11),
                              "bad market [KX[/bold]] [link=x]")
        app.dashboard.post_message(FeedError(error))
        await until(pilot, lambda: len(app._notifications) == 1)
        (note,) = list(app._notifications)
        assert "invalid parameter" in note.title
        assert "bad market [KX[/bold]] [link=x]" in note.message
        assert not note.markup
        assert note.severity == "error"


async def test_a_flood_of_distinct_server_errors_makes_a_few_notifications_and_bounded_memory() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        for n in range(2_000):
            app.dashboard.post_message(FeedError(FeedErrorInfo(f"server error 17: internal error #{n}", 17)))
        app.dashboard.post_message(FeedError(FeedErrorInfo("authentication rejected", fatal=True)))
        await until(pilot, lambda: any(note.title == "authentication rejected" for note in app._notifications))
        notes = list(app._notifications)
        assert len(notes) == BURST + 1 and len(app.error_notices) <= REMEMBERED
        assert "1,995 more errors not shown here: see the feed pane" in notes[-1].message


async def subscribe_dialog(app: KalshiDashApp, pilot: Any) -> tuple[SubscribeDialog, list[Any]]:
    """The ``s`` dialog over the markets known, its markets field in focus; and its answers."""
    dialog = SubscribeDialog.subscribe(app.dashboard.known_tickers())
    answers: list[Any] = []
    app.push_screen(dialog, answers.append)
    await until(pilot, lambda: app.screen is dialog and isinstance(app.focused, Input))
    return dialog, answers


async def test_subscribe_dialog_refuses_an_order_book_without_markets_and_completes_tickers() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog, answers = await subscribe_dialog(app, pilot)
        await pilot.press("enter")
        assert "needs at least one market" in str(dialog.query_one("#dialog-error").content)
        await pilot.press(*"kxbtc")
        field = dialog.query_one("#markets", Input)
        await until(pilot, lambda: field._suggestion != "")
        await pilot.press("right", "enter")
        await until(pilot, lambda: bool(answers))
        (request,) = answers
        assert request.channel == p.ORDERBOOK_DELTA
        first = min(t for t in app.dashboard.known_tickers() if t.startswith("KXBTC"))
        assert request.markets == (first,)


async def test_subscribe_dialog_checks_the_ticker_against_the_markets_known() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        dialog, answers = await subscribe_dialog(app, pilot)
        await pilot.press(*"kxtypo-1", "enter")
        await pilot.pause()
        error = str(dialog.query_one("#dialog-error").content)
        assert "KXTYPO-1: no such market seen from the exchange" in error and not answers
        await pilot.press("enter")  # the same again: sent anyway (the markets known may be few)
        await until(pilot, lambda: bool(answers))
        assert answers[0].markets == ("KXTYPO-1",)


async def test_q_typed_into_the_filter_is_text_not_quit() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "q")
        assert app.dashboard.query_one("#grid-filter", Input).value == "q"
        assert app.is_running


async def test_t_switches_to_the_light_theme_and_the_widgets_recolour() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        dark_bid = ladder._style("depth-ladder--bid")
        dark_up = grid(app)._style(Tone.STRONG_UP.component)
        await pilot.press("t")
        assert app.theme == LIGHT_THEME
        await pilot.pause()
        assert ladder._style("depth-ladder--bid") != dark_bid
        assert grid(app)._style(Tone.STRONG_UP.component) != dark_up
        await pilot.press("t")
        assert app.theme == DARK_THEME


async def test_the_messages_of_one_flush_reach_a_view_once_with_their_union() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        calls: list[tuple[Kind, frozenset[str]]] = []
        original = ladder.state_changed

        def noted(kinds: Kind, books: frozenset[str]) -> None:
            calls.append((kinds, books))
            original(kinds, books)

        ladder.state_changed = noted  # type: ignore[method-assign]
        dashboard = app.dashboard
        for message in (StateChanged(Kind.BOOK, frozenset({LADDER_TICKER})), StateChanged(Kind.TRADE),
                        StateChanged(Kind.LIFECYCLE), StateChanged(Kind.BOOK, frozenset({"KXOTHER-1"}))):
            dashboard.post_message(message)
        await until(pilot, lambda: bool(calls))
        await pilot.pause()
        assert calls == [(Kind.BOOK | Kind.TRADE | Kind.LIFECYCLE, frozenset({LADDER_TICKER, "KXOTHER-1"}))]
        assert dashboard.notifications.of(Kind.BOOK) >= 1  # merged in the queue or on the screen
        # a book message naming no market means every book, whatever else the flush named
        calls.clear()
        dashboard.post_message(StateChanged(Kind.BOOK, frozenset({"KXOTHER-1"})))
        dashboard.post_message(StateChanged(Kind.BOOK))
        await until(pilot, lambda: bool(calls))
        assert calls == [(Kind.BOOK, frozenset())]


async def test_lifecycle_news_rereads_only_the_grid_rows_of_the_markets_it_changed() -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        table = await settled_grid(pilot, app)
        invalidated: list[str] = []  # rows the grid read again on news (not on its clock ticks)
        invalidate, apply = table.invalidate, table._apply
        applying = False

        def noted(keys: Iterable[str]) -> None:
            keys = list(keys)
            if applying:
                invalidated.extend(keys)
            invalidate(keys)

        def applied() -> None:
            nonlocal applying
            applying = True
            try:
                apply()
            finally:
                applying = False

        table.invalidate = noted  # type: ignore[method-assign]
        table._throttle.run = applied  # type: ignore[method-assign]
        sink = MessageSink(app.dashboard)

        def announce(*frames: str) -> None:
            sink.on_changes(ts.apply(app.market_state, *frames), frozenset())

        # An order group's news is lifecycle news that changes no market; a market's settlement
        # changes one. That row alone is read again, and shows it.
        target = table.visible_tickers()[2]
        before = {t: table.get_cell(t, "status") for t in table.visible_tickers() if t != target}
        assert "settled" not in table.get_cell(target, "status")
        announce(ts.frame("order_group_updates", {"event_type": "created", "order_group_id": "g1"}))
        announce(ts.market_lifecycle(target, "settled"))
        await until(pilot, lambda: table.get_cell(target, "status").strip() == "settled")
        assert invalidated == [target]
        assert {t: table.get_cell(t, "status") for t in before} == before


async def test_a_market_renamed_to_match_the_filter_joins_the_filtered_grid() -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        table = await settled_grid(pilot, app)
        target = table.visible_tickers()[3]
        table.set_filter("drizzle")
        assert table.visible_tickers() == []
        frame = ts.market_lifecycle(target, "created", "Drizzle in [Seattle]")
        MessageSink(app.dashboard).on_changes(ts.apply(app.market_state, frame), frozenset())
        await until(pilot, lambda: table.visible_tickers() == [target])


async def test_a_longer_filter_still_shows_markets_that_arrived_or_were_renamed_since_the_last_key() -> None:
    app = dashboard_app(scenario())
    async with app.run_test(size=SIZE) as pilot:
        table = await settled_grid(pilot, app)
        renamed = table.visible_tickers()[3]
        table.set_filter("driz")
        assert table.visible_tickers() == []
        sink = MessageSink(app.dashboard)
        sink.on_changes(ts.apply(app.market_state, ts.market_lifecycle(renamed, "created", "Drizzle in [Seattle]"),
                                 ts.market_lifecycle("KXNEW-1", "created", "Drizzle in Paris"),
                                 ts.ticker_current("KXNEW-1", "0.4000", "0.4200")), frozenset())
        await until(pilot, lambda: sorted(table.visible_tickers()) == sorted([renamed, "KXNEW-1"]))
        table.set_filter("drizzle in p")  # looked for among the last matches: both were among them
        assert table.visible_tickers() == ["KXNEW-1"]
        table.set_filter("drizzle")
        assert sorted(table.visible_tickers()) == sorted([renamed, "KXNEW-1"])


def test_feed_messages_stop_at_the_dashboard_that_handles_them() -> None:
    """The app has no handler for them: bubbling on would only dispatch each one twice."""
    kinds = [StateChanged, FeedStatus, FeedError, SubscriptionsChanged]
    assert [cls.__name__ for cls in kinds if cls.bubble] == []


async def test_a_ticker_update_repaints_its_grid_row_not_the_whole_grid() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        table = await settled_grid(pilot, app)
        subtitle = table.border_subtitle
        whole: list[bool] = []
        refresh = table.refresh

        def noted(*regions: Any, **kwargs: Any) -> Any:
            whole.append(not regions)
            return refresh(*regions, **kwargs)

        table.refresh = noted  # type: ignore[method-assign]
        target = table.visible_tickers()[1]
        values_before = table.get_cell(target, "volume")
        advance(app, sim, 400)  # the simulator moves markets; the grid takes it in
        await until(pilot, lambda: table.get_cell(target, "volume") != values_before)
        assert whole and not any(whole)  # rows repainted, never the whole grid
        assert table.border_subtitle == subtitle


async def test_q_asks_before_quitting() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")  # no: the dashboard stays
        await until(pilot, lambda: app.screen is app.dashboard)
        assert app.is_running
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running)


async def test_square_brackets_cycle_the_ladder_tabs() -> None:
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=SIZE) as pilot:
        second = sim.tickers[1]
        await app.dashboard.open_ladder(second)
        assert app.dashboard.active_ladder().ticker == second  # type: ignore[union-attr]
        await pilot.press("right_square_bracket")  # round the end to the first
        await until(pilot, lambda: app.dashboard.active_ladder().ticker == LADDER_TICKER)  # type: ignore[union-attr]
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: app.dashboard.active_ladder().ticker == second)  # type: ignore[union-attr]


async def test_z_zooms_the_focused_pane_and_back() -> None:
    app = dashboard_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = grid(app)
        table.focus()
        shown = table.size.height
        await pilot.press("z")
        await until(pilot, lambda: app.dashboard.maximized is table and table.size.height > shown)
        await pilot.press("z")
        await until(pilot, lambda: app.dashboard.maximized is None and table.size.height == shown)


async def test_at_80x24_the_grid_shows_as_many_rows_as_the_ladder_has_room_and_all_without_a_ladder() -> None:
    app = dashboard_app()  # one ladder open
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled_grid(pilot, app)
        assert len(table.visible_keys()) >= 7  # 4 before: the grid had 2 parts in 5 of the pane
        ladder = app.dashboard.query_one(DepthLadder)
        assert ladder.region.height >= 8  # the ladder keeps its half
        assert table.scrollbar_size_horizontal == 0 and table.virtual_size.width > table.size.width
        await pilot.press("l")  # h / l (and the arrows) scroll the grid instead
        assert table.scroll_x > 0
    app = dashboard_app(markets=())
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled_grid(pilot, app)
        assert len(table.visible_keys()) == min(table.row_count, table.size.height - 3)
        assert table.size.height >= 17  # the whole pane: no empty ladder box below it
    app = dashboard_app()
    async with app.run_test(size=(160, 48)) as pilot:  # a tall screen keeps the grid at 2 parts of 5
        table = await settled_grid(pilot, app)
        lower = app.dashboard.query_one("#markets-lower")
        assert table.outer_size.height < lower.outer_size.height
