"""The one fan-out from the feed's state messages to the widgets that show them.

The dashboard screen hands each coalesced :class:`app.tui.messages.StateChanged` to :class:`FanOut`,
which calls ``state_changed`` on every mounted :class:`widgets.base.StateView` whose ``SHOWS``
includes the kind. A view out of sight (on another pane or in a background tab) is not redrawn:
what it missed is kept, merged, and handed over by :meth:`FanOut.catch_up` when it comes into view,
so the cost of a frame depends on what is on screen, not on how many widgets exist.

The views are found once (walking the DOM for each of the ~200 messages a second cost more than
the handing over) and found again after :meth:`FanOut.forget`, which the screen calls when it
mounts or removes views.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.widget import Widget

from app.core.state import Kind, MarketState
from widgets.base import StateView


def in_sight(widget: Widget) -> bool:
    """True when neither ``widget`` nor any of its ancestors is hidden with ``display: none``."""
    node: object = widget
    while isinstance(node, Widget):
        if not node.display:
            return False
        node = node.parent
    return True


class FanOut:
    """Hands state changes to the state views under ``root``; views out of sight catch up later."""

    def __init__(self, root: Widget, state: MarketState, clock: Callable[[], float] = time.time) -> None:
        self.root = root
        self.state = state
        self.clock = clock
        self._missed: dict[StateView, tuple[Kind, frozenset[str]]] = {}
        self._views: list[StateView] | None = None

    def views(self) -> list[StateView]:
        """Every state view mounted under the root (as found since the last :meth:`forget`)."""
        if self._views is None:
            self._views = [node for node in self.root.walk_children(Widget) if isinstance(node, StateView)]
        return self._views

    def forget(self) -> None:
        """Views were mounted or removed: find them again at the next dispatch."""
        self._views = None

    def bind_all(self) -> None:
        """Attach the state and the clock to every view that has none yet (each draws itself once)."""
        for view in self.views():
            if view.market_state is None:
                view.bind_state(self.state, self.clock)

    def dispatch(self, kinds: Kind, books: frozenset[str]) -> None:
        """Tell every view showing one of ``kinds`` that it changed (``books``: moved books)."""
        for view in self.views():
            shown = kinds & view.SHOWS
            if not shown or view.market_state is None:
                continue
            if isinstance(view, Widget) and not view.is_attached:
                continue
            if isinstance(view, Widget) and not in_sight(view):
                missed_kinds, missed_books = self._missed.get(view, (Kind.NONE, frozenset()))
                self._missed[view] = (missed_kinds | shown, missed_books | books)
                continue
            view.state_changed(shown, books)

    def catch_up(self) -> None:
        """Hand every view that came into sight what it missed while hidden."""
        for view, (kinds, books) in list(self._missed.items()):
            if not isinstance(view, Widget) or not view.is_attached:
                del self._missed[view]
            elif in_sight(view):
                del self._missed[view]
                view.state_changed(kinds, books)

    @property
    def waiting(self) -> int:
        """How many views hold changes they have not been shown yet."""
        return len(self._missed)
