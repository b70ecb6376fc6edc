"""Where the fan-out finds a view: shown, hidden under an ancestor, or removed."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from app.tui.fanout import DETACHED, HIDDEN, SHOWN, standing


class Panes(App[None]):
    def compose(self) -> ComposeResult:
        with Vertical(id="shown"):
            yield Static(id="a")
        with Vertical(id="hidden"):
            with Vertical(id="inner"):
                yield Static(id="b")
                yield Static(id="c")


async def test_a_widget_is_shown_hidden_under_an_ancestor_or_detached_once_removed() -> None:
    app = Panes()
    async with app.run_test():
        a, b, c = (app.query_one(f"#{name}") for name in "abc")
        app.query_one("#hidden").display = False
        known: dict[Widget, int] = {}
        assert standing(a, known) == SHOWN
        assert standing(b, known) == HIDDEN
        # the ancestors walked are remembered for the next widget under them
        assert known[app.query_one("#inner")] == HIDDEN and known[app.screen] == SHOWN
        assert standing(c, known) == HIDDEN
        app.query_one("#hidden").display = True
        assert standing(c, {}) == SHOWN
        await a.remove()
        assert standing(a, {}) == DETACHED
