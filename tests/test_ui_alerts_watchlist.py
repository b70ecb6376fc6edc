"""Alerts (``!``, the alerts pane, notifications, the rate limit, ``b``) and the watchlist (``f``,
``w``, saved in the config file), driven with Pilot over deterministic data."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select

from app.config import Preferences, load_preferences
from app.core.alerts import Rule, RuleKind
from app.tui.main import KalshiDashApp
from app.tui.screens.alert_dialog import AlertDialog
from app.tui.screens.help import HelpScreen
from tests.ui_states import LADDER_TICKER, NOW, advance, dashboard_app, scenario, until
from widgets.alerts.alert_log import AlertLog
from widgets.alerts.alert_rules_table import AlertRulesTable
from widgets.alerts.alerts_panel import AlertsPanel
from widgets.market.depth_ladder import DepthLadder
from widgets.market.ticker_grid import STAR, TickerGrid

SIZE = (120, 40)


def with_preferences(prefs: Preferences, markets: tuple[str, ...] = (LADDER_TICKER,)) -> tuple[KalshiDashApp, object]:
    sim = scenario()
    app = KalshiDashApp(sim.state, markets=markets, clock=lambda: NOW, preferences=prefs)
    app.animation_level = "none"
    return app, sim


def alert_notes(app: KalshiDashApp) -> list[str]:
    return [note.message for note in app._notifications if note.title == "alert"]


async def test_bang_sets_an_alert_for_the_focused_market_from_the_keyboard() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        grid.focus()
        await pilot.press("exclamation_mark")
        await until(pilot, lambda: isinstance(app.screen, AlertDialog) and bool(app.screen.query("#value")))
        dialog = app.screen
        assert dialog.query_one("#market", Input).value == grid.cursor_ticker()
        await pilot.press(*"101", "enter")
        assert "outside" in str(dialog.query_one("#dialog-error").content)
        assert app.screen is dialog
        dialog.query_one("#value", Input).value = ""
        await pilot.press(*"41.5", "enter")
        await until(pilot, lambda: app.screen is app.dashboard)
        assert list(app.dashboard.alerts.rules.values()) == [Rule(RuleKind.LAST_CROSSES, grid.cursor_ticker(), 4150)]
        await pilot.press("9")
        table = app.dashboard.query_one(AlertRulesTable)
        assert table.row_keys == ["1"]
        assert str(table.get_cell("1", "rule")).strip() == f"{grid.cursor_ticker()} last crosses 41.5¢"


async def test_the_dialog_makes_each_kind_of_rule() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        for kind, market, value, rule in (
            (RuleKind.PRINT_AT_LEAST, "", "500", Rule(RuleKind.PRINT_AT_LEAST, None, 50_000)),
            (RuleKind.LIFECYCLE, LADDER_TICKER, "settled",
             Rule(RuleKind.LIFECYCLE, LADDER_TICKER, event_type="settled")),
            (RuleKind.FILL, "", "", Rule(RuleKind.FILL)),
        ):
            answers: list[object] = []
            dialog = AlertDialog(app.dashboard.known_tickers(), LADDER_TICKER)
            await app.push_screen(dialog, answers.append)
            dialog.query_one("#kind", Select).value = kind
            dialog.query_one("#market", Input).value = market
            dialog.query_one("#value", Input).value = value
            await pilot.click("#ok")
            await until(pilot, lambda answers=answers: bool(answers))
            assert answers == [rule]


async def test_rules_from_the_config_fire_on_live_data_as_plain_rate_limited_notifications() -> None:
    rules = (Rule(RuleKind.PRINT_AT_LEAST, None, 100), Rule(RuleKind.FILL))
    app, sim = with_preferences(Preferences(rules=rules, cooldown=60, burst=100, window=60))
    async with app.run_test(size=SIZE) as pilot:
        alerts = app.dashboard.alerts
        advance(app, sim, 300)
        await until(pilot, lambda: alerts.fired > 0)
        log = app.dashboard.query_one(AlertLog)
        await pilot.press("9")
        await until(pilot, lambda: len(log.row_keys) == min(alerts.fired, log.max_rows))
        shown = [a for a in alerts.log if a.notified]
        assert len(shown) == len({a.rule_id for a in alerts.log}) <= 2  # once per rule per minute
        assert alerts.suppressed == alerts.fired - len(shown) > 0
        assert sorted(alert_notes(app)) == sorted(a.text for a in shown)
        assert all(not note.markup for note in app._notifications if note.title == "alert")
        held = [str(log.get_cell(key, "shown")).strip() for key in log.row_keys]
        assert held.count("○ held") == alerts.suppressed
        settings = str(app.dashboard.query_one("#alerts-settings").content)
        assert f"{alerts.fired:,} fired, {alerts.suppressed:,} held back" in settings


async def test_shift_b_toggles_the_bell_and_delete_removes_a_rule() -> None:
    rules = (Rule(RuleKind.FILL), Rule(RuleKind.PRINT_AT_LEAST, None, 100))
    app, _sim = with_preferences(Preferences(rules=rules, bell=False))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9")
        panel = app.dashboard.query_one(AlertsPanel)
        table = app.dashboard.query_one(AlertRulesTable)
        assert app.focused is table and table.row_keys == ["1", "2"]
        await pilot.press("B")
        assert app.dashboard.alerts.bell
        assert str(panel.query_one("#alerts-settings").content).startswith("bell on")
        await pilot.press("down", "delete")
        await until(pilot, lambda: table.row_keys == ["1"])
        assert list(app.dashboard.alerts.rules) == [1]


async def test_f_stars_markets_saved_in_the_config_and_w_shows_only_them(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('default_profile = "demo"\n\n[profiles.demo]\nenv = "demo"\n')
    app, _sim = with_preferences(load_preferences(config))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        grid.focus()
        everything = grid.visible_tickers()
        first, third = everything[0], everything[2]
        await pilot.press("f", "down", "down", "f")
        assert str(grid.get_cell(first, "starred")).strip() == STAR
        assert str(grid.get_cell(everything[1], "starred")).strip() == ""
        await app.workers.wait_for_complete()  # saved in a thread
        assert load_preferences(config).watchlist == (first, third)
        assert "[profiles.demo]" in config.read_text()
        await pilot.press("w")
        assert grid.visible_tickers() == [first, third]
        assert "★ watchlist only" in str(grid.border_subtitle)
        grid.show_ticker(first)
        await pilot.press("f")  # unstarred: gone from the watchlist view
        assert grid.visible_tickers() == [third]
        await app.workers.wait_for_complete()
        assert load_preferences(config).watchlist == (third,)
        await pilot.press("w")
        assert grid.visible_tickers() == everything


async def test_a_watchlist_from_the_config_is_starred_at_start_and_f_on_the_ladder_still_flips() -> None:
    app, _sim = with_preferences(Preferences(watchlist=(LADDER_TICKER,)))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        assert str(grid.get_cell(LADDER_TICKER, "starred")).strip() == STAR
        ladder = app.dashboard.ladders()[LADDER_TICKER]
        ladder.focus()
        await pilot.press("f")
        assert ladder.side == "no"
        assert list(app.watchlist) == [LADDER_TICKER]  # the ladder's f flips; it stars nothing


async def test_the_new_keys_are_in_the_help_and_the_palette_and_run_from_there() -> None:
    app = dashboard_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        listed = {(where, key, does) for where, key, does in app.screen.listed()}
        for row in (("Ticker grid", "e", "Event"), ("Ticker grid", "f", "Star"),
                    ("Ticker grid", "w", "Watchlist only"), ("Dashboard", "!", "New alert"),
                    ("Dashboard", "B", "Alert bell on/off"), ("Dashboard", "7", "Event"),
                    ("Dashboard", "8", "Integrity"), ("Dashboard", "9", "Alerts"),
                    ("Event view", "esc", "Back to markets"), ("Alert rules", "del", "Remove rule")):
            assert row in listed, row
        assert any(where == "Event view" and does == "Ladder of the strike" for where, _key, does in listed)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.dashboard)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Event", "Star", "Watchlist only", "New alert", "Alert bell on/off", "Integrity",
                "Alerts", "Flip yes/no"} <= set(commands)
        grid = app.dashboard.query_one(TickerGrid)
        await commands["Star"].callback()
        await pilot.pause()
        assert list(app.watchlist) == [grid.cursor_ticker()]
        await commands["Event"].callback()
        await pilot.pause()
        assert app.dashboard.current_pane == "event"
        ladder = app.dashboard.query_one(DepthLadder)
        await commands["Flip yes/no"].callback()
        assert ladder.side == "no"
