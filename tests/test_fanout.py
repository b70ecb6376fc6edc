"""Where the fan-out finds a view (shown, hidden under an ancestor, or removed), and what a hidden
view is handed when it comes into sight."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from app.core.state import Kind, MarketState
from app.tui.fanout import DETACHED, HIDDEN, SHOWN, FanOut, standing
from widgets.base import StateView


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


class Recorder(StateView, Static):
    """A state view that keeps every notice it is handed."""

    def __init__(self, shows: Kind, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.SHOWS = shows  # type: ignore[misc]
        self.told: list[tuple[Kind, frozenset[str]]] = []

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        self.told.append((kinds, books))


class HiddenPane(App[None]):
    def compose(self) -> ComposeResult:
        with Vertical(id="pane"):
            yield Recorder(Kind.BOOK | Kind.POSITION, id="books")
            yield Recorder(Kind.FILL, id="fills")


async def test_a_hidden_view_catches_up_with_the_books_it_missed_and_every_book_stays_every_book() -> None:
    app = HiddenPane()
    async with app.run_test():
        books, fills = app.query_one("#books", Recorder), app.query_one("#fills", Recorder)
        fanout = FanOut(app.screen, MarketState())
        fanout.bind_all()
        books.told.clear()
        fills.told.clear()
        app.query_one("#pane").display = False

        fanout.dispatch(Kind.BOOK | Kind.FILL, frozenset({"A"}))
        fanout.dispatch(Kind.BOOK, frozenset({"B"}))
        fanout.dispatch(Kind.FILL, frozenset({"C"}))
        assert books.told == fills.told == [] and fanout.waiting == 2
        app.query_one("#pane").display = True
        fanout.catch_up()
        # the books moved, merged; a view that shows no books is handed none
        assert books.told == [(Kind.BOOK, frozenset({"A", "B"}))]
        assert fills.told == [(Kind.FILL, frozenset())] and fanout.waiting == 0

        app.query_one("#pane").display = False
        fanout.dispatch(Kind.BOOK, frozenset({"A"}))
        fanout.dispatch(Kind.BOOK | Kind.POSITION, frozenset())  # every book
        fanout.dispatch(Kind.BOOK, frozenset({"B"}))
        app.query_one("#pane").display = True
        fanout.catch_up()
        assert books.told[1:] == [(Kind.BOOK | Kind.POSITION, frozenset())]

