"""A market's tick structure: the prices an order may take, from the exchange's price ranges.

Kalshi lists for each market bands of prices and each band's step (``price_ranges``: ``start``,
``end``, ``step``): a linear-cent market is one band from $0 to $1 in 1¢ steps, a deci-cent one
steps 0.1¢, a tapered one steps 0.1¢ near the ends and 1¢ between. Without ranges the market's tick
size makes one band; without that, 1¢. A valid price lies strictly between $0 and $1. Prices are in
app.core.fixed units; the no side's scale is the yes side's mirrored ($1 - p). Pure: no I/O, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from app.core.fixed import CENT, ONE_DOLLAR
from app.core.protocol import PriceRange


class Band(NamedTuple):
    """Prices ``start``, ``start + step``, ... up to ``last`` (both included)."""

    start: int
    last: int
    step: int


class TickScale:
    """The valid prices of one market on one side, and the steps between them."""

    def __init__(self, ranges: Iterable[PriceRange] = (), tick: int | None = None) -> None:
        bands = [Band(r.start, r.start + (r.end - r.start) // r.step * r.step, r.step)
                 for r in ranges if r.step > 0 and r.start <= r.end]
        self.bands: tuple[Band, ...] = tuple(bands) or (Band(0, ONE_DOLLAR, tick or CENT),)

    def mirrored(self) -> TickScale:
        """The same prices seen from the other side: each price ``p`` becomes ``$1 - p``."""
        scale = TickScale()
        scale.bands = tuple(Band(ONE_DOLLAR - b.last, ONE_DOLLAR - b.start, b.step) for b in self.bands)
        return scale

    def next_tick(self, price: int, direction: int) -> int | None:
        """The valid price nearest ``price`` strictly above it (``direction > 0``) or below it;
        None past the first or last."""
        price = max(price, 0) if direction > 0 else min(price, ONE_DOLLAR)  # $0 and $1 are no prices
        found = [tick for band in self.bands if (tick := _beyond(band, price, direction)) is not None
                 and 0 < tick < ONE_DOLLAR]
        if not found:
            return None
        return min(found) if direction > 0 else max(found)

    def ticks(self, low: int, high: int) -> list[int]:
        """Every valid price from ``low`` to ``high`` (both included when valid), ascending."""
        out: set[int] = set()
        for band in self.bands:
            first = band.start + max(0, -(-(low - band.start) // band.step)) * band.step  # the first >= low
            out.update(range(first, min(band.last, high) + 1, band.step))
        return sorted(tick for tick in out if 0 < tick < ONE_DOLLAR)

    def step(self, price: int, count: int) -> int:
        """``count`` ticks above ``price`` (below when negative), stopping at the last valid one."""
        direction = 1 if count > 0 else -1
        for _ in range(abs(count)):
            moved = self.next_tick(price, direction)
            if moved is None:
                break
            price = moved
        return price

    def nearest(self, price: int) -> int:
        """The valid price nearest ``price`` (the lower one on a tie); ``price`` when valid."""
        above = self.next_tick(price - 1, 1)
        below = self.next_tick(price + 1, -1)
        if above is None or below is None:
            return below if above is None else above  # type: ignore[return-value]
        return below if price - below <= above - price else above


def _beyond(band: Band, price: int, direction: int) -> int | None:
    """The price of ``band`` nearest ``price`` strictly past it in ``direction``; None if none."""
    if direction > 0:
        if price < band.start:
            return band.start
        tick = band.start + ((price - band.start) // band.step + 1) * band.step
        return tick if tick <= band.last else None
    if price > band.last:
        return band.last
    steps_below = -(-(price - band.start) // band.step) - 1  # ceil((price - start) / step) - 1
    return band.start + steps_below * band.step if steps_below >= 0 else None
