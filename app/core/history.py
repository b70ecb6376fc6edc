"""Price history since start: each market's last price, yes bid and yes ask, in bounded memory.

:class:`PriceHistory` keeps one market's history as three parallel integer arrays, one sample per
change of (last, bid, ask). When the arrays are full, neighbouring samples are merged in pairs
(the later one stands for both) and from then on each sample stands for twice as many changes:
the history always reaches back to the first message, at a resolution that halves as the session
grows, and never holds more than ``capacity`` samples. Recording costs O(1) amortised (a merge of
``capacity`` samples happens once every ``capacity / 2`` new samples, which then cover twice as
many changes each time). The x axis of a chart drawn from it is the sequence of changes, in order.

:class:`PriceHistories` holds one history per market; :class:`app.core.state.MarketState` records into
it from every ticker and trade message. Pure data: no I/O, no Textual.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from functools import partial

DEFAULT_CAPACITY = 128
_NONE = -1  # prices are never negative: -1 stands for "unknown" in the arrays


def _unpack(value: int) -> int | None:
    return None if value == _NONE else value


class PriceHistory:
    """One market's (last, yes bid, yes ask) since first seen, at most ``capacity`` samples."""

    __slots__ = ("capacity", "stride", "changes", "first_ts", "last_ts", "_absorbed",
                 "_last", "_bid", "_ask")

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number of at least 2")
        self.capacity = capacity
        self.stride = 1  # changes each sample stands for
        self.changes = 0  # changes recorded since start
        self.first_ts: int | None = None
        self.last_ts: int | None = None
        self._absorbed = 0  # changes the newest sample stands for so far
        self._last = array("i")
        self._bid = array("i")
        self._ask = array("i")

    def __len__(self) -> int:
        return len(self._last)

    def record(self, ts_ms: int | None, last: int | None, bid: int | None, ask: int | None) -> bool:
        """Take in the market's values now (None, or the arrays' own ``_NONE``, for unknown);
        False when none of them changed (nothing recorded)."""
        # on every ticker and trade message: kept to a few comparisons (no calls)
        if last is None:
            last = _NONE
        if bid is None:
            bid = _NONE
        if ask is None:
            ask = _NONE
        lasts = self._last
        if lasts and lasts[-1] == last and self._bid[-1] == bid and self._ask[-1] == ask:
            return False
        self.changes += 1
        if ts_ms is not None:
            if self.first_ts is None:
                self.first_ts = ts_ms
            self.last_ts = ts_ms
        if lasts and self._absorbed < self.stride:
            lasts[-1], self._bid[-1], self._ask[-1] = last, bid, ask
            self._absorbed += 1
            return True
        lasts.append(last)
        self._bid.append(bid)
        self._ask.append(ask)
        self._absorbed = 1
        if len(lasts) == self.capacity:
            self._halve()
        return True

    def record_last(self, ts_ms: int | None, last: int) -> bool:
        """Take in a trade print: a new last price, bid and ask as they were."""
        lasts = self._last
        if lasts:
            if lasts[-1] == last:  # a print at the last price: nothing changed
                return False
            return self.record(ts_ms, last, self._bid[-1], self._ask[-1])
        return self.record(ts_ms, last, _NONE, _NONE)

    def _halve(self) -> None:
        """Merge neighbouring samples in pairs (the later stands for both); double the stride."""
        self._last = self._last[1::2]
        self._bid = self._bid[1::2]
        self._ask = self._ask[1::2]
        # the newest sample now stands for the pair's first (a full sample) and the one change
        # just appended; every other sample for a full pair
        self._absorbed = self.stride + 1
        self.stride *= 2

    def last_points(self, width: int) -> list[int | None]:
        """At most ``width`` last prices standing for the whole history (see :func:`downsample`),
        read straight from the array: the cost depends on ``width``, not on the history."""
        n = len(self._last)
        if n <= width:
            return self.last
        return [_unpack(self._last[((i + 1) * n) // width - 1]) for i in range(width)]

    @property
    def last(self) -> list[int | None]:
        """Last prices, oldest first (None before the first trade)."""
        return [_unpack(v) for v in self._last]

    @property
    def bid(self) -> list[int | None]:
        """Yes bids, oldest first (None while no one bids)."""
        return [_unpack(v) for v in self._bid]

    @property
    def ask(self) -> list[int | None]:
        """Yes asks, oldest first (None while no one offers)."""
        return [_unpack(v) for v in self._ask]


class PriceHistories:
    """A :class:`PriceHistory` per market, created on the market's first message."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        # a missing market's history is made by the dict itself: no lookup and call of our own
        self.markets: defaultdict[str, PriceHistory] = defaultdict(partial(PriceHistory, capacity))

    def get(self, ticker: str) -> PriceHistory | None:
        """The history of ``ticker``, if anything was recorded for it."""
        return self.markets.get(ticker)


def downsample(values: list[int | None], width: int) -> list[int | None]:
    """At most ``width`` points standing for ``values`` in order: each the last of its group."""
    if width <= 0:
        return []
    n = len(values)
    if n <= width:
        return list(values)
    return [values[((i + 1) * n) // width - 1] for i in range(width)]
