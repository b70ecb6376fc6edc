"""The ticker grid's row order, kept as markets arrive and change rather than sorted again whole.

A market's place comes from a key (:func:`order_key`): markets that no longer trade last, then the
sort column's value (unknown values last in either direction), then the order the markets were
first seen in. A market whose key may have moved is placed again (a few microseconds over 20,000
rows); only a new sort column sorts everything again. Pure data: no I/O, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sortedcontainers import SortedKeyList

OrderKey = tuple[Any, ...]


class Descending:
    """A value that sorts the other way round (text cannot be negated)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: Descending) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Descending) and bool(self.value == other.value)

    __hash__ = None  # type: ignore[assignment]


def order_key(finished: bool, value: Any, reverse: bool, seen: int) -> OrderKey:
    """Where a market goes: ``finished`` ones last, then by ``value`` (descending when
    ``reverse``; None last either way, or for every market when the grid is not sorted), then by
    ``seen``, the order it was first seen in."""
    if value is None:
        return (finished, True, 0, seen)
    return (finished, False, Descending(value) if reverse else value, seen)


class GridOrder:
    """Tickers in the order of their keys, each placed again when its key changes."""

    def __init__(self) -> None:
        self._keys: dict[str, OrderKey] = {}
        self._sorted: SortedKeyList = SortedKeyList(key=self._keys.__getitem__)

    def place(self, ticker: str, key: OrderKey) -> bool:
        """Put ``ticker`` where ``key`` says; True when that moved it (or added it)."""
        keys = self._keys
        old = keys.get(ticker)
        if old is not None:
            if old == key:
                return False
            self._sorted.remove(ticker)  # found by its old key, still the one kept
        keys[ticker] = key
        self._sorted.add(ticker)
        return True

    def remove(self, ticker: str) -> None:
        """Take ``ticker`` out (nothing when it is not in)."""
        if ticker in self._keys:
            self._sorted.remove(ticker)
            del self._keys[ticker]

    def rebuild(self, keys: dict[str, OrderKey]) -> None:
        """Every ticker placed afresh by ``keys`` (a new sort column)."""
        self._keys.clear()
        self._keys.update(keys)
        self._sorted = SortedKeyList(keys, key=self._keys.__getitem__)

    def __iter__(self) -> Iterator[str]:
        return iter(self._sorted)

    def __len__(self) -> int:
        return len(self._sorted)

    def __contains__(self, ticker: object) -> bool:
        return ticker in self._keys
