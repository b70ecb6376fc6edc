"""The contract between the dashboard and every widget that shows market state.

A widget that shows state declares the kinds it shows in one place, ``SHOWS``. The dashboard
screen receives the feed's coalesced :class:`app.tui.messages.StateChanged` messages and calls
:meth:`StateView.state_changed` on each mounted view whose ``SHOWS`` includes the message's kind;
the view then redraws from :class:`app.core.state.MarketState` (never from the message).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from app.core.state import Kind, MarketState


class StateView:
    """Mixin for widgets that render from ``MarketState``; subclasses set ``SHOWS``."""

    SHOWS: ClassVar[Kind] = Kind.NONE

    market_state: MarketState | None = None
    clock: Callable[[], float] = time.time
    """The wall clock countdowns and flashes are measured on (the app's: tests freeze it)."""

    def bind_state(self, state: MarketState, clock: Callable[[], float]) -> None:
        """Attach the state this view renders from and the clock it reads, and draw it once."""
        self.market_state = state
        self.clock = clock
        self.state_changed(self.SHOWS, frozenset())

    def now(self) -> float:
        """The time on :attr:`clock`."""
        return self.clock()

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Redraw what ``kinds`` changed (``books`` names the markets whose books moved)."""
        raise NotImplementedError
