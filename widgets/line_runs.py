"""Runs of adjacent line numbers: what the ladder refreshes and the compositor asks for at once."""

from __future__ import annotations

from collections.abc import Iterator


def line_runs(ys: list[int]) -> Iterator[tuple[int, int]]:
    """Ascending line numbers as runs of adjacent lines: ``(first, last + 1)``."""
    if not ys:
        return
    top = previous = ys[0]
    for y in ys[1:]:
        if y != previous + 1:
            yield top, previous + 1
            top = y
        previous = y
    yield top, previous + 1
