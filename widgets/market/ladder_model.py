"""What a depth ladder shows, computed from one book: pure data, no Textual.

A ladder lists prices from the highest down. At each price it shows the bid size and the ask size
on the chosen side (the asks of the yes side are the no side's bids at $1 - p), each side's size
cumulated from its best price, the volume traded there since the ladder opened, and the size of
the last trade at the last traded price. The no-side view is the same book seen from the other
side: a yes bid at p is a no ask at $1 - p.

A price ladder (:func:`price_ladder`) shows every tick of the market's scale around the touch, not
only the prices with orders: a row at each valid price from a few ticks under the best bid to a few
above the best ask, stretched to the prices the trader needs in view (the cursor, their orders,
their position); its bars are drawn on a capped scale so that one huge level does not flatten the
others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import NamedTuple

from app.core.book import NO, YES, OrderBook
from app.core.fixed import ONE_DOLLAR
from app.core.state import TradeStats
from app.core.ticks import TickScale

BID = "bid"
ASK = "ask"
BEYOND = 10  # ticks a price ladder shows past the best bid and the best ask
SCALE_CAP = 4  # a price ladder's full bar: at most this many times the median size in view


class LadderRow(NamedTuple):
    """One price on the ladder."""

    price: int
    bid: int
    bid_cumulative: int
    ask: int
    ask_cumulative: int
    traded: int
    last_size: int | None


@dataclass(frozen=True, slots=True)
class Ladder:
    """A whole ladder: its rows from the highest price down, and the numbers around the spread."""

    side: str
    rows: tuple[LadderRow, ...] = ()
    best_bid: int | None = None
    best_ask: int | None = None
    last_price: int | None = None
    max_size: int = 0
    separator_index: int = 0
    sizes: Mapping[tuple[str, int], int] = field(default_factory=dict)

    @property
    def spread(self) -> int | None:
        """Best ask minus best bid, when both exist."""
        if self.best_bid is None or self.best_ask is None:
            return None
        return self.best_ask - self.best_bid

    @property
    def mid(self) -> Fraction | None:
        """Midpoint of the best bid and ask, exact."""
        if self.best_bid is None or self.best_ask is None:
            return None
        return Fraction(self.best_bid + self.best_ask, 2)

    def levels(self, which: str) -> dict[int, int]:
        """``{price: size}`` of the bids (``which="bid"``) or asks shown."""
        return {price: size for (kind, price), size in self.sizes.items() if kind == which}


def on_side(yes_price: int, side: str) -> int:
    """A yes price seen from ``side``: itself for yes, $1 minus it for no."""
    return yes_price if side == YES else ONE_DOLLAR - yes_price


def other(side: str) -> str:
    """The other side of a binary market."""
    return NO if side == YES else YES


def traded_since(stats: TradeStats | None, baseline: Mapping[int, int]) -> dict[int, int]:
    """Volume traded at each yes price since ``baseline`` (a copy of ``volume_by_price``)."""
    if stats is None:
        return {}
    out = {}
    for price, volume in stats.volume_by_price.items():
        since = volume - baseline.get(price, 0)
        if since > 0:
            out[price] = since
    return out


def build_ladder(
    book: OrderBook | None,
    side: str,
    stats: TradeStats | None = None,
    baseline: Mapping[int, int] | None = None,
) -> Ladder:
    """The ladder of ``book`` seen from ``side``, with trades since ``baseline``."""
    bids = book.bids(side) if book is not None else []
    asks = book.asks(side) if book is not None else []
    traded = {
        on_side(price, side): volume
        for price, volume in traded_since(stats, baseline or {}).items()
    }
    last_price = None
    if stats is not None and stats.last_price is not None:
        last_price = on_side(stats.last_price, side)
    bid_at = {level.price: level for level in bids}
    ask_at = {level.price: level for level in asks}
    prices = sorted(set(bid_at) | set(ask_at) | set(traded), reverse=True)
    rows = []
    for price in prices:
        bid, ask = bid_at.get(price), ask_at.get(price)
        rows.append(
            LadderRow(
                price=price,
                bid=bid.size if bid else 0,
                bid_cumulative=bid.cumulative if bid else 0,
                ask=ask.size if ask else 0,
                ask_cumulative=ask.cumulative if ask else 0,
                traded=traded.get(price, 0),
                last_size=stats.last_size if stats is not None and price == last_price else None,
            )
        )
    best_bid = bids[0].price if bids else None
    best_ask = asks[0].price if asks else None
    sizes = {(BID, level.price): level.size for level in bids}
    sizes.update({(ASK, level.price): level.size for level in asks})
    return Ladder(
        side=side,
        rows=tuple(rows),
        best_bid=best_bid,
        best_ask=best_ask,
        last_price=last_price,
        max_size=max((level.size for level in (*bids, *asks)), default=0),
        separator_index=_separator_index(rows, best_bid, best_ask),
        sizes=sizes,
    )


def price_ladder(ladder: Ladder, scale: TickScale, beyond: int = BEYOND, keep: Iterable[int] = ()) -> Ladder:
    """``ladder`` with a row at every price of ``scale`` from ``beyond`` ticks under its best bid to
    ``beyond`` above its best ask (around its last price when it has no quote), stretched to every
    price in ``keep``; prices without a level are empty rows. No quote, no last price and nothing
    to keep: no rows. Its bars are on :func:`capped_scale`."""
    kept = list(keep)
    span = [price for price in (ladder.best_bid, ladder.best_ask) if price is not None]
    if not span and ladder.last_price is not None:
        span = [ladder.last_price]
    span = span or kept
    if not span:
        return replace(ladder, rows=(), separator_index=0)
    low = min([scale.step(min(span), -beyond), *kept])
    high = max([scale.step(max(span), beyond), *kept])
    by_price = {row.price: row for row in ladder.rows}
    prices = {*scale.ticks(low, high), *kept, *(price for price in by_price if low <= price <= high)}
    rows = [by_price.get(price) or _empty_row(price) for price in sorted(prices, reverse=True)]
    return replace(
        ladder,
        rows=tuple(rows),
        max_size=capped_scale([size for row in rows for size in (row.bid, row.ask) if size]),
        separator_index=_separator_index(rows, ladder.best_bid, ladder.best_ask),
    )


def with_rows_at(ladder: Ladder, prices: Iterable[int]) -> Ladder:
    """``ladder`` with an empty row at each of ``prices`` it has no row at: the depth ladder keeps a
    row at each of the trader's orders before the book has a level there (the order's answer can
    come before the socket's delta)."""
    missing = set(prices).difference(row.price for row in ladder.rows)
    if not missing:
        return ladder
    rows = sorted([*ladder.rows, *map(_empty_row, missing)], key=lambda row: row.price, reverse=True)
    return replace(ladder, rows=tuple(rows), separator_index=_separator_index(rows, ladder.best_bid, ladder.best_ask))


def _empty_row(price: int) -> LadderRow:
    return LadderRow(price, 0, 0, 0, 0, 0, None)


def capped_scale(sizes: list[int]) -> int:
    """The size a full bar stands for: the largest of ``sizes``, but at most ``SCALE_CAP`` times
    their median, so that one huge level leaves the others readable (its bar is full); 0 for none."""
    if not sizes:
        return 0
    ordered = sorted(sizes)
    return min(ordered[-1], SCALE_CAP * ordered[len(ordered) // 2])


def _separator_index(rows: list[LadderRow], best_bid: int | None, best_ask: int | None) -> int:
    """Where the spread line goes: below every price above the mid (or above the best bid)."""
    if best_bid is not None and best_ask is not None:
        mid2 = best_bid + best_ask
        return sum(1 for row in rows if 2 * row.price > mid2)
    if best_bid is not None:
        return sum(1 for row in rows if row.price > best_bid)
    if best_ask is not None:
        return sum(1 for row in rows if row.price >= best_ask)
    return 0


def size_changes(before: Ladder | None, after: Ladder) -> dict[tuple[str, int], int]:
    """``{(bid|ask, price): +1 or -1}`` for every size that grew or shrank (0 for gone levels)."""
    if before is None or before.side != after.side:
        return {}
    changes = {}
    for key in set(before.sizes) | set(after.sizes):
        old, new = before.sizes.get(key, 0), after.sizes.get(key, 0)
        if new != old:
            changes[key] = 1 if new > old else -1
    return changes
