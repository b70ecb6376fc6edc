"""The seam over Textual's internals (``widgets/_textual/``): the start-up check finds every
internal it uses, a missing one turns the fast paths off with one warning, and with them off
(forced by the environment variable) the real app draws the main screens exactly as with them on.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pytest_textual_snapshot import normalize_svg
from rich.segment import Segment
from rich.text import Text
from textual._compositor import Compositor
from textual._doc import take_svg_screenshot
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable, Static

from app.core.state import Kind, MarketState
from app.tui.fanout import FanOut
from app.tui.screen_text import screen_text
from tests.ui_shots import SHOTS, Shot
from widgets._textual import capability
from widgets._textual.border_title import set_border_subtitle
from widgets._textual.compositor import SpanCompositor
from widgets.base import StateView

MAIN_SCREENS = ("markets", "account", "lifecycle", "event-view", "alerts", "narrow-80x24")
WARNING = "Textual's stock rendering"


@pytest.fixture(autouse=True)
def fast_paths_decided_again() -> Any:
    """Whatever a test forced, the next app decides afresh (and so does this module's end)."""
    yield
    capability.start()


def test_the_check_finds_every_internal_of_the_pinned_textual(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(capability.STOCK_ENV, raising=False)
    assert capability.problems() == []
    assert capability.start() is None
    assert capability.active()


@pytest.mark.parametrize("owner, name, reported", [
    (Compositor, "_regions_to_spans", "Compositor._regions_to_spans"),
    (DataTable, "_render_cell", "DataTable._render_cell"),
    (DataTable, "_update_dimensions", "DataTable._update_dimensions"),
    (App, "_fatal_error", "App._fatal_error"),
])
def test_a_missing_internal_turns_the_fast_paths_off_and_is_named(
    monkeypatch: pytest.MonkeyPatch, owner: type, name: str, reported: str
) -> None:
    monkeypatch.delenv(capability.STOCK_ENV, raising=False)
    monkeypatch.delattr(owner, name)
    warning = capability.start()
    assert warning is not None and reported in warning and "\n" not in warning
    assert not capability.active()


def test_a_changed_signature_is_a_missing_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(capability.STOCK_ENV, raising=False)
    monkeypatch.setattr(DataTable, "_render_cell", lambda self, coordinate, style: [])
    assert capability.problems() == ["DataTable._render_cell"]


def shot(name: str) -> Shot:
    return next(candidate for candidate in SHOTS if candidate.name == name)


def screenshot(shot: Shot, seen: list[str]) -> str:
    """The shot's screen as SVG, its notifications cleared first; what they said goes to ``seen``."""
    app, run_before = shot.app()

    async def then_clear_notifications(pilot: Pilot[Any]) -> None:
        await run_before(pilot)
        seen.append(screen_text(pilot.app))
        seen.append(type(pilot.app.dashboard._compositor).__name__)
        pilot.app.clear_notifications()
        await pilot.pause()

    return normalize_svg(take_svg_screenshot(app=app, terminal_size=shot.size,
                                             run_before=then_clear_notifications))


@pytest.mark.parametrize("name", MAIN_SCREENS)
def test_the_stock_paths_draw_the_same_screens(
    name: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(capability.STOCK_ENV, raising=False)
    fast_seen: list[str] = []
    fast = screenshot(shot(name), fast_seen)
    assert fast_seen[1] == SpanCompositor.__name__ and WARNING not in fast_seen[0]

    monkeypatch.setenv(capability.STOCK_ENV, "1")
    stock_seen: list[str] = []
    with caplog.at_level(logging.WARNING):
        stock = screenshot(shot(name), stock_seen)
    assert stock_seen[1] == Compositor.__name__  # Textual's own compositor drew it
    assert WARNING in stock_seen[0]  # the notification, on screen
    assert [record.getMessage() for record in caplog.records if WARNING in record.getMessage()] == [
        f"{WARNING} ({capability.STOCK_ENV} is set): the fast paths are off"
    ]
    assert stock == fast


class Lines(Widget):
    """A bordered widget that counts the content lines it is asked for."""

    DEFAULT_CSS = "Lines { border: round white; height: 8; }"

    def __init__(self) -> None:
        super().__init__()
        self.drawn = 0

    def render_line(self, y: int) -> Strip:
        self.drawn += 1
        return Strip([Segment(f"row {y}")])


class LinesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Lines()


@pytest.mark.parametrize("stock", [False, True])
async def test_a_new_border_subtitle_is_shown_and_with_the_seam_repaints_no_content_line(
    stock: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if stock:
        monkeypatch.setenv("KALSHI_DASH_STOCK_TEXTUAL", "1")
    capability.start()
    app = LinesApp()
    async with app.run_test(size=(40, 10)) as pilot:
        lines = app.query_one(Lines)
        set_border_subtitle(lines, Text("12/12 markets"))
        await pilot.pause()
        drawn = lines.drawn
        set_border_subtitle(lines, Text("1,500/1,500 markets"))
        await pilot.pause()
        text = screen_text(app)
        assert "1,500/1,500 markets" in text and "12/12" not in text
        assert "row 5" in text
        assert (lines.drawn == drawn) is not stock  # stock: Textual draws every row again


class Counter(StateView, Static):
    """A state view that shows how many notices it was handed."""

    SHOWS = Kind.TRADE

    def __init__(self) -> None:
        super().__init__()
        self.notices = 0

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        self.update(Text(f"notices: {self.notices}"))
        self.notices += 1


class CounterApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Counter()


@pytest.mark.parametrize("stock", [False, True])
async def test_a_view_the_fan_out_redraws_is_in_the_next_frame(
    stock: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if stock:
        monkeypatch.setenv("KALSHI_DASH_STOCK_TEXTUAL", "1")
    capability.start()
    app = CounterApp()
    async with app.run_test() as pilot:
        fanout = FanOut(app.screen, MarketState())
        fanout.bind_all()
        await pilot.pause()
        assert "notices: 0" in screen_text(app)
        for shown in range(1, 4):
            app.screen.call_later(fanout.dispatch, Kind.TRADE, frozenset())  # in the screen's task
            await pilot.pause()
            assert f"notices: {shown}" in screen_text(app)
