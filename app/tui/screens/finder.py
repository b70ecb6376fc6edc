"""The market finder (``m``): search the whole catalog as you type, grouped by event.

Every word typed must match the market's title, sub-title, ticker, event, series or category
(:mod:`app.core.finder`). Each event is a header line (title, category), each market a line with its
sub-title or title, ticker, status and time to close. ``enter`` opens the market's ladder (the
first hit from the search field), ``f`` stars it, ``t`` subscribes its ticker and trades; ``↓``
moves from the search field to the results, ``escape`` closes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar, Self

from rich.console import RenderableType
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen
from textual.strip import Strip, StripRenderable
from textual.widgets import Input, Label

from app.core.finder import MarketIndex
from app.tui.requests import OpenMarket, ToggleStar, WantMarketData
from widgets._textual.compositor import screen_strips
from widgets.market.finder_results import FinderResults
from widgets.search_input import SearchInput
from widgets.tables.line_table import LineTable

SHOWN = 50  # markets listed at most: a screenful or two; the count says how many match


class FinderScreen(ModalScreen[None]):
    """Find a market by the words of its title (see the module docstring)."""

    # The box's look; its size and place are in styles/dialogs.tcss.
    DEFAULT_CSS = """
    FinderScreen {
        #finder {
            border: round $accent;
            background: $surface;
            padding: 0 1;
        }
        #finder-count {
            color: $text-muted;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("f", "star", "Star", show=True),
        Binding("t", "subscribe", "Ticker + trades", show=True),
    ]

    def __init__(self, index: MarketIndex, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.clock = clock
        self._backdrop: list[Strip] = []  # the screen below, dimmed, as it was when the finder opened
        self._backdrop_size = Size(0, 0)  # the terminal's size then

    def compose(self) -> ComposeResult:
        with Vertical(id="finder"):
            yield Label("Find a market: words of its title, ticker, event, series or category")
            yield SearchInput(placeholder="e.g. fed hold, nyc 52, bitcoin", id="finder-input")
            yield FinderResults(id="finder-results")
            yield Label("", id="finder-count")

    def on_mount(self) -> None:
        self._freeze_backdrop()
        self.query_one(Input).focus()
        # the markets relabelled since the last search folded now, not at the first key typed
        self.call_after_refresh(self.index.refresh)

    def _freeze_backdrop(self) -> None:
        """Show the screen below dimmed as it is now, and stop drawing it.

        A modal screen with a see-through background draws the screen below it, dimmed, again at
        every change there (Textual passes each changed region of the screen below on to the top
        screen): under a live market the dashboard behind the finder changes ~30 times a second,
        and each change redrew and dimmed every line of it, then the finder over it, between the
        keys typed. The finder covers most of the screen, so its margins keep the picture taken
        as it opened (:meth:`render`) and those regions are not drawn again (:meth:`refresh`);
        the screen below is drawn whole, as it is by then, when the finder closes.
        """
        screens = self.app.screen_stack
        if self not in screens or screens.index(self) == 0:
            return
        below = screens[screens.index(self) - 1]
        veil = self.styles.background
        self._backdrop = [Strip(BackgroundScreen.process_segments(strip, veil), strip.cell_length)
                          for strip in screen_strips(below)]
        self._backdrop_size = self.app.size

    def on_resize(self, event: events.Resize) -> None:
        """A new terminal size: the picture no longer fits, the screen below is drawn live again."""
        if self._backdrop and event.size != self._backdrop_size:
            self._backdrop = []
            self.refresh()

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        """Textual's; but the regions of the screen below that changed (the only regions a screen
        is asked to refresh) are not drawn again while its picture is frozen."""
        if regions and self._backdrop:
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def render(self) -> RenderableType:
        """The screen below as the finder opened, dimmed (see :meth:`_freeze_backdrop`)."""
        if not self._backdrop:
            return super().render()
        return StripRenderable(self._backdrop)

    @property
    def results(self) -> FinderResults:
        """The list of hits."""
        return self.query_one("#finder-results", FinderResults)

    @on(Input.Changed, "#finder-input")
    def _search(self, event: Input.Changed) -> None:
        found = self.index.find(event.value)
        self.results.show(self.index.grouped(found[:SHOWN]), self.clock())
        total = len(self.index.state.markets)
        shown = f" (the first {SHOWN} listed)" if len(found) > SHOWN else ""
        self.query_one("#finder-count", Label).update(
            f"{len(found):,} of {total:,} markets{shown}" if event.value.strip() else f"{total:,} markets",
            layout=False)  # one line whatever it says: no layout of the screen at each key

    def hits(self) -> list[str]:
        """The tickers listed, top to bottom."""
        return self.results.hits()

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.query_one(Input).has_focus and self.hits():
            event.stop()
            self.results.focus()  # the cursor is on the first market already

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``f`` and ``t`` act on the result list (in the search field they are letters)."""
        if action in ("star", "subscribe"):
            return self.results.has_focus
        return True

    def _highlighted(self) -> str | None:
        return self.results.highlighted()

    @on(Input.Submitted, "#finder-input")
    async def _open_first(self, _event: Input.Submitted) -> None:
        hits = self.hits()
        if hits:
            await self._open(hits[0])

    @on(LineTable.RowSelected, "#finder-results")
    async def _open_selected(self, event: LineTable.RowSelected) -> None:
        event.stop()
        ticker = self.results.highlighted()
        if ticker is not None:
            await self._open(ticker)

    async def _open(self, ticker: str) -> None:
        self.app.post_message(OpenMarket(ticker))  # to the app: this screen is about to close
        self.dismiss()

    def action_star(self) -> None:
        """Star the highlighted market, or unstar it (saved like a star set on the grid)."""
        ticker = self._highlighted()
        if ticker is not None:
            self.post_message(ToggleStar(ticker))

    def action_subscribe(self) -> None:
        """Subscribe the highlighted market's ticker and trades."""
        ticker = self._highlighted()
        if ticker is not None:
            self.post_message(WantMarketData(ticker))
