"""The one fan-out from the feed's state messages to the widgets that show them.

The dashboard screen hands each coalesced :class:`app.tui.messages.StateChanged` to :class:`FanOut`,
which calls ``state_changed`` on every mounted :class:`widgets.base.StateView` whose ``SHOWS``
includes the kind. A view out of sight (on another pane or in a background tab) is not redrawn:
what it missed is kept, merged, and handed over by :meth:`FanOut.catch_up` when it comes into view,
so the cost of a frame depends on what is on screen, not on how many widgets exist. The books a
hidden view missed are kept only when it shows books (and as "every book" once a notice named
every book), so a hidden table of fills costs no set of books at each flush.

The views are found once (walking the DOM for each of the ~200 messages a second cost more than
the handing over) and found again after :meth:`FanOut.forget`, which the screen calls when it
mounts or removes views. Whether a view is attached and in sight is one walk up its ancestors,
each ancestor looked at once per dispatch however many views it holds (the ~15 views share a few
panes; a walk per view and per question was a tenth of the fan-out's cost).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import App
from textual.widget import Widget

from app.core.state import Kind, MarketState
from widgets.base import StateView

# Where a widget stands, as :func:`standing` finds it.
DETACHED, HIDDEN, SHOWN = 0, 1, 2
_BOOK = Kind.BOOK._value_


def standing(widget: Widget, known: dict[Widget, int]) -> int:
    """:data:`DETACHED` (not under an app: removed), :data:`HIDDEN` (it or an ancestor has
    ``display: none``) or :data:`SHOWN`; ``known`` holds the standing of widgets already walked
    (filled in here for ``widget`` and the ancestors walked)."""
    path: list[Widget] = []
    node: object = widget
    while isinstance(node, Widget) and node not in known:
        path.append(node)
        node = node.parent
    result = known[node] if isinstance(node, Widget) else SHOWN if isinstance(node, App) else DETACHED
    for node in reversed(path):
        if result == SHOWN and not node.display:
            result = HIDDEN
        known[node] = result
    return result


class FanOut:
    """Hands state changes to the state views under ``root``; views out of sight catch up later."""

    def __init__(self, root: Widget, state: MarketState, clock: Callable[[], float] = time.time) -> None:
        self.root = root
        self.state = state
        self.clock = clock
        # kinds as in Kind._value_; books None: every book
        self._missed: dict[StateView, tuple[int, frozenset[str] | None]] = {}
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
        if not self.root.is_attached:  # removed, or the app is exiting
            return
        known: dict[Widget, int] = {}
        value = kinds._value_  # ints: `&` between two flags costs ~0.8 µs through enum
        for view in self.views():
            shown = value & view.SHOWS._value_
            if not shown or view.market_state is None:
                continue
            where = standing(view, known) if isinstance(view, Widget) else SHOWN
            if where == DETACHED:
                continue
            if where == HIDDEN:
                self._miss(view, shown, books)
                continue
            view.state_changed(Kind(shown), books)

    def _miss(self, view: StateView, shown: int, books: frozenset[str]) -> None:
        """Keep for the hidden ``view`` what it was not told (``books`` empty: every book)."""
        missed_kinds, missed_books = self._missed.get(view, (0, frozenset()))
        if shown & _BOOK:
            missed_books = None if missed_books is None or not books else missed_books | books
        self._missed[view] = (missed_kinds | shown, missed_books)

    def catch_up(self) -> None:
        """Hand every view that came into sight what it missed while hidden."""
        attached = self.root.is_attached
        for view, (kinds, books) in list(self._missed.items()):
            # walked afresh for each view: the views told before it may have shown or hidden panes
            where = standing(view, {}) if attached and isinstance(view, Widget) else DETACHED
            if where != HIDDEN:
                del self._missed[view]
            if where == SHOWN:
                view.state_changed(Kind(kinds), frozenset() if books is None else books)

    @property
    def waiting(self) -> int:
        """How many views hold changes they have not been shown yet."""
        return len(self._missed)
